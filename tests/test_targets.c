/* test_targets: the targets file (format errors with FILE:LINE: key), bands and residuals, observables
 * against mh_summary, ratio targets, and runs shared through the cache. */
#include "helpers.h"

#include <limits.h>
#include <math.h>

/* A targets file whose config line points at the repository's default.ini (absolute path). */
static char *write_targets(const char *body)
{
    char cwd[PATH_MAX], text[8192];
    cr_assert(getcwd(cwd, sizeof cwd) != NULL);
    int n =
        snprintf(text, sizeof text, "[defaults]\nconfig = %s/configs/default.ini\nset = grid.dx_um=25\n%s", cwd, body);
    cr_assert(n > 0 && (size_t)n < sizeof text);
    return mh_test_write_ini(text);
}

/* Loading must fail with MH_ERR_INPUT and a message starting "PATH:LINE: KEY:" that contains why. */
static void expect_load_error(const char *body, int line, const char *key, const char *why)
{
    char *path = write_targets(body);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_targets *t = NULL;
    cr_assert_eq(mh_targets_load(path, &ctx, &t), MH_ERR_INPUT, "accepted:\n%s", body);
    cr_assert_null(t);
    char prefix[512];
    snprintf(prefix, sizeof prefix, "%s:%d: %s:", path, line, key);
    cr_assert(strncmp(ctx.msg, prefix, strlen(prefix)) == 0, "message '%s' does not start with '%s'", ctx.msg, prefix);
    cr_assert(strstr(ctx.msg, why) != NULL, "message '%s' lacks '%s'", ctx.msg, why);
    unlink(path);
    free(path);
}

#define HEAD "[target.a]\nsource = test\nrole = calibration\n" /* lines 4 to 6 of the file */

Test(targets, missing_file_names_the_file)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_targets *t = NULL;
    cr_assert_eq(mh_targets_load("/nonexistent/targets.ini", &ctx, &t), MH_ERR_INPUT);
    cr_assert(strncmp(ctx.msg, "/nonexistent/targets.ini: cannot open: No such file", 50) == 0, "%s", ctx.msg);
}

Test(targets, format_errors_name_file_line_and_key)
{
    expect_load_error(HEAD "colour = red\n", 7, "colour", "unknown key");
    expect_load_error(HEAD "observable = closure_hours\nband = 5, 1\n", 8, "band", "empty");
    expect_load_error(HEAD "observable = closure_hours\nband = 1\n", 8, "band", "two numbers");
    expect_load_error(HEAD "observable = closure_minutes\nband = 1, 2\n", 7, "observable", "unknown observable");
    expect_load_error(HEAD "observable = gain:erythema@day=1\nband = 1, 2\n", 7, "observable", "per-layer");
    expect_load_error(HEAD "observable = gain:dermis/collagen_I\nband = 1, 2\n", 7, "observable", "@day=");
    expect_load_error(HEAD "observable = closure_hours\nsigma = -1\nband = 1, 2\n", 8, "sigma", "positive");
    expect_load_error(HEAD "observable = closure_hours\nvalue = 3\nband = 1, 2\n", 8, "value", "outside the band");
    expect_load_error(HEAD "observable = closure_hours\nobservable = bleeding\nband = 1, 2\n", 8, "observable",
                      "given twice");
    /* settings go through the configuration's validator, with this file's line */
    expect_load_error(HEAD "set = simulation.days=2; device.colour=red\nobservable = closure_hours\nband = 1, 2\n", 7,
                      "device.colour", "unknown key");
    expect_load_error(HEAD "set = simulation.days=-2\nobservable = closure_hours\nband = 1, 2\n", 7, "simulation.days",
                      "out of range");
    /* the scenario must reach the observable's day and session */
    expect_load_error(
        HEAD "set = schedule.sessions=1; simulation.days=5\nobservable = gain:dermis/collagen_I@day=42\nband = 1, 2\n",
        8, "observable", "after simulation.days");
    expect_load_error(HEAD "set = schedule.sessions=1\nobservable = closure_hours\nsession = 2\nband = 1, 2\n", 9,
                      "session", "1 session");
    expect_load_error("[sample.a]\nx = 1\n", 4, "[sample.a]", "unknown section");
}

