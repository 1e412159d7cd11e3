/* src/engine: the numerical engine, on plain parameter structs; no configuration, no HDF5, no printing. */
/* mh_grid: the uniform finite-difference grid over the skin column (2-D or 3-D). */
#ifndef MH_GRID_H
#define MH_GRID_H

#include "mh_skin.h"

#include <math.h>
#include <stdbool.h>
#include <stddef.h>

/* Cell (i, j, k): x = (i + 1/2) dx, y = (j + 1/2) dx, depth z = (k + 1/2) dx.
 * Memory index i + nx (j + ny k): x fastest, depth slowest. In 2-D ny = 1. */
/* Most cells a grid may have: 400 M cells x 12 fields x 8 B ~ 38 GB, beyond any workstation. */
#define MH_MAX_CELLS 400000000.0

typedef struct {
    int dims;
    int nx, ny, nz;
    double dx_mm;
    double width_mm, length_mm; /* lateral extents (length = strip width in 2-D) */
    bool periodic;              /* lateral boundaries periodic (then >= 3 cells per lateral axis), else zero flux */
    size_t ncell;
    unsigned char *layer; /* layer id per depth index k (nz entries) */
    double *vascular;     /* v(z) per depth index k */
    double *dermal;       /* m(z): 1 in papillary/reticular dermis, else 0 */
    double *epidermal;    /* e(z): 1 in stratum corneum/viable epidermis, else 0 */
    mh_skin skin;
} mh_grid;

/* What sets the grid: its dimension, spacing, lateral extents and lateral boundaries. */
typedef struct {
    int dims;                   /* 2 (a cross-section) or 3 */
    double dx_um;               /* cell size, the same along every axis */
    double width_mm, length_mm; /* lateral extents along x and (3-D only) y */
    bool periodic;              /* lateral boundaries periodic, else zero flux */
} mh_grid_params;

/* What mh_grid_shape finds wrong with a grid, if anything. */
typedef enum {
    MH_GRID_SHAPE_OK = 0,
    MH_GRID_TOO_MANY_CELLS,  /* more than MH_MAX_CELLS */
    MH_GRID_TOO_FEW_CELLS,   /* fewer than 3 rows over the depth of the column */
    MH_GRID_PERIODIC_NARROW, /* periodic with fewer than 3 cells across a lateral axis */
    MH_GRID_BAD_PARAMS       /* dims not 2 or 3, or a spacing or extent not positive and finite */
} mh_grid_shape_fault;

/* The cell counts (*nx, *ny, *nz; *cells their product; ny = 1 in 2-D) of the grid of gp over the
 * column skin, and what is wrong with them (a count is 0 where its spacing or extent is bad). */
mh_grid_shape_fault mh_grid_shape(const mh_grid_params *gp, const mh_skin *skin, int *nx, int *ny, int *nz,
                                  double *cells);

/* Builds the grid of gp over the column skin. strip_mm is the lateral extent in y for 2-D (the strip
 * the section represents); ignored in 3-D. MH_ERR_INPUT on a fault of mh_grid_shape, MH_ERR_NOMEM. */
mh_status mh_grid_create(const mh_grid_params *gp, const mh_skin *skin, double strip_mm, mh_ctx *ctx, mh_grid **out);
/* A bare uniform grid without a skin column, for verification and benchmarks: nx x ny x nz
 * cells of dx mm (ny = 1 and dims = 2 for a section), every depth row papillary dermis with
 * dermal = 1, epidermal = 0, vascular = 1. The caller may overwrite the profiles. */
mh_status mh_grid_create_uniform(int dims, int nx, int ny, int nz, double dx_mm, bool periodic, mh_ctx *ctx,
                                 mh_grid **out);
void mh_grid_destroy(mh_grid **g);

static inline size_t mh_idx(const mh_grid *g, int i, int j, int k)
{
    return (size_t)i + (size_t)g->nx * ((size_t)j + (size_t)g->ny * (size_t)k);
}

/* Distance along one axis between a and b (mm), with the minimum image on a periodic axis of extent mm. */
static inline double mh_grid_axis_distance(double a, double b, double extent, bool periodic)
{
    double d = fabs(a - b);
    if (periodic) {
        d = fmod(d, extent); /* exact; a track outside [0, extent) is an image of one inside */
        if (d > 0.5 * extent)
            d = extent - d;
    }
    return d;
}

#endif
