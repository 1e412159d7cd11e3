/* cmd_sweep: `microheal sweep`: run a sweep's points locally (a process pool), under mpirun (a task
 * farm, mh_farm), or as a Slurm job array, resume it, and collect its summary (papers/sweeps.md). */
#define _XOPEN_SOURCE 700 /* realpath */
#include "mh_cli.h"
#include "mh_cli_util.h"
#include "mh_progress.h"
#include "mh_farm.h"
#include "mh_h5.h"
#include "mh_sim.h"
#include "mh_sweep.h"
#include "mh_sweep_io.h"
#include "mh_version.h"

#include <errno.h>
#include <limits.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *usage_sweep =
    "usage: microheal sweep SWEEP.ini -o DIR [-j PROCS] [--threads T] [-q]\n"
    "       mpirun -np N microheal sweep SWEEP.ini -o DIR [--threads T] [-q]\n"
    "       microheal sweep --slurm SWEEP.ini -o DIR [--submit] [--array-max M] [--cpus-per-task C]\n"
    "                       [--time T] [--partition P] [--sbatch-option OPT ...]\n"
    "       microheal sweep --collect DIR\n"
    "       microheal sweep --task I --of M DIR        (what each task of the Slurm array runs)\n"
    "       microheal sweep --check SWEEP.ini          (validate every point, run nothing)\n"
    "       microheal sweep --plot DIR [--metric NAME] [--scripts SCRIPTDIR]\n"
    "\n"
    "Runs every point of the sweep (papers/sweeps.md; configs/sweeps/ has examples) to\n"
    "DIR/points/pNNNNNN.h5 and writes DIR/summary.csv and DIR/summary.h5 (one row per point: inputs,\n"
    "seed, config hash, status, outcome metrics; Sobol indices for design = sobol, also in\n"
    "DIR/sobol.csv). DIR keeps a frozen copy of the plan (sweep.ini, base.ini); running the same sweep\n"
    "into DIR again skips the points whose outputs are complete and redoes the rest.\n"
    "\n"
    "Locally, PROCS processes of T OpenMP threads run at once: by default PROCS x T = the cores\n"
    "(T = 1 unless given). Under mpirun the points go to the ranks as they ask (a dynamic task farm;\n"
    "T threads per rank, default 1); the summary is the same as a local run's. A local sweep on a\n"
    "terminal shows a progress bar (points done, elapsed, time left), redrawn as points complete;\n"
    "-q prints nothing but failures.\n"
    "--slurm writes DIR/slurm/sweep.sbatch (a job array of at most M tasks, default 1000; each task\n"
    "runs its share of the points with SLURM_CPUS_PER_TASK threads) and DIR/slurm/collect.sbatch;\n"
    "--submit submits both with sbatch, the second after the array (--dependency=afterany).\n"
    "--collect builds the summary from the outputs in DIR.\n"
    "--plot draws a metric (default collagen_gain_d42, or collagen_gain_end when no run reached day 42)\n"
    "into DIR/plots: response_AXIS.png per axis (mean, sd and min-max over replicates; a scatter for lhs\n"
    "and sobol) and, for a grid, heatmap_A_B.png of the first two numeric axes; .dat files beside them.\n"
    "Metrics: collagen_gain_d42, collagen_gain_d90, collagen_gain_d180, collagen_gain_end, erythema_days,\n"
    "closure_hours, bleeding.\n"
    "Exit status: 0 every point complete, 1 some point failed or is missing, 2 bad input.\n";

typedef struct {
    const char *sweep, *dir, *task, *of, *procs, *threads, *array_max, *cpus, *time, *partition, *metric, *scripts;
    const char *sbatch_opts[32];
    int nsbatch;
    int slurm, submit, collect, check, quiet, plot;
} sweep_args;

