/* mh_pool: running a sweep's points to DIR/points: one point, the pending points, a local process pool
 * (see mh_pool.h). */
#include "mh_pool.h"

#include "mh_build.h"
#include "mh_progress.h"
#include "mh_checkpoint.h"
#include "mh_cli_util.h"
#include "mh_file.h"
#include "mh_h5.h"
#include "mh_sim.h"
#include "mh_sweep_io.h"

#include <errno.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs point i to its output (or its failure record). 0: complete; 1: failed. */
static int run_point(const mh_sweep *s, const char *dir, int i, char *msg, size_t msglen)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_config *cfg = NULL;
    mh_sim *sim = NULL;
    mh_h5_writer *w = NULL;
    mh_lock *lock = NULL;
    char *path = mh_sweep_point_path(dir, i, "h5"), *lock_path = path != NULL ? mh_output_lock_path(path) : NULL;
    mh_status st = lock_path == NULL ? MH_ERROR(&ctx, MH_ERR_NOMEM, "out of memory") : MH_OK;
    if (st == MH_OK && mh_lock_acquire(lock_path, false, path, &ctx, &lock) != MH_OK) {
        /* another process runs this point (a second sweep into the same folder): no failure record of
         * ours may replace its outcome */
        snprintf(msg, msglen, "%s", ctx.msg);
        free(path);
        free(lock_path);
        return 1;
    }
    if (st == MH_OK)
        mh_sweep_point_clean(dir, i); /* what dead runs of the point left, under its lock */
    if (st == MH_OK)
        st = mh_sweep_point_config(s, i, &ctx, &cfg);
    const char *text = st == MH_OK ? mh_config_text(cfg) : NULL;
    if (st == MH_OK && text == NULL)
        st = MH_ERROR(&ctx, MH_ERR_NOMEM, "out of memory");
    if (st == MH_OK)
        st = mh_build_sim(cfg, &ctx, &sim);
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
    free(lock_path);
    if (st == MH_OK)
        mh_sweep_point_clear(dir, i);
    if (st != MH_OK) {
        snprintf(msg, msglen, "%s", ctx.msg);
        mh_ctx wctx;
        mh_ctx_init(&wctx);
        if (mh_sweep_point_failed(dir, i, ctx.msg, &wctx) != MH_OK)
            fprintf(stderr, "microheal: point %d: %s\n", i, wctx.msg);
    }
    mh_lock_release(&lock);
    return st == MH_OK ? 0 : 1;
}

/* For the Slurm tasks and the MPI ranks; the local pool reports in the parent. */
int mh_pool_run_reported(const mh_sweep *s, const char *dir, int i, int quiet)
{
    char msg[MH_MSG_LEN];
    double t0 = mh_cli_now_s();
    int bad = run_point(s, dir, i, msg, sizeof msg);
    if (!quiet || bad)
        fprintf(stderr, "point %d %s in %.1f s%s%s\n", i, bad ? "FAILED" : "complete", mh_cli_now_s() - t0,
                bad ? ": " : "", bad ? msg : "");
    return bad;
}

int mh_pool_pending(const mh_sweep *s, const char *dir, int first, int stride, int *todo)
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


static volatile sig_atomic_t stop_signal = 0;
static void on_stop(int sig) { stop_signal = sig; }

typedef struct {
    pid_t pid;
    int point;
    double t0;
} slot;

/* Runs the points of todo in PROCS child processes of `threads` threads each; the number that failed. */
static int run_pool(const mh_sweep *s, const char *dir, const int *todo, int ntodo, int procs, int threads,
                    const char *noun, int quiet)
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
    char unit[48];
    snprintf(unit, sizeof unit, "%ss", noun);
    mh_progress bar; /* points (variants) done of ntodo, on a terminal */
    mh_progress_start(&bar, stderr, quiet, unit, 0, ntodo);
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
                free(sl); /* the parent's (a leak checker in the child would count it) */
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
                fprintf(stderr, "[%d/%d] %s %d %s in %.1f s\n", done, ntodo, noun, sl[k].point,
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

int mh_pool_run_local(const mh_sweep *s, const char *dir, long procs, int threads, const char *noun, int quiet)
{
    const int npoints = mh_sweep_npoints(s);
    int *todo = malloc((size_t)npoints * sizeof *todo);
    const int n = todo != NULL ? mh_pool_pending(s, dir, 0, 1, todo) : -1;
    if (n < 0) {
        if (todo == NULL)
            fprintf(stderr, "microheal: out of memory\n");
        free(todo);
        return 1;
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    cores = cores < 1 ? 1 : cores;
    if (procs <= 0)
        procs = threads > 0 && cores / threads > 0 ? cores / threads : cores;
    if (procs > n && n > 0)
        procs = n;
    if (threads <= 0)
        threads = cores / procs > 0 ? (int)(cores / procs) : 1;
    if (!quiet)
        fprintf(stderr, "%d %ss, %d complete, %d to run: %ld processes x %d threads\n", npoints, noun, npoints - n, n,
                procs, threads);
    const double t0 = mh_cli_now_s();
    const int failed = n > 0 ? run_pool(s, dir, todo, n, (int)procs, threads, noun, quiet) : 0;
    free(todo);
    if (stop_signal) {
        fprintf(stderr, "microheal: stopped by signal %d; the complete %ss are kept: run the same command to go on\n",
                (int)stop_signal, noun);
        return 128 + stop_signal;
    }
    if (!quiet && n > 0)
        fprintf(stderr, "%d %ss run in %.1f s (%d failed)\n", n, noun, mh_cli_now_s() - t0, failed);
    return 0;
}

int mh_pool_tabulate(const mh_sweep *s, const char *dir, mh_pool_table_fn write, const char *files, const char *noun,
                     int quiet)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_sweep_counts c;
    if (write(s, dir, &c, &ctx) != MH_OK)
        return mh_cli_fail(&ctx);
    if (!quiet || c.failed + c.missing > 0)
        fprintf(stderr, "%s/%s: %d %ss: %d complete, %d failed, %d missing\n", dir, files, mh_sweep_npoints(s), noun,
                c.ok, c.failed, c.missing);
    return c.failed + c.missing > 0 ? 1 : 0;
}
