/* src/engine: the numerical engine, on plain parameter structs; no configuration, no HDF5, no printing. */
/* mh_model_ref: the reference chemotaxis kernels, cell by cell and serial.
 *
 * Written for clarity, not speed: each cell walks to its neighbours (step_to) and computes the flux
 * through each of its faces. The optimised kernels (mh_model.c) must give the same bits; the tests
 * hold them to it (papers/performance.md). */
#include "mh_model.h"

#include <math.h>
#include <string.h>

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

void mh_model_chemotaxis_reference(const mh_grid *g, const mh_model_params *p, double dt, const double *restrict F,
                                   const double *restrict G, double *restrict F_out)
{
    if (p->chi <= 0.0) {
        memcpy(F_out, F, g->ncell * sizeof *F);
        return;
    }
    const double dx = g->dx_mm, c = dt / dx, chi_dx = p->chi / dx;
    const int nx = g->nx, ny = g->ny, nz = g->nz;
    static const int axes2[] = {0, 2}, axes3[] = {0, 1, 2};
    const int *axes = g->dims == 3 ? axes3 : axes2, naxes = g->dims == 3 ? 3 : 2;
    /* F_out = F + dt (-div J), J = (chi grad G) F per face; each face's flux is computed identically
     * from both of its cells (w changes sign exactly), so the sum over cells is conserved. */
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
                        const double w = chi_dx * (G[r] - G[q]); /* > 0: flow from q to r */
                        if (w > 0.0)
                            net -= w * face_value(F, q, r, step_to(g, cu, ax, -dir));
                        else if (w < 0.0)
                            net -= w * face_value(F, r, q, step_to(g, cr, ax, dir));
                    }
                F_out[q] = F[q] + c * net;
            }
    }
}

double mh_model_chemotaxis_dt_limit_reference(const mh_grid *g, const mh_model_params *p, const mh_fields *f)
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
