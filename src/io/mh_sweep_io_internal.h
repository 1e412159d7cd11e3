/* src/io: files of results: HDF5 outputs and readers, checkpoints, XDMF, export, sweep and compare folders. */
/* mh_sweep_io_internal: what the files of a sweep's folder are built from, shared by the summary
 * (mh_sweep_io.c) and the comparison (mh_compare_io.c); not part of the library's interface. */
#ifndef MH_SWEEP_IO_INTERNAL_H
#define MH_SWEEP_IO_INTERNAL_H

#include "mh_ensemble.h"
#include "mh_sweep_io.h"

#include <hdf5.h>
#include <stdbool.h>
#include <stdio.h>

/* What a summary knows of each point, from the outputs and failure records of DIR alone. */
typedef struct {
    int npoints;
    int *status;                /* 0 ok, 1 failed, 2 missing */
    char (*sha)[MH_SHA256_HEX]; /* SHA-256 of the point's configuration text */
    char **message;             /* failed points: the record's first line; else NULL */
    double *metric;             /* npoints x MH_MET_COUNT; NaN where not ok or not reached */
} mh_sweep_table;

/* Fills t (zeroed by the caller) and c from DIR, point by point in order. MH_ERR_NOMEM, or the error of a
 * point's configuration; the caller frees t with mh_sweep_table_clear, also after a failure. */
mh_status mh_sweep_table_gather(const mh_sweep *s, const char *dir, mh_sweep_table *t, mh_sweep_counts *c, mh_ctx *ctx);
void mh_sweep_table_clear(mh_sweep_table *t);
/* Row r of s over its replicates (points r x replicates ... + replicates - 1): the statistics of every metric
 * (mh_ensemble_stats_of: NaN unless every replicate has a value), the row's status (0 every replicate
 * complete, else 1 when one failed, else 2) and the first point that failed (-1: none). */
void mh_sweep_row_stats(const mh_sweep *s, const mh_sweep_table *t, int row, mh_ensemble_stats st[MH_MET_COUNT],
                        int *status, int *failed_point);
/* The CSV columns of the rows' statistics: ",METRIC_mean,METRIC_sd,METRIC_ci_lo,METRIC_ci_hi" for every metric
 * (the header, no line end), and one row's values in that order. */
void mh_sweep_io_csv_stats_head(FILE *f);
void mh_sweep_io_csv_stats(FILE *f, const mh_ensemble_stats st[MH_MET_COUNT]);
/* Under loc (created here): name/METRIC/{mean, sd, ci_lo, ci_hi}, one value per row of s (with the metric's
 * unit), from mh_sweep_row_stats. Negative on failure. */
herr_t mh_sweep_io_write_row_stats(hid_t loc, const char *name, const mh_sweep *s, const mh_sweep_table *t);
/* "ok", "failed", "missing". */
const char *mh_sweep_status_name(int status);

/* Writes path through a temporary file (fsync, rename): fill(f, user) writes the contents. */
mh_status mh_sweep_io_write_text(const char *path, void (*fill)(FILE *, const void *), const void *user, mh_ctx *ctx);
/* Writes the HDF5 file path (mh_h5_create) through a temporary file: body(file, user) writes the contents and
 * returns negative on failure, which removes the temporary file (MH_ERR_IO). */
mh_status mh_sweep_io_write_h5(const char *path, herr_t (*body)(hid_t, const void *), const void *user, mh_ctx *ctx);
/* A number as the CSV files write it: the fewest digits that read back, "nan" for NaN. */
void mh_sweep_io_csv_number(FILE *f, double x);
/* The end of a CSV table's header, ",METRIC,...,message\n" (every metric of the table), and of point i's
 * row: its metrics and message. */
void mh_sweep_io_csv_head_end(FILE *f);
void mh_sweep_io_csv_row_end(FILE *f, const mh_sweep_table *t, int i);
/* Under loc: the values of axis a for every point (rows: for every row) as dataset name (float64 with the
 * key's unit for a numeric axis, else strings); status, config_sha256 and metrics/METRIC (with units) of
 * every point of t. Negative on failure. */
herr_t mh_sweep_io_write_axis(hid_t loc, const char *name, const mh_sweep *s, int a, bool rows);
herr_t mh_sweep_io_write_outcomes(hid_t loc, const mh_sweep_table *t);
/* Group name of loc, without modification times (the same contents give the same bytes). */
herr_t mh_sweep_io_group(hid_t loc, const char *name);
/* n fixed-length strings of len bytes each (data: n x len) as a 1-D dataset. */
herr_t mh_sweep_io_strings(hid_t loc, const char *name, const char *data, size_t n, size_t len);
/* Slot i of a table of strings of len bytes: s, cut to len - 1, and NULs to the end (no stray bytes in a file). */
void mh_sweep_io_set_text(char *txt, int i, size_t len, const char *s);

#endif
