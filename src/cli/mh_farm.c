/* src/cli: the microheal command: parse the arguments, call the library, report, exit code. */
/* mh_farm: a dynamic MPI task farm for the CLI (microheal sweep under mpirun); serial without MPI.
 *
 * Protocol (MPI_COMM_WORLD, two tags): a worker (rank > 0) sends rank 0 a request {done, result}, the
 * task it last ran (-1 at first) and that task's return value, and receives the next task, or -1 when
 * none is left, after which it waits in the closing barrier. On rank 0 a dispatcher thread answers the
 * requests and records the results, while the main thread runs tasks from the same mutex-protected
 * counter; only the dispatcher calls MPI between the thread's start and its join, so
 * MPI_THREAD_SERIALIZED is enough. Every wait is a poll (MPI_Iprobe or MPI_Test, then a 1 ms sleep):
 * Open MPI's blocking calls spin, which would take a core from the computing threads. */
#include "mh_farm.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifdef MH_HAVE_MPI
#include <mpi.h>
#include <pthread.h>
#endif

/* Writes a printf-style message to err (errlen bytes, may be 0). */
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (err == NULL || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* The environment variable name holds a whole decimal integer above 1. */
static bool env_above_one(const char *name)
{
    const char *s = getenv(name);
    if (s == NULL || *s == '\0')
        return false;
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    return errno == 0 && *end == '\0' && v > 1;
}

bool mh_farm_launched(void)
{
    return env_above_one("OMPI_COMM_WORLD_SIZE") || env_above_one("PMI_SIZE") ||
           (getenv("PMIX_RANK") != NULL && env_above_one("SLURM_STEP_NUM_TASKS"));
}

/* Runs every task in order on the calling process; returns the number of failed tasks. */
static int run_serial(const mh_farm_job *job, int *status)
{
    int nfailed = 0;
    for (int t = 0; t < job->ntasks; t++) {
        int r = job->run(job->user, t);
        if (status != NULL)
            status[t] = r;
        nfailed += r != 0;
    }
    return nfailed;
}

static bool job_ok(const mh_farm_job *job, char *err, size_t errlen)
{
    if (job == NULL || job->run == NULL || job->ntasks < 0) {
        set_err(err, errlen, "mh_farm_run: bad job (%s)",
                job == NULL        ? "NULL"
                : job->run == NULL ? "no run callback"
                                   : "negative task count");
        return false;
    }
    return true;
}

#ifndef MH_HAVE_MPI

bool mh_farm_available(void) { return false; }

int mh_farm_init(int *argc, char ***argv, int *rank, int *size, char *err, size_t errlen)
{
    (void)argc;
    (void)argv;
    if (rank != NULL)
        *rank = 0;
    if (size != NULL)
        *size = 1;
    set_err(err, errlen, "this microheal was built without MPI (make MPI=1)");
    return -1;
}

int mh_farm_run(const mh_farm_job *job, int *status, char *err, size_t errlen)
{
    return job_ok(job, err, errlen) ? run_serial(job, status) : -1;
}

int mh_farm_bcast_ints(int *v, int n, char *err, size_t errlen)
{
    (void)v;
    (void)n;
    (void)err;
    (void)errlen;
    return 0;
}

int mh_farm_all_true(int *flag, char *err, size_t errlen)
{
    (void)flag;
    (void)err;
    (void)errlen;
    return 0;
}

void mh_farm_abort(int code) { (void)code; }

void mh_farm_finalize(void) {}

#else /* MH_HAVE_MPI */

enum { TAG_REQUEST = 0x6d68, TAG_TASK = 0x6d69 };

/* Sleeps about 1 ms between two polls (a signal cutting it short only makes the next poll earlier). */
static void nap(void)
{
    struct timespec ts = {0, 1000000L};
    nanosleep(&ts, NULL);
}

/* Puts MPI's message for error code rc after prefix into err. */
static void set_mpi_err(char *err, size_t errlen, const char *what, int rc)
{
    char text[MPI_MAX_ERROR_STRING];
    int len = 0;
    if (MPI_Error_string(rc, text, &len) != MPI_SUCCESS)
        snprintf(text, sizeof text, "error %d", rc);
    set_err(err, errlen, "%s failed: %s", what, text);
}

/* Waits for the n requests by polling (MPI_Testall, then a nap); returns MPI's code. */
static int wait_all(int n, MPI_Request *rq)
{
    for (;;) {
        int done = 0;
        int rc = MPI_Testall(n, rq, &done, MPI_STATUSES_IGNORE);
        if (rc != MPI_SUCCESS || done)
            return rc;
        nap();
    }
}

/* The closing barrier, polled. */
static int barrier(void)
{
    MPI_Request rq;
    int rc = MPI_Ibarrier(MPI_COMM_WORLD, &rq);
    return rc != MPI_SUCCESS ? rc : wait_all(1, &rq);
}

bool mh_farm_available(void) { return true; }

static bool mpi_live(void)
{
    int init = 0, fin = 0;
    MPI_Initialized(&init);
    MPI_Finalized(&fin);
    return init && !fin;
}

int mh_farm_init(int *argc, char ***argv, int *rank, int *size, char *err, size_t errlen)
{
    int rc, provided = MPI_THREAD_SINGLE, init = 0;
    MPI_Initialized(&init);
    if (init)
        rc = MPI_Query_thread(&provided);
    else
        rc = MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided);
    if (rc != MPI_SUCCESS) {
        set_mpi_err(err, errlen, init ? "MPI_Query_thread" : "MPI_Init_thread", rc);
        return -1;
    }
    int r = 0, n = 1;
    if ((rc = MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN)) != MPI_SUCCESS ||
        (rc = MPI_Comm_rank(MPI_COMM_WORLD, &r)) != MPI_SUCCESS ||
        (rc = MPI_Comm_size(MPI_COMM_WORLD, &n)) != MPI_SUCCESS) {
        set_mpi_err(err, errlen, "MPI_Comm_rank/size", rc);
        return -1;
    }
    if (rank != NULL)
        *rank = r;
    if (size != NULL)
        *size = n;
    if (n > 1 && provided < MPI_THREAD_SERIALIZED) {
        set_err(err, errlen,
                "the MPI library gives thread level %d, below MPI_THREAD_SERIALIZED (%d), which the task "
                "farm needs (rank 0 computes beside its dispatcher thread)",
                provided, MPI_THREAD_SERIALIZED);
        return -1;
    }
    return 0;
}

