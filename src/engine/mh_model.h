/* src/engine: the numerical engine, on plain parameter structs; no configuration, no HDF5, no printing. */
/* mh_model: the reaction terms of the healing model, its parameters, baseline state and wounding. */
#ifndef MH_MODEL_H
#define MH_MODEL_H

#include "mh_device.h"
#include "mh_fields.h"
#include "mh_grid.h"

/* Model parameters in solver units (day, mm); symbols as in papers/model.md. */
typedef struct {
    double k_D, k_DI;
    double tau0_close, v_close; /* day, mm/day */
    double D_K, r_K;
    double b_bleed, f_bleed; /* f_bleed = f_anticoag if the patient takes anticoagulants, else 1 */
    double k_B;
    double D_H, k_H, s_H;
    double D_I, r_I, k_I;
    double D_G, k_G, s_GB, s_GI;
    double D_F, chi, r_F, F_max, delta_F, kill_F;
    double s_3, k_31, s_1, rho_1, s_E, rho_E;
    double w_3, gamma; /* gamma = w_3 / (1 - w_3) */
    double a_age;      /* synthesis factor of the patient's age */
    double beta_B, beta_I;
    /* the applied compound (mh_delivery; all 0 without one). compound: true when the run applies one;
     * false: Q = 0 throughout, and the reaction kernel neither reads nor writes Q (nor w_open) */
    bool compound;
    double D_Q, D_Q_sc;        /* mm^2/day: viable tissue, stratum corneum */
    double s_top;              /* 1/day: exchange of the top cell row with the film through intact stratum corneum */
    double k_ex, k_clr, k_deg; /* 1/day: open lumen with its cell, vascular uptake (x v), breakdown */
    double g_prp;              /* 1/day: growth factor released per unit Q (PRP) */
    /* set by the time loop for each step: 1 while the compound is on the skin (a), the film's
     * concentration relative to the applied one (c, 0 when it is off), 1 while the needles stay in
     * the skin and hold the channels open (h); else 0 */
    double a_on, c_film, hold;
} mh_model_params;

/* Age factor a(age): 1 below age_lo, ratio above age_hi, linear between (Varani 2006). */
double mh_model_age_factor(double age, double age_lo, double age_hi, double ratio);

/* Untreated skin: D=O=B=H=I=G=0, K=e, F=C3=C1=E=m: a steady state of the equations, which the stepped
 * fields keep to rounding (under 1e-12 relative over a year of half-day steps; tests/test_model.c). */
void mh_model_baseline(const mh_grid *g, mh_fields *f);

/* Per-cell closure rate 1/tau (1/day) of open channel cells; caller owns arrays. */
typedef struct {
    double *k_close; /* ncell */
    double *w_open;  /* ncell: the section weight of a channel cell's lumen (1 in 3-D, 0 outside channels) */
} mh_model_aux;

/* Marks the channels of punctures p[0..n) on the fields: damage, open channel (every channel cell,
 * down to the tip), epidermal loss, blood in vascularised cells, a fraction kill_F of fibroblasts killed;
 * the matrix is displaced, not removed.
 * In 2-D, damage, blood and the killed fraction carry the section weight w_k = pi r_k^2 / (s W_k)
 * (r_k channel radius at depth row k, W_k the slit's width in cells x dx, s = grid length, capped at 1),
 * so the injured amount per area matches the 3-D patch; open channel and epidermal loss do not (they
 * are per channel), and the weight of the open lumen goes to aux->w_open (the compound's exchange).
 * Writes each channel cell's closure rate into aux->k_close. Returns the number
 * of channel cells at the surface (k = 0) in *surface_cells. */
void mh_model_wound(const mh_grid *g, const mh_model_params *p, const mh_puncture *punct, size_t n, mh_fields *f,
                    mh_model_aux *aux, size_t *surface_cells);

/* One explicit chemotaxis step of fibroblasts up the growth-factor gradient
 * (conservative, zero flux outside the dermis): F_out = F + dt (-div(chi F grad G)); F_out = F when chi = 0.
 * Face values are upwind plus a van Leer-limited correction (second order where F is smooth,
 * first order at extrema and beside the dermis boundary); non-negative under the step limit of
 * mh_model_chemotaxis_dt_limit. F, G and F_out have ncell values; F_out must not alias F. */
void mh_model_chemotaxis(const mh_grid *g, const mh_model_params *p, double dt, const double *restrict F,
                         const double *restrict G, double *restrict F_out);

/* Largest stable chemotaxis step: sum of outflow speeds x dt / dx <= 1/2 in every cell. */
double mh_model_chemotaxis_dt_limit(const mh_grid *g, const mh_model_params *p, const mh_fields *f);

