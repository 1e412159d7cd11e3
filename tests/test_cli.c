/* test_cli: the microheal executable end to end: run, read back the HDF5, exit codes and messages, and the
 * argument parser that every command shares (src/cli/mh_args.c). */
#include "helpers.h"

#include "mh_h5.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>

/* Runs a shell command; returns its exit status and its stderr (malloc'ed, may be NULL). */
static int sh(const char *cmd, char **err) { return mh_test_sh(cmd, err); }

/* Runs the shell command that fmt and ap make; returns its exit status, and its stderr in *err (malloc'ed)
 * unless err is NULL. */
static int vshf(char **err, const char *fmt, va_list ap)
{
    char cmd[8192];
    const int n = vsnprintf(cmd, sizeof cmd, fmt, ap);
    cr_assert(n > 0 && (size_t)n < sizeof cmd, "command too long");
    return sh(cmd, err);
}

/* Runs the shell command that fmt and its arguments make; returns its exit status. */
__attribute__((format(printf, 1, 2))) static int shf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const int rc = vshf(NULL, fmt, ap);
    va_end(ap);
    return rc;
}

Test(cli, run_writes_a_complete_hdf5_that_reads_back, .timeout = 180)
{
    char *dir = mh_test_temp_dir("cli"), out[256], cmd[1024];
    snprintf(out, sizeof out, "%s/run.h5", dir);
    char *err = NULL;
    snprintf(cmd, sizeof cmd,
             MH_BIN " run configs/default.ini -q -o %s --set grid.dx_um=20 --set simulation.days=45 "
                    "--set schedule.sessions=2 --set output.snapshot_days=0,1,42",
             out);
    int rc = sh(cmd, &err);
    cr_assert_eq(rc, 0, "exit %d: %s", rc, err);
    free(err);
    struct stat st;
    cr_assert_eq(stat(out, &st), 0, "no output file");
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    double *t = NULL, *ery = NULL, *c1 = NULL, *ft = NULL, *px = NULL;
    size_t nt, ne, nc, nf, np;
    cr_assert_eq(mh_h5_read_vector(out, "/series/t_days", &t, &nt, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_h5_read_vector(out, "/series/erythema", &ery, &ne, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_h5_read_vector(out, "/series/papillary_dermis/collagen_I", &c1, &nc, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_h5_read_vector(out, "/fields/t_days", &ft, &nf, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_h5_read_vector(out, "/punctures/x_mm", &px, &np, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert(nt > 10 && ne == nt && nc == nt);
    cr_assert_float_eq(t[nt - 1], 45.0, 0.0);
    cr_assert_eq(nf, 3);
    cr_assert_float_eq(ft[2], 42.0, 0.0);
    cr_assert_gt(np, 0);
    double peak = 0;
    for (size_t r = 0; r < ne; r++)
        peak = fmax(peak, ery[r]);
    cr_assert_gt(peak, 0.0);
    cr_assert_gt(c1[nc - 1], 1.0, "collagen I should rise after two sessions");
    /* the resolved config is stored and names the overrides */
    char *cfgtext = NULL;
    cr_assert_eq(mh_h5_read_root_string(out, "config", &cfgtext, &ctx), MH_OK);
    cr_assert(strstr(cfgtext, "dx_um = 20") != NULL, "%s", cfgtext);
    /* a field snapshot reads back with the grid's shape, and collagen_total is (1-w3) C1 + w3 C3 */
    float *f = NULL, *f1 = NULL, *f3 = NULL;
    int shape[3];
    double tact;
    cr_assert_eq(mh_h5_read_field(out, "collagen_total", 42, &f, shape, &tact, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_h5_read_field(out, "collagen_I", 42, &f1, shape, &tact, &ctx), MH_OK);
    cr_assert_eq(mh_h5_read_field(out, "collagen_III", 42, &f3, shape, &tact, &ctx), MH_OK);
    cr_assert_eq(shape[1], 1);
    cr_assert_eq(shape[2], 100);
    size_t q = (size_t)shape[2] * 20 + 50;
    cr_assert_float_eq(f[q], 0.9f * f1[q] + 0.1f * f3[q], 1e-5);
    free(f);
    free(f1);
    free(f3);
    free(cfgtext);
    free(t);
    free(ery);
    free(c1);
    free(ft);
    free(px);
    /* no temporary file is left behind */
    cr_assert_eq(mh_test_count_files(dir, ".tmp."), 0);
    /* info and export work on it */
    cr_assert_eq(shf(MH_BIN " info %s >/dev/null", out), 0);
    cr_assert_eq(shf(MH_BIN " export %s --series -o %s/series.dat", out, dir), 0);
    cr_assert_eq(shf("test $(grep -vc '^#' %s/series.dat) -gt 10", dir), 0);
    /* the exit status of export itself, not of a pipe (make check-asan: a UBSan report ends it with 99) */
    cr_assert_eq(shf(MH_BIN " export %s --field collagen_total --day 42 > %s/field.dat", out, dir), 0);
    cr_assert_eq(shf("grep -q 'at day 42' %s/field.dat", dir), 0);
    cr_assert_eq(shf("rm -rf '%s'", dir), 0);
    free(dir);
}

Test(cli, bad_config_exits_2_with_file_line_key)
{
    char *path = mh_test_write_ini("[grid]\ndx_um = 10\n[device]\nneedle_length_mm = 12\n");
    char cmd[512], *err = NULL, *dir = mh_test_temp_dir("cli"), out[256];
    snprintf(out, sizeof out, "%s/bad.h5", dir);
    snprintf(cmd, sizeof cmd, MH_BIN " run %s -o %s", path, out);
    cr_assert_eq(sh(cmd, &err), 2);
    char want[512];
    snprintf(want, sizeof want, "%s:4: device.needle_length_mm:", path);
    cr_assert(strstr(err, want) != NULL, "stderr: %s", err);
    free(err);
    struct stat st;
    cr_assert_neq(stat(out, &st), 0, "no output may appear on bad input");
    cr_assert_eq(mh_test_count_files(dir, ""), 2, "nothing but . and .. in %s", dir);
    rmdir(dir);
    free(dir);
    snprintf(cmd, sizeof cmd, MH_BIN " check %s", path);
    cr_assert_eq(sh(cmd, NULL), 2);
    unlink(path);
    free(path);
}

Test(cli, usage_errors_and_help)
{
    char *err = NULL;
    cr_assert_eq(sh(MH_BIN " run configs/default.ini --set grid.dx_um=0 -o /tmp/x.h5", &err), 2);
    cr_assert(strstr(err, "--set #1: grid.dx_um:") != NULL, "%s", err);
    free(err);
    cr_assert_eq(sh(MH_BIN " run /nonexistent.ini", &err), 2);
    cr_assert(strstr(err, "/nonexistent.ini: cannot open: No such file") != NULL, "%s", err);
    free(err);
    cr_assert_eq(sh(MH_BIN " frobnicate", NULL), 2);
    cr_assert_eq(sh(MH_BIN " run --bogus configs/default.ini", NULL), 2);
    cr_assert_eq(sh(MH_BIN " info /nonexistent.h5", NULL), 1);
    cr_assert_eq(sh(MH_BIN " info configs/default.ini", &err), 1);
    cr_assert(strstr(err, "not an HDF5 file") != NULL, "%s", err);
    free(err);
    cr_assert_eq(sh(MH_BIN " --version | grep -q '^microheal [0-9]'", NULL), 0);
    const char *cmds[] = {"run", "check", "info", "export"};
    for (int i = 0; i < 4; i++) {
        char c[128];
        snprintf(c, sizeof c, MH_BIN " %s --help | grep -q usage", cmds[i]);
        cr_assert_eq(sh(c, NULL), 0, "%s --help", cmds[i]);
    }
    cr_assert_eq(sh(MH_BIN " check configs/default.ini >/dev/null", NULL), 0);
}

/* check prints, for every session, the density requested and the one the grid realises with its count
 * (the default 2-mm section at 150/cm^2: round(2 x sqrt(150) / 10) = round(2.449) = 2 per session), and
 * a session without needles as such (it once indexed the device-name table past its end). */
Test(cli, check_prints_requested_and_realised_density_per_session)
{
    cr_assert_eq(sh(MH_BIN " check configs/default.ini --set schedule.sessions=2 --set session.2.type=none "
                           "| grep -q '^session 1 on day 0: pen, .* 150 punctures/cm^2 requested, 150.0 realised "
                           "(2 per session)$'",
                    NULL),
                 0);
    cr_assert_eq(sh(MH_BIN " check configs/default.ini --set schedule.sessions=2 --set session.2.type=none "
                           "| grep -q '^session 2 on day 28: no needles$'",
                    NULL),
                 0);
}

Test(cli, contraindication_refused_then_overridden)
{
    char *err = NULL;
    cr_assert_eq(sh(MH_BIN " check configs/default.ini --set patient.psoriasis=true", &err), 2);
    cr_assert(strstr(err, "patient.psoriasis: contraindication") != NULL, "%s", err);
    free(err);
    cr_assert_eq(sh(MH_BIN " check configs/default.ini --set patient.psoriasis=true "
                           "--override-contraindications >/dev/null",
                    NULL),
                 0);
}

/* The scenario of the cheap targets below: bleeding right after a 1.0 mm pen, 25 um cells (about 1 s a run). */
#define BLEEDING_SET "set = grid.dx_um=25; schedule.sessions=1; simulation.days=0.2; device.needle_length_mm=1.0\n"

/* A targets file of one cheap calibration target (bleeding right after a 1.0 mm pen) with the given band and
 * extra lines. */
static char *bleeding_targets(const char *band, const char *extra)
{
    char cwd[PATH_MAX], text[4 * PATH_MAX + 1024];
    cr_assert(getcwd(cwd, sizeof cwd) != NULL);
    int n = snprintf(
        text, sizeof text,
        "[target.bleeds]\nitem = 5\nsource = test\nrole = calibration\nconfig = %s/configs/default.ini\n" BLEEDING_SET
        "observable = bleeding\nsigma = 0.1\nband = %s\n%s",
        cwd, band, extra);
    cr_assert(n > 0 && (size_t)n < sizeof text);
    return mh_test_write_ini(text);
}

/* Appends to extra (len bytes) a validation target NAME of the same scenario as bleeding_targets' with the
 * given band and extra lines. */
static void add_held_target(char *extra, size_t len, const char *name, const char *band, const char *more)
{
    char cwd[PATH_MAX];
    cr_assert(getcwd(cwd, sizeof cwd) != NULL);
    const size_t u = strlen(extra);
    int n = snprintf(
        extra + u, len - u,
        "[target.%s]\nitem = 5\nsource = test\nrole = validation\nconfig = %s/configs/default.ini\n" BLEEDING_SET
        "observable = bleeding\nband = %s\n%s",
        name, cwd, band, more);
    cr_assert(n > 0 && (size_t)n < len - u);
}

Test(cli, calibrate_and_validate_input_errors_exit_2)
{
    char *path = bleeding_targets("(0, inf)", ""), cmd[PATH_MAX + 128], *err = NULL, want[PATH_MAX + 64];
    cr_assert_eq(sh(MH_BIN " calibrate /nonexistent.ini --fit model.b_bleed", &err), 2);
    cr_assert(strstr(err, "/nonexistent.ini: cannot open: No such file") != NULL, "%s", err);
    free(err);
    snprintf(cmd, sizeof cmd, MH_BIN " calibrate %s --fit model.b_blead", path);
    cr_assert_eq(sh(cmd, &err), 2);
    cr_assert(strstr(err, "--fit: model.b_blead: unknown parameter") != NULL, "%s", err);
    free(err);
    snprintf(cmd, sizeof cmd, MH_BIN " calibrate %s --fit device.needles", path);
    cr_assert_eq(sh(cmd, &err), 2);
    cr_assert(strstr(err, "--fit: device.needles: not a real-valued parameter") != NULL, "%s", err);
    free(err);
    snprintf(cmd, sizeof cmd, MH_BIN " calibrate %s", path);
    cr_assert_eq(sh(cmd, NULL), 2, "--fit is required");
    unlink(path);
    free(path);
    /* --only naming a target of the validation set: refused before any run */
    char held[PATH_MAX + 512] = "";
    add_held_target(held, sizeof held, "held", "(0, inf)", "sigma = 0.1\n");
    path = bleeding_targets("(0, inf)", held);
    snprintf(cmd, sizeof cmd, MH_BIN " calibrate %s --fit model.b_bleed --only bleeds,held", path);
    cr_assert_eq(sh(cmd, &err), 2);
    cr_assert(strstr(err, "--only: held: target of the validation set (role = validation at ") != NULL, "%s", err);
    free(err);
    unlink(path);
    free(path);
    path = mh_test_write_ini("[target.x]\nsource = test\nshade = 3\n");
    snprintf(cmd, sizeof cmd, MH_BIN " validate %s -o /tmp/mh_cli_val_bad_%ld", path, (long)getpid());
    cr_assert_eq(sh(cmd, &err), 2);
    snprintf(want, sizeof want, "%s:3: shade: unknown key", path);
    cr_assert(strstr(err, want) != NULL, "%s", err);
    free(err);
    unlink(path);
    free(path);
    const char *cmds[] = {"calibrate", "validate"};
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, MH_BIN " %s --help | grep -q usage", cmds[i]);
        cr_assert_eq(sh(cmd, NULL), 0, "%s --help", cmds[i]);
    }
}

Test(cli, validate_writes_tables_and_exits_1_outside_the_band, .timeout = 120)
{
    char *dir = mh_test_temp_dir("cli_validation");
    char *path = bleeding_targets("(0, inf)", ""), cmd[PATH_MAX + 128], *err = NULL;
    snprintf(cmd, sizeof cmd, MH_BIN " validate %s -o %s -q", path, dir);
    cr_assert_eq(sh(cmd, &err), 0, "%s", err);
    free(err);
    cr_assert_eq(
        shf("grep -q '| 5 | bleeds | `bleeding` | test | (0, inf) | (0, inf) | .* | yes |' %s/validation.md", dir), 0);
    /* 8 replicates by default, base seed the configuration's (42) */
    cr_assert_eq(shf("grep -q '^5,bleeds,calibration,bleeding,test,.*,1,1,8,42,.*,yes,[a-z]*$' %s/validation.csv", dir),
                 0);
    cr_assert_eq(shf("test -s %s/validation.png", dir), 0);
    unlink(path);
    free(path);
    /* the same run against a band it misses: exit 1, the table still written and saying so */
    path = bleeding_targets("-inf, 0", "");
    snprintf(cmd, sizeof cmd, MH_BIN " validate %s -o %s -q", path, dir);
    cr_assert_eq(sh(cmd, NULL), 1);
    cr_assert_eq(shf("grep -q '| \\*\\*no\\*\\* |' %s/validation.md", dir), 0);
    unlink(path);
    free(path);
    cr_assert_eq(shf("rm -rf '%s'", dir), 0);
    free(dir);
}

/* validate --replicates N: the ensemble's columns and coverage words in validation.csv, the replicates and
 * their seeds in validation.md; --set seed=S changes the base seed; --replicates takes a whole number from 1. */
Test(cli, validate_replicates_writes_ensemble_columns, .timeout = 120)
{
    char *dir = mh_test_temp_dir("cli_validation_ensemble"), cwd[PATH_MAX], extra[2 * PATH_MAX + 512];
    cr_assert(getcwd(cwd, sizeof cwd) != NULL);
    /* the same scenario three times: a band that holds any interval (whole), one far above it (none), and
     * the redness at day 0.2, which depends a little on where the punctures are */
    snprintf(extra, sizeof extra,
             "[target.far]\nitem = 5\nsource = test\nrole = calibration\nconfig = %s/configs/default.ini\n" BLEEDING_SET
             "observable = bleeding\nband = 1000, 2000\n"
             "[target.red]\nitem = 4\nsource = test\nrole = calibration\nconfig = %s/configs/default.ini\n" BLEEDING_SET
             "observable = value:erythema@day=0.2\nband = -inf, inf\n",
             cwd, cwd);
    char *path = bleeding_targets("-inf, inf", extra), cmd[PATH_MAX + 128], *err = NULL;
    snprintf(cmd, sizeof cmd, MH_BIN " validate %s -o %s --replicates 2", path, dir);
    cr_assert_eq(sh(cmd, &err), 1, "far is outside its band: %s", err);
    cr_assert(strstr(err, "2 simulations (4 shared)") != NULL, "one run per replicate, shared: %s", err);
    cr_assert(strstr(err, "CI in band: none") != NULL, "%s", err);
    free(err);
    cr_assert_eq(shf("head -1 %s/validation.csv | grep -qx 'item,target,role,observable,source,value,sigma,band_lo,"
                     "band_hi,lo_open,hi_open,replicates,base_seed,mean,sd,ci_lo,ci_hi,within_band,coverage'",
                     dir),
                 0);
    cr_assert_eq(shf("grep -q '^5,bleeds,calibration,bleeding,test,.*,2,42,[-0-9.e]*,[0-9.e]*,[-0-9.e]*,[-0-9.e]*,yes,"
                     "whole$' "
                     "%s/validation.csv",
                     dir),
                 0);
    cr_assert_eq(shf("grep -q '^5,far,calibration,bleeding,test,.*,2,42,.*,no,none$' %s/validation.csv", dir), 0);
    /* the mean and sd are those of the replicates' values (mh_targets_evaluate_ensemble), not replicate 0's */
    mh_targets *t = mh_test_targets(path);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    double v[2];
    mh_ensemble_stats st;
    cr_assert_eq(mh_targets_evaluate_ensemble(t, 2, NULL, 2, v, &st, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert(v[0] != v[1], "replicates 0 and 1 alike: %g", v[0]);
    st = mh_ensemble_stats_of(v, 1, 2);
    mh_targets_destroy(&t);
    cr_assert_eq(shf("grep -q '^4,red,calibration,value:erythema@day=0.2,test,.*,2,42,%.10g,%.10g,.*,yes,whole$' "
                     "%s/validation.csv",
                     st.mean, st.sd, dir),
                 0, "mean %.10g, sd %.10g", st.mean, st.sd);
    cr_assert_eq(shf("grep -q 'Each target runs 2 replicates with base seed 42: seeds 42, %lu\\.' %s/validation.md",
                     mh_ensemble_seed(42, 1), dir),
                 0);
    cr_assert_eq(shf("grep -q '| yes | whole |' %s/validation.md", dir), 0);
    cr_assert_eq(shf("grep -q '| \\*\\*no\\*\\* | none |' %s/validation.md", dir), 0);
    /* one replicate with base seed 7: no spread, no interval */
    snprintf(cmd, sizeof cmd, MH_BIN " validate %s -o %s --replicates 1 --set seed=7 -q", path, dir);
    cr_assert_eq(sh(cmd, NULL), 1);
    cr_assert_eq(
        shf("grep -q '^5,bleeds,calibration,bleeding,test,.*,1,7,[-0-9.e]*,nan,nan,nan,yes,whole$' %s/validation.csv",
            dir),
        0);
    const char *bad[] = {"0", "abc", "10001"};
    for (int k = 0; k < 3; k++) {
        snprintf(cmd, sizeof cmd, MH_BIN " validate %s -o %s --replicates %s", path, dir, bad[k]);
        cr_assert_eq(sh(cmd, &err), 2, "--replicates %s", bad[k]);
        char want[128];
        snprintf(want, sizeof want, "--replicates: '%s' is not a whole number in [1, 10000]", bad[k]);
        cr_assert(strstr(err, want) != NULL, "%s", err);
        free(err);
    }
    unlink(path);
    free(path);
    cr_assert_eq(shf("rm -rf '%s'", dir), 0);
    free(dir);
}

/* validate reports the calibration set and the validation set apart: a table and a count line each in
 * validation.md, a role column in validation.csv, the count lines on standard error; its exit status is 1
 * when a calibration target misses, 0 when only validation targets do, and 1 then too with --strict.
 * Bleeding right after a 1.0 mm pen is > 0 (item 5: the channels reach the capillary loops below the
 * epidermis; the other tests of this file show it too), so it lies in the band (0, inf) and outside
 * [-inf, 0]. */
Test(cli, validate_reports_the_two_sets_apart_and_strict_fails_on_any_miss, .timeout = 120)
{
    char *dir = mh_test_temp_dir("cli_validation_sets"), extra[2 * PATH_MAX + 1024] = "", cmd[PATH_MAX + 160];
    char *err = NULL, path_md[PATH_MAX + 32];
    add_held_target(extra, sizeof extra, "held_out", "-inf, 0", "");
    add_held_target(extra, sizeof extra, "held_in", "(0, inf)", "");
    char *path = bleeding_targets("(0, inf)", extra);
    /* one calibration target within, one of two validation targets within */
    snprintf(cmd, sizeof cmd, MH_BIN " validate %s -o %s --replicates 2", path, dir);
    cr_assert_eq(sh(cmd, &err), 0, "only a validation target misses: %s", err);
    cr_assert(strstr(err, "\ncalibration: 1 of 1 within band\nvalidation: 1 of 2 within band (50.0 %)\n") != NULL, "%s",
              err);
    cr_assert(strstr(err, "1 of the validation set outside its band: reported, not a failure") != NULL, "%s", err);
    free(err);
    snprintf(path_md, sizeof path_md, "%s/validation.md", dir);
    char *md = mh_test_read_file(path_md);
    cr_assert_not_null(md);
    const char *cal = strstr(md, "\n## Calibration set (parameters were fitted to these)\n\ncalibration: 1 of 1 within "
                                 "band\n"),
               *val = strstr(md, "\n## Validation set (held out)\n\nvalidation: 1 of 2 within band (50.0 %)\n"),
               *bleeds = strstr(md, "| 5 | bleeds |"), *out = strstr(md, "| 5 | held_out |"),
               *in = strstr(md, "| 5 | held_in |");
    cr_assert(cal && val && bleeds && out && in, "%s", md);
    cr_assert(cal < bleeds && bleeds < val && val < out && val < in, "each target in its set's table:\n%s", md);
    free(md);
    cr_assert_eq(shf("grep -q '^5,bleeds,calibration,bleeding,.*,yes,whole$' %s/validation.csv", dir), 0);
    cr_assert_eq(shf("grep -q '^5,held_out,validation,bleeding,.*,no,none$' %s/validation.csv", dir), 0);
    cr_assert_eq(shf("grep -q '^5,held_in,validation,bleeding,.*,yes,whole$' %s/validation.csv", dir), 0);
    /* --strict: the validation set's miss fails too */
    snprintf(cmd, sizeof cmd, MH_BIN " validate %s -o %s --replicates 2 --strict", path, dir);
    cr_assert_eq(sh(cmd, &err), 1, "--strict: %s", err);
    cr_assert(strstr(err, "1 of the validation set outside its band: a failure (--strict)") != NULL, "%s", err);
    free(err);
    unlink(path);
    free(path);
    /* the calibration target misses, the validation set does not: exit 1 with or without --strict */
    extra[0] = '\0';
    add_held_target(extra, sizeof extra, "held_in", "(0, inf)", "");
    path = bleeding_targets("-inf, 0", extra);
    for (int strict = 0; strict < 2; strict++) {
        snprintf(cmd, sizeof cmd, MH_BIN " validate %s -o %s --replicates 2%s", path, dir, strict ? " --strict" : "");
        cr_assert_eq(sh(cmd, &err), 1, "the calibration target misses: %s", err);
        cr_assert(strstr(err, "\ncalibration: 0 of 1 within band\nvalidation: 1 of 1 within band (100.0 %)\n") != NULL,
                  "%s", err);
        free(err);
    }
    unlink(path);
    free(path);
    /* nothing misses: --strict exits 0 */
    path = bleeding_targets("(0, inf)", extra);
    snprintf(cmd, sizeof cmd, MH_BIN " validate %s -o %s --replicates 2 --strict -q", path, dir);
    cr_assert_eq(sh(cmd, &err), 0, "%s", err);
    free(err);
    unlink(path);
    free(path);
    /* a validation target whose simulation fails (a step floor above every step, as in test_sim.c) is no
     * score: exit 1 without --strict */
    add_held_target(extra, sizeof extra, "held_fails", "(0, inf)",
                    "set = solver.tol=0.00001; solver.dt_min_s=29; solver.dt_initial_s=30\n");
    path = bleeding_targets("(0, inf)", extra);
    snprintf(cmd, sizeof cmd, MH_BIN " validate %s -o %s --replicates 2", path, dir);
    cr_assert_eq(sh(cmd, &err), 1, "a failed simulation: %s", err);
    cr_assert(strstr(err, "solver.dt_min_s") != NULL, "%s", err);
    cr_assert(strstr(err, "\nvalidation: 1 of 2 within band (50.0 %)\n") != NULL, "%s", err);
    free(err);
    unlink(path);
    free(path);
    cr_assert_eq(shf("rm -rf '%s'", dir), 0);
    free(dir);
}

/* calibrate writes its report: one parameter (model.b_bleed, the blood filling a channel cell) fitted to
 * one bleeding datum 1.5 times the default model's; a validation target with a datum 3 times the model's
 * is held out and does not pull the fit */
Test(cli, calibrate_writes_a_report, .timeout = 120)
{
    char *path = bleeding_targets("(0, inf)", ""), cmd[PATH_MAX + 160], *err = NULL;
    mh_targets *t = mh_test_targets(path);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    double b0 = NAN;
    cr_assert_eq(mh_targets_evaluate(t, 0, NULL, &b0, &ctx), MH_OK, "%s", ctx.msg);
    mh_targets_destroy(&t);
    unlink(path);
    free(path);
    char value[PATH_MAX + 1024], held[64];
    snprintf(value, sizeof value, "value = %.17g\n", 1.5 * b0);
    snprintf(held, sizeof held, "value = %.17g\nsigma = 0.1\n", 3 * b0);
    add_held_target(value, sizeof value, "held", "(0, inf)", held);
    path = bleeding_targets("(0, inf)", value);
    char *dir = mh_test_temp_dir("cli"), report[256];
    snprintf(report, sizeof report, "%s/report.md", dir);
    snprintf(cmd, sizeof cmd, MH_BIN " calibrate %s --fit model.b_bleed -o %s -q", path, report);
    cr_assert_eq(sh(cmd, &err), 0, "%s", err);
    free(err);
    /* start 1 (the default), fitted 1.5 within 1 % */
    snprintf(cmd, sizeof cmd,
             "awk -F'|' '/^\\| `model.b_bleed`/ { f = 1; exit !($4 == 1 && $5 > 1.485 && $5 < 1.515) } "
             "END { if (!f) exit 1 }' %s",
             report);
    cr_assert_eq(sh(cmd, NULL), 0, "fitted model.b_bleed is not 1.5");
    cr_assert_eq(shf("grep -q 'NOT scaled by chi^2/dof' %s", report), 0);
    cr_assert_eq(shf("grep -q '| bleeds | 5 | `bleeding` |' %s", report), 0);
    cr_assert_eq(shf("grep -q '^- Targets file: .*; 1 calibration targets fitted, 1 parameters' %s", report), 0);
    cr_assert_eq(shf("grep -q '^- Validation set: 1 target (role = validation) held out' %s", report), 0);
    cr_assert_eq(shf("grep -q '| held |' %s", report), 1, "the held-out target is not in the report's table");
    unlink(report);
    rmdir(dir);
    free(dir);
    unlink(path);
    free(path);
}

/* ---- the shared argument parser (src/cli/mh_args.c: getopt_long) ---- */

/* The shell command that fmt and its arguments make must exit with rc and say want on stderr. */
__attribute__((format(printf, 3, 4))) static void shf_fails(int rc, const char *want, const char *fmt, ...)
{
    char *err = NULL;
    va_list ap;
    va_start(ap, fmt);
    const int got = vshf(&err, fmt, ap);
    va_end(ap);
    cr_assert_eq(got, rc, "%s: exit %d, not %d: %s", fmt, got, rc, err);
    cr_assert(strstr(err, want) != NULL, "%s: stderr lacks '%s': %s", fmt, want, err);
    free(err);
}

static const char *const all_commands[] = {"run",   "check",   "info",      "export",   "plot",
                                           "sweep", "compare", "calibrate", "validate", "sensitivity"};
#define N_COMMANDS (int)(sizeof all_commands / sizeof all_commands[0])

Test(cli, every_command_has_help_and_refuses_an_unknown_option_with_its_usage)
{
    for (int i = 0; i < N_COMMANDS; i++) {
        char want[64];
        snprintf(want, sizeof want, "usage: microheal %s", all_commands[i]);
        /* help wins wherever it stands among the options, whatever else is wrong */
        cr_assert_eq(shf(MH_BIN " %s --help | grep -q '^%s'", all_commands[i], want), 0, "%s --help", all_commands[i]);
        cr_assert_eq(shf(MH_BIN " %s --bogus -h | grep -q '^%s'", all_commands[i], want), 0, "%s -h", all_commands[i]);
        cr_assert_eq(shf(MH_BIN " %s --hel > /dev/null", all_commands[i]), 0, "%s --hel", all_commands[i]);
        shf_fails(2, "microheal: unknown option --bogus\n", MH_BIN " %s x --bogus", all_commands[i]);
        shf_fails(2, want, MH_BIN " %s x --bogus=1", all_commands[i]);
        shf_fails(2, "microheal: unknown option -x\n", MH_BIN " %s -x", all_commands[i]);
        shf_fails(2, "microheal: --help takes no argument", MH_BIN " %s --help=1", all_commands[i]);
    }
}

Test(cli, set_and_options_of_run_and_check_in_every_spelling_and_order)
{
    /* --set=KEY=VALUE as --set KEY=VALUE, numbered in the order given, before or after CONFIG */
    shf_fails(2, "--set #1: grid.dx_um: 0 is out of range", MH_BIN " check --set=grid.dx_um=0 configs/default.ini");
    shf_fails(2, "--set #2: grid.dx_um: 0 is out of range",
              MH_BIN " check configs/default.ini --set simulation.days=10 --set=grid.dx_um=0");
    shf_fails(2, "--set #1: patient.psoriasis: contraindication",
              MH_BIN " check configs/default.ini --set=patient.psoriasis=true");
    /* assignments apply in order: a later --set overrides --override-contraindications, an abbreviation of it */
    cr_assert_eq(shf(MH_BIN " check --overr configs/default.ini --set patient.psoriasis=true > /dev/null"), 0);
    shf_fails(2, "contraindication",
              MH_BIN " check configs/default.ini --override-contraindications "
                     "--set patient.override_contraindications=false --set patient.psoriasis=true");
    /* "--" ends the options: what follows is positional, even when it looks like an option */
    cr_assert_eq(shf(MH_BIN " check -- configs/default.ini > /dev/null"), 0);
    /* usage errors (exit 2, the message and the command's usage): an argument too many, a missing argument
     * (named as it was given), an argument to an option that takes none, an option of another command, a
     * letter among others, an ambiguous beginning */
    static const struct {
        const char *args, *want;
    } usage_errors[] = {
        {"check configs/default.ini -- --set", "unexpected argument --set\n"},
        {"check configs/default.ini b.ini", "unexpected argument b.ini\n"},
        {"check configs/default.ini --set", "--set needs an argument\nusage: microheal check"},
        {"run configs/default.ini -o", "-o needs an argument\n"},
        {"run configs/default.ini --output", "--output needs an argument\n"},
        {"run configs/default.ini -qo", "-o needs an argument\n"},
        {"run configs/default.ini --checkpoint-every", "--checkpoint-every needs an argument\n"},
        {"run configs/default.ini --resume=yes", "--resume takes no argument\nusage: microheal run"},
        {"check configs/default.ini --resume", "unknown option --resume\nusage: microheal check"},
        {"check configs/default.ini -q", "unknown option -q\n"},
        {"run configs/default.ini -qx", "unknown option -x in -qx\n"},
        {"export a.h5 --s", "ambiguous option --s: --series, --sessions, --summary\n"},
    };
    for (size_t i = 0; i < sizeof usage_errors / sizeof usage_errors[0]; i++) {
        char want[256];
        snprintf(want, sizeof want, "microheal: %s", usage_errors[i].want);
        shf_fails(2, want, MH_BIN " %s", usage_errors[i].args);
    }
    /* --checkpoint-every is checkpoint.every_days, by that name */
    shf_fails(2, "--checkpoint-every: checkpoint.every_days", MH_BIN " run configs/default.ini --checkpoint-every=-1");
}

Test(cli, jobs_output_and_quiet_in_every_spelling)
{
    char *dir = mh_test_temp_dir("cli_args");
    /* -j: a whole number in [1, 4096], by strtol, refused before anything is written */
    static const char *const bad_jobs[] = {"x", "0", "4097", "2.5", "1e1", "''", "' 2'", "-1", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad_jobs / sizeof bad_jobs[0]; i++) {
        shf_fails(2, "microheal: -j: '", MH_BIN " sweep configs/sweeps/needle_length.ini -o %s/sweep -j %s", dir,
                  bad_jobs[i]);
        shf_fails(2, "is not a whole number in [1, 4096]\nusage: microheal compare",
                  MH_BIN " compare --vary device.needle_length_mm=1,2 configs/default.ini -o %s/cmp --jobs=%s", dir,
                  bad_jobs[i]);
    }
    shf_fails(2, "microheal: -j needs an argument\n", MH_BIN " sweep configs/sweeps/needle_length.ini -o %s/sweep -j",
              dir);
    cr_assert_eq(mh_test_count_files(dir, ""), 2, "nothing but . and .. in %s", dir);
    /* -o given twice: the last one counts; -qo joined, --output=DIR */
    cr_assert_eq(shf(MH_BIN " sweep configs/sweeps/needle_length.ini --slurm -q -o %s/first -o %s/last", dir, dir), 0);
    cr_assert_eq(shf("test -s %s/last/slurm/sweep.sbatch && test ! -e %s/first", dir, dir), 0);
    cr_assert_eq(shf(MH_BIN " sweep --slurm -qo%s/joined configs/sweeps/needle_length.ini", dir), 0);
    cr_assert_eq(shf(MH_BIN " sweep --slurm --quiet --output=%s/long configs/sweeps/needle_length.ini 2>&1 | "
                            "grep -c . | grep -qx 0",
                     dir),
                 0, "--quiet prints nothing");
    cr_assert_eq(shf("test -s %s/joined/slurm/sweep.sbatch && test -s %s/long/slurm/sweep.sbatch", dir, dir), 0);
    /* an empty name is refused however it is spelled */
    shf_fails(2, "microheal: -o: the name is empty\n", MH_BIN " sweep configs/sweeps/needle_length.ini --output=");
    cr_assert_eq(shf("rm -rf '%s'", dir), 0);
    free(dir);
}
