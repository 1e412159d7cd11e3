/* Tests of topical delivery (mh_delivery, the compound species Q), the microneedle patch's wear time
 * and the aftercare indices (papers/delivery.md). Small 2-D sections of the default cheek, one
 * session, a day or two. */
#include "helpers.h"

#include "mh_delivery.h"

#include <math.h>

#define GRID "grid.dx_um=20", "grid.width_mm=1", "schedule.sessions=1", "output.snapshot_days=0", "device.pattern=grid"

/* The summary of one run of default.ini with GRID, the given days and the overrides. */
typedef struct {
    double delivered, depth_um, in_skin_end, removed_end, delivered_end, closure_h, downtime, erythema, reepi;
    double pih, infection, open_at[4];
    double collagen_end, gf_peak;
} run_out;

static run_out run_with(double days, const char *const *sets)
{
    const char *all[32] = {GRID};
    int n = 5;
    char d[64];
    snprintf(d, sizeof d, "simulation.days=%g", days);
    all[n++] = d;
    for (int i = 0; sets[i] != NULL; i++)
        all[n++] = sets[i];
    all[n] = NULL;
    mh_config *cfg = mh_test_config(all);
    mh_sim *sim = mh_test_run(cfg);
    const mh_summary *m = mh_sim_summary(sim);
    const mh_series *s = mh_sim_series(sim);
    run_out o = {m->delivered[0],
                 m->compound_depth_um[0],
                 0,
                 0,
                 0,
                 m->closure_hours[0],
                 m->downtime_days[0],
                 m->erythema_days[0],
                 m->reepithelialized_days[0],
                 m->pih_index[0],
                 m->infection_index[0],
                 {0},
                 0,
                 0};
    const double *last = s->data + (s->nt - 1) * MH_OBS_COUNT;
    o.in_skin_end = last[MH_OBS_Q_SKIN];
    o.removed_end = last[MH_OBS_Q_REMOVED];
    o.delivered_end = last[MH_OBS_Q_DELIVERED];
    const double at_h[4] = {1.0, 10.0, 19.0, 30.0};
    for (int i = 0; i < 4; i++)
        o.open_at[i] = mh_series_at(s, MH_OBS_OPEN, at_h[i] / 24.0);
    o.collagen_end = last[mh_observe_layer_col(MH_OL_DERMIS, MH_OQ_CT)];
    for (size_t r = 0; r < s->nt; r++)
        o.gf_peak = fmax(o.gf_peak, s->data[r * MH_OBS_COUNT + MH_OBS_GF]);
    mh_sim_destroy(&sim);
    mh_config_destroy(&cfg);
    return o;
}

/* Potts & Guy (1992): log10 kp = -2.7 + 0.71 log Kow - 0.0061 MW; Stokes-Einstein: D ~ MW^(-1/3). */
Test(delivery, permeability_and_diffusivity_laws)
{
    cr_assert_float_eq(log10(mh_delivery_potts_guy(300.0, 1.0)), -2.7 + 0.71 - 1.83, 1e-12);
    cr_assert_float_eq(log10(mh_delivery_potts_guy(500.0, 0.0)) - log10(mh_delivery_potts_guy(0.0, 0.0)), -3.05, 1e-12);
    /* ten times heavier: 10^(1/3) slower */
    cr_assert_float_eq(mh_delivery_stokes_einstein(250.0, 5e-7, 25000.0) /
                           mh_delivery_stokes_einstein(2500.0, 5e-7, 25000.0),
                       cbrt(10.0), 1e-12);
    cr_assert_float_eq(mh_delivery_stokes_einstein(25000.0, 5e-7, 25000.0), 5e-7, 1e-20);
}

/* Bos & Meinardi's 500 Da rule on intact skin (device.type = none) and the channels' route for large
 * molecules: a 300 Da drug crosses intact stratum corneum, a 1 MDa hyaluronic acid does not; needling
 * lets both in, and raises the small molecule's delivery several-fold. */
