/* src/engine: the numerical engine, on plain parameter structs; no configuration, no HDF5, no printing. */
/* mh_grid: uniform grid over the layered column; layer, vascular and mask profiles per depth. */
#include "mh_grid.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Allocates the per-depth profiles of g (nz set). */
static mh_status alloc_profiles(mh_grid *g, mh_ctx *ctx)
{
    g->layer = malloc((size_t)g->nz);
    g->vascular = mh_alloc_doubles((size_t)g->nz);
    g->dermal = mh_alloc_doubles((size_t)g->nz);
    g->epidermal = mh_alloc_doubles((size_t)g->nz);
    if (!g->layer || !g->vascular || !g->dermal || !g->epidermal)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (grid profiles)");
    return MH_OK;
}

mh_status mh_grid_create_uniform(int dims, int nx, int ny, int nz, double dx_mm, bool periodic, mh_ctx *ctx,
                                 mh_grid **out)
{
    *out = NULL;
    if ((dims != 2 && dims != 3) || nx < 1 || ny < 1 || nz < 3 || (dims == 2 && ny != 1) || !(dx_mm > 0.0) ||
        (double)nx * ny * nz > MH_MAX_CELLS || (periodic && (nx < 3 || (dims == 3 && ny < 3))))
        return MH_ERROR(ctx, MH_ERR_INPUT, "uniform grid: bad size %d-D %d x %d x %d, dx %g mm", dims, nx, ny, nz,
                        dx_mm);
    mh_grid *g = calloc(1, sizeof *g);
    if (g == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (grid)");
    g->dims = dims;
    g->nx = nx;
    g->ny = ny;
    g->nz = nz;
    g->dx_mm = dx_mm;
    g->width_mm = nx * dx_mm;
    g->length_mm = ny * dx_mm;
    g->periodic = periodic;
    g->ncell = (size_t)nx * (size_t)ny * (size_t)nz;
    mh_status st = alloc_profiles(g, ctx);
    if (st != MH_OK) {
        mh_grid_destroy(&g);
        return st;
    }
    for (int k = 0; k < nz; k++) {
        g->layer[k] = (unsigned char)MH_LAYER_PD;
        g->vascular[k] = 1.0;
        g->dermal[k] = 1.0;
        g->epidermal[k] = 0.0;
    }
    *out = g;
    return MH_OK;
}

mh_grid_shape_fault mh_grid_shape(const mh_grid_params *gp, const mh_skin *skin, int *nx, int *ny, int *nz,
                                  double *cells)
{
    *nx = *ny = *nz = 0;
    *cells = 0.0;
    const double dx_mm = gp->dx_um * 1e-3, depth_mm = skin->top_mm[MH_LAYER_COUNT];
    const bool lengthwise = gp->dims == 3;
    if ((gp->dims != 2 && gp->dims != 3) || !(dx_mm > 0.0 && isfinite(dx_mm)) ||
        !(gp->width_mm > 0.0 && isfinite(gp->width_mm)) ||
        (lengthwise && !(gp->length_mm > 0.0 && isfinite(gp->length_mm))) || !(depth_mm > 0.0 && isfinite(depth_mm)))
        return MH_GRID_BAD_PARAMS;
    /* (the counts in double first: a spacing far below the extents does not overflow an int) */
    const double cx = (double)lround(gp->width_mm / dx_mm),
                 cy = lengthwise ? (double)lround(gp->length_mm / dx_mm) : 1.0;
    const double cz = ceil(depth_mm / dx_mm - 1e-9);
    *cells = cx * cy * cz;
    if (*cells > MH_MAX_CELLS)
        return MH_GRID_TOO_MANY_CELLS;
    *nx = (int)cx;
    *ny = (int)cy;
    *nz = (int)cz;
    if (*nz < 3)
        return MH_GRID_TOO_FEW_CELLS;
    if (gp->periodic && (*nx < 3 || (lengthwise && *ny < 3)))
        return MH_GRID_PERIODIC_NARROW;
    return MH_GRID_SHAPE_OK;
}

mh_status mh_grid_create(const mh_grid_params *gp, const mh_skin *skin, double strip_mm, mh_ctx *ctx, mh_grid **out)
{
    *out = NULL;
    int nx, ny, nz;
    double cells;
    switch (mh_grid_shape(gp, skin, &nx, &ny, &nz, &cells)) {
    case MH_GRID_SHAPE_OK:
        break;
    case MH_GRID_BAD_PARAMS:
        return MH_ERROR(ctx, MH_ERR_INPUT, "grid: %d-D, dx %g um, %g x %g mm over %g mm of skin: not a grid", gp->dims,
                        gp->dx_um, gp->width_mm, gp->length_mm, skin->top_mm[MH_LAYER_COUNT]);
    case MH_GRID_TOO_MANY_CELLS:
    case MH_GRID_TOO_FEW_CELLS:
        return MH_ERROR(ctx, MH_ERR_INPUT, "grid: dx %g um gives %.3g cells (%s); choose a %s spacing", gp->dx_um,
                        cells, cells > MH_MAX_CELLS ? "too many" : "too few",
                        cells > MH_MAX_CELLS ? "coarser" : "finer");
    case MH_GRID_PERIODIC_NARROW:
        return MH_ERROR(ctx, MH_ERR_INPUT,
                        "grid: periodic boundaries need at least 3 cells across; the grid has %d x %d", nx, ny);
    }
    if (!(gp->dims == 3 || (strip_mm > 0.0 && isfinite(strip_mm))))
        return MH_ERROR(ctx, MH_ERR_INPUT, "grid: the strip of a 2-D section (%g mm) is not positive", strip_mm);
    mh_grid *g = calloc(1, sizeof *g);
    if (g == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (grid)");
    g->dims = gp->dims;
    g->dx_mm = gp->dx_um * 1e-3;
    g->nx = nx;
    g->width_mm = g->nx * g->dx_mm;
    g->ny = ny;
    g->length_mm = g->dims == 3 ? g->ny * g->dx_mm : strip_mm;
    g->nz = nz;
    g->periodic = gp->periodic;
    g->skin = *skin;
    g->ncell = (size_t)cells;
    mh_status st = alloc_profiles(g, ctx);
    if (st != MH_OK) {
        mh_grid_destroy(&g);
        return st;
    }
    for (int k = 0; k < g->nz; k++) {
        mh_layer l = mh_skin_layer_at(skin, (k + 0.5) * g->dx_mm);
        g->layer[k] = (unsigned char)l;
        g->vascular[k] = skin->vascular[l];
        g->dermal[k] = (l == MH_LAYER_PD || l == MH_LAYER_RD) ? 1.0 : 0.0;
        g->epidermal[k] = (l == MH_LAYER_SC || l == MH_LAYER_VE) ? 1.0 : 0.0;
    }
    *out = g;
    return MH_OK;
}

void mh_grid_destroy(mh_grid **g)
{
    if (g == NULL || *g == NULL)
        return;
    free((*g)->layer);
    mh_free((*g)->vascular);
    mh_free((*g)->dermal);
    mh_free((*g)->epidermal);
    free(*g);
    *g = NULL;
}
