/* src/engine: the numerical engine, on plain parameter structs; no configuration, no HDF5, no printing. */
/* mh_diffusion_ref: the reference LOD diffusion-decay step, one line at a time with GSL, serial.
 *
 * Written for clarity, not speed: the optimised kernel (mh_diffusion.c) is tested against it.
 * Along x (and y) the coefficient is constant on a line (it varies with depth only):
 *   -lam u[i-1] + (1 + 2 lam + dt mu / n) u[i] - lam u[i+1] = rhs[i],  lam = D dt / dx^2,
 * with zero flux (end diagonal 1 + lam + dt mu / n) or periodic wrap (cyclic system).
 * Along z the faces have lam[k+1/2] = Dh[k+1/2] dt / dx^2, Dh = harmonic mean, and zero
 * flux at the top and bottom. The matrices are symmetric and diagonally dominant, so
 * gsl_linalg_solve_symm_tridiag / _symm_cyc_tridiag are stable without pivoting. */
#include "mh_diffusion.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include <stdlib.h>

typedef struct {
    gsl_vector *diag, *off, *rhs, *x;
} mh_line;

static void line_free(mh_line *l)
{
    gsl_vector_free(l->diag);
    gsl_vector_free(l->off);
    gsl_vector_free(l->rhs);
    gsl_vector_free(l->x);
}

static int line_alloc(mh_line *l, size_t n)
{
    l->diag = gsl_vector_alloc(n);
    l->off = gsl_vector_alloc(n);
    l->rhs = gsl_vector_alloc(n);
    l->x = gsl_vector_alloc(n);
    return (l->diag && l->off && l->rhs && l->x) ? 0 : -1;
}

/* Solves one lateral line of n values with constant lam; data at base + s*stride. A line of one
 * cell has no neighbour: only the decay acts. Periodic lines have n >= 3 (mh_grid). */
static int solve_lateral(mh_line *l, double *u, size_t base, size_t stride, int n, double lam, double dmu, int periodic)
{
    if (n == 1) {
        u[base] /= 1.0 + dmu;
        return GSL_SUCCESS;
    }
    gsl_vector_view d = gsl_vector_subvector(l->diag, 0, (size_t)n);
    gsl_vector_view r = gsl_vector_subvector(l->rhs, 0, (size_t)n);
    gsl_vector_view x = gsl_vector_subvector(l->x, 0, (size_t)n);
    for (int i = 0; i < n; i++) {
        gsl_vector_set(&d.vector, (size_t)i, 1.0 + 2.0 * lam + dmu);
        gsl_vector_set(&r.vector, (size_t)i, u[base + (size_t)i * stride]);
    }
    int rc;
    if (periodic) {
        gsl_vector_view o = gsl_vector_subvector(l->off, 0, (size_t)n);
        gsl_vector_set_all(&o.vector, -lam);
        rc = gsl_linalg_solve_symm_cyc_tridiag(&d.vector, &o.vector, &r.vector, &x.vector);
    } else {
        gsl_vector_view o = gsl_vector_subvector(l->off, 0, (size_t)n - 1);
        gsl_vector_set_all(&o.vector, -lam);
        gsl_vector_set(&d.vector, 0, 1.0 + lam + dmu);
        gsl_vector_set(&d.vector, (size_t)n - 1, 1.0 + lam + dmu);
        rc = gsl_linalg_solve_symm_tridiag(&d.vector, &o.vector, &r.vector, &x.vector);
    }
    if (rc != GSL_SUCCESS)
        return rc;
    for (int i = 0; i < n; i++)
        u[base + (size_t)i * stride] = gsl_vector_get(&x.vector, (size_t)i);
    return GSL_SUCCESS;
}

