/* src/engine: the numerical engine, on plain parameter structs; no configuration, no HDF5, no printing. */
/* mh_sim: one simulation run: schedule of sessions, adaptive time stepping, observables, snapshots. */
#ifndef MH_SIM_H
#define MH_SIM_H

#include "mh_delivery.h"
#include "mh_observe.h"

typedef struct mh_sim mh_sim;

/* What a run reports to its caller. Each callback may be NULL; a non-OK return stops the run with
 * that status, at a point from which mh_sim_run can go on (or a checkpoint be taken and resumed). */
typedef struct {
    /* the fields at each snapshot time */
    mh_status (*snapshot)(void *user, double t_days, const mh_grid *g, const mh_model_params *p, const mh_fields *f,
                          mh_ctx *ctx);
    /* after every accepted step (mh_sim_state gives the time reached): where a caller checkpoints or stops */
    mh_status (*step)(void *user, const mh_sim *sim, mh_ctx *ctx);
    void *user;
} mh_sink;

/* The scalars of a run's state (its arrays are the fields, the closure rates, the punctures and the
 * series): all a continuation needs besides them to take the same steps, bit for bit. */
typedef struct {
    double t_days;      /* simulated time reached */
    double dt_days;     /* the step the controller will try next */
    int sessions_done;  /* sessions applied (the next is session_days[sessions_done]) */
    int snapshots_done; /* entries of output.snapshot_days passed (taken or beyond the run) */
    long accepted, rejected;
    mh_observe_ref ref; /* the latest session's reference for the observables */
} mh_sim_state;

/* Where and why a run stopped on a numerical fault (mh_sim_run returned MH_ERR_NUMERIC). */
typedef struct {
    bool non_finite;             /* a trial step gave NaN or Inf; else the step fell below solver.dt_min_s */
    int species;                 /* the field (mh_species) where the change was largest or not finite */
    size_t cell;                 /* its cell (mh_idx order) */
    double x_mm, y_mm, depth_mm; /* the cell's centre (y_mm = 0 in 2-D) */
    double t_days;               /* time of the last accepted state (the fields hold it) */
    double dt_days;              /* the step that failed */
} mh_sim_fault;

/* Most entries of a list of days (snapshots, aftercare exposures). */
#define MH_MAX_DAYS 64

/* The time-step controller (mh_sim.c's header): the relative change aimed at, its absolute floor, and
 * the step at the start and after each session, the shortest step, the longest. */
typedef struct {
    double tol, atol;
    double dt_initial_s, dt_min_s, dt_max_h;
} mh_solver_params;

/* What the summary of a run reads besides its series (papers/model.md "Observables", papers/delivery.md
 * "Aftercare"): the thresholds of the observables and the aftercare exposures after each session. */
typedef struct {
    double closure_fraction, erythema_visible, reepi_fraction;
    int n_sun;
    double sun_days[MH_MAX_DAYS]; /* days after a session with sun exposure */
    double sun_dose_med;          /* dose per exposure */
    double pih_weight;            /* the patient's skin type's weight of post-inflammatory pigmentation */
    int n_water;
    double water_days[MH_MAX_DAYS]; /* days after a session with water exposure */
    double water_hours;
} mh_summary_params;

/* Everything a run needs, in plain values (units as named; the model's in solver units, day and mm).
 * mh_sim_params_default gives the documented defaults (papers/model.md); a configuration file gives
 * them through src/config (mh_build). The devices' and the compound's "auto" members are NAN. */
typedef struct {
    double days;        /* simulated time */
    unsigned long seed; /* of the puncture patterns */
    mh_grid_params grid;
    mh_skin_params skin;
    int nsessions;                            /* 1 to MH_MAX_SESSIONS */
    double session_days[MH_MAX_SESSIONS];     /* non-decreasing, from 0 */
    mh_device_params device[MH_MAX_SESSIONS]; /* each session's device */
    mh_model_params model;                    /* the rates (the compound's members are set by the run from delivery) */
    mh_delivery_params delivery;
    mh_solver_params solver;
    int nsnapshots;
    double snapshot_days[MH_MAX_DAYS]; /* days of the snapshots given to mh_sink.snapshot, increasing */
    mh_summary_params summary;
    double occlusion_days; /* an occlusive dressing stays on this long after each session (0: none) */
} mh_sim_params;

/* The documented defaults (those of src/config/mh_params.def: tests/test_build.c holds them equal):
 * a 2-D face, a 1.5 mm pen, three sessions 28 days apart, 180 days, no compound. */
void mh_sim_params_default(mh_sim_params *p);

/* Builds everything a run needs from p (copied): schedule, devices, skin, grid and parameters. The
 * per-cell arrays are not allocated yet (mh_sim_setup), so this is cheap for any grid:
 * mh_sim_cell_bytes says what a run would need. MH_ERR_INPUT on values out of range (a message names
 * the member), bad geometry (a channel deeper than the domain) or a grid of too many or too few
 * cells; MH_ERR_NOMEM. */
