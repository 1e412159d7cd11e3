/* test_checkpoint: `microheal run` killed and resumed, atomic outputs, bad checkpoints, full disks,
 * fault snapshots, and `info`/`export` on damaged or foreign HDF5 (README.md, "Long runs and restarts"). */
#define _DEFAULT_SOURCE /* mknod, S_IFIFO */
#include "helpers.h"

#include "mh_export.h"
#include "mh_h5.h"

#include <hdf5.h>

#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>

/* A short run: two sessions (day 0 and 14), snapshots before and after the second, 30 days. */
#define RUN_ARGS                                                                                                       \
    " run configs/default.ini -q --set grid.dx_um=20 --set simulation.days=30 --set schedule.sessions=2 "              \
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

/* Runs RUN_ARGS to out with a checkpoint every 3 days, stops it with sig (SIGTERM, SIGHUP) once its first
 * checkpoint is there, and checks that it wrote a checkpoint of its own (a new inode), exited with
 * 128 + sig and left no output and no temporary file in dir. */
static void stop_after_first_checkpoint(const char *dir, const char *out, const char *ckpt, int sig)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, MH_BIN RUN_ARGS "--checkpoint-every 3 -o %s", out);
    pid_t pid = start(cmd);
    ino_t first = wait_for_file(ckpt, 0, pid);
    cr_assert_eq(stop(pid, sig), 128 + sig, "signal %d: a checkpoint, then exit %d", sig, 128 + sig);
    cr_assert(!mh_test_exists(out));
    cr_assert_eq(mh_test_count_files(dir, ".tmp."), 0, "a stopped run removes its partial output");
    struct stat st;
    cr_assert_eq(stat(ckpt, &st), 0);
    cr_assert_neq(st.st_ino, first, "signal %d writes a checkpoint of its own", sig);
}

