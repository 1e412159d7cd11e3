/* test_farm: the MPI task farm (src/cli/mh_farm.c) under mpirun, through tests/mpi/farm_check.c. */
#include "helpers.h"

#include <time.h>

/* 13 tasks of 20 to 48 ms: long enough that every rank asks for work before the counter runs out. */
#define NTASKS 13

/* farm_check beside this test executable ($(B)/tests/farm_check, built by MPI builds only) into path;
 * skips the test when it is absent (built without MPI) or mpirun is not Open MPI's. */
static void farm_check_path(char *path, size_t len)
{
    mh_test_beside_exe("farm_check", path, len);
    if (access(path, X_OK) != 0)
        cr_skip_test("this build has no MPI (no %s; make MPI=1 builds it)", path);
    if (mh_test_sh("mpirun --version 2>&1 | grep -q 'Open MPI'", NULL) != 0)
        cr_skip_test("no Open MPI mpirun on PATH (package openmpi-bin)");
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Reads a whole small file into buf (NUL-terminated); returns its length or -1. */
static long slurp(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    size_t n = fread(buf, 1, len - 1, f);
    buf[n] = '\0';
    fclose(f);
    return (long)n;
}

/* Runs farm_check with np ranks over NTASKS tasks and checks: exit 0 within the 60 s timeout, every
 * task ran exactly once on a rank in [0, np), task 3's failure (and only it) reported, rank 0 and the
 * other ranks both ran tasks, and no rank used more than half of the farm's wall time in CPU (a polling
 * dispatcher uses about 1.5 %; one spinning in blocking MPI calls would use 100 %). */
static void check_farm(int np)
{
    char bin[PATH_MAX];
    farm_check_path(bin, sizeof bin);
    char dir[200];
    mh_test_mkdtemp(dir, sizeof dir, "farm");
    char cmd[2 * PATH_MAX + 512];
    snprintf(cmd, sizeof cmd,
             "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 "
             "timeout 60 mpirun -np %d --oversubscribe %s %s %d > %s/out",
             np, bin, dir, NTASKS, dir);
    double t0 = now_s();
    char *err = NULL;
    int rc = mh_test_sh(cmd, &err);
    double wall = now_s() - t0;
    cr_assert_neq(rc, 124, "mpirun -np %d took over 60 s: %s", np, err);
    cr_assert_eq(rc, 0, "mpirun -np %d: exit %d: %s", np, rc, err);
    free(err);
    cr_log_info("mpirun -np %d farm_check, %d tasks: %.2f s\n", np, NTASKS, wall);

    char buf[8192], path[PATH_MAX];
    int per_rank[16] = {0};
    for (int t = 0; t < NTASKS; t++) {
        snprintf(path, sizeof path, "%s/task-%d", dir, t);
        cr_assert_gt(slurp(path, buf, sizeof buf), 0, "task %d did not run", t);
        int rank = -1, used = 0;
        cr_assert_eq(sscanf(buf, "%d\n%n", &rank, &used), 1, "task %d: '%s'", t, buf);
        cr_assert_eq(buf[used], '\0', "task %d ran more than once: '%s'", t, buf);
        cr_assert(rank >= 0 && rank < np, "task %d ran on rank %d", t, rank);
        per_rank[rank]++;
        unlink(path);
    }
    int others = 0;
    for (int r = 1; r < np; r++)
        others += per_rank[r];
    cr_assert_gt(per_rank[0], 0, "rank 0 ran no task");
    cr_assert_gt(others, 0, "ranks other than 0 ran no task");

    snprintf(path, sizeof path, "%s/out", dir);
    cr_assert_gt(slurp(path, buf, sizeof buf), 0, "no output");
    for (int t = 0; t < NTASKS; t++) {
        char line[64];
        snprintf(line, sizeof line, t == 3 ? "task %d: failed (1)\n" : "task %d: ok\n", t);
        cr_assert_not_null(strstr(buf, line), "no '%s' in:\n%s", line, buf);
    }
    cr_assert_not_null(strstr(buf, "failed: 1\n"), "%s", buf);
    unlink(path);

    for (int r = 0; r < np; r++) {
        snprintf(path, sizeof path, "%s/cpu-%d", dir, r);
        double cpu = -1, farm_wall = -1;
        cr_assert_gt(slurp(path, buf, sizeof buf), 0, "rank %d wrote no cpu file", r);
        cr_assert_eq(sscanf(buf, "%lf %lf", &cpu, &farm_wall), 2);
        cr_log_info("rank %d: %.3f s CPU over %.3f s of farm\n", r, cpu, farm_wall);
        cr_assert_lt(cpu, 0.5 * farm_wall, "rank %d spins: %.3f s CPU in %.3f s", r, cpu, farm_wall);
        unlink(path);
    }
    cr_assert_eq(rmdir(dir), 0, "%s not empty", dir);
}

Test(farm, two_ranks_share_the_tasks, .timeout = 120) { check_farm(2); }

Test(farm, three_ranks_on_two_cores_share_the_tasks, .timeout = 120) { check_farm(3); }
