/* src/io: files of results: HDF5 outputs and readers, checkpoints, XDMF, export, sweep and compare folders. */
/* mh_ensemble_io: the ensemble of N replicate outputs (the same configuration, seeds of mh_ensemble_seed)
 * as an HDF5 group: mean, standard deviation and 95 % confidence interval of every outcome metric, of
 * every value of /summary and of every series column (papers/ensembles.md; the README has the schema).
 *
 *   GROUP                      attributes replicates (N), confidence (0.95), seed_rule (in words)
 *   GROUP/seeds                int64 [N], replicate order
 *   GROUP/metrics/METRIC/      every metric of mh_sweep_metric_name, with its unit:
 *       values [N]               the replicates' values
 *       mean, sd, ci_lo, ci_hi [1]
 *   GROUP/summary/PATH/        every dataset /summary/PATH of the outputs (per session, per gain day):
 *       mean, sd, ci_lo, ci_hi   elementwise, the dataset's length and unit
 *   GROUP/series/t_days        replicate 0's times (the rows at an event kept: mh_ensemble_resample)
 *   GROUP/series/PATH/         every series column but t_days and dt_days:
 *       mean, sd, ci_lo, ci_hi   at those times, every replicate resampled onto them
 * A statistic is NaN where a replicate's value is (not reached: mh_ensemble_stats_of), and sd and the
 * interval are NaN for N = 1. The same outputs give the same bytes (no modification times). */
#ifndef MH_ENSEMBLE_IO_H
#define MH_ENSEMBLE_IO_H

#include "mh_ctx.h"
#include "mh_sweep.h"

#include <hdf5.h>
#include <stdio.h>

/* Writes the group name (created here) under loc from the n >= 1 replicate outputs at paths, their
 * seeds and metrics (n x MH_MET_COUNT, as mh_sweep_point_complete reads them). MH_ERR_IO naming the file
 * when an output does not read back, or its /summary or /series differs in shape from replicate 0's
 * (another configuration), or the group cannot be written; MH_ERR_NOMEM. */
mh_status mh_ensemble_io_write(hid_t loc, const char *name, const char *const *paths, const unsigned long *seeds,
                               const double *metrics, int n, mh_ctx *ctx);

/* The ensemble file path (written through a temporary file, renamed when complete): root attributes
 * program ("microheal"), kind ("ensemble"), version, config (the resolved configuration of replicate 0,
 * whose seed is the base seed) and base_seed, and the group /ensemble of mh_ensemble_io_write. */
mh_status mh_ensemble_write_file(const char *path, const char *config, const char *const *paths,
                                 const unsigned long *seeds, const double *metrics, int n, mh_ctx *ctx);

/* Describes the ensemble file path on out (microheal info): version, replicates, base seed, and every metric's
 * mean, sd and interval. MH_ERR_IO when a part does not read back (damaged or crafted), MH_ERR_INPUT when the
 * file is not an ensemble. */
mh_status mh_ensemble_info(const char *path, FILE *out, mh_ctx *ctx);

#endif
