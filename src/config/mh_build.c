/* src/config: the parameter table, INI files, rules between keys, and the engine's structs built from them. */
/* mh_build: a loaded configuration into the engine's parameter structs (mh_build.h).
 *
 * config layer. Units: the engine's structs keep the configuration's units where their members say
 * so (um, min, h, s); the model's rates are converted here to the solver's day and mm, as
 * papers/model.md gives them (tau0_close_h / 24, v_close_um_h x 1e-3 x 24), and the patient's
 * modifiers applied: synthesis x (1 + kappa_s keloid), remodelling / (1 + kappa_r keloid), bleeding x
 * f_anticoag with anticoagulants, synthesis factor a(age) (Varani et al. 2006). */
#include "mh_build.h"

#include "mh_units.h"

#include <math.h>
#include <string.h>

_Static_assert(MH_MAX_LIST <= MH_MAX_DAYS, "a list of days of the configuration must fit the engine's");

/* A real key of session s (0: the base) that may be 'auto': NAN for auto. */
static double real_or_auto(const mh_config *cfg, mh_param_id id, int s)
{
    return mh_config_is_auto_s(cfg, id, s) ? NAN : mh_config_real_s(cfg, id, s);
}

/* The keys that set the depth of the skin column, most direct first (for mh_config_culprit). */
static const mh_param_id depth_keys[] = {MH_P_GRID_HYPO,    MH_P_SKIN_DERMIS,   MH_P_SKIN_SITE, MH_P_PAT_AGE,
                                         MH_P_SKIN_REF_AGE, MH_P_SKIN_THINNING, MH_P_SKIN_SC,   MH_P_SKIN_VE};
#define MH_NDEPTH_KEYS ((int)(sizeof depth_keys / sizeof depth_keys[0]))

static mh_status skin_params(const mh_config *cfg, mh_skin_params *sp, mh_ctx *ctx)
{
    const char *site = mh_config_choice(cfg, MH_P_SKIN_SITE);
    if (mh_skin_site_preset(site, &sp->sc_um, &sp->ve_um, &sp->dermis_mm) != MH_OK)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: skin.site: unknown site '%s'", mh_config_origin(cfg, MH_P_SKIN_SITE),
                        site);
    if (!mh_config_is_auto(cfg, MH_P_SKIN_SC))
        sp->sc_um = mh_config_real(cfg, MH_P_SKIN_SC);
    if (!mh_config_is_auto(cfg, MH_P_SKIN_VE))
        sp->ve_um = mh_config_real(cfg, MH_P_SKIN_VE);
    if (!mh_config_is_auto(cfg, MH_P_SKIN_DERMIS))
        sp->dermis_mm = mh_config_real(cfg, MH_P_SKIN_DERMIS);
    sp->papillary_mm = mh_config_real(cfg, MH_P_SKIN_PAPILLARY);
    sp->hypodermis_mm = mh_config_real(cfg, MH_P_GRID_HYPO);
    sp->age_years = mh_config_real(cfg, MH_P_PAT_AGE);
    sp->reference_age_years = mh_config_real(cfg, MH_P_SKIN_REF_AGE);
    sp->thinning_per_decade = mh_config_real(cfg, MH_P_SKIN_THINNING);
    sp->v_reticular = mh_config_real(cfg, MH_P_SKIN_V_RD);
    sp->v_hypodermis = mh_config_real(cfg, MH_P_SKIN_V_HD);
    return MH_OK;
}

/* The skin column of sp, or the key to change when its dermis thins away. */
static mh_status skin_column(const mh_config *cfg, const mh_skin_params *sp, mh_skin *skin, mh_ctx *ctx)
{
    mh_ctx own;
    mh_ctx_init(&own);
    if (mh_skin_column(sp, skin, &own) == MH_OK)
        return MH_OK;
    /* the message points at the first setting given of those that set the two thicknesses */
    static const mh_param_id rule[] = {MH_P_PAT_AGE,     MH_P_SKIN_THINNING,  MH_P_SKIN_REF_AGE,
                                       MH_P_SKIN_DERMIS, MH_P_SKIN_PAPILLARY, MH_P_SKIN_SITE};
    mh_param_id c = mh_config_culprit(cfg, 0, rule, (int)(sizeof rule / sizeof rule[0]));
    return MH_ERROR(ctx, MH_ERR_INPUT,
                    "%s: %s: dermis thinned to %.3f mm at patient.age_years = %g, not thicker than the papillary "
                    "dermis (%.3f mm); check skin.dermal_thinning_per_decade and skin.dermis_mm",
                    mh_config_origin(cfg, c), mh_param_table()[c].key, mh_skin_dermis_mm(sp), sp->age_years,
                    sp->papillary_mm);
}

