/* test_build: the configuration's translation into the engine's structs (src/config/mh_build.c), the
 * engine's own defaults (src/engine/mh_defaults.c) and its own checks, and the example program. */
#include "helpers.h"

#include "mh_build.h"

#include <math.h>

/* Equal to the bit (NaN for "auto" included): the defaults are the same numbers, not close ones. */
static bool same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

#define SAME(member)                                                                                                   \
    cr_expect(same_bits((double)a->member, (double)b->member),                                                         \
              "%s: %.17g from the configuration, %.17g engine default", #member, (double)a->member, (double)b->member)

static void expect_same_model(const mh_model_params *a, const mh_model_params *b)
{
    SAME(k_D);
    SAME(k_DI);
    SAME(tau0_close);
    SAME(v_close);
    SAME(D_K);
    SAME(r_K);
    SAME(b_bleed);
    SAME(f_bleed);
    SAME(k_B);
    SAME(D_H);
    SAME(k_H);
    SAME(s_H);
    SAME(D_I);
    SAME(r_I);
    SAME(k_I);
    SAME(D_G);
    SAME(k_G);
    SAME(s_GB);
    SAME(s_GI);
    SAME(D_F);
    SAME(chi);
    SAME(r_F);
    SAME(F_max);
    SAME(delta_F);
    SAME(kill_F);
    SAME(s_HK);
    SAME(k_Gb);
    SAME(L_store);
    SAME(k_LM);
    SAME(lambda_L);
    SAME(s_3);
    SAME(lambda_3);
    SAME(kappa_3);
    SAME(s_1);
    SAME(k_mat);
    SAME(lambda_N);
    SAME(kappa_N);
    SAME(lambda_1);
    SAME(kappa_1);
    SAME(eta_C);
    SAME(s_E);
    SAME(lambda_E);
    SAME(kappa_E);
    SAME(s_MI);
    SAME(s_MF);
    SAME(k_M);
    SAME(k_W);
    SAME(k_W_occ);
    SAME(s_A);
    SAME(k_A);
    SAME(D_X);
    SAME(s_X);
    SAME(k_X);
    SAME(r_T);
    SAME(delta_T);
    SAME(eps_V);
    SAME(H_V);
    SAME(y_F);
    SAME(sigma_Y);
    SAME(k_Y);
    SAME(w_3);
    SAME(a_age);
    SAME(beta_B);
    SAME(beta_I);
    SAME(compound);
    SAME(D_Q);
    SAME(D_Q_sc);
    SAME(s_top);
    SAME(k_ex);
    SAME(k_clr);
    SAME(k_deg);
    SAME(g_prp);
    SAME(a_on);
    SAME(c_film);
    SAME(hold);
    SAME(occl);
}

static void expect_same_device(const mh_device_params *a, const mh_device_params *b)
{
    SAME(type);
    SAME(pattern);
    SAME(needle_length_mm);
    SAME(needle_diameter_mm);
    SAME(tip_half_angle_deg);
    SAME(penetration_fraction);
    SAME(density_per_cm2);
    SAME(wear_time_min);
    SAME(needles);
    SAME(passes);
    SAME(roller_density_per_pass_per_cm2);
    SAME(pen_rate_hz);
    SAME(pen_glide_speed_cm_s);
    SAME(pen_cartridge_width_mm);
    SAME(stamp_area_cm2);
    SAME(tip_radius_um);
    SAME(needle_spacing_mm);
    SAME(roller_load_n);
    SAME(roller_radius_mm);
    SAME(roller_width_mm);
    SAME(press_force_n);
    SAME(insertion_speed_mm_s);
    SAME(length_sd_um);
    SAME(surface_sd_um);
    SAME(puncture_sd);
    for (int l = 0; l < MH_MECH_LAYERS; l++) {
        SAME(mech.thickness_mm[l]);
        SAME(mech.modulus_mpa[l]);
    }
    SAME(mech.substrate_mpa);
    SAME(mech.poisson);
    SAME(mech.toughness_j_m2);
    SAME(mech.sc_ref_um);
    SAME(mech.sc_exponent);
    SAME(mech.tenting_gain);
    SAME(mech.instant_ratio);
    SAME(mech.relaxation_s);
    SAME(mech.tension_kpa);
    SAME(mech.membrane_mpa);
    SAME(mech.prestretch);
    SAME(mech.zone_factor);
    SAME(mech.friction_kpa);
    SAME(mech.cut_ratio);
}

static void expect_same_params(const mh_sim_params *a, const mh_sim_params *b)
{
    SAME(days);
    SAME(seed);
    SAME(grid.dims);
    SAME(grid.dx_um);
    SAME(grid.width_mm);
    SAME(grid.length_mm);
    SAME(grid.periodic);
    SAME(skin.sc_um);
    SAME(skin.ve_um);
    SAME(skin.dermis_mm);
    SAME(skin.papillary_mm);
    SAME(skin.hypodermis_mm);
    SAME(skin.age_years);
    SAME(skin.reference_age_years);
    SAME(skin.thinning_per_decade);
    SAME(skin.v_reticular);
    SAME(skin.v_hypodermis);
    SAME(nsessions);
    for (int k = 0; k < a->nsessions && k < MH_MAX_SESSIONS; k++) {
        SAME(session_days[k]);
        expect_same_device(&a->device[k], &b->device[k]);
    }
    expect_same_model(&a->model, &b->model);
    SAME(delivery.compound);
    SAME(delivery.mw_da);
    SAME(delivery.log_kow);
    SAME(delivery.diffusivity_cm2_s);
    SAME(delivery.reference_diffusivity_cm2_s);
    SAME(delivery.reference_mw_da);
    SAME(delivery.sc_permeability_cm_h);
    SAME(delivery.concentration_mg_ml);
    SAME(delivery.dose_ul_cm2);
    SAME(delivery.apply_after_min);
    SAME(delivery.contact_h);
    SAME(delivery.channel_exchange_per_min);
    SAME(delivery.clearance_per_h);
    SAME(delivery.degradation_per_h);
    SAME(delivery.prp_platelet_factor);
    SAME(solver.tol);
    SAME(solver.atol);
    SAME(solver.dt_initial_s);
    SAME(solver.dt_min_s);
    SAME(solver.dt_max_h);
    SAME(nsnapshots);
    for (int k = 0; k < a->nsnapshots && k < MH_MAX_DAYS; k++)
        SAME(snapshot_days[k]);
    SAME(occlusion_days);
    SAME(summary.closure_fraction);
    SAME(summary.erythema_visible);
    SAME(summary.reepi_fraction);
    SAME(summary.n_sun);
    SAME(summary.sun_dose_med);
    SAME(summary.pih_weight);
    SAME(summary.n_water);
    SAME(summary.water_hours);
}

/* A configuration of the table's defaults (no file read) with the assignments of sets. */
static mh_config *table_config(const char *const *sets)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_config *cfg = NULL;
    cr_assert_eq(mh_config_create(&ctx, &cfg), MH_OK);
    for (int i = 0; sets[i] != NULL; i++)
        cr_assert_eq(mh_config_set(cfg, sets[i], "test", &ctx), MH_OK, "%s", ctx.msg);
    return cfg;
}

