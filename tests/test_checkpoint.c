/* test_checkpoint: `microheal run` killed and resumed, atomic outputs, bad checkpoints, full disks,
 * fault snapshots, and `info`/`export` on damaged or foreign HDF5 (README.md, "Long runs and restarts"). */
#include "helpers.h"

#include "mh_h5.h"

#include <hdf5.h>

#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

/* A short run: two sessions (day 0 and 14), snapshots before and after the second, 30 days. */
#define RUN_ARGS                                                                                                       \
    " run configs/default.ini -q --set grid.dx_um=20 --set simulation.days=30 --set schedule.sessions=2 "           \
    "--set schedule.interval_days=14 --set output.snapshot_days=0,1,7,14,15,28 "

/* Starts "sh -c 'exec CMD'" in the background; returns its pid (microheal's, after the exec). */
static pid_t start(const char *cmd)
{
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        char full[2048];
        snprintf(full, sizeof full, "exec %s 2>/dev/null", cmd);
        execl("/bin/sh", "sh", "-c", full, (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* Waits (at most 120 s) until path exists with an inode other than old_ino (0: any). */
static ino_t wait_for_file(const char *path, ino_t old_ino, pid_t pid)
{
    for (int i = 0; i < 24000; i++) {
        struct stat st;
        if (stat(path, &st) == 0 && st.st_ino != old_ino)
            return st.st_ino;
        int status;
        cr_assert_eq(waitpid(pid, &status, WNOHANG), 0, "the run ended before writing %s", path);
        nanosleep(&(struct timespec){0, 5000000}, NULL);
    }
    cr_assert(false, "no %s after 120 s", path);
    return 0;
}

/* Sends sig to pid and returns how it ended: the exit status, or 1000 + the signal that killed it. */
static int stop(pid_t pid, int sig)
{
    kill(pid, sig);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1000 + WTERMSIG(status);
}

/* ---- bitwise comparison of every dataset of two HDF5 files ---- */

typedef struct {
    hid_t other;
    int datasets, differ;
    char first[256];
} compare_op;

static herr_t compare_one(hid_t obj, const char *name, const H5O_info_t *info, void *data)
{
    compare_op *c = data;
    if (info->type != H5O_TYPE_DATASET)
        return 0;
    c->datasets++;
    hid_t a = H5Dopen2(obj, name, H5P_DEFAULT);
    hid_t b = H5Lexists(c->other, name, H5P_DEFAULT) > 0 ? H5Dopen2(c->other, name, H5P_DEFAULT) : -1;
    bool same = false;
    if (a >= 0 && b >= 0) {
        hid_t ta = H5Dget_type(a), tb = H5Dget_type(b), sa = H5Dget_space(a), sb = H5Dget_space(b);
        hssize_t n = H5Sget_simple_extent_npoints(sa);
        same = H5Tequal(ta, tb) > 0 && n == H5Sget_simple_extent_npoints(sb) && n >= 0;
        if (same && n > 0) {
            size_t bytes = (size_t)n * H5Tget_size(ta);
            void *ba = malloc(bytes), *bb = malloc(bytes);
            same = H5Dread(a, ta, H5S_ALL, H5S_ALL, H5P_DEFAULT, ba) >= 0 &&
                   H5Dread(b, tb, H5S_ALL, H5S_ALL, H5P_DEFAULT, bb) >= 0 && memcmp(ba, bb, bytes) == 0;
            free(ba);
            free(bb);
        }
        H5Tclose(ta);
        H5Tclose(tb);
        H5Sclose(sa);
        H5Sclose(sb);
    }
    if (a >= 0)
        H5Dclose(a);
    if (b >= 0)
        H5Dclose(b);
    if (!same && c->differ++ == 0)
        snprintf(c->first, sizeof c->first, "%s", name);
    return 0;
}

/* Every dataset of a is in b with the same type, shape and bits, and b has no others. */
static void assert_same_datasets(const char *pa, const char *pb)
{
    hid_t a = H5Fopen(pa, H5F_ACC_RDONLY, H5P_DEFAULT), b = H5Fopen(pb, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert(a >= 0 && b >= 0, "cannot open %s or %s", pa, pb);
    compare_op ab = {b, 0, 0, ""}, ba = {a, 0, 0, ""};
    H5Ovisit2(a, H5_INDEX_NAME, H5_ITER_INC, compare_one, &ab, H5O_INFO_BASIC);
    H5Ovisit2(b, H5_INDEX_NAME, H5_ITER_INC, compare_one, &ba, H5O_INFO_BASIC);
    H5Fclose(a);
    H5Fclose(b);
    cr_assert_gt(ab.datasets, 50, "only %d datasets", ab.datasets);
    cr_assert(ab.differ == 0 && ba.differ == 0, "%d datasets differ, first %s%s", ab.differ + ba.differ, ab.first,
              ba.first);
}

/* The uninterrupted run of RUN_ARGS into dir/ref.h5. */
static void reference_run(const char *dir)
{
    char cmd[1024], *err = NULL;
    snprintf(cmd, sizeof cmd, MH_BIN RUN_ARGS "-o %s/ref.h5", dir);
    int rc = mh_test_sh(cmd, &err);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
}

/* A fresh directory with the reference run, and the paths of the run to interrupt there. */
static char *setup(char out[256], char ckpt[256], char ref[256])
{
    char *dir = mh_test_temp_dir("ckpt");
    reference_run(dir);
    snprintf(out, 256, "%s/run.h5", dir);
    snprintf(ckpt, 256, "%s/run.ckpt.h5", dir);
    snprintf(ref, 256, "%s/ref.h5", dir);
    return dir;
}

/* SIGKILL part-way (right after the first checkpoint appears): no output under the final name, a
 * checkpoint; --resume ends with every dataset bit-identical to an uninterrupted run's, and leaves
 * neither the checkpoint nor a temporary file behind. */
Test(checkpoint, sigkill_then_resume_is_bit_identical, .timeout = 300)
{
    char out[256], ckpt[256], ref[256], cmd[1024], *err = NULL;
    char *dir = setup(out, ckpt, ref);
    snprintf(cmd, sizeof cmd, MH_BIN RUN_ARGS "--checkpoint-every 2 -o %s", out);
    pid_t pid = start(cmd);
    wait_for_file(ckpt, 0, pid);
    cr_assert_eq(stop(pid, SIGKILL), 1000 + SIGKILL);
    cr_assert(!mh_test_exists(out), "a killed run left a file under the final name");
    cr_assert(mh_test_exists(ckpt));
    cr_assert_eq(mh_test_count_files(dir, ".tmp."), 1, "the killed run's partial output");

    snprintf(cmd, sizeof cmd, MH_BIN RUN_ARGS "--checkpoint-every 2 -o %s --resume", out);
    int rc = mh_test_sh(cmd, &err);
    cr_assert_eq(rc, 0, "resume: exit %d: %s", rc, err);
    free(err);
    assert_same_datasets(ref, out);
    cr_assert(!mh_test_exists(ckpt), "the checkpoint outlived the complete output");
    cr_assert_eq(mh_test_count_files(dir, ".tmp."), 0, "temporary files left behind");
    free(dir);
}

/* Stopped by SIGTERM (checkpoint, exit 128 + 15), resumed and killed again after a newer checkpoint,
 * resumed again: the same bits as an uninterrupted run. */
Test(checkpoint, resumed_twice_is_bit_identical, .timeout = 300)
{
    char out[256], ckpt[256], ref[256], cmd[1024], *err = NULL;
    char *dir = setup(out, ckpt, ref);
    snprintf(cmd, sizeof cmd, MH_BIN RUN_ARGS "--checkpoint-every 3 -o %s", out);
    pid_t pid = start(cmd);
    ino_t first = wait_for_file(ckpt, 0, pid);
    cr_assert_eq(stop(pid, SIGTERM), 128 + SIGTERM, "SIGTERM: checkpoint, then exit 143");
    cr_assert(!mh_test_exists(out));
    cr_assert_eq(mh_test_count_files(dir, ".tmp."), 0, "a stopped run removes its partial output");
    struct stat st;
    cr_assert_eq(stat(ckpt, &st), 0);
    cr_assert_neq(st.st_ino, first, "SIGTERM writes a checkpoint of its own");

    snprintf(cmd, sizeof cmd, MH_BIN RUN_ARGS "--checkpoint-every 3 -o %s --resume", out);
    pid = start(cmd);
    wait_for_file(ckpt, st.st_ino, pid);
    cr_assert_eq(stop(pid, SIGKILL), 1000 + SIGKILL);
    cr_assert(!mh_test_exists(out));

    int rc = mh_test_sh(cmd, &err);
    cr_assert_eq(rc, 0, "second resume: exit %d: %s", rc, err);
    free(err);
    assert_same_datasets(ref, out);
    cr_assert(!mh_test_exists(ckpt));
    free(dir);
}

/* ---- bad checkpoints, unwritable places, full disks ---- */

#include "mh_checkpoint.h"

/* mh_sink.step that writes a checkpoint of the run to ((void **)user)[1] through writer [0] once the
 * run passes day 4, then stops it. */
static mh_status checkpoint_and_stop(void *user, const mh_sim *sim, mh_ctx *ctx)
{
    void **u = user;
    mh_sim_state st;
    mh_sim_get_state(sim, &st);
    if (st.t_days < 4.0)
        return MH_OK;
    mh_status s = mh_checkpoint_write(u[1], sim, u[2], u[0], ctx);
    return s != MH_OK ? s : MH_ERROR(ctx, MH_ERR_STOPPED, "stopped");
}

static mh_status snapshot_to(void *user, double t, const mh_grid *g, const mh_model_params *p, const mh_fields *f,
                             mh_ctx *ctx)
{
    return mh_h5_snapshot(((void **)user)[0], t, g, p, f, ctx);
}

/* Writes the checkpoint that `microheal` RUN_ARGS -o dir/run.h5 would write at day 4 (in process,
 * so at a fixed point); returns its path (malloc'ed). */
static char *make_checkpoint(const char *dir)
{
    mh_config *cfg = mh_test_config((const char *const[]){"grid.dx_um=20", "simulation.days=30", "schedule.sessions=2",
                                                          "schedule.interval_days=14",
                                                          "output.snapshot_days=0,1,7,14,15,28", NULL});
    char out[256], *ckpt = malloc(256);
    snprintf(out, sizeof out, "%s/run.h5", dir);
    snprintf(ckpt, 256, "%s/run.ckpt.h5", dir);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_sim *sim = NULL;
    mh_h5_writer *w = NULL;
    cr_assert_eq(mh_sim_create(cfg, &ctx, &sim), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_h5_writer_open(out, &ctx, &w), MH_OK, "%s", ctx.msg);
    void *u[3] = {w, ckpt, (void *)mh_config_text(cfg)};
    mh_sink sink = {snapshot_to, checkpoint_and_stop, u};
    cr_assert_eq(mh_sim_run(sim, &sink, &ctx), MH_ERR_STOPPED, "%s", ctx.msg);
    mh_h5_writer_abort(&w);
    mh_sim_destroy(&sim);
    mh_config_destroy(&cfg);
    cr_assert(mh_test_exists(ckpt));
    return ckpt;
}

/* `run --resume` into dir/run.h5; expects exit status rc and a message holding want; then checks
 * that nothing was left under the final name or as a temporary file. */
static void resume_fails(const char *dir, const char *extra, int rc, const char *want)
{
    char cmd[1024], *err = NULL;
    snprintf(cmd, sizeof cmd, MH_BIN RUN_ARGS "%s -o %s/run.h5 --resume", extra, dir);
    int got = mh_test_sh(cmd, &err);
    cr_assert_eq(got, rc, "exit %d, want %d: %s", got, rc, err);
    cr_assert(strstr(err, want) != NULL && strstr(err, "run.ckpt.h5") != NULL, "want '%s' in: %s", want, err);
    free(err);
    char out[256];
    snprintf(out, sizeof out, "%s/run.h5", dir);
    cr_assert(!mh_test_exists(out));
    cr_assert_eq(mh_test_count_files(dir, ".tmp."), 0);
}

static void copy_file(const char *from, const char *to, long len)
{
    FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
    cr_assert(a && b);
    char buf[4096];
    size_t n;
    long done = 0;
    while ((len < 0 || done < len) && (n = fread(buf, 1, len < 0 || len - done > 4096 ? 4096 : (size_t)(len - done), a)) > 0) {
        fwrite(buf, 1, n, b);
        done += (long)n;
    }
    fclose(a);
    fclose(b);
}

static long file_size(const char *path)
{
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    return (long)st.st_size;
}

Test(checkpoint, resume_refuses_missing_foreign_other_and_damaged_checkpoints, .timeout = 300)
{
    char *dir = mh_test_temp_dir("ckpt"), ckpt[256], good[256], cmd[1024];
    snprintf(ckpt, sizeof ckpt, "%s/run.ckpt.h5", dir);
    resume_fails(dir, "", 1, "no checkpoint to resume from");

    FILE *f = fopen(ckpt, "w");
    fputs("[grid]\ndx_um = 20\n", f);
    fclose(f);
    resume_fails(dir, "", 1, "not an HDF5 file");

    /* a run's output is not a checkpoint */
    snprintf(cmd, sizeof cmd, MH_BIN " run configs/default.ini -q --set grid.dx_um=40 --set simulation.days=1 --set schedule.sessions=1 -o %s",
             ckpt);
    cr_assert_eq(mh_test_sh(cmd, NULL), 0);
    resume_fails(dir, "", 1, "not a checkpoint");

    char *made = make_checkpoint(dir);
    snprintf(good, sizeof good, "%s/good.h5", dir);
    copy_file(made, good, -1);
    /* another configuration: the key that differs is named */
    resume_fails(dir, "--set seed=7", 2, "seed = 7");
    /* the [checkpoint] keys may differ, and this checkpoint resumes (proof that the copies below are
     * refused for their damage alone) */
    copy_file(good, ckpt, -1);
    snprintf(cmd, sizeof cmd, MH_BIN RUN_ARGS "--checkpoint-every 5 -o %s/run.h5 --resume", dir);
    cr_assert_eq(mh_test_sh(cmd, NULL), 0);
    snprintf(cmd, sizeof cmd, "%s/run.h5", dir);
    cr_assert(mh_test_exists(cmd));
    unlink(cmd);

    /* truncated */
    long size = file_size(good);
    copy_file(good, ckpt, size * 6 / 10);
    resume_fails(dir, "", 1, "truncated or corrupt");
    /* damaged: one byte in every 2 KiB flipped past the superblock; the checksums catch it */
    copy_file(good, ckpt, -1);
    f = fopen(ckpt, "r+b");
    for (long at = 1024; at < size; at += 2048) {
        fseek(f, at, SEEK_SET);
        int c = fgetc(f);
        fseek(f, at, SEEK_SET);
        fputc(c ^ 0x5a, f);
    }
    fclose(f);
    char *err = NULL;
    snprintf(cmd, sizeof cmd, MH_BIN RUN_ARGS "-o %s/run.h5 --resume", dir);
    int rc = mh_test_sh(cmd, &err);
    cr_assert(rc == 1 || rc == 2, "exit %d: %s", rc, err);
    cr_assert(strstr(err, "run.ckpt.h5") != NULL, "%s", err);
    free(err);
    free(made);
    free(dir);
}

/* The output's directory cannot be created in, or the disk fills (ulimit -f): a clear error, exit 1,
 * nothing under the final name and no temporary file. */
Test(checkpoint, unwritable_directory_and_full_disk_fail_cleanly, .timeout = 120)
{
    char *dir = mh_test_temp_dir("ckpt"), cmd[1024], *err = NULL, path[256];
    snprintf(path, sizeof path, "%s/plain_file", dir);
    FILE *f = fopen(path, "w");
    fclose(f);
    snprintf(cmd, sizeof cmd, MH_BIN RUN_ARGS "-o %s/plain_file/out.h5", dir);
    int rc = mh_test_sh(cmd, &err);
    cr_assert_eq(rc, 1, "exit %d: %s", rc, err);
    cr_assert(strstr(err, "cannot create the output file"), "%s", err);
    free(err);

    /* 40 blocks of 512 bytes: the first snapshots fit, the run's output does not */
    snprintf(cmd, sizeof cmd, "ulimit -f 40; " MH_BIN RUN_ARGS "-o %s/full.h5", dir);
    rc = mh_test_sh(cmd, &err);
    cr_assert_eq(rc, 1, "exit %d (not killed by SIGXFSZ): %s", rc, err);
    cr_assert(strstr(err, "disk full"), "%s", err);
    snprintf(path, sizeof path, "%s/full.h5", dir);
    cr_assert(!mh_test_exists(path));
    cr_assert_eq(mh_test_count_files(dir, ".tmp."), 0, "a failed run removes its partial output");
    free(err);

    /* the same limit on a checkpoint: the run stops with the checkpoint's error */
    snprintf(cmd, sizeof cmd, "ulimit -f 40; " MH_BIN RUN_ARGS "--checkpoint-every 1 -o %s/ck.h5", dir);
    rc = mh_test_sh(cmd, &err);
    cr_assert_eq(rc, 1, "exit %d: %s", rc, err);
    cr_assert(strstr(err, "disk full") && strstr(err, "checkpoint"), "%s", err);
    cr_assert_eq(mh_test_count_files(dir, ".tmp."), 0);
    cr_assert_eq(mh_test_count_files(dir, "ck."), 0, "nothing of the failed run is left");
    free(err);
    free(dir);
}

/* A step below its floor: exit 1, the message names field, place and time, and the fault snapshot
 * holds the last accepted state, which `info` describes. */
Test(checkpoint, numerical_fault_writes_a_diagnostic_snapshot, .timeout = 120)
{
    char *dir = mh_test_temp_dir("ckpt"), cmd[1024], *err = NULL, path[256];
    snprintf(cmd, sizeof cmd,
             MH_BIN " run configs/default.ini -q --set grid.dx_um=20 --set simulation.days=1 --set schedule.sessions=1 "
                    "--set solver.tol=0.00001 "
                    "--set solver.dt_min_s=29 --set solver.dt_initial_s=30 -o %s/f.h5",
             dir);
    int rc = mh_test_sh(cmd, &err);
    cr_assert_eq(rc, 1, "exit %d: %s", rc, err);
    cr_assert(strstr(err, "solver.dt_min_s") && strstr(err, "in field") && strstr(err, "depth =") &&
                  strstr(err, "t = 0.000000 day") && strstr(err, "f.fault.h5"),
              "%s", err);
    free(err);
    snprintf(path, sizeof path, "%s/f.h5", dir);
    cr_assert(!mh_test_exists(path));
    snprintf(path, sizeof path, "%s/f.fault.h5", dir);
    cr_assert(mh_test_exists(path));
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    double *v = NULL;
    size_t n = 0;
    cr_assert_eq(mh_h5_read_vector(path, "/series/t_days", &v, &n, &ctx), MH_ERR_IO, "a fault file is not an output");
    cr_assert(strstr(ctx.msg, "fault"), "%s", ctx.msg);
    snprintf(cmd, sizeof cmd, MH_BIN " info %s | grep -q 'fault: time step fell below'", path);
    cr_assert_eq(mh_test_sh(cmd, NULL), 0);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert(file >= 0);
    hid_t d = H5Dopen2(file, "/state/fields/damage", H5P_DEFAULT);
    cr_assert(d >= 0, "the state is in the snapshot");
    hid_t sp = H5Dget_space(d);
    hsize_t dims[3];
    cr_assert_eq(H5Sget_simple_extent_dims(sp, dims, NULL), 2);
    cr_assert(dims[0] == 69 && dims[1] == 100, "shape %llu x %llu", (unsigned long long)dims[0],
              (unsigned long long)dims[1]);
    H5Sclose(sp);
    H5Dclose(d);
    H5Fclose(file);
    free(dir);
}

/* ---- info and export on truncated, damaged and foreign files ---- */

/* info and every export of path exit with 1 (not by a signal) and a message naming the file. */
static void reading_fails(const char *path)
{
    static const char *what[] = {" info %s", " export %s --series", " export %s --summary", " export %s --punctures",
                                 " export %s --sessions", " export %s --field damage --day 1"};
    for (size_t k = 0; k < sizeof what / sizeof what[0]; k++) {
        char cmd[512], fmt[64], *err = NULL;
        snprintf(fmt, sizeof fmt, "%s%s >/dev/null", MH_BIN, what[k]);
        snprintf(cmd, sizeof cmd, fmt, path);
        int rc = mh_test_sh(cmd, &err);
        cr_assert_eq(rc, 1, "%s: exit %d: %s", cmd, rc, err);
        cr_assert(strstr(err, path) != NULL, "%s: %s", cmd, err);
        free(err);
    }
}

Test(checkpoint, info_and_export_fail_cleanly_on_truncated_and_foreign_files, .timeout = 300)
{
    char *dir = mh_test_temp_dir("ckpt"), cmd[1024], out[256], bad[256];
    snprintf(out, sizeof out, "%s/out.h5", dir);
    snprintf(bad, sizeof bad, "%s/bad.h5", dir);
    snprintf(cmd, sizeof cmd, MH_BIN " run configs/default.ini -q --set grid.dx_um=40 --set simulation.days=2 --set schedule.sessions=1 -o %s",
             out);
    cr_assert_eq(mh_test_sh(cmd, NULL), 0);
    long size = file_size(out);
    const double cut[] = {0.0, 0.001, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99};
    for (size_t k = 0; k < sizeof cut / sizeof cut[0]; k++) {
        copy_file(out, bad, (long)(cut[k] * (double)size));
        reading_fails(bad);
    }
    copy_file(out, bad, size - 1);
    reading_fails(bad);

    /* foreign: an HDF5 file from elsewhere, one that claims to be microheal's but is empty, one
     * whose program attribute is a number, and a checkpoint */
    hid_t f = H5Fcreate(bad, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hsize_t n = 4;
    hid_t sp = H5Screate_simple(1, &n, NULL);
    hid_t d = H5Dcreate2(f, "x_mm", H5T_NATIVE_INT, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dclose(d);
    H5Sclose(sp);
    H5Fclose(f);
    reading_fails(bad);
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    const char *prog = "microheal";
    for (int kind = 0; kind < 2; kind++) {
        f = H5Fcreate(bad, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        sp = H5Screate(H5S_SCALAR);
        hid_t a = kind == 0 ? H5Acreate2(f, "program", t, sp, H5P_DEFAULT, H5P_DEFAULT)
                            : H5Acreate2(f, "program", H5T_NATIVE_DOUBLE, sp, H5P_DEFAULT, H5P_DEFAULT);
        double one = 1.0;
        H5Awrite(a, kind == 0 ? t : H5T_NATIVE_DOUBLE, kind == 0 ? (const void *)&prog : (const void *)&one);
        H5Aclose(a);
        H5Sclose(sp);
        H5Fclose(f);
        reading_fails(bad);
    }
    H5Tclose(t);
    char *ckpt = make_checkpoint(dir);
    for (size_t k = 1; k < 6; k++) { /* info describes a checkpoint; the exports refuse it */
        static const char *what[] = {"", "--series", "--summary", "--punctures", "--sessions", "--field damage"};
        char *err = NULL;
        snprintf(cmd, sizeof cmd, MH_BIN " export %s %s >/dev/null", ckpt, what[k]);
        cr_assert_eq(mh_test_sh(cmd, &err), 1, "%s", cmd);
        cr_assert(strstr(err, "checkpoint, not a run's output"), "%s", err);
        free(err);
    }
    snprintf(cmd, sizeof cmd, MH_BIN " info %s | grep -q 'checkpoint'", ckpt);
    cr_assert_eq(mh_test_sh(cmd, NULL), 0);
    free(ckpt);
    free(dir);
}

/* ---- damaged outputs read in process ---- */

#include <gsl/gsl_rng.h>

static herr_t no_vlen_attr(hid_t loc, const char *name, const H5A_info_t *info, void *data)
{
    (void)info;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT), t = H5Aget_type(a);
    if (H5Tis_variable_str(t) > 0 && (*(int *)data)++ == 0)
        fprintf(stderr, "variable-length string attribute %s\n", name);
    H5Tclose(t);
    H5Aclose(a);
    return 0;
}

static herr_t no_vlen_visit(hid_t obj, const char *name, const H5O_info_t *info, void *data)
{
    (void)info;
    hid_t o = H5Oopen(obj, name, H5P_DEFAULT);
    H5Aiterate2(o, H5_INDEX_NAME, H5_ITER_INC, NULL, no_vlen_attr, data);
    H5Oclose(o);
    return 0;
}

/* Outputs keep no string in HDF5's global heap, which has no checksum (HDF5 1.10 copies a damaged
 * heap object unchecked: a crash of `info` on a damaged file), and a few hundred randomly damaged
 * copies of an output are read by info and the exports without a crash, each either read or
 * refused with a message naming the file. */
Test(checkpoint, damaged_outputs_are_read_or_refused_without_a_crash, .timeout = 300)
{
    char *dir = mh_test_temp_dir("ckpt"), cmd[1024], out[256], bad[256];
    snprintf(out, sizeof out, "%s/out.h5", dir);
    snprintf(bad, sizeof bad, "%s/bad.h5", dir);
    snprintf(cmd, sizeof cmd,
             MH_BIN " run configs/default.ini -q --set grid.dx_um=40 --set simulation.days=2 --set schedule.sessions=1 "
                    "--set checkpoint.every_days=1 -o %s",
             out);
    cr_assert_eq(mh_test_sh(cmd, NULL), 0);
    int vlen = 0;
    hid_t f = H5Fopen(out, H5F_ACC_RDONLY, H5P_DEFAULT);
    H5Aiterate2(f, H5_INDEX_NAME, H5_ITER_INC, NULL, no_vlen_attr, &vlen);
    H5Ovisit2(f, H5_INDEX_NAME, H5_ITER_INC, no_vlen_visit, &vlen, H5O_INFO_BASIC);
    H5Fclose(f);
    cr_assert_eq(vlen, 0, "%d variable-length string attributes", vlen);

    long size = file_size(out);
    unsigned char *data = malloc((size_t)size), *copy = malloc((size_t)size);
    FILE *in = fopen(out, "rb");
    cr_assert_eq(fread(data, 1, (size_t)size, in), (size_t)size);
    fclose(in);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2026);
    /* The reads run in a child that leaves by _exit, as the CLI does: HDF5 1.10 leaks metadata-cache
     * entries when it refuses a damaged file (LeakSanitizer under make check-asan), which is its
     * memory, not ours; the child's exit status says whether every refusal named the file. */
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        FILE *sink = fopen("/dev/null", "w");
        int refused = 0;
        for (int k = 0; k < 300; k++) {
            memcpy(copy, data, (size_t)size);
            int flips = 1 << (2 * (k % 4)); /* 1, 4, 16 or 64 flipped bits */
            for (int b = 0; b < flips; b++)
                copy[gsl_rng_uniform_int(r, (unsigned long)size)] ^= (unsigned char)(1u << gsl_rng_uniform_int(r, 8));
            FILE *o = fopen(bad, "wb");
            fwrite(copy, 1, (size_t)size, o);
            fclose(o);
            mh_status (*readers[])(const char *, FILE *, mh_ctx *) = {mh_h5_info, mh_export_series,
                                                                      mh_export_summary, mh_export_punctures};
            for (size_t q = 0; q < sizeof readers / sizeof readers[0]; q++) {
                mh_ctx ctx;
                mh_ctx_init(&ctx);
                if (readers[q](bad, sink, &ctx) != MH_OK && refused++ >= 0 && strstr(ctx.msg, bad) == NULL) {
                    fprintf(stderr, "damage %d, reader %zu: %s\n", k, q, ctx.msg);
                    _exit(2);
                }
            }
            mh_ctx ctx;
            mh_ctx_init(&ctx);
            float *fv = NULL;
            int shape[3];
            double tact;
            if (mh_h5_read_field(bad, "damage", 1.0, &fv, shape, &tact, &ctx) == MH_OK)
                free(fv);
            else if (strstr(ctx.msg, bad) == NULL) {
                fprintf(stderr, "damage %d, field: %s\n", k, ctx.msg);
                _exit(2);
            }
        }
        fprintf(stderr, "%d of 1200 reads refused\n", refused);
        _exit(refused > 0 ? 0 : 3); /* 3: no damage was noticed, the test damages nothing */
    }
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status), "the reader died by signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    cr_assert_eq(WEXITSTATUS(status), 0, "2: a refusal without the file's name; 3: nothing refused");
    gsl_rng_free(r);
    free(data);
    free(copy);
    free(dir);
}
