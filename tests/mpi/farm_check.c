/* farm_check: runs a task farm of sleeping tasks (mh_farm) under mpirun, for tests/test_farm.c.
 *
 * Usage: mpirun -np N farm_check DIR NTASKS [BASE_MS]
 * Task i sleeps BASE_MS (default 20) + 7 (i mod 5) ms, appends the rank that ran it as one line to
 * DIR/task-<i> (so a task run twice shows two lines), and fails on purpose when i is 3. Each rank writes
 * DIR/cpu-<rank>: "CPU_S WALL_S", its process CPU time (user + system) and wall time over mh_farm_run.
 * Rank 0 prints "task <i>: ok" or "task <i>: failed (<status>)" per task, then "failed: <n>".
 * Exit status: 0 when the farm ran (whatever its tasks returned), 1 on an error, 2 on bad arguments. */
#include "mh_farm.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

/* The sanitizer hooks for Open MPI (make check-asan) come from src/cli/mh_sanitizer_hooks.c. */

typedef struct {
    const char *dir;
    int rank;
    long base_ms;
} check_ctx;

static int run_task(void *user, int task)
{
    const check_ctx *c = user;
    long ms = c->base_ms + 7 * (task % 5);
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
    char path[4096];
    snprintf(path, sizeof path, "%s/task-%d", c->dir, task);
    FILE *f = fopen(path, "a");
    if (f == NULL)
        return 2;
    fprintf(f, "%d\n", c->rank);
    if (fclose(f) != 0)
        return 2;
    return task == 3 ? 1 : 0;
}

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           1e-6 * (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    char *end = NULL;
    long ntasks = argc >= 3 ? strtol(argv[2], &end, 10) : -1;
    if (argc < 3 || argc > 4 || *end != '\0' || ntasks < 0 || ntasks > 100000) {
        fprintf(stderr, "usage: mpirun -np N farm_check DIR NTASKS [BASE_MS]\n");
        return 2;
    }
    check_ctx c = {.dir = argv[1], .base_ms = 20};
    if (argc == 4) {
        c.base_ms = strtol(argv[3], &end, 10);
        if (*end != '\0' || c.base_ms < 0 || c.base_ms > 60000) {
            fprintf(stderr, "farm_check: bad BASE_MS '%s'\n", argv[3]);
            return 2;
        }
    }
    char err[512];
    int size = 1;
    if (mh_farm_init(&argc, &argv, &c.rank, &size, err, sizeof err) != 0) {
        fprintf(stderr, "farm_check: %s\n", err);
        mh_farm_finalize();
        return 1;
    }
    int *status = c.rank == 0 ? calloc((size_t)ntasks + 1, sizeof *status) : NULL;
    if (c.rank == 0 && status == NULL) {
        fprintf(stderr, "farm_check: out of memory\n");
        mh_farm_abort(1);
        return 1;
    }
    mh_farm_job job = {.ntasks = (int)ntasks, .run = run_task, .user = &c};
    double cpu0 = cpu_s(), wall0 = wall_s();
    int nfailed = mh_farm_run(&job, status, err, sizeof err);
    double cpu = cpu_s() - cpu0, wall = wall_s() - wall0;
    if (nfailed < 0) {
        fprintf(stderr, "farm_check: rank %d: %s\n", c.rank, err);
        free(status);
        mh_farm_abort(1);
        return 1;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/cpu-%d", c.dir, c.rank);
    FILE *f = fopen(path, "w");
    if (f != NULL) {
        fprintf(f, "%.6f %.6f\n", cpu, wall);
        fclose(f);
    }
    if (c.rank == 0) {
        for (int t = 0; t < job.ntasks; t++) {
            if (status[t] == 0)
                printf("task %d: ok\n", t);
            else
                printf("task %d: failed (%d)\n", t, status[t]);
        }
        printf("failed: %d\n", nfailed);
    }
    free(status);
    mh_farm_finalize();
    return 0;
}