static int parse_args(int argc, char **argv, sweep_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        const char **dst = strcmp(s, "-o") == 0                ? &a->dir
                           : strcmp(s, "--task") == 0          ? &a->task
                           : strcmp(s, "--of") == 0            ? &a->of
                           : strcmp(s, "-j") == 0              ? &a->procs
                           : strcmp(s, "--threads") == 0       ? &a->threads
                           : strcmp(s, "--array-max") == 0     ? &a->array_max
                           : strcmp(s, "--cpus-per-task") == 0 ? &a->cpus
                           : strcmp(s, "--time") == 0          ? &a->time
                           : strcmp(s, "--partition") == 0     ? &a->partition
                           : strcmp(s, "--metric") == 0        ? &a->metric
                           : strcmp(s, "--scripts") == 0       ? &a->scripts
                           : strcmp(s, "--sbatch-option") == 0 ? &a->sbatch_opts[a->nsbatch]
                                                               : NULL;
        if (dst != NULL) {
            if (i + 1 >= argc)
                return mh_cli_usage_error(usage_sweep, "%s needs an argument", s);
            if (dst == &a->sbatch_opts[a->nsbatch] && ++a->nsbatch == 32)
                return mh_cli_usage_error(usage_sweep, "%s", "more than 31 --sbatch-option");
            *dst = argv[++i];
        } else if (strcmp(s, "--slurm") == 0) {
            a->slurm = 1;
        } else if (strcmp(s, "--submit") == 0) {
            a->submit = 1;
        } else if (strcmp(s, "--collect") == 0) {
            a->collect = 1;
        } else if (strcmp(s, "--plot") == 0) {
            a->plot = 1;
        } else if (strcmp(s, "--check") == 0) {
            a->check = 1;
        } else if (strcmp(s, "-q") == 0 || strcmp(s, "--quiet") == 0) {
            a->quiet = 1;
        } else if (s[0] == '-' && s[1] != '\0') {
            return mh_cli_usage_error(usage_sweep, "unknown option %s", s);
        } else if (a->sweep == NULL) {
            a->sweep = s;
        } else {
            return mh_cli_usage_error(usage_sweep, "unexpected argument %s", s);
        }
    }
    if (a->sweep == NULL)
        return mh_cli_usage_error(usage_sweep, "%s", a->collect || a->task || a->plot ? "missing DIR" : "missing SWEEP.ini");
    if (a->submit && !a->slurm)
        return mh_cli_usage_error(usage_sweep, "%s", "--submit goes with --slurm");
    if ((a->metric != NULL || a->scripts != NULL) && !a->plot)
        return mh_cli_usage_error(usage_sweep, "%s", "--metric and --scripts go with --plot");
    if ((a->task == NULL) != (a->of == NULL))
        return mh_cli_usage_error(usage_sweep, "%s", "--task and --of go together");
    if (!a->collect && !a->plot && a->task == NULL && !a->check && a->dir == NULL)
        return mh_cli_usage_error(usage_sweep, "%s", "missing -o DIR");
    return 0;
}

/* A whole number in [lo, hi] from option opt (text s); -1 after a usage message if it is not one. */
static long whole(const char *opt, const char *s, long lo, long hi)
{
    double x;
    if (!mh_cli_parse_double(s, &x) || x != (double)(long)x || x < lo || x > hi) {
        char msg[160];
        snprintf(msg, sizeof msg, "%s: '%%s' is not a whole number in [%ld, %ld]", opt, lo, hi);
        mh_cli_usage_error(usage_sweep, msg, s);
        return -1;
    }
    return (long)x;
}

