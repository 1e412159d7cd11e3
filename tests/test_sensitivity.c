/* test_sensitivity: the screening's indices against what the equations of mh_model.c say (zeros and
 * signs), the Morris design, reproducibility, thread-count independence, failed runs, input errors
 * and the CLI end to end.
 *
 * Cheap configurations: the early response (erythema days, closure hours) from 5-day runs at 25 um,
 * the collagen gains from 180-day runs at 25 um, both with a coarser step control (solver.tol 0.1;
 * solver.dt_max_h 48 for the long runs). Both keep the seed, so every run of a screening has the same punctures. No
 * model output is hard-coded: the tests check zeros that follow from the equations, signs, and
 * identities between two screenings. A sign counts only when |S| is above the noise of the adaptive
 * step (a parameter that changes the step sequence moves every observable a little): 0.01 on the
 * early observables, 0.03 on the collagen gains, where papers/sensitivity.md measures noise up to
 * 4e-3 and 1.3e-2 (section 1, "Noise floor"). The effects asserted are 0.09 and above. */
#include "helpers.h"

#include "mh_sensitivity.h"

#include <math.h>
#include <omp.h>
#include <sys/stat.h>

static const char *const early[] = {"grid.dx_um=25", "simulation.days=5", "schedule.sessions=1", "solver.tol=0.1",
                                    NULL};
static const char *const late[] = {"grid.dx_um=25", "schedule.sessions=1", "solver.tol=0.1", "solver.dt_max_h=48",
                                   NULL};

/* Options for a screening of keys (nkeys) on observables obs (nobs), defaults otherwise. */
static mh_sensitivity_options options(mh_sensitivity_method method, const char *const *keys, int nkeys,
                                      const mh_sensitivity_obs *obs, int nobs)
{
    mh_sensitivity_options o;
    mh_sensitivity_options_default(&o);
    o.method = method;
    o.keys = keys;
    o.nkeys = nkeys;
    if (obs != NULL) {
        o.nobs = nobs;
        memcpy(o.obs, obs, (size_t)nobs * sizeof *obs);
    }
    return o;
}

/* Creates and runs a screening of keys on obs, one at a time or by Morris with 2 trajectories. */
static mh_sensitivity *screen_keys(const mh_config *cfg, mh_sensitivity_method method, const char *const *keys,
                                   int nkeys, const mh_sensitivity_obs *obs, int nobs)
{
    mh_sensitivity_options o = options(method, keys, nkeys, obs, nobs);
    o.trajectories = 2;
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_sensitivity *s = NULL;
    cr_assert_eq(mh_sensitivity_create(cfg, &o, &ctx, &s), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_sensitivity_run(s, &ctx), MH_OK, "%s", ctx.msg);
    return s;
}

static double S(const mh_sensitivity *s, int i, mh_sensitivity_obs o)
{
    return mh_sensitivity_param_at(s, i)->index[o];
}

static const mh_sensitivity_obs early_obs[] = {MH_SENS_ERYTHEMA, MH_SENS_CLOSURE};