Test(delivery, five_hundred_dalton_rule_and_the_channels, .timeout = 300)
{
    run_out small_intact = run_with(1, (const char *const[]){"delivery.compound=drug", "device.type=none", NULL});
    run_out large_intact =
        run_with(1, (const char *const[]){"delivery.compound=hyaluronic_acid", "device.type=none", NULL});
    run_out small_needled = run_with(1, (const char *const[]){"delivery.compound=drug", NULL});
    run_out large_needled = run_with(1, (const char *const[]){"delivery.compound=hyaluronic_acid", NULL});
    /* 8 h at kp = 1.5e-4 cm/h and 10 mg/mL: 12 ug/cm^2 through the stratum corneum at steady state;
     * the layer itself takes up to as much again (it holds c0 h / 2 at steady state, and its outer
     * half-cell passes 2 kp c0 at first), so 24 ug/cm^2 at most */
    cr_assert(small_intact.delivered > 1.0 && small_intact.delivered < 24.0, "300 Da intact: %g ug/cm^2",
              small_intact.delivered);
    cr_assert_lt(large_intact.delivered, 1e-9, "1 MDa through intact SC: %g ug/cm^2", large_intact.delivered);
    cr_assert_gt(large_needled.delivered, 10.0, "1 MDa after needling: %g ug/cm^2", large_needled.delivered);
    cr_assert_gt(small_needled.delivered, 3.0 * small_intact.delivered, "needling: %g vs %g ug/cm^2",
                 small_needled.delivered, small_intact.delivered);
    /* the small molecule goes deeper than the large one (faster diffusion); neither deeper than the skin */
    cr_assert_gt(small_needled.depth_um, large_needled.depth_um);
    cr_assert(large_needled.depth_um > 20.0 && small_needled.depth_um < 3000.0, "depths %g, %g um",
              large_needled.depth_um, small_needled.depth_um);
}

/* The film holds dose x c0 = 100 ug/cm^2 (10 uL/cm^2 at 10 mg/mL): no more can enter; what entered
 * is in the skin or was removed. The running integrals take each step's rates at its end, after the
 * diffusion sub-step, so the balance holds to first order in the step: within 5 % at solver.tol =
 * 0.02 (3.3 % when written), and at a quarter of the tolerance the gap shrinks by more than half. */
static double imbalance(const run_out *r)
{
    return fabs(r->in_skin_end + r->removed_end - r->delivered_end) / r->delivered_end;
}

Test(delivery, finite_dose_and_mass_balance, .timeout = 300)
{
    run_out r = run_with(1, (const char *const[]){"delivery.compound=drug", NULL});
    cr_assert_leq(r.delivered_end, 100.0 * (1.0 + 1e-9), "delivered %g of a 100 ug/cm^2 dose", r.delivered_end);
    cr_assert_gt(r.delivered_end, 50.0);
    cr_assert_lt(imbalance(&r), 0.05, "in skin %g + removed %g vs delivered %g", r.in_skin_end, r.removed_end,
                 r.delivered_end);
    run_out fine = run_with(1, (const char *const[]){"delivery.compound=drug", "solver.tol=0.005", NULL});
    cr_assert_lt(imbalance(&fine), 0.5 * imbalance(&r), "imbalance %g at tol 0.005, %g at 0.02", imbalance(&fine),
                 imbalance(&r));
    /* a larger dose delivers more */
    run_out big = run_with(1, (const char *const[]){"delivery.compound=drug", "delivery.dose_ul_cm2=1000", NULL});
    cr_assert_gt(big.delivered_end, 2.0 * r.delivered_end);
    /* without a compound nothing is delivered and the field stays 0 */
    run_out none = run_with(1, (const char *const[]){"delivery.compound=none", NULL});
    cr_assert(isnan(none.delivered) && none.delivered_end == 0.0 && none.in_skin_end == 0.0);
}

/* PRP adds growth factor to the wound (Marx 2001: ~5x the platelets of blood): a higher growth-factor
 * peak and more collagen than the same needling with a serum. */
