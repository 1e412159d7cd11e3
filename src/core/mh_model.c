/* mh_model: reaction terms, baseline and wounding of the microneedling healing model.
 *
 * Equations (papers/model.md, section "Equations"); m = dermal mask, e = epidermal mask,
 * v = vascular density, phi(G) = G / (1 + G), (x)+ = max(x, 0):
 *   D'  = -(k_D + k_DI I) D
 *   O'  = -O / tau,  tau = tau0_close + r_s / v_close            (per channel cell)
 *   K'  = div(D_K e grad K) + r_K K (1 - K)                       (Fisher-KPP)
 *   B'  = -k_B B
 *   H'  = D_H lap H + s_H D - k_H H
 *   I'  = D_I lap I + r_I v H - k_I I
 *   G'  = D_G lap G + s_GB B + s_GI I - k_G G
 *   F'  = div(D_F m grad F) - div(chi F grad G) + r_F phi F (1 - F/F_max) - delta_F (F - m)
 *   C3' = a s_3 phi F - k_31 (C3 - m)
 *   C1' = a s_1 (F - m)+ + gamma k_31 (C3 - m)+ - rho_1 (C1 - m)
 *   E'  = a s_E (F - m)+ - rho_E (E - m)
 * Reactions are integrated by the Patankar (production-destruction) Euler step
 * u_new = (u + dt P) / (1 + dt L) with P, L >= 0 from the old state: first order, and
 * unconditionally positive (Patankar 1980; Burchard, Deleersnijder & Meister 2003).
 * Diffusion is done elsewhere (mh_diffusion); chemotaxis here, explicitly, with van Leer-limited
 * upwind face values (second order in space where F is smooth). */
#include "mh_model.h"

#include <gsl/gsl_math.h>
#include <math.h>
#include <string.h>

double mh_model_age_factor(double age, double age_lo, double age_hi, double ratio)
{
    if (age <= age_lo)
        return 1.0;
    if (age >= age_hi)
        return ratio;
    return 1.0 + (ratio - 1.0) * (age - age_lo) / (age_hi - age_lo);
}

mh_status mh_model_params_from_config(const mh_config *c, mh_model_params *p, mh_ctx *ctx)
{
    (void)ctx;
    memset(p, 0, sizeof *p);
    double keloid = mh_config_real(c, MH_P_PAT_KELOID);
    double syn = 1.0 + mh_config_real(c, MH_P_M_KAPPA_S) * keloid;
    double rem = 1.0 / (1.0 + mh_config_real(c, MH_P_M_KAPPA_R) * keloid);
    p->k_D = mh_config_real(c, MH_P_M_K_D);
    p->k_DI = mh_config_real(c, MH_P_M_K_DI);
    p->tau0_close = mh_config_real(c, MH_P_M_TAU0_CLOSE) / 24.0;
    p->v_close = mh_config_real(c, MH_P_M_V_CLOSE) * 1e-3 * 24.0;
    p->D_K = mh_config_real(c, MH_P_M_D_K);
    p->r_K = mh_config_real(c, MH_P_M_R_K);
    p->b_bleed = mh_config_real(c, MH_P_M_B_BLEED);
    p->f_bleed = mh_config_bool(c, MH_P_PAT_ANTICOAG) ? mh_config_real(c, MH_P_M_F_ANTICOAG) : 1.0;
    p->k_B = mh_config_real(c, MH_P_M_K_B);
    p->D_H = mh_config_real(c, MH_P_M_D_H);
    p->k_H = mh_config_real(c, MH_P_M_K_H);
    p->s_H = mh_config_real(c, MH_P_M_S_H);
    p->D_I = mh_config_real(c, MH_P_M_D_I);
    p->r_I = mh_config_real(c, MH_P_M_R_I);
    p->k_I = mh_config_real(c, MH_P_M_K_I);
    p->D_G = mh_config_real(c, MH_P_M_D_G);
    p->k_G = mh_config_real(c, MH_P_M_K_G);
    p->s_GB = mh_config_real(c, MH_P_M_S_GB);
    p->s_GI = mh_config_real(c, MH_P_M_S_GI);
    p->D_F = mh_config_real(c, MH_P_M_D_F);
    p->kill_F = mh_config_real(c, MH_P_M_KILL_F);
    p->chi = mh_config_real(c, MH_P_M_CHI);
    p->r_F = mh_config_real(c, MH_P_M_R_F);
    p->F_max = mh_config_real(c, MH_P_M_F_MAX);
    p->delta_F = mh_config_real(c, MH_P_M_DELTA_F);
    p->s_3 = mh_config_real(c, MH_P_M_S_3) * syn;
    p->k_31 = mh_config_real(c, MH_P_M_K_31);
    p->s_1 = mh_config_real(c, MH_P_M_S_1) * syn;
    p->rho_1 = mh_config_real(c, MH_P_M_RHO_1) * rem;
    p->s_E = mh_config_real(c, MH_P_M_S_E) * syn;
    p->rho_E = mh_config_real(c, MH_P_M_RHO_E) * rem;
    p->w_3 = mh_config_real(c, MH_P_M_W_3);
    p->gamma = p->w_3 / (1.0 - p->w_3);
    p->a_age = mh_model_age_factor(mh_config_real(c, MH_P_PAT_AGE), mh_config_real(c, MH_P_M_AGE_LO),
                                   mh_config_real(c, MH_P_M_AGE_HI), mh_config_real(c, MH_P_M_AGE_RATIO));
    p->beta_B = mh_config_real(c, MH_P_M_BETA_B);
    p->beta_I = mh_config_real(c, MH_P_M_BETA_I);
    return MH_OK;
}

