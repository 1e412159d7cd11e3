/* src/io: files of results: HDF5 outputs and readers, checkpoints, XDMF, export, sweep and compare folders. */
/* mh_export: an output's contents as text: the summary `microheal info` prints, and the tables of
 * `microheal export` for gnuplot and spreadsheets (series, sessions, punctures, summary, fields,
 * profiles). Every reader checks lengths and shapes against each other and the file (papers/reliability.md). */
#ifndef MH_EXPORT_H
#define MH_EXPORT_H

#include "mh_h5.h"

#include <stdio.h>

/* Prints a human summary of an output file. */
mh_status mh_export_info(const char *path, FILE *out, mh_ctx *ctx);

/* Tables for gnuplot (whitespace-separated, '#' header lines). */
mh_status mh_export_series(const char *path, FILE *out, mh_ctx *ctx);
/* The same table from a series in memory; origin names where it came from in the header line. */
void mh_export_series_table(const mh_series *s, const char *origin, FILE *out);
mh_status mh_export_sessions(const char *path, FILE *out, mh_ctx *ctx);
mh_status mh_export_punctures(const char *path, FILE *out, mh_ctx *ctx);
mh_status mh_export_summary(const char *path, FILE *out, mh_ctx *ctx);
/* Writes s as one CSV field, quoted (with doubled quotes) when it holds a comma, quote or newline. */
void mh_export_csv_text(FILE *f, const char *s);
/* Field cross-section "x_mm depth_mm value" with a blank line between rows (gnuplot image format);
 * in 3-D the plane at y_mm (negative = the middle). */
mh_status mh_export_field(const char *path, const char *name, double day, double y_mm, FILE *out, mh_ctx *ctx);
/* Depth profile of field name at the snapshot nearest day: per depth cell "depth_mm layer mean", the
 * mean over the whole plane (x, and y in 3-D), with the layer tops (/grid/layer_top_mm) and the layer
 * ids' names in '#' header lines. Matrix fields (collagen, elastin, fibroblasts) are 1.0 in untreated
 * dermis, so mean - 1 is their relative change there. */
mh_status mh_export_profile(const char *path, const char *name, double day, FILE *out, mh_ctx *ctx);

#endif
