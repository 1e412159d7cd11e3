/* src/cli: the microheal command: parse the arguments, call the library, report, exit code. */
/* cmd_sweep: `microheal sweep`: run a sweep's points locally (a process pool), under mpirun (a task
 * farm, mh_farm), or as a Slurm job array, resume it, and collect its summary (papers/sweeps.md). */
#define _XOPEN_SOURCE 700 /* realpath */
#include "mh_args.h"
#include "mh_cli.h"
#include "mh_cli_util.h"
#include "mh_farm.h"
#include "mh_pool.h"
#include "mh_sweep.h"
#include "mh_sweep_io.h"
#include "mh_version.h"

#include <errno.h>
#include <limits.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *usage_sweep =
    "usage: microheal sweep SWEEP.ini -o DIR [-j PROCS] [--threads T] [--replicates N] [-q]\n"
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
    "--replicates N gives every row N replicates instead of the sweep file's replicates (seeds:\n"
    "papers/ensembles.md); DIR/ensemble.csv and summary.h5's /ensemble hold per row the mean, sd and\n"
    "95 % confidence interval of every metric over its replicates.\n"
    "--collect builds the summary from the outputs in DIR.\n"
    "--plot draws a metric (default collagen_gain_d42, or collagen_gain_end when no run reached day 42)\n"
    "into DIR/plots: response_AXIS.png per axis (mean, sd and min-max over replicates; a scatter for lhs\n"
    "and sobol) and, for a grid, heatmap_A_B.png of the first two numeric axes; .dat files beside them.\n"
    "Metrics: collagen_gain_d42, collagen_gain_d90, collagen_gain_d180, collagen_gain_end, erythema_days,\n"
    "closure_hours, bleeding.\n"
    "Exit status: 0 every point complete, 1 some point failed or is missing, 2 bad input.\n";

typedef struct {
    const char *sweep, *dir, *task, *of, *threads, *array_max, *cpus, *time, *partition, *metric, *scripts;
    const char *sbatch_opts[32];
    int nsbatch;
    long procs;      /* -j; 0: not given */
    long replicates; /* --replicates; 0: the sweep file's */
    int slurm, submit, collect, check, quiet, plot;
} sweep_args;

/* sweep's own options: those with a value first, in the order of sweep_args' members, then the flags. */
enum {
    OPT_TASK = MH_ARGS_OWN,
    OPT_OF,
    OPT_THREADS,
    OPT_ARRAY_MAX,
    OPT_CPUS,
    OPT_TIME,
    OPT_PARTITION,
    OPT_METRIC,
    OPT_SCRIPTS,
    OPT_SBATCH,
    OPT_SLURM,
    OPT_SUBMIT,
    OPT_COLLECT,
    OPT_CHECK,
    OPT_PLOT
};
static const struct option sweep_options[] = {{"task", required_argument, NULL, OPT_TASK},
                                              {"of", required_argument, NULL, OPT_OF},
                                              {"threads", required_argument, NULL, OPT_THREADS},
                                              {"array-max", required_argument, NULL, OPT_ARRAY_MAX},
                                              {"cpus-per-task", required_argument, NULL, OPT_CPUS},
                                              {"time", required_argument, NULL, OPT_TIME},
                                              {"partition", required_argument, NULL, OPT_PARTITION},
                                              {"metric", required_argument, NULL, OPT_METRIC},
                                              {"scripts", required_argument, NULL, OPT_SCRIPTS},
                                              {"sbatch-option", required_argument, NULL, OPT_SBATCH},
                                              {"slurm", no_argument, NULL, OPT_SLURM},
                                              {"submit", no_argument, NULL, OPT_SUBMIT},
                                              {"collect", no_argument, NULL, OPT_COLLECT},
                                              {"check", no_argument, NULL, OPT_CHECK},
                                              {"plot", no_argument, NULL, OPT_PLOT},
                                              {NULL, 0, NULL, 0}};

static int on_sweep_option(mh_args *args, int val, char *arg)
{
    sweep_args *a = args->user;
    const char **text[] = {&a->task, &a->of,        &a->threads, &a->array_max, &a->cpus,
                           &a->time, &a->partition, &a->metric,  &a->scripts};
    int *flag[] = {&a->slurm, &a->submit, &a->collect, &a->check, &a->plot};
    if (val < OPT_SBATCH) {
        *text[val - OPT_TASK] = arg;
    } else if (val > OPT_SBATCH) {
        *flag[val - OPT_SLURM] = 1;
    } else if (a->nsbatch == 31) {
        return mh_cli_usage_error(usage_sweep, "%s", "more than 31 --sbatch-option");
    } else {
        a->sbatch_opts[a->nsbatch++] = arg;
    }
    return 0;
}

