/* mms: manufactured solution, its source terms and the driver (see mms.h). */
#include "mms.h"

#include <gsl/gsl_math.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Amplitudes, in species order (D, O, K, B, H, I, G, F, C3, C1, E, N, M, L, W, A, X, T, Y, Q): F and the
 * total collagen stay above their baseline (m = 1) so (F - m)+ and psi's (C - m)+ are smooth. */
static const double A[MH_NSPECIES] = {0.5, 0.5, 0.6, 0.4, 0.3, 0.5, 0.8, 2.0, 2.0, 1.5,
                                      1.5, 0.5, 0.4, 1.0, 0.5, 0.3, 0.5, 1.5, 0.4, 0.5};
static const double a_amp[MH_NSPECIES] = {0.4, 0.3, 0.3, 0.4, 0.3, 0.4, 0.4, 0.3, 0.3, 0.2,
                                          0.2, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.2, 0.3, 0.3};
#define MMS_OMEGA (2.0 * M_PI) /* 1/day */
#define MMS_L 1.0              /* mm: Lx = Ly = Lz */

/* Diffusivities (mm^2/day) and chemotaxis coefficient of the test: each operator contributes an
 * error of similar size; the calibrated values are far smaller for K, I, F and chi. */
static const double D_mms[MH_NSPECIES] = {0, 0, 0.02, 0, 0.05, 0.01, 0.05, 0.01, 0, 0,
                                          0, 0, 0,    0, 0,    0,    0.04, 0,    0, 0.03};
#define MMS_CHI 0.05
#define MMS_W_OPEN 0.7 /* lumen weight of every cell (the compound's exchange) */

typedef struct {
    double phi, grad2, lap; /* Phi, |grad Phi|^2, laplacian of Phi */
} mms_shape;

/* Lateral profiles: periodic boundaries get cos(2 pi x / L - pi / 4), periodic but with a non-zero
 * slope at the boundary (a profile symmetric about the boundary, such as cos(2 pi x / L), would also
 * be a zero-flux solution and could not tell the two apart); zero flux gets cos(pi x / L). So each
 * boundary condition is tested on its own. */
static mms_shape shape(int dims, bool periodic, double x, double y, double z)
{
    const double kx = (periodic ? 2 : 1) * M_PI / MMS_L, ky = (periodic ? 2 : 1) * M_PI / MMS_L;
    const double kz = M_PI / MMS_L, ph = periodic ? M_PI / 4 : 0.0;
    double X = cos(kx * x - ph), dX = -kx * sin(kx * x - ph);
    double Y = dims == 3 ? cos(ky * y - ph) : 1.0, dY = dims == 3 ? -ky * sin(ky * y - ph) : 0.0;
    double Z = cos(kz * z), dZ = -kz * sin(kz * z);
    mms_shape s;
    s.phi = X * Y * Z;
    s.grad2 = (dX * Y * Z) * (dX * Y * Z) + (X * dY * Z) * (X * dY * Z) + (X * Y * dZ) * (X * Y * dZ);
    s.lap = -(kx * kx + (dims == 3 ? ky * ky : 0.0) + kz * kz) * s.phi;
    return s;
}

static double tau(double t) { return 1.0 + 0.5 * sin(MMS_OMEGA * t); }
static double dtau(double t) { return 0.5 * MMS_OMEGA * cos(MMS_OMEGA * t); }

static void exact(const mms_shape *sh, double t, double *u)
{
    for (int s = 0; s < MH_NSPECIES; s++)
        u[s] = A[s] * (1.0 + a_amp[s] * sh->phi * tau(t));
}

/* Source of every species at one point (m = e = v = 1 in the uniform test tissue). */
static void source(const mh_model_params *p, double k_close, const mms_shape *sh, double t, double *S)
{
    double u[MH_NSPECIES], P[MH_NSPECIES], L[MH_NSPECIES];
    exact(sh, t, u);
    mh_model_rates(p, 1.0, 1.0, 1.0, 0.0, k_close, MMS_W_OPEN, u, P, L);
    for (int s = 0; s < MH_NSPECIES; s++) {
        double amp = A[s] * a_amp[s];
        S[s] = amp * sh->phi * dtau(t) - D_mms[s] * amp * tau(t) * sh->lap - (P[s] - L[s] * u[s]);
    }
    /* div(chi F grad G) = chi (grad F . grad G + F lap G) */
    double aF = A[MH_S_F] * a_amp[MH_S_F] * tau(t), aG = A[MH_S_G] * a_amp[MH_S_G] * tau(t);
    S[MH_S_F] += MMS_CHI * (aF * aG * sh->grad2 + u[MH_S_F] * aG * sh->lap);
}