/* Reference kernels (mh_model_ref.c): the same two results cell by cell, serial, written for
 * clarity; the optimised kernels above give the same bits (tests/test_model.c). */
void mh_model_chemotaxis_reference(const mh_grid *g, const mh_model_params *p, double dt, const double *F,
                                   const double *G, double *F_out);
double mh_model_chemotaxis_dt_limit_reference(const mh_grid *g, const mh_model_params *p, const mh_fields *f);

/* Species whose loss rate L[s] in mh_model_rates is a parameter alone, the same in every cell and
 * state (B, H, I, G, C3, C1, E), so that a step's Patankar-Euler divisor 1 + dt L[s] is one number
 * per step (mh_step.c divides by it once). tests/test_model.c holds this list to mh_model_rates. */
static const bool mh_model_uniform_loss[MH_NSPECIES] = {
    [MH_S_B] = true,  [MH_S_H] = true,  [MH_S_I] = true, [MH_S_G] = true,
    [MH_S_C3] = true, [MH_S_C1] = true, [MH_S_E] = true,
};

/* Local reaction rates of one cell in production-destruction form, du_s/dt = P[s] - L[s] u[s]
 * with P, L >= 0 for u >= 0. m, e, v: dermal, epidermal and vascular profile values of the
 * cell's depth; s_top: its row's exchange with the film (p->s_top in the top row, else 0);
 * k_close: its channel closure rate (1/day); w_open: its lumen weight (mh_model_aux).
 * u, P, L have MH_NSPECIES entries. */
static inline void mh_model_rates(const mh_model_params *p, double m, double e, double v, double s_top, double k_close,
                                  double w_open, const double *restrict u, double *restrict P, double *restrict L)
{
    const double D = u[MH_S_D], K = u[MH_S_K], B = u[MH_S_B], H = u[MH_S_H], I = u[MH_S_I];
    const double G = u[MH_S_G], F = u[MH_S_F], C3 = u[MH_S_C3], O = u[MH_S_O], Q = u[MH_S_Q];
    const double phi = G / (1.0 + G);
    const double Fex = F > m ? F - m : 0.0, C3ex = C3 > m ? C3 - m : 0.0;
    const double a = p->a_age;
    P[MH_S_D] = 0.0;
    L[MH_S_D] = p->k_D + p->k_DI * I;
    P[MH_S_O] = 0.0;
    L[MH_S_O] = (1.0 - p->hold) * k_close; /* held open while the needles stay in */
    P[MH_S_K] = e * p->r_K * K;            /* logistic r K (1 - K) only where epidermis belongs */
    L[MH_S_K] = e * p->r_K * K;
    P[MH_S_B] = 0.0;
    L[MH_S_B] = p->k_B;
    P[MH_S_H] = p->s_H * D;
    L[MH_S_H] = p->k_H;
    P[MH_S_I] = p->r_I * v * H;
    L[MH_S_I] = p->k_I;
    P[MH_S_G] = p->s_GB * B + p->s_GI * I + p->g_prp * Q;
    L[MH_S_G] = p->k_G;
    P[MH_S_F] = p->r_F * phi * F + p->delta_F * m;
    L[MH_S_F] = p->r_F * phi * F / p->F_max + p->delta_F;
    P[MH_S_C3] = a * p->s_3 * phi * F + p->k_31 * m;
    L[MH_S_C3] = p->k_31;
    P[MH_S_C1] = a * p->s_1 * Fex + p->gamma * p->k_31 * C3ex + p->rho_1 * m;
    L[MH_S_C1] = p->rho_1;
    P[MH_S_E] = a * p->s_E * Fex + p->rho_E * m;
    L[MH_S_E] = p->rho_E;
    const double in = p->a_on * (p->k_ex * w_open * O + s_top); /* exchange with the film */
    P[MH_S_Q] = in * p->c_film;
    L[MH_S_Q] = in + p->k_clr * v + p->k_deg;
}

/* Depth profiles of the diffusion coefficients on grid g: D[s] is a new array of nz values
 * (mm^2/day) for a species that diffuses in some layer, NULL for one that never diffuses.
 * Free with mh_model_diffusion_profiles_clear. MH_ERR_NOMEM on failure (nothing left allocated). */
mh_status mh_model_diffusion_profiles(const mh_model_params *p, const mh_grid *g, double *D[MH_NSPECIES], mh_ctx *ctx);
void mh_model_diffusion_profiles_clear(double *D[MH_NSPECIES]);

/* Diffusion coefficient (mm^2/day) of species s in layer l; 0 for species that do not diffuse. */
double mh_model_diffusivity(const mh_model_params *p, mh_species s, mh_layer l);

#endif
