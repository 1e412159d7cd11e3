/* test_behaviour: the behaviour items of shared/science/README.md (item 1 is in test_model.c;
 * items 7 and 9 are calibrated and validated in tests/test_validation.c). Bands are the literature's, stated per test.
 */
#include "helpers.h"

#include <math.h>

/* Item 2: channels close within hours. Kalluri et al. 2011 (rat, Dermaroller): pores of 370 um needles
 * closed by ~12 h, of 770 um needles by ~18 h; channels 152 um deep for 770 um (fraction 0.198).
 * Band: +-25 % (their time points were hours apart). */
Test(behaviour, item2_channels_close_within_hours, .timeout = 120)
{
    const char *common[] = {"device.type=roller", "device.penetration_fraction=0.198", "simulation.days=3",
                            "schedule.sessions=1", NULL};
    const char *s370[] = {common[0], common[1], common[2], common[3], "device.needle_length_mm=0.37", NULL};
    const char *s770[] = {common[0], common[1], common[2], common[3], "device.needle_length_mm=0.77", NULL};
    mh_test_outcome a = mh_test_outcome_of(s370), b = mh_test_outcome_of(s770);
    cr_assert(a.closure_h > 9.0 && a.closure_h < 15.0, "370 um needles: %g h (Kalluri ~12 h)", a.closure_h);
    cr_assert(b.closure_h > 13.5 && b.closure_h < 22.5, "770 um needles: %g h (Kalluri ~18 h)", b.closure_h);
    cr_assert_gt(b.closure_h, a.closure_h);
    /* the default clinical treatment (1.5 mm pen) closes within two days */
    mh_test_outcome d = mh_test_outcome_of((const char *const[]){"simulation.days=4", "schedule.sessions=1", NULL});
    cr_assert(d.closure_h > 1.0 && d.closure_h < 48.0, "default closure %g h", d.closure_h);
}

/* Item 3: >= 95 % re-epithelialised by day 5 (Schmitt et al. 2018), for the default and a 2.5 mm pen. */
Test(behaviour, item3_reepithelialised_by_day_5, .timeout = 120)
{
    mh_test_outcome d = mh_test_outcome_of((const char *const[]){"simulation.days=7", "schedule.sessions=1", NULL});
    cr_assert(d.reepi_days > 0.5 && d.reepi_days <= 5.0, "default: %g days", d.reepi_days);
    mh_test_outcome deep = mh_test_outcome_of(
        (const char *const[]){"simulation.days=7", "schedule.sessions=1", "device.needle_length_mm=2.5",
                              "grid.hypodermis_mm=1.2", NULL}); /* its deepest needles go 2 mm deep */
    cr_assert(deep.reepi_days <= 5.0, "2.5 mm: %g days", deep.reepi_days);
}

/* Item 4: redness peaks within hours and fades within hours (0.25-0.5 mm), 2-3 days typically,
 * up to 5 days (deep). */
Test(behaviour, item4_erythema_peaks_in_hours_and_fades_in_days, .timeout = 180)
{
    /* a deeper column for all three: the deepest needles of 2.5 mm go 2 mm deep */
    const char *base[] = {"simulation.days=10", "schedule.sessions=1", "grid.hypodermis_mm=1.2"};
    double len[] = {0.5, 1.5, 2.5}, days[3];
    for (int i = 0; i < 3; i++) {
        char set[64];
        snprintf(set, sizeof set, "device.needle_length_mm=%g", len[i]);
        mh_test_outcome o = mh_test_outcome_of((const char *const[]){base[0], base[1], base[2], set, NULL});
        days[i] = o.erythema_days;
        if (o.erythema_days > 0)
            cr_assert(o.erythema_peak_h >= 0 && o.erythema_peak_h <= 24.0, "%g mm: peak at %g h", len[i],
                      o.erythema_peak_h);
    }
    /* hours: from an hour to a day (clinical reports: hours after 0.25-0.5 mm; issue 20) */
    cr_assert(days[0] >= 1.0 / 24.0 && days[0] < 1.0, "0.5 mm: %g days (hours expected)", days[0]);
    cr_assert(days[1] >= 1.5 && days[1] <= 4.0, "1.5 mm: %g days (2-3 typical)", days[1]);
    cr_assert(days[2] > days[1] && days[2] <= 5.0, "2.5 mm: %g days (up to 5)", days[2]);
}

