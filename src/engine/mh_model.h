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
    double D_H, k_H, s_H, s_HK; /* s_HK: mediator released by wounded epidermis, per unit deficit e (1 - K)+ */
    double D_I, r_I, k_I;
    double D_G, k_G, s_GB, s_GI;
    double k_Gb, L_store, k_LM, lambda_L; /* binding of active TGF-beta to the matrix; latent store, its
                                           * release per unit MMP activity and its replenishment */
    double D_F, chi, r_F, F_max, delta_F, kill_F;
    /* matrix: stimulated synthesis s_*, basal turnover lambda_*, MMP susceptibility kappa_*; new
     * collagen I matures at k_mat; eta_C: homeostatic feedback of collagen on its own synthesis */
    double s_3, lambda_3, kappa_3;
    double s_1, k_mat, lambda_N, kappa_N, lambda_1, kappa_1;
    double s_E, lambda_E, kappa_E;
    double eta_C;
    double s_MI, s_MF, k_M;   /* MMP activity: release by inflammatory cells and activated fibroblasts; loss */
    double k_W, k_W_occ;      /* barrier recovery rate, open and occluded */
    double s_A, k_A;          /* angiogenesis per inflammatory cell (x v), vessel regression */
    double D_X, s_X, k_X;     /* KGF: diffusivity, release by activated fibroblasts, loss */
    double r_T, delta_T;      /* epidermal thickening at saturating KGF; return to untreated */
    double eps_V, H_V;        /* vasodilation: maximal perfusion gain, half-saturating mediator */
    double y_F, sigma_Y, k_Y; /* neurogenic flare per puncture: amplitude, radius (mm), decay (1/day) */
    double w_3;               /* collagen III mass fraction of baseline collagen */
    double a_age;             /* synthesis factor of the patient's age */
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
     * the skin and hold the channels open (h), 1 while the site is occluded (a dressing, or a patch
     * while it is worn: occl); else 0 */
    double a_on, c_film, hold, occl;
} mh_model_params;

/* Age factor a(age): 1 below age_lo, ratio above age_hi, linear between (Varani 2006). */
double mh_model_age_factor(double age, double age_lo, double age_hi, double ratio);

/* Untreated skin: D=O=B=H=I=G=0, K=e, F=C3=C1=E=m: a steady state of the equations, which the stepped
 * fields keep to rounding (under 1e-12 relative over a year of half-day steps; tests/test_model.c). */
void mh_model_baseline(const mh_grid *g, mh_fields *f);

/* The lateral reach of a puncture's flare, in units of its radius sigma_Y (exp(-12.5) = 4e-6 beyond). */
#define MH_FLARE_REACH 5.0

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

/* The neurogenic flare of punctures p[0..n) (called by mh_model_wound): each puncture that pierces the
 * skin stimulates the nociceptors of the epidermis, whose axon reflex dilates the superficial plexus
 * over millimetres (Lewis's flare). Adds y_F exp(-d^2 / (2 sigma_Y^2)) to Y in every papillary-dermis
 * cell, d its lateral distance from the puncture, summed over the images of the periodic tiling or the
 * mirror images of a zero-flux domain, and cut at MH_FLARE_REACH sigma_Y. In 2-D each section puncture
 * adds the mean over the strip, y_F sqrt(2 pi) sigma_Y / s exp(-d^2 / (2 sigma_Y^2)) (s as above), so
 * the mean over the section equals the 3-D patch's, y_F 2 pi sigma_Y^2 per puncture and area. Nothing
 * when y_F or sigma_Y is 0. */
void mh_model_flare(const mh_grid *g, const mh_model_params *p, const mh_puncture *punct, size_t n, mh_fields *f);

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

/* Species whose loss rate L[s] in mh_model_rates depends on the parameters and the cell's depth
 * profiles alone, not on the state (B, H, I, G, M, W, A, X, T), so that a step's Patankar-Euler divisor
 * 1 + dt L[s] is one number per depth row (mh_step.c divides by it once per block of a row).
 * tests/test_model.c holds this list to mh_model_rates. */
static const bool mh_model_uniform_loss[MH_NSPECIES] = {
    [MH_S_B] = true, [MH_S_H] = true, [MH_S_I] = true, [MH_S_G] = true, [MH_S_M] = true,
    [MH_S_W] = true, [MH_S_A] = true, [MH_S_X] = true, [MH_S_T] = true, [MH_S_Y] = true,
};

/* x+ = max(x, 0) (0 for NaN) of a value computed unconditionally: a conditional subtraction (c > m ?
 * c - m : 0) could trap, which stops GCC from if-converting, and so from vectorising, the reaction loop. */
