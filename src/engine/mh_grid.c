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

mh_status mh_grid_create(const mh_config *cfg, const mh_skin *skin, double strip_mm, mh_ctx *ctx, mh_grid **out)
{
    *out = NULL;
    mh_grid *g = calloc(1, sizeof *g);
    if (g == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (grid)");
    g->dims = (int)mh_config_int(cfg, MH_P_SIM_DIMS);
    g->dx_mm = mh_config_real(cfg, MH_P_GRID_DX) * 1e-3;
    g->nx = (int)lround(mh_config_real(cfg, MH_P_GRID_WIDTH) / g->dx_mm);
    g->width_mm = g->nx * g->dx_mm;
    if (g->dims == 3) {
        g->ny = (int)lround(mh_config_real(cfg, MH_P_GRID_LENGTH) / g->dx_mm);
        g->length_mm = g->ny * g->dx_mm;
    } else {
        g->ny = 1;
        g->length_mm = strip_mm;
    }
    g->nz = (int)ceil(skin->top_mm[MH_LAYER_COUNT] / g->dx_mm - 1e-9);
    g->periodic = strcmp(mh_config_choice(cfg, MH_P_GRID_BC), "periodic") == 0;
    g->skin = *skin;
    double cells = (double)g->nx * g->ny * g->nz;
    if (cells > MH_MAX_CELLS || g->nz < 3) {
        /* the message points at the first setting given of those that set the count: the spacing, the
         * lateral extents when there are too many cells, the depth of the column */
        const bool many = cells > MH_MAX_CELLS;
        mh_param_id rule[4 + MH_SKIN_DEPTH_KEYS] = {MH_P_GRID_DX};
        const mh_param_id *depth = NULL;
        int n = 1, nd = mh_skin_depth_keys(&depth);
        if (many) {
            rule[n++] = MH_P_GRID_WIDTH;
            if (g->dims == 3)
                rule[n++] = MH_P_GRID_LENGTH;
            rule[n++] = MH_P_SIM_DIMS;
        }
        for (int i = 0; i < nd; i++)
            rule[n++] = depth[i];
        mh_param_id c = mh_config_culprit(cfg, 0, rule, n);
        mh_grid_destroy(&g);
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: grid.dx_um = %g gives %.3g cells (%s); choose a %s spacing",
                        mh_config_origin(cfg, c), mh_param_table()[c].key, mh_config_real(cfg, MH_P_GRID_DX), cells,
                        many ? "too many" : "too few", many ? "coarser" : "finer");
    }
    if (g->periodic && (g->nx < 3 || (g->dims == 3 && g->ny < 3))) {
        mh_grid_destroy(&g);
        return MH_ERROR(ctx, MH_ERR_INPUT,
                        "%s: grid.lateral_bc: periodic needs at least 3 cells across; grid.width_mm%s / grid.dx_um "
                        "gives %d x %d",
                        mh_config_origin(cfg, MH_P_GRID_BC), g->dims == 3 ? " and grid.length_mm" : "", g->nx,
                        g->ny);
    }
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
