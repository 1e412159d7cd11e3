/* src/engine: the numerical engine, on plain parameter structs; no configuration, no HDF5, no printing. */
/* mh_defaults: the documented default parameters of a run (mh_sim_params_default).
 *
 * engine layer. The values are those of src/config/mh_params.def, in the units of the engine's
 * structs, converted as src/config/mh_build.c converts them; every value, its unit and its source:
 * papers/model.md and papers/delivery.md. tests/test_build.c checks that the defaults of an empty
 * configuration, built by mh_build_params, equal these member for member, bit for bit: a change of
 * either that is not made in both fails there. */
#include "mh_sim.h"

#include "mh_units.h"

#include <math.h>
#include <string.h>

static void model_default(mh_model_params *p)
{
    memset(p, 0, sizeof *p);
    p->k_D = 0.5;
    p->k_DI = 2.0;
    p->tau0_close = 2.8 / MH_HOURS_PER_DAY;
    p->v_close = 7.0 * MH_MM_PER_UM * MH_HOURS_PER_DAY;
    p->D_K = 0.005;
    p->r_K = 3.0;
    p->b_bleed = 1.0;
    p->f_bleed = 1.0; /* no anticoagulants */
    p->k_B = 1.0;
    p->D_H = 4.3;
    p->k_H = 8.3;
    p->s_H = 98.1;
    p->s_HK = 50.0;
    p->D_I = 1e-3;
    p->r_I = 10.0;
    p->k_I = 0.5;
    p->D_G = 4.3;
    p->k_G = 9.1;
    p->s_GB = 200.0;
    p->s_GI = 30.0;
    p->k_Gb = 50.0;
    p->L_store = 10.0;
    p->k_LM = 8.0;
    p->lambda_L = 0.05;
    p->D_F = 1.7e-3;
    p->kill_F = 0.0;
    p->chi = 1e-3;
    p->r_F = 0.5;
    p->F_max = 4.0;
    p->delta_F = 0.05;
    p->s_3 = 1.0; /* keloid propensity 0: no synthesis or remodelling factor */
    p->lambda_3 = 0.06;
    p->kappa_3 = 0.1;
    p->s_1 = 0.131;
    p->k_mat = 0.05;
    p->lambda_N = 0.002;
    p->kappa_N = 0.3;
    p->lambda_1 = 1.27e-4;
    p->kappa_1 = 0.03;
    p->eta_C = 1.0;
    p->s_E = 0.012;
    p->lambda_E = 2.57e-5;
    p->kappa_E = 0.01;
    p->s_MI = 1.0;
    p->s_MF = 0.05;
    p->k_M = 1.0;
    p->k_W = MH_HOURS_PER_DAY / 0.6;
    p->k_W_occ = MH_HOURS_PER_DAY / 8.0;
    p->s_A = 0.005;
    p->k_A = 0.1;
    p->D_X = 4.3;
    p->s_X = 5.0;
    p->k_X = 10.0;
    p->r_T = 0.09;
    p->delta_T = 0.025;
    p->eps_V = 1.0;
    p->H_V = 0.1;
    p->y_F = 0.0099;
    p->sigma_Y = 1.0;
    p->k_Y = MH_HOURS_PER_DAY / 2.5;
    p->w_3 = 0.10;
    p->a_age = mh_model_age_factor(40.0, 23.5, 85.0, 0.68); /* a 40-year-old patient */
    p->beta_B = 0.2;
    p->beta_I = 0.0;
}

/* The insertion mechanics of the default skin (face, 40 years; papers/insertion.md). */
static void mech_default(mh_insert_skin *m)
{
    memset(m, 0, sizeof *m);
    m->thickness_mm[MH_MECH_SC] = 0.015;
    m->thickness_mm[MH_MECH_VE] = 0.060;
    m->thickness_mm[MH_MECH_DERMIS] = 1.0;
    m->thickness_mm[MH_MECH_FAT] = 4.0;
    m->modulus_mpa[MH_MECH_SC] = 1.5;
    m->modulus_mpa[MH_MECH_VE] = 1.5;
    m->modulus_mpa[MH_MECH_DERMIS] = 0.13;
    m->modulus_mpa[MH_MECH_FAT] = 2.26e-3;
    m->substrate_mpa = 3e-3;
    m->poisson = 0.49;
    m->toughness_j_m2 = 1434.0;
    m->sc_ref_um = 15.0;
    m->sc_exponent = 1.0;
    m->tenting_gain = 1.0;
    m->instant_ratio = 3.57;
    m->relaxation_s = 0.19;
    m->tension_kpa = 13.5;
    m->membrane_mpa = 1.18;
    m->prestretch = 0.0;
    m->zone_factor = 1.0;
    m->friction_kpa = 3.2;
    m->cut_ratio = 0.485;
}

