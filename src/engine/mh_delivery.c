/* mh_delivery: compound properties, transport coefficients and application times (mh_delivery.h).
 *
 * Stratum corneum: Potts & Guy (1992) Pharm Res 9:663, log10 kp [cm/h] = -2.7 + 0.71 log Kow
 * - 0.0061 MW, which falls by a factor of ten every 164 Da: the "500 Dalton rule" (Bos & Meinardi
 * 2000 Exp Dermatol 9:165) follows from it. Tissue diffusivity: Stokes-Einstein, D proportional to
 * the hydrodynamic radius^-1, radius proportional to MW^(1/3) for a globular molecule. Units: the
 * solver's day and mm. Every value: papers/delivery.md. */
#include "mh_delivery.h"

#include <math.h>
#include <string.h>

/* The compound table (papers/delivery.md, "Compounds"). */
static const struct {
    const char *name;
    double mw_da, log_kow;
    double D_cm2_s; /* tissue diffusivity when Stokes-Einstein for a globular molecule does not hold, else 0 */
} compounds[] = {
    [MH_CMP_NONE] = {"none", 300.0, 1.0, 0.0},
    [MH_CMP_SERUM] = {"serum", 802.1, 2.0, 0.0},          /* palmitoyl pentapeptide-4; log Kow ASSUMPTION */
    [MH_CMP_VITAMIN_C] = {"vitamin_c", 176.12, -1.85, 0.0}, /* L-ascorbic acid; log Kow ASSUMPTION (not verified) */
    /* 1 MDa, a random coil: Stokes-Einstein with a hydrodynamic radius of ~60 nm (ASSUMPTION) in
     * water at 37 C, times the tissue hindrance 0.27 (Fu et al. 2005); log Kow ASSUMPTION (no effect) */
    [MH_CMP_HA] = {"hyaluronic_acid", 1.0e6, -4.0, 1.5e-8},
    [MH_CMP_PRP] = {"prp", 25000.0, -4.0, 0.0},           /* PDGF-BB-sized growth factors; log Kow ASSUMPTION */
    [MH_CMP_DRUG] = {"drug", 300.0, 1.0, 0.0},            /* ASSUMPTION: a generic small molecule */
    [MH_CMP_VACCINE] = {"vaccine", 60000.0, -4.0, 0.0},   /* a haemagglutinin-sized antigen; ASSUMPTION */
};

#define MH_NCOMPOUNDS ((int)(sizeof compounds / sizeof compounds[0]))

/* Vascular uptake below and above the size at which lymphatic uptake takes over (Supersaxo, Hein &
 * Steffen 1990: > 16 kDa mainly lymphatic); both rates ASSUMPTION (papers/delivery.md). */
#define MH_LYMPH_CUTOFF_DA 16000.0
#define MH_CLEAR_SMALL_PER_H 1.0
#define MH_CLEAR_LARGE_PER_H 0.05
#define MH_CONTACT_H 8.0 /* auto contact time: ASSUMPTION, left on until washed off */

const char *mh_delivery_compound_name(mh_compound c)
{
    return (int)c >= 0 && (int)c < MH_NCOMPOUNDS ? compounds[c].name : "unknown";
}

double mh_delivery_potts_guy(double mw_da, double log_kow) { return pow(10.0, -2.7 + 0.71 * log_kow - 0.0061 * mw_da); }

double mh_delivery_stokes_einstein(double mw_da, double D_ref, double mw_ref_da) { return D_ref * cbrt(mw_ref_da / mw_da); }

/* A value with an 'auto' option: the config's, or the automatic one. */
static double real_or(const mh_config *cfg, mh_param_id id, double automatic)
{
    return mh_config_is_auto(cfg, id) ? automatic : mh_config_real(cfg, id);
}