/* The table's defaults (a configuration with no file read) and the engine's own are the same, member by
 * member, bit for bit: the two copies of the documented values cannot drift apart. */
Test(build, an_empty_configuration_gives_the_engine_defaults)
{
    static const char *const none[] = {NULL};
    mh_config *cfg = table_config(none);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_sim_params from_config, engine;
    cr_assert_eq(mh_build_params(cfg, &from_config, &ctx), MH_OK, "%s", ctx.msg);
    mh_sim_params_default(&engine);
    expect_same_params(&from_config, &engine);
    mh_config_destroy(&cfg);
}

/* A configuration that changes a value is read into the member that names it (a member left out of
 * mh_build_params would keep its default, and this test would not see it: so change each kind). */
Test(build, given_values_reach_their_members)
{
    static const char *const sets[] = {"model.kappa_N=0.07",
                                       "aftercare.occluded=true",
                                       "aftercare.occlusion_h=36",
                                       "device.needle_length_mm=0.75",
                                       "skin.site=back",
                                       "delivery.compound=prp",
                                       "solver.tol=0.03",
                                       "schedule.days=0, 10",
                                       "patient.fitzpatrick_type=5",
                                       "grid.lateral_bc=zeroflux",
                                       NULL};
    mh_config *cfg = mh_test_config(sets);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_sim_params p;
    cr_assert_eq(mh_build_params(cfg, &p, &ctx), MH_OK, "%s", ctx.msg);
    cr_expect(same_bits(p.model.kappa_N, 0.07));
    /* the dressing for 36 h = 1.5 days after each session */
    cr_expect(same_bits(p.occlusion_days, 1.5));
    cr_expect(same_bits(p.device[1].needle_length_mm, 0.75));
    cr_expect(same_bits(p.skin.dermis_mm, 2.4), "back: 2.4 mm of dermis (papers/model.md, site table)");
    cr_expect_eq(p.delivery.compound, MH_CMP_PRP);
    cr_expect(same_bits(p.solver.tol, 0.03));
    cr_expect_eq(p.nsessions, 2);
    cr_expect(same_bits(p.session_days[1], 10.0));
    /* the default weights 0.25, 0.5, 1, 2, 3, 4 of types I to VI: type V is 3 */
    cr_expect(same_bits(p.summary.pih_weight, 3.0));
    cr_expect(!p.grid.periodic);
    mh_config_destroy(&cfg);
}