Test(delivery, prp_adds_growth_factor_and_collagen, .timeout = 300)
{
    run_out serum = run_with(10, (const char *const[]){"delivery.compound=serum", NULL});
    run_out prp = run_with(10, (const char *const[]){"delivery.compound=prp", NULL});
    cr_assert_gt(prp.gf_peak, 1.2 * serum.gf_peak, "growth factor peak %g vs %g", prp.gf_peak, serum.gf_peak);
    cr_assert_gt(prp.collagen_end, serum.collagen_end, "collagen %g vs %g", prp.collagen_end, serum.collagen_end);
}

/* A microneedle patch worn 20 min (auto) or 18 h holds its channels open meanwhile: no closure until it
 * comes off, then the usual closure; its contact time (auto) is the wear time. */
Test(delivery, patch_holds_channels_open_while_worn, .timeout = 300)
{
    run_out worn = run_with(4, (const char *const[]){"device.type=patch", "device.needle_length_mm=0.65",
                                                     "device.wear_time_min=1080", "delivery.compound=vaccine", NULL});
    run_out brief = run_with(4, (const char *const[]){"device.type=patch", "device.needle_length_mm=0.65",
                                                      "delivery.compound=vaccine", NULL});
    cr_assert_float_eq(worn.open_at[0], 1.0, 1e-12, "open at 1 h while worn: %g", worn.open_at[0]);
    cr_assert_float_eq(worn.open_at[1], 1.0, 1e-12, "open at 10 h while worn: %g", worn.open_at[1]);
    cr_assert_lt(worn.open_at[3], 1.0, "closing after removal at 18 h");
    cr_assert_lt(brief.open_at[1], 1.0);
    /* about 18 h later closure; more delivered over the longer contact */
    cr_assert_float_eq(worn.closure_h - brief.closure_h, 18.0 - 1.0 / 3.0, 0.5, "closure %g vs %g h", worn.closure_h,
                       brief.closure_h);
    cr_assert_gt(worn.delivered, brief.delivered);
}

/* Aftercare: sun on red skin raises the hyperpigmentation index, more for darker types, not once the
 * redness is gone; water on open channels raises the infection index, not once they closed. */
Test(delivery, aftercare_indices, .timeout = 300)
{
    run_out none = run_with(12, (const char *const[]){NULL});
    cr_assert(none.pih == 0.0 && none.infection == 0.0);
    run_out early = run_with(12, (const char *const[]){"aftercare.sun_exposure_days=0.5", NULL});
    run_out late = run_with(12, (const char *const[]){"aftercare.sun_exposure_days=10", NULL});
    run_out dark =
        run_with(12, (const char *const[]){"aftercare.sun_exposure_days=0.5", "patient.fitzpatrick_type=6", NULL});
    run_out both =
        run_with(12, (const char *const[]){"aftercare.sun_exposure_days=0.5, 10", "aftercare.sun_dose_med=2", NULL});
    cr_assert_gt(early.pih, 0.0);
    cr_assert_lt(late.pih, 0.01 * early.pih, "day 10 %g vs day 0.5 %g", late.pih, early.pih);
    cr_assert_float_eq(dark.pih / early.pih, 4.0, 1e-9, "type VI / type III weight 4 / 1");
    cr_assert_float_eq(both.pih, 2.0 * (early.pih + late.pih), 1e-9 * both.pih);
    run_out wet = run_with(12, (const char *const[]){"aftercare.water_exposure_days=0.1", NULL});
    run_out dry = run_with(12, (const char *const[]){"aftercare.water_exposure_days=11", NULL});
    cr_assert_gt(wet.infection, 0.0);
    cr_assert_lt(dry.infection, 1e-3 * wet.infection, "day 11 %g vs day 0.1 %g", dry.infection, wet.infection);
    /* downtime: redness and the epidermis, whichever lasts longer */
    cr_assert_float_eq(none.downtime, fmax(none.erythema, none.reepi), 1e-12);
}