/* Runs point i to its output (or its failure record). 0: complete; 1: failed. */
static int run_point(const mh_sweep *s, const char *dir, int i, char *msg, size_t msglen)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_config *cfg = NULL;
    mh_sim *sim = NULL;
    mh_h5_writer *w = NULL;
    char *path = mh_sweep_point_path(dir, i, "h5");
    mh_sweep_point_clean(dir, i);
    mh_status st = path == NULL ? MH_ERROR(&ctx, MH_ERR_NOMEM, "out of memory") : MH_OK;
    if (st == MH_OK)
        st = mh_sweep_point_config(s, i, &ctx, &cfg);
    const char *text = st == MH_OK ? mh_config_text(cfg) : NULL;
    if (st == MH_OK && text == NULL)
        st = MH_ERROR(&ctx, MH_ERR_NOMEM, "out of memory");
    if (st == MH_OK)
        st = mh_sim_create(cfg, &ctx, &sim);
    if (st == MH_OK)
        st = mh_h5_writer_open(path, &ctx, &w);
    if (st == MH_OK) {
        mh_sink sink = {mh_h5_snapshot, NULL, w};
        st = mh_sim_run(sim, &sink, &ctx);
    }
    if (st == MH_OK)
        st = mh_h5_writer_finish(&w, sim, text, mh_sweep_seed(s, i), &ctx);
    mh_h5_writer_abort(&w);
    mh_sim_destroy(&sim);
    mh_config_destroy(&cfg);
    free(path);
    if (st == MH_OK) {
        mh_sweep_point_clear(dir, i);
        return 0;
    }
    snprintf(msg, msglen, "%s", ctx.msg);
    mh_ctx wctx;
    mh_ctx_init(&wctx);
    if (mh_sweep_point_failed(dir, i, ctx.msg, &wctx) != MH_OK)
        fprintf(stderr, "microheal: point %d: %s\n", i, wctx.msg);
    return 1;
}

/* Runs point i (run_point) and reports it on stderr unless quiet (a failure always, with its message);
 * 0: complete, 1: failed. For the Slurm tasks and the MPI ranks (the local pool reports in the parent). */
static int run_reported(const mh_sweep *s, const char *dir, int i, int quiet)
{
    char msg[MH_MSG_LEN];
    double t0 = mh_cli_now_s();
    int bad = run_point(s, dir, i, msg, sizeof msg);
    if (!quiet || bad)
        fprintf(stderr, "point %d %s in %.1f s%s%s\n", i, bad ? "FAILED" : "complete", mh_cli_now_s() - t0,
                bad ? ": " : "", bad ? msg : "");
    return bad;
}

/* Points i = first, first + stride, ... not complete yet (in increasing order) into todo; their
 * number, or -1 (reported). */
static int pending(const mh_sweep *s, const char *dir, int first, int stride, int *todo)
{
    int n = 0;
    for (int i = first; i < mh_sweep_npoints(s); i += stride) {
        mh_ctx ctx;
        mh_ctx_init(&ctx);
        mh_config *cfg = NULL;
        if (mh_sweep_point_config(s, i, &ctx, &cfg) != MH_OK) {
            mh_cli_fail(&ctx);
            return -1;
        }
        const char *text = mh_config_text(cfg);
        if (text == NULL || !mh_sweep_point_complete(dir, i, text, NULL, NULL, 0))
            todo[n++] = i;
        mh_config_destroy(&cfg);
    }
    return n;
}

/* Writes the summary and reports it; the exit status of the sweep. */
static int summarise(const mh_sweep *s, const char *dir, int quiet)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_sweep_counts c;
    if (mh_sweep_summary_write(s, dir, &c, &ctx) != MH_OK)
        return mh_cli_fail(&ctx);
    if (!quiet || c.failed + c.missing > 0)
        fprintf(stderr, "%s/summary.csv, summary.h5: %d points: %d complete, %d failed, %d missing\n", dir,
                mh_sweep_npoints(s), c.ok, c.failed, c.missing);
    return c.failed + c.missing > 0 ? 1 : 0;
}

/* ---- local process pool ---- */

static volatile sig_atomic_t stop_signal = 0;
static void on_stop(int sig) { stop_signal = sig; }

typedef struct {
    pid_t pid;
    int point;
    double t0;
} slot;

