/* src/engine: the numerical engine, on plain parameter structs; no configuration, no HDF5, no printing. */
/* mh_delivery: a compound applied to the skin after needling: its properties, its transport
 * coefficients in solver units, and when it is on the skin (papers/delivery.md).
 *
 * The compound's concentration in tissue, Q (relative to the applied concentration c0), is a species
 * of the model (MH_S_Q); mh_model_rates holds its reaction terms, mh_model_diffusivity its transport:
 *   Q' = div(D_Q grad Q) + a(t) (k_ex O + s_top) (c(t) - Q) - (k_clr v + k_deg) Q
 * a(t) = 1 while the compound is on the skin, c(t) the film's concentration (relative to c0; it
 * falls from 1 as the film's dose, dose x c0 per area, enters the skin), O the open lumen of the
 * channels, s_top the exchange of the top cell row with the film through intact stratum corneum,
 * v the vascular density. */
#ifndef MH_DELIVERY_H
#define MH_DELIVERY_H

#include "mh_device.h"

typedef enum {
    MH_CMP_NONE = 0,
    MH_CMP_SERUM,     /* a peptide serum: palmitoyl pentapeptide-4 */
    MH_CMP_VITAMIN_C, /* L-ascorbic acid */
    MH_CMP_HA,        /* high-molecular-weight hyaluronic acid */
    MH_CMP_PRP,       /* platelet-rich plasma: its growth factors */
    MH_CMP_DRUG,      /* a small-molecule drug */
    MH_CMP_VACCINE    /* a protein antigen */
} mh_compound;

/* The resolved delivery settings of a run. */
typedef struct {
    mh_compound compound;
    double mw_da, log_kow;
    double D_tissue_cm2_s; /* in viable epidermis, dermis and hypodermis */
    double kp_cm_h;        /* permeability of intact stratum corneum */
    double c0_mg_ml;       /* applied concentration */
    double dose_ug_cm2;    /* compound in the film per skin area (volume x c0) */
    double k_ex_per_day;   /* exchange of open channel lumen with its cell */
    double k_clr_per_day;  /* vascular uptake (times v) */
    double k_deg_per_day;  /* breakdown */
    double g_prp_per_day;  /* growth-factor release per unit Q (PRP), else 0 */
    int nsessions;
    double on_days[MH_MAX_SESSIONS], off_days[MH_MAX_SESSIONS]; /* when each application starts and ends */
} mh_delivery;

/* The settings of the applied compound, as given. NAN in a member marked "auto" asks for its automatic
 * value (mh_delivery_resolve; papers/delivery.md). */
typedef struct {
    mh_compound compound;
    double mw_da, log_kow;    /* auto: the compound's */
    double diffusivity_cm2_s; /* in tissue; auto: the compound's, or Stokes-Einstein from the reference */
    double reference_diffusivity_cm2_s, reference_mw_da;
    double sc_permeability_cm_h; /* auto: Potts & Guy */
    double concentration_mg_ml;  /* c0 */
    double dose_ul_cm2;          /* volume of the film per skin area */
    double apply_after_min;      /* from the session to the application */
    double contact_h;            /* auto: a patch's wear time, else 8 h */
    double channel_exchange_per_min;
    double clearance_per_h;     /* auto: by molecular weight (lymphatic above 16 kDa) */
    double degradation_per_h;   /* auto: model.k_G for PRP, else 0 */
    double prp_platelet_factor; /* PRP's growth-factor release relative to the clot's */
} mh_delivery_params;

/* Resolves p for a run whose sessions are on days session_days[0..n) with devices dev[0..n) (a patch's
 * contact time is its wear time when contact_h is auto). With compound = none, every rate is 0 and there
 * are no applications (nsessions = 0). s_GB and k_G (1/day) are the model's growth-factor release by
 * the clot (which PRP scales) and decay (PRP's). Always MH_OK. */
mh_status mh_delivery_resolve(const mh_delivery_params *p, const double *session_days, const mh_device *dev, int n,
                              double s_GB, double k_G, mh_delivery *out, mh_ctx *ctx);

/* The compound named s ("none", "serum", ...): true and *out set when s names one. */
bool mh_delivery_compound_from_name(const char *s, mh_compound *out);

/* Potts & Guy (1992): log10 kp [cm/h] = -2.7 + 0.71 log Kow - 0.0061 MW [Da]. */
double mh_delivery_potts_guy(double mw_da, double log_kow);

/* Stokes-Einstein scaling from a reference: D = D_ref (MW_ref / MW)^(1/3). */
double mh_delivery_stokes_einstein(double mw_da, double D_ref, double mw_ref_da);

/* Stratum corneum transport on a grid of spacing dx_mm whose top n_sc rows are stratum corneum: the
 * diffusivity D_sc (mm^2/day) that gives n_sc rows the permeability kp (D_sc = kp n_sc dx), and the
 * exchange rate s_top (1/day) of the top row with the film (2 D_sc / dx^2: half a cell; kp / dx when
 * no row is stratum corneum). */
void mh_delivery_sc(const mh_delivery *d, double dx_mm, int n_sc, double *D_sc_mm2_day, double *s_top_per_day);

/* Whether the compound is on the skin throughout (t0, t1) (an application covers it), and the next
 * start or end of an application after t (INFINITY if none). */
bool mh_delivery_on(const mh_delivery *d, double t0, double t1);
double mh_delivery_next_event(const mh_delivery *d, double t);

/* Name of a compound ("none", "serum", ...). */
const char *mh_delivery_compound_name(mh_compound c);

#endif
