/* src/engine: the numerical engine, on plain parameter structs; no configuration, no HDF5, no printing. */
/* mh_model: reaction terms, baseline and wounding of the microneedling healing model.
 *
 * Equations (papers/model.md, section "Equations"); m = dermal mask, e = epidermal mask,
 * v = vascular density, phi(G) = G / (1 + G), (x)+ = max(x, 0), psi = 1 / (1 + eta_C (C - m)+) with
 * C = (1 - w_3)(C1 + N) + w_3 C3 the cell's total collagen (homeostatic set point):
 *   D'  = -(k_D + k_DI I) D
 *   O'  = -(1 - h) O / tau,  tau = tau0_close + r_s / v_close     (per channel cell: the lumen)
 *   W'  = -(1 - h) k_W W  (k_W_occ while occluded)               (per channel cell: the barrier)
 *   K'  = div(D_K e grad K) + r_K K (1 - K)                       (Fisher-KPP)
 *   B'  = -k_B B
 *   H'  = D_H lap H + s_H D + s_HK e w (1 - K)+ - k_H H   (w: the cell's section weight, w_open)
 *   I'  = D_I lap I + r_I v H - k_I I
 *   G'  = D_G lap G + s_GB B + s_GI I + L_store k_LM M L - (k_G + k_Gb m) G
 *   L'  = lambda_L (m - L) + (k_Gb / L_store) m G - k_LM M L       (matrix-bound, latent TGF-beta)
 *   M'  = s_MI I + s_MF (F - m)+ - k_M M                          (active MMP, net of TIMP)
 *   F'  = div(D_F m grad F) - div(chi F grad G) + r_F phi F (1 - F/F_max) - delta_F (F - m)
 *   C3' = (lambda_3 + a s_3 phi) F psi - (lambda_3 + kappa_3 M) C3
 *   N'  = a s_1 phi F psi - (k_mat + lambda_N + kappa_N M) N        (new collagen I)
 *   C1' = lambda_1 F psi + k_mat N - (lambda_1 + kappa_1 M) C1      (mature collagen I)
 *   E'  = (lambda_E + a s_E phi) F - (lambda_E + kappa_E M) E
 *   A'  = s_A v I - k_A A                                          (new vessels)
 *   X'  = D_X lap X + s_X (F - m)+ - k_X X                          (KGF)
 *   T'  = e (delta_T + r_T X / (1 + X)) - delta_T T                 (epidermal thickness)
 *   Y'  = -k_Y Y   (neurogenic flare; each puncture adds y_F g(d) in the papillary dermis, mh_model_flare)
 *   Q'  = div(D_Q grad Q) + a(t) (k_ex w O + s_top) (c(t) - Q) - (k_clr v + k_deg) Q   (applied compound;
 *         w the lumen's section weight, c(t) the film's concentration)
 * with G' gaining g_prp Q when the compound is PRP and h = 1 while the needles stay in (a patch).
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

double mh_model_diffusivity(const mh_model_params *p, mh_species s, mh_layer l)
{
    bool epi = (l == MH_LAYER_SC || l == MH_LAYER_VE);
    bool derm = (l == MH_LAYER_PD || l == MH_LAYER_RD);
    switch (s) {
    case MH_S_K:
        return epi ? p->D_K : 0.0; /* keratinocytes stay in the epidermis */
    case MH_S_H:
        return l == MH_LAYER_SC ? 0.0 : p->D_H; /* no transport in the cornified layer */
    case MH_S_G:
        return l == MH_LAYER_SC ? 0.0 : p->D_G;
    case MH_S_I:
        return epi ? 0.0 : p->D_I; /* leukocytes in the vascularised tissue */
    case MH_S_F:
        return derm ? p->D_F : 0.0; /* dermal fibroblasts */
    case MH_S_X:
        return l == MH_LAYER_SC ? 0.0 : p->D_X; /* a secreted protein: no transport in the cornified layer */
    case MH_S_Q:
        return l == MH_LAYER_SC ? p->D_Q_sc : p->D_Q; /* the stratum corneum as a membrane */
    default:
        return 0.0;
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
            f->u[MH_S_T][q] = e;
            f->u[MH_S_L][q] = m;
            f->u[MH_S_F][q] = m;
            f->u[MH_S_C3][q] = m;
            f->u[MH_S_C1][q] = m;
            f->u[MH_S_E][q] = m;
        }
    }
}

