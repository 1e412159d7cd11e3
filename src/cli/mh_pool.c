/* src/cli: the microheal command: parse the arguments, call the library, report, exit code. */
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

/* A local pool while it runs: the points of todo in procs child processes of threads threads each. */
typedef struct {
    const mh_sweep *s;
    const char *dir, *noun;
    const int *todo;
    int ntodo, procs, threads, quiet;
    slot *sl;                           /* procs of them; pid 0: free */
    int next, running, done, failed;    /* todo[next] starts next */
    struct sigaction old_int, old_term; /* what SIGINT and SIGTERM did before the pool */
    mh_progress bar;                    /* points (variants) done of ntodo, on a terminal */
} pool;

/* Starts todo[next] in a child process in a free slot. False when fork failed: nothing more starts then, and
 * the points not started count as failed. */
static bool pool_start(pool *p)
{
    int k = 0;
    while (p->sl[k].pid != 0)
        k++;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) { /* run what is running to its end, start nothing more */
        fprintf(stderr, "microheal: cannot start a process: %s\n", strerror(errno));
        p->failed += p->ntodo - p->next;
        p->next = p->ntodo;
        return false;
    }
    if (pid == 0) {
        sigaction(SIGINT, &p->old_int, NULL);
        sigaction(SIGTERM, &p->old_term, NULL);
        omp_set_num_threads(p->threads);
        const int point = p->todo[p->next];
        free(p->sl); /* the parent's (a leak checker in the child would count it) */
        char msg[MH_MSG_LEN];
        _exit(run_point(p->s, p->dir, point, msg, sizeof msg));
    }
    p->sl[k] = (slot){pid, p->todo[p->next++], mh_cli_now_s()};
    p->running++;
    return true;
}

/* The child pid ended with status: its point is counted and reported, and its slot freed. A child killed by
 * a signal wrote no record of its point: one is written here, unless the pool is being stopped. */
static void pool_reap(pool *p, pid_t pid, int status)
{
    for (int k = 0; k < p->procs; k++) {
        if (p->sl[k].pid != pid)
            continue;
        const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        p->done++;
        if (!ok) {
            p->failed++;
            if (!WIFEXITED(status)) {
                char m[128];
                mh_ctx c;
                mh_ctx_init(&c);
                snprintf(m, sizeof m, "the process running it ended by signal %d", WTERMSIG(status));
                if (!stop_signal)
                    mh_sweep_point_failed(p->dir, p->sl[k].point, m, &c);
                mh_sweep_point_clean(p->dir, p->sl[k].point);
            }
        }
        mh_progress_clear(&p->bar);
        if (!p->quiet)
            fprintf(stderr, "[%d/%d] %s %d %s in %.1f s\n", p->done, p->ntodo, p->noun, p->sl[k].point,
                    ok ? "complete" : "FAILED", mh_cli_now_s() - p->sl[k].t0);
        mh_progress_update(&p->bar, p->done);
        p->sl[k].pid = 0;
        p->running--;
    }
}

/* Runs the points of todo in PROCS child processes of `threads` threads each; the number that failed. */
static int run_pool(const mh_sweep *s, const char *dir, const int *todo, int ntodo, int procs, int threads,
                    const char *noun, int quiet)
{
    pool p = {.s = s,
              .dir = dir,
              .noun = noun,
              .todo = todo,
              .ntodo = ntodo,
              .procs = procs,
              .threads = threads,
              .quiet = quiet,
              .sl = calloc((size_t)procs, sizeof(slot))};
    if (p.sl == NULL) {
        fprintf(stderr, "microheal: out of memory\n");
        return 1;
    }
    struct sigaction sa = {0};
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &p.old_int);
    sigaction(SIGTERM, &sa, &p.old_term);
    char unit[48];
    snprintf(unit, sizeof unit, "%ss", noun);
    mh_progress_start(&p.bar, stderr, quiet, unit, 0, ntodo);
    while ((p.next < ntodo && !stop_signal) || p.running > 0) {
        while (p.next < ntodo && p.running < procs && !stop_signal && pool_start(&p))
            ;
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        pool_reap(&p, pid, status);
        if (stop_signal) /* stopping: the running points end too, with no failure record (a rerun runs them) */
            for (int k = 0; k < procs; k++)
                if (p.sl[k].pid != 0)
                    kill(p.sl[k].pid, SIGTERM);
    }
    mh_progress_finish(&p.bar);
    sigaction(SIGINT, &p.old_int, NULL);
    sigaction(SIGTERM, &p.old_term, NULL);
    free(p.sl);
    return p.failed;
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