Test(targets, missing_keys_name_the_section)
{
    char *path = write_targets(HEAD "observable = closure_hours\n");
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_targets *t = NULL;
    cr_assert_eq(mh_targets_load(path, &ctx, &t), MH_ERR_INPUT);
    char prefix[512];
    snprintf(prefix, sizeof prefix, "%s:4: [target.a]: missing key 'band'", path);
    cr_assert_str_eq(ctx.msg, prefix);
    unlink(path);
    free(path);
}

/* role: required in every target, calibration or validation (as written), and not in [defaults]. */
Test(targets, role_is_required_and_is_calibration_or_validation)
{
    char *path = write_targets("[target.a]\nsource = test\nobservable = closure_hours\nband = 1, 2\n");
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_targets *t = NULL;
    cr_assert_eq(mh_targets_load(path, &ctx, &t), MH_ERR_INPUT, "a target without a role was accepted");
    char want[PATH_MAX + 64];
    snprintf(want, sizeof want, "%s:4: [target.a]: missing key 'role'", path);
    cr_assert_str_eq(ctx.msg, want);
    unlink(path);
    free(path);
#define NO_ROLE "[target.a]\nsource = test\n"
    const char *const bad[] = {"training", "Calibration", "validation set", "calibration, validation", ""};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char body[256], why[128];
        snprintf(body, sizeof body, NO_ROLE "role = %s\nobservable = closure_hours\nband = 1, 2\n", bad[k]);
        snprintf(why, sizeof why, "'%s': expected calibration or validation", bad[k]);
        expect_load_error(body, 6, "role", why);
    }
    expect_load_error(NO_ROLE "role = calibration\nrole = validation\nobservable = closure_hours\nband = 1, 2\n", 7,
                      "role", "given twice");
#undef NO_ROLE
    /* [defaults] may not give it: each target states its own set */
    char cwd[PATH_MAX], text[PATH_MAX + 256];
    cr_assert(getcwd(cwd, sizeof cwd) != NULL);
    snprintf(text, sizeof text,
             "[defaults]\nconfig = %s/configs/default.ini\nrole = calibration\n"
             "[target.a]\nsource = test\nobservable = closure_hours\nband = 1, 2\n",
             cwd);
    path = mh_test_write_ini(text);
    mh_ctx_init(&ctx); /* a fresh context: the first error's message is kept */
    cr_assert_eq(mh_targets_load(path, &ctx, &t), MH_ERR_INPUT, "role in [defaults] was accepted");
    cr_assert_null(t);
    snprintf(want, sizeof want, "%s:3: role: not allowed in [defaults]", path);
    cr_assert(strncmp(ctx.msg, want, strlen(want)) == 0, "'%s' does not start with '%s'", ctx.msg, want);
    unlink(path);
    free(path);
}

/* Bands: inclusive ends, open ends marked by parentheses, infinite ends; residuals of data and bounds. */
Test(targets, bands_and_residuals)
{
    char *path = write_targets(
        HEAD "observable = closure_hours\nvalue = 12\nsigma = 2\nband = 9, 15\n"
             "[target.b]\nsource = t\nrole = calibration\nobservable = bleeding\nsigma = 0.5\nband = (0, 5]\n"
             "[target.c]\nsource = t\nrole = validation\nobservable = bleeding\nband = -inf, 5)\n");
    mh_targets *t = mh_test_targets(path);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_targets_count(t), 3);
    const mh_target_info *a = mh_targets_info(t, 0), *b = mh_targets_info(t, 1), *c = mh_targets_info(t, 2);
    cr_assert(mh_target_in_band(a, 9.0) && mh_target_in_band(a, 15.0) && !mh_target_in_band(a, 15.01));
    cr_assert(!mh_target_in_band(a, NAN));
    cr_assert(!mh_target_in_band(b, 0.0) && mh_target_in_band(b, 1e-9) && mh_target_in_band(b, 5.0));
    cr_assert(mh_target_in_band(c, -1e300) && !mh_target_in_band(c, 5.0));
    cr_assert(isinf(c->band_lo) && c->band_lo < 0);
    cr_assert(a->role == MH_TARGET_CALIBRATION && b->role == MH_TARGET_CALIBRATION && c->role == MH_TARGET_VALIDATION);
    cr_assert_str_eq(mh_target_role_name(a->role), "calibration");
    cr_assert_str_eq(mh_target_role_name(c->role), "validation");
    cr_assert_float_eq(mh_target_residual(a, 16.0), 2.0, 1e-15);
    cr_assert_float_eq(mh_target_residual(b, 2.0), 0.0, 0.0); /* inside a bound: no residual */
    cr_assert_float_eq(mh_target_residual(b, 6.0), 2.0, 1e-15);
    cr_assert_float_eq(mh_target_residual(b, -1.0), -2.0, 1e-15);
    cr_assert(isnan(mh_target_residual(c, 1.0)), "no sigma, no residual");
    cr_assert_eq(mh_targets_find(t, "b"), 1);
    cr_assert_eq(mh_targets_find(t, "z"), -1);
    mh_targets_destroy(&t);
    cr_assert_null(t);
    mh_targets_destroy(&t); /* accepts NULL */
    unlink(path);
    free(path);
}