/* Index along an axis of n cells for the unwrapped index ii: wrapped on periodic domains, -1 outside
 * a zero-flux one. */
static inline int lateral_index(int ii, int n, bool periodic)
{
    if (periodic)
        return ((ii % n) + n) % n;
    return (ii >= 0 && ii < n) ? ii : -1;
}

void mh_model_wound(const mh_grid *g, const mh_model_params *p, const mh_puncture *punct, size_t n, mh_fields *f,
                    mh_model_aux *aux, size_t *surface_cells)
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
                    if (i >= 0 && mh_grid_axis_distance((i + 0.5) * dx, pu->x_mm, g->width_mm, g->periodic) <= r_in)
                        cells++;
                }
                const double strip = pu->section_mm > 0.0 ? pu->section_mm : g->length_mm;
                if (cells > 0)
                    w = fmin(1.0, M_PI * r * r / (strip * cells * dx));
            }
            for (int jj = j0; jj <= j1; jj++) {
                int j = g->dims == 3 ? lateral_index(jj, g->ny, g->periodic) : 0;
                if (j < 0)
                    continue;
                double dy =
                    g->dims == 3 ? mh_grid_axis_distance((j + 0.5) * dx, pu->y_mm, g->length_mm, g->periodic) : 0.0;
                for (int ii = ic - reach; ii <= ic + reach; ii++) {
                    int i = lateral_index(ii, g->nx, g->periodic);
                    if (i < 0)
                        continue;
                    double ddx = mh_grid_axis_distance((i + 0.5) * dx, pu->x_mm, g->width_mm, g->periodic);
                    if (ddx * ddx + dy * dy > r_in * r_in)
                        continue;
                    size_t c = mh_idx(g, i, j, k);
                    if (k == 0 && f->u[MH_S_O][c] < 1.0)
                        surf++;
                    f->u[MH_S_D][c] = fmax(f->u[MH_S_D][c], w);
                    f->u[MH_S_O][c] = 1.0; /* the channel, open down to its tip */
                    aux->w_open[c] = fmax(aux->w_open[c], w);
                    aux->k_close[c] = 1.0 / tau;
                    if (g->epidermal[k] > 0.0) {
                        f->u[MH_S_K][c] = 0.0;
                        f->u[MH_S_W][c] = 1.0; /* the barrier breached through the epidermis */
                    }
                    f->u[MH_S_B][c] = fmax(f->u[MH_S_B][c], w * p->b_bleed * p->f_bleed * g->vascular[k]);
                    f->u[MH_S_F][c] *= 1.0 - w * p->kill_F; /* cells in the needle path die; matrix is displaced */
                }
            }
        }
    }
    *surface_cells = surf;
    mh_model_flare(g, p, punct, n, f);
}

/* Cell index of lateral index ii on an axis of n cells, for a sum over the images of an infinite tiling:
 * periodic, or mirrored at the walls of a zero-flux domain (reflection, period 2n). */
static inline int image_index(int ii, int n, bool periodic)
{
    if (periodic)
        return ((ii % n) + n) % n;
    const int m = ((ii % (2 * n)) + 2 * n) % (2 * n);
    return m < n ? m : 2 * n - 1 - m;
}

/* exp(-d^2 / (2 sigma^2)) of the centre of the cell with lateral index ii (cells dx wide) at distance d
 * from position x (mm), without the minimum image: every image of the tiling is its own index; 0 beyond
 * the reach, so that the periodic and the mirrored tilings of a mirror-symmetric pattern sum the same
 * terms. */
static inline double flare_weight(int ii, double dx, double x, double sigma, double reach)
{
    const double d = (ii + 0.5) * dx - x;
    return fabs(d) <= reach ? exp(-0.5 * d * d / (sigma * sigma)) : 0.0;
}