/* Reaction parameters of the test, fixed here (the values of microheal 1.0's defaults) so that a
 * recalibration of the model does not change the verification problem. */
static void params(mh_model_params *p)
{
    memset(p, 0, sizeof *p);
    p->k_D = 0.5, p->k_DI = 2.0, p->r_K = 1.0, p->b_bleed = 1.0, p->f_bleed = 1.0, p->k_B = 1.0;
    p->k_H = 8.3, p->s_H = 20.0, p->s_HK = 3.0, p->r_I = 10.0, p->k_I = 0.5, p->k_G = 9.1, p->s_GB = 5.0, p->s_GI = 5.0;
    p->k_Gb = 20.0, p->L_store = 4.0, p->k_LM = 2.0, p->lambda_L = 0.1;
    p->chi = MMS_CHI, p->r_F = 0.5, p->F_max = 4.0, p->delta_F = 0.05;
    p->s_3 = 0.3, p->lambda_3 = 0.05, p->kappa_3 = 0.2, p->s_1 = 0.2, p->k_mat = 0.02, p->lambda_N = 0.01;
    p->kappa_N = 0.3, p->lambda_1 = 0.001, p->kappa_1 = 0.05, p->eta_C = 1.0, p->s_E = 0.05, p->lambda_E = 0.002;
    p->kappa_E = 0.05, p->s_MI = 1.0, p->s_MF = 0.5, p->k_M = 1.5, p->k_W = 3.0, p->k_W_occ = 0.5, p->s_A = 0.1;
    p->k_A = 0.3, p->s_X = 2.0, p->k_X = 4.0, p->r_T = 0.3, p->delta_T = 0.1, p->k_Y = 2.5;
    p->w_3 = 0.1, p->a_age = 1.0, p->beta_B = 0.2;
    /* a compound on the skin, PRP-like (every term of Q and its growth-factor release active; the
     * top row's exchange s_top is 0 here: this test's rows are alike) */
    p->compound = true, p->a_on = 1.0, p->c_film = 0.8, p->k_ex = 2.0, p->k_clr = 1.0, p->k_deg = 0.5, p->g_prp = 0.5;
}

mh_status mms_run(const mms_setup *su, mh_fields **out, mh_grid **gout, mh_ctx *ctx)
{
    const int n = su->n, ny = su->dims == 3 ? n : 1;
    const double dx = MMS_L / n, dt = su->T / su->steps, k_close = 3.0;
    mh_grid *g = NULL;
    mh_fields *f = NULL;
    double *Dp[MH_NSPECIES] = {0};
    mh_stepper *stepper = NULL;
    mh_model_params p;
    mh_model_aux aux = {0};
    mh_status st = mh_grid_create_uniform(su->dims, n, ny, n, dx, su->periodic, ctx, &g);
    params(&p);
    if (st != MH_OK || (st = mh_fields_create(g->ncell, ctx, &f)) != MH_OK)
        goto done;
    for (int k = 0; k < n; k++)
        g->epidermal[k] = 1.0; /* every rate active: m = e = v = 1 */
    aux.k_close = mh_alloc_doubles(g->ncell);
    aux.w_open = mh_alloc_doubles(g->ncell);
    if (aux.k_close == NULL || aux.w_open == NULL) {
        st = MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (mms)");
        goto done;
    }
    for (int s = 0; s < MH_NSPECIES; s++) {
        if (D_mms[s] <= 0.0)
            continue;
        if ((Dp[s] = mh_alloc_doubles((size_t)n)) == NULL) {
            st = MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (mms)");
            goto done;
        }
        for (int k = 0; k < n; k++)
            Dp[s][k] = D_mms[s];
    }
    if ((st = mh_step_create(g, (const double *const *)Dp, ctx, &stepper)) != MH_OK)
        goto done;
    for (int k = 0; k < n; k++)
        for (int j = 0; j < ny; j++)
            for (int i = 0; i < n; i++) {
                size_t q = mh_idx(g, i, j, k);
                mms_shape sh = shape(su->dims, su->periodic, (i + 0.5) * dx, (j + 0.5) * dx, (k + 0.5) * dx);
                double u[MH_NSPECIES];
                exact(&sh, 0.0, u);
                for (int s = 0; s < MH_NSPECIES; s++)
                    f->u[s][q] = u[s];
                aux.k_close[q] = k_close;
                aux.w_open[q] = MMS_W_OPEN;
            }
    for (int step = 0; step < su->steps; step++) {
        const double t = step * dt;
#pragma omp parallel for schedule(static)
        for (int k = 0; k < n; k++)
            for (int j = 0; j < ny; j++)
                for (int i = 0; i < n; i++) {
                    size_t q = mh_idx(g, i, j, k);
                    mms_shape sh = shape(su->dims, su->periodic, (i + 0.5) * dx, (j + 0.5) * dx, (k + 0.5) * dx);
                    double S[MH_NSPECIES];
                    source(&p, k_close, &sh, t, S);
                    for (int s = 0; s < MH_NSPECIES; s++)
                        f->u[s][q] += dt * S[s];
                }
        if ((st = mh_step_advance(stepper, &p, &aux, f, dt, ctx)) != MH_OK)
            goto done;
    }
done:
    for (int s = 0; s < MH_NSPECIES; s++)
        mh_free(Dp[s]);
    mh_step_destroy(&stepper);
    mh_free(aux.k_close);
    mh_free(aux.w_open);
    if (st == MH_OK)
        *out = f;
    else
        mh_fields_destroy(&f);
    if (st == MH_OK && gout != NULL)
        *gout = g;
    else
        mh_grid_destroy(&g);
    return st;
}