/* Parses argv into a (args holds what it points to) and checks the options go together. Returns
 * MH_ARGS_GO_ON, or the exit status (reported). */
static int parse_args(int argc, char **argv, mh_args *args, sweep_args *a)
{
    memset(a, 0, sizeof *a);
    const mh_args_spec spec = {.usage = usage_sweep,
                               .common = MH_ARGS_OUTPUT | MH_ARGS_QUIET | MH_ARGS_JOBS | MH_ARGS_REPLICATES,
                               .own = sweep_options,
                               .max_pos = 1,
                               .on_option = on_sweep_option,
                               .user = a};
    const int rc = mh_args_parse(&spec, argc, argv, args);
    if (rc != MH_ARGS_GO_ON)
        return rc;
    a->sweep = args->npos > 0 ? args->pos[0] : NULL;
    a->dir = args->output;
    a->procs = args->jobs;
    a->replicates = args->replicates;
    a->quiet = args->quiet;
    if (a->replicates > 0 && (a->collect || a->plot || a->task != NULL))
        return mh_cli_usage_error(usage_sweep, "%s",
                                  "--replicates goes with SWEEP.ini (the folder's frozen plan has its own)");
    if (a->sweep == NULL)
        return mh_cli_usage_error(usage_sweep, "%s",
                                  a->collect || a->task || a->plot ? "missing DIR" : "missing SWEEP.ini");
    if (a->submit && !a->slurm)
        return mh_cli_usage_error(usage_sweep, "%s", "--submit goes with --slurm");
    if ((a->metric != NULL || a->scripts != NULL) && !a->plot)
        return mh_cli_usage_error(usage_sweep, "%s", "--metric and --scripts go with --plot");
    if ((a->task == NULL) != (a->of == NULL))
        return mh_cli_usage_error(usage_sweep, "%s", "--task and --of go together");
    if (!a->collect && !a->plot && a->task == NULL && !a->check && a->dir == NULL)
        return mh_cli_usage_error(usage_sweep, "%s", "missing -o DIR");
    return MH_ARGS_GO_ON;
}

/* A whole number in [lo, hi] from option opt (text s); -1 after a usage message if it is not one. */
static long whole(const char *opt, const char *s, long lo, long hi)
{
    return mh_cli_whole(usage_sweep, opt, s, lo, hi);
}