void mh_model_flare(const mh_grid *g, const mh_model_params *p, const mh_puncture *punct, size_t n, mh_fields *f)
{
    if (p->y_F <= 0.0 || p->sigma_Y <= 0.0)
        return;
    const double dx = g->dx_mm, reach = MH_FLARE_REACH * p->sigma_Y;
    const int len = 2 * (int)ceil(reach / dx) + 2;
    int k0 = 0, k1 = 0; /* the papillary-dermis rows, [k0, k1) (the layers are contiguous in depth) */
    while (k0 < g->nz && g->layer[k0] != MH_LAYER_PD)
        k0++;
    for (k1 = k0; k1 < g->nz && g->layer[k1] == MH_LAYER_PD; k1++)
        ;
    for (size_t q = 0; q < n; q++) {
        const mh_puncture *pu = &punct[q];
        const int i0 = (int)floor((pu->x_mm - reach) / dx), j0 = (int)floor((pu->y_mm - reach) / dx);
        /* 2-D: the section through the channels of a strip s wide stands for the mean over y of the 3-D
         * field, in which a channel at y_p adds exp(-(y - y_p)^2 / (2 sigma^2)); over y_p spread evenly
         * across the strip that mean is sqrt(2 pi) sigma / s (papers/model.md, "Neurogenic flare") */
        const double strip = pu->section_mm > 0.0 ? pu->section_mm : g->length_mm;
        const double w2 = sqrt(2.0 * M_PI) * p->sigma_Y / strip;
        for (int tj = 0; tj < (g->dims == 3 ? len : 1); tj++) {
            const int j = g->dims == 3 ? image_index(j0 + tj, g->ny, g->periodic) : 0;
            const double wy = g->dims == 3 ? flare_weight(j0 + tj, dx, pu->y_mm, p->sigma_Y, reach) : w2;
            for (int ti = 0; ti < len; ti++) {
                const int i = image_index(i0 + ti, g->nx, g->periodic);
                const double a = p->y_F * wy * flare_weight(i0 + ti, dx, pu->x_mm, p->sigma_Y, reach);
                for (int k = k0; k < k1 && a > 0.0; k++)
                    f->u[MH_S_Y][mh_idx(g, i, j, k)] += a;
            }
        }
    }
}

/* Chemotaxis, vectorised along x rows (the reference is mh_model_ref.c, which tests hold this to,
 * bit for bit). Cell q's net inflow is summed over its faces in a fixed order, x-, x+, y-, y+,
 * z-, z+, each face's flux computed from the values around it:
 *   Phi = w F_face,  w = (chi / dx) (G_r - G_l)  (flow from l to r where w > 0; chi / dx formed once),
 * F_face the upwind value plus van Leer's limited slope (face_value). A face exists when the
 * neighbour is inside the domain and in the dermis; a missing upwind-upwind cell (UU) makes the
 * face first order. Along one axis the values are m2, m1, 0, p1, p2 (cells q - 2s .. q + 2s). */

/* Upwind value plus van Leer's limited slope: F_U + a b / (a + b) for a = F_U - F_UU and b = F_D - F_U
 * of equal sign, else F_U (also without UU). Between F_U and F_D and below 2 F_U, which keeps F >= 0
 * under the step limit (outflow speeds x dt / dx <= 1/2). */
static inline double face_value(double fu, double fd, double fuu, int has_uu)
{
    const double a = fu - fuu, b = fd - fu;
    return has_uu && a * b > 0.0 ? fu + a * b / (a + b) : fu;
}

/* Flux from l to r through their face; ll is beyond l, rr beyond r (ok flags: inside the dermis). */
static inline double face_flux(double chi_dx, double Gl, double Gr, double Fll, double Fl, double Fr, double Frr,
                               int ll_ok, int rr_ok)
{
    const double w = chi_dx * (Gr - Gl);
    const int right = w > 0.0; /* flow from l to r: l is upwind */
    return w * face_value(right ? Fl : Fr, right ? Fr : Fl, right ? Fll : Frr, right ? ll_ok : rr_ok);
}

/* Net inflow along one axis: the face to m1, then the face to p1 (missing faces carry nothing). */
static inline double axis_net(double net, double chi_dx, const double Fv[5], const double Gv[3], const int ok[4])
{
    /* ok: m2, m1, p1, p2 inside the dermis; Fv: m2 .. p2; Gv: m1, 0, p1 */
    const double in = face_flux(chi_dx, Gv[0], Gv[1], Fv[0], Fv[1], Fv[2], Fv[3], ok[0], ok[2]);
    const double out = face_flux(chi_dx, Gv[1], Gv[2], Fv[1], Fv[2], Fv[3], Fv[4], ok[1], ok[3]);
    net = ok[1] ? net + in : net;
    return ok[2] ? net - out : net;
}

