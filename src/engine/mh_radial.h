/* src/engine: the numerical engine, on plain parameter structs; no configuration, no HDF5, no printing. */
/* mh_radial: a field against the lateral distance of each cell centre from the nearest needle track, binned,
 * and the near/far ratio of its means (how localised a response is around the tracks).
 *
 * A track is the vertical axis of a puncture through (x_t, y_t). The distance of cell (i, j, k), centre
 * (x_i, y_j, z_k) (mh_grid.h), is the lateral one to the nearest track,
 *   d = min over tracks t of |x_i - x_t|                          (2-D: a section, x only)
 *   d = min over tracks t of hypot(x_i - x_t, y_j - y_t)          (3-D)
 * each difference taken as the minimum image on laterally periodic grids: |a - b| reduced modulo the extent
 * (width_mm along x, length_mm along y) and replaced by extent - |a - b| when more than half of it. The
 * depth z does not enter. Bin b holds the cells with b W <= d < (b + 1) W (W = bin width), and its mean is
 * the plain mean of the field over those cells of the depth rows chosen (each cell counts once, as all
 * cells of a uniform grid have the same volume). Near: d <= near_um; far: d > far_um. Sums run in cell
 * order, serially: the result does not depend on the thread count. */
#ifndef MH_RADIAL_H
#define MH_RADIAL_H

#include "mh_grid.h"

#include <stdbool.h>
#include <stddef.h>

/* Most bins one profile may have (16 MB of bins); a finer bin over the grid is refused. */
#define MH_RADIAL_MAX_BINS 1000000
/* The radii of the near/far ratio unless chosen otherwise (um): within 50 um of a track against beyond 400 um,
 * as issue 20 measures localisation. */
#define MH_RADIAL_NEAR_UM 50.0
#define MH_RADIAL_FAR_UM 400.0

typedef struct {
    double bin_um;  /* bin width, > 0 */
    double near_um; /* cells within this distance (d <= near_um) make the near mean; >= 0 */
    double far_um;  /* cells beyond it (d > far_um) make the far mean; >= 0 */
} mh_radial_params;

/* A binned profile; fill with mh_radial_profile, free with mh_radial_clear. */
typedef struct {
    double bin_um;     /* the bin width */
    size_t nbins;      /* bins 0 .. nbins - 1, up to the farthest cell counted */
    double *mean;      /* nbins means of the field; NaN where a bin holds no cell */
    size_t *cells;     /* nbins cell counts */
    size_t ncells;     /* cells counted: those of the depth rows chosen */
    double near_mean;  /* mean over the near cells; NaN when there are none */
    double far_mean;   /* mean over the far cells; NaN when there are none */
    size_t near_cells; /* how many cells near and far */
    size_t far_cells;
    double near_far; /* near_mean / far_mean; NaN when either set of cells is empty */
} mh_radial;

/* The profile of field (g->ncell values, indexed by mh_idx) over the depth rows k with rows[k] true (rows:
 * g->nz flags; NULL: every row), against the distance from the nearest of the ntracks >= 1 tracks at
 * (track_x_mm[t], track_y_mm[t]) (track_y_mm is not read in 2-D and may be NULL there), binned as p says,
 * into *out, which owns its arrays (mh_radial_clear frees them). MH_ERR_INPUT, with *out zeroed, when p holds
 * a bin width that is not positive and finite or a radius that is negative or not finite, when there is no
 * track, a track position is not finite or no depth row is chosen, or when the bins would be more than
 * MH_RADIAL_MAX_BINS; MH_ERR_NOMEM. */
mh_status mh_radial_profile(const mh_grid *g, const double *field, const bool *rows, const double *track_x_mm,
                            const double *track_y_mm, size_t ntracks, const mh_radial_params *p, mh_radial *out,
                            mh_ctx *ctx);

/* Frees the arrays of r and zeroes it; accepts a zeroed or already cleared r, and NULL. */
void mh_radial_clear(mh_radial *r);

/* The layers that the band name names, as a mask of bits 1 << mh_layer, into *mask: a layer's own name
 * (mh_layer_name: "papillary_dermis", ...), "dermis" (papillary and reticular) or "epidermis" (stratum
 * corneum and viable epidermis). MH_ERR_INPUT listing the names when name is none of them. */
mh_status mh_radial_layers(const char *name, unsigned *mask, mh_ctx *ctx);

#endif
