/* test_diffusion: LOD solver against an analytic solution, its spatial order, conservation, symmetry. */
#include "helpers.h"

#include "mh_diffusion.h"

#include <gsl/gsl_math.h>
#include <math.h>

/* A bare grid (no config): nx x ny x nz cells of dx mm, all dermis. */
static mh_grid *bare_grid(int dims, int nx, int ny, int nz, double dx, bool periodic)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_grid *g = NULL;
    cr_assert_eq(mh_grid_create_uniform(dims, nx, ny, nz, dx, periodic, &ctx, &g), MH_OK, "%s", ctx.msg);
    return g;
}

/* Error (max norm) of a cosine mode cos(pi x / L) cos(pi z / H) after time T against the exact
 * decay exp(-D pi^2 (1/L^2 + 1/H^2) T), zero-flux everywhere. dt small so space dominates. */
static double cosine_error(int n, double D, double T, int steps)
{
    double L = 1.0, H = 1.0, dx = L / n;
    mh_grid *g = bare_grid(2, n, 1, n, dx, false);
    double *u = mh_alloc_doubles(g->ncell), *Dp = mh_alloc_doubles((size_t)n);
    for (int k = 0; k < n; k++)
        Dp[k] = D;
    for (int k = 0; k < n; k++)
        for (int i = 0; i < n; i++)
            u[mh_idx(g, i, 0, k)] = cos(M_PI * (i + 0.5) * dx / L) * cos(M_PI * (k + 0.5) * dx / H);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    for (int s = 0; s < steps; s++)
        cr_assert_eq(mh_diffusion_step(g, Dp, T / steps, u, &ctx), MH_OK);
    double decay = exp(-D * M_PI * M_PI * (1 / (L * L) + 1 / (H * H)) * T), err = 0;
    for (int k = 0; k < n; k++)
        for (int i = 0; i < n; i++) {
            double ex = decay * cos(M_PI * (i + 0.5) * dx / L) * cos(M_PI * (k + 0.5) * dx / H);
            err = fmax(err, fabs(u[mh_idx(g, i, 0, k)] - ex));
        }
    mh_free(u);
    mh_free(Dp);
    mh_grid_destroy(&g);
    return err;
}

Test(diffusion, matches_analytic_cosine_decay)
{
    /* D = 0.05 mm^2/day, T = 1 day: amplitude exp(-0.987) = 0.373; 40 cells, 4000 steps.
     * Space error ~ (pi dx)^2/24 x 2 x decay ~ 2e-4, time error ~ dt x 0.99 x decay / 2 ~ 5e-5. */
    double err = cosine_error(40, 0.05, 1.0, 4000);
    cr_assert_lt(err, 5e-4, "max error %g", err);
}

Test(diffusion, second_order_in_space)
{
    /* dt fixed and tiny (T/8000) so the spatial error dominates; halving dx divides it by ~4 */
    double e1 = cosine_error(10, 0.05, 1.0, 8000), e2 = cosine_error(20, 0.05, 1.0, 8000);
    double e3 = cosine_error(40, 0.05, 1.0, 8000);
    double p12 = log2(e1 / e2), p23 = log2(e2 / e3);
    cr_assert(p12 > 1.8 && p12 < 2.2, "observed order %g (errors %g %g)", p12, e1, e2);
    cr_assert(p23 > 1.7 && p23 < 2.3, "observed order %g (errors %g %g)", p23, e2, e3);
}

Test(diffusion, first_order_in_time)
{
    double e1 = cosine_error(80, 0.05, 1.0, 10), e2 = cosine_error(80, 0.05, 1.0, 20);
    double p = log2(e1 / e2);
    cr_assert(p > 0.85 && p < 1.15, "observed order %g", p);
}

static double sum(const double *u, size_t n)
{
    double s = 0; /* serial sum in a fixed order */
    for (size_t q = 0; q < n; q++)
        s += u[q];
    return s;
}

static void check_conservation(int dims, bool periodic)
{
    int nx = 31, ny = dims == 3 ? 17 : 1, nz = 23;
    mh_grid *g = bare_grid(dims, nx, ny, nz, 0.01, periodic);
    double *u = mh_alloc_doubles(g->ncell), *Dp = mh_alloc_doubles((size_t)nz);
    for (int k = 0; k < nz; k++) /* layered coefficients, with a zero-D layer acting as a wall */
        Dp[k] = k < 3 ? 0.0 : (k < 10 ? 4.3 : 0.5);
    for (size_t q = 0; q < g->ncell; q++)
        u[q] = (q * 7919 % 101) / 100.0; /* rough data, steep gradients */
    double m0 = sum(u, g->ncell), top0 = sum(u, (size_t)nx * ny * 3);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    for (int s = 0; s < 50; s++)
        cr_assert_eq(mh_diffusion_step(g, Dp, 0.01, u, &ctx), MH_OK);
    double m1 = sum(u, g->ncell), top1 = sum(u, (size_t)nx * ny * 3);
    cr_assert_float_eq(m1, m0, 1e-12 * m0, "mass %0.17g -> %0.17g", m0, m1);
    cr_assert_float_eq(top1, top0, 1e-12 * top0, "a D = 0 layer must not exchange mass");
    for (size_t q = 0; q < g->ncell; q++)
        cr_assert_geq(u[q], 0.0);
    mh_free(u);
    mh_free(Dp);
    mh_grid_destroy(&g);
}

Test(diffusion, conserves_mass_zero_flux_2d) { check_conservation(2, false); }
Test(diffusion, conserves_mass_periodic_2d) { check_conservation(2, true); }
Test(diffusion, conserves_mass_zero_flux_3d) { check_conservation(3, false); }
Test(diffusion, conserves_mass_periodic_3d) { check_conservation(3, true); }

Test(diffusion, symmetric_data_stays_symmetric)
{
    int nx = 40, nz = 20;
    mh_grid *g = bare_grid(2, nx, 1, nz, 0.01, false);
    double *u = mh_alloc_doubles(g->ncell), *Dp = mh_alloc_doubles((size_t)nz);
    for (int k = 0; k < nz; k++)
        Dp[k] = 1.0 + k;
    for (int k = 0; k < nz; k++)
        for (int i = 0; i < nx; i++)
            u[mh_idx(g, i, 0, k)] = (i == 19 || i == 20) && k < 5 ? 1.0 : 0.0;
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    for (int s = 0; s < 20; s++)
        cr_assert_eq(mh_diffusion_step(g, Dp, 0.001, u, &ctx), MH_OK);
    for (int k = 0; k < nz; k++)
        for (int i = 0; i < nx / 2; i++)
            cr_assert_float_eq(u[mh_idx(g, i, 0, k)], u[mh_idx(g, nx - 1 - i, 0, k)], 1e-14);
    mh_free(u);
    mh_free(Dp);
    mh_grid_destroy(&g);
}