/* Position of cell i + d on an axis of n cells (d in -2 .. 2): wrapped when periodic, -1 outside. */
static inline int axis_pos(int i, int d, int n, bool periodic)
{
    int r = i + d;
    if (r >= 0 && r < n)
        return r;
    return periodic ? (r + 2 * n) % n : -1;
}

/* Offsets (in cells) and ok flags of the neighbours m2, m1, p1, p2 of position i on an axis of n
 * cells with stride s; the neighbours of a missing cell point at the cell itself. For the depth
 * axis, a cell outside the dermis is missing as well. */
static void axis_neighbours(int i, int n, ptrdiff_t s, bool periodic, const double *dermal, ptrdiff_t off[4], int ok[4])
{
    static const int d[4] = {-2, -1, 1, 2};
    for (int a = 0; a < 4; a++) {
        const int r = axis_pos(i, d[a], n, periodic);
        ok[a] = r >= 0 && (dermal == NULL || dermal[r] > 0.0);
        off[a] = ok[a] ? (ptrdiff_t)(r - i) * s : 0;
    }
}

/* The cells of a row of nx whose x neighbours are not all inside: 0, 1, nx - 2, nx - 1 (all when
 * nx < 5); the next such cell after i, nx when there is none. */
static inline int row_next_end(int i, int nx) { return i == 1 && nx > 4 ? nx - 2 : i + 1; }

/* Neighbours m2, m1, p1, p2 of a cell per axis, in summation order x, (y,) depth. */
typedef struct {
    int naxes;
    ptrdiff_t off[3][4];
    int ok[3][4];
} mh_nbr;

/* The neighbours of the cells of row (j, k): y and depth for the row, x for a cell inside the row
 * (i - 2 .. i + 2 present); the ends of the row set their own x entries. */
static mh_nbr row_neighbours(const mh_grid *g, int j, int k)
{
    mh_nbr b;
    b.naxes = g->dims == 3 ? 3 : 2;
    const ptrdiff_t sy = g->nx, sz = (ptrdiff_t)g->nx * g->ny;
    axis_neighbours(k, g->nz, sz, false, g->dermal, b.off[b.naxes - 1], b.ok[b.naxes - 1]);
    if (b.naxes == 3)
        axis_neighbours(j, g->ny, sy, g->periodic, NULL, b.off[1], b.ok[1]);
    axis_neighbours(2, 5, 1, false, NULL, b.off[0], b.ok[0]);
    return b;
}

/* Net chemotactic inflow of cell q from the neighbour offsets of its axes (3 axes; y skipped in 2-D). */
static inline double cell_net(const double *restrict F, const double *restrict G, size_t q, double chi_dx, int naxes,
                              const mh_nbr *b)
{
    double net = 0.0;
#pragma GCC unroll 3
    for (int a = 0; a < naxes; a++) {
        const ptrdiff_t *o = b->off[a];
        const double Fv[5] = {F[q + o[0]], F[q + o[1]], F[q], F[q + o[2]], F[q + o[3]]};
        const double Gv[3] = {G[q + o[1]], G[q], G[q + o[2]]};
        net = axis_net(net, chi_dx, Fv, Gv, b->ok[a]);
    }
    return net;
}