double mh_model_diffusivity(const mh_model_params *p, mh_species s, mh_layer l)
{
    bool epi = (l == MH_LAYER_SC || l == MH_LAYER_VE);
    bool derm = (l == MH_LAYER_PD || l == MH_LAYER_RD);
    switch (s) {
    case MH_S_K: return epi ? p->D_K : 0.0;             /* keratinocytes stay in the epidermis */
    case MH_S_H: return l == MH_LAYER_SC ? 0.0 : p->D_H; /* no transport in the cornified layer */
    case MH_S_G: return l == MH_LAYER_SC ? 0.0 : p->D_G;
    case MH_S_I: return epi ? 0.0 : p->D_I;              /* leukocytes in the vascularised tissue */
    case MH_S_F: return derm ? p->D_F : 0.0;             /* dermal fibroblasts */
    default: return 0.0;
    }
}

void mh_model_baseline(const mh_grid *g, mh_fields *f)
{
    for (int k = 0; k < g->nz; k++) {
        double m = g->dermal[k], e = g->epidermal[k];
        size_t row = (size_t)g->nx * (size_t)g->ny, off = row * (size_t)k;
        for (size_t q = off; q < off + row; q++) {
            for (int s = 0; s < MH_NSPECIES; s++)
                f->u[s][q] = 0.0;
            f->u[MH_S_K][q] = e;
            f->u[MH_S_F][q] = m;
            f->u[MH_S_C3][q] = m;
            f->u[MH_S_C1][q] = m;
            f->u[MH_S_E][q] = m;
        }
    }
}

/* Lateral distance along one axis, with the minimum image on periodic domains. */
static double lateral(double a, double b, double extent, bool periodic)
{
    double d = fabs(a - b);
    if (periodic && d > 0.5 * extent)
        d = extent - d;
    return d;
}

/* Index along an axis of n cells for the unwrapped index ii: wrapped on periodic domains, -1 outside
 * a zero-flux one. */
static inline int lateral_index(int ii, int n, bool periodic)
{
    if (periodic)
        return ((ii % n) + n) % n;
    return (ii >= 0 && ii < n) ? ii : -1;
}

