/* src/io: files of results: HDF5 outputs and readers, checkpoints, XDMF, export, sweep and compare folders. */
/* mh_sweep_io: a sweep's folder: the frozen plan, the points' outputs and failures, and the summary.
 *
 * Layout of DIR (papers/sweeps.md):
 *   DIR/sweep.ini, DIR/base.ini   the plan, frozen (mh_sweep_frozen_text, mh_sweep_base_text): every
 *                                 later command (resume, --collect, a Slurm task) plans from these
 *   DIR/points/p000012.h5         point 12's output: a microheal run output (snapshots as its config says)
 *   DIR/points/p000012.failed     point 12's error message, when its run failed
 *   DIR/summary.csv, summary.h5   one row per point: inputs, seed, config hash, status, metrics;
 *                                 summary.h5 also has Sobol indices (design sobol) and /ensemble
 *   DIR/ensemble.csv              one row per row of the design: its replicates' statistics
 *   DIR/sobol.csv                 the indices as a table (design sobol)
 * A point is complete when its output opens, its root attributes config and config_sha256 equal the
 * point's configuration text and its hash, and its summary datasets read back (Fletcher-32 checked).
 * Every file appears under its name only when complete (temporary file, fsync, rename). */
#ifndef MH_SWEEP_IO_H
#define MH_SWEEP_IO_H

#include "mh_sweep.h"

#include <stdbool.h>
#include <stddef.h>

/* Creates DIR/points (DIR must exist) and writes the frozen plan, or, when DIR already holds one,
 * checks that it is the same sweep: MH_ERR_INPUT naming the first line that differs otherwise. */
mh_status mh_sweep_dir_prepare(const mh_sweep *s, const char *dir, mh_ctx *ctx);
/* Loads the frozen plan of DIR (DIR/sweep.ini). MH_ERR_INPUT when DIR holds none. */
mh_status mh_sweep_dir_load(const char *dir, mh_ctx *ctx, mh_sweep **out);

/* DIR/points/pNNNNNN.EXT (ext "h5" or "failed"), malloc'ed; NULL when memory runs out. */
char *mh_sweep_point_path(const char *dir, int point, const char *ext);

/* Whether point i's output is complete (see above); with its metrics in m (may be NULL). cfg_text is
 * the point's configuration text (mh_config_text of mh_sweep_point_config). why (may be NULL)
 * receives the reason it is not. */
bool mh_sweep_point_complete(const char *dir, int point, const char *cfg_text, double m[MH_MET_COUNT], char *why,
                             size_t whylen);
/* Records point i's failure (message) in DIR/points/pNNNNNN.failed; removes that file (clear). */
mh_status mh_sweep_point_failed(const char *dir, int point, const char *message, mh_ctx *ctx);
void mh_sweep_point_clear(const char *dir, int point);
/* Removes the temporary files that killed runs of point i left (DIR/points/pNNNNNN.h5.tmp.PID.*,
 * pNNNNNN.xmf.tmp.PID.*) whose process PID is gone (mh_file_remove_stale); call it holding the point's
 * lock (DIR/points/pNNNNNN.lock). */
void mh_sweep_point_clean(const char *dir, int point);

/* Point counts of a summary. */
typedef struct {
    int ok, failed, missing;
} mh_sweep_counts;

/* Reads every point's output (and failure record) and writes DIR/ensemble.csv, DIR/summary.h5 and, last,
 * DIR/summary.csv (and DIR/sobol.csv for design sobol): the same bytes for the same outputs, whatever ran
 * them; a summary.csv that has appeared means the others are complete.
 * Fails (MH_ERR_IO) only when a summary file cannot be written; points that failed or are missing
 * are rows with that status (and NaN metrics). */
mh_status mh_sweep_summary_write(const mh_sweep *s, const char *dir, mh_sweep_counts *counts, mh_ctx *ctx);

/* The metrics and status of every point as summary_write gathers them (from the outputs and failure
 * records of DIR), writing nothing. metric: npoints x MH_MET_COUNT (NaN where not ok or not reached);
 * status: npoints, 0 ok, 1 failed, 2 missing; counts may be NULL. Both arrays are the caller's.
 * MH_ERR_NOMEM when memory runs out, or the error of a point's configuration. */
mh_status mh_sweep_summary_read(const mh_sweep *s, const char *dir, double *metric, int *status,
                                mh_sweep_counts *counts, mh_ctx *ctx);

#endif
