/* src/engine: the numerical engine, on plain parameter structs; no configuration, no HDF5, no printing. */
/* mh_radial: a field binned by lateral distance from the nearest needle track (equations in mh_radial.h). */
#include "mh_radial.h"

#include "mh_units.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The distance (um) of every column (i, j) of g from the nearest track, into d[i + nx j]. */
static void column_distances(const mh_grid *g, const double *tx, const double *ty, size_t nt, double *d)
{
    for (int j = 0; j < g->ny; j++)
        for (int i = 0; i < g->nx; i++) {
            const double x = (i + 0.5) * g->dx_mm, y = (j + 0.5) * g->dx_mm;
            double best = INFINITY;
            for (size_t t = 0; t < nt; t++) {
                const double ddx = mh_grid_axis_distance(x, tx[t], g->width_mm, g->periodic);
                const double r =
                    g->dims == 3 ? hypot(ddx, mh_grid_axis_distance(y, ty[t], g->length_mm, g->periodic)) : ddx;
                if (r < best)
                    best = r;
            }
            d[(size_t)i + (size_t)g->nx * (size_t)j] = best * MH_UM_PER_MM;
        }
}

/* What is wrong with the arguments, or NULL. */
static const char *bad_arguments(const mh_grid *g, const bool *rows, const double *tx, const double *ty, size_t nt,
                                 const mh_radial_params *p)
{
    if (!(p->bin_um > 0.0 && isfinite(p->bin_um)))
        return "the bin width is not positive and finite";
    if (!(p->near_um >= 0.0 && isfinite(p->near_um)) || !(p->far_um >= 0.0 && isfinite(p->far_um)))
        return "the near or far radius is negative or not finite";
    if (nt == 0)
        return "there is no needle track";
    for (size_t t = 0; t < nt; t++)
        if (!isfinite(tx[t]) || (g->dims == 3 && !isfinite(ty[t])))
            return "a track's position is not finite";
    bool any = rows == NULL;
    for (int k = 0; !any && k < g->nz; k++)
        any = rows[k];
    return any ? NULL : "no depth row is chosen";
}

mh_status mh_radial_profile(const mh_grid *g, const double *field, const bool *rows, const double *track_x_mm,
                            const double *track_y_mm, size_t ntracks, const mh_radial_params *p, mh_radial *out,
                            mh_ctx *ctx)
{
    memset(out, 0, sizeof *out);
    const char *why = bad_arguments(g, rows, track_x_mm, track_y_mm, ntracks, p);
    if (why != NULL)
        return MH_ERROR(ctx, MH_ERR_INPUT, "radial profile: %s", why);
    const size_t ncol = (size_t)g->nx * (size_t)g->ny;
    double *d = malloc(ncol * sizeof *d);
    if (d == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (radial profile)");
    column_distances(g, track_x_mm, track_y_mm, ntracks, d);
    double dmax = 0.0;
    for (size_t c = 0; c < ncol; c++)
        dmax = fmax(dmax, d[c]);
    const double nbins = floor(dmax / p->bin_um) + 1.0;
    if (nbins > MH_RADIAL_MAX_BINS) {
        free(d);
        return MH_ERROR(ctx, MH_ERR_INPUT,
                        "radial profile: bins of %g um up to the farthest cell (%g um) would be %.0f, more than %d: "
                        "choose a wider bin",
                        p->bin_um, dmax, nbins, MH_RADIAL_MAX_BINS);
    }
    out->bin_um = p->bin_um;
    out->nbins = (size_t)nbins;
    out->mean = calloc(out->nbins, sizeof *out->mean);
    out->cells = calloc(out->nbins, sizeof *out->cells);
    if (out->mean == NULL || out->cells == NULL) {
        free(d);
        mh_radial_clear(out);
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (radial profile of %.0f bins)", nbins);
    }
    double near_sum = 0.0, far_sum = 0.0; /* the bins' sums go in out->mean first; all in cell order */
    for (int k = 0; k < g->nz; k++) {
        if (rows != NULL && !rows[k])
            continue;
        const double *row = field + (size_t)k * ncol;
        for (size_t c = 0; c < ncol; c++) {
            const size_t b = (size_t)floor(d[c] / p->bin_um);
            out->mean[b] += row[c];
            out->cells[b]++;
            out->ncells++;
            if (d[c] <= p->near_um) {
                near_sum += row[c];
                out->near_cells++;
            }
            if (d[c] > p->far_um) {
                far_sum += row[c];
                out->far_cells++;
            }
        }
    }
    free(d);
    for (size_t b = 0; b < out->nbins; b++)
        out->mean[b] = out->cells[b] > 0 ? out->mean[b] / (double)out->cells[b] : NAN;
    out->near_mean = out->near_cells > 0 ? near_sum / (double)out->near_cells : NAN;
    out->far_mean = out->far_cells > 0 ? far_sum / (double)out->far_cells : NAN;
    out->near_far = out->near_cells > 0 && out->far_cells > 0 ? out->near_mean / out->far_mean : NAN;
    return MH_OK;
}

void mh_radial_clear(mh_radial *r)
{
    if (r == NULL)
        return;
    free(r->mean);
    free(r->cells);
    memset(r, 0, sizeof *r);
}

mh_status mh_radial_layers(const char *name, unsigned *mask, mh_ctx *ctx)
{
    *mask = 0;
    if (strcmp(name, "dermis") == 0)
        *mask = 1u << MH_LAYER_PD | 1u << MH_LAYER_RD;
    else if (strcmp(name, "epidermis") == 0)
        *mask = 1u << MH_LAYER_SC | 1u << MH_LAYER_VE;
    for (int l = 0; *mask == 0 && l < MH_LAYER_COUNT; l++)
        if (strcmp(name, mh_layer_name((mh_layer)l)) == 0)
            *mask = 1u << l;
    if (*mask != 0)
        return MH_OK;
    return MH_ERROR(ctx, MH_ERR_INPUT,
                    "unknown layer '%s' (papillary_dermis, reticular_dermis, dermis, epidermis, stratum_corneum, "
                    "viable_epidermis or hypodermis)",
                    name);
}