mh_status mh_build_skin(const mh_config *cfg, mh_skin *skin, mh_ctx *ctx)
{
    mh_skin_params sp;
    mh_status st = skin_params(cfg, &sp, ctx);
    return st != MH_OK ? st : skin_column(cfg, &sp, skin, ctx);
}

/* The skin's insertion mechanics (papers/insertion.md): layer thicknesses of the column of sp (the dermis
 * after thinning), the fat of the site, moduli with the dermis's stiffening by age (Agache et al. 1980). */
static void mech_params(const mh_config *cfg, const mh_skin_params *sp, mh_insert_skin *m)
{
    memset(m, 0, sizeof *m);
    double fat = 0.0;
    if (mh_config_is_auto(cfg, MH_P_MECH_FAT))
        mh_skin_site_fat(mh_config_choice(cfg, MH_P_SKIN_SITE), &fat); /* (the site was validated) */
    else
        fat = mh_config_real(cfg, MH_P_MECH_FAT);
    const double decades = (sp->age_years - sp->reference_age_years) / 10.0;
    m->thickness_mm[MH_MECH_SC] = sp->sc_um * 1e-3;
    m->thickness_mm[MH_MECH_VE] = sp->ve_um * 1e-3;
    m->thickness_mm[MH_MECH_DERMIS] = mh_skin_dermis_mm(sp);
    m->thickness_mm[MH_MECH_FAT] = fat;
    m->modulus_mpa[MH_MECH_SC] = mh_config_real(cfg, MH_P_MECH_E_SC);
    m->modulus_mpa[MH_MECH_VE] = mh_config_real(cfg, MH_P_MECH_E_VE);
    m->modulus_mpa[MH_MECH_DERMIS] =
        mh_config_real(cfg, MH_P_MECH_E_D) * fmax(0.2, 1.0 + mh_config_real(cfg, MH_P_MECH_AGE) * decades);
    m->modulus_mpa[MH_MECH_FAT] = mh_config_real(cfg, MH_P_MECH_E_FAT) * 1e-3;
    m->substrate_mpa = mh_config_real(cfg, MH_P_MECH_E_SUB) * 1e-3;
    m->poisson = mh_config_real(cfg, MH_P_MECH_NU);
    m->toughness_j_m2 = mh_config_real(cfg, MH_P_MECH_J);
    m->sc_ref_um = mh_config_real(cfg, MH_P_MECH_SC_REF);
    m->sc_exponent = mh_config_real(cfg, MH_P_MECH_SC_EXP);
    m->tenting_gain = mh_config_real(cfg, MH_P_MECH_GAIN);
    m->instant_ratio = mh_config_real(cfg, MH_P_MECH_RATIO);
    m->relaxation_s = mh_config_real(cfg, MH_P_MECH_TAU);
    m->tension_kpa = mh_config_real(cfg, MH_P_MECH_T0);
    m->membrane_mpa = mh_config_real(cfg, MH_P_MECH_EM);
    m->prestretch = mh_config_real(cfg, MH_P_MECH_STRETCH);
    m->zone_factor = mh_config_real(cfg, MH_P_MECH_ZONE);
    m->friction_kpa = mh_config_real(cfg, MH_P_MECH_FRIC);
    m->cut_ratio = mh_config_real(cfg, MH_P_MECH_CUT);
}