Test(sensitivity, oat_early_response_zeros_and_signs, .timeout = 120)
{
    /* D' = -(k_D + k_DI I) D feeds H' = s_H D - k_H H, and erythema is the vascular mean of
     * H + beta_I I + beta_B B: a larger k_D clears damage sooner, less mediator, shorter redness.
     * Channels close at 1/tau, tau = tau0_close + r_s / v_close: v_close shortens closure, tau0
     * lengthens it. beta_B only weighs blood in the erythema index (mh_observe): it cannot change
     * the solution, so closure hours are bit for bit the same. f_anticoag enters only for patients
     * on anticoagulants (default false): no effect on anything. */
    const char *keys[] = {"model.k_D", "model.v_close_um_h", "model.tau0_close_h", "model.beta_B", "model.f_anticoag"};
    /* blood weighted as much as the mediator, so that its share of the redness index (and its index)
     * stands clear of the step-size noise of about 1e-3 */
    mh_config *cfg =
        mh_test_config((const char *const[]){early[0], early[1], early[2], early[3], "model.beta_B=1", NULL});
    mh_sensitivity *s = screen_keys(cfg, MH_SENS_OAT, keys, 5, early_obs, 2);
    cr_assert_eq(mh_sensitivity_nruns(s), 11);
    cr_assert_eq(mh_sensitivity_nfailed(s), 0);
    cr_assert_lt(S(s, 0, MH_SENS_ERYTHEMA), -0.01, "k_D should shorten erythema: S = %g", S(s, 0, MH_SENS_ERYTHEMA));
    cr_assert_lt(S(s, 1, MH_SENS_CLOSURE), -0.01, "v_close should shorten closure: S = %g", S(s, 1, MH_SENS_CLOSURE));
    cr_assert_gt(S(s, 2, MH_SENS_CLOSURE), 0.01, "tau0_close should lengthen closure: S = %g",
                 S(s, 2, MH_SENS_CLOSURE));
    cr_assert_gt(S(s, 3, MH_SENS_ERYTHEMA), 0.01, "beta_B should lengthen erythema: S = %g", S(s, 3, MH_SENS_ERYTHEMA));
    cr_assert_eq(S(s, 3, MH_SENS_CLOSURE), 0.0, "beta_B cannot change closure: S = %g", S(s, 3, MH_SENS_CLOSURE));
    cr_assert_eq(S(s, 4, MH_SENS_ERYTHEMA), 0.0);
    cr_assert_eq(S(s, 4, MH_SENS_CLOSURE), 0.0);
    /* observables that were not computed (the run is too short for the gains) stay NaN */
    cr_assert(isnan(S(s, 0, MH_SENS_GAIN180)));
    /* ranking: overall is the larger |S|; v_close (closure) and k_D (erythema) lead, f_anticoag is last */
    int order[5];
    mh_sensitivity_rank_overall(s, order);
    cr_assert_eq(order[4], 4);
    for (int i = 0; i < 5; i++)
        cr_assert_eq(mh_sensitivity_param_at(s, i)->overall,
                     fmax(fabs(S(s, i, MH_SENS_ERYTHEMA)), fabs(S(s, i, MH_SENS_CLOSURE))));
    for (int r = 1; r < 5; r++)
        cr_assert_geq(mh_sensitivity_param_at(s, order[r - 1])->overall, mh_sensitivity_param_at(s, order[r])->overall);
    mh_sensitivity_rank(s, MH_SENS_CLOSURE, order);
    cr_assert_eq(order[0], 1, "v_close should lead closure hours (first: %s)",
                 mh_sensitivity_param_at(s, order[0])->key);
    mh_sensitivity_destroy(&s);
    cr_assert_null(s);
    mh_config_destroy(&cfg);
}

Test(sensitivity, oat_collagen_gain_zeros_and_signs, .timeout = 180)
{
    /* N' = a s_1 phi F psi - (k_mat + lambda_N + kappa_N M) N: s_1 raises the gain, kappa_N (the MMP
     * degradation of new collagen) removes it. Elastin (s_E) and the erythema weight beta_B appear in no
     * collagen equation. beta_B is exact by construction (observation only). s_E changes E, which the
     * step controller sees; its index is exactly 0 because E never sets the step (its relative
     * change stays below the fast species'); should that change, the screening reports the step
     * noise, and this assertion says so. */
    const char *keys[] = {"model.s_1", "model.kappa_N", "model.s_E", "model.beta_B"};
    const mh_sensitivity_obs obs[] = {MH_SENS_GAIN42, MH_SENS_GAIN180, MH_SENS_ERYTHEMA};
    mh_config *cfg = mh_test_config(late);
    mh_sensitivity *s = screen_keys(cfg, MH_SENS_OAT, keys, 4, obs, 3);
    cr_assert_gt(mh_sensitivity_base_y(s, MH_SENS_GAIN42), 0.0, "one session should raise collagen");
    for (int d = 0; d < 2; d++) {
        mh_sensitivity_obs o = d ? MH_SENS_GAIN180 : MH_SENS_GAIN42;
        cr_assert_gt(S(s, 0, o), 0.03, "s_1 should raise %s: S = %g", mh_sensitivity_obs_name(o), S(s, 0, o));
        cr_assert_lt(S(s, 1, o), -0.03, "kappa_N should lower %s: S = %g", mh_sensitivity_obs_name(o), S(s, 1, o));
        cr_assert_eq(S(s, 2, o), 0.0, "s_E changed %s: S = %g", mh_sensitivity_obs_name(o), S(s, 2, o));
        cr_assert_eq(S(s, 3, o), 0.0, "beta_B changed %s: S = %g", mh_sensitivity_obs_name(o), S(s, 3, o));
    }
    /* what MMPs degrade of the new collagen is not made up later: the effect at day 180 exceeds that at day 42 */
    cr_assert_lt(S(s, 1, MH_SENS_GAIN180), S(s, 1, MH_SENS_GAIN42));
    cr_assert_eq(S(s, 0, MH_SENS_ERYTHEMA), 0.0, "collagen synthesis cannot change erythema");
    mh_sensitivity_destroy(&s);
    mh_config_destroy(&cfg);
}

