/* src/study: what runs many simulations: sweeps and their designs, targets, calibration, sensitivity. */
/* mh_sensitivity: one-at-a-time and Morris screening of real-valued parameters on run summaries.
 *
 * Lifecycle: mh_sensitivity_options_default, adjust the options, mh_sensitivity_create (checks everything and
 * plans the runs, runs nothing), mh_sensitivity_run (runs them, once), the accessors, mh_sensitivity_destroy.
 * Every run is a full mh_sim run of a copy of the base configuration with the screened values
 * set through mh_config_set (the validator of config files and --set); the seed, hence the
 * puncture pattern, is the same in every run. Runs are sequential; each simulation uses its own
 * OpenMP kernels, so the results do not depend on the thread count.
 *
 * Observables y (mh_sensitivity_obs):
 *   collagen_gain_d42, _d180  dermis total collagen at day 42 / 180 minus 1 (mh_summary gain - 1):
 *                             the relative increase over untreated skin, 0.17 = +17 %
 *   erythema_days            erythema days of session 1 (censored at the next session or the end)
 *   closure_hours            channel closure hours of session 1
 *   reepithelialized_days    re-epithelialisation days of session 1
 *
 * Method oat (one at a time): for each parameter p with base value p0 != 0, runs at p0 (1 - delta)
 * and p0 (1 + delta); the normalised sensitivity index is the central difference
 *   S = ((y+ - y-) / y0) / ((p+ - p-) / p0),   y0 = y of the base run.
 * A side outside the table's [min, max], or whose run failed, is replaced by the base run (a
 * one-sided difference, flagged). A parameter whose base value is 0 is skipped with the reason
 * (a relative step does not exist). Runs: 1 + 2 k.
 *
 * Method morris (Morris 1991, Technometrics 33:161; the simple trajectory design of Campolongo,
 * Cariboni & Saltelli 2007): each parameter is mapped to a grid of p levels on
 * [max(min, p0 (1 - range)), min(max, p0 (1 + range))]; r trajectories, each from a random grid
 * point, change one parameter at a time (in random order) by Delta = p / (2 (p - 1)) of the range,
 * up from the lower half of the levels and down from the upper half. Elementary effects are
 * normalised like S, EE = ((y' - y) / y0) / ((p' - p) / p0), so mu* (mean |EE|) is comparable with
 * |S|; mu is the signed mean and sigma the sample standard deviation (r - 1 in the denominator).
 * Start points and orders come from a GSL mt19937 generator seeded with the config's seed, drawn
 * in a fixed order: same seed, same design. Runs: 1 (base, for y0) + (k + 1) r.
 *
 * Noise: the adaptive step follows the solution, so a parameter that changes the step sequence
 * moves every observable a little even where it is not in its equations (measured on the screening
 * of papers/sensitivity.md at solver.tol 0.02: |S| up to 1.3e-2 on the collagen gains, 4e-3 on
 * erythema days); an index is exactly 0 only where the parameter changes no number of the run.
 *
 * A run that fails (e.g. the time step falls below solver.dt_min_s) is recorded with its message
 * and leaves out the differences that need it; only a failed base run fails the screening.
 * Ranking: by |S| (oat) or mu* (morris) per observable; overall by the largest of those over the
 * selected observables. */
#ifndef MH_SENSITIVITY_H
#define MH_SENSITIVITY_H

#include "mh_config.h"
#include "mh_sim.h"

typedef enum { MH_SENS_OAT = 0, MH_SENS_MORRIS } mh_sensitivity_method;

typedef enum {
    MH_SENS_GAIN42 = 0,
    MH_SENS_GAIN180,
    MH_SENS_ERYTHEMA,
    MH_SENS_CLOSURE,
    MH_SENS_REEPI,
    MH_SENS_NOBS
} mh_sensitivity_obs;

const char *mh_sensitivity_method_name(mh_sensitivity_method m); /* "oat", "morris" */
const char *mh_sensitivity_obs_name(mh_sensitivity_obs o);       /* e.g. "collagen_gain_d42" */
const char *mh_sensitivity_obs_unit(mh_sensitivity_obs o);
/* Simulated days an observable needs (180 for collagen_gain_d180, ...). */
double mh_sensitivity_obs_days(mh_sensitivity_obs o);

/* Called after every run (base run included) with the run's index (0-based), the number of runs,
 * a label ("model.k_D = 0.45", "trajectory 2 step 3: model.s_1 = 0.06") and its status. */
typedef void (*mh_sensitivity_progress_fn)(void *user, int run, int nruns, const char *label, mh_status status,
                                           const char *message);