mh_status mh_sim_create(const mh_sim_params *p, mh_ctx *ctx, mh_sim **out);
void mh_sim_destroy(mh_sim **sim);

/* The strip (mm) that a 2-D section width_mm wide of a run with sessions' devices dev[0..n)
 * represents: that of the first session with needles (mh_device_strip_mm). Each session's injury
 * weight uses its own strip (mh_puncture.section_mm). */
double mh_sim_strip_mm(const mh_device *dev, int n, double width_mm);

/* Allocates the per-cell arrays (fields, stepper, closure rates) and sets the untreated state of
 * day 0. mh_sim_run and mh_sim_restore call it when it has not been called; calling it again does
 * nothing. MH_ERR_NOMEM when memory runs out (the simulation stays as it was). */
mh_status mh_sim_setup(mh_sim *sim, mh_ctx *ctx);

/* Runs from the current state (day 0, a restored checkpoint, or where a sink stopped an earlier
 * call) to simulation.days. MH_ERR_STATE once the run has ended; MH_ERR_NUMERIC on a non-finite
 * value or a step below solver.dt_min_s (mh_sim_fault says where; the fields keep the last
 * accepted state); a sink's status when a callback stops it. */
mh_status mh_sim_run(mh_sim *sim, const mh_sink *sink, mh_ctx *ctx);

/* Runs the simulation (mh_sim_run, no sink) up to its first step accepted after the first session, the
 * step where a run on too fine a grid stops: there, even a step of solver.dt_min_s can change a field at a
 * channel's edge by more than 2 solver.tol (the diffusion across the edge grows as 1 / dx^2). MH_OK when
 * that step is taken (mh_sim_run goes on from there, as after a stop); MH_ERR_NUMERIC, with the run's
 * message and mh_sim_get_fault, when the run would stop there; MH_ERR_NOMEM as mh_sim_setup;
 * MH_ERR_STATE when the run has started. It allocates the per-cell arrays and steps the whole grid:
 * check the memory (mh_sim_cell_bytes) first. */
mh_status mh_sim_probe(mh_sim *sim, mh_ctx *ctx);

/* The scalars of the state (for a checkpoint). */
void mh_sim_get_state(const mh_sim *sim, mh_sim_state *out);
/* Closure rates and lumen weights of the channel cells (ncell values each, mh_model_aux; NULL before
 * mh_sim_setup). */
const double *mh_sim_closure_rates(const mh_sim *sim);
const double *mh_sim_lumen_weights(const mh_sim *sim);
/* The fault of the last mh_sim_run that returned MH_ERR_NUMERIC, else NULL. */
const mh_sim_fault *mh_sim_get_fault(const mh_sim *sim);

/* Puts a simulation that has not run at a saved state: st, the fields u (MH_NSPECIES arrays of
 * ncell), the closure rates k_close and lumen weights w_open (ncell each), the punctures so far (np) and the series so
 * far (nt rows of MH_OBS_COUNT). Everything is copied and checked against this simulation's schedule, grid and output
 * times first (counts, order, finite and non-negative values); on any inconsistency it fails with MH_ERR_INPUT naming
 * what does not fit (origin, e.g. the checkpoint's path, leads the message) and leaves the simulation as it was.
 * MH_ERR_STATE after mh_sim_run. */
mh_status mh_sim_restore(mh_sim *sim, const mh_sim_state *st, const double *const u[MH_NSPECIES], const double *k_close,
                         const double *w_open, const mh_puncture *p, size_t np, const double *series, size_t nt,
                         const char *origin, mh_ctx *ctx);

const mh_grid *mh_sim_grid(const mh_sim *sim);
const mh_fields *mh_sim_fields(const mh_sim *sim);
const mh_model_params *mh_sim_model_params(const mh_sim *sim);
const mh_series *mh_sim_series(const mh_sim *sim);
/* Punctures of all sessions so far. */
const mh_puncture *mh_sim_punctures(const mh_sim *sim, size_t *n);
/* The parameters the simulation was created with. */
const mh_sim_params *mh_sim_get_params(const mh_sim *sim);
/* Session days and resolved devices (arrays of *n). */
const double *mh_sim_session_days(const mh_sim *sim, int *n);
const mh_device *mh_sim_devices(const mh_sim *sim);
/* Summary after mh_sim_run (NULL before). */
const mh_summary *mh_sim_summary(const mh_sim *sim);
/* Accepted and rejected steps of the run. */
void mh_sim_steps(const mh_sim *sim, long *accepted, long *rejected);
/* Bytes of the arrays with one entry per grid cell (fields, stepper buffers, closure rates): the
 * simulation's memory per cell x ncell; the rest (series, tables) does not grow with the grid.
 * Known from mh_sim_create on (before the arrays exist). */
size_t mh_sim_cell_bytes(const mh_sim *sim);

#endif
