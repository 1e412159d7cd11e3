/* src/study: what runs many simulations: sweeps and their designs, targets, calibration, sensitivity. */
/* mh_targets: calibration and validation targets read from an INI file: a scenario (a config and
 * overrides), an observable, the datum with its sigma, an acceptance band, the source of each, and the
 * set it belongs to (role): the calibration set, which fits may use, or the validation set, held out.
 *
 * File format (papers/calibration.md has the full description and configs/validation/targets.ini an example):
 *
 *   [defaults]                         ; optional, applies to every target
 *   config = ../default.ini            ; relative to the targets file
 *   set = grid.dx_um=20                ; assignments separated by ';' (no blank before ';': " ;" starts a comment)
 *
 *   [target.NAME]
 *   source = Kalluri et al. 2011 ...   ; required
 *   role = calibration                 ; required: calibration (a fit may use it) or validation (held out:
 *                                      ; never fitted, only scored); not allowed in [defaults]
 *   item = 2                           ; behaviour item of shared/science/README.md (optional)
 *   config = ...                       ; required unless given in [defaults]
 *   set = device.type=roller; schedule.sessions=1      (repeatable, after the defaults' set)
 *   observable = closure_hours         ; required, see below
 *   session = 1                        ; session of the per-session metrics and peaks (default 1)
 *   ratio_set = patient.age_years=23.5 ; makes a ratio target: denominator scenario = scenario + ratio_set
 *   ratio_observable = ...             ; makes a ratio target: denominator observable (default: observable)
 *   value = 12                         ; datum (optional: bound-only targets have none)
 *   sigma = 2                          ; standard uncertainty for fitting (optional: no sigma, no fitting)
 *   band = 9, 15                       ; required: acceptance band for validation, inclusive;
 *                                      ; "(0, inf)" or "[0, 1)" mark open ends; -inf and inf allowed
 *
 * Observables:
 *   closure_hours, barrier_hours, erythema_days, erythema_peak, erythema_peak_hours, reepithelialized_days,
 *   bleeding (and every other per-session field of mh_summary_fields but session_days)
 *                        mh_summary's metric of session N (NaN = not reached within simulation.days)
 *   value:COLUMN@day=D   series column (mh_observe_name, e.g. "erythema", "barrier_loss", "epidermis/thickness")
 *                        at day D after the first session
 *   gain:COLUMN@day=D    per-layer column ("dermis/collagen_total") at day D relative to untreated skin:
 *                        the column itself (per-layer columns are 1.0 in untreated skin, the day-0 value),
 *                        the same quantity as mh_summary's gains
 *   increment:COLUMN@day=D   gain - 1
 *   peak_day:COLUMN      day of the column's maximum after session N (before session N+1), from session N
 *   peak:COLUMN          that maximum
 * A ratio target's model value is observable(scenario) / ratio_observable(scenario + ratio_set) (either
 * part may be absent: then the same observable, or the same scenario); the file says whether a ratio is
 * of gains or of increments by the observable it names.
 *
 * Scenario of a target: config file, then [defaults] set, then the target's set, then the caller's
 * extra settings (e.g. --set on the command line, fitted parameters), then ratio_set (denominator only).
 * Runs are cached by their resolved configuration text (mh_config_text): targets sharing a scenario
 * share one run. */
#ifndef MH_TARGETS_H
#define MH_TARGETS_H

#include "mh_config.h"
#include "mh_ensemble.h"
#include "mh_sim.h"

#include <stdbool.h>

typedef struct mh_targets mh_targets;

/* The set a target belongs to (key role). Calibration targets are those parameters may be fitted or
 * tuned to; validation targets are held out: mh_calibrate refuses them, and no parameter is chosen by
 * them (papers/calibration.md, "Calibration set and validation set"). */
typedef enum { MH_TARGET_CALIBRATION, MH_TARGET_VALIDATION } mh_target_role;
#define MH_TARGET_ROLES 2

/* "calibration" or "validation" (the key's values). */
const char *mh_target_role_name(mh_target_role role);

/* What a target says about itself; strings are owned by the targets object. */
typedef struct {
    const char *name;  /* NAME of [target.NAME] */
    const char *where; /* "FILE:LINE" of the section header */
    const char *source;
    mh_target_role role;
    const char *item;             /* "" if not given */
    const char *observable;       /* as written */
    const char *ratio_observable; /* NULL unless a ratio target */
    int session;                  /* 1-based */
    bool has_value, has_sigma;
    double value, sigma;
    double band_lo, band_hi; /* -INFINITY / INFINITY for open-ended bands */
    bool lo_open, hi_open;   /* true: the end itself is outside the band */
} mh_target_info;

/* Most runs kept in the cache (oldest dropped first). */
#define MH_TARGETS_CACHE 64

