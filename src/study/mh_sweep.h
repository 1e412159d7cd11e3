/* src/study: what runs many simulations: sweeps and their designs, targets, calibration, sensitivity. */
/* mh_sweep: the plan of a parameter sweep: its file, its design (grid, oat, lhs, sobol), the
 * configuration of every point, the outcome metrics of a run and Sobol sensitivity indices.
 *
 * Sweep file (INI, the syntax of configs; papers/sweeps.md has the full description and
 * configs/sweeps/ examples):
 *
 *   [sweep]
 *   base = ../default.ini      ; required: the base configuration, relative to the sweep file
 *   design = grid              ; grid | oat | lhs | sobol (default grid)
 *   samples = 64               ; lhs: rows; sobol: base samples N (rows = N (k + 2)); else unused
 *   replicates = 1             ; seeds per row: replicate r runs with mh_ensemble_seed(base seed, r)
 *   seed = 42                  ; seed of the lhs design's generator (default: the base's seed)
 *   [axes]                     ; k >= 1 axes, any real, integer, bool or choice key of the table
 *   device.needle_length_mm = 0.5, 1.0, 1.5, 2.0      ; a list
 *   device.density_per_cm2 = range(100, 400, 4)       ; n values from a to b, evenly spaced
 *   model.k_D = logrange(0.01, 1, 5)                  ; n values from a to b, evenly spaced in log
 *   [set]                      ; assignments applied to the base before the axes
 *   simulation.days = 120
 *
 * Designs (rows; a point is a row and a replicate, point = row R + replicate):
 *   grid   every combination of the axes' values, the first axis slowest: prod n_a rows
 *   oat    the base row (every axis at the base's value), then each axis through its values with
 *          the others at the base; a row whose configuration equals the base's is left out
 *   lhs    Latin hypercube (McKay, Beckman & Conover 1979, Technometrics 21:239) of `samples` rows:
 *          per axis a random permutation of the N strata and a uniform position inside each, from
 *          a GSL mt19937 generator seeded with [sweep] seed, drawn axis by axis
 *   sobol  Saltelli (2010, Comput. Phys. Commun. 181:259) design on GSL's Sobol sequence of 2k
 *          dimensions (k <= 20), its first point (0.5, ..., 0.5) skipped: for each base sample j,
 *          rows A_j, B_j and AB_j^(i) (A_j with coordinate i from B_j), i = 1..k
 * In lhs and sobol a coordinate u in (0, 1) maps onto an axis as: list -> item floor(u n);
 * range(a, b[, n]) -> a + u (b - a); logrange(a, b[, n]) -> a (b/a)^u. An integer key takes
 * floor of that value on [a, b + 1) (range) or the nearest integer (logrange). In grid and oat a
 * range needs its n; a value that the key's validator rejects (2.5 for an integer) is an error
 * naming the sweep file's line.
 *
 * A sweep can also be built from its pieces (mh_sweep_create, for microheal compare): one axis over a
 * configuration file (design grid), or a list of configuration files (design list: row r is file r,
 * no axes, each file's own seed).
 *
 * Lifecycle: mh_sweep_load (reads the sweep file and its base, plans every row, runs nothing) or
 * mh_sweep_create, the accessors, mh_sweep_point_config per point, mh_sweep_destroy. */
#ifndef MH_SWEEP_H
#define MH_SWEEP_H

#include "mh_config.h"
#include "mh_observe.h"

#include <stdbool.h>

typedef enum { MH_SWEEP_GRID = 0, MH_SWEEP_OAT, MH_SWEEP_LHS, MH_SWEEP_SOBOL, MH_SWEEP_LIST } mh_sweep_design;
typedef enum { MH_AXIS_LIST = 0, MH_AXIS_RANGE, MH_AXIS_LOGRANGE } mh_axis_kind;

#define MH_SWEEP_MAX_AXES 20 /* sobol: 2k <= 40, GSL's Sobol dimensions */
#define MH_SWEEP_MAX_POINTS 1000000
#define MH_SWEEP_VALUE_LEN 48 /* longest value text of a point */