Test(sensitivity, morris_design_is_a_set_of_one_at_a_time_trajectories)
{
    const char *keys[] = {"model.k_D", "model.kill_F", "model.w_3", "model.age_synthesis_ratio"};
    mh_config *cfg = mh_test_config(early);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    const mh_sensitivity_obs ery = MH_SENS_ERYTHEMA;
    mh_sensitivity_options o = options(MH_SENS_MORRIS, keys, 4, &ery, 1);
    o.trajectories = 5;
    o.levels = 6;
    mh_sensitivity *s = NULL;
    cr_assert_eq(mh_sensitivity_create(cfg, &o, &ctx, &s), MH_OK, "%s", ctx.msg);
    /* kill_F is 0 in the base: skipped; 3 factors, 1 + 4 x 5 runs */
    cr_assert_not_null(mh_sensitivity_param_at(s, 1)->skipped);
    cr_assert_eq(mh_sensitivity_nruns(s), 1 + 4 * 5);
    /* the range is value x (1 -/+ 0.5) clipped to the table: age_synthesis_ratio 0.68 -> [0.34, 1] */
    const mh_sensitivity_param *ratio = mh_sensitivity_param_at(s, 3);
    cr_assert_float_eq(ratio->lo, 0.34, 1e-12);
    cr_assert_eq(ratio->hi, 1.0);
    const double jump = 6.0 / (2.0 * 5.0); /* Delta = p / (2 (p - 1)) of the range */
    for (int t = 0; t < 5; t++) {
        int seen[4] = {0};
        for (int j = 1; j <= 3; j++) {
            int b = 1 + t * 4 + j;
            const double *vb = mh_sensitivity_values(s, b), *va = mh_sensitivity_values(s, b - 1);
            int changed = mh_sensitivity_record_at(s, b)->param;
            cr_assert(changed >= 0 && changed != 1);
            seen[changed]++;
            for (int i = 0; i < 4; i++) {
                const mh_sensitivity_param *p = mh_sensitivity_param_at(s, i);
                if (i == changed) {
                    /* tolerance: level values are lo + (hi - lo) l / (p - 1), a few roundings */
                    cr_assert_float_eq(fabs(vb[i] - va[i]) / (p->hi - p->lo), jump, 1e-12);
                } else {
                    cr_assert_eq(vb[i], va[i], "trajectory %d step %d changed %s too", t, j, p->key);
                }
                if (p->skipped == NULL)
                    cr_assert(vb[i] >= p->lo && vb[i] <= p->hi);
            }
        }
        cr_assert(seen[0] == 1 && seen[2] == 1 && seen[3] == 1, "each factor changes once per trajectory");
    }
    /* a different seed gives a different design; the same seed the same one */
    mh_config *other = NULL;
    cr_assert_eq(mh_config_clone(cfg, &ctx, &other), MH_OK);
    mh_sensitivity *same = NULL, *diff = NULL;
    cr_assert_eq(mh_sensitivity_create(other, &o, &ctx, &same), MH_OK);
    cr_assert_eq(mh_config_set(other, "seed=43", "test", &ctx), MH_OK);
    cr_assert_eq(mh_sensitivity_create(other, &o, &ctx, &diff), MH_OK);
    int ndiff = 0;
    for (int r = 0; r < mh_sensitivity_nruns(s); r++) {
        cr_assert(memcmp(mh_sensitivity_values(s, r), mh_sensitivity_values(same, r), 4 * sizeof(double)) == 0);
        ndiff += memcmp(mh_sensitivity_values(s, r), mh_sensitivity_values(diff, r), 4 * sizeof(double)) != 0;
    }
    cr_assert_gt(ndiff, 0, "seed 43 gave the design of seed 42");
    mh_sensitivity_destroy(&s);
    mh_sensitivity_destroy(&same);
    mh_sensitivity_destroy(&diff);
    mh_config_destroy(&other);
    mh_config_destroy(&cfg);
}

