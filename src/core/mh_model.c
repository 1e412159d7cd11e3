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
 * Diffusion is done elsewhere (mh_diffusion); chemotaxis here, explicitly, upwind. */
#include "mh_model.h"

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
            for (int jj = j0; jj <= j1; jj++) {
                int j = jj;
                if (g->dims == 3) {
                    if (g->periodic)
                        j = ((jj % g->ny) + g->ny) % g->ny;
                    else if (jj < 0 || jj >= g->ny)
                        continue;
                }
                double dy = g->dims == 3 ? lateral((j + 0.5) * dx, pu->y_mm, g->length_mm, g->periodic) : 0.0;
                for (int ii = ic - reach; ii <= ic + reach; ii++) {
                    int i = ii;
                    if (g->periodic)
                        i = ((ii % g->nx) + g->nx) % g->nx;
                    else if (ii < 0 || ii >= g->nx)
                        continue;
                    double ddx = lateral((i + 0.5) * dx, pu->x_mm, g->width_mm, g->periodic);
                    if (ddx * ddx + dy * dy > r * r)
                        continue;
                    size_t c = mh_idx(g, i, j, k);
                    bool epi = g->epidermal[k] > 0.0;
                    if (k == 0 && f->u[MH_S_O][c] < 1.0)
                        surf++;
                    f->u[MH_S_D][c] = 1.0;
                    if (epi) {
                        f->u[MH_S_O][c] = 1.0;
                        f->u[MH_S_K][c] = 0.0;
                        aux->k_close[c] = 1.0 / tau;
                    }
                    f->u[MH_S_B][c] = fmax(f->u[MH_S_B][c], p->b_bleed * p->f_bleed * g->vascular[k]);
                    f->u[MH_S_F][c] *= 1.0 - p->kill_F; /* cells in the needle path die; matrix is displaced */
                }
            }
        }
    }
    *surface_cells = surf;
}

void mh_model_react(const mh_grid *g, const mh_model_params *p, const mh_model_aux *aux, double dt,
                    mh_fields *f)
{
    const size_t row = (size_t)g->nx * (size_t)g->ny;
    double *restrict uD = f->u[MH_S_D], *restrict uO = f->u[MH_S_O], *restrict uK = f->u[MH_S_K];
    double *restrict uB = f->u[MH_S_B], *restrict uH = f->u[MH_S_H], *restrict uI = f->u[MH_S_I];
    double *restrict uG = f->u[MH_S_G], *restrict uF = f->u[MH_S_F], *restrict u3 = f->u[MH_S_C3];
    double *restrict u1 = f->u[MH_S_C1], *restrict uE = f->u[MH_S_E];
    const double *restrict kc = aux->k_close;
    const double a = p->a_age;
#pragma omp parallel for schedule(static)
    for (int k = 0; k < g->nz; k++) {
        const double m = g->dermal[k], e = g->epidermal[k], v = g->vascular[k];
        for (size_t q = row * (size_t)k; q < row * (size_t)(k + 1); q++) {
            const double D = uD[q], O = uO[q], K = uK[q], B = uB[q], H = uH[q], I = uI[q];
            const double G = uG[q], F = uF[q], C3 = u3[q], C1 = u1[q], E = uE[q];
            const double phi = G / (1.0 + G);
            const double Fex = F > m ? F - m : 0.0, C3ex = C3 > m ? C3 - m : 0.0;
            uD[q] = D / (1.0 + dt * (p->k_D + p->k_DI * I));
            uO[q] = O / (1.0 + dt * kc[q]);
            /* K: logistic growth r K (1 - K) only where epidermis belongs (e = 1) */
            uK[q] = (K + dt * e * p->r_K * K) / (1.0 + dt * e * p->r_K * K);
            uB[q] = B / (1.0 + dt * p->k_B);
            uH[q] = (H + dt * p->s_H * D) / (1.0 + dt * p->k_H);
            uI[q] = (I + dt * p->r_I * v * H) / (1.0 + dt * p->k_I);
            uG[q] = (G + dt * (p->s_GB * B + p->s_GI * I)) / (1.0 + dt * p->k_G);
            uF[q] = (F + dt * (p->r_F * phi * F + p->delta_F * m)) /
                    (1.0 + dt * (p->r_F * phi * F / p->F_max + p->delta_F));
            u3[q] = (C3 + dt * (a * p->s_3 * phi * F + p->k_31 * m)) / (1.0 + dt * p->k_31);
            u1[q] = (C1 + dt * (a * p->s_1 * Fex + p->gamma * p->k_31 * C3ex + p->rho_1 * m)) /
                    (1.0 + dt * p->rho_1);
            uE[q] = (E + dt * (a * p->s_E * Fex + p->rho_E * m)) / (1.0 + dt * p->rho_E);
        }
    }
}