/* Item 5: no bleeding for channels that stay in the epidermis (0.25 mm cosmetic roller);
 * pinpoint bleeding at clinical depths (>= 1.0 mm); more with anticoagulants. */
Test(behaviour, item5_bleeding_only_below_the_epidermis, .timeout = 120)
{
    /* channels that all end in the epidermis (75 um on the face: 0.25 mm x 0.2 = 50 um) do not bleed */
    mh_test_outcome shallow = mh_test_outcome_of(
        (const char *const[]){"simulation.days=0.5", "schedule.sessions=1", "device.type=roller", "device.needles=192",
                              "device.needle_length_mm=0.25", "device.penetration_fraction=0.2", NULL});
    cr_assert_eq(shallow.bleeding, 0.0, "channels in the epidermis bleed: %g uL/cm^2", shallow.bleeding);
    mh_test_outcome clin = mh_test_outcome_of(
        (const char *const[]){"simulation.days=0.5", "schedule.sessions=1", "device.needle_length_mm=1.0", NULL});
    cr_assert_gt(clin.bleeding, 0.0);
    mh_test_outcome anti =
        mh_test_outcome_of((const char *const[]){"simulation.days=0.5", "schedule.sessions=1",
                                                 "device.needle_length_mm=1.0", "patient.anticoagulants=true", NULL});
    cr_assert_gt(anti.bleeding, clin.bleeding);
    /* the insertion model scatters the depths of a 0.25 mm roller's channels (55 +- 4 um): any that pass
     * the epidermis bleed, far from pinpoint bleeding (papers/insertion.md) */
    mh_test_outcome cosmetic =
        mh_test_outcome_of((const char *const[]){"simulation.days=0.5", "schedule.sessions=1", "device.type=roller",
                                                 "device.needles=192", "device.needle_length_mm=0.25", NULL});
    cr_assert_lt(cosmetic.bleeding, 1e-3 * clin.bleeding, "0.25 mm roller bleeds %g uL/cm^2, 1.0 mm pen %g",
                 cosmetic.bleeding, clin.bleeding);
}

/* Item 6: collagen III first (peak 1-3 weeks), collagen I later; total dermal collagen clearly up
 * by 6 weeks; elastin rises less and later. One session, followed for 120 days. */
Test(behaviour, item6_collagen_III_then_I_then_elastin, .timeout = 180)
{
    mh_config *cfg = mh_test_config((const char *const[]){"simulation.days=120", "schedule.sessions=1", NULL});
    mh_sim *sim = mh_test_run(cfg);
    const mh_series *s = mh_sim_series(sim);
    int c3 = mh_observe_layer_col(MH_OL_PAPILLARY, MH_OQ_C3), c1 = mh_observe_layer_col(MH_OL_PAPILLARY, MH_OQ_C1);
    int ce = mh_observe_layer_col(MH_OL_PAPILLARY, MH_OQ_E), ct = mh_observe_layer_col(MH_OL_DERMIS, MH_OQ_CT);
    int cte = mh_observe_layer_col(MH_OL_DERMIS, MH_OQ_E);
    double t3 = 0, t1 = 0, te = 0, m3 = 0, m1 = 0, me = 0;
    for (size_t r = 0; r < s->nt; r++) {
        const double *row = s->data + r * MH_OBS_COUNT;
        if (row[c3] > m3) {
            m3 = row[c3];
            t3 = row[MH_OBS_T];
        }
        if (row[c1] > m1) {
            m1 = row[c1];
            t1 = row[MH_OBS_T];
        }
        if (row[ce] > me) {
            me = row[ce];
            te = row[MH_OBS_T];
        }
    }
    cr_assert(t3 >= 7.0 && t3 <= 21.0, "collagen III peaks at day %g", t3);
    cr_assert_gt(t1, t3 + 14.0, "collagen I (peak day %g) must follow collagen III (day %g)", t1, t3);
    double gain42 = mh_series_at(s, ct, 42.0) - 1.0, egain42 = mh_series_at(s, cte, 42.0) - 1.0;
    cr_assert_gt(gain42, 0.05, "total dermal collagen at day 42: +%g", gain42);
    cr_assert(egain42 > 0.0 && egain42 < 0.5 * gain42, "elastin +%g vs collagen +%g at day 42", egain42, gain42);
    cr_assert_gt(te, t3, "elastin peak (day %g) after collagen III (day %g)", te, t3);
    mh_sim_destroy(&sim);
    mh_config_destroy(&cfg);
}