/* Runs the points of todo in PROCS child processes of `threads` threads each. */
static int run_local(const mh_sweep *s, const char *dir, const int *todo, int ntodo, int procs, int threads,
                     int quiet)
{
    slot *sl = calloc((size_t)procs, sizeof *sl);
    if (sl == NULL) {
        fprintf(stderr, "microheal: out of memory\n");
        return 1;
    }
    struct sigaction sa = {0}, old_int, old_term;
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    int next = 0, running = 0, done = 0, failed = 0;
    mh_progress bar; /* points done of ntodo, on a terminal */
    mh_progress_start(&bar, stderr, quiet, "points", 0, ntodo);
    while ((next < ntodo && !stop_signal) || running > 0) {
        while (next < ntodo && running < procs && !stop_signal) {
            int k = 0;
            while (sl[k].pid != 0)
                k++;
            fflush(NULL);
            pid_t pid = fork();
            if (pid < 0) { /* run what is running to its end, start nothing more */
                fprintf(stderr, "microheal: cannot start a process: %s\n", strerror(errno));
                failed += ntodo - next;
                next = ntodo;
                break;
            }
            if (pid == 0) {
                sigaction(SIGINT, &old_int, NULL);
                sigaction(SIGTERM, &old_term, NULL);
                omp_set_num_threads(threads);
                char msg[MH_MSG_LEN];
                _exit(run_point(s, dir, todo[next], msg, sizeof msg));
            }
            sl[k] = (slot){pid, todo[next++], mh_cli_now_s()};
            running++;
        }
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int k = 0; k < procs; k++) {
            if (sl[k].pid != pid)
                continue;
            const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
            done++;
            if (!ok) {
                failed++;
                if (!WIFEXITED(status)) { /* killed: no record written by the child */
                    char m[128];
                    mh_ctx c;
                    mh_ctx_init(&c);
                    snprintf(m, sizeof m, "the process running it ended by signal %d", WTERMSIG(status));
                    if (!stop_signal)
                        mh_sweep_point_failed(dir, sl[k].point, m, &c);
                    mh_sweep_point_clean(dir, sl[k].point);
                }
            }
            mh_progress_clear(&bar);
            if (!quiet)
                fprintf(stderr, "[%d/%d] point %d %s in %.1f s\n", done, ntodo, sl[k].point,
                        ok ? "complete" : "FAILED", mh_cli_now_s() - sl[k].t0);
            mh_progress_update(&bar, done);
            sl[k].pid = 0;
            running--;
        }
        if (stop_signal)
            for (int k = 0; k < procs; k++)
                if (sl[k].pid != 0)
                    kill(sl[k].pid, SIGTERM);
    }
    mh_progress_finish(&bar);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    free(sl);
    return failed;
}

/* ---- Slurm ---- */

/* s in single quotes for bash. */
static void shell_quote(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++)
        if (*s == '\'')
            fputs("'\\''", f);
        else
            fputc(*s, f);
    fputc('\'', f);
}

/* Writes the job-array script and the collect script into DIR/slurm. */
static int write_slurm(const mh_sweep *s, const char *dir, const sweep_args *a, char *array_path, char *collect_path,
                       size_t len)
{
    long amax = a->array_max ? whole("--array-max", a->array_max, 1, 1000000) : 1000;
    long cpus = a->cpus ? whole("--cpus-per-task", a->cpus, 1, 4096) : 1;
    if (amax < 0 || cpus < 0)
        return 2;
    const long ntasks = mh_sweep_npoints(s) < amax ? mh_sweep_npoints(s) : amax;
    char exe[PATH_MAX], adir[PATH_MAX], sdir[PATH_MAX + 16];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0 || realpath(dir, adir) == NULL) {
        fprintf(stderr, "microheal: cannot resolve the executable's or %s's path: %s\n", dir, strerror(errno));
        return 1;
    }
    exe[n] = '\0';
    snprintf(sdir, sizeof sdir, "%s/slurm", adir);
    if (!mh_cli_mkdirs(sdir))
        return 1;
    snprintf(array_path, len, "%s/sweep.sbatch", sdir);
    snprintf(collect_path, len, "%s/collect.sbatch", sdir);
    for (int which = 0; which < 2; which++) {
        const char *path = which == 0 ? array_path : collect_path;
        FILE *f = fopen(path, "w");
        if (f == NULL) {
            fprintf(stderr, "microheal: %s: cannot write: %s\n", path, strerror(errno));
            return 1;
        }
        fprintf(f, "#!/bin/bash\n# %s of the microheal %s sweep in %s (written by microheal sweep --slurm)\n",
                which == 0 ? "Job array" : "Summary", MH_VERSION, adir);
        fprintf(f, "#SBATCH --job-name=%s\n#SBATCH --chdir=%s\n", which == 0 ? "mh-sweep" : "mh-collect", adir);
        if (which == 0) {
            fprintf(f, "#SBATCH --array=0-%ld\n#SBATCH --cpus-per-task=%ld\n", ntasks - 1, cpus);
            fprintf(f, "#SBATCH --output=%s/task-%%a.out\n", sdir);
        } else {
            fprintf(f, "#SBATCH --cpus-per-task=1\n#SBATCH --output=%s/collect.out\n", sdir);
        }
        if (a->time)
            fprintf(f, "#SBATCH --time=%s\n", a->time);
        if (a->partition)
            fprintf(f, "#SBATCH --partition=%s\n", a->partition);
        for (int k = 0; k < a->nsbatch; k++)
            fprintf(f, "#SBATCH %s\n", a->sbatch_opts[k]);
        if (which == 0) {
            fputs("export OMP_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-1}\"\nexec ", f);
            shell_quote(f, exe);
            fprintf(f, " sweep --task \"$SLURM_ARRAY_TASK_ID\" --of %ld ", ntasks);
        } else {
            fputs("exec ", f);
            shell_quote(f, exe);
            fputs(" sweep --collect ", f);
        }
        shell_quote(f, adir);
        fputc('\n', f);
        if (fclose(f) != 0) {
            fprintf(stderr, "microheal: %s: cannot write\n", path);
            return 1;
        }
    }
    return 0;
}