/* Chemotactic velocity chi dG/dn across the face between cells a and b (mm/day), 0 unless both dermal. */
static inline double face_velocity(const mh_model_params *p, const double *G, size_t a, size_t b, double dx)
{
    return p->chi * (G[b] - G[a]) / dx;
}

void mh_model_chemotaxis(const mh_grid *g, const mh_model_params *p, double dt, mh_fields *f, double *restrict tmp)
{
    if (p->chi <= 0.0)
        return;
    const double *restrict G = f->u[MH_S_G];
    double *restrict F = f->u[MH_S_F];
    const double dx = g->dx_mm, c = dt / dx;
    const int nx = g->nx, ny = g->ny, nz = g->nz;
    /* tmp = divergence of the upwind flux J = (chi grad G) F, summed per cell in a fixed order. */
#pragma omp parallel for schedule(static)
    for (int k = 0; k < nz; k++) {
        for (int j = 0; j < ny; j++)
            for (int i = 0; i < nx; i++) {
                size_t q = mh_idx(g, i, j, k);
                double net = 0.0;
                if (g->dermal[k] > 0.0) {
                    int nb[6][3] = {{i - 1, j, k}, {i + 1, j, k}, {i, j - 1, k},
                                    {i, j + 1, k}, {i, j, k - 1}, {i, j, k + 1}};
                    for (int d = 0; d < 6; d++) {
                        int ii = nb[d][0], jj = nb[d][1], kk = nb[d][2];
                        if (d >= 2 && d < 4 && g->dims != 3)
                            continue;
                        if (kk < 0 || kk >= nz || g->dermal[kk] <= 0.0)
                            continue;
                        if (ii < 0 || ii >= nx) {
                            if (!g->periodic)
                                continue;
                            ii = (ii + nx) % nx;
                        }
                        if (jj < 0 || jj >= ny) {
                            if (!g->periodic)
                                continue;
                            jj = (jj + ny) % ny;
                        }
                        size_t r = mh_idx(g, ii, jj, kk);
                        double w = face_velocity(p, G, q, r, dx); /* > 0: flow from q to r */
                        net += w > 0.0 ? -w * F[q] : -w * F[r];
                    }
                }
                tmp[q] = net;
            }
    }
#pragma omp parallel for schedule(static)
    for (int k = 0; k < nz; k++)
        for (size_t q = (size_t)nx * ny * k; q < (size_t)nx * ny * (k + 1); q++)
            F[q] += c * tmp[q];
}

double mh_model_chemotaxis_dt_limit(const mh_grid *g, const mh_model_params *p, const mh_fields *f)
{
    if (p->chi <= 0.0)
        return INFINITY;
    const double *G = f->u[MH_S_G];
    const double dx = g->dx_mm;
    double vmax = 0.0;
    /* max is exact in any order, so the result does not depend on the thread count */
#pragma omp parallel for schedule(static) reduction(max : vmax)
    for (int k = 0; k < g->nz; k++) {
        if (g->dermal[k] <= 0.0)
            continue;
        for (int j = 0; j < g->ny; j++)
            for (int i = 0; i < g->nx; i++) {
                size_t q = mh_idx(g, i, j, k);
                double out = 0.0;
                int ip = i + 1 < g->nx ? i + 1 : (g->periodic ? 0 : i);
                int im = i > 0 ? i - 1 : (g->periodic ? g->nx - 1 : i);
                out += fmax(0.0, G[mh_idx(g, ip, j, k)] - G[q]) + fmax(0.0, G[mh_idx(g, im, j, k)] - G[q]);
                if (g->dims == 3) {
                    int jp = j + 1 < g->ny ? j + 1 : (g->periodic ? 0 : j);
                    int jm = j > 0 ? j - 1 : (g->periodic ? g->ny - 1 : j);
                    out += fmax(0.0, G[mh_idx(g, i, jp, k)] - G[q]) + fmax(0.0, G[mh_idx(g, i, jm, k)] - G[q]);
                }
                if (k + 1 < g->nz && g->dermal[k + 1] > 0.0)
                    out += fmax(0.0, G[mh_idx(g, i, j, k + 1)] - G[q]);
                if (k > 0 && g->dermal[k - 1] > 0.0)
                    out += fmax(0.0, G[mh_idx(g, i, j, k - 1)] - G[q]);
                if (out > vmax)
                    vmax = out;
            }
    }
    vmax *= p->chi / dx;
    return vmax > 0.0 ? 0.5 * dx / vmax : INFINITY;
}
