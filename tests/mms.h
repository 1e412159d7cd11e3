/* mms: a manufactured solution of the full microheal system, for the order-of-accuracy tests
 * (tests/test_mms.c) and the convergence tables of papers/verification.md (tests/verify.c).
 *
 * Every species s has the exact solution
 *   u_s(x, y, z, t) = A_s [1 + a_s Phi(x, y, z) tau(t)],  tau(t) = 1 + sin(omega t) / 2,
 *   Phi = cos(k x) [cos(k y) in 3-D] cos(pi z / Lz),  k = 2 pi / L (periodic) or pi / L (zero flux),
 * which has zero normal derivative on every wall (and is periodic laterally when k = 2 pi / L), so
 * it satisfies the lateral boundary condition tested and the zero-flux top and bottom. The source
 *   S_s = du_s/dt - div(D_s grad u_s) [+ div(chi F grad G) for F] - (P_s(u) - L_s(u) u_s)
 * uses the model's own rates (mh_model_rates) at the exact state, and enters as one more
 * split sub-step (explicit Euler) before the model step (mh_step_advance). */
#ifndef MH_TEST_MMS_H
#define MH_TEST_MMS_H

#include "mh_step.h"

typedef struct {
    int dims;      /* 2 or 3 */
    int n;         /* cells per unit length: nx = nz = n (and ny = n in 3-D) */
    bool periodic; /* lateral boundary condition */
    double T;      /* final time, day */
    int steps;     /* fixed steps of T / steps */
} mms_setup;

typedef struct {
    double rms[MH_NSPECIES]; /* RMS over cells of (u - exact) / A_s at T */
    double max[MH_NSPECIES]; /* max over cells of |u - exact| / A_s at T */
    double rms_all;          /* sqrt(sum of rms^2 over species) */
    double max_all;          /* max over species */
} mms_error;

/* Runs the manufactured problem; on success *out holds the fields at T (caller destroys with
 * mh_fields_destroy) and *g the grid (mh_grid_destroy; pass NULL to discard). */
mh_status mms_run(const mms_setup *s, mh_fields **out, mh_grid **g, mh_ctx *ctx);

/* Error of f (on grid g) against the exact solution at s->T. */
void mms_error_of(const mms_setup *s, const mh_grid *g, const mh_fields *f, mms_error *err);

/* Spatial error: runs s with s->steps and 2 s->steps and extrapolates in time (2 u_2S - u_S),
 * which removes the first-order time error and leaves the spatial error plus O(dt^2). */
mh_status mms_space_error(const mms_setup *s, mms_error *err, mh_ctx *ctx);

/* RMS over cells and species of (a - b) / A_s (a, b from two runs on the same grid). */
double mms_difference(const mh_fields *a, const mh_fields *b);

/* Observed order log(e_coarse / e_fine) / log(ratio). */
double mms_order(double e_coarse, double e_fine, double ratio);

#endif