static void device_params(const mh_config *cfg, int s, const mh_skin_params *sp, mh_device_params *dp)
{
    memset(dp, 0, sizeof *dp);
    dp->type = MH_DEV_PEN;
    dp->pattern = MH_PAT_RANDOM;
    /* (the choices were validated: a name is always found) */
    mh_device_type_from_name(mh_config_choice_s(cfg, MH_P_DEV_TYPE, s), &dp->type);
    mh_device_pattern_from_name(mh_config_choice_s(cfg, MH_P_DEV_PATTERN, s), &dp->pattern);
    dp->needle_length_mm = mh_config_real_s(cfg, MH_P_DEV_LENGTH, s);
    dp->needle_diameter_mm = mh_config_real_s(cfg, MH_P_DEV_DIAM, s);
    dp->tip_half_angle_deg = mh_config_real_s(cfg, MH_P_DEV_ANGLE, s);
    dp->penetration_fraction = real_or_auto(cfg, MH_P_DEV_PENFRAC, s);
    dp->density_per_cm2 = real_or_auto(cfg, MH_P_DEV_DENSITY, s);
    dp->wear_time_min = real_or_auto(cfg, MH_P_DEV_WEAR, s);
    dp->needles = (int)mh_config_int_s(cfg, MH_P_DEV_NEEDLES, s);
    dp->passes = (int)mh_config_int_s(cfg, MH_P_DEV_PASSES, s);
    dp->roller_density_per_pass_per_cm2 = mh_config_real_s(cfg, MH_P_DEV_ROLLER_PP, s);
    dp->pen_rate_hz = mh_config_real_s(cfg, MH_P_DEV_PEN_RATE, s);
    dp->pen_glide_speed_cm_s = mh_config_real_s(cfg, MH_P_DEV_PEN_SPEED, s);
    dp->pen_cartridge_width_mm = mh_config_real_s(cfg, MH_P_DEV_PEN_WIDTH, s);
    dp->stamp_area_cm2 = mh_config_real_s(cfg, MH_P_DEV_STAMP_AREA, s);
    dp->tip_radius_um = mh_config_real_s(cfg, MH_P_DEV_TIP_R, s);
    dp->needle_spacing_mm = real_or_auto(cfg, MH_P_DEV_SPACING, s);
    dp->roller_load_n = mh_config_real_s(cfg, MH_P_DEV_ROLLER_LOAD, s);
    dp->roller_radius_mm = mh_config_real_s(cfg, MH_P_DEV_ROLLER_R, s);
    dp->roller_width_mm = mh_config_real_s(cfg, MH_P_DEV_ROLLER_W, s);
    dp->press_force_n = real_or_auto(cfg, MH_P_DEV_PRESS, s);
    dp->insertion_speed_mm_s = real_or_auto(cfg, MH_P_DEV_SPEED, s);
    dp->length_sd_um = mh_config_real_s(cfg, MH_P_DEV_LEN_SD, s);
    dp->surface_sd_um = mh_config_real(cfg, MH_P_MECH_SURF);
    dp->puncture_sd = mh_config_real(cfg, MH_P_MECH_PSD);
    mech_params(cfg, sp, &dp->mech);
}

/* The device of dp in session s, or the key to change when its settings give too many punctures. */
static mh_status device_resolve(const mh_config *cfg, int s, const mh_device_params *dp, mh_device *dev, mh_ctx *ctx)
{
    mh_ctx own;
    mh_ctx_init(&own);
    if (isnan(dp->penetration_fraction) && dp->type != MH_DEV_NONE) {
        /* the insertion model's ranges beyond those of single keys (a tip wider than its shaft) */
        mh_insert_array arr;
        mh_device_insert_array(dp, &arr);
        if (mh_insert_check(&dp->mech, &arr, &own) != MH_OK) {
            static const mh_param_id ins[] = {MH_P_DEV_TIP_R, MH_P_DEV_DIAM, MH_P_DEV_SPACING, MH_P_DEV_LENGTH};
            mh_param_id c = mh_config_culprit(cfg, s, ins, 4);
            return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: session %d: %s", mh_config_origin_s(cfg, c, s),
                            mh_param_table()[c].key, s, own.msg);
        }
    }
    if (mh_device_resolve(dp, dev, &own) == MH_OK)
        return MH_OK;
    /* the message points at the first setting given of those that made the density */
    static const mh_param_id roller[] = {MH_P_DEV_PASSES, MH_P_DEV_ROLLER_PP, MH_P_DEV_TYPE, MH_P_DEV_DENSITY},
                             pen[] = {MH_P_DEV_PASSES,    MH_P_DEV_PEN_RATE, MH_P_DEV_NEEDLES, MH_P_DEV_PEN_SPEED,
                                      MH_P_DEV_PEN_WIDTH, MH_P_DEV_TYPE,     MH_P_DEV_DENSITY},
                             stamp[] = {MH_P_DEV_PASSES, MH_P_DEV_NEEDLES, MH_P_DEV_STAMP_AREA, MH_P_DEV_TYPE,
                                        MH_P_DEV_DENSITY};
    mh_param_id c = dev->type == MH_DEV_ROLLER ? mh_config_culprit(cfg, s, roller, 4)
                    : dev->type == MH_DEV_PEN  ? mh_config_culprit(cfg, s, pen, 7)
                                               : mh_config_culprit(cfg, s, stamp, 5);
    return MH_ERROR(ctx, MH_ERR_INPUT,
                    "%s: %s: the device settings of session %d give %.0f punctures/cm^2 (more than %.0f); "
                    "set device.density_per_cm2 or fewer passes",
                    mh_config_origin_s(cfg, c, s), mh_param_table()[c].key, s, dev->density_per_cm2,
                    MH_MAX_DENSITY_PER_CM2);
}

