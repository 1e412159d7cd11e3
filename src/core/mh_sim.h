/* mh_sim: one simulation run: schedule of sessions, adaptive time stepping, observables, snapshots. */
#ifndef MH_SIM_H
#define MH_SIM_H

#include "mh_observe.h"

typedef struct mh_sim mh_sim;

/* Receives the fields at each snapshot time; a non-OK return stops the run. */
typedef struct {
    mh_status (*snapshot)(void *user, double t_days, const mh_grid *g, const mh_model_params *p, const mh_fields *f,
                          mh_ctx *ctx);
    void *user;
} mh_sink;

/* Builds everything a run needs from a validated configuration (cfg must outlive sim).
 * Fails on contraindications, bad geometry (a channel deeper than the domain) or memory. */
mh_status mh_sim_create(const mh_config *cfg, mh_ctx *ctx, mh_sim **out);
void mh_sim_destroy(mh_sim **sim);

/* Runs from day 0 to simulation.days. Can be called once. */
mh_status mh_sim_run(mh_sim *sim, const mh_sink *sink, mh_ctx *ctx);

const mh_grid *mh_sim_grid(const mh_sim *sim);
const mh_fields *mh_sim_fields(const mh_sim *sim);
const mh_model_params *mh_sim_params(const mh_sim *sim);
const mh_series *mh_sim_series(const mh_sim *sim);
/* Punctures of all sessions so far. */
const mh_puncture *mh_sim_punctures(const mh_sim *sim, size_t *n);
/* Session days and resolved devices (arrays of *n). */
const double *mh_sim_session_days(const mh_sim *sim, int *n);
const mh_device *mh_sim_devices(const mh_sim *sim);
/* Summary after mh_sim_run (NULL before). */
const mh_summary *mh_sim_summary(const mh_sim *sim);
/* Accepted and rejected steps of the run. */
void mh_sim_steps(const mh_sim *sim, long *accepted, long *rejected);
/* Bytes of the arrays with one entry per grid cell (fields, stepper buffers, closure rates): the
 * simulation's memory per cell x ncell; the rest (series, tables) does not grow with the grid. */
size_t mh_sim_cell_bytes(const mh_sim *sim);

#endif