/* Runs sbatch --parsable [dependency] script; the job id into id. */
static bool sbatch(const char *script, const char *after, char *id, size_t len)
{
    char cmd[2 * PATH_MAX + 128];
    snprintf(cmd, sizeof cmd, "sbatch --parsable %s%s%s '%s'", after ? "--dependency=afterany:" : "", after ? after : "",
             after ? " " : "", script);
    FILE *p = popen(cmd, "r");
    if (p == NULL || fgets(id, (int)len, p) == NULL) {
        if (p != NULL)
            pclose(p);
        fprintf(stderr, "microheal: %s failed (is Slurm's sbatch on the PATH?)\n", cmd);
        return false;
    }
    int rc = pclose(p);
    id[strcspn(id, ";\n")] = '\0'; /* "jobid[;cluster]" */
    if (rc != 0 || id[0] == '\0') {
        fprintf(stderr, "microheal: %s failed (exit %d)\n", cmd, WIFEXITED(rc) ? WEXITSTATUS(rc) : -1);
        return false;
    }
    return true;
}

/* ---- the command ---- */

/* Threads per process: --threads, else SLURM_CPUS_PER_TASK (Slurm tasks), else dflt. */
static int threads_of(const sweep_args *a, int dflt)
{
    if (a->threads)
        return (int)whole("--threads", a->threads, 1, 4096);
    const char *e = getenv("SLURM_CPUS_PER_TASK");
    double x;
    if (e != NULL && mh_cli_parse_double(e, &x) && x >= 1 && x <= 4096 && x == (int)x)
        return (int)x;
    return dflt;
}

/* Loads the sweep: from SWEEP.ini (and prepares DIR), or from DIR's frozen plan. */
static int load(const sweep_args *a, bool from_dir, bool prepare, mh_sweep **s)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_status st = from_dir ? mh_sweep_dir_load(a->sweep, &ctx, s) : mh_sweep_load(a->sweep, &ctx, s);
    if (st == MH_OK && !from_dir)
        st = mh_sweep_check(*s, &ctx);
    if (st == MH_OK && prepare && !mh_cli_mkdirs(a->dir))
        return 1;
    if (st == MH_OK && prepare)
        st = mh_sweep_dir_prepare(*s, a->dir, &ctx);
    return st == MH_OK ? 0 : mh_cli_fail(&ctx);
}