/* Item 8: deeper, denser and more sessions give more collagen and longer redness; the gain saturates
 * with depth and density (saturation over sessions is left to the calibration issue). */
Test(behaviour, item8_dose_response_with_saturation, .timeout = 300)
{
    const char *base[] = {"simulation.days=43", "schedule.sessions=1", "grid.dx_um=20", "grid.hypodermis_mm=1.2"};
    double L[] = {0.5, 1.0, 1.5, 2.5}, g[4], e[4], v[4];
    for (int i = 0; i < 4; i++) {
        char set[64];
        snprintf(set, sizeof set, "device.needle_length_mm=%g", L[i]);
        mh_test_outcome o = mh_test_outcome_of((const char *const[]){base[0], base[1], base[2], base[3], set, NULL});
        g[i] = o.gain[MH_OL_DERMIS][MH_OQ_CT][0] - 1.0;
        e[i] = o.erythema_days;
        v[i] = o.injured_mm3_per_mm2;
    }
    for (int i = 1; i < 4; i++) {
        cr_assert_gt(g[i], g[i - 1], "depth %g mm: +%g not above %g mm: +%g", L[i], g[i], L[i - 1], g[i - 1]);
        cr_assert_geq(e[i], e[i - 1]);
    }
    /* saturation: the gain per unit of injury falls as the injury grows. The dose is the injured
     * volume per area, n pi r^2 h / 3, which grows faster than the depth (r grows with h up to the
     * needle's radius), so the gain per added mm of needle is not the measure of saturation. */
    for (int i = 1; i < 4; i++)
        cr_assert_lt(g[i] / v[i], g[i - 1] / v[i - 1],
                     "no saturation with depth: gain per injured volume %g at %g mm, "
                     "%g at %g mm",
                     g[i] / v[i], L[i], g[i - 1] / v[i - 1], L[i - 1]);
    double n[] = {50, 150, 450}, gn[3];
    for (int i = 0; i < 3; i++) {
        char set[64];
        snprintf(set, sizeof set, "device.density_per_cm2=%g", n[i]);
        mh_test_outcome o =
            mh_test_outcome_of((const char *const[]){base[0], base[1], base[2], set, "device.pattern=grid", NULL});
        gn[i] = o.gain[MH_OL_DERMIS][MH_OQ_CT][0] - 1.0;
    }
    cr_assert(gn[1] > gn[0] && gn[2] > gn[1], "density: %g %g %g", gn[0], gn[1], gn[2]);
    cr_assert_lt(gn[2] / gn[1], 3.0, "tripling the density should give less than triple the gain");
    mh_test_outcome one =
        mh_test_outcome_of((const char *const[]){"simulation.days=100", "schedule.sessions=1", "grid.dx_um=20", NULL});
    mh_test_outcome three =
        mh_test_outcome_of((const char *const[]){"simulation.days=100", "schedule.sessions=3", "grid.dx_um=20", NULL});
    double g1 = one.gain[MH_OL_DERMIS][MH_OQ_CT][1] - 1.0, g3 = three.gain[MH_OL_DERMIS][MH_OQ_CT][1] - 1.0;
    cr_assert_gt(g3, g1, "three sessions +%g vs one +%g at day 90", g3, g1);
    cr_log_info("sessions: one +%g, three +%g at day 90", g1, g3);
}

