/* test_diffusion: LOD solver against an analytic solution, its spatial order, conservation, symmetry,
 * the optimised kernel against the GSL reference, decay, and bits across thread counts. */
#include "helpers.h"

#include "mh_diffusion.h"

#include <gsl/gsl_math.h>
#include <float.h>
#include <math.h>
#include <omp.h>
#include <string.h>

/* A bare grid (no config): nx x ny x nz cells of dx mm, all dermis. */
static mh_grid *bare_grid(int dims, int nx, int ny, int nz, double dx, bool periodic)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_grid *g = NULL;
    cr_assert_eq(mh_grid_create_uniform(dims, nx, ny, nz, dx, periodic, &ctx, &g), MH_OK, "%s", ctx.msg);
    return g;
}

/* steps optimised diffusion steps of one field (decay mu per day) with one workspace */
static void run(const mh_grid *g, const double *Dp, double mu, double dt, int steps, double *u)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_diffusion *w = NULL;
    cr_assert_eq(mh_diffusion_create(g, &ctx, &w), MH_OK);
    mh_diffusion_field f = {u, Dp, mu};
    for (int s = 0; s < steps; s++)
        cr_assert_eq(mh_diffusion_step(w, 1, &f, dt, &ctx), MH_OK, "%s", ctx.msg);
    mh_diffusion_destroy(&w);
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
    run(g, Dp, 0.0, T / steps, steps, u);
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
    run(g, Dp, 0.0, 0.01, 50, u);
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
    run(g, Dp, 0.0, 0.001, 20, u);
    for (int k = 0; k < nz; k++)
        for (int i = 0; i < nx / 2; i++)
            cr_assert_float_eq(u[mh_idx(g, i, 0, k)], u[mh_idx(g, nx - 1 - i, 0, k)], 1e-14);
    mh_free(u);
    mh_free(Dp);
    mh_grid_destroy(&g);
}

/* Fills u with rough positive data and D with a layered profile: a wall (D = 0) on top, then two
 * layers whose coefficients differ by 10x, so x blocks end at layer boundaries. */
static void rough_setup(const mh_grid *g, double *u, double *Dp, double Dscale)
{
    for (int k = 0; k < g->nz; k++)
        Dp[k] = k < 2 ? 0.0 : (k < g->nz / 2 ? 4.3 * Dscale : 0.43 * Dscale);
    for (size_t q = 0; q < g->ncell; q++)
        u[q] = 0.1 + (double)(q * 7919 % 101) / 100.0;
}

/* Largest |a - b| over max |b|. */
static double rel_diff(const double *a, const double *b, size_t n)
{
    double d = 0.0, m = 0.0;
    for (size_t q = 0; q < n; q++) {
        d = fmax(d, fabs(a[q] - b[q]));
        m = fmax(m, fabs(b[q]));
    }
    return d / m;
}

/* The optimised kernel against the GSL reference: sizes that are not multiples of the block
 * widths (16 rows, 64 lines) and layers longer than a block (2-D: 21 and 22 rows; 3-D: 70 columns,
 * so two y blocks, and 19 rows, so a full and a partial x block), layered coefficients with a wall,
 * decay, mild (lam ~ 0.4) and stiff
 * (lam ~ 4e3) steps. Both solve diagonally dominant tridiagonal systems (condition number
 * <= 1 + 4 lam) by elimination without pivoting in different orders (GSL: its own symmetric and
 * cyclic algorithms; here L D L^T and Sherman-Morrison), so they agree to a few ulps per solve;
 * 1e-12 relative over 5 steps leaves room for lam ~ 4e3 and nothing for a wrong coefficient
 * (a wrong end diagonal or corner shows at 1e-3 and above). */
static void check_against_reference(int dims, bool periodic, double Dscale, double mu)
{
    int nx = dims == 3 ? 70 : 37, ny = dims == 3 ? 19 : 1, nz = dims == 3 ? 12 : 45;
    mh_grid *g = bare_grid(dims, nx, ny, nz, 0.01, periodic);
    double *u = mh_alloc_doubles(g->ncell), *r = mh_alloc_doubles(g->ncell), *Dp = mh_alloc_doubles((size_t)nz);
    rough_setup(g, u, Dp, Dscale);
    memcpy(r, u, g->ncell * sizeof *u);
    const double dt = 0.001;
    run(g, Dp, mu, dt, 5, u);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_diffusion_field f = {r, Dp, mu};
    for (int s = 0; s < 5; s++)
        cr_assert_eq(mh_diffusion_step_reference(g, &f, dt, &ctx), MH_OK, "%s", ctx.msg);
    double d = rel_diff(u, r, g->ncell);
    cr_assert_lt(d, 1e-12, "optimised vs reference: %g (dims %d, periodic %d, D x %g, mu %g)", d, dims, periodic,
                 Dscale, mu);
    mh_free(u);
    mh_free(r);
    mh_free(Dp);
    mh_grid_destroy(&g);
}