/* Bad delivery and aftercare values are refused with the key named. */
Test(delivery, bad_values_refused)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_config *cfg = NULL;
    cr_assert_eq(mh_config_create(&ctx, &cfg), MH_OK);
    const char *bad[] = {"delivery.compound=honey",    "delivery.molecular_weight_da=-5",
                         "delivery.contact_h=0",       "aftercare.sun_exposure_days=3, 1",
                         "patient.fitzpatrick_type=7", "device.wear_time_min=-1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mh_ctx_init(&ctx);
        cr_assert_neq(mh_config_set(cfg, bad[i], "--set #1", &ctx), MH_OK, "%s accepted", bad[i]);
        char key[64];
        snprintf(key, sizeof key, "%.*s", (int)(strchr(bad[i], '=') - bad[i]), bad[i]);
        cr_assert(strstr(ctx.msg, key) != NULL, "message '%s' does not name %s", ctx.msg, key);
    }
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_config_set(cfg, "aftercare.pih_weight_by_type=1, 2, 3", "--set #2", &ctx), MH_OK);
    cr_assert_eq(mh_config_validate(cfg, &ctx), MH_ERR_INPUT);
    cr_assert(strstr(ctx.msg, "aftercare.pih_weight_by_type") != NULL, "%s", ctx.msg);
    mh_config_destroy(&cfg);
}

/* A run stopped during the application and continued from its saved state (the checkpoint's data)
 * takes the same steps: the film's depletion is derived from the series, which the state carries. */
static mh_status stop_mid(void *user, const mh_sim *sim, mh_ctx *ctx)
{
    (void)user;
    mh_sim_state st;
    mh_sim_get_state(sim, &st);
    return st.t_days > 0.1 ? MH_ERROR(ctx, MH_ERR_STATE, "stop") : MH_OK;
}

Test(delivery, continued_run_is_bit_identical, .timeout = 300)
{
    mh_config *cfg = mh_test_config((const char *const[]){GRID, "simulation.days=0.5", "delivery.compound=drug", NULL});
    mh_sim *ref = mh_test_run(cfg);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_sim *a = NULL, *b = NULL;
    cr_assert_eq(mh_build_sim(cfg, &ctx, &a), MH_OK);
    mh_sink stop = {NULL, stop_mid, NULL};
    cr_assert_eq(mh_sim_run(a, &stop, &ctx), MH_ERR_STATE);
    mh_sim_state st;
    mh_sim_get_state(a, &st);
    cr_assert(st.t_days > 0.1 && st.t_days < 1.0 / 3.0, "stopped at %g, inside the 8 h application", st.t_days);
    const double *u[MH_NSPECIES];
    for (int sp = 0; sp < MH_NSPECIES; sp++)
        u[sp] = mh_sim_fields(a)->u[sp];
    size_t np = 0;
    const mh_puncture *p = mh_sim_punctures(a, &np);
    const mh_series *s = mh_sim_series(a);
    cr_assert_eq(mh_build_sim(cfg, &ctx, &b), MH_OK);
    cr_assert_eq(mh_sim_restore(b, &st, u, mh_sim_closure_rates(a), mh_sim_lumen_weights(a), p, np, s->data, s->nt,
                                "test", &ctx),
                 MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_sim_run(b, NULL, &ctx), MH_OK, "%s", ctx.msg);
    const mh_series *sr = mh_sim_series(ref), *sb = mh_sim_series(b);
    cr_assert_eq(sr->nt, sb->nt);
    cr_assert(memcmp(sr->data, sb->data, sr->nt * MH_OBS_COUNT * sizeof(double)) == 0, "series differ");
    for (int sp = 0; sp < MH_NSPECIES; sp++)
        cr_assert(memcmp(mh_sim_fields(ref)->u[sp], mh_sim_fields(b)->u[sp], mh_sim_grid(b)->ncell * sizeof(double)) ==
                      0,
                  "field %s differs", mh_species_name((mh_species)sp));
    mh_sim_destroy(&a);
    mh_sim_destroy(&b);
    mh_sim_destroy(&ref);
    mh_config_destroy(&cfg);
}