/* The series value of column col at day t of a run of default.ini with the settings sets (20 um cells). */
typedef struct {
    mh_sim *sim;
    mh_config *cfg;
} behaviour_run;

static behaviour_run run_of(const char *const *sets)
{
    behaviour_run r;
    r.cfg = mh_test_config(sets);
    r.sim = mh_test_run(r.cfg);
    return r;
}

static void run_free(behaviour_run *r)
{
    mh_sim_destroy(&r->sim);
    mh_config_destroy(&r->cfg);
}

static double series_at(const behaviour_run *r, int col, double t)
{
    return mh_series_at(mh_sim_series(r->sim), col, t);
}

/* The barrier (papers/model.md eq. 2b): every channel cell is breached at the session and loses its breach
 * at the same rate, so barrier_loss(t) = exp(-t / tau_W) and it falls to the closure fraction 0.1 at
 * tau_W ln 10: 0.6 h x 2.302585 = 1.3816 h unoccluded, 8 h x 2.302585 = 18.42 h under a dressing
 * (aftercare.occluded, 48 h). Gupta et al. 2011 (human, impedance): within 2 h without occlusion, slower
 * occluded. The lumen (calcein, Kalluri 2011) closes later than the barrier. */
Test(behaviour, barrier_restored_within_hours_slower_when_occluded, .timeout = 120)
{
    const char *open[] = {"simulation.days=2", "schedule.sessions=1", "grid.dx_um=20", NULL};
    const char *occl[] = {open[0], open[1], open[2], "aftercare.occluded=true", "aftercare.occlusion_h=48", NULL};
    mh_test_outcome a = mh_test_outcome_of(open), b = mh_test_outcome_of(occl);
    const double ln10 = log(10.0);
    cr_assert(fabs(a.barrier_h - 0.6 * ln10) < 0.01 * 0.6 * ln10, "barrier %g h, exp(-t/0.6 h) gives %g h", a.barrier_h,
              0.6 * ln10);
    cr_assert_leq(a.barrier_h, 2.0, "Gupta 2011: within 2 h");
    cr_assert(fabs(b.barrier_h - 8.0 * ln10) < 0.01 * 8.0 * ln10, "occluded barrier %g h, exp(-t/8 h) gives %g h",
              b.barrier_h, 8.0 * ln10);
    cr_assert_gt(a.closure_h, a.barrier_h, "the lumen (%g h) closes after the barrier (%g h)", a.closure_h,
                 a.barrier_h);
}

/* Epidermis (papers/model.md eq. 3b-3c): KGF from the activated fibroblasts thickens the epidermis for weeks
 * (Lotfi 2013 +50 % after five sessions; Kenkel 2021 +19 %), and it returns with the epidermal turnover
 * (1/delta_T = 40 days): 140 days after day 40 the excess is below a quarter of what it was. */
Test(behaviour, epidermis_thickens_after_a_session_and_returns, .timeout = 180)
{
    behaviour_run r =
        run_of((const char *const[]){"simulation.days=180", "schedule.sessions=1", "grid.dx_um=20", NULL});
    const double d1 = series_at(&r, MH_OBS_EPI_THICK, 1.0), d40 = series_at(&r, MH_OBS_EPI_THICK, 40.0);
    const double d180 = series_at(&r, MH_OBS_EPI_THICK, 180.0);
    cr_assert(d1 >= 1.0 && d1 < d40, "thickness at day 1 %g, day 40 %g", d1, d40);
    cr_assert_gt(d40, 1.1, "one session thickens the epidermis by more than 10 %% at day 40: %g", d40);
    cr_assert(d180 > 1.0 && d180 - 1.0 < 0.25 * (d40 - 1.0), "thickness at day 180 %g (day 40 %g)", d180, d40);
    run_free(&r);
}