void mh_model_wound(const mh_grid *g, const mh_model_params *p, const mh_puncture *punct, size_t n,
                    mh_fields *f, mh_model_aux *aux, size_t *surface_cells)
{
    const double dx = g->dx_mm;
    size_t surf = 0;
    for (size_t q = 0; q < n; q++) {
        const mh_puncture *pu = &punct[q];
        double tau = p->tau0_close + pu->radius_mm / p->v_close;
        int kmax = (int)ceil(pu->depth_mm / dx); /* cells whose top lies above the channel bottom */
        if (kmax > g->nz)
            kmax = g->nz;
        int reach = (int)ceil(pu->radius_mm / dx) + 1;
        int ic = (int)floor(pu->x_mm / dx), jc = (int)floor(pu->y_mm / dx);
        int j0 = g->dims == 3 ? jc - reach : 0, j1 = g->dims == 3 ? jc + reach : 0;
        for (int k = 0; k < kmax; k++) {
            double z = fmin((k + 0.5) * dx, pu->depth_mm);
            double r = fmax(pu->radius_mm * (1.0 - z / pu->depth_mm), 0.5 * dx);
            /* a cell belongs to the channel if its centre lies within r; ties (a centre on the rim, as
             * at the tip where r = dx/2) are included on every side alike, so rounding cannot make the
             * discrete channel lopsided */
            const double r_in = r * (1.0 + 1e-9);
            /* Injury weight: 1 in 3-D. A 2-D section stands for a strip of width s (grid length) and
             * cuts each channel through its centre, a slit of width W_k where the 3-D channel has the
             * disc pi r^2: each channel cell carries w_k = pi r^2 / (s W_k), so the injured amount per
             * area of every depth row equals the 3-D patch's (papers/model.md, "2-D sections"). */
            double w = 1.0;
            if (g->dims == 2) {
                int cells = 0;
                for (int ii = ic - reach; ii <= ic + reach; ii++) {
                    int i = lateral_index(ii, g->nx, g->periodic);
                    if (i >= 0 && lateral((i + 0.5) * dx, pu->x_mm, g->width_mm, g->periodic) <= r_in)
                        cells++;
                }
                if (cells > 0)
                    w = fmin(1.0, M_PI * r * r / (g->length_mm * cells * dx));
            }
            for (int jj = j0; jj <= j1; jj++) {
                int j = g->dims == 3 ? lateral_index(jj, g->ny, g->periodic) : 0;
                if (j < 0)
                    continue;
                double dy = g->dims == 3 ? lateral((j + 0.5) * dx, pu->y_mm, g->length_mm, g->periodic) : 0.0;
                for (int ii = ic - reach; ii <= ic + reach; ii++) {
                    int i = lateral_index(ii, g->nx, g->periodic);
                    if (i < 0)
                        continue;
                    double ddx = lateral((i + 0.5) * dx, pu->x_mm, g->width_mm, g->periodic);
                    if (ddx * ddx + dy * dy > r_in * r_in)
                        continue;
                    size_t c = mh_idx(g, i, j, k);
                    bool epi = g->epidermal[k] > 0.0;
                    if (k == 0 && f->u[MH_S_O][c] < 1.0)
                        surf++;
                    f->u[MH_S_D][c] = fmax(f->u[MH_S_D][c], w);
                    if (epi) {
                        f->u[MH_S_O][c] = 1.0;
                        f->u[MH_S_K][c] = 0.0;
                        aux->k_close[c] = 1.0 / tau;
                    }
                    f->u[MH_S_B][c] = fmax(f->u[MH_S_B][c], w * p->b_bleed * p->f_bleed * g->vascular[k]);
                    f->u[MH_S_F][c] *= 1.0 - w * p->kill_F; /* cells in the needle path die; matrix is displaced */
                }
            }
        }
    }
    *surface_cells = surf;
}

/* Moves cell c one step along axis ax (0 x, 1 y, 2 depth) in direction dir (+1/-1), wrapping on
 * periodic lateral boundaries. Returns the new cell's index, or -1 outside the domain or dermis. */
static inline long step_to(const mh_grid *g, int c[3], int ax, int dir)
{
    const int n = ax == 0 ? g->nx : (ax == 1 ? g->ny : g->nz);
    c[ax] += dir;
    if (c[ax] < 0 || c[ax] >= n) {
        if (ax == 2 || !g->periodic)
            return -1;
        c[ax] = (c[ax] + n) % n;
    }
    if (g->dermal[c[2]] <= 0.0)
        return -1;
    return (long)mh_idx(g, c[0], c[1], c[2]);
}

/* Face value of F between upwind cell U and downwind cell D, with UU the cell beyond U (-1: none):
 * F_U + van Leer's limited slope, F_U + a b / (a + b) for a = F_U - F_UU, b = F_D - F_U of equal
 * sign, else F_U. It lies between F_U and F_D and below 2 F_U, which keeps F >= 0 under the
 * step limit (outflow speeds x dt / dx <= 1/2). */
static inline double face_value(const double *F, long U, long D, long UU)
{
    double fu = F[U];
    if (UU < 0)
        return fu;
    double a = fu - F[UU], b = F[D] - fu;
    return a * b > 0.0 ? fu + a * b / (a + b) : fu;
}

