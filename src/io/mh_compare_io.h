/* src/io: files of results: HDF5 outputs and readers, checkpoints, XDMF, export, sweep and compare folders. */
/* mh_compare_io: the tables of `microheal compare` in DIR: compare.csv and compare.h5 (papers/compare.md).
 *
 * A comparison is a sweep (mh_sweep_create): one axis over a configuration file (design grid), or a list
 * of configuration files (design list); its variants are the sweep's points, run to DIR/points/pNNNNNN.h5
 * and judged complete as a sweep's are (mh_sweep_io.h). From those outputs alone, in variant order:
 *
 *   DIR/compare.csv   one row per variant: variant, label, value, seed, status, config_sha256, one column
 *                     per metric of the table (mh_sweep_metric_name), message
 *   DIR/compare.h5    root attributes program, kind ("comparison"), design, varied_key and varied_unit
 *                     (design grid);
 *                     /outcomes/{variant,label,value,seed,status,config_sha256} and /outcomes/metrics/METRIC:
 *                     the table, one dataset per column (value: float64 for a numeric key, else strings;
 *                     none for a list);
 *                     /variants/N: attributes label, value, seed, status, config (the resolved text) and
 *                     config_sha256, and, when the variant is complete, series/ and summary/ copied from its
 *                     output (every dataset with its attributes)
 * The same outputs give the same bytes, whatever ran them (no modification times, fixed-length strings
 * padded with NULs); each file appears under its name only when complete. */
#ifndef MH_COMPARE_IO_H
#define MH_COMPARE_IO_H

#include "mh_sweep_io.h"

/* Writes DIR/compare.csv and DIR/compare.h5 for the variants of s (counts may be NULL). Variants that
 * failed or are missing are rows with that status, NaN metrics and no copied series. MH_ERR_IO when a
 * file cannot be written or an output cannot be copied, MH_ERR_NOMEM, or the error of a variant's
 * configuration. */
mh_status mh_compare_write(const mh_sweep *s, const char *dir, mh_sweep_counts *counts, mh_ctx *ctx);

/* The band of series column col ("dermis/collagen_total", "erythema") of variant k in DIR/compare.h5, from its
 * ensemble: n times into *t and the mean, ci_lo and ci_hi at them into band[0..2] (each malloc'ed; the
 * caller frees the four). The interval is NaN for one replicate. MH_ERR_IO when the file or the variant's
 * ensemble (absent unless every replicate is complete) does not read back, or the vectors differ in length. */
mh_status mh_compare_read_band(const char *dir, int k, const char *col, double **t, double *band[3], size_t *n,
                               mh_ctx *ctx);

#endif