/* Redness is the superficial plexus's (papers/model.md section 5): how much fat or reticular dermis is
 * simulated below it no longer dilutes it. Before issue 20 grid.hypodermis_mm 0.3 -> 1.0 shortened redness
 * from 2.56 to 2.15 days (16 %), the vascular mean taking in the deeper, less red layers; now the two agree
 * within 5 % (measured 4.6 %: what is left is the mediator's range, sqrt(D_H / k_H) = 0.72 mm, which the
 * zero-flux bottom of a shallower column reflects back), and the perfusion rises within hours. */
Test(behaviour, erythema_from_the_superficial_plexus_only, .timeout = 120)
{
    const char *thin[] = {"simulation.days=6", "schedule.sessions=1", "grid.dx_um=20", NULL};
    const char *fat[] = {thin[0], thin[1], thin[2], "grid.hypodermis_mm=1.0", NULL};
    mh_test_outcome a = mh_test_outcome_of(thin), b = mh_test_outcome_of(fat);
    cr_assert(fabs(a.erythema_days - b.erythema_days) < 0.05 * a.erythema_days, "redness %g days vs %g days",
              a.erythema_days, b.erythema_days);
    behaviour_run r = run_of(thin);
    cr_assert_gt(series_at(&r, MH_OBS_PERFUSION, 0.25), 1.2, "superficial perfusion 6 h after needling");
    cr_assert_lt(series_at(&r, MH_OBS_PERFUSION, 6.0), series_at(&r, MH_OBS_PERFUSION, 0.25));
    run_free(&r);
}

/* Saturation over sessions (issue 20; Naspolini 2019: later sessions add less): the papillary collagen that
 * the sixth of six monthly sessions adds (its gain 28 days after it minus the gain just before it) is below
 * half of what the first adds. papers/model.md eq. 9-10: the homeostatic factor psi and the MMP degradation
 * of earlier sessions' new collagen. */
Test(behaviour, saturation_over_sessions, .timeout = 300)
{
    behaviour_run r = run_of((const char *const[]){"simulation.days=168", "schedule.sessions=6",
                                                   "schedule.interval_days=28", "grid.dx_um=20", NULL});
    const int col = mh_observe_layer_col(MH_OL_PAPILLARY, MH_OQ_CT);
    const double first = series_at(&r, col, 27.99) - 1.0;
    const double sixth = series_at(&r, col, 168.0) - series_at(&r, col, 139.99);
    cr_assert_gt(first, 0.0);
    cr_assert_lt(sixth, 0.5 * first, "the sixth session adds %g, the first %g", sixth, first);
    run_free(&r);
}

/* Session spacing (papers/model.md section 3, "Session spacing"): a session's MMP pulse degrades the new
 * collagen of the sessions before it that has not yet cross-linked, so three sessions a week apart leave
 * less papillary collagen 8 weeks after the last than three sessions six weeks apart. */
Test(behaviour, closely_spaced_sessions_undo_each_other, .timeout = 300)
{
    const int col = mh_observe_layer_col(MH_OL_PAPILLARY, MH_OQ_CT);
    behaviour_run w = run_of((const char *const[]){"simulation.days=70", "schedule.sessions=3",
                                                   "schedule.interval_days=7", "grid.dx_um=20", NULL});
    behaviour_run s = run_of((const char *const[]){"simulation.days=140", "schedule.sessions=3",
                                                   "schedule.interval_days=42", "grid.dx_um=20", NULL});
    const double weekly = series_at(&w, col, 70.0) - 1.0, six = series_at(&s, col, 140.0) - 1.0;
    cr_assert_gt(six, 1.1 * weekly, "6-weekly +%g vs weekly +%g", six, weekly);
    cr_log_info("3 sessions: weekly +%g, 6-weekly +%g (8 weeks after the last)", weekly, six);
    run_free(&w);
    run_free(&s);
}