void mh_model_chemotaxis(const mh_grid *g, const mh_model_params *p, double dt, const double *restrict F,
                         const double *restrict G, double *restrict F_out)
{
    if (p->chi <= 0.0) {
        memcpy(F_out, F, g->ncell * sizeof *F);
        return;
    }
    const double dx = g->dx_mm, c = dt / dx;
    const int nx = g->nx, ny = g->ny, nz = g->nz;
    static const int axes2[] = {0, 2}, axes3[] = {0, 1, 2};
    const int *axes = g->dims == 3 ? axes3 : axes2, naxes = g->dims == 3 ? 3 : 2;
    /* F_out = F + dt (-div J), J = (chi grad G) F per face; each face's flux is computed identically
     * from both of its cells (w changes sign exactly), so the sum over cells is conserved. */
#pragma omp parallel for schedule(static)
    for (int k = 0; k < nz; k++) {
        for (int j = 0; j < ny; j++)
            for (int i = 0; i < nx; i++) {
                const long q = (long)mh_idx(g, i, j, k);
                double net = 0.0;
                for (int a = 0; a < naxes && g->dermal[k] > 0.0; a++)
                    for (int dir = -1; dir <= 1; dir += 2) {
                        const int ax = axes[a];
                        int cr[3] = {i, j, k}, cu[3] = {i, j, k};
                        const long r = step_to(g, cr, ax, dir);
                        if (r < 0)
                            continue;
                        const double w = p->chi * (G[r] - G[q]) / dx; /* > 0: flow from q to r */
                        if (w > 0.0)
                            net -= w * face_value(F, q, r, step_to(g, cu, ax, -dir));
                        else if (w < 0.0)
                            net -= w * face_value(F, r, q, step_to(g, cr, ax, dir));
                    }
                F_out[q] = F[q] + c * net;
            }
    }
}

double mh_model_chemotaxis_dt_limit(const mh_grid *g, const mh_model_params *p, const mh_fields *f)
{
    if (p->chi <= 0.0)
        return INFINITY;
    const double *G = f->u[MH_S_G];
    const double dx = g->dx_mm;
    static const int axes2[] = {0, 2}, axes3[] = {0, 1, 2};
    const int *axes = g->dims == 3 ? axes3 : axes2, naxes = g->dims == 3 ? 3 : 2;
    double vmax = 0.0;
    /* the faces of the scheme (step_to): sum of the up-gradient differences per dermis cell; the
     * max is exact in any order, so the result does not depend on the thread count */
#pragma omp parallel for schedule(static) reduction(max : vmax)
    for (int k = 0; k < g->nz; k++) {
        if (g->dermal[k] <= 0.0)
            continue;
        for (int j = 0; j < g->ny; j++)
            for (int i = 0; i < g->nx; i++) {
                const size_t q = mh_idx(g, i, j, k);
                double out = 0.0;
                for (int a = 0; a < naxes; a++)
                    for (int dir = -1; dir <= 1; dir += 2) {
                        int c[3] = {i, j, k};
                        const long r = step_to(g, c, axes[a], dir);
                        if (r >= 0)
                            out += fmax(0.0, G[r] - G[q]);
                    }
                if (out > vmax)
                    vmax = out;
            }
    }
    vmax *= p->chi / dx;
    return vmax > 0.0 ? 0.5 * dx / vmax : INFINITY;
}

mh_status mh_model_diffusion_profiles(const mh_model_params *p, const mh_grid *g, double *D[MH_NSPECIES],
                                      mh_ctx *ctx)
{
    for (int s = 0; s < MH_NSPECIES; s++)
        D[s] = NULL;
    for (int s = 0; s < MH_NSPECIES; s++) {
        bool any = false;
        for (int l = 0; l < MH_LAYER_COUNT; l++)
            any |= mh_model_diffusivity(p, (mh_species)s, (mh_layer)l) > 0.0;
        if (!any)
            continue;
        if ((D[s] = mh_alloc_doubles((size_t)g->nz)) == NULL) {
            mh_model_diffusion_profiles_free(D);
            return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (diffusivity profiles)");
        }
        for (int k = 0; k < g->nz; k++)
            D[s][k] = mh_model_diffusivity(p, (mh_species)s, (mh_layer)g->layer[k]);
    }
    return MH_OK;
}

void mh_model_diffusion_profiles_free(double *D[MH_NSPECIES])
{
    for (int s = 0; s < MH_NSPECIES; s++) {
        mh_free(D[s]);
        D[s] = NULL;
    }
}