/* Solves one depth column with face coefficients lamf[0..nz-2] (between k and k+1). */
static int solve_depth(mh_line *l, double *u, size_t base, size_t stride, int nz, const double *lamf, double dmu)
{
    gsl_vector_view d = gsl_vector_subvector(l->diag, 0, (size_t)nz);
    gsl_vector_view o = gsl_vector_subvector(l->off, 0, (size_t)nz - 1);
    gsl_vector_view r = gsl_vector_subvector(l->rhs, 0, (size_t)nz);
    gsl_vector_view x = gsl_vector_subvector(l->x, 0, (size_t)nz);
    for (int k = 0; k < nz; k++) {
        double up = k > 0 ? lamf[k - 1] : 0.0, down = k < nz - 1 ? lamf[k] : 0.0;
        gsl_vector_set(&d.vector, (size_t)k, 1.0 + up + down + dmu);
        if (k < nz - 1)
            gsl_vector_set(&o.vector, (size_t)k, -down);
        gsl_vector_set(&r.vector, (size_t)k, u[base + (size_t)k * stride]);
    }
    int rc = gsl_linalg_solve_symm_tridiag(&d.vector, &o.vector, &r.vector, &x.vector);
    if (rc != GSL_SUCCESS)
        return rc;
    for (int k = 0; k < nz; k++)
        u[base + (size_t)k * stride] = gsl_vector_get(&x.vector, (size_t)k);
    return GSL_SUCCESS;
}

mh_status mh_diffusion_step_reference(const mh_grid *g, const mh_diffusion_field *f, double dt, mh_ctx *ctx)
{
    const int nx = g->nx, ny = g->ny, nz = g->nz;
    const double *D = f->D_mm2_day;
    double *u = f->u;
    const double c = dt / (g->dx_mm * g->dx_mm), dmu = dt * f->mu_per_day / g->dims;
    int any = f->mu_per_day > 0.0;
    for (int k = 0; k < nz; k++)
        any |= D[k] > 0.0;
    if (!any || dt <= 0.0)
        return MH_OK;
    int nmax = nx > ny ? nx : ny;
    nmax = nmax > nz ? nmax : nz;
    double *lamf = malloc((size_t)nz * sizeof *lamf);
    mh_line l = {0};
    if (lamf == NULL || line_alloc(&l, (size_t)nmax) != 0) {
        free(lamf);
        line_free(&l);
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (reference diffusion)");
    }
    for (int k = 0; k + 1 < nz; k++) {
        double a = D[k], b = D[k + 1];
        lamf[k] = (a > 0.0 && b > 0.0) ? c * 2.0 * a * b / (a + b) : 0.0;
    }
    int rc = GSL_SUCCESS;
    /* x sweep: one line per (j, k) */
    for (int jk = 0; jk < ny * nz && rc == GSL_SUCCESS; jk++) {
        int k = jk / ny;
        if (D[k] > 0.0 || dmu > 0.0)
            rc = solve_lateral(&l, u, (size_t)jk * (size_t)nx, 1, nx, c * D[k], dmu, g->periodic);
    }
    /* y sweep: one line per (i, k) */
    for (int ik = 0; g->dims == 3 && ik < nx * nz && rc == GSL_SUCCESS; ik++) {
        int k = ik / nx, i = ik % nx;
        if (D[k] > 0.0 || dmu > 0.0)
            rc = solve_lateral(&l, u, mh_idx(g, i, 0, k), (size_t)nx, ny, c * D[k], dmu, g->periodic);
    }
    /* z sweep: one column per (i, j) */
    for (int ij = 0; ij < nx * ny && rc == GSL_SUCCESS; ij++)
        rc = solve_depth(&l, u, (size_t)ij, (size_t)nx * (size_t)ny, nz, lamf, dmu);
    line_free(&l);
    free(lamf);
    if (rc != GSL_SUCCESS)
        return MH_ERROR(ctx, MH_ERR_NUMERIC, "tridiagonal solve failed in the reference diffusion step (dt = %g day)",
                        dt);
    return MH_OK;
}