mh_status mh_delivery_resolve(const mh_config *cfg, const double *session_days, const mh_device *dev, int n,
                              double s_GB, mh_delivery *d, mh_ctx *ctx)
{
    (void)ctx;
    memset(d, 0, sizeof *d);
    const char *name = mh_config_choice(cfg, MH_P_DEL_COMPOUND);
    for (int c = 0; c < MH_NCOMPOUNDS; c++)
        if (strcmp(name, compounds[c].name) == 0)
            d->compound = (mh_compound)c;
    d->mw_da = real_or(cfg, MH_P_DEL_MW, compounds[d->compound].mw_da);
    d->log_kow = real_or(cfg, MH_P_DEL_LOGKOW, compounds[d->compound].log_kow);
    /* the table's diffusivity holds for its molecular weight only */
    const double D_table = mh_config_is_auto(cfg, MH_P_DEL_MW) ? compounds[d->compound].D_cm2_s : 0.0;
    d->D_tissue_cm2_s = real_or(cfg, MH_P_DEL_D,
                                D_table > 0.0 ? D_table
                                              : mh_delivery_stokes_einstein(d->mw_da, mh_config_real(cfg, MH_P_DEL_DREF),
                                                                            mh_config_real(cfg, MH_P_DEL_MWREF)));
    d->kp_cm_h = real_or(cfg, MH_P_DEL_KP, mh_delivery_potts_guy(d->mw_da, d->log_kow));
    d->c0_mg_ml = mh_config_real(cfg, MH_P_DEL_CONC);
    d->dose_ug_cm2 = mh_config_real(cfg, MH_P_DEL_DOSE) * d->c0_mg_ml; /* uL/cm^2 x ug/uL */
    if (d->compound == MH_CMP_NONE)
        return MH_OK; /* no application: every rate stays 0 */
    d->k_ex_per_day = mh_config_real(cfg, MH_P_DEL_EXCH) * 1440.0;
    d->k_clr_per_day = real_or(cfg, MH_P_DEL_CLEAR,
                               d->mw_da <= MH_LYMPH_CUTOFF_DA ? MH_CLEAR_SMALL_PER_H : MH_CLEAR_LARGE_PER_H) * 24.0;
    /* PRP's growth factors decay as the model's growth factor does (model.k_G, 1/day) */
    d->k_deg_per_day = mh_config_is_auto(cfg, MH_P_DEL_DEG)
                           ? (d->compound == MH_CMP_PRP ? mh_config_real(cfg, MH_P_M_K_G) : 0.0)
                           : mh_config_real(cfg, MH_P_DEL_DEG) * 24.0;
    d->g_prp_per_day = d->compound == MH_CMP_PRP ? mh_config_real(cfg, MH_P_DEL_PRP) * s_GB : 0.0;
    const double after = mh_config_real(cfg, MH_P_DEL_AFTER) / 1440.0;
    d->nsessions = n;
    for (int k = 0; k < n; k++) {
        double contact = mh_config_real(cfg, MH_P_DEL_CONTACT) / 24.0;
        if (mh_config_is_auto(cfg, MH_P_DEL_CONTACT))
            contact = dev[k].type == MH_DEV_PATCH && dev[k].wear_time_days > 0.0 ? dev[k].wear_time_days
                                                                               : MH_CONTACT_H / 24.0;
        d->on_days[k] = session_days[k] + after;
        d->off_days[k] = d->on_days[k] + contact;
    }
    return MH_OK;
}

void mh_delivery_sc(const mh_delivery *d, double dx_mm, int n_sc, double *D_sc, double *s_top)
{
    const double kp_mm_day = d->kp_cm_h * 10.0 * 24.0;
    if (d->compound == MH_CMP_NONE) {
        *D_sc = 0.0;
        *s_top = 0.0;
    } else if (n_sc > 0) {
        *D_sc = kp_mm_day * n_sc * dx_mm;
        *s_top = 2.0 * *D_sc / (dx_mm * dx_mm);
    } else {
        *D_sc = 0.0;
        *s_top = kp_mm_day / dx_mm;
    }
}

bool mh_delivery_on(const mh_delivery *d, double t0, double t1)
{
    const double mid = 0.5 * (t0 + t1); /* steps land on the starts and ends: the midpoint decides */
    for (int k = 0; k < d->nsessions; k++)
        if (d->on_days[k] <= mid && mid < d->off_days[k])
            return true;
    return false;
}

double mh_delivery_next_event(const mh_delivery *d, double t)
{
    double next = INFINITY;
    for (int k = 0; k < d->nsessions; k++) {
        if (d->on_days[k] > t && d->on_days[k] < next)
            next = d->on_days[k];
        if (d->off_days[k] > t && d->off_days[k] < next)
            next = d->off_days[k];
    }
    return next;
}