/* The engine's limits are the table's: a value the configuration accepts, the engine accepts. */
Test(build, the_engines_limits_are_the_tables)
{
    const mh_param_info *t = mh_param_table();
    cr_expect_eq(t[MH_P_DEV_DENSITY].hi, MH_MAX_DENSITY_PER_CM2);
    cr_expect_eq(t[MH_P_SCHED_SESSIONS].hi, (double)MH_MAX_SESSIONS);
    cr_expect_leq(MH_MAX_LIST, MH_MAX_DAYS);
}

/* The engine checks its structs on its own, with messages that name their members (a library user
 * has no configuration to be pointed at). */
Test(build, the_engine_refuses_bad_parameters_by_itself)
{
    mh_ctx ctx;
    mh_sim *sim = NULL;
    mh_sim_params p;

    mh_sim_params_default(&p);
    p.device[0].passes = 100; /* 100 x 100 Hz x 12 needles / (2 cm/s x 0.6 cm) = 100000 per cm^2 */
    mh_ctx_init(&ctx);
    cr_expect_eq(mh_sim_create(&p, &ctx, &sim), MH_ERR_INPUT);
    cr_expect(strstr(ctx.msg, "session 1: the device settings give 100000 punctures/cm^2") != NULL, "%s", ctx.msg);

    mh_sim_params_default(&p);
    p.skin.age_years = 100.0;         /* 6 decades beyond the reference age of 40 */
    p.skin.thinning_per_decade = 0.2; /* the face's 1 mm x (1 - 0.2 x 6) = -0.2 mm */
    mh_ctx_init(&ctx);
    cr_expect_eq(mh_sim_create(&p, &ctx, &sim), MH_ERR_INPUT);
    cr_expect(strstr(ctx.msg, "dermis thinned to -0.200 mm") != NULL, "%s", ctx.msg);

    mh_sim_params_default(&p);
    p.device[2].needle_length_mm = 5.0;
    p.device[2].penetration_fraction = 1.0; /* 5 mm, below the 1.675 mm column of the face */
    mh_ctx_init(&ctx);
    cr_expect_eq(mh_sim_create(&p, &ctx, &sim), MH_ERR_INPUT);
    cr_expect(strstr(ctx.msg, "session 3 reaches 5.000 mm") != NULL, "%s", ctx.msg);

    mh_sim_params_default(&p);
    p.grid.dims = 3;
    p.grid.dx_um = 1.0;
    p.grid.width_mm = p.grid.length_mm = 50.0; /* 50000 x 50000 x 1675 cells */
    mh_ctx_init(&ctx);
    cr_expect_eq(mh_sim_create(&p, &ctx, &sim), MH_ERR_INPUT);
    cr_expect(strstr(ctx.msg, "(too many)") != NULL, "%s", ctx.msg);

    mh_sim_params_default(&p);
    p.session_days[1] = -1.0;
    mh_ctx_init(&ctx);
    cr_expect_eq(mh_sim_create(&p, &ctx, &sim), MH_ERR_INPUT);
    cr_expect(strstr(ctx.msg, "session_days") != NULL, "%s", ctx.msg);

    mh_sim_params_default(&p);
    p.solver.dt_initial_s = 0.001; /* below dt_min_s = 0.01 s */
    mh_ctx_init(&ctx);
    cr_expect_eq(mh_sim_create(&p, &ctx, &sim), MH_ERR_INPUT);
    cr_expect(strstr(ctx.msg, "solver") != NULL, "%s", ctx.msg);
    cr_expect_null(sim);
}