Test(sensitivity, morris_results_repeat_with_the_same_seed, .timeout = 120)
{
    const char *keys[] = {"model.k_D", "model.v_close_um_h"};
    mh_config *cfg = mh_test_config(early);
    mh_sensitivity *a = screen_keys(cfg, MH_SENS_MORRIS, keys, 2, early_obs, 2);
    mh_sensitivity *b = screen_keys(cfg, MH_SENS_MORRIS, keys, 2, early_obs, 2);
    cr_assert_eq(mh_sensitivity_nruns(a), 1 + 3 * 2);
    for (int i = 0; i < 2; i++) {
        const mh_sensitivity_param *pa = mh_sensitivity_param_at(a, i), *pb = mh_sensitivity_param_at(b, i);
        cr_assert_eq(pa->neffects, 2);
        cr_assert(memcmp(pa->index, pb->index, sizeof pa->index) == 0, "%s: mu* differs", pa->key);
        cr_assert(memcmp(pa->sigma, pb->sigma, sizeof pa->sigma) == 0, "%s: sigma differs", pa->key);
        cr_assert(memcmp(pa->mu, pb->mu, sizeof pa->mu) == 0, "%s: mu differs", pa->key);
    }
    /* mu* >= |mu|, and the signs agree with the one-at-a-time test above over the whole range */
    const mh_sensitivity_param *kd = mh_sensitivity_param_at(a, 0), *vc = mh_sensitivity_param_at(a, 1);
    cr_assert_geq(kd->index[MH_SENS_ERYTHEMA], fabs(kd->mu[MH_SENS_ERYTHEMA]));
    cr_assert_lt(kd->mu[MH_SENS_ERYTHEMA], -0.01);
    cr_assert_lt(vc->mu[MH_SENS_CLOSURE], -0.01);
    mh_sensitivity_destroy(&a);
    mh_sensitivity_destroy(&b);
    mh_config_destroy(&cfg);
}

Test(sensitivity, indices_do_not_depend_on_the_thread_count, .timeout = 120)
{
    const char *keys[] = {"model.k_D"};
    mh_config *cfg = mh_test_config(early);
    omp_set_num_threads(1);
    mh_sensitivity *a = screen_keys(cfg, MH_SENS_OAT, keys, 1, early_obs, 2);
    omp_set_num_threads(2);
    mh_sensitivity *b = screen_keys(cfg, MH_SENS_OAT, keys, 1, early_obs, 2);
    for (int r = 0; r < mh_sensitivity_nruns(a); r++)
        cr_assert(memcmp(mh_sensitivity_record_at(a, r)->y, mh_sensitivity_record_at(b, r)->y,
                         sizeof(double) * MH_SENS_NOBS) == 0,
                  "run %d differs", r);
    cr_assert(memcmp(mh_sensitivity_param_at(a, 0)->index, mh_sensitivity_param_at(b, 0)->index,
                     sizeof(double) * MH_SENS_NOBS) == 0);
    mh_sensitivity_destroy(&a);
    mh_sensitivity_destroy(&b);
    mh_config_destroy(&cfg);
}