mh_status mh_build_device_check(const mh_config *cfg, int s, const mh_device_params *dp, mh_ctx *ctx)
{
    mh_device dev;
    return device_resolve(cfg, s, dp, &dev, ctx);
}

mh_status mh_build_device_params(const mh_config *cfg, int s, mh_device_params *dp, mh_ctx *ctx)
{
    mh_skin_params sp;
    mh_status st = mh_config_validate(cfg, ctx);
    if (st == MH_OK)
        st = skin_params(cfg, &sp, ctx);
    if (st == MH_OK)
        device_params(cfg, s, &sp, dp);
    return st;
}

mh_status mh_build_device(const mh_config *cfg, int s, mh_device *dev, mh_ctx *ctx)
{
    mh_skin_params sp;
    mh_status st = skin_params(cfg, &sp, ctx);
    if (st != MH_OK)
        return st;
    mh_device_params dp;
    device_params(cfg, s, &sp, &dp);
    return device_resolve(cfg, s, &dp, dev, ctx);
}

static void grid_params(const mh_config *cfg, mh_grid_params *gp)
{
    gp->dims = (int)mh_config_int(cfg, MH_P_SIM_DIMS);
    gp->dx_um = mh_config_real(cfg, MH_P_GRID_DX);
    gp->width_mm = mh_config_real(cfg, MH_P_GRID_WIDTH);
    gp->length_mm = mh_config_real(cfg, MH_P_GRID_LENGTH);
    gp->periodic = strcmp(mh_config_choice(cfg, MH_P_GRID_BC), "periodic") == 0;
}

/* The rules of mh_grid_shape, with the key to change. */
static mh_status grid_check(const mh_config *cfg, const mh_grid_params *gp, const mh_skin *skin, mh_ctx *ctx)
{
    int nx, ny, nz;
    double cells;
    const mh_grid_shape_fault f = mh_grid_shape(gp, skin, &nx, &ny, &nz, &cells);
    if (f == MH_GRID_TOO_MANY_CELLS || f == MH_GRID_TOO_FEW_CELLS) {
        /* the message points at the first setting given of those that set the count: the spacing, the
         * lateral extents when there are too many cells, the depth of the column */
        const bool many = f == MH_GRID_TOO_MANY_CELLS;
        mh_param_id rule[4 + MH_NDEPTH_KEYS] = {MH_P_GRID_DX};
        int n = 1;
        if (many) {
            rule[n++] = MH_P_GRID_WIDTH;
            if (gp->dims == 3)
                rule[n++] = MH_P_GRID_LENGTH;
            rule[n++] = MH_P_SIM_DIMS;
        }
        for (int i = 0; i < MH_NDEPTH_KEYS; i++)
            rule[n++] = depth_keys[i];
        mh_param_id c = mh_config_culprit(cfg, 0, rule, n);
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: grid.dx_um = %g gives %.3g cells (%s); choose a %s spacing",
                        mh_config_origin(cfg, c), mh_param_table()[c].key, gp->dx_um, cells,
                        many ? "too many" : "too few", many ? "coarser" : "finer");
    }
    if (f == MH_GRID_PERIODIC_NARROW)
        return MH_ERROR(ctx, MH_ERR_INPUT,
                        "%s: grid.lateral_bc: periodic needs at least 3 cells across; grid.width_mm%s / grid.dx_um "
                        "gives %d x %d",
                        mh_config_origin(cfg, MH_P_GRID_BC), gp->dims == 3 ? " and grid.length_mm" : "", nx, ny);
    if (f != MH_GRID_SHAPE_OK) /* not reached after mh_config_validate: the ranges keep the grid positive */
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: grid.dx_um: not a grid", mh_config_origin(cfg, MH_P_GRID_DX));
    return MH_OK;
}