/* --task I --of M DIR: the points i with i mod M = I that are not complete, in order. */
static int run_task(const sweep_args *a)
{
    long m = whole("--of", a->of, 1, MH_SWEEP_MAX_POINTS), t = m > 0 ? whole("--task", a->task, 0, m - 1) : -1;
    if (m < 0 || t < 0)
        return 2;
    int threads = threads_of(a, 1);
    if (threads < 0)
        return 2;
    mh_sweep *s = NULL;
    int rc = load(a, true, false, &s);
    int *todo = rc == 0 ? malloc((size_t)mh_sweep_npoints(s) * sizeof *todo) : NULL;
    int n = todo != NULL ? pending(s, a->sweep, (int)t, (int)m, todo) : -1; /* this task's share only */
    if (rc == 0 && n < 0)
        rc = 1;
    omp_set_num_threads(threads);
    int failed = 0, ran = 0;
    for (int k = 0; rc == 0 && k < n; k++, ran++)
        failed += run_reported(s, a->sweep, todo[k], a->quiet);
    if (rc == 0 && !a->quiet)
        fprintf(stderr, "task %ld of %ld: %d points run, %d failed (%d threads)\n", t, m, ran, failed, threads);
    free(todo);
    mh_sweep_destroy(&s);
    return rc != 0 ? rc : failed > 0 ? 1 : 0;
}

static int run_slurm(const sweep_args *a)
{
    mh_sweep *s = NULL;
    int rc = load(a, false, true, &s);
    char array[PATH_MAX + 32], collect[PATH_MAX + 32], id[64], id2[64];
    if (rc == 0)
        rc = write_slurm(s, a->dir, a, array, collect, sizeof array);
    if (rc == 0 && !a->quiet)
        fprintf(stderr, "%d points; wrote %s and %s\n", mh_sweep_npoints(s), array, collect);
    if (rc == 0 && a->submit) {
        if (!sbatch(array, NULL, id, sizeof id) || !sbatch(collect, id, id2, sizeof id2))
            rc = 1;
        else
            printf("submitted job array %s and summary job %s (after the array)\n", id, id2);
    } else if (rc == 0 && !a->quiet) {
        fprintf(stderr, "submit with: jid=$(sbatch --parsable %s) && sbatch --dependency=afterany:$jid %s\n", array,
                collect);
    }
    mh_sweep_destroy(&s);
    return rc;
}

/* State shared by the task farm's callback. */
typedef struct {
    const mh_sweep *s;
    const char *dir;
    const int *todo;
    int quiet;
} farm_user;

static int farm_task(void *user, int task)
{
    const farm_user *u = user;
    return run_reported(u->s, u->dir, u->todo[task], u->quiet);
}

/* Under mpirun: rank 0 plans, prepares DIR and lists the pending points; every rank (rank 0 too) runs
 * points as the farm hands them out; rank 0 writes the summary. */
static int run_mpi(int argc, char **argv, const sweep_args *a)
{
    if (!mh_farm_available()) {
        fprintf(stderr, "microheal: started by an MPI launcher, but this microheal was built without MPI "
                        "(install Open MPI and rebuild: make MPI=1)\n");
        return 2;
    }
    int rank = 0, size = 1;
    char err[512];
    if (mh_farm_init(&argc, &argv, &rank, &size, err, sizeof err) != 0) {
        fprintf(stderr, "microheal: %s\n", err);
        mh_farm_finalize();
        return 1;
    }
    int threads = threads_of(a, 1);
    mh_sweep *s = NULL;
    int *todo = NULL, head[2] = {threads < 0 ? 2 : 0, 0};
    if (head[0] == 0 && rank == 0)
        head[0] = load(a, false, true, &s);
    if (head[0] == 0 && rank == 0) {
        todo = malloc((size_t)mh_sweep_npoints(s) * sizeof *todo);
        head[1] = todo != NULL ? pending(s, a->dir, 0, 1, todo) : -1;
        head[0] = head[1] < 0 ? 1 : 0;
    }
    /* rank 0's verdict and the number of points to run, then every rank loads the frozen plan */
    bool mpi_ok = mh_farm_bcast_ints(head, 2, err, sizeof err) == 0;
    int rc = head[0], n = head[1];
    if (mpi_ok && rc == 0 && rank != 0) {
        todo = malloc(((size_t)n + 1) * sizeof *todo);
        sweep_args frozen = *a;
        frozen.sweep = a->dir;
        rc = todo == NULL ? 1 : load(&frozen, true, false, &s);
    }
    int ready = rc == 0;
    mpi_ok = mpi_ok && mh_farm_all_true(&ready, err, sizeof err) == 0;
    if (mpi_ok && ready)
        mpi_ok = mh_farm_bcast_ints(todo, n, err, sizeof err) == 0;
    if (mpi_ok && ready) {
        omp_set_num_threads(threads);
        if (rank == 0 && !a->quiet)
            fprintf(stderr, "%d points, %d to run on %d ranks x %d threads\n", mh_sweep_npoints(s), n, size, threads);
        farm_user u = {s, a->dir, todo, a->quiet};
        mh_farm_job job = {n, farm_task, &u};
        mpi_ok = mh_farm_run(&job, NULL, err, sizeof err) >= 0;
        if (mpi_ok && rank == 0)
            rc = summarise(s, a->dir, a->quiet);
    } else if (mpi_ok && rc == 0) {
        rc = 1; /* another rank could not load the plan (it said why) */
    }
    if (!mpi_ok) {
        fprintf(stderr, "microheal: rank %d: %s\n", rank, err);
        mh_farm_abort(1);
        rc = 1;
    }
    free(todo);
    mh_sweep_destroy(&s);
    mh_farm_finalize();
    return rc;
}