Test(sensitivity, a_failed_run_is_recorded_and_the_difference_goes_one_sided, .timeout = 120)
{
    /* age_young_years must stay below age_old_years (mh_config_validate): with age_old = 25 the
     * (1 + delta) run at 25.85 is refused, the (1 - delta) run and the base run remain. w_3 = 0.95
     * has its (1 + delta) side above the table's 0.99: planned one-sided, no failure. */
    const char *sets[] = {"grid.dx_um=25",          "simulation.days=5", "schedule.sessions=1",
                          "model.age_old_years=25", "model.w_3=0.95",    NULL};
    const char *keys[] = {"model.age_young_years", "model.w_3"};
    mh_config *cfg = mh_test_config(sets);
    mh_sensitivity *s = screen_keys(cfg, MH_SENS_OAT, keys, 2, early_obs, 2);
    cr_assert_eq(mh_sensitivity_nruns(s), 4);
    cr_assert_eq(mh_sensitivity_nfailed(s), 1);
    const mh_sensitivity_param *age = mh_sensitivity_param_at(s, 0), *w3 = mh_sensitivity_param_at(s, 1);
    cr_assert_eq(age->nfailed, 1);
    cr_assert(age->one_sided);
    cr_assert_eq(age->hi, age->base, "the failed side should be replaced by the base run");
    cr_assert_float_eq(age->lo, 23.5 * 0.9, 1e-12);
    cr_assert(!isnan(age->index[MH_SENS_ERYTHEMA]));
    int failed = -1;
    for (int r = 0; r < mh_sensitivity_nruns(s); r++)
        if (mh_sensitivity_record_at(s, r)->status != MH_OK)
            failed = r;
    cr_assert_eq(mh_sensitivity_record_at(s, failed)->status, MH_ERR_INPUT);
    cr_assert(strstr(mh_sensitivity_record_at(s, failed)->message, "age_old_years") != NULL, "%s",
              mh_sensitivity_record_at(s, failed)->message);
    cr_assert(w3->one_sided);
    cr_assert_eq(w3->nfailed, 0);
    cr_assert_eq(w3->hi, 0.95);
    mh_sensitivity_destroy(&s);
    mh_config_destroy(&cfg);
}

/* mh_sensitivity_create with keys on default.ini plus sets; returns the status and copies the message. */
static mh_status create_status(const char *const *sets, const char *const *keys, int nkeys, char *msg)
{
    mh_config *cfg = mh_test_config(sets);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_sensitivity_options o = options(MH_SENS_OAT, keys, nkeys, NULL, 0);
    mh_sensitivity *s = NULL;
    mh_status st = mh_sensitivity_create(cfg, &o, &ctx, &s);
    strcpy(msg, ctx.msg);
    if (st != MH_OK)
        cr_assert_null(s);
    mh_sensitivity_destroy(&s);
    mh_config_destroy(&cfg);
    return st;
}

Test(sensitivity, bad_keys_and_settings_are_input_errors)
{
    char msg[MH_MSG_LEN];
    static const struct {
        const char *key, *expect;
    } bad[] = {
        {"model.k_Q", "unknown parameter"},
        {"device.type", "not a real-valued"},
        {"simulation.dims", "not a real-valued"},
        {"seed", "not a real-valued"},
        {"patient.anticoagulants", "not a real-valued"},
        {"skin.dermis_mm", "'auto'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *keys[] = {"model.k_D", bad[i].key};
        cr_assert_eq(create_status(NULL, keys, 2, msg), MH_ERR_INPUT, "%s accepted", bad[i].key);
        cr_assert(strstr(msg, bad[i].key) != NULL && strstr(msg, bad[i].expect) != NULL, "%s: %s", bad[i].key, msg);
    }
    const char *twice[] = {"model.k_D", "model.k_D"};
    cr_assert_eq(create_status(NULL, twice, 2, msg), MH_ERR_INPUT);
    cr_assert(strstr(msg, "twice") != NULL, "%s", msg);
    /* a real key that is not a model parameter may be screened when asked for */
    const char *age[] = {"patient.age_years"};
    cr_assert_eq(create_status(NULL, age, 1, msg), MH_OK, "%s", msg);
    /* a per-session override of a device key would shadow the screened base value */
    const char *sess[] = {"session.2.needle_length_mm=1.0", NULL};
    const char *len[] = {"device.needle_length_mm"};
    cr_assert_eq(create_status(sess, len, 1, msg), MH_ERR_INPUT);
    cr_assert(strstr(msg, "session.2") != NULL, "%s", msg);
    /* the day-180 gain needs 180 days */
    const char *short_run[] = {"simulation.days=100", NULL};
    cr_assert_eq(create_status(short_run, NULL, 0, msg), MH_ERR_INPUT);
    cr_assert(strstr(msg, "collagen_gain_d180") != NULL && strstr(msg, "simulation.days") != NULL, "%s", msg);
    /* settings out of range */
    mh_config *cfg = mh_test_config(NULL);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_sensitivity_options o;
    mh_sensitivity *s = NULL;
    mh_sensitivity_options_default(&o);
    o.delta = 1.5;
    cr_assert_eq(mh_sensitivity_create(cfg, &o, &ctx, &s), MH_ERR_INPUT);
    cr_assert(strstr(ctx.msg, "delta") != NULL, "%s", ctx.msg);
    mh_sensitivity_options_default(&o);
    o.method = MH_SENS_MORRIS;
    o.levels = 5;
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_sensitivity_create(cfg, &o, &ctx, &s), MH_ERR_INPUT);
    cr_assert(strstr(ctx.msg, "even") != NULL, "%s", ctx.msg);
    /* the default set is every real model.* key; those at 0 are skipped with the reason */
    mh_sensitivity_options_default(&o);
    cr_assert_eq(mh_sensitivity_create(cfg, &o, &ctx, &s), MH_OK);
    int nmodel = 0;
    for (int i = 0; i < MH_P_COUNT; i++)
        nmodel += mh_param_table()[i].type == MH_T_REAL && strncmp(mh_param_table()[i].key, "model.", 6) == 0;
    cr_assert_eq(mh_sensitivity_nparams(s), nmodel);
    int runs = 1;
    for (int i = 0; i < nmodel; i++) {
        const mh_sensitivity_param *p = mh_sensitivity_param_at(s, i);
        cr_assert_eq(strncmp(p->key, "model.", 6), 0);
        if (p->base == 0.0)
            cr_assert(p->skipped != NULL && strstr(p->skipped, "base value is 0") != NULL, "%s: %s", p->key,
                      p->skipped ? p->skipped : "(not skipped)");
        else
            runs += 2;
    }
    cr_assert_eq(mh_sensitivity_nruns(s), runs);
    mh_sensitivity_destroy(&s);
    mh_config_destroy(&cfg);
}

