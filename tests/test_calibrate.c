/* test_calibrate: synthetic recovery (targets made by the model itself at known parameter values are fitted
 * from perturbed starts), the errors of mh_calibrate_fit, and the validation set held out of every fit. */
#include "helpers.h"

#include "mh_calibrate.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>

/* A targets file: "[defaults]" and its config line (the repository's default.ini), then the text that fmt
 * and its arguments make, from line 3. Returns its malloc'ed path. */
__attribute__((format(printf, 1, 2))) static char *targets_file(const char *fmt, ...)
{
    char cwd[PATH_MAX], text[PATH_MAX + 4096];
    cr_assert(getcwd(cwd, sizeof cwd) != NULL);
    const int n = snprintf(text, sizeof text, "[defaults]\nconfig = %s/configs/default.ini\n", cwd);
    cr_assert(n > 0 && (size_t)n < sizeof text);
    va_list ap;
    va_start(ap, fmt);
    const int m = vsnprintf(text + n, sizeof text - (size_t)n, fmt, ap);
    va_end(ap);
    cr_assert(m > 0 && (size_t)m < sizeof text - (size_t)n, "the targets file is too long for its buffer");
    return mh_test_write_ini(text);
}

/* Closure hours of 0.37 and 0.77 mm roller needles (Kalluri-like), 25 um cells, 3 days: the two lengths
 * weigh model.tau0_close_h and model.v_close_um_h differently, so both are determined. */
static char *closure_targets(double v370, double v770, double sigma)
{
    return targets_file("set = grid.dx_um=25; schedule.sessions=1; simulation.days=3; device.type=roller\n"
                        "set = device.penetration_fraction=0.198\n"
                        "[target.short]\nsource = model at known values\nrole = calibration\n"
                        "set = device.needle_length_mm=0.37\n"
                        "observable = closure_hours\nvalue = %.17g\nsigma = %.17g\nband = -inf, inf\n"
                        "[target.long]\nsource = model at known values\nrole = calibration\n"
                        "set = device.needle_length_mm=0.77\n"
                        "observable = closure_hours\nvalue = %.17g\nsigma = %.17g\nband = -inf, inf\n",
                        v370, sigma, v770, sigma);
}