Test(diffusion, optimised_matches_reference_2d)
{
    for (int per = 0; per < 2; per++) {
        check_against_reference(2, per, 1.0, 0.0);   /* lam up to 43 */
        check_against_reference(2, per, 0.01, 0.0);  /* lam up to 0.43 */
        check_against_reference(2, per, 100.0, 0.0); /* lam up to 4300 */
        check_against_reference(2, per, 1.0, 500.0); /* with decay, dt mu = 0.5 */
    }
}

Test(diffusion, optimised_matches_reference_3d)
{
    for (int per = 0; per < 2; per++) {
        check_against_reference(3, per, 1.0, 0.0);
        check_against_reference(3, per, 0.01, 0.0);
        check_against_reference(3, per, 100.0, 0.0);
        check_against_reference(3, per, 1.0, 500.0);
    }
}

/* A uniform field decays by exactly the product of the sweeps' factors 1/(1 + dt mu / n). */
Test(diffusion, uniform_field_decays_at_the_split_rate)
{
    for (int dims = 2; dims <= 3; dims++) {
        mh_grid *g = bare_grid(dims, 20, dims == 3 ? 12 : 1, 15, 0.01, dims == 3);
        double *u = mh_alloc_doubles(g->ncell), *Dp = mh_alloc_doubles(15);
        for (int k = 0; k < 15; k++)
            Dp[k] = 1.0;
        for (size_t q = 0; q < g->ncell; q++)
            u[q] = 2.0;
        const double dt = 0.01, mu = 30.0;
        run(g, Dp, mu, dt, 1, u);
        double expect = 2.0 * pow(1.0 + dt * mu / dims, -dims);
        /* round-off of a solve: a few ulps times the condition number 1 + 4 lam (lam = D dt / dx^2 = 100) */
        double tol = 4.0 * (1.0 + 4.0 * 100.0) * DBL_EPSILON * expect;
        for (size_t q = 0; q < g->ncell; q++)
            cr_assert_float_eq(u[q], expect, tol, "cell %zu: %0.17g vs %0.17g", q, u[q], expect);
        mh_free(u);
        mh_free(Dp);
        mh_grid_destroy(&g);
    }
}

/* Several fields in one call give the same bits as one call per field, and the bits do not depend
 * on the number of threads (1, 2, 3). */
Test(diffusion, fields_together_and_thread_count_give_the_same_bits)
{
    for (int dims = 2; dims <= 3; dims++) {
        int nx = 45, ny = dims == 3 ? 11 : 1, nz = 70;
        mh_grid *g = bare_grid(dims, nx, ny, nz, 0.01, true);
        const size_t n = g->ncell;
        double *ref[3], *Dp[3];
        for (int s = 0; s < 3; s++) {
            ref[s] = mh_alloc_doubles(n);
            Dp[s] = mh_alloc_doubles((size_t)nz);
            rough_setup(g, ref[s], Dp[s], s == 0 ? 1.0 : (s == 1 ? 0.02 : 30.0));
            omp_set_num_threads(1);
            run(g, Dp[s], s * 10.0, 0.002, 3, ref[s]);
        }
        for (int nt = 1; nt <= 3; nt++) {
            omp_set_num_threads(nt);
            double *u[3];
            mh_diffusion_field f[3];
            for (int s = 0; s < 3; s++) {
                u[s] = mh_alloc_doubles(n);
                double *tmpD = mh_alloc_doubles((size_t)nz);
                rough_setup(g, u[s], tmpD, 1.0);
                mh_free(tmpD);
                f[s] = (mh_diffusion_field){u[s], Dp[s], s * 10.0};
            }
            mh_ctx ctx;
            mh_ctx_init(&ctx);
            mh_diffusion *w = NULL;
            cr_assert_eq(mh_diffusion_create(g, &ctx, &w), MH_OK);
            for (int it = 0; it < 3; it++)
                cr_assert_eq(mh_diffusion_step(w, 3, f, 0.002, &ctx), MH_OK);
            mh_diffusion_destroy(&w);
            for (int s = 0; s < 3; s++) {
                cr_assert_eq(memcmp(u[s], ref[s], n * sizeof(double)), 0, "dims %d, field %d, %d threads", dims, s, nt);
                mh_free(u[s]);
            }
        }
        omp_set_num_threads(2);
        for (int s = 0; s < 3; s++) {
            mh_free(ref[s]);
            mh_free(Dp[s]);
        }
        mh_grid_destroy(&g);
    }
}

