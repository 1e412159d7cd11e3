/* mh_diffusion: implicit LOD (locally one-dimensional) diffusion with GSL tridiagonal solves. */
#ifndef MH_DIFFUSION_H
#define MH_DIFFUSION_H

#include "mh_grid.h"

/* Diffusion coefficient profile of one field: D_mm2_day[k] per depth index (nz entries).
 * Advances u by one backward-Euler step of du/dt = div(D grad u) per axis (x, y, then z):
 *   (I - dt A_x) u* = u,  (I - dt A_y) u** = u*,  (I - dt A_z) u_new = u**.
 * Faces carry the harmonic mean of the two cells' coefficients (0 if either is 0), so
 * a layer with D = 0 is a zero-flux wall. Top and bottom are zero flux; lateral
 * boundaries periodic or zero flux (grid->periodic). Each 1-D solve conserves the
 * sum of u exactly in exact arithmetic; the scheme is unconditionally stable,
 * first order in time and second order in space. Lines are independent and solved
 * in parallel, so the result does not depend on the thread count.
 * Returns MH_ERR_NUMERIC if GSL reports a failed solve. */
mh_status mh_diffusion_step(const mh_grid *g, const double *D_mm2_day, double dt_days, double *restrict u,
                            mh_ctx *ctx);

#endif