/* Writes the summary and reports it; the exit status of the sweep. */
static int summarise(const mh_sweep *s, const char *dir, int quiet)
{
    return mh_pool_tabulate(s, dir, mh_sweep_summary_write, "summary.csv, summary.h5", "point", quiet);
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

/* s as one argument of an #SBATCH line: as it is when it holds only letters, digits and "/._-:,=+@%", else
 * in double quotes with a backslash before '"' and '\\'. sbatch splits such a line at blanks outside
 * quotes, drops the quotes, takes the character after a backslash as it is and ends the line at a '#'
 * outside quotes (Slurm's get_argument; a backslash does not keep a blank from splitting, quotes do). s
 * holds no newline (slurm_text_ok). */
static void sbatch_quote(FILE *f, const char *s)
{
    bool plain = *s != '\0';
    for (const char *c = s; plain && *c != '\0'; c++)
        plain = isalnum((unsigned char)*c) || strchr("/._-:,=+@%", *c) != NULL;
    if (plain) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* The #SBATCH --output value DIR/NAME: sbatch_quote of it with every '%' of DIR doubled (Slurm reads %x in
 * an output file name as a pattern, %% as '%'; NAME holds the patterns meant, such as %a). */
static void sbatch_output(FILE *f, const char *dir, const char *name)
{
    char v[2 * PATH_MAX + 64];
    size_t k = 0;
    for (; *dir != '\0' && k + 2 < sizeof v; dir++) {
        if (*dir == '%')
            v[k++] = '%';
        v[k++] = *dir;
    }
    snprintf(v + k, sizeof v - k, "%s", name);
    sbatch_quote(f, v);
}

/* Whether text (what: the option that gave it; "-o": the sweep's folder) may go into a batch script: one
 * line (a newline would start a line of its own, a command or an #SBATCH option of its own), without
 * "packjob", which sbatch blanks out of an #SBATCH line before it splits it (what follows would become
 * options of their own), and for the folder without a backslash. False after a message naming what. */
static bool slurm_text_ok(const char *what, const char *text)
{
    const bool dir = strcmp(what, "-o") == 0;
    const char *why = strchr(text, '\n') != NULL || strchr(text, '\r') != NULL ? "a line break"
                      : dir && strchr(text, '\\') != NULL
                          ? "a backslash (Slurm drops it from the --output file names, and the tasks cannot start)"
                          : NULL;
    for (const char *p = text; why == NULL && *p != '\0'; p++)
        if (strncasecmp(p, "packjob", 7) == 0)
            why = "the word packjob (sbatch removes it from #SBATCH lines)";
    if (why == NULL)
        return true;
    fprintf(stderr, "microheal: %s: %s cannot go into a batch script: '", what, why);
    for (const char *p = text; *p != '\0'; p++)
        fputc(iscntrl((unsigned char)*p) ? ' ' : *p, stderr);
    fputs("'\n", stderr);
    return false;
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
    if (!slurm_text_ok("-o", adir))
        return 2;
    snprintf(sdir, sizeof sdir, "%s/slurm", adir);
    if (!mh_cli_mkdirs(sdir))
        return 1;
    snprintf(array_path, len, "%s/sweep.sbatch", sdir);
    snprintf(collect_path, len, "%s/collect.sbatch", sdir);
    for (int which = 0; which < 2; which++) {
        const char *path = which == 0 ? array_path : collect_path;
        char *tmp = NULL; /* a fresh temporary file, renamed when complete (a planted link cannot redirect it) */
        int rc = 0;
        FILE *f = mh_cli_text_open(path, &tmp, &rc);
        if (f == NULL)
            return rc;
        fprintf(f, "#!/bin/bash\n# %s of the microheal %s sweep in %s (written by microheal sweep --slurm)\n",
                which == 0 ? "Job array" : "Summary", MH_VERSION, adir);
        fprintf(f, "#SBATCH --job-name=%s\n#SBATCH --chdir=", which == 0 ? "mh-sweep" : "mh-collect");
        sbatch_quote(f, adir);
        if (which == 0) {
            fprintf(f, "\n#SBATCH --array=0-%ld\n#SBATCH --cpus-per-task=%ld\n#SBATCH --output=", ntasks - 1, cpus);
            sbatch_output(f, sdir, "/task-%a.out");
        } else {
            fputs("\n#SBATCH --cpus-per-task=1\n#SBATCH --output=", f);
            sbatch_output(f, sdir, "/collect.out");
        }
        fputc('\n', f);
        if (a->time) {
            fputs("#SBATCH --time=", f);
            sbatch_quote(f, a->time);
            fputc('\n', f);
        }
        if (a->partition) {
            fputs("#SBATCH --partition=", f);
            sbatch_quote(f, a->partition);
            fputc('\n', f);
        }
        for (int k = 0; k < a->nsbatch; k++) /* options of the user's own, split by sbatch as given */
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
        if ((rc = mh_cli_text_close(f, tmp, path)) != 0)
            return rc;
    }
    return 0;
}

/* Runs sbatch --parsable [--dependency=afterany:AFTER] SCRIPT (an argv, no shell) and reads the job id from
 * its standard output ("jobid[;cluster]") into id. False after a message. */
static bool sbatch(const char *script, const char *after, char *id, size_t len)
{
    /* execvp takes char *const argv[]: the entries are this call's own copies */
    char prog[] = "sbatch", parsable[] = "--parsable", dep[96], path[PATH_MAX + 32];
    if (!mh_cli_fmt(path, sizeof path, "%s", script))
        return false;
    char *argv[5] = {prog, parsable, path, NULL, NULL};
    if (after != NULL) {
        snprintf(dep, sizeof dep, "--dependency=afterany:%s", after);
        argv[2] = dep;
        argv[3] = path;
    }
    int fd[2];
    fflush(NULL);
    pid_t pid = pipe(fd) == 0 ? fork() : -1;
    if (pid < 0) {
        fprintf(stderr, "microheal: sbatch %s: cannot start: %s\n", script, strerror(errno));
        return false;
    }
    if (pid == 0) {
        close(fd[0]);
        if (dup2(fd[1], STDOUT_FILENO) < 0)
            _exit(127);
        close(fd[1]);
        execvp("sbatch", argv);
        _exit(127);
    }
    close(fd[1]);
    size_t got = 0;
    for (ssize_t r; got + 1 < len && (r = read(fd[0], id + got, len - 1 - got)) != 0;)
        if (r > 0)
            got += (size_t)r;
        else if (errno != EINTR)
            break;
    id[got] = '\0';
    close(fd[0]); /* more output than an id: sbatch gets SIGPIPE, and fails */
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    id[strcspn(id, ";\n")] = '\0'; /* "jobid[;cluster]" */
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
        fprintf(stderr, "microheal: sbatch %s failed (is Slurm's sbatch on the PATH?)\n", script);
        return false;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || id[0] == '\0') {
        fprintf(stderr, "microheal: sbatch %s failed (exit %d)\n", script,
                WIFEXITED(status) ? WEXITSTATUS(status) : -1);
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
    long x;
    if (e != NULL && mh_cli_parse_long(e, &x) && x >= 1 && x <= 4096)
        return (int)x;
    return dflt;
}

/* Loads the sweep: from SWEEP.ini (and prepares DIR), or from DIR's frozen plan. Unless lock is NULL, first
 * takes the lock of the folder (mh_cli_lock_dir): exclusive to prepare it, shared to read its plan. */
static int load(const sweep_args *a, bool from_dir, bool prepare, mh_sweep **s, mh_lock **lock)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_status st = from_dir ? mh_sweep_dir_load(a->sweep, &ctx, s) : mh_sweep_load(a->sweep, &ctx, s);
    if (st == MH_OK && !from_dir && a->replicates > 0) /* before DIR freezes the plan */
        st = mh_sweep_set_replicates(*s, (int)a->replicates, &ctx);
    if (st == MH_OK && !from_dir)
        st = mh_sweep_check(*s, &ctx);
    if (st == MH_OK && prepare && !mh_cli_mkdirs(a->dir))
        return 1;
    if (st == MH_OK && lock != NULL && (*lock = mh_cli_lock_dir(prepare ? a->dir : a->sweep, !prepare)) == NULL)
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
    mh_lock *lock = NULL; /* shared: the tasks of one array run side by side */
    int rc = load(a, true, false, &s, &lock);
    int *todo = rc == 0 ? malloc((size_t)mh_sweep_npoints(s) * sizeof *todo) : NULL;
    int n = todo != NULL ? mh_pool_pending(s, a->sweep, (int)t, (int)m, todo) : -1; /* this task's share only */
    if (rc == 0 && n < 0)
        rc = 1;
    omp_set_num_threads(threads);
    int failed = 0, ran = 0;
    for (int k = 0; rc == 0 && k < n; k++, ran++)
        failed += mh_pool_run_reported(s, a->sweep, todo[k], a->quiet);
    if (rc == 0 && !a->quiet)
        fprintf(stderr, "task %ld of %ld: %d points run, %d failed (%d threads)\n", t, m, ran, failed, threads);
    free(todo);
    mh_sweep_destroy(&s);
    mh_lock_release(&lock);
    return rc != 0 ? rc : failed > 0 ? 1 : 0;
}