/* Rank 0's state, shared by its main thread and the dispatcher; lock guards next, stop and status. */
typedef struct {
    const mh_farm_job *job;
    int *status;  /* may be NULL */
    int nworkers; /* size - 1 */
    pthread_mutex_t lock;
    int next;  /* the next task to hand out */
    bool stop; /* the dispatcher failed: hand out nothing more */
    int nfailed;
    int mpi_rc; /* MPI_SUCCESS, or the dispatcher's failed call's code */
    const char *mpi_call;
} farm0;

/* The next task for anyone, or -1 when none is left (or the farm stops). */
static int take_task(farm0 *f)
{
    pthread_mutex_lock(&f->lock);
    int t = f->stop || f->next >= f->job->ntasks ? -1 : f->next++;
    pthread_mutex_unlock(&f->lock);
    return t;
}

static void record(farm0 *f, int task, int result)
{
    pthread_mutex_lock(&f->lock);
    if (f->status != NULL)
        f->status[task] = result;
    f->nfailed += result != 0;
    pthread_mutex_unlock(&f->lock);
}

/* The dispatcher: answers requests until every worker has been told that no task is left. */
static void *dispatch(void *arg)
{
    farm0 *f = arg;
    int active = f->nworkers, rc = MPI_SUCCESS;
    const char *call = NULL;
    while (active > 0) {
        int flag = 0;
        MPI_Status st;
        if ((rc = MPI_Iprobe(MPI_ANY_SOURCE, TAG_REQUEST, MPI_COMM_WORLD, &flag, &st)) != MPI_SUCCESS) {
            call = "MPI_Iprobe";
            break;
        }
        if (!flag) {
            nap();
            continue;
        }
        int msg[2];
        if ((rc = MPI_Recv(msg, 2, MPI_INT, st.MPI_SOURCE, TAG_REQUEST, MPI_COMM_WORLD, MPI_STATUS_IGNORE)) !=
            MPI_SUCCESS) {
            call = "MPI_Recv";
            break;
        }
        if (msg[0] >= 0 && msg[0] < f->job->ntasks)
            record(f, msg[0], msg[1]);
        int t = take_task(f);
        /* One int: sent eagerly, and the worker has posted its receive before its request. */
        if ((rc = MPI_Send(&t, 1, MPI_INT, st.MPI_SOURCE, TAG_TASK, MPI_COMM_WORLD)) != MPI_SUCCESS) {
            call = "MPI_Send";
            break;
        }
        active -= t < 0;
    }
    if (rc != MPI_SUCCESS) {
        pthread_mutex_lock(&f->lock);
        f->stop = true;
        f->mpi_rc = rc;
        f->mpi_call = call;
        pthread_mutex_unlock(&f->lock);
    }
    return NULL;
}