/* Reads a targets file and checks every scenario (config loads, settings are known keys with valid
 * values, sessions and days exist). Errors: MH_ERR_INPUT with "FILE:LINE: key: reason" (missing file,
 * unknown section or key, missing required key, bad number, band or role, role in [defaults], unknown
 * observable, a setting the configuration rejects); MH_ERR_NOMEM. Free *out with mh_targets_destroy. */
mh_status mh_targets_load(const char *path, mh_ctx *ctx, mh_targets **out);
void mh_targets_destroy(mh_targets **t);

int mh_targets_count(const mh_targets *t);
const mh_target_info *mh_targets_info(const mh_targets *t, int i);
/* Index of the target called name, or -1. */
int mh_targets_find(const mh_targets *t, const char *name);
/* The path the file was loaded from. */
const char *mh_targets_path(const mh_targets *t);

/* Whether v lies in the target's band (false for NaN). */
bool mh_target_in_band(const mh_target_info *ti, double v);
/* Weighted residual of a model value for fitting: (model - value) / sigma with a datum; for a target
 * with a sigma but no value (a bound), the distance outside the band / sigma (0 inside). NaN without
 * a sigma. */
double mh_target_residual(const mh_target_info *ti, double model);

/* Whether the target's own settings (defaults, set or ratio_set) assign key; *where gets "FILE:LINE". */
bool mh_targets_sets_key(const mh_targets *t, int i, const char *key, const char **where);

/* Builds the validated configuration of target i's scenario (denominator = true: with ratio_set).
 * extra_sets: NULL-terminated "key=value" list applied after the target's own settings (origin
 * "--set #k" in messages), or NULL. Free *out with mh_config_destroy. */
mh_status mh_targets_config(const mh_targets *t, int i, const char *const *extra_sets, bool denominator,
                            mh_config **out, mh_ctx *ctx);

/* Model value of target i: runs (or finds in the cache) its scenario(s) and extracts the observable.
 * *model_value is NaN, with MH_OK, when a metric was not reached (e.g. channels still open at the end)
 * or a ratio's denominator is 0. Errors: MH_ERR_INPUT (bad extra setting, session or day beyond the
 * run; a contraindication too), MH_ERR_NUMERIC (the simulation failed), MH_ERR_NOMEM. */
mh_status mh_targets_evaluate(mh_targets *t, int i, const char *const *extra_sets, double *model_value, mh_ctx *ctx);

/* Ensembles (papers/calibration.md, "Ensembles"). The base seed of target i is the seed key of its scenario
 * as configured (the file's config and settings, then extra_sets: "--set seed=1" changes it). Replicate r
 * runs the scenario with "seed=<mh_ensemble_seed(base, r)>" applied last, after ratio_set too: both parts
 * of a ratio run with the same seed (common random numbers), and replicate 0 is the plain run (the
 * resolved configuration is the same, so mh_targets_evaluate and replicate 0 share one cached run).
 * Replicates of scenarios that targets share are shared like any run; the cache holds MH_TARGETS_CACHE
 * runs, so a caller that evaluates many targets at many replicates goes replicate by replicate (every
 * target at replicate 0, then at 1, ...) to run each scenario once (microheal validate does). */

/* The base seed of target i's scenario into *seed. Errors: those of mh_targets_config. */
mh_status mh_targets_base_seed(const mh_targets *t, int i, const char *const *extra_sets, unsigned long *seed,
                               mh_ctx *ctx);

/* Model value of replicate r (0 <= r < MH_ENSEMBLE_MAX) of target i into *value, as mh_targets_evaluate:
 * NaN with MH_OK when not reached; the same errors (a message of the seed's assignment names "replicate
 * R"), and MH_ERR_INPUT for r out of range. */
mh_status mh_targets_evaluate_replicate(mh_targets *t, int i, const char *const *extra_sets, int r, double *value,
                                        mh_ctx *ctx);

/* Replicates 0 .. nrep - 1 (1 <= nrep <= MH_ENSEMBLE_MAX) of target i, one after another: their values into
 * values[0 .. nrep) (the caller's array) and their statistics (mh_ensemble_stats_of: NaN when a replicate's
 * value is NaN) into *st. Errors: those of mh_targets_evaluate_replicate, MH_ERR_INPUT for nrep out of
 * range; then the replicates not evaluated are NaN and *st is NaN. */
mh_status mh_targets_evaluate_ensemble(mh_targets *t, int i, const char *const *extra_sets, int nrep, double *values,
                                       mh_ensemble_stats *st, mh_ctx *ctx);

/* Time series and summary of target i's (numerator) run, for plots; the pointers stay valid until the
 * next call on t. */
mh_status mh_targets_run(mh_targets *t, int i, const char *const *extra_sets, const mh_series **series,
                         const mh_summary **summary, mh_ctx *ctx);

/* Simulations run and cache hits so far. */
void mh_targets_stats(const mh_targets *t, long *runs, long *hits);

#endif