mh_status mh_build_grid(const mh_config *cfg, const mh_skin *skin, double strip_mm, mh_ctx *ctx, mh_grid **out)
{
    *out = NULL;
    mh_grid_params gp;
    grid_params(cfg, &gp);
    mh_status st = grid_check(cfg, &gp, skin, ctx);
    return st != MH_OK ? st : mh_grid_create(&gp, skin, strip_mm, ctx, out);
}

void mh_build_model(const mh_config *c, mh_model_params *p)
{
    memset(p, 0, sizeof *p);
    double keloid = mh_config_real(c, MH_P_PAT_KELOID);
    double syn = 1.0 + mh_config_real(c, MH_P_M_KAPPA_S) * keloid;
    double rem = 1.0 / (1.0 + mh_config_real(c, MH_P_M_KAPPA_R) * keloid);
    p->k_D = mh_config_real(c, MH_P_M_K_D);
    p->k_DI = mh_config_real(c, MH_P_M_K_DI);
    p->tau0_close = mh_config_real(c, MH_P_M_TAU0_CLOSE) / MH_HOURS_PER_DAY;
    p->v_close = mh_config_real(c, MH_P_M_V_CLOSE) * MH_MM_PER_UM * MH_HOURS_PER_DAY;
    p->D_K = mh_config_real(c, MH_P_M_D_K);
    p->r_K = mh_config_real(c, MH_P_M_R_K);
    p->b_bleed = mh_config_real(c, MH_P_M_B_BLEED);
    p->f_bleed = mh_config_bool(c, MH_P_PAT_ANTICOAG) ? mh_config_real(c, MH_P_M_F_ANTICOAG) : 1.0;
    p->k_B = mh_config_real(c, MH_P_M_K_B);
    p->D_H = mh_config_real(c, MH_P_M_D_H);
    p->k_H = mh_config_real(c, MH_P_M_K_H);
    p->s_H = mh_config_real(c, MH_P_M_S_H);
    p->s_HK = mh_config_real(c, MH_P_M_S_HK);
    p->D_I = mh_config_real(c, MH_P_M_D_I);
    p->r_I = mh_config_real(c, MH_P_M_R_I);
    p->k_I = mh_config_real(c, MH_P_M_K_I);
    p->D_G = mh_config_real(c, MH_P_M_D_G);
    p->k_G = mh_config_real(c, MH_P_M_K_G);
    p->s_GB = mh_config_real(c, MH_P_M_S_GB);
    p->s_GI = mh_config_real(c, MH_P_M_S_GI);
    p->k_Gb = mh_config_real(c, MH_P_M_K_GB);
    p->L_store = mh_config_real(c, MH_P_M_L_STORE);
    p->k_LM = mh_config_real(c, MH_P_M_K_LM);
    p->lambda_L = mh_config_real(c, MH_P_M_LAMBDA_L);
    p->D_F = mh_config_real(c, MH_P_M_D_F);
    p->kill_F = mh_config_real(c, MH_P_M_KILL_F);
    p->chi = mh_config_real(c, MH_P_M_CHI);
    p->r_F = mh_config_real(c, MH_P_M_R_F);
    p->F_max = mh_config_real(c, MH_P_M_F_MAX);
    p->delta_F = mh_config_real(c, MH_P_M_DELTA_F);
    /* keloid propensity: synthesis x (1 + kappa_s p); MMP degradation and the turnover of new
     * collagen / (1 + kappa_r p); the basal turnover of untreated matrix is not scaled (it balances
     * basal synthesis, so untreated skin stays a steady state) */
    p->s_3 = mh_config_real(c, MH_P_M_S_3) * syn;
    p->lambda_3 = mh_config_real(c, MH_P_M_LAMBDA_3);
    p->kappa_3 = mh_config_real(c, MH_P_M_KAPPA_3) * rem;
    p->s_1 = mh_config_real(c, MH_P_M_S_1) * syn;
    p->k_mat = mh_config_real(c, MH_P_M_K_MAT);
    p->lambda_N = mh_config_real(c, MH_P_M_LAMBDA_N) * rem;
    p->kappa_N = mh_config_real(c, MH_P_M_KAPPA_N) * rem;
    p->lambda_1 = mh_config_real(c, MH_P_M_LAMBDA_1);
    p->kappa_1 = mh_config_real(c, MH_P_M_KAPPA_1) * rem;
    p->eta_C = mh_config_real(c, MH_P_M_ETA_C);
    p->s_E = mh_config_real(c, MH_P_M_S_E) * syn;
    p->lambda_E = mh_config_real(c, MH_P_M_LAMBDA_E);
    p->kappa_E = mh_config_real(c, MH_P_M_KAPPA_E) * rem;
    p->s_MI = mh_config_real(c, MH_P_M_S_MI);
    p->s_MF = mh_config_real(c, MH_P_M_S_MF);
    p->k_M = mh_config_real(c, MH_P_M_K_M);
    p->k_W = MH_HOURS_PER_DAY / mh_config_real(c, MH_P_M_TAU_W);
    p->k_W_occ = MH_HOURS_PER_DAY / mh_config_real(c, MH_P_M_TAU_W_OCC);
    p->s_A = mh_config_real(c, MH_P_M_S_A);
    p->k_A = mh_config_real(c, MH_P_M_K_A);
    p->D_X = mh_config_real(c, MH_P_M_D_X);
    p->s_X = mh_config_real(c, MH_P_M_S_X);
    p->k_X = mh_config_real(c, MH_P_M_K_X);
    p->r_T = mh_config_real(c, MH_P_M_R_T);
    p->delta_T = mh_config_real(c, MH_P_M_DELTA_T);
    p->eps_V = mh_config_real(c, MH_P_M_EPS_V);
    p->H_V = mh_config_real(c, MH_P_M_H_V);
    p->y_F = mh_config_real(c, MH_P_M_Y_F);
    p->sigma_Y = mh_config_real(c, MH_P_M_SIGMA_Y);
    p->k_Y = MH_HOURS_PER_DAY / mh_config_real(c, MH_P_M_TAU_Y);
    p->w_3 = mh_config_real(c, MH_P_M_W_3);
    p->a_age = mh_model_age_factor(mh_config_real(c, MH_P_PAT_AGE), mh_config_real(c, MH_P_M_AGE_LO),
                                   mh_config_real(c, MH_P_M_AGE_HI), mh_config_real(c, MH_P_M_AGE_RATIO));
    p->beta_B = mh_config_real(c, MH_P_M_BETA_B);
    p->beta_I = mh_config_real(c, MH_P_M_BETA_I);
}