Test(diffusion, rejects_bad_coefficients_and_steps)
{
    mh_grid *g = bare_grid(2, 10, 1, 8, 0.01, false);
    double *u = mh_alloc_doubles(g->ncell), Dp[8] = {1, 1, 1, -1, 1, 1, 1, 1};
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_diffusion *w = NULL;
    cr_assert_eq(mh_diffusion_create(g, &ctx, &w), MH_OK);
    mh_diffusion_field f = {u, Dp, 0.0};
    cr_assert_eq(mh_diffusion_step(w, 1, &f, 0.01, &ctx), MH_ERR_INPUT);
    Dp[3] = 1.0;
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_diffusion_step(w, 1, &f, NAN, &ctx), MH_ERR_INPUT);
    mh_ctx_init(&ctx);
    f.mu_per_day = -1.0;
    cr_assert_eq(mh_diffusion_step(w, 1, &f, 0.01, &ctx), MH_ERR_INPUT);
    mh_diffusion_destroy(&w);
    mh_free(u);
    mh_grid_destroy(&g);
}

/* Lines of one cell (nx = 1): no lateral neighbour, only the decay acts in the x sweep. Both
 * kernels must equal the nx = 2 solution of x-uniform data (the x sweep leaves it uniform). */
Test(diffusion, one_cell_lines_match_the_uniform_solution)
{
    for (int ref = 0; ref < 2; ref++) {
        mh_grid *g1 = bare_grid(2, 1, 1, 6, 0.01, false), *g2 = bare_grid(2, 2, 1, 6, 0.01, false);
        double D[6] = {1, 1, 2, 2, 0.5, 0.5}, u1[6], u2[12];
        for (int k = 0; k < 6; k++)
            u1[k] = u2[2 * k] = u2[2 * k + 1] = 1.0 + k * k;
        mh_ctx ctx;
        mh_ctx_init(&ctx);
        mh_diffusion_field f1 = {u1, D, 20.0}, f2 = {u2, D, 20.0};
        if (ref) {
            cr_assert_eq(mh_diffusion_step_reference(g1, &f1, 0.01, &ctx), MH_OK);
            cr_assert_eq(mh_diffusion_step_reference(g2, &f2, 0.01, &ctx), MH_OK);
        } else {
            run(g1, D, 20.0, 0.01, 1, u1);
            run(g2, D, 20.0, 0.01, 1, u2);
        }
        for (int k = 0; k < 6; k++) /* same operations on equal data up to the x solve's rounding */
            cr_assert_float_eq(u1[k], u2[2 * k], 1e-14 * u2[2 * k], "%s kernel, row %d: %g vs %g",
                               ref ? "reference" : "optimised", k, u1[k], u2[2 * k]);
        mh_grid_destroy(&g1);
        mh_grid_destroy(&g2);
    }
}

/* A field with D = 0 everywhere and no decay comes back bit for bit, beside one that diffuses. */
Test(diffusion, identity_fields_are_untouched)
{
    mh_grid *g = bare_grid(3, 21, 18, 9, 0.01, true);
    double *u = mh_alloc_doubles(g->ncell), *v = mh_alloc_doubles(g->ncell), *c = mh_alloc_doubles(g->ncell);
    double Dz[9] = {0}, Dv[9];
    rough_setup(g, u, Dv, 1.0);
    rough_setup(g, v, Dv, 1.0);
    memcpy(c, u, g->ncell * sizeof *u);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_diffusion *w = NULL;
    cr_assert_eq(mh_diffusion_create(g, &ctx, &w), MH_OK);
    mh_diffusion_field f[2] = {{u, Dz, 0.0}, {v, Dv, 0.0}};
    cr_assert_eq(mh_diffusion_step(w, 2, f, 0.01, &ctx), MH_OK);
    cr_assert_eq(memcmp(u, c, g->ncell * sizeof *u), 0);
    cr_assert_neq(memcmp(v, c, g->ncell * sizeof *v), 0, "the diffusing field must change");
    mh_diffusion_destroy(&w);
    mh_free(u);
    mh_free(v);
    mh_free(c);
    mh_grid_destroy(&g);
}

Test(diffusion, periodic_axes_need_three_cells)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_grid *g = NULL;
    cr_assert_eq(mh_grid_create_uniform(2, 2, 1, 5, 0.01, true, &ctx, &g), MH_ERR_INPUT);
    cr_assert_eq(mh_grid_create_uniform(3, 5, 2, 5, 0.01, true, &ctx, &g), MH_ERR_INPUT);
    cr_assert_eq(mh_grid_create_uniform(3, 5, 2, 5, 0.01, false, &ctx, &g), MH_OK);
    mh_grid_destroy(&g);
}
