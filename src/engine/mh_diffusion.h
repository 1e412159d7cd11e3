/* src/engine: the numerical engine, on plain parameter structs; no configuration, no HDF5, no printing. */
/* mh_diffusion: implicit LOD (locally one-dimensional) diffusion-decay steps of several fields.
 *
 * Each field u has a depth profile of diffusion coefficients D[k] (mm^2/day, nz entries) and a
 * decay rate mu (1/day, 0 for none). One step advances du/dt = div(D grad u) - mu u over dt by
 * backward Euler per axis, x, then y (3-D), then z:
 *   (I - dt A_x + dt mu/n) u* = u,  (I - dt A_y + dt mu/n) u** = u*,  (I - dt A_z + dt mu/n) u_new = u**,
 * n = number of axes (2 or 3), the decay split over the sweeps as in BioFVM (Ghaffarizadeh et al. 2016).
 * Faces in z carry the harmonic mean of the two cells' coefficients (0 if either is 0), so a layer
 * with D = 0 is a zero-flux wall. Top and bottom are zero flux; lateral boundaries periodic or zero
 * flux (grid->periodic; the grid guarantees 3 cells or more on a periodic axis). Without decay
 * each 1-D solve conserves the sum of u in exact arithmetic; the scheme is unconditionally stable,
 * first order in time and second order in space (papers/model.md, "Numerics").
 *
 * Two kernels solve the same equations:
 * - mh_diffusion_step (mh_diffusion.c): the optimised one. Every line of a sweep has the same
 *   matrix up to its depth row, so each matrix is factorised once per step (LDL^T); the lines are
 *   then solved together, vectorised across lines, in cache-sized blocks, in parallel over blocks.
 * - mh_diffusion_step_reference (mh_diffusion_ref.c): one field, one line at a time, with GSL's
 *   tridiagonal solvers; serial. Tests hold the optimised kernel against it (papers/performance.md).
 * Each line is solved by the same arithmetic whatever thread solves it, so the result of either
 * kernel does not depend on the thread count. */
#ifndef MH_DIFFUSION_H
#define MH_DIFFUSION_H

#include "mh_grid.h"

/* One field of a diffusion step: its values (ncell, changed in place), its diffusion coefficient
 * per depth row (nz entries, mm^2/day, >= 0) and its decay rate (1/day, >= 0). The model's decay
 * terms are reactions (mh_model_rates), so the simulator passes mu = 0; the decay term exists for
 * BioFVM's diffusion-decay benchmark problem (make bench), which the tests check as well. */
typedef struct {
    double *u;
    const double *D_mm2_day;
    double mu_per_day;
} mh_diffusion_field;

/* Workspace of the optimised kernel for one grid: factor tables and per-thread line buffers.
 * Not shared between concurrent steps. */
typedef struct mh_diffusion mh_diffusion;

/* Creates a workspace for grid g (which must outlive it). Returns MH_ERR_NOMEM on failure. */
mh_status mh_diffusion_create(const mh_grid *g, mh_ctx *ctx, mh_diffusion **out);
/* Frees the workspace; accepts NULL and sets *w to NULL. */
void mh_diffusion_destroy(mh_diffusion **w);

/* Advances the nfields fields f[0..nfields) by one step dt (days). Fields with D = 0 everywhere and
 * mu = 0 are left untouched (bit for bit). Returns MH_ERR_NOMEM if a factor table cannot grow,
 * MH_ERR_INPUT for a non-finite or negative dt or coefficient. */
mh_status mh_diffusion_step(mh_diffusion *w, int nfields, const mh_diffusion_field *f, double dt_days, mh_ctx *ctx);

/* Bytes that mh_diffusion_step(w, nfields, ...) reads and writes outside a core's own caches, in
 * the kernel's traffic model with the current thread count: 16 per cell for a field stepped whole by
 * one thread (2-D, the field read and written once), 32 for the others (read and written by the
 * lateral sweeps, then by the z sweep). For the benchmark's bandwidth figures. */
double mh_diffusion_step_bytes(const mh_diffusion *w, int nfields);

/* Reference kernel: the same step for one field, line by line with GSL (gsl_linalg_solve_symm_tridiag
 * and _symm_cyc_tridiag), serial. Returns MH_ERR_NUMERIC if GSL reports a failed solve,
 * MH_ERR_NOMEM on allocation failure. */
mh_status mh_diffusion_step_reference(const mh_grid *g, const mh_diffusion_field *f, double dt_days, mh_ctx *ctx);

#endif