static void delivery_params(const mh_config *cfg, mh_delivery_params *d)
{
    memset(d, 0, sizeof *d);
    d->compound = MH_CMP_NONE;
    mh_delivery_compound_from_name(mh_config_choice(cfg, MH_P_DEL_COMPOUND), &d->compound);
    d->mw_da = real_or_auto(cfg, MH_P_DEL_MW, 0);
    d->log_kow = real_or_auto(cfg, MH_P_DEL_LOGKOW, 0);
    d->diffusivity_cm2_s = real_or_auto(cfg, MH_P_DEL_D, 0);
    d->reference_diffusivity_cm2_s = mh_config_real(cfg, MH_P_DEL_DREF);
    d->reference_mw_da = mh_config_real(cfg, MH_P_DEL_MWREF);
    d->sc_permeability_cm_h = real_or_auto(cfg, MH_P_DEL_KP, 0);
    d->concentration_mg_ml = mh_config_real(cfg, MH_P_DEL_CONC);
    d->dose_ul_cm2 = mh_config_real(cfg, MH_P_DEL_DOSE);
    d->apply_after_min = mh_config_real(cfg, MH_P_DEL_AFTER);
    d->contact_h = real_or_auto(cfg, MH_P_DEL_CONTACT, 0);
    d->channel_exchange_per_min = mh_config_real(cfg, MH_P_DEL_EXCH);
    d->clearance_per_h = real_or_auto(cfg, MH_P_DEL_CLEAR, 0);
    d->degradation_per_h = real_or_auto(cfg, MH_P_DEL_DEG, 0);
    d->prp_platelet_factor = mh_config_real(cfg, MH_P_DEL_PRP);
}

/* A list key into dst (at most MH_MAX_DAYS values; mh_config's lists hold at most MH_MAX_LIST). */
static int list_into(const mh_config *cfg, mh_param_id id, double *dst)
{
    const double *v = NULL;
    const int n = mh_config_list(cfg, id, &v);
    if (n > 0)
        memcpy(dst, v, (size_t)n * sizeof *v);
    return n;
}