int mh_cmd_sweep(int argc, char **argv)
{
    if (mh_cli_wants_help(argc, argv)) {
        fputs(usage_sweep, stdout);
        return 0;
    }
    sweep_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc != 0)
        return rc;
    if (a.collect) {
        mh_sweep *s = NULL;
        rc = load(&a, true, false, &s);
        if (rc == 0)
            rc = summarise(s, a.sweep, a.quiet);
        mh_sweep_destroy(&s);
        return rc;
    }
    if (a.plot)
        return mh_cli_sweep_plot(a.sweep, a.metric, a.scripts, usage_sweep);
    if (a.task != NULL)
        return run_task(&a);
    if (a.slurm)
        return run_slurm(&a);
    if (a.check) {
        mh_sweep *s = NULL;
        rc = load(&a, false, false, &s);
        if (rc == 0)
            printf("%s: valid: design %s, %d axes, %d rows x %d replicates = %d points\n", a.sweep,
                   mh_sweep_design_name(mh_sweep_get_design(s)), mh_sweep_naxes(s), mh_sweep_nrows(s),
                   mh_sweep_replicates(s), mh_sweep_npoints(s));
        mh_sweep_destroy(&s);
        return rc;
    }
    if (mh_farm_launched()) {
        if (a.procs != NULL)
            return mh_cli_usage_error(usage_sweep, "%s", "-j is for local runs; under mpirun the ranks are the processes");
        return run_mpi(argc, argv, &a);
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    cores = cores < 1 ? 1 : cores;
    int threads = threads_of(&a, 1);
    long procs = a.procs ? whole("-j", a.procs, 1, 4096) : cores / threads > 0 ? cores / threads : 1;
    if (threads < 0 || procs < 0)
        return 2;
    mh_sweep *s = NULL;
    rc = load(&a, false, true, &s);
    int *todo = rc == 0 ? malloc((size_t)mh_sweep_npoints(s) * sizeof *todo) : NULL;
    int n = todo != NULL ? pending(s, a.dir, 0, 1, todo) : -1;
    if (rc == 0 && n < 0)
        rc = 1;
    if (rc == 0) {
        if (procs > n && n > 0)
            procs = n;
        if (!a.quiet)
            fprintf(stderr, "%d points, %d complete, %d to run: %ld processes x %d threads\n", mh_sweep_npoints(s),
                    mh_sweep_npoints(s) - n, n, procs, threads);
        double t0 = mh_cli_now_s();
        int failed = n > 0 ? run_local(s, a.dir, todo, n, (int)procs, threads, a.quiet) : 0;
        if (stop_signal) {
            fprintf(stderr, "microheal: stopped by signal %d; the complete points are kept: run the same command to "
                            "go on\n", (int)stop_signal);
            rc = 128 + stop_signal;
        } else {
            if (!a.quiet && n > 0)
                fprintf(stderr, "%d points run in %.1f s (%d failed)\n", n, mh_cli_now_s() - t0, failed);
            rc = summarise(s, a.dir, a.quiet);
        }
    }
    free(todo);
    mh_sweep_destroy(&s);
    return rc;
}
