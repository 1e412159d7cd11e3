/* src/engine: the numerical engine, on plain parameter structs; no configuration, no HDF5, no printing. */
/* mh_step: one time step of the whole model by Lie operator splitting, tried then accepted. */
#ifndef MH_STEP_H
#define MH_STEP_H

#include "mh_model.h"

/* A step over dt (days) from state u: chemotaxis of F (explicit, mh_model_chemotaxis), reactions of
 * every species (Patankar-Euler, mh_model_rates: u <- (u + dt P) / (1 + dt L)), then one backward-
 * Euler LOD diffusion step (mh_diffusion_step) of every species s with a diffusivity profile D[s].
 * First order in time; every sub-step keeps the fields non-negative when dt is within
 * mh_model_chemotaxis_dt_limit (papers/model.md, "Numerics").
 *
 * A step is tried without touching the state, then accepted or dropped (all or nothing):
 * mh_step_try computes the new values of every species into the stepper's buffers (reactions, then
 * diffusion of the diffusing ones) and the step's largest relative change; mh_step_accept makes them
 * the state by swapping buffers, so the reactions are evaluated once per try. The state is stored
 * once, plus one buffer per species and one for F after chemotaxis: (2 x 19 + 1) x 8 bytes per cell
 * (mh_step_cell_bytes; papers/performance.md). */
typedef struct mh_stepper mh_stepper;

/* Largest relative change of a step, max over species and cells of |new - old| / (|old| + atol),
 * with the species and cell where it is largest (the first species, then the lowest cell, on ties);
 * INFINITY where a new value is not finite. */
typedef struct {
    double value;
    int species;
    size_t cell;
} mh_change;

/* Creates a stepper for grid g (which must outlive it). D[s] is species s's diffusivity profile
 * (nz values, mm^2/day, copied) or NULL for a species that does not diffuse. MH_ERR_NOMEM on failure. */
mh_status mh_step_create(const mh_grid *g, const double *const D[MH_NSPECIES], mh_ctx *ctx, mh_stepper **out);
/* Frees the stepper; accepts NULL and sets *s to NULL. */
void mh_step_destroy(mh_stepper **s);

/* Tries a step of dt from u (not changed) and reports its change (atol: the absolute floor of
 * the relative change). Errors of the diffusion step are returned; u is untouched either way. */
mh_status mh_step_try(mh_stepper *s, const mh_model_params *p, const mh_model_aux *aux, const mh_fields *u, double dt,
                      double atol, mh_change *change, mh_ctx *ctx);
/* Replaces u by the state of the last successful mh_step_try on u (with that try's parameters
 * and closure rates, which must still be alive and unchanged). Returns MH_ERR_STATE if there is none. */
mh_status mh_step_accept(mh_stepper *s, mh_fields *u, mh_ctx *ctx);
/* Try and accept in one call, for fixed-step drivers (tests, verification). */
mh_status mh_step_advance(mh_stepper *s, const mh_model_params *p, const mh_model_aux *aux, mh_fields *u, double dt,
                          mh_ctx *ctx);
/* Bytes of the arrays with one entry per cell that a stepper for g and D allocates (the trial
 * buffers and F after chemotaxis), for memory accounting before or after it exists; the per-row
 * and per-line tables are not counted. */
size_t mh_step_cell_bytes(const mh_grid *g, const double *const D[MH_NSPECIES]);

#endif
