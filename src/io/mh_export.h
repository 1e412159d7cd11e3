/* src/io: files of results: HDF5 outputs and readers, checkpoints, XDMF, export, sweep and compare folders. */
/* mh_export: an output's contents as text: the summary `microheal info` prints, and the tables of
 * `microheal export` for gnuplot and spreadsheets (series, sessions, punctures, summary, fields,
 * profiles, radial profiles). Every reader checks lengths and shapes against each other and the file
 * (papers/reliability.md). */
#ifndef MH_EXPORT_H
#define MH_EXPORT_H

#include "mh_h5.h"
#include "mh_radial.h"

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

/* What a radial profile (mh_export_radial) counts and how it bins. */
typedef struct {
    const char *layer;               /* the depth band: a layer name of mh_radial_layers, or NULL for: */
    double depth_lo_mm, depth_hi_mm; /* the band of cell centres in [lo, hi) (used when layer is NULL) */
    double bin_um;                   /* bin width; 0: the grid spacing */
    double near_um, far_um;          /* the radii of the near/far ratio (mh_radial_params) */
} mh_export_radial_opts;

/* Field name at the snapshot nearest day against the lateral distance from the nearest needle track
 * (mh_radial.h), over the depth band of o: the punctures of every session on or before the snapshot's day
 * (/summary/session_days, /punctures/{x_mm,y_mm,session}), the minimum image where /grid's lateral_bc is
 * periodic. Writes CSV to out: '#' lines naming the file, the field, the snapshot's day, the band and the
 * tracks, then "distance_um_lo,distance_um_hi,mean,cells" and one row per bin that holds a cell, then a
 * '#' line with the near/far ratio ("nan" when a set is empty). *near_far (unless NULL) receives that
 * ratio. MH_ERR_INPUT for an unknown field or layer, a band without cells, a bin or radius out of range,
 * no snapshot or no track by that day; MH_ERR_IO naming the file and dataset when it is damaged or
 * crafted (nothing written then). */
mh_status mh_export_radial(const char *path, const char *name, double day, const mh_export_radial_opts *o, FILE *out,
                           double *near_far, mh_ctx *ctx);

#endif