static void schedule_params(const mh_config *cfg, mh_sim_params *p)
{
    p->nsessions = list_into(cfg, MH_P_SCHED_DAYS, p->session_days);
    if (p->nsessions == 0) {
        p->nsessions = (int)mh_config_int(cfg, MH_P_SCHED_SESSIONS);
        for (int k = 0; k < p->nsessions; k++)
            p->session_days[k] = k * mh_config_real(cfg, MH_P_SCHED_INTERVAL);
    }
}

static void solver_and_output_params(const mh_config *cfg, mh_sim_params *p)
{
    p->solver = (mh_solver_params){.tol = mh_config_real(cfg, MH_P_SOLV_TOL),
                                   .atol = mh_config_real(cfg, MH_P_SOLV_ATOL),
                                   .dt_initial_s = mh_config_real(cfg, MH_P_SOLV_DT0),
                                   .dt_min_s = mh_config_real(cfg, MH_P_SOLV_DTMIN),
                                   .dt_max_h = mh_config_real(cfg, MH_P_SOLV_DTMAX)};
    p->nsnapshots = list_into(cfg, MH_P_OUT_SNAP, p->snapshot_days);
    mh_summary_params *m = &p->summary;
    const double *w = NULL;
    mh_config_list(cfg, MH_P_AFT_PIH_W, &w); /* six values (mh_config_validate) */
    m->closure_fraction = mh_config_real(cfg, MH_P_OUT_CLOSURE);
    m->erythema_visible = mh_config_real(cfg, MH_P_OUT_ERY_VIS);
    m->reepi_fraction = mh_config_real(cfg, MH_P_OUT_REEPI);
    m->n_sun = list_into(cfg, MH_P_AFT_SUN, m->sun_days);
    m->sun_dose_med = mh_config_real(cfg, MH_P_AFT_SUN_DOSE);
    m->pih_weight = w[mh_config_int(cfg, MH_P_PAT_FITZ) - 1];
    m->n_water = list_into(cfg, MH_P_AFT_WATER, m->water_days);
    m->water_hours = mh_config_real(cfg, MH_P_AFT_WATER_H);
    p->occlusion_days =
        mh_config_bool(cfg, MH_P_AFT_OCCLUDED) ? mh_config_real(cfg, MH_P_AFT_OCCLUSION_H) / MH_HOURS_PER_DAY : 0.0;
}

/* Every channel ends inside the simulated column (the engine's rule, with the key to change). */
static mh_status depth_check(const mh_config *cfg, const mh_device *dev, int n, const mh_skin *skin, mh_ctx *ctx)
{
    for (int k = 0; k < n; k++)
        if (dev[k].depth_max_mm >= skin->top_mm[MH_LAYER_COUNT]) {
            /* the message points at the first setting given of those that set the two depths */
            mh_param_id rule[3 + MH_NDEPTH_KEYS] = {MH_P_DEV_LENGTH, MH_P_DEV_PENFRAC, MH_P_DEV_TYPE};
            for (int i = 0; i < MH_NDEPTH_KEYS; i++)
                rule[3 + i] = depth_keys[i];
            mh_param_id c = mh_config_culprit(cfg, k + 1, rule, 3 + MH_NDEPTH_KEYS);
            return MH_ERROR(ctx, MH_ERR_INPUT,
                            "%s: %s: session %d reaches %.3f mm (its deepest needle: device.needle_length_mm and "
                            "the penetration fraction or the insertion model), below the simulated skin (%.3f mm); "
                            "increase grid.hypodermis_mm",
                            mh_config_origin_s(cfg, c, k + 1), mh_param_table()[c].key, k + 1, dev[k].depth_max_mm,
                            skin->top_mm[MH_LAYER_COUNT]);
        }
    return MH_OK;
}