/* One axis of the sweep (strings owned by the sweep). */
typedef struct {
    const char *key;   /* table key, e.g. "device.needle_length_mm" */
    const char *text;  /* the value as written */
    const char *where; /* "FILE:LINE" of the axis */
    int param;         /* row of mh_param_table() */
    mh_axis_kind kind;
    int nvalues;   /* list: items; range/logrange: n (0 = not given: lhs and sobol only) */
    double lo, hi; /* range/logrange: a, b */
    bool integer;  /* the key is an integer parameter */
    bool numeric;  /* the key is a real or integer parameter (a value has a number) */
} mh_sweep_axis;

typedef struct mh_sweep mh_sweep;

/* Reads the sweep file at path and its base configuration, applies [set] to the base, and plans
 * every row. Fails with MH_ERR_INPUT and "FILE:LINE: key: what is wrong" for an unknown section or
 * key, a missing base, a bad design, samples or replicates, an axis that is not a real, integer,
 * bool or choice key of the table, is given twice or has a bad value list, too many points, or a
 * base that does not load; MH_ERR_NOMEM when memory runs out. Rows are planned but their
 * configurations are not built (mh_sweep_check does that). *out is NULL on failure. */
mh_status mh_sweep_load(const char *path, mh_ctx *ctx, mh_sweep **out);

/* An assignment given outside a sweep file (microheal compare's --set and --vary). */
typedef struct {
    const char *key, *value; /* "device.needle_length_mm", "0.5, 1.0, 1.5" */
    const char *where;       /* who gave it, the prefix of its messages: "--set #2", "--vary" */
} mh_sweep_assign;

/* A sweep from its pieces, one replicate per row; sets (nsets of them) act as a sweep file's [set]:
 *  - axis given: design grid over configs[0] (nconfigs must be 1), as a sweep file with that base,
 *    [set] and the one axis (every rule of mh_sweep_load holds; messages start with axis->where);
 *  - axis NULL: design list, row r the file configs[r] with sets applied, labelled with the file's
 *    name (the path as given when two files share a name), seed its own.
 * Fails with MH_ERR_INPUT for a file that does not load ("FILE:LINE: key: ..."), a bad assignment
 * or axis, or an axis with several files; MH_ERR_NOMEM. Configurations are checked by
 * mh_sweep_check. *out is NULL on failure. */
mh_status mh_sweep_create(const char *const *configs, int nconfigs, const mh_sweep_assign *sets, int nsets,
                          const mh_sweep_assign *axis, mh_ctx *ctx, mh_sweep **out);
void mh_sweep_destroy(mh_sweep **s);

/* Builds and validates the configuration of every point (mh_sweep_point_config) and stops at the
 * first that fails, with its message prefixed by the axis values of that row. Cheap: no run. */
mh_status mh_sweep_check(const mh_sweep *s, mh_ctx *ctx);
/* MH_ERR_INPUT ("LABEL and LABEL give the same configuration (points i and j)") when two points have the
 * same configuration text (e.g. "1" and "1.0" of an axis, or one file given twice); MH_ERR_NOMEM; the
 * error of a point's configuration. */
mh_status mh_sweep_check_distinct(const mh_sweep *s, mh_ctx *ctx);

mh_sweep_design mh_sweep_get_design(const mh_sweep *s);
const char *mh_sweep_design_name(mh_sweep_design d); /* "grid", "oat", "lhs", "sobol", "list" */
int mh_sweep_naxes(const mh_sweep *s);
const mh_sweep_axis *mh_sweep_axis_at(const mh_sweep *s, int a);
int mh_sweep_nrows(const mh_sweep *s);
int mh_sweep_replicates(const mh_sweep *s);
int mh_sweep_samples(const mh_sweep *s);
int mh_sweep_npoints(const mh_sweep *s); /* rows x replicates */
/* Sets the replicates of every row to n (microheal's --replicates: it overrides a sweep file's
 * replicates, and gives compare and run their ensembles); before any point is run or written. MH_ERR_INPUT
 * when n is not in [1, MH_ENSEMBLE_MAX] or the points would pass MH_SWEEP_MAX_POINTS. */
mh_status mh_sweep_set_replicates(mh_sweep *s, int n, mh_ctx *ctx);
/* Row and replicate of point i, and its seed: mh_ensemble_seed of the base seed (design list: the row's
 * file's seed) and the replicate. */