/* Observables agree with mh_summary and the series; targets sharing a scenario share one run; a ratio
 * target divides the two scenarios' values. */
Test(targets, observables_ratios_and_shared_runs, .timeout = 120)
{
    char *path = write_targets(
        /* every scenario with a column that holds the deepest needles of 2 mm (papers/insertion.md) */
        "[target.gain]\nsource = t\nrole = calibration\nset = grid.hypodermis_mm=0.6; schedule.sessions=1; "
        "simulation.days=43\n"
        "observable = gain:dermis/collagen_total@day=42\nband = -inf, inf\n"
        "[target.inc]\nsource = t\nrole = calibration\nset = grid.hypodermis_mm=0.6; schedule.sessions=1\nset = "
        "simulation.days=43\n"
        "observable = increment:dermis/collagen_total@day=42\nband = -inf, inf\n"
        "[target.ery]\nsource = t\nrole = calibration\nset = grid.hypodermis_mm=0.6; schedule.sessions=1; "
        "simulation.days=43\nobservable = "
        "erythema_days\n"
        "band = -inf, inf\n"
        "[target.peak]\nsource = t\nrole = calibration\nset = grid.hypodermis_mm=0.6; schedule.sessions=1; "
        "simulation.days=43\n"
        "observable = peak_day:papillary_dermis/collagen_III\nband = -inf, inf\n"
        "[target.deeper]\nsource = t\nrole = calibration\nset = grid.hypodermis_mm=0.6; schedule.sessions=1; "
        "simulation.days=43; "
        "device.needle_length_mm=2.0\n"
        "ratio_set = device.needle_length_mm=1.5\nobservable = increment:dermis/collagen_total@day=42\n"
        "band = -inf, inf\n");
    mh_targets *t = mh_test_targets(path);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    double v[5];
    for (int i = 0; i < 5; i++)
        cr_assert_eq(mh_targets_evaluate(t, i, NULL, &v[i], &ctx), MH_OK, "%s", ctx.msg);
    long runs = 0, hits = 0;
    mh_targets_stats(t, &runs, &hits);
    cr_assert_eq(runs, 2, "1.5 mm and 2.0 mm scenarios: %ld runs", runs);
    cr_assert_eq(hits, 4, "%ld cache hits", hits);
    const mh_series *s = NULL;
    const mh_summary *m = NULL;
    cr_assert_eq(mh_targets_run(t, 0, NULL, &s, &m, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_float_eq(v[0], m->gain[MH_OL_DERMIS][MH_OQ_CT][0], 0.0, "gain = mh_summary's gain at day 42");
    cr_assert_float_eq(v[1], v[0] - 1.0, 1e-15);
    cr_assert_float_eq(v[2], m->erythema_days[0], 0.0);
    int c3 = mh_observe_layer_col(MH_OL_PAPILLARY, MH_OQ_C3);
    double best = -1;
    for (size_t r = 0; r < s->nt; r++)
        best = fmax(best, s->data[r * MH_OBS_COUNT + c3]);
    cr_assert_float_eq(mh_series_at(s, c3, v[3]), best, 1e-12, "peak_day is where collagen III peaks");
    /* the ratio: 2.0 mm over 1.5 mm, from the same cached 1.5 mm run */
    double deep = NAN;
    mh_config *cfg = NULL;
    cr_assert_eq(mh_targets_config(t, 4, NULL, false, &cfg, &ctx), MH_OK);
    cr_assert_float_eq(mh_config_real(cfg, MH_P_DEV_LENGTH), 2.0, 0.0);
    mh_config_destroy(&cfg);
    cr_assert_eq(mh_targets_config(t, 4, NULL, true, &cfg, &ctx), MH_OK);
    cr_assert_float_eq(mh_config_real(cfg, MH_P_DEV_LENGTH), 1.5, 0.0);
    mh_config_destroy(&cfg);
    cr_assert_eq(mh_targets_run(t, 4, NULL, &s, &m, &ctx), MH_OK);
    deep = m->gain[MH_OL_DERMIS][MH_OQ_CT][0] - 1.0;
    cr_assert_float_eq(v[4], deep / v[1], 1e-12);
    cr_assert_gt(v[4], 1.0, "deeper needling gains more");
    /* extra settings apply after the target's own (here: a third scenario) */
    double v2 = NAN;
    cr_assert_eq(mh_targets_evaluate(t, 0, (const char *const[]){"device.needle_length_mm=2.0", NULL}, &v2, &ctx),
                 MH_OK, "%s", ctx.msg);
    mh_targets_stats(t, &runs, &hits);
    cr_assert_eq(runs, 2, "the 2.0 mm scenario is already cached");
    cr_assert_float_eq(v2, deep + 1.0, 1e-12);
    cr_assert_eq(mh_targets_evaluate(t, 0, (const char *const[]){"device.colour=red", NULL}, &v2, &ctx), MH_ERR_INPUT);
    cr_assert(strncmp(ctx.msg, "--set #1: device.colour: unknown key", 36) == 0, "%s", ctx.msg);
    mh_targets_destroy(&t);
    unlink(path);
    free(path);
}

/* The barrier's observables (issue 20): barrier_hours is the first time after the wound at which the series'
 * barrier_loss falls to observables.closure_fraction (0.1 by default), interpolated linearly between the two
 * rows around the crossing; it is not the lumen's closure_hours. value:barrier_loss@day=D reads the column,
 * peak_day:barrier_loss is the day of its largest value after the session. Expected values are worked out
 * here from the run's series, not taken from mh_summary. */
Test(targets, barrier_observables_read_the_barrier_loss_column, .timeout = 120)
{
    char *path = write_targets(
        "[target.barrier]\nsource = t\nrole = calibration\nset = schedule.sessions=1; simulation.days=0.3\n"
        "observable = barrier_hours\nband = -inf, inf\n"
        "[target.lumen]\nsource = t\nrole = validation\nset = schedule.sessions=1; simulation.days=0.3\n"
        "observable = closure_hours\nband = -inf, inf\n"
        "[target.at]\nsource = t\nrole = validation\nset = schedule.sessions=1; simulation.days=0.3\n"
        "observable = value:barrier_loss@day=0.05\nband = -inf, inf\n"
        "[target.peak]\nsource = t\nrole = validation\nset = schedule.sessions=1; simulation.days=0.3\n"
        "observable = peak_day:barrier_loss\nband = -inf, inf\n");
    mh_targets *t = mh_test_targets(path);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    double v[4];
    for (int i = 0; i < 4; i++)
        cr_assert_eq(mh_targets_evaluate(t, i, NULL, &v[i], &ctx), MH_OK, "%s", ctx.msg);
    long runs = 0, hits = 0;
    mh_targets_stats(t, &runs, &hits);
    cr_assert_eq(runs, 1, "one scenario: %ld runs", runs);
    const mh_series *s = NULL;
    const mh_summary *m = NULL;
    cr_assert_eq(mh_targets_run(t, 0, NULL, &s, &m, &ctx), MH_OK, "%s", ctx.msg);
    /* the wound row: the last row at day 0 (the session is at day 0; rows before it hold the intact skin) */
    size_t r0 = 0;
    while (r0 + 1 < s->nt && s->data[(r0 + 1) * MH_OBS_COUNT + MH_OBS_T] <= 0.0)
        r0++;
    const double level = 0.1; /* observables.closure_fraction of configs/default.ini (the table's default) */
    double cross = NAN, best = -1.0, tbest = NAN;
    for (size_t r = r0; r < s->nt; r++) {
        const double *x = s->data + r * MH_OBS_COUNT, w = x[MH_OBS_BARRIER];
        if (w > best) {
            best = w;
            tbest = x[MH_OBS_T];
        }
        if (isnan(cross) && w <= level && r > r0) {
            const double *p = x - MH_OBS_COUNT; /* the row before: above the level */
            cross = p[MH_OBS_T] + (p[MH_OBS_BARRIER] - level) / (p[MH_OBS_BARRIER] - w) * (x[MH_OBS_T] - p[MH_OBS_T]);
        }
    }
    cr_assert(s->data[r0 * MH_OBS_COUNT + MH_OBS_BARRIER] > level, "the wound opens the barrier");
    cr_assert(!isnan(cross), "the barrier recovers within the run: the test shows nothing otherwise");
    /* hours from days: the same product in the same order, so 1 ulp at most */
    cr_assert_float_eq(v[0], cross * 24.0, 1e-12, "barrier_hours %g against %g h from the series", v[0], cross * 24.0);
    /* the lumen (closure_hours) is another column: still open at the end of this run (NaN) or closing later */
    cr_assert(isnan(v[1]) || fabs(v[0] - v[1]) > 0.1, "barrier_hours (%g) read the lumen's closure_hours (%g)", v[0],
              v[1]);
    /* value: linear interpolation between the rows around day 0.05 */
    size_t k = r0;
    while (k + 1 < s->nt && s->data[(k + 1) * MH_OBS_COUNT + MH_OBS_T] < 0.05)
        k++;
    const double *a = s->data + k * MH_OBS_COUNT, *b = a + MH_OBS_COUNT;
    const double want = a[MH_OBS_BARRIER] +
                        (0.05 - a[MH_OBS_T]) / (b[MH_OBS_T] - a[MH_OBS_T]) * (b[MH_OBS_BARRIER] - a[MH_OBS_BARRIER]);
    cr_assert_float_eq(v[2], want, 1e-12, "value:barrier_loss@day=0.05 %g against %g", v[2], want);
    cr_assert_float_eq(v[3], tbest, 0.0, "peak_day:barrier_loss %g against the row of the largest loss %g", v[3],
                       tbest);
    mh_targets_destroy(&t);
    unlink(path);
    free(path);
}

/* Ensembles: replicate r runs the scenario with seed mh_ensemble_seed(base, r) applied last, base the
 * scenario's seed (after the caller's settings); replicate 0 is the plain run and shares its cached run;
 * both parts of a ratio run with the replicate's seed, even when ratio_set sets another; the statistics
 * are mh_ensemble_stats_of of the replicates' values. */
Test(targets, ensembles_of_replicate_seeds, .timeout = 120)
{
    char *path = write_targets("[target.red]\nsource = t\nrole = calibration\nset = schedule.sessions=1; "
                               "simulation.days=0.2; device.needle_length_mm=1.0\n"
                               "observable = value:erythema@day=0.2\nband = -inf, inf\n"
                               "[target.seeds]\nsource = t\nrole = calibration\nset = schedule.sessions=1; "
                               "simulation.days=0.2; device.needle_length_mm=1.0\n"
                               "ratio_set = seed=99\nobservable = value:erythema@day=0.2\nband = -inf, inf\n");
    mh_targets *t = mh_test_targets(path);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    unsigned long base = 0;
    cr_assert_eq(mh_targets_base_seed(t, 0, NULL, &base, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_eq(base, 42, "the default configuration's seed");
    const char *const seed5[] = {"seed=5", NULL};
    cr_assert_eq(mh_targets_base_seed(t, 0, seed5, &base, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_eq(base, 5, "--set seed=5 is the base seed");
    /* replicate 0 is the plain run, from the same cached simulation */
    double plain = NAN, v[3] = {NAN, NAN, NAN};
    long runs = 0, hits = 0;
    cr_assert_eq(mh_targets_evaluate(t, 0, NULL, &plain, &ctx), MH_OK, "%s", ctx.msg);
    mh_ensemble_stats st;
    cr_assert_eq(mh_targets_evaluate_ensemble(t, 0, NULL, 3, v, &st, &ctx), MH_OK, "%s", ctx.msg);
    mh_targets_stats(t, &runs, &hits);
    cr_assert_eq(runs, 3, "replicates 0 (the plain run), 1 and 2: %ld runs", runs);
    cr_assert_float_eq(v[0], plain, 0.0);
    /* replicate r = the run with seed=mh_ensemble_seed(42, r) (a cache hit: the same configuration) */
    for (int r = 1; r < 3; r++) {
        char set[32];
        snprintf(set, sizeof set, "seed=%lu", mh_ensemble_seed(42, r));
        double w = NAN;
        cr_assert_eq(mh_targets_evaluate(t, 0, (const char *const[]){set, NULL}, &w, &ctx), MH_OK, "%s", ctx.msg);
        cr_assert_float_eq(v[r], w, 0.0, "replicate %d", r);
        double u = NAN;
        cr_assert_eq(mh_targets_evaluate_replicate(t, 0, NULL, r, &u, &ctx), MH_OK, "%s", ctx.msg);
        cr_assert_float_eq(u, v[r], 0.0);
    }
    mh_targets_stats(t, &runs, &hits);
    cr_assert_eq(runs, 3, "no new run: %ld", runs);
    /* (the redness of a section depends a little on where its punctures are: a relative sd of ~4e-4) */
    cr_assert(v[1] != v[0] && v[2] != v[0], "the seeds place the punctures differently: %g %g %g", v[0], v[1], v[2]);
    const mh_ensemble_stats want = mh_ensemble_stats_of(v, 1, 3);
    cr_assert(st.n == 3 && st.mean == want.mean && st.sd == want.sd && st.ci_lo == want.ci_lo &&
              st.ci_hi == want.ci_hi);
    /* the base seed from the caller's settings: replicate 0 with seed=5 is the seed-5 run */
    double w5 = NAN, u5 = NAN;
    cr_assert_eq(mh_targets_evaluate(t, 0, seed5, &w5, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_targets_evaluate_replicate(t, 0, seed5, 0, &u5, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_float_eq(u5, w5, 0.0);
    /* ratio_set = seed=99: plain, the denominator runs seed 99; a replicate runs both with its own seed */
    double ratio = NAN, rep = NAN;
    cr_assert_eq(mh_targets_evaluate(t, 1, NULL, &ratio, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert(ratio != 1.0, "seeds 42 and 99 give the same redness (%g): the test shows nothing", ratio);
    for (int r = 0; r < 3; r++) {
        cr_assert_eq(mh_targets_evaluate_replicate(t, 1, NULL, r, &rep, &ctx), MH_OK, "%s", ctx.msg);
        cr_assert_float_eq(rep, 1.0, 0.0, "replicate %d: numerator and denominator share its seed", r);
    }
    /* out of range */
    cr_assert_eq(mh_targets_evaluate_ensemble(t, 0, NULL, 0, v, &st, &ctx), MH_ERR_INPUT);
    cr_assert(isnan(st.mean));
    cr_assert_eq(mh_targets_evaluate_replicate(t, 0, NULL, MH_ENSEMBLE_MAX, &rep, &ctx), MH_ERR_INPUT);
    cr_assert(isnan(rep));
    /* a bad extra setting is named as before (a fresh context: the first error's message is kept) */
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_targets_evaluate_ensemble(t, 0, (const char *const[]){"seed=-1", NULL}, 2, v, &st, &ctx),
                 MH_ERR_INPUT);
    cr_assert(strncmp(ctx.msg, "--set #1: seed", 14) == 0, "%s", ctx.msg);
    mh_targets_destroy(&t);
    unlink(path);
    free(path);
}