/* The engine's rule on the realised density (mh_device_check_density), with the key to change. */
static mh_status density_check(const mh_config *cfg, const mh_device *dev, int ns, const mh_grid_params *gp,
                               const mh_skin *skin, mh_ctx *ctx)
{
    int nx, ny, nz;
    double cells;
    (void)mh_grid_shape(gp, skin, &nx, &ny, &nz, &cells); /* its faults: grid_check */
    const double dx_mm = gp->dx_um * MH_MM_PER_UM;
    for (int k = 0; k < ns; k++) {
        mh_ctx own;
        mh_ctx_init(&own);
        if (mh_device_check_density(&dev[k], k + 1, gp->dims, nx * dx_mm, ny * dx_mm, &own) == MH_OK)
            continue;
        static const mh_param_id rule[] = {MH_P_GRID_WIDTH, MH_P_GRID_LENGTH, MH_P_DEV_DENSITY, MH_P_DEV_PATTERN};
        mh_param_id c = mh_config_culprit(cfg, k + 1, rule, 4);
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: %s", mh_config_origin_s(cfg, c, k + 1), mh_param_table()[c].key,
                        own.msg);
    }
    return MH_OK;
}

mh_status mh_build_params(const mh_config *cfg, mh_sim_params *p, mh_ctx *ctx)
{
    memset(p, 0, sizeof *p);
    mh_status st = mh_config_validate(cfg, ctx);
    if (st != MH_OK)
        return st;
    p->days = mh_config_real(cfg, MH_P_SIM_DAYS);
    p->seed = (unsigned long)mh_config_int(cfg, MH_P_SEED);
    schedule_params(cfg, p);
    mh_skin skin;
    if ((st = skin_params(cfg, &p->skin, ctx)) != MH_OK || (st = skin_column(cfg, &p->skin, &skin, ctx)) != MH_OK)
        return st;
    mh_device dev[MH_MAX_SESSIONS];
    for (int k = 0; k < p->nsessions; k++) {
        device_params(cfg, k + 1, &p->skin, &p->device[k]);
        if ((st = device_resolve(cfg, k + 1, &p->device[k], &dev[k], ctx)) != MH_OK)
            return st;
    }
    if ((st = depth_check(cfg, dev, p->nsessions, &skin, ctx)) != MH_OK)
        return st;
    grid_params(cfg, &p->grid);
    if ((st = grid_check(cfg, &p->grid, &skin, ctx)) != MH_OK ||
        (st = density_check(cfg, dev, p->nsessions, &p->grid, &skin, ctx)) != MH_OK)
        return st;
    mh_build_model(cfg, &p->model);
    delivery_params(cfg, &p->delivery);
    solver_and_output_params(cfg, p);
    return MH_OK;
}

mh_status mh_build_sim(const mh_config *cfg, mh_ctx *ctx, mh_sim **out)
{
    *out = NULL;
    mh_sim_params p;
    mh_status st = mh_build_params(cfg, &p, ctx);
    return st != MH_OK ? st : mh_sim_create(&p, ctx, out);
}

mh_status mh_build_probe(const mh_config *cfg, mh_sim *sim, mh_ctx *ctx)
{
    mh_ctx rctx; /* the run's own message, quoted in the one that names the key */
    mh_ctx_init(&rctx);
    const mh_status st = mh_sim_probe(sim, &rctx);
    if (st == MH_OK)
        return MH_OK;
    const mh_sim_fault *f = mh_sim_get_fault(sim);
    if (st != MH_ERR_NUMERIC || f == NULL)
        return MH_ERROR(ctx, st, "%s", rctx.msg);
    if (f->non_finite)
        return MH_ERROR(ctx, MH_ERR_INPUT, "a run of this configuration would stop at day %g: %s", f->t_days, rctx.msg);
    /* the run's rule (mh_sim_run): even a step of solver.dt_min_s changes a field by more than 2 solver.tol */
    static const mh_param_id rule[] = {MH_P_GRID_DX, MH_P_SOLV_DTMIN, MH_P_SOLV_TOL, MH_P_SOLV_ATOL};
    const mh_param_id c = mh_config_culprit(cfg, 0, rule, (int)(sizeof rule / sizeof rule[0]));
    return MH_ERROR(ctx, MH_ERR_INPUT,
                    "%s: %s: a run would stop at day %g, where even its shortest step (solver.dt_min_s = %g s) "
                    "changes a field by more than the solver accepts (2 x solver.tol): %s; choose a coarser "
                    "grid.dx_um (%g um now) or a smaller solver.dt_min_s",
                    mh_config_origin(cfg, c), mh_param_table()[c].key, f->t_days, mh_config_real(cfg, MH_P_SOLV_DTMIN),
                    rctx.msg, mh_config_real(cfg, MH_P_GRID_DX));
}