static int run_slurm(const sweep_args *a)
{
    /* what goes into the batch scripts is one line each (checked before anything is written) */
    bool ok = slurm_text_ok("-o", a->dir) && (a->time == NULL || slurm_text_ok("--time", a->time)) &&
              (a->partition == NULL || slurm_text_ok("--partition", a->partition));
    for (int k = 0; ok && k < a->nsbatch; k++)
        ok = slurm_text_ok("--sbatch-option", a->sbatch_opts[k]);
    if (!ok)
        return 2;
    mh_sweep *s = NULL;
    mh_lock *lock = NULL;
    int rc = load(a, false, true, &s, &lock);
    char array[PATH_MAX + 32], collect[PATH_MAX + 32], id[64], id2[64];
    if (rc == 0)
        rc = write_slurm(s, a->dir, a, array, collect, sizeof array);
    mh_lock_release(&lock); /* before the tasks, which take it shared, can start */
    if (rc == 0 && !a->quiet)
        fprintf(stderr, "%d points; wrote %s and %s\n", mh_sweep_npoints(s), array, collect);
    if (rc == 0 && a->submit) {
        if (!sbatch(array, NULL, id, sizeof id) || !sbatch(collect, id, id2, sizeof id2))
            rc = 1;
        else
            printf("submitted job array %s and summary job %s (after the array)\n", id, id2);
    } else if (rc == 0 && !a->quiet) { /* a line to paste into a shell: the paths quoted */
        fputs("submit with: jid=$(sbatch --parsable ", stderr);
        shell_quote(stderr, array);
        fputs(") && sbatch --dependency=afterany:$jid ", stderr);
        shell_quote(stderr, collect);
        fputc('\n', stderr);
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
    return mh_pool_run_reported(u->s, u->dir, u->todo[task], u->quiet);
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
    mh_lock *lock = NULL; /* rank 0's, for the whole sweep */
    if (head[0] == 0 && rank == 0)
        head[0] = load(a, false, true, &s, &lock);
    if (head[0] == 0 && rank == 0) {
        todo = malloc((size_t)mh_sweep_npoints(s) * sizeof *todo);
        head[1] = todo != NULL ? mh_pool_pending(s, a->dir, 0, 1, todo) : -1;
        head[0] = head[1] < 0 ? 1 : 0;
    }
    /* rank 0's verdict and the number of points to run, then every rank loads the frozen plan */
    bool mpi_ok = mh_farm_bcast_ints(head, 2, err, sizeof err) == 0;
    int rc = head[0], n = head[1];
    if (mpi_ok && rc == 0 && rank != 0) {
        todo = malloc(((size_t)n + 1) * sizeof *todo);
        sweep_args frozen = *a;
        frozen.sweep = a->dir;
        rc = todo == NULL ? 1 : load(&frozen, true, false, &s, NULL);
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
    mh_lock_release(&lock);
    mh_farm_finalize();
    return rc;
}

/* Does what a asks for: collect, plot, a Slurm task, the Slurm scripts, check, a sweep under mpirun or a local
 * one. The exit status. */
static int run_sweep(int argc, char **argv, const sweep_args *a)
{
    int rc = 0;
    if (a->collect) {
        mh_sweep *s = NULL;
        mh_lock *lock = NULL;
        rc = load(a, true, false, &s, &lock);
        if (rc == 0)
            rc = summarise(s, a->sweep, a->quiet);
        mh_sweep_destroy(&s);
        mh_lock_release(&lock);
        return rc;
    }
    if (a->plot)
        return mh_cli_sweep_plot(a->sweep, a->metric, a->scripts, usage_sweep);
    if (a->task != NULL)
        return run_task(a);
    if (a->slurm)
        return run_slurm(a);
    if (a->check) {
        mh_sweep *s = NULL;
        rc = load(a, false, false, &s, NULL);
        if (rc == 0)
            printf("%s: valid: design %s, %d axes, %d rows x %d replicates = %d points\n", a->sweep,
                   mh_sweep_design_name(mh_sweep_get_design(s)), mh_sweep_naxes(s), mh_sweep_nrows(s),
                   mh_sweep_replicates(s), mh_sweep_npoints(s));
        mh_sweep_destroy(&s);
        return rc;
    }
    if (mh_farm_launched()) {
        if (a->procs != 0)
            return mh_cli_usage_error(usage_sweep, "%s",
                                      "-j is for local runs; under mpirun the ranks are the processes");
        return run_mpi(argc, argv, a);
    }
    int threads = threads_of(a, 1);
    if (threads < 0)
        return 2;
    mh_sweep *s = NULL;
    mh_lock *lock = NULL; /* one sweep into DIR at a time */
    rc = load(a, false, true, &s, &lock);
    if (rc == 0) /* procs 0: cores / threads */
        rc = mh_pool_run_local(s, a->dir, a->procs, threads, "point", a->quiet);
    if (rc == 0)
        rc = summarise(s, a->dir, a->quiet);
    mh_sweep_destroy(&s);
    mh_lock_release(&lock);
    return rc;
}

int mh_cmd_sweep(int argc, char **argv)
{
    mh_args args;
    sweep_args a;
    int rc = parse_args(argc, argv, &args, &a);
    if (rc == MH_ARGS_GO_ON)
        rc = run_sweep(argc, argv, &a);
    mh_args_clear(&args);
    return rc;
}