typedef struct {
    mh_sensitivity_method method;
    const char *const *keys; /* keys to screen, nkeys of them; NULL = every real model.* key of the table */
    int nkeys;
    mh_sensitivity_obs obs[MH_SENS_NOBS]; /* observables to check and rank, nobs of them */
    int nobs;
    double delta;                        /* oat: relative step, in (0, 1); default 0.1 */
    int trajectories;                    /* morris: r, 2 .. 1000; default 4 */
    int levels;                          /* morris: p, even, 2 .. 100; default 4 */
    double range;                        /* morris: relative half-width of the range, in (0, 1); default 0.5 */
    mh_sensitivity_progress_fn progress; /* may be NULL */
    void *progress_user;
} mh_sensitivity_options;

/* Fills o with the defaults: oat, every model key, collagen_gain_d42, collagen_gain_d180 and
 * erythema_days, the settings above, no progress callback. */
void mh_sensitivity_options_default(mh_sensitivity_options *o);

/* Results of one parameter. index, mu and sigma are NaN where they cannot be computed (a
 * skipped parameter, failed runs, y0 = 0, an observable the run is too short for). */
typedef struct {
    const char *key;            /* the table's key (static storage) */
    int id;                     /* row of mh_param_table() */
    double base;                /* value in the base configuration */
    double lo, hi;              /* oat: values of the runs used for the difference; morris: sampled range */
    const char *skipped;        /* NULL, or why the parameter was not screened (static storage) */
    int one_sided;              /* oat: the difference used the base run for one side */
    int nfailed;                /* runs that changed this parameter and failed */
    int neffects;               /* oat: 1 if S exists; morris: elementary effects in mu* (<= r) */
    double index[MH_SENS_NOBS]; /* oat: S; morris: mu* */
    double mu[MH_SENS_NOBS];    /* oat: S; morris: mean signed elementary effect */
    double sigma[MH_SENS_NOBS]; /* oat: NaN; morris: standard deviation of the elementary effects */
    double overall;             /* largest |index| over the selected observables (NaN if none) */
} mh_sensitivity_param;

/* One simulation of the screening. */
typedef struct {
    int param; /* parameter changed by this run (oat and morris steps), -1 for a start point or base */
    char label[192];
    mh_status status; /* MH_OK, or the error of mh_sim_create / mh_sim_run */
    char message[MH_MSG_LEN];
    double y[MH_SENS_NOBS]; /* NaN when the run failed */
} mh_sensitivity_record;

typedef struct mh_sensitivity mh_sensitivity;

/* Checks the options and the base configuration and plans the runs (runs nothing). The base
 * configuration is copied: it may be changed or freed afterwards. Fails with MH_ERR_INPUT on an
 * unknown key, a key that is not real-valued, given twice, 'auto' in the base configuration or
 * overridden per session; on settings out of range; on a base configuration that does not
 * validate; on a selected observable that needs more simulation.days than the base has.
 * MH_ERR_NOMEM when memory runs out. *out is NULL on failure. */
mh_status mh_sensitivity_create(const mh_config *base, const mh_sensitivity_options *opt, mh_ctx *ctx,
                                mh_sensitivity **out);
void mh_sensitivity_destroy(mh_sensitivity **s);

/* Runs every planned simulation in order and computes the indices. Can be called once
 * (MH_ERR_STATE otherwise). Fails when the base run fails (its message, prefixed "base run: ") or
 * memory runs out; a failure of any other run is recorded in its mh_sensitivity_record. */
mh_status mh_sensitivity_run(mh_sensitivity *s, mh_ctx *ctx);

int mh_sensitivity_nruns(const mh_sensitivity *s);
int mh_sensitivity_nfailed(const mh_sensitivity *s); /* failed runs (0 before mh_sensitivity_run) */
const mh_sensitivity_record *mh_sensitivity_record_at(const mh_sensitivity *s, int i);
/* Values of the screened parameters (mh_sensitivity_nparams of them, in the order of the keys) in run i
 * (the plan: known after mh_sensitivity_create); NULL if i is out of range. */
const double *mh_sensitivity_values(const mh_sensitivity *s, int i);
int mh_sensitivity_nparams(const mh_sensitivity *s);
const mh_sensitivity_param *mh_sensitivity_param_at(const mh_sensitivity *s, int i); /* in the order of the keys */
/* The settings in use (keys points at storage of s). */
const mh_sensitivity_options *mh_sensitivity_settings(const mh_sensitivity *s);
/* y of the base run (NaN before mh_sensitivity_run). */
double mh_sensitivity_base_y(const mh_sensitivity *s, mh_sensitivity_obs o);

/* Write into order[0 .. nparams) the parameter numbers ranked by |index[o]| (mh_sensitivity_rank) or by
 * overall (mh_sensitivity_rank_overall), largest first. Skipped parameters and NaN indices come last;
 * ties keep the order of the keys. */
void mh_sensitivity_rank(const mh_sensitivity *s, mh_sensitivity_obs o, int *order);
void mh_sensitivity_rank_overall(const mh_sensitivity *s, int *order);

#endif