void mms_error_of(const mms_setup *su, const mh_grid *g, const mh_fields *f, mms_error *err)
{
    const double dx = g->dx_mm;
    memset(err, 0, sizeof *err);
    for (int k = 0; k < g->nz; k++)
        for (int j = 0; j < g->ny; j++)
            for (int i = 0; i < g->nx; i++) {
                size_t q = mh_idx(g, i, j, k);
                mms_shape sh = shape(su->dims, su->periodic, (i + 0.5) * dx, (j + 0.5) * dx, (k + 0.5) * dx);
                double u[MH_NSPECIES];
                exact(&sh, su->T, u);
                for (int s = 0; s < MH_NSPECIES; s++) {
                    double e = fabs(f->u[s][q] - u[s]) / A[s];
                    err->rms[s] += e * e;
                    err->max[s] = fmax(err->max[s], e);
                }
            }
    for (int s = 0; s < MH_NSPECIES; s++) {
        err->rms[s] = sqrt(err->rms[s] / (double)g->ncell);
        err->rms_all += err->rms[s] * err->rms[s];
        err->max_all = fmax(err->max_all, err->max[s]);
    }
    err->rms_all = sqrt(err->rms_all);
}

mh_status mms_space_error(const mms_setup *su, mms_error *err, mh_ctx *ctx)
{
    mms_setup s2 = *su;
    s2.steps = 2 * su->steps;
    mh_fields *a = NULL, *b = NULL;
    mh_grid *g = NULL;
    mh_status st = mms_run(su, &a, NULL, ctx);
    if (st == MH_OK)
        st = mms_run(&s2, &b, &g, ctx);
    if (st == MH_OK) {
        for (int s = 0; s < MH_NSPECIES; s++)
            for (size_t q = 0; q < b->n; q++)
                b->u[s][q] = 2.0 * b->u[s][q] - a->u[s][q];
        mms_error_of(su, g, b, err);
    }
    mh_fields_destroy(&a);
    mh_fields_destroy(&b);
    mh_grid_destroy(&g);
    return st;
}

double mms_difference(const mh_fields *a, const mh_fields *b)
{
    double sum = 0.0;
    for (int s = 0; s < MH_NSPECIES; s++)
        for (size_t q = 0; q < a->n; q++) {
            double e = (a->u[s][q] - b->u[s][q]) / A[s];
            sum += e * e;
        }
    return sqrt(sum / (double)a->n);
}

double mms_order(double e_coarse, double e_fine, double ratio) { return log(e_coarse / e_fine) / log(ratio); }