/* Resumes RUN_ARGS (a checkpoint every 3 days) into out: it succeeds with every dataset of ref's bits. */
static void resume_to_reference(const char *out, const char *ref)
{
    char cmd[1024], *err = NULL;
    snprintf(cmd, sizeof cmd, MH_BIN RUN_ARGS "--checkpoint-every 3 -o %s --resume", out);
    int rc = mh_test_sh(cmd, &err);
    cr_assert_eq(rc, 0, "resume: exit %d: %s", rc, err);
    free(err);
    assert_same_datasets(ref, out);
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
    stop_after_first_checkpoint(dir, out, ckpt, SIGTERM);
    struct stat st;
    cr_assert_eq(stat(ckpt, &st), 0);

    snprintf(cmd, sizeof cmd, MH_BIN RUN_ARGS "--checkpoint-every 3 -o %s --resume", out);
    pid_t pid = start(cmd);
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

/* The user data of make_checkpoint's sink: the output's writer, the checkpoint's path and the text of
 * the run's configuration. */
typedef struct {
    mh_h5_writer *w;
    const char *ckpt;
    const char *config_text;
} ckpt_sink;

/* mh_sink.step that writes a checkpoint of the run to its ckpt_sink's path through its writer once the
 * run passes day 4, then stops it. */
static mh_status checkpoint_and_stop(void *user, const mh_sim *sim, mh_ctx *ctx)
{
    const ckpt_sink *u = user;
    mh_sim_state st;
    mh_sim_get_state(sim, &st);
    if (st.t_days < 4.0)
        return MH_OK;
    mh_status s = mh_checkpoint_write(u->ckpt, sim, u->config_text, u->w, ctx);
    return s != MH_OK ? s : MH_ERROR(ctx, MH_ERR_STOPPED, "stopped");
}

static mh_status snapshot_to(void *user, double t, const mh_grid *g, const mh_model_params *p, const mh_fields *f,
                             mh_ctx *ctx)
{
    const ckpt_sink *u = user;
    return mh_h5_snapshot(u->w, t, g, p, f, ctx);
}

/* Writes the checkpoint that `microheal` RUN_ARGS -o dir/run.h5 would write at day 4 (in process,
 * so at a fixed point); returns its path (malloc'ed). */
static char *make_checkpoint(const char *dir)
{
    mh_config *cfg =
        mh_test_config((const char *const[]){"grid.dx_um=20", "simulation.days=30", "schedule.sessions=2",
                                             "schedule.interval_days=14", "output.snapshot_days=0,1,7,14,15,28", NULL});
    char out[256], *ckpt = malloc(256);
    snprintf(out, sizeof out, "%s/run.h5", dir);
    snprintf(ckpt, 256, "%s/run.ckpt.h5", dir);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_sim *sim = NULL;
    mh_h5_writer *w = NULL;
    cr_assert_eq(mh_build_sim(cfg, &ctx, &sim), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_h5_writer_open(out, &ctx, &w), MH_OK, "%s", ctx.msg);
    ckpt_sink u = {w, ckpt, mh_config_text(cfg)};
    mh_sink sink = {snapshot_to, checkpoint_and_stop, &u};
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
    while ((len < 0 || done < len) &&
           (n = fread(buf, 1, len < 0 || len - done > 4096 ? 4096 : (size_t)(len - done), a)) > 0) {
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
    snprintf(cmd, sizeof cmd,
             MH_BIN
             " run configs/default.ini -q --set grid.dx_um=40 --set simulation.days=1 --set schedule.sessions=1 -o %s",
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
    cr_assert(strstr(err, "cannot make the lock file"), "%s", err);
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
    static const char *what[] = {" info %s",
                                 " export %s --series",
                                 " export %s --summary",
                                 " export %s --punctures",
                                 " export %s --sessions",
                                 " export %s --field damage --day 1",
                                 " export %s --radial damage --day 1"};
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
    snprintf(cmd, sizeof cmd,
             MH_BIN
             " run configs/default.ini -q --set grid.dx_um=40 --set simulation.days=2 --set schedule.sessions=1 -o %s",
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
            mh_status (*readers[])(const char *, FILE *, mh_ctx *) = {mh_export_info, mh_export_series,
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
            const mh_export_radial_opts radial = {.layer = "papillary_dermis", .near_um = 50.0, .far_um = 400.0};
            mh_ctx_init(&ctx);
            if (mh_export_radial(bad, "damage", 1.0, &radial, sink, NULL, &ctx) != MH_OK &&
                strstr(ctx.msg, bad) == NULL) {
                fprintf(stderr, "damage %d, radial: %s\n", k, ctx.msg);
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

/* ---- hostile files and awkward moments (issue 17; papers/reliability.md, "Hostile files") ---- */

static void write_text_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

/* The file at path holds exactly text. */
static void holds(const char *path, const char *text)
{
    char *got = mh_test_read_file(path);
    cr_assert_not_null(got, "%s is gone", path);
    cr_assert_str_eq(got, text, "%s was changed", path);
    free(got);
}

/* An output name that exists and is not a regular file (a FIFO, an empty folder, a device node, a FIFO
 * in the checkpoint's place or a folder in the XDMF file's) is refused before the run, exit 2, naming
 * it; it is left as it was and nothing else is written. (Before: each was replaced by a regular file,
 * or removed, once the run was complete.) */
Test(hostile, outputs_that_are_not_regular_files_are_refused_and_left_alone, .timeout = 120)
{
    char *dir = mh_test_temp_dir("hostile_out"), path[512], cmd[2048], *err = NULL;
    struct {
        const char *name, *make, *says; /* the -o name; what is in the way; what the message says */
    } cases[] = {
        {"fifo.h5", "fifo.h5", "a FIFO"},
        {"empty.h5", "empty.h5/", "a directory"},
        {"ck.h5", "ck.ckpt.h5", "a FIFO"},
        {"x.h5", "x.xmf/", "a directory"},
        {"node.h5", "node.h5!", "a character device"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char made[512];
        snprintf(made, sizeof made, "%s/%s", dir, cases[k].make);
        const size_t n = strlen(made);
        mode_t want = S_IFIFO;
        if (made[n - 1] == '/') {
            made[n - 1] = '\0';
            cr_assert_eq(mkdir(made, 0755), 0);
            want = S_IFDIR;
        } else if (made[n - 1] == '!') {
            made[n - 1] = '\0';
            if (mknod(made, S_IFCHR | 0666, makedev(1, 3)) != 0) { /* the numbers of /dev/null */
                cr_log_warn("hostile: no device node test here (mknod: %s; needs root)", strerror(errno));
                continue;
            }
            want = S_IFCHR;
        } else {
            cr_assert_eq(mkfifo(made, 0600), 0);
        }
        snprintf(cmd, sizeof cmd, "timeout 60 " MH_BIN RUN_ARGS "--checkpoint-every 5 -o %s/%s", dir, cases[k].name);
        mh_test_sh_fails(cmd, 2, cases[k].says);
        mh_test_sh_fails(cmd, 2, made);
        struct stat st;
        cr_assert_eq(lstat(made, &st), 0, "%s is gone", made);
        cr_assert_eq(st.st_mode & S_IFMT, want, "%s changed its type", made);
    }
    cr_assert_eq(mh_test_count_files(dir, ".tmp."), 0);
    cr_assert_eq(mh_test_count_files(dir, ".lock"), 0);
    snprintf(path, sizeof path, "%s/empty.h5", dir);
    cr_assert_eq(rmdir(path), 0, "the empty folder is still empty");
    free(err);
    free(dir);
}

/* A checkpoint's attribute partial_output named a file that --resume then deleted (with pid = 0). The
 * temporary files a resume removes are derived from the output's name: a victim named there stays. */
Test(hostile, a_checkpoint_cannot_name_a_file_to_delete, .timeout = 300)
{
    char out[256], ckpt[256], ref[256], victim[512];
    char *dir = setup(out, ckpt, ref);
    snprintf(victim, sizeof victim, "%s/victim.txt", dir);
    write_text_file(victim, "precious\n");
    stop_after_first_checkpoint(dir, out, ckpt, SIGTERM);
    /* what a crafted checkpoint holds: the victim as the partial output of a process 0 */
    hid_t f = H5Fopen(ckpt, H5F_ACC_RDWR, H5P_DEFAULT);
    cr_assert(f >= 0);
    static const char *const attrs[] = {"partial_output", "pid"};
    for (int k = 0; k < 2; k++)
        if (H5Aexists(f, attrs[k]) > 0)
            cr_assert(H5Adelete(f, attrs[k]) >= 0);
    hid_t t = H5Tcopy(H5T_C_S1), sp = H5Screate(H5S_SCALAR);
    H5Tset_size(t, strlen(victim) + 1);
    hid_t a = H5Acreate2(f, "partial_output", t, sp, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert(a >= 0 && H5Awrite(a, t, victim) >= 0);
    H5Aclose(a);
    const double zero = 0.0;
    a = H5Acreate2(f, "pid", H5T_NATIVE_DOUBLE, sp, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert(a >= 0 && H5Awrite(a, H5T_NATIVE_DOUBLE, &zero) >= 0);
    H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(t);
    cr_assert(H5Fclose(f) >= 0);

    resume_to_reference(out, ref);
    holds(victim, "precious\n");
    free(dir);
}

/* Two runs to one output: the second is refused, naming the first one's pid, while the first runs; the
 * first one's checkpoint survives it (before, the second, shorter run deleted it when it finished) and
 * the first completes. */
Test(hostile, a_second_run_to_the_same_output_is_refused_naming_the_first, .timeout = 300)
{
    char *dir = mh_test_temp_dir("hostile_lock"), out[256], ckpt[256], cmd[1024], want[64];
    snprintf(out, sizeof out, "%s/run.h5", dir);
    snprintf(ckpt, sizeof ckpt, "%s/run.ckpt.h5", dir);
    snprintf(cmd, sizeof cmd, MH_BIN RUN_ARGS "--checkpoint-every 2 -o %s", out);
    pid_t pid = start(cmd);
    wait_for_file(ckpt, 0, pid);
    snprintf(cmd, sizeof cmd,
             MH_BIN " run configs/default.ini -q --set grid.dx_um=40 --set simulation.days=2 "
                    "--set schedule.sessions=1 -o %s",
             out);
    snprintf(want, sizeof want, "process %ld holds its lock", (long)pid);
    mh_test_sh_fails(cmd, 1, want);
    cr_assert(mh_test_exists(ckpt), "the second run deleted the first one's checkpoint");
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the first run failed");
    char *err = NULL;
    snprintf(cmd, sizeof cmd, MH_BIN " info %s >/dev/null", out);
    cr_assert_eq(mh_test_sh(cmd, &err), 0, "%s", err);
    free(err);
    cr_assert_not(mh_test_exists(ckpt));
    cr_assert_eq(mh_test_count_files(dir, ".lock"), 0, "the lock file outlived the run");
    free(dir);
}

/* Symbolic links planted at the temporary names the run used to take (OUT.h5.tmp.PID for the output,
 * its XDMF file and checkpoint: predictable, PID being the process's, which exec keeps) are not
 * written through: what they point at is untouched. */
Test(hostile, planted_links_at_temporary_names_are_not_followed, .timeout = 120)
{
    char *dir = mh_test_temp_dir("hostile_link"), cmd[2048], v[3][512], *err = NULL;
    static const char *const names[] = {"run.h5", "run.xmf", "run.ckpt.h5"};
    for (int k = 0; k < 3; k++) {
        snprintf(v[k], sizeof v[k], "%s/victim%d", dir, k);
        write_text_file(v[k], "keep me\n");
    }
    /* exec: the run's pid is the shell's, $$ */
    snprintf(cmd, sizeof cmd,
             "ln -s victim0 %s/%s.tmp.$$ && ln -s victim1 %s/%s.tmp.$$ && ln -s victim2 %s/%s.tmp.$$ && exec " MH_BIN
                 RUN_ARGS "--checkpoint-every 5 -o %s/run.h5",
             dir, names[0], dir, names[1], dir, names[2], dir);
    int rc = mh_test_sh(cmd, &err);
    cr_assert_eq(rc, 0, "exit %d: %s", rc, err);
    free(err);
    for (int k = 0; k < 3; k++)
        holds(v[k], "keep me\n");
    char path[512];
    snprintf(path, sizeof path, "%s/run.h5", dir);
    struct stat st;
    cr_assert(lstat(path, &st) == 0 && S_ISREG(st.st_mode), "the output is not a regular file of its own");
    free(dir);
}

/* Temporary files that dead writers left beside the output, its XDMF file and its checkpoint (a run
 * killed before its first checkpoint, or between a write and its rename) are removed by the next run to
 * the same output; one of a live process stays. */
Test(hostile, a_run_removes_the_temporaries_of_dead_writers_of_its_output, .timeout = 120)
{
    char *dir = mh_test_temp_dir("hostile_stale"), f[6][512], cmd[1024], *err = NULL;
    const long dead = (long)mh_test_dead_pid(), live = (long)getpid();
    snprintf(f[0], sizeof f[0], "%s/run.h5.tmp.%ld", dir, dead);
    snprintf(f[1], sizeof f[1], "%s/run.h5.tmp.%ld.a1b2c3", dir, dead);
    snprintf(f[2], sizeof f[2], "%s/run.xmf.tmp.%ld", dir, dead);
    snprintf(f[3], sizeof f[3], "%s/run.ckpt.h5.tmp.%ld.zz", dir, dead);
    snprintf(f[4], sizeof f[4], "%s/run.fault.h5.tmp.%ld", dir, dead);
    snprintf(f[5], sizeof f[5], "%s/run.h5.tmp.%ld.live", dir, live);
    for (int k = 0; k < 6; k++)
        write_text_file(f[k], "");
    snprintf(cmd, sizeof cmd,
             MH_BIN " run configs/default.ini -q --set grid.dx_um=40 --set simulation.days=2 "
                    "--set schedule.sessions=1 -o %s/run.h5",
             dir);
    int rc = mh_test_sh(cmd, &err);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
    for (int k = 0; k < 5; k++)
        cr_assert_not(mh_test_exists(f[k]), "%s was left", f[k]);
    cr_assert(mh_test_exists(f[5]), "a live process's temporary file was removed");
    free(dir);
}

/* Runs cmd in a process group of its own under tests/shim/signal_at_open.c, which sends signal sig to
 * the process right after it opens a file whose name ends with suffix; its exit status, or 1000 + the
 * signal that killed it. */
static int sh_signal_at_open(const char *cmd, int sig, const char *suffix)
{
    char shim[PATH_MAX + 32], opts[4096], spec[256];
    mh_test_beside_exe("signal_at_open.so", shim, sizeof shim);
    cr_assert_eq(access(shim, R_OK), 0, "%s is missing (make builds it with the tests)", shim);
    const char *asan = getenv("ASAN_OPTIONS");
    snprintf(opts, sizeof opts, "%s%sverify_asan_link_order=0", asan != NULL ? asan : "",
             asan != NULL && *asan != '\0' ? ":" : "");
    snprintf(spec, sizeof spec, "%d:%s", sig, suffix);
    const char *const env[][2] = {
        {"ASAN_OPTIONS", opts}, {"MH_SIGNAL_AT_OPEN", spec}, {"LD_PRELOAD", shim}, {NULL, NULL}};
    const pid_t pid = mh_test_spawn_group(cmd, env);
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1000 + WTERMSIG(status);
}

/* SIGHUP (a closed ssh session) stops a run as SIGTERM does: a checkpoint, exit 128 + 1, and the resume
 * gives the uninterrupted run's bits. (Before: SIGHUP killed the run with no checkpoint.) */
Test(hostile, sighup_stops_a_run_with_a_checkpoint, .timeout = 300)
{
    char out[256], ckpt[256], ref[256];
    char *dir = setup(out, ckpt, ref);
    stop_after_first_checkpoint(dir, out, ckpt, SIGHUP);
    resume_to_reference(out, ref);
    free(dir);
}

/* SIGTERM while the checkpoint is being read back (--resume) stops the run before it starts: exit
 * 128 + 15, no temporary file, the checkpoint as it was, and a resume after that still gives the
 * uninterrupted run's bits. (Before: the handler came later, so the signal killed the run and left its
 * partial output behind.) */
Test(hostile, a_sigterm_while_resuming_stops_the_run_cleanly, .timeout = 300)
{
    char out[256], ckpt[256], ref[256], cmd[1024];
    char *dir = setup(out, ckpt, ref);
    stop_after_first_checkpoint(dir, out, ckpt, SIGTERM);
    struct stat st;
    cr_assert_eq(stat(ckpt, &st), 0);
    char *before = mh_test_read_file(ckpt);
    snprintf(cmd, sizeof cmd, "exec " MH_BIN RUN_ARGS "--checkpoint-every 3 -o %s --resume 2>/dev/null", out);
    cr_assert_eq(sh_signal_at_open(cmd, SIGTERM, "run.ckpt.h5"), 128 + SIGTERM, "an early SIGTERM: exit 143");
    cr_assert_eq(mh_test_count_files(dir, ".tmp."), 0, "the stopped run left a temporary file");
    cr_assert_not(mh_test_exists(out));
    struct stat st2;
    cr_assert(stat(ckpt, &st2) == 0 && st2.st_ino == st.st_ino, "the checkpoint was replaced");
    char *after = mh_test_read_file(ckpt);
    cr_assert(memcmp(before, after, 1 << 20) == 0, "the checkpoint changed");
    free(before);
    free(after);

    resume_to_reference(out, ref);
    free(dir);
}

#include <sys/statvfs.h>

/* Mounts a tmpfs of kb KiB at the folder dir (as root, where the kernel lets a test do it); false
 * when it cannot, or MH_TEST_NO_TMPFS is set, and the test limits file sizes with ulimit -f instead
 * (tests/run.sh unmounts what a failed test left mounted). */
static bool mount_small_disk(const char *dir, int kb)
{
    if (geteuid() != 0 || getenv("MH_TEST_NO_TMPFS") != NULL)
        return false;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "mount -t tmpfs -o size=%dk tmpfs '%s' 2>/dev/null", kb, dir);
    return system(cmd) == 0;
}

/* Fills the file system of dir until about keep_kb KiB are free (dir/filler); false when it cannot. */
static void leave_free(const char *dir, long keep_kb)
{
    char path[512];
    snprintf(path, sizeof path, "%s/filler", dir);
    unlink(path);
    struct statvfs v;
    cr_assert_eq(statvfs(dir, &v), 0);
    long long n = (long long)v.f_bavail * (long long)v.f_frsize - keep_kb * 1024LL;
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    static char block[4096];
    for (; n > 0; n -= (long long)sizeof block)
        fwrite(block, 1, n < (long long)sizeof block ? (size_t)n : sizeof block, f);
    fclose(f);
}

/* Counts the temporary files (".tmp.") under dir, subfolders included. */
static int count_tmp_deep(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "find '%s' -name '*.tmp.*' | wc -l", dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    cr_assert(p != NULL && fscanf(p, "%d", &n) == 1);
    pclose(p);
    return n;
}

/* Runs cmd, which must fail with exit 1 (never a crash: HDF5 1.10's H5Ocopy freed twice when a write
 * failed, exit 134 or 139) and say want. */
static void fails_cleanly(const char *cmd, const char *want)
{
    char *err = NULL;
    const int rc = mh_test_sh(cmd, &err);
    cr_assert_eq(rc, 1, "%s: exit %d, not 1: %s", cmd, rc, err);
    cr_assert(strstr(err, want) != NULL, "%s: stderr lacks '%s': %s", cmd, want, err);
    free(err);
}

/* A full disk (a 3 MB tmpfs where the test can mount one, else a file-size limit, ulimit -f) while an
 * output, a checkpoint, a resume, a comparison and an export are written: each fails with a clear error
 * and exit 1, an older output, checkpoint and table are kept as they were, and no temporary file is left. (Before: a
 * checkpoint or resume on a full disk crashed, 4 of 4 times with a 3 MB tmpfs.) */
Test(hostile, a_full_disk_fails_cleanly_and_keeps_what_was_there, .timeout = 300)
{
    char *dir = mh_test_temp_dir("hostile_full"), cmd[2048], path[512], *err = NULL;
    const bool tmpfs = mount_small_disk(dir, 3072);
    if (tmpfs)
        cr_log_info("hostile: full disk by a 3 MB tmpfs");
    else
        cr_log_warn("hostile: full disk by ulimit -f (no tmpfs could be mounted)");
    /* (1) an older output of the same name stays as it was when the new one does not fit */
    snprintf(cmd, sizeof cmd,
             MH_BIN " run configs/default.ini -q --set grid.dx_um=40 --set simulation.days=2 "
                    "--set schedule.sessions=1 -o %s/out.h5",
             dir);
    cr_assert_eq(mh_test_sh(cmd, NULL), 0);
    snprintf(path, sizeof path, "%s/out.h5", dir);
    char *older = mh_test_read_file(path);
    struct stat st0;
    cr_assert_eq(stat(path, &st0), 0);
    if (tmpfs)
        leave_free(dir, 200);
    snprintf(cmd, sizeof cmd, "%s" MH_BIN RUN_ARGS "-o %s/out.h5", tmpfs ? "" : "ulimit -f 400; ", dir);
    fails_cleanly(cmd, "disk full");
    char *now = mh_test_read_file(path);
    struct stat st1;
    cr_assert(stat(path, &st1) == 0 && st1.st_size == st0.st_size && memcmp(older, now, 1 << 20) == 0,
              "the older output changed");
    free(now);
    free(older);
    cr_assert_eq(count_tmp_deep(dir), 0, "temporary files left after the output");
    snprintf(path, sizeof path, "%s/filler", dir);
    unlink(path);

    /* (2) a checkpoint that does not fit: the run stops with the checkpoint's error and the older
     * checkpoint stays, complete */
    snprintf(cmd, sizeof cmd, "%s" MH_BIN RUN_ARGS "--checkpoint-every 2 -o %s/ck.h5", tmpfs ? "" : "ulimit -f 3000; ",
             dir);
    fails_cleanly(cmd, "cannot write the checkpoint");
    char ckpt[512];
    snprintf(ckpt, sizeof ckpt, "%s/ck.ckpt.h5", dir);
    cr_assert(mh_test_exists(ckpt), "the older checkpoint is gone");
    snprintf(cmd, sizeof cmd, MH_BIN " info %s >/dev/null", ckpt);
    cr_assert_eq(mh_test_sh(cmd, &err), 0, "the older checkpoint is not complete: %s", err);
    free(err);
    cr_assert_eq(count_tmp_deep(dir), 0, "temporary files left after the checkpoint");

    /* (3) resuming from it on the same full disk */
    char *ck = mh_test_read_file(ckpt);
    snprintf(cmd, sizeof cmd, "%s" MH_BIN RUN_ARGS "--checkpoint-every 2 -o %s/ck.h5 --resume",
             tmpfs ? "" : "ulimit -f 3000; ", dir);
    fails_cleanly(cmd, "disk full");
    char *ck2 = mh_test_read_file(ckpt);
    cr_assert(ck2 != NULL && memcmp(ck, ck2, 1 << 20) == 0, "the checkpoint changed");
    free(ck);
    free(ck2);
    cr_assert_eq(count_tmp_deep(dir), 0, "temporary files left after the resume");

    /* (4) a comparison whose variants do not fit */
    if (tmpfs)
        leave_free(dir, 300);
    snprintf(cmd, sizeof cmd,
             "%s" MH_BIN " compare --vary device.needle_length_mm=0.5,1.0 configs/default.ini -q --no-plots -j 1 "
             "--set grid.dx_um=20 --set simulation.days=30 --set schedule.sessions=1 -o %s/cmp",
             tmpfs ? "" : "ulimit -f 400; ", dir);
    char *cerr = NULL;
    const int rc = mh_test_sh(cmd, &cerr);
    cr_assert_eq(rc, 1, "compare on a full disk: exit %d: %s", rc, cerr);
    free(cerr);
    snprintf(path, sizeof path, "%s/cmp/compare.csv", dir); /* its table says why each variant failed */
    char *csv = mh_test_read_file(path);
    cr_assert(csv != NULL && strstr(csv, "failed") && strstr(csv, "disk full"), "%s", csv ? csv : "no compare.csv");
    free(csv);
    cr_assert_eq(count_tmp_deep(dir), 0, "temporary files left after the comparison");

    /* (5) export -o: the older table stays when the new one does not fit */
    snprintf(path, sizeof path, "%s/s.dat", dir);
    write_text_file(path, "older table\n");
    if (tmpfs)
        leave_free(dir, 0);
    snprintf(cmd, sizeof cmd, "%s" MH_BIN " export %s/out.h5 --series -o %s", tmpfs ? "" : "ulimit -f 1; ", dir, path);
    fails_cleanly(cmd, "disk full");
    holds(path, "older table\n");
    cr_assert_eq(count_tmp_deep(dir), 0, "temporary files left after the export");
    if (tmpfs) {
        snprintf(cmd, sizeof cmd, "umount '%s'", dir);
        cr_assert_eq(system(cmd), 0);
    }
    free(dir);
}