static inline double mh_model_pos(double x) { return x > 0.0 ? x : 0.0; }

/* Binding rate of active TGF-beta per unit of store capacity, k_Gb / L_store (1/day; 0 without a store).
 * Branch-free (a division by +inf gives 0), so that the reaction loop still vectorises. */
static inline double mh_model_bind_per_store(const mh_model_params *p)
{
    return p->k_Gb / (p->L_store > 0.0 ? p->L_store : INFINITY);
}

/* Homeostatic factor of collagen synthesis, psi = 1 / (1 + eta_C (C - m)+), C = (1 - w_3)(C1 + N) +
 * w_3 C3 the cell's total collagen: 1 at and below the untreated density, less above it. */
static inline double mh_model_psi(const mh_model_params *p, double m, double C3, double C1, double N)
{
    const double C = (1.0 - p->w_3) * (C1 + N) + p->w_3 * C3;
    return 1.0 / (1.0 + p->eta_C * mh_model_pos(C - m));
}

/* Perfusion gain of vasodilation by the mediator H and the neurogenic flare Y (mediator-equivalent),
 * eps_V (H + Y) / (H_V + H + Y) (0 without either). */
static inline double mh_model_vasodilation(const mh_model_params *p, double H, double Y)
{
    return p->eps_V * (H + Y) / (p->H_V + H + Y);
}

/* Local reaction rates of one cell in production-destruction form, du_s/dt = P[s] - L[s] u[s]
 * with P, L >= 0 for u >= 0. m, e, v: dermal, epidermal and vascular profile values of the
 * cell's depth; s_top: its row's exchange with the film (p->s_top in the top row, else 0);
 * k_close: its channel closure rate (1/day); w_open: its lumen weight (mh_model_aux).
 * u, P, L have MH_NSPECIES entries. */
static inline void mh_model_rates(const mh_model_params *p, double m, double e, double v, double s_top, double k_close,
                                  double w_open, const double *restrict u, double *restrict P, double *restrict L)
{
    const double D = u[MH_S_D], K = u[MH_S_K], B = u[MH_S_B], H = u[MH_S_H], I = u[MH_S_I];
    const double G = u[MH_S_G], F = u[MH_S_F], O = u[MH_S_O], Q = u[MH_S_Q];
    const double M = u[MH_S_M], Lt = u[MH_S_L], N = u[MH_S_N], X = u[MH_S_X];
    const double phi = G / (1.0 + G);
    const double Fex = mh_model_pos(F - m);
    const double psi = mh_model_psi(p, m, u[MH_S_C3], u[MH_S_C1], N);
    const double a = p->a_age;
    P[MH_S_D] = 0.0;
    L[MH_S_D] = p->k_D + p->k_DI * I;
    P[MH_S_O] = 0.0;
    L[MH_S_O] = (1.0 - p->hold) * k_close; /* held open while the needles stay in */
    P[MH_S_K] = e * p->r_K * K;            /* logistic r K (1 - K) only where epidermis belongs */
    L[MH_S_K] = e * p->r_K * K;
    P[MH_S_B] = 0.0;
    L[MH_S_B] = p->k_B;
    /* wounded epidermis: (1 - K)+ (K may round above 1), weighted like every injured amount by the
     * cell's section weight w_open (1 in 3-D; K itself is kept per channel for re-epithelialisation) */
    P[MH_S_H] = p->s_H * D + p->s_HK * e * w_open * mh_model_pos(1.0 - K);
    L[MH_S_H] = p->k_H;
    P[MH_S_I] = p->r_I * v * H;
    L[MH_S_I] = p->k_I;
    P[MH_S_G] = p->s_GB * B + p->s_GI * I + p->g_prp * Q + p->L_store * p->k_LM * M * Lt;
    L[MH_S_G] = p->k_G + p->k_Gb * m;
    P[MH_S_F] = p->r_F * phi * F + p->delta_F * m;
    L[MH_S_F] = p->r_F * phi * F / p->F_max + p->delta_F;
    P[MH_S_C3] = (p->lambda_3 + a * p->s_3 * phi) * F * psi;
    L[MH_S_C3] = p->lambda_3 + p->kappa_3 * M;
    P[MH_S_N] = a * p->s_1 * phi * F * psi;
    L[MH_S_N] = p->k_mat + p->lambda_N + p->kappa_N * M;
    P[MH_S_C1] = p->lambda_1 * F * psi + p->k_mat * N;
    L[MH_S_C1] = p->lambda_1 + p->kappa_1 * M;
    P[MH_S_E] = (p->lambda_E + a * p->s_E * phi) * F;
    L[MH_S_E] = p->lambda_E + p->kappa_E * M;
    P[MH_S_M] = p->s_MI * I + p->s_MF * Fex;
    L[MH_S_M] = p->k_M;
    P[MH_S_L] = (p->lambda_L + mh_model_bind_per_store(p) * G) * m;
    L[MH_S_L] = p->lambda_L + p->k_LM * M;
    P[MH_S_W] = 0.0;
    L[MH_S_W] = (1.0 - p->hold) * (p->occl > 0.0 ? p->k_W_occ : p->k_W);
    P[MH_S_A] = p->s_A * v * I;
    L[MH_S_A] = p->k_A;
    P[MH_S_X] = p->s_X * Fex;
    L[MH_S_X] = p->k_X;
    P[MH_S_T] = e * (p->delta_T + p->r_T * X / (1.0 + X));
    L[MH_S_T] = p->delta_T;
    P[MH_S_Y] = 0.0; /* deposited at each puncture (mh_model_flare), then it fades */
    L[MH_S_Y] = p->k_Y;
    const double in = p->a_on * (p->k_ex * w_open * O + s_top); /* exchange with the film */
    P[MH_S_Q] = in * p->c_film;
    L[MH_S_Q] = in + p->k_clr * v + p->k_deg;
}

