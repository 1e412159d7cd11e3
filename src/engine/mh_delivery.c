/* src/engine: the numerical engine, on plain parameter structs; no configuration, no HDF5, no printing. */
/* mh_delivery: compound properties, transport coefficients and application times (mh_delivery.h).
 *
 * Stratum corneum: Potts & Guy (1992) Pharm Res 9:663, log10 kp [cm/h] = -2.7 + 0.71 log Kow
 * - 0.0061 MW, which falls by a factor of ten every 164 Da: the "500 Dalton rule" (Bos & Meinardi
 * 2000 Exp Dermatol 9:165) follows from it. Tissue diffusivity: Stokes-Einstein, D proportional to
 * the hydrodynamic radius^-1, radius proportional to MW^(1/3) for a globular molecule. Units: the
 * solver's day and mm. Every value: papers/delivery.md. */
#include "mh_delivery.h"

#include "mh_units.h"

#include <math.h>
#include <string.h>

/* The compound table (papers/delivery.md, "Compounds"). */
static const struct {
    const char *name;
    double mw_da, log_kow;
    double D_cm2_s; /* tissue diffusivity when Stokes-Einstein for a globular molecule does not hold, else 0 */
} compounds[] = {
    [MH_CMP_NONE] = {"none", 300.0, 1.0, 0.0},
    [MH_CMP_SERUM] = {"serum", 802.1, 2.0, 0.0},            /* palmitoyl pentapeptide-4; log Kow ASSUMPTION */
    [MH_CMP_VITAMIN_C] = {"vitamin_c", 176.12, -1.85, 0.0}, /* L-ascorbic acid; log Kow ASSUMPTION (not verified) */
    /* 1 MDa, a random coil: Stokes-Einstein with a hydrodynamic radius of ~60 nm (ASSUMPTION) in
     * water at 37 C, times the tissue hindrance 0.27 (Fu et al. 2005); log Kow ASSUMPTION (no effect) */
    [MH_CMP_HA] = {"hyaluronic_acid", 1.0e6, -4.0, 1.5e-8},
    [MH_CMP_PRP] = {"prp", 25000.0, -4.0, 0.0},         /* PDGF-BB-sized growth factors; log Kow ASSUMPTION */
    [MH_CMP_DRUG] = {"drug", 300.0, 1.0, 0.0},          /* ASSUMPTION: a generic small molecule */
    [MH_CMP_VACCINE] = {"vaccine", 60000.0, -4.0, 0.0}, /* a haemagglutinin-sized antigen; ASSUMPTION */
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

double mh_delivery_stokes_einstein(double mw_da, double D_ref, double mw_ref_da)
{
    return D_ref * cbrt(mw_ref_da / mw_da);
}

/* A value with an 'auto' option (NAN): the given one, or the automatic one. */
static double given_or(double given, double automatic) { return isnan(given) ? automatic : given; }

bool mh_delivery_compound_from_name(const char *s, mh_compound *out)
{
    for (int c = 0; c < MH_NCOMPOUNDS; c++)
        if (strcmp(s, compounds[c].name) == 0) {
            *out = (mh_compound)c;
            return true;
        }
    return false;
}

mh_status mh_delivery_resolve(const mh_delivery_params *p, const double *session_days, const mh_device *dev, int n,
                              double s_GB, double k_G, mh_delivery *d, mh_ctx *ctx)
{
    (void)ctx;
    memset(d, 0, sizeof *d);
    d->compound = (int)p->compound >= 0 && (int)p->compound < MH_NCOMPOUNDS ? p->compound : MH_CMP_NONE;
    d->mw_da = given_or(p->mw_da, compounds[d->compound].mw_da);
    d->log_kow = given_or(p->log_kow, compounds[d->compound].log_kow);
    /* the table's diffusivity holds for its molecular weight only */
    const double D_table = isnan(p->mw_da) ? compounds[d->compound].D_cm2_s : 0.0;
    d->D_tissue_cm2_s = given_or(
        p->diffusivity_cm2_s,
        D_table > 0.0 ? D_table
                      : mh_delivery_stokes_einstein(d->mw_da, p->reference_diffusivity_cm2_s, p->reference_mw_da));
    d->kp_cm_h = given_or(p->sc_permeability_cm_h, mh_delivery_potts_guy(d->mw_da, d->log_kow));
    d->c0_mg_ml = p->concentration_mg_ml;
    d->dose_ug_cm2 = p->dose_ul_cm2 * d->c0_mg_ml; /* uL/cm^2 x ug/uL */
    if (d->compound == MH_CMP_NONE)
        return MH_OK; /* no application: every rate stays 0 */
    d->k_ex_per_day = p->channel_exchange_per_min * MH_MINUTES_PER_DAY;
    d->k_clr_per_day =
        given_or(p->clearance_per_h, d->mw_da <= MH_LYMPH_CUTOFF_DA ? MH_CLEAR_SMALL_PER_H : MH_CLEAR_LARGE_PER_H) *
        MH_HOURS_PER_DAY;
    /* PRP's growth factors decay as the model's growth factor does (model.k_G, 1/day) */
    d->k_deg_per_day =
        isnan(p->degradation_per_h) ? (d->compound == MH_CMP_PRP ? k_G : 0.0) : p->degradation_per_h * MH_HOURS_PER_DAY;
    d->g_prp_per_day = d->compound == MH_CMP_PRP ? p->prp_platelet_factor * s_GB : 0.0;
    const double after = p->apply_after_min / MH_MINUTES_PER_DAY;
    d->nsessions = n;
    for (int k = 0; k < n; k++) {
        double contact = p->contact_h / MH_HOURS_PER_DAY;
        if (isnan(p->contact_h))
            contact = dev[k].type == MH_DEV_PATCH && dev[k].wear_time_days > 0.0 ? dev[k].wear_time_days
                                                                                 : MH_CONTACT_H / MH_HOURS_PER_DAY;
        d->on_days[k] = session_days[k] + after;
        d->off_days[k] = d->on_days[k] + contact;
    }
    return MH_OK;
}

void mh_delivery_sc(const mh_delivery *d, double dx_mm, int n_sc, double *D_sc, double *s_top)
{
    const double kp_mm_day = d->kp_cm_h * MH_MM_PER_CM * MH_HOURS_PER_DAY;
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