static int run_rank0(const mh_farm_job *job, int *status, int size, char *err, size_t errlen)
{
    farm0 f = {.job = job, .status = status, .nworkers = size - 1, .mpi_rc = MPI_SUCCESS};
    if (pthread_mutex_init(&f.lock, NULL) != 0) {
        set_err(err, errlen, "mh_farm_run: pthread_mutex_init failed");
        return -1;
    }
    pthread_t th;
    int prc = pthread_create(&th, NULL, dispatch, &f);
    if (prc != 0) {
        pthread_mutex_destroy(&f.lock);
        set_err(err, errlen, "mh_farm_run: cannot start the dispatcher thread (error %d)", prc);
        return -1;
    }
    for (int t; (t = take_task(&f)) >= 0;)
        record(&f, t, job->run(job->user, t));
    pthread_join(th, NULL);
    pthread_mutex_destroy(&f.lock);
    if (f.mpi_rc != MPI_SUCCESS) {
        set_mpi_err(err, errlen, f.mpi_call, f.mpi_rc);
        return -1;
    }
    int rc = barrier();
    if (rc != MPI_SUCCESS) {
        set_mpi_err(err, errlen, "MPI_Ibarrier", rc);
        return -1;
    }
    return f.nfailed;
}

static int run_worker(const mh_farm_job *job, char *err, size_t errlen)
{
    int msg[2] = {-1, 0}, task = -1, rc;
    for (;;) {
        MPI_Request rq[2];
        if ((rc = MPI_Irecv(&task, 1, MPI_INT, 0, TAG_TASK, MPI_COMM_WORLD, &rq[0])) != MPI_SUCCESS) {
            set_mpi_err(err, errlen, "MPI_Irecv", rc);
            return -1;
        }
        if ((rc = MPI_Isend(msg, 2, MPI_INT, 0, TAG_REQUEST, MPI_COMM_WORLD, &rq[1])) != MPI_SUCCESS ||
            (rc = wait_all(2, rq)) != MPI_SUCCESS) {
            set_mpi_err(err, errlen, "MPI_Isend/MPI_Testall", rc);
            return -1;
        }
        if (task < 0 || task >= job->ntasks)
            break;
        msg[0] = task;
        msg[1] = job->run(job->user, task);
    }
    if ((rc = barrier()) != MPI_SUCCESS) {
        set_mpi_err(err, errlen, "MPI_Ibarrier", rc);
        return -1;
    }
    return 0;
}

int mh_farm_run(const mh_farm_job *job, int *status, char *err, size_t errlen)
{
    if (!job_ok(job, err, errlen))
        return -1;
    int rank = 0, size = 1;
    if (mpi_live() &&
        (MPI_Comm_rank(MPI_COMM_WORLD, &rank) != MPI_SUCCESS || MPI_Comm_size(MPI_COMM_WORLD, &size) != MPI_SUCCESS)) {
        set_err(err, errlen, "mh_farm_run: MPI_Comm_rank/size failed");
        return -1;
    }
    if (size == 1)
        return run_serial(job, status);
    return rank == 0 ? run_rank0(job, status, size, err, errlen) : run_worker(job, err, errlen);
}

int mh_farm_bcast_ints(int *v, int n, char *err, size_t errlen)
{
    MPI_Request rq;
    int rc = !mpi_live() || n == 0 ? MPI_SUCCESS : MPI_Ibcast(v, n, MPI_INT, 0, MPI_COMM_WORLD, &rq);
    if (rc == MPI_SUCCESS && mpi_live() && n > 0)
        rc = wait_all(1, &rq);
    if (rc != MPI_SUCCESS)
        set_mpi_err(err, errlen, "MPI_Ibcast", rc);
    return rc == MPI_SUCCESS ? 0 : -1;
}

int mh_farm_all_true(int *flag, char *err, size_t errlen)
{
    if (!mpi_live())
        return 0;
    int mine = *flag != 0;
    MPI_Request rq;
    int rc = MPI_Iallreduce(&mine, flag, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD, &rq);
    if (rc == MPI_SUCCESS)
        rc = wait_all(1, &rq);
    if (rc != MPI_SUCCESS)
        set_mpi_err(err, errlen, "MPI_Iallreduce", rc);
    return rc == MPI_SUCCESS ? 0 : -1;
}

void mh_farm_abort(int code)
{
    if (mpi_live())
        MPI_Abort(MPI_COMM_WORLD, code);
}

void mh_farm_finalize(void)
{
    if (mpi_live())
        MPI_Finalize();
}

#endif /* MH_HAVE_MPI */