/* The exchange of the active growth factor G with its matrix-bound store L over a step dt, solved
 * implicitly as the linear pair it is (backward Euler, with M at the end of the step, M_new, and the
 * other sources from the old state):
 *   a G' - b L' = G + dt P_G,o,   -c G' + d L' = L + dt lambda_L m,
 *   a = 1 + dt (k_G + k_Gb m), b = dt L_store k_LM M, c = dt (k_Gb / L_store) m, d = 1 + dt (lambda_L + k_LM M),
 * P_G,o the production of G without the release from L. The Patankar step of each species on its own would
 * hand L the binding of the old G while G loses (nearly) all of it in a long step, and back: a transfer
 * that is not conserved and that depends on the step (papers/model.md section 6). det = a d - b c > 0 and
 * the inverse is non-negative, so G' and L' stay non-negative; G + L_store L changes only by the sources
 * and sinks. */
static inline void mh_model_bound_exchange(const mh_model_params *p, double m, double M, double M_new, double dt,
                                           double G, double Lt, double P_G, double *restrict G_new,
                                           double *restrict L_new)
{
    /* P_G holds the release at the old M; the pair is solved with the release at the new M (the MMP
     * activity of the end of the step, already known: M does not depend on G or L) */
    const double other = P_G - p->L_store * p->k_LM * M * Lt;
    M = M_new;
    const double release = p->L_store * p->k_LM * M;
    const double a = 1.0 + dt * (p->k_G + p->k_Gb * m), b = dt * release;
    const double c = dt * mh_model_bind_per_store(p) * m, d = 1.0 + dt * (p->lambda_L + p->k_LM * M);
    const double rg = G + mh_model_pos(dt * other), rl = Lt + dt * p->lambda_L * m;
    const double det = a * d - b * c;
    *G_new = (d * rg + b * rl) / det;
    *L_new = (a * rl + c * rg) / det;
}

/* Mature collagen I after a step: (C1 + dt (P_C1 - k_mat N + k_mat N_new)) / (1 + dt L_C1), the maturation
 * k_mat N taken at the new N (P_C1 holds it at the old N; inv_d = 1 / (1 + dt L_C1)), so that what matures is
 * what new collagen lost to maturation in the step, whatever the step (a conserved transfer). */
static inline double mh_model_matured(const mh_model_params *p, double dt, double C1, double P_C1, double N,
                                      double N_new, double inv_d)
{
    const double P = P_C1 - p->k_mat * N + p->k_mat * N_new;
    return (C1 + mh_model_pos(dt * P)) * inv_d;
}

/* Depth profiles of the diffusion coefficients on grid g: D[s] is a new array of nz values
 * (mm^2/day) for a species that diffuses in some layer, NULL for one that never diffuses.
 * Free with mh_model_diffusion_profiles_clear. MH_ERR_NOMEM on failure (nothing left allocated). */
mh_status mh_model_diffusion_profiles(const mh_model_params *p, const mh_grid *g, double *D[MH_NSPECIES], mh_ctx *ctx);
void mh_model_diffusion_profiles_clear(double *D[MH_NSPECIES]);

/* Diffusion coefficient (mm^2/day) of species s in layer l; 0 for species that do not diffuse. */
double mh_model_diffusivity(const mh_model_params *p, mh_species s, mh_layer l);

#endif