/* The run of the engine's defaults with a few members changed is the run of the configuration with the
 * same keys set: the same series, bit for bit (what examples/run_2d.c relies on). */
Test(build, an_engine_run_is_the_configurations_run, .timeout = 120)
{
    static const char *const sets[] = {"simulation.days=10",          "schedule.sessions=1",       "grid.dx_um=25",
                                       "device.needle_length_mm=1.0", "output.snapshot_days=0, 5", NULL};
    mh_config *cfg = table_config(sets);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_sim *a = NULL, *b = NULL;
    cr_assert_eq(mh_build_sim(cfg, &ctx, &a), MH_OK, "%s", ctx.msg);
    mh_sim_params p;
    mh_sim_params_default(&p);
    p.days = 10.0;
    p.nsessions = 1;
    p.grid.dx_um = 25.0;
    p.device[0].needle_length_mm = 1.0;
    p.nsnapshots = 2;
    p.snapshot_days[0] = 0.0;
    p.snapshot_days[1] = 5.0;
    cr_assert_eq(mh_sim_create(&p, &ctx, &b), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_sim_run(a, NULL, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_sim_run(b, NULL, &ctx), MH_OK, "%s", ctx.msg);
    const mh_series *sa = mh_sim_series(a), *sb = mh_sim_series(b);
    cr_assert_eq(sa->nt, sb->nt, "%zu and %zu steps", sa->nt, sb->nt);
    cr_expect(memcmp(sa->data, sb->data, sa->nt * MH_OBS_COUNT * sizeof(double)) == 0, "the series differ");
    mh_sim_destroy(&a);
    mh_sim_destroy(&b);
    mh_config_destroy(&cfg);
}

/* examples/run_2d.c, built with the engine's include paths and archives only, runs and prints the day-42
 * gain of the same run made here through a configuration. */
Test(build, the_example_runs_through_the_engine_alone, .timeout = 120)
{
    char exe[PATH_MAX], cmd[PATH_MAX + 64];
    mh_test_beside_exe("../examples/run_2d", exe, sizeof exe);
    snprintf(cmd, sizeof cmd, "'%s'", exe);
    FILE *f = popen(cmd, "r");
    cr_assert_not_null(f);
    char line[256] = "";
    cr_assert_not_null(fgets(line, sizeof line, f), "no output from %s", exe);
    cr_assert_eq(pclose(f), 0, "%s failed: %s", exe, line);
    double day = 0, gain = 0;
    cr_assert_eq(sscanf(line, "day %lf: total dermal collagen gain %lf", &day, &gain), 2, "%s", line);

    static const char *const sets[] = {"simulation.days=42", "schedule.sessions=1", "grid.dx_um=20",
                                       "device.needle_length_mm=1.0", NULL};
    mh_config *cfg = table_config(sets);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_sim *sim = NULL;
    cr_assert_eq(mh_build_sim(cfg, &ctx, &sim), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_sim_run(sim, NULL, &ctx), MH_OK, "%s", ctx.msg);
    const mh_summary *m = mh_sim_summary(sim);
    char want[64];
    snprintf(want, sizeof want, "%.4f", m->gain[MH_OL_DERMIS][MH_OQ_CT][0]);
    char got[64];
    snprintf(got, sizeof got, "%.4f", gain);
    cr_expect_eq(day, 42.0);
    cr_expect_str_eq(got, want, "the example printed %s; the configuration's run gives %s", got, want);
    mh_sim_destroy(&sim);
    mh_config_destroy(&cfg);
}