static void device_default(mh_device_params *d)
{
    memset(d, 0, sizeof *d);
    d->type = MH_DEV_PEN;
    d->pattern = MH_PAT_RANDOM;
    d->needle_length_mm = 1.5;
    d->needle_diameter_mm = 0.25;
    d->tip_half_angle_deg = 13.0;
    d->penetration_fraction = NAN;
    d->density_per_cm2 = NAN;
    d->wear_time_min = NAN;
    d->needles = 12;
    d->passes = 4;
    d->roller_density_per_pass_per_cm2 = 16.7;
    d->pen_rate_hz = 100.0;
    d->pen_glide_speed_cm_s = 2.0;
    d->pen_cartridge_width_mm = 6.0;
    d->stamp_area_cm2 = 1.0;
    d->tip_radius_um = 4.0;
    d->needle_spacing_mm = NAN;
    d->roller_load_n = 10.0;
    d->roller_radius_mm = 10.0;
    d->roller_width_mm = 20.0;
    d->press_force_n = NAN;
    d->insertion_speed_mm_s = NAN;
    d->length_sd_um = 3.6;
    d->surface_sd_um = 7.2;
    d->puncture_sd = 0.072;
    mech_default(&d->mech);
}

void mh_sim_params_default(mh_sim_params *p)
{
    memset(p, 0, sizeof *p);
    p->days = 180.0;
    p->seed = 42;
    p->grid = (mh_grid_params){.dims = 2, .dx_um = 10.0, .width_mm = 2.0, .length_mm = 1.0, .periodic = true};
    mh_skin_params *s = &p->skin;
    mh_skin_site_preset("face", &s->sc_um, &s->ve_um, &s->dermis_mm);
    s->papillary_mm = 0.3;
    s->hypodermis_mm = 0.3;
    s->age_years = 40.0;
    s->reference_age_years = 40.0;
    s->thinning_per_decade = 0.06;
    s->v_reticular = 0.3;
    s->v_hypodermis = 0.2;
    p->nsessions = 3;
    for (int k = 0; k < p->nsessions; k++) {
        p->session_days[k] = k * 28.0;
        device_default(&p->device[k]);
    }
    model_default(&p->model);
    p->delivery = (mh_delivery_params){.compound = MH_CMP_NONE,
                                       .mw_da = NAN,
                                       .log_kow = NAN,
                                       .diffusivity_cm2_s = NAN,
                                       .reference_diffusivity_cm2_s = 5e-7,
                                       .reference_mw_da = 25000.0,
                                       .sc_permeability_cm_h = NAN,
                                       .concentration_mg_ml = 10.0,
                                       .dose_ul_cm2 = 10.0,
                                       .apply_after_min = 0.0,
                                       .contact_h = NAN,
                                       .channel_exchange_per_min = 1.0,
                                       .clearance_per_h = NAN,
                                       .degradation_per_h = NAN,
                                       .prp_platelet_factor = 5.0};
    p->solver = (mh_solver_params){.tol = 0.02, .atol = 0.01, .dt_initial_s = 30.0, .dt_min_s = 0.01, .dt_max_h = 12.0};
    static const double snapshots[] = {0, 0.25, 1, 2, 7, 14, 28, 42, 90, 180};
    p->nsnapshots = (int)(sizeof snapshots / sizeof snapshots[0]);
    memcpy(p->snapshot_days, snapshots, sizeof snapshots);
    p->summary = (mh_summary_params){.closure_fraction = 0.1,
                                     .erythema_visible = 0.1,
                                     .reepi_fraction = 0.95,
                                     .sun_dose_med = 1.0,
                                     .pih_weight = 1.0, /* Fitzpatrick type III */
                                     .water_hours = 1.0};
}