Test(calibrate, recovers_known_parameters_from_perturbed_starts, .timeout = 240)
{
    const double tau_true = 3.5, v_true = 5.0;
    /* 1. data: the model's closure hours at the true values */
    char *path = closure_targets(1.0, 1.0, 1.0);
    mh_targets *t = mh_test_targets(path);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    const char *truth[] = {"model.tau0_close_h=3.5", "model.v_close_um_h=5.0", NULL};
    double d370 = NAN, d770 = NAN;
    cr_assert_eq(mh_targets_evaluate(t, 0, truth, &d370, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_targets_evaluate(t, 1, truth, &d770, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert(d770 > d370 && d370 > 0, "closure %g h, %g h", d370, d770);
    mh_targets_destroy(&t);
    unlink(path);
    free(path);
    /* 2. fit from x1.5 and x0.6 of the true values */
    path = closure_targets(d370, d770, 0.5);
    t = mh_test_targets(path);
    const char *params[] = {"model.tau0_close_h", "model.v_close_um_h"};
    const char *start[] = {"model.tau0_close_h=5.25", "model.v_close_um_h=3.0", NULL};
    mh_calibrate_options o;
    mh_calibrate_options_default(&o);
    o.params = params;
    o.nparams = 2;
    o.extra_sets = start;
    mh_calibration *c = NULL;
    cr_assert_eq(mh_calibrate_fit(t, &o, &ctx, &c), MH_OK, "%s", ctx.msg);
    cr_assert_float_eq(c->start[0], 5.25, 0.0);
    cr_assert_float_eq(c->start[1], 3.0, 0.0);
    cr_assert(c->converged, "stopped: %s", c->stop_reason);
    /* 2 %: the closure time is smooth in both parameters up to the step-control noise (relative
     * changes of order 1e-4 to 1e-3, papers/sensitivity.md), so the fit lands far closer than that */
    cr_assert_float_eq(c->value[0] / tau_true, 1.0, 0.02, "tau0 = %g (true %g)", c->value[0], tau_true);
    cr_assert_float_eq(c->value[1] / v_true, 1.0, 0.02, "v = %g (true %g)", c->value[1], v_true);
    cr_assert_lt(c->chi2, 1e-3 * c->chi2_start, "chi^2 %g from %g", c->chi2, c->chi2_start);
    cr_assert_eq(c->dof, 0);
    for (int j = 0; j < 2; j++) {
        cr_assert(isfinite(c->sigma[j]) && c->sigma[j] >= 0.0, "sigma[%d] = %g", j, c->sigma[j]);
        cr_assert(isnan(c->sigma_scaled[j]), "dof = 0: no scaled uncertainty");
        cr_assert_eq(c->at_bound[j], 0);
    }
    for (int i = 0; i < 2; i++)
        cr_assert_lt(fabs(c->resid_fit[i]), 0.05, "target %d: residual %g sigma", i, c->resid_fit[i]);
    cr_assert_gt(c->runs, 4);
    mh_calibration_destroy(&c);
    cr_assert_null(c);
    mh_calibration_destroy(&c);
    mh_targets_destroy(&t);
    unlink(path);
    free(path);
}

/* mh_calibrate_fit must fail with MH_ERR_INPUT and a message starting with prefix (empty: any) containing why. */
static void expect_fit_error(mh_targets *t, const char *const *params, int np, const char *const *only, int nonly,
                             const char *prefix, const char *why)
{
    mh_calibrate_options o;
    mh_calibrate_options_default(&o);
    o.params = params;
    o.nparams = np;
    o.only = only;
    o.nonly = nonly;
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_calibration *c = NULL;
    cr_assert_eq(mh_calibrate_fit(t, &o, &ctx, &c), MH_ERR_INPUT, "accepted %s", params[0]);
    cr_assert_null(c);
    cr_assert(strncmp(ctx.msg, prefix, strlen(prefix)) == 0, "'%s' does not start with '%s'", ctx.msg, prefix);
    cr_assert(strstr(ctx.msg, why) != NULL, "'%s' lacks '%s'", ctx.msg, why);
}

Test(calibrate, bad_parameters_and_targets_are_input_errors)
{
    char *path = closure_targets(12.0, 18.0, 2.0);
    mh_targets *t = mh_test_targets(path);
    expect_fit_error(t, (const char *const[]){"model.tau0_close"}, 1, NULL, 0,
                     "--fit: model.tau0_close:", "unknown parameter");
    expect_fit_error(t, (const char *const[]){"device.passes"}, 1, NULL, 0, "--fit: device.passes:", "not a real");
    expect_fit_error(t, (const char *const[]){"model.kill_F"}, 1, NULL, 0, "--fit: model.kill_F:", "positive start");
    expect_fit_error(t, (const char *const[]){"model.k_H", "model.k_H"}, 2, NULL, 0, "--fit: model.k_H:", "twice");
    expect_fit_error(t, (const char *const[]){"model.k_H", "model.k_G", "model.s_H"}, 3, NULL, 0, "",
                     "cannot determine 3 parameters");
    expect_fit_error(t, (const char *const[]){"model.k_H"}, 1, (const char *const[]){"medium"}, 1,
                     "--only: medium:", "no such target");
    /* a parameter that a target sets itself: the file and line of that setting */
    char where[PATH_MAX + 16];
    int n = snprintf(where, sizeof where, "%s:4: device.penetration_fraction:", path);
    cr_assert(n > 0 && (size_t)n < sizeof where);
    expect_fit_error(t, (const char *const[]){"device.penetration_fraction"}, 1, NULL, 0, where,
                     "sets the fitted parameter itself");
    /* a per-session override would keep the fitted value out of that session */
    {
        mh_calibrate_options o;
        mh_calibrate_options_default(&o);
        o.params = (const char *const[]){"device.needle_diameter_mm"};
        o.nparams = 1;
        o.extra_sets = (const char *const[]){"session.1.needle_diameter_mm=0.3", NULL};
        mh_ctx ctx;
        mh_ctx_init(&ctx);
        mh_calibration *c = NULL;
        cr_assert_eq(mh_calibrate_fit(t, &o, &ctx, &c), MH_ERR_INPUT);
        cr_assert(strstr(ctx.msg, "--fit: device.needle_diameter_mm: overridden in [session.1] in target") != NULL,
                  "%s", ctx.msg);
    }
    mh_targets_destroy(&t);
    unlink(path);
    free(path);
}

/* With replicates = N the fit's model value is the mean of the target's N replicates (mh_targets_evaluate_ensemble)
 * at the start and at the fitted point: the seeds do not move with the parameters. The redness of a 1.0 mm
 * section at day 0.2 depends on where its punctures are (a relative sd of ~4e-4), so the mean is not the
 * base seed's value. */
Test(calibrate, fits_the_means_of_replicates_with_the_same_seeds, .timeout = 240)
{
    char *path =
        targets_file("[target.red]\nsource = test\nrole = calibration\n"
                     "set = grid.dx_um=25; schedule.sessions=1; simulation.days=0.2; device.needle_length_mm=1.0\n"
                     "observable = value:erythema@day=0.2\nvalue = 0.02\nsigma = 0.001\nband = -inf, inf\n");
    mh_targets *t = mh_test_targets(path);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_calibrate_options o;
    mh_calibrate_options_default(&o);
    o.params = (const char *const[]){"model.s_H"};
    o.nparams = 1;
    o.max_iter = 2;
    o.replicates = 3;
    mh_calibration *c = NULL;
    cr_assert_eq(mh_calibrate_fit(t, &o, &ctx, &c), MH_OK, "%s", ctx.msg);
    double v[3], one = NAN;
    mh_ensemble_stats st;
    cr_assert_eq(mh_targets_evaluate_ensemble(t, 0, NULL, 3, v, &st, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_targets_evaluate(t, 0, NULL, &one, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_float_eq(c->model_start[0], st.mean, 0.0, "the start: the mean of 3 replicates");
    cr_assert(c->model_start[0] != one, "the mean is the base seed's value alone: %.17g", one);
    char set[160];
    snprintf(set, sizeof set, "model.s_H=%.17g", c->value[0]);
    cr_assert_eq(mh_targets_evaluate_ensemble(t, 0, (const char *const[]){set, NULL}, 3, v, &st, &ctx), MH_OK, "%s",
                 ctx.msg);
    cr_assert_float_eq(c->model_fit[0], st.mean, 0.0, "the fitted point: the mean of the same 3 seeds");
    cr_assert(c->value[0] != c->start[0], "the fit moved: %g", c->value[0]);
    mh_calibration_destroy(&c);
    o.replicates = -1;
    cr_assert_eq(mh_calibrate_fit(t, &o, &ctx, &c), MH_ERR_INPUT);
    mh_targets_destroy(&t);
    unlink(path);
    free(path);
}

/* A targets file of the redness at day 0.2 after a 1.0 mm pen (25 um cells, about 1 s a run): a validation
 * target "held" with the given value, sigma and band (and role, to show what it would do in the calibration
 * set), then the calibration target "red" (0.02 +- 0.001). */
static char *held_out_targets(const char *held_role, double value, double sigma, const char *band)
{
    return targets_file("set = grid.dx_um=25; schedule.sessions=1; simulation.days=0.2; device.needle_length_mm=1.0\n"
                        "[target.held]\nsource = test\nrole = %s\nobservable = value:erythema@day=0.2\n"
                        "value = %.17g\nsigma = %.17g\nband = %s\n"
                        "[target.red]\nsource = test\nrole = calibration\nobservable = value:erythema@day=0.2\n"
                        "value = 0.02\nsigma = 0.001\nband = -inf, inf\n",
                        held_role, value, sigma, band);
}

/* Fits model.s_H (2 iterations at most: the cheapest fit that moves) to the targets of path. */
static mh_calibration *fit_s_H(const char *path)
{
    mh_targets *t = mh_test_targets(path);
    mh_calibrate_options o;
    mh_calibrate_options_default(&o);
    o.params = (const char *const[]){"model.s_H"};
    o.nparams = 1;
    o.max_iter = 2;
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_calibration *c = NULL;
    cr_assert_eq(mh_calibrate_fit(t, &o, &ctx, &c), MH_OK, "%s: %s", path, ctx.msg);
    mh_targets_destroy(&t);
    return c;
}

/* A validation target never influences a fitted value: changing its datum, sigma and band leaves every
 * number of the fit bit-identical, and only the calibration target is fitted. (The same target in the
 * calibration set does move the fit: the comparison is not vacuous.) */
Test(calibrate, validation_targets_never_influence_the_fit, .timeout = 120)
{
    char *a = held_out_targets("validation", 0.05, 0.001, "0, 1");
    char *b = held_out_targets("validation", 0.005, 0.0005, "0.004, 0.006");
    char *in = held_out_targets("calibration", 0.05, 0.001, "0, 1");
    mh_calibration *ca = fit_s_H(a), *cb = fit_s_H(b), *cin = fit_s_H(in);
    cr_assert(ca->ntargets == 1 && ca->target[0] == 1, "fitted %d targets, the first %d", ca->ntargets, ca->target[0]);
    cr_assert(cb->ntargets == 1 && cb->target[0] == 1);
    cr_assert(ca->value[0] != ca->start[0], "the fit did not move (s_H = %g): the test shows nothing", ca->value[0]);
    cr_assert(memcmp(&ca->value[0], &cb->value[0], sizeof(double)) == 0, "s_H %.17g and %.17g", ca->value[0],
              cb->value[0]);
    cr_assert(memcmp(&ca->sigma[0], &cb->sigma[0], sizeof(double)) == 0);
    cr_assert(memcmp(&ca->chi2, &cb->chi2, sizeof(double)) == 0, "chi^2 %.17g and %.17g", ca->chi2, cb->chi2);
    cr_assert(memcmp(&ca->model_fit[0], &cb->model_fit[0], sizeof(double)) == 0);
    cr_assert_eq(ca->iterations, cb->iterations);
    cr_assert_eq(ca->runs, cb->runs);
    cr_assert_eq(cin->ntargets, 2, "as a calibration target it is fitted");
    cr_assert(cin->value[0] != ca->value[0], "the held target in the calibration set leaves s_H at %.17g",
              cin->value[0]);
    mh_calibration_destroy(&ca);
    mh_calibration_destroy(&cb);
    mh_calibration_destroy(&cin);
    /* asked for by name, it is refused; with no calibration target to fit, nothing is fitted */
    mh_targets *t = mh_test_targets(a);
    char where[PATH_MAX + 64];
    snprintf(where, sizeof where, "role = validation at %s:4", a);
    expect_fit_error(t, (const char *const[]){"model.s_H"}, 1, (const char *const[]){"held"}, 1,
                     "--only: held:", where);
    expect_fit_error(t, (const char *const[]){"model.s_H"}, 1, (const char *const[]){"red", "held"}, 2,
                     "--only: held:", "held out, never fitted");
    mh_targets_destroy(&t);
    for (char **p = (char *[]){a, b, in, NULL}; *p != NULL; p++) {
        unlink(*p);
        free(*p);
    }
}

/* Only validation targets have a sigma: nothing to fit. */
Test(calibrate, no_calibration_target_with_a_sigma_is_an_error)
{
    char *path = targets_file("set = grid.dx_um=25; schedule.sessions=1; simulation.days=0.2\n"
                              "[target.held]\nsource = test\nrole = validation\nobservable = value:erythema@day=0.2\n"
                              "value = 0.02\nsigma = 0.001\nband = -inf, inf\n"
                              "[target.bound]\nsource = test\nrole = calibration\nobservable = value:erythema@day=0.2\n"
                              "band = -inf, inf\n");
    mh_targets *t = mh_test_targets(path);
    expect_fit_error(t, (const char *const[]){"model.s_H"}, 1, NULL, 0, path,
                     "no calibration target (role = calibration) has a sigma");
    mh_targets_destroy(&t);
    unlink(path);
    free(path);
}