void mh_model_chemotaxis(const mh_grid *g, const mh_model_params *p, double dt, const double *restrict F,
                         const double *restrict G, double *restrict F_out)
{
    if (p->chi <= 0.0) {
        memcpy(F_out, F, g->ncell * sizeof *F);
        return;
    }
    const double dx = g->dx_mm, c = dt / dx, chi_dx = p->chi / dx;
    const int nx = g->nx, ny = g->ny, nz = g->nz;
    const size_t plane = (size_t)nx * (size_t)ny;
#pragma omp parallel for schedule(static)
    for (int k = 0; k < nz; k++) {
        if (g->dermal[k] <= 0.0) {
            memcpy(F_out + (size_t)k * plane, F + (size_t)k * plane, plane * sizeof *F);
            continue;
        }
        for (int j = 0; j < ny; j++) {
            mh_nbr b = row_neighbours(g, j, k);
            const size_t row = mh_idx(g, 0, j, k);
            /* inside the row: one code path, vectorised */
            if (b.naxes == 3) {
#pragma omp simd
                for (int i = 2; i < nx - 2; i++)
                    F_out[row + i] = F[row + i] + c * cell_net(F, G, row + i, chi_dx, 3, &b);
            } else {
#pragma omp simd
                for (int i = 2; i < nx - 2; i++)
                    F_out[row + i] = F[row + i] + c * cell_net(F, G, row + i, chi_dx, 2, &b);
            }
            /* the cells at the ends of the row */
            for (int i = 0; i < nx; i = row_next_end(i, nx)) {
                axis_neighbours(i, nx, 1, g->periodic, NULL, b.off[0], b.ok[0]);
                F_out[row + i] = F[row + i] + c * cell_net(F, G, row + i, chi_dx, b.naxes, &b);
            }
        }
    }
}

/* Sum of the up-gradient differences of G from cell q to its neighbours (the outflow faces). */
static inline double cell_outflow(const double *restrict G, size_t q, int naxes, const mh_nbr *b)
{
    double out = 0.0;
#pragma GCC unroll 3
    for (int a = 0; a < naxes; a++)
#pragma GCC unroll 2
        for (int e = 1; e <= 2; e++) {
            const double d = G[q + b->off[a][e]] - G[q];
            out += b->ok[a][e] && d > 0.0 ? d : 0.0;
        }
    return out;
}

double mh_model_chemotaxis_dt_limit(const mh_grid *g, const mh_model_params *p, const mh_fields *f)
{
    if (p->chi <= 0.0)
        return INFINITY;
    const double *restrict G = f->u[MH_S_G];
    const int nx = g->nx, ny = g->ny, nz = g->nz;
    double vmax = 0.0;
    /* the faces of the scheme, per dermis cell; the max is exact in any order, so the result does
     * not depend on the thread count */
#pragma omp parallel for schedule(static) reduction(max : vmax)
    for (int k = 0; k < nz; k++) {
        if (g->dermal[k] <= 0.0)
            continue;
        for (int j = 0; j < ny; j++) {
            mh_nbr b = row_neighbours(g, j, k);
            const size_t row = mh_idx(g, 0, j, k);
            double v = 0.0;
            if (b.naxes == 3) {
#pragma omp simd reduction(max : v)
                for (int i = 2; i < nx - 2; i++) {
                    const double o = cell_outflow(G, row + i, 3, &b);
                    v = o > v ? o : v;
                }
            } else {
#pragma omp simd reduction(max : v)
                for (int i = 2; i < nx - 2; i++) {
                    const double o = cell_outflow(G, row + i, 2, &b);
                    v = o > v ? o : v;
                }
            }
            for (int i = 0; i < nx; i = row_next_end(i, nx)) {
                axis_neighbours(i, nx, 1, g->periodic, NULL, b.off[0], b.ok[0]);
                const double o = cell_outflow(G, row + i, b.naxes, &b);
                v = o > v ? o : v;
            }
            vmax = v > vmax ? v : vmax;
        }
    }
    vmax *= p->chi / g->dx_mm;
    return vmax > 0.0 ? 0.5 * g->dx_mm / vmax : INFINITY;
}

mh_status mh_model_diffusion_profiles(const mh_model_params *p, const mh_grid *g, double *D[MH_NSPECIES], mh_ctx *ctx)
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
            mh_model_diffusion_profiles_clear(D);
            return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (diffusivity profiles)");
        }
        for (int k = 0; k < g->nz; k++)
            D[s][k] = mh_model_diffusivity(p, (mh_species)s, (mh_layer)g->layer[k]);
    }
    return MH_OK;
}

void mh_model_diffusion_profiles_clear(double *D[MH_NSPECIES])
{
    for (int s = 0; s < MH_NSPECIES; s++) {
        mh_free(D[s]);
        D[s] = NULL;
    }
}
