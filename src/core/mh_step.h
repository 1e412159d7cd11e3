/* mh_step: one time step of the whole model by Lie operator splitting. */
#ifndef MH_STEP_H
#define MH_STEP_H

#include "mh_model.h"

/* Advances f by dt (days): chemotaxis (explicit, mh_model_chemotaxis), reactions (Patankar-Euler,
 * mh_model_react), then one backward-Euler LOD diffusion step (mh_diffusion_step) of every species s
 * with D[s] != NULL (a diffusivity profile of nz values, mm^2/day). First order in time; every
 * sub-step keeps the fields non-negative when dt is within mh_model_chemotaxis_dt_limit.
 * tmp is an ncell work array. On failure f is partly advanced: callers step a copy. */
mh_status mh_step_split(const mh_grid *g, const mh_model_params *p, const mh_model_aux *aux,
                        const double *const D[MH_NSPECIES], double dt, mh_fields *f, double *tmp, mh_ctx *ctx);

#endif
