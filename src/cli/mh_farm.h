/* src/cli: the microheal command: parse the arguments, call the library, report, exit code. */
/* mh_farm: a dynamic MPI task farm for the CLI (microheal sweep under mpirun); serial without MPI. */
#ifndef MH_FARM_H
#define MH_FARM_H

#include <stdbool.h>
#include <stddef.h>

/* True when MPI support was compiled in (make MPI=1, which defines MH_HAVE_MPI for mh_farm.c). */
bool mh_farm_available(void);

/* True when this process looks started by an MPI launcher with more than one rank: OMPI_COMM_WORLD_SIZE
 * (Open MPI's mpirun) or PMI_SIZE (MPICH's mpiexec, Intel MPI, srun --mpi=pmi2) above 1, or PMIX_RANK set
 * with SLURM_STEP_NUM_TASKS above 1 (srun --mpi=pmix). Reads the environment only, so it works whether
 * or not MPI is compiled in (the CLI can then say that this microheal was built without MPI). */
bool mh_farm_launched(void);

/* A farm's work: tasks 0 .. ntasks-1, each run by run(user, task) on whichever rank gets it. run returns
 * 0 when the task succeeded, anything else when it failed; a failure is recorded and the farm goes on.
 * On rank 0 run is called from the main thread (the thread that called mh_farm_run) while a dispatcher
 * thread of the farm handles MPI, so run must not call MPI itself. */
typedef struct {
    int ntasks;                       /* >= 0, the same on every rank */
    int (*run)(void *user, int task); /* not NULL */
    void *user;                       /* passed to run; the farm never touches it */
} mh_farm_job;

/* Initialises MPI (MPI_Init_thread asking for MPI_THREAD_SERIALIZED) and sets MPI_ERRORS_RETURN on
 * MPI_COMM_WORLD. argc, argv: main's, passed on to MPI_Init_thread (may be NULL). Out: *rank, *size of
 * MPI_COMM_WORLD. Returns 0, or -1 with a message in err (errlen bytes, truncated to fit): built without
 * MPI, MPI_Init_thread failed, or more than one rank and the MPI library gives a thread level below
 * MPI_THREAD_SERIALIZED (MPI is then initialised: call mh_farm_finalize). Calling it when MPI is already
 * initialised only fills rank and size (and checks the level). */
int mh_farm_init(int *argc, char ***argv, int *rank, int *size, char *err, size_t errlen);

/* Runs job's tasks, spread over the ranks of MPI_COMM_WORLD as a dynamic farm. Collective: every rank
 * calls it with the same ntasks. Tasks are handed out in increasing order, one at a time, to whichever
 * rank asks next. Rank 0 computes too: a dispatcher thread does all of its MPI communication while the
 * calling thread takes tasks from the same counter; every wait polls (MPI_Iprobe, MPI_Test) with 1 ms
 * sleeps, so no rank spins a core while waiting. One rank (or MPI not initialised, or built without
 * MPI): every task runs in order on the calling process, without threads.
 * status: on rank 0, NULL or an array of ntasks ints that receives each task's return value of run;
 * ignored on other ranks (may be NULL). Which rank ran a task is recorded nowhere.
 * Returns on every rank only once every task has finished (the farm ends with a non-blocking barrier,
 * polled like the rest): on rank 0 the number of failed tasks, on other ranks 0; -1 with a message in
 * err (errlen bytes) for a bad job (ntasks < 0 or run NULL), a failed thread start or an MPI error.
 * After -1 from an MPI error other ranks may wait for ever: end the job with mh_farm_abort. */
int mh_farm_run(const mh_farm_job *job, int *status, char *err, size_t errlen);

/* Collectives for setting a farm up (every rank calls them; polled like the farm, so no rank spins).
 * mh_farm_bcast_ints: rank 0's v[0 .. n) to every rank. mh_farm_all_true: *flag becomes true on every
 * rank when it was true (non-zero) on every rank. Without MPI, or with MPI not initialised, they do
 * nothing. 0, or -1 with MPI's message in err. */
int mh_farm_bcast_ints(int *v, int n, char *err, size_t errlen);
int mh_farm_all_true(int *flag, char *err, size_t errlen);

/* Ends every rank of the MPI job with exit status code (MPI_Abort); for the CLI after a failed
 * mh_farm_run. Returns (doing nothing) when MPI is not compiled in or not initialised. */
void mh_farm_abort(int code);

/* Finalises MPI when it was initialised and is not finalised yet; else does nothing. Cannot fail. */
void mh_farm_finalize(void);

#endif