Test(sensitivity, cli_writes_table_csv_and_plot, .timeout = 120)
{
    char dir[200];
    mh_test_mkdtemp(dir, sizeof dir, "sens_cli");
    char cmd[1024], *err = NULL;
    snprintf(cmd, sizeof cmd,
             MH_BIN
             " sensitivity configs/default.ini -q --set grid.dx_um=25 --set simulation.days=5 "
             "--set schedule.sessions=1 --observables erythema_days,closure_hours --params model.k_D,model.kill_F "
             "-o %s/out",
             dir);
    int rc = mh_test_sh(cmd, &err);
    cr_assert_eq(rc, 0, "exit %d: %s", rc, err);
    cr_assert_eq(err[0], '\0', "-q should print nothing: %s", err);
    free(err);
    char path[512], text[8192];
    snprintf(path, sizeof path, "%s/out/sensitivity.md", dir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    text[fread(text, 1, sizeof text - 1, f)] = '\0';
    fclose(f);
    cr_assert(strstr(text, "| 1 | `model.k_D` | 1/day | 0.5 | ASSUMPTION |") != NULL, "%s", text);
    cr_assert(strstr(text, "`model.kill_F`: base value is 0") != NULL, "%s", text);
    snprintf(path, sizeof path, "%s/out/sensitivity.csv", dir);
    f = fopen(path, "r");
    cr_assert_not_null(f);
    int lines = 0;
    while (fgets(text, sizeof text, f) != NULL)
        lines++;
    fclose(f);
    cr_assert_eq(lines, 3, "header and two parameters");
    struct stat st;
    snprintf(path, sizeof path, "%s/out/sensitivity.png", dir);
    cr_assert_eq(stat(path, &st), 0, "no plot");
    cr_assert_gt(st.st_size, 1000);
    /* bad input: exit 2 and the key in the message, no output directory */
    snprintf(cmd, sizeof cmd, MH_BIN " sensitivity configs/default.ini --params model.k_Q -o %s/bad", dir);
    rc = mh_test_sh(cmd, &err);
    cr_assert_eq(rc, 2);
    cr_assert(strstr(err, "model.k_Q") != NULL, "%s", err);
    free(err);
    snprintf(path, sizeof path, "%s/bad", dir);
    cr_assert_neq(stat(path, &st), 0);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}