int mh_sweep_row(const mh_sweep *s, int point);
int mh_sweep_replicate(const mh_sweep *s, int point);
unsigned long mh_sweep_seed(const mh_sweep *s, int point);
/* Value of axis a in row r as the text given to the configuration ("1.5", "roller"), and its
 * number (NaN for a bool or choice axis). oat: the axis varied in row r (-1 for the base row). */
const char *mh_sweep_value_text(const mh_sweep *s, int row, int a);
double mh_sweep_value(const mh_sweep *s, int row, int a);
int mh_sweep_oat_axis(const mh_sweep *s, int row);
/* Row r in words: design list, its label (a file's name); else "KEY=VALUE" of each axis, ", " apart
 * (truncated to len). */
void mh_sweep_row_label(const mh_sweep *s, int row, char *buf, size_t len);

/* The configuration of point i: the base with [set], the row's axis values and the replicate's seed,
 * validated (cross-key rules and contraindications). Messages name the sweep file's line of the
 * axis. Free with mh_config_destroy. */
mh_status mh_sweep_point_config(const mh_sweep *s, int point, mh_ctx *ctx, mh_config **out);

/* The sweep as a self-contained pair of texts, for a copy in the output folder: the sweep file with
 * "base = BASE_NAME" (mh_sweep_frozen_text) and the base configuration's resolved text
 * (mh_sweep_base_text), from which mh_sweep_load plans the same points.
 * mh_sweep_frozen_text: on MH_OK *out is a malloc'ed text that the caller frees (s is not changed);
 * else *out is NULL and ctx says why: MH_ERR_INPUT for design list (no sweep file says it),
 * MH_ERR_NOMEM. mh_sweep_base_text: owned by s. */
mh_status mh_sweep_frozen_text(const mh_sweep *s, const char *base_name, mh_ctx *ctx, char **out);
const char *mh_sweep_base_text(const mh_sweep *s);

/* ---- outcome metrics of a run (one row of a sweep's summary) ---- */
typedef enum {
    MH_MET_GAIN42 = 0, /* dermis total collagen at day 42 relative to untreated, minus 1 (0.17 = +17 %) */
    MH_MET_GAIN90,
    MH_MET_GAIN180,
    MH_MET_GAIN_END,  /* at simulation.days */
    MH_MET_ERYTHEMA,  /* erythema days of session 1 */
    MH_MET_CLOSURE,   /* channel closure hours of session 1 */
    MH_MET_BLEEDING,  /* blood volume after session 1, uL/cm^2 */
    MH_MET_DOWNTIME,  /* downtime days of session 1 (redness or open epidermis, whichever lasts longer) */
    MH_MET_DELIVERED, /* compound delivered by the end of session 1's application, ug/cm^2 (NaN: none) */
    MH_MET_PIH,       /* hyperpigmentation index of session 1's sun exposures */
    MH_MET_INFECTION, /* infection-risk index of session 1's water exposures, %.h */
    MH_MET_COUNT
} mh_sweep_metric;

const char *mh_sweep_metric_name(mh_sweep_metric m); /* "collagen_gain_d42", ... */
const char *mh_sweep_metric_unit(mh_sweep_metric m);
/* The metrics of a run's summary (NaN where not reached: a gain day beyond the run). */
void mh_sweep_metrics(const mh_summary *sum, double out[MH_MET_COUNT]);

/* ---- Sobol indices ---- */
/* First-order (Saltelli et al. 2010, eq. (b) of their table 2) and total (Jansen 1999) indices of k
 * inputs from n base samples: fA[j], fB[j], fAB[i n + j] (A with column i from B). V is the variance
 * of the 2n values of fA and fB. S1[i] and ST[i] are NaN when a value is not finite or V = 0. Sums in
 * a fixed order. */
void mh_sobol_indices(int k, int n, const double *fA, const double *fB, const double *fAB, double *S1, double *ST);
/* The indices of a sobol sweep from y[row] (one value per row, e.g. the mean over replicates):
 * S1 and ST of k = mh_sweep_naxes values each. MH_ERR_STATE for another design, MH_ERR_NOMEM. */
mh_status mh_sweep_sobol(const mh_sweep *s, const double *y, double *S1, double *ST, mh_ctx *ctx);

#endif
