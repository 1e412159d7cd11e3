/* src/io: files of results: HDF5 outputs and readers, checkpoints, XDMF, export, sweep and compare folders. */
/* mh_export: 'microheal info' and tables for gnuplot, read from an output file. */
#include "mh_export.h"
#include "mh_ensemble_io.h"

#include "mh_checkpoint.h"
#include "mh_config.h"
#include "mh_h5_internal.h"
#include "mh_xdmf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void mh_export_series_table(const mh_series *s, const char *origin, FILE *out)
{
    fprintf(out, "# microheal series from %s; columns:\n#", origin);
    for (int k = 0; k < MH_OBS_COUNT; k++)
        fprintf(out, " %d:%s", k + 1, mh_observe_name(k));
    fprintf(out, "\n");
    for (size_t r = 0; r < s->nt; r++) {
        const double *row = s->data + r * MH_OBS_COUNT;
        for (int k = 0; k < MH_OBS_COUNT; k++)
            fprintf(out, k ? " %.9g" : "%.9g", row[k]);
        fprintf(out, "\n");
    }
}

static void free_columns(double **cols, int count)
{
    for (int a = 0; a < count; a++) {
        free(cols[a]);
        cols[a] = NULL;
    }
}

/* The datasets names[0..count) of an open output as columns (malloc'ed into cols, NULL on failure), all
 * of the same length *n: that of names[0]. MH_ERR_IO naming the file and the dataset whose length differs
 * (a crafted file: the tables index every column by the first's length). */
static mh_status read_columns(hid_t file, const char *path, const char *const *names, int count, double **cols,
                              size_t *n, mh_ctx *ctx)
{
    mh_status st = MH_OK;
    for (int a = 0; a < count; a++)
        cols[a] = NULL;
    for (int a = 0; a < count && st == MH_OK; a++) {
        size_t m = 0;
        st = mh_h5_get_vector(file, path, names[a], &cols[a], &m, ctx);
        if (st == MH_OK && a == 0)
            *n = m;
        else if (st == MH_OK && m != *n)
            st = MH_ERROR(ctx, MH_ERR_IO, "%s: %s has %zu values, %s %zu (damaged or crafted?)", path, names[a], m,
                          names[0], *n);
    }
    if (st != MH_OK)
        free_columns(cols, count);
    return st;
}

/* The series of an open output: one column per observable, MH_OBS_T first. */
static mh_status read_series(hid_t file, const char *path, double *col[MH_OBS_COUNT], size_t *n, mh_ctx *ctx)
{
    char names[MH_OBS_COUNT][128];
    const char *np[MH_OBS_COUNT];
    for (int k = 0; k < MH_OBS_COUNT; k++) {
        snprintf(names[k], sizeof names[k], "/series/%s", mh_observe_name(k));
        np[k] = names[k];
    }
    return read_columns(file, path, np, MH_OBS_COUNT, col, n, ctx);
}

mh_status mh_export_series(const char *path, FILE *out, mh_ctx *ctx)
{
    hid_t file = mh_h5_open_output(path, ctx);
    if (file < 0)
        return ctx->status;
    double *col[MH_OBS_COUNT] = {0};
    size_t n = 0;
    mh_status st = read_series(file, path, col, &n, ctx);
    H5Fclose(file);
    mh_series s = {n, n, NULL};
    if (st == MH_OK && (s.data = malloc((n > 0 ? n : 1) * MH_OBS_COUNT * sizeof *s.data)) == NULL)
        st = MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (series of %s)", path);
    if (st == MH_OK) {
        for (size_t r = 0; r < n; r++)
            for (int k = 0; k < MH_OBS_COUNT; k++)
                s.data[r * MH_OBS_COUNT + k] = col[k][r];
        mh_export_series_table(&s, path, out);
    }
    mh_series_clear(&s);
    free_columns(col, MH_OBS_COUNT);
    return st;
}

mh_status mh_export_sessions(const char *path, FILE *out, mh_ctx *ctx)
{
    double *d = NULL;
    size_t n = 0;
    mh_status st = mh_h5_read_vector(path, "/summary/session_days", &d, &n, ctx);
    if (st != MH_OK)
        return st;
    fprintf(out, "# session day\n");
    for (size_t k = 0; k < n; k++)
        fprintf(out, "%zu %.9g\n", k + 1, d[k]);
    free(d);
    return MH_OK;
}

/* Whether every v[0..n) is a whole number from lo to hi (it is printed as an int). */
static bool whole_in(const double *v, size_t n, double lo, double hi)
{
    for (size_t k = 0; k < n; k++)
        if (!(v[k] >= lo && v[k] <= hi && v[k] == floor(v[k])))
            return false;
    return true;
}

#define NPUNCT 5
/* The punctures of an open output: x, y, depth, radius, session, all of one length; the sessions are
 * 1-based session numbers. */
static mh_status read_punctures(hid_t file, const char *path, double *c[NPUNCT], size_t *n, mh_ctx *ctx)
{
    static const char *const names[NPUNCT] = {"/punctures/x_mm", "/punctures/y_mm", "/punctures/depth_mm",
                                              "/punctures/radius_mm", "/punctures/session"};
    mh_status st = read_columns(file, path, names, NPUNCT, c, n, ctx);
    if (st == MH_OK && !whole_in(c[4], *n, 1, MH_MAX_SESSIONS)) {
        free_columns(c, NPUNCT);
        st = MH_ERROR(ctx, MH_ERR_IO,
                      "%s: /punctures/session holds other than session numbers 1 to %d (damaged or "
                      "crafted?)",
                      path, MH_MAX_SESSIONS);
    }
    return st;
}

mh_status mh_export_punctures(const char *path, FILE *out, mh_ctx *ctx)
{
    hid_t file = mh_h5_open_output(path, ctx);
    if (file < 0)
        return ctx->status;
    double *c[NPUNCT] = {0};
    size_t n = 0;
    mh_status st = read_punctures(file, path, c, &n, ctx);
    H5Fclose(file);
    if (st == MH_OK) {
        fprintf(out, "# x_mm y_mm depth_mm radius_mm session\n");
        for (size_t q = 0; q < n; q++)
            fprintf(out, "%.6f %.6f %.6f %.6f %d\n", c[0][q], c[1][q], c[2][q], c[3][q], (int)c[4][q]);
    }
    free_columns(c, NPUNCT);
    return st;
}

#define NGAINS (MH_OL_COUNT * MH_OQ_COUNT)
/* The summary table of an open output to out: the per-session metrics, one value per session each
 * (/summary/session_days, the first, tells how many), then the gains, one value per /summary/gain_days
 * each. */
static mh_status put_summary(hid_t file, const char *path, FILE *out, mh_ctx *ctx)
{
    int nper = 0;
    const mh_summary_field *per = mh_summary_fields(&nper);
    char names[MH_SUMMARY_NFIELDS + 1 + NGAINS][128];
    const char *np[MH_SUMMARY_NFIELDS + 1 + NGAINS];
    for (int a = 0; a < nper; a++)
        snprintf(names[a], sizeof names[a], "/summary/%s", per[a].name);
    snprintf(names[nper], sizeof names[nper], "/summary/gain_days");
    for (int L = 0; L < MH_OL_COUNT; L++)
        for (int q = 0; q < MH_OQ_COUNT; q++)
            snprintf(names[nper + 1 + L * MH_OQ_COUNT + q], sizeof names[0], "/summary/%s",
                     mh_observe_name(mh_observe_layer_col((mh_observe_layer)L, (mh_observe_quantity)q)));
    for (int a = 0; a < nper + 1 + NGAINS; a++)
        np[a] = names[a];
    double *c[MH_SUMMARY_NFIELDS] = {0}, *g[1 + NGAINS] = {0};
    size_t n = 0, ng = 0;
    mh_status st = read_columns(file, path, np, nper, c, &n, ctx);
    if (st == MH_OK)
        st = read_columns(file, path, np + nper, 1 + NGAINS, g, &ng, ctx);
    if (st == MH_OK) {
        fprintf(out, "# session");
        for (int a = 0; a < nper; a++)
            fprintf(out, " %s", per[a].name);
        fprintf(out, "\n");
        for (size_t k = 0; k < n; k++) {
            fprintf(out, "%zu", k + 1);
            for (int a = 0; a < nper; a++)
                fprintf(out, " %.6g", c[a][k]);
            fprintf(out, "\n");
        }
        fprintf(out, "\n# relative to untreated at day:");
        for (size_t d = 0; d < ng; d++)
            fprintf(out, " %g", g[0][d]);
        fprintf(out, "\n");
        for (int a = 1; a <= NGAINS; a++) {
            fprintf(out, "%s", np[nper + a] + strlen("/summary/"));
            for (size_t d = 0; d < ng; d++)
                fprintf(out, " %.5f", g[a][d]);
            fprintf(out, "\n");
        }
    }
    free_columns(c, nper);
    free_columns(g, 1 + NGAINS);
    return st;
}

mh_status mh_export_summary(const char *path, FILE *out, mh_ctx *ctx)
{
    hid_t file = mh_h5_open_output(path, ctx);
    if (file < 0)
        return ctx->status;
    mh_status st = put_summary(file, path, out, ctx);
    H5Fclose(file);
    return st;
}

/* The snapshot of field name nearest to day in an open output, with its shape and day, and the grid's
 * lateral positions (nx values) and depths (nz values), checked against the field's shape (and
 * /grid/y_mm, where there is one, against its y extent); all malloc'ed, nothing allocated on failure. */
static mh_status read_section(hid_t file, const char *path, const char *name, double day, float **f, int shape[3],
                              double *t, double **x, double **z, mh_ctx *ctx)
{
    *z = *x = NULL;
    mh_status st = mh_h5_get_field(file, path, name, day, f, shape, t, ctx);
    if (st != MH_OK)
        return st;
    double *y = NULL;
    size_t nx = 0, nz = 0, ny = 1;
    const bool has_y = H5Lexists(file, "/grid/y_mm", H5P_DEFAULT) > 0;
    st = mh_h5_get_vector(file, path, "/grid/x_mm", x, &nx, ctx);
    if (st == MH_OK)
        st = mh_h5_get_vector(file, path, "/grid/z_mm", z, &nz, ctx);
    if (st == MH_OK && has_y)
        st = mh_h5_get_vector(file, path, "/grid/y_mm", &y, &ny, ctx);
    free(y);
    if (st == MH_OK && (nx != (size_t)shape[2] || nz != (size_t)shape[0] || ny != (size_t)shape[1]))
        st = MH_ERROR(ctx, MH_ERR_IO,
                      "%s: /fields/%s has %d x %d x %d cells (depth, y, x), /grid/z_mm %zu values, %s%zu, /grid/x_mm "
                      "%zu (damaged or crafted?)",
                      path, name, shape[0], shape[1], shape[2], nz, has_y ? "/grid/y_mm " : "y (no /grid/y_mm) ", ny,
                      nx);
    if (st != MH_OK) {
        free(*f);
        free(*x);
        free(*z);
        *f = NULL;
        *x = *z = NULL;
    }
    return st;
}

mh_status mh_export_field(const char *path, const char *name, double day, double y_mm, FILE *out, mh_ctx *ctx)
{
    hid_t file = mh_h5_open_output(path, ctx);
    if (file < 0)
        return ctx->status;
    float *f = NULL;
    int shape[3];
    double t = 0, *x = NULL, *z = NULL;
    mh_status st = read_section(file, path, name, day, &f, shape, &t, &x, &z, ctx);
    H5Fclose(file);
    if (st != MH_OK)
        return st;
    int j = shape[1] / 2;
    if (shape[1] > 1 && y_mm >= 0) {
        const double dx = shape[2] > 1 ? x[1] - x[0] : 1.0, cell = dx > 0.0 ? floor(y_mm / dx) : -1.0;
        if (!(dx > 0.0) || !(cell >= 0.0 && cell < (double)shape[1])) {
            free(f);
            free(x);
            free(z);
            /* a spacing from a crafted file (0, negative, NaN) is not divided by */
            return !(dx > 0.0)
                       ? MH_ERROR(ctx, MH_ERR_IO, "%s: /grid/x_mm does not increase (damaged or crafted?)", path)
                       : MH_ERROR(ctx, MH_ERR_INPUT, "--y-mm %g lies outside the patch", y_mm);
        }
        j = (int)cell;
    }
    fprintf(out, "# %s at day %.6g (requested %g); columns x_mm depth_mm value\n", name, t, day);
    for (int k = 0; k < shape[0]; k++) {
        for (int i = 0; i < shape[2]; i++)
            fprintf(out, "%.6f %.6f %.7g\n", x[i], z[k],
                    f[(size_t)i + (size_t)shape[2] * ((size_t)j + (size_t)shape[1] * (size_t)k)]);
        fprintf(out, "\n");
    }
    free(f);
    free(x);
    free(z);
    return MH_OK;
}

/* /grid/layer of an open output: nz layer ids (whole numbers 0 to MH_LAYER_COUNT - 1), malloc'ed into *layer
 * (NULL on failure). */
static mh_status read_layers(hid_t file, const char *path, int nz, double **layer, mh_ctx *ctx)
{
    size_t nl = 0;
    mh_status st = mh_h5_get_vector(file, path, "/grid/layer", layer, &nl, ctx);
    if (st == MH_OK && ((int)nl != nz || !whole_in(*layer, nl, 0, MH_LAYER_COUNT - 1))) {
        free(*layer);
        *layer = NULL;
        st = MH_ERROR(ctx, MH_ERR_IO,
                      "%s: /grid/layer holds %zu values, not the %d layer ids (0 to %d) of the grid's depth rows "
                      "(damaged or crafted?)",
                      path, nl, nz, MH_LAYER_COUNT - 1);
    }
    return st;
}

mh_status mh_export_profile(const char *path, const char *name, double day, FILE *out, mh_ctx *ctx)
{
    hid_t file = mh_h5_open_output(path, ctx);
    if (file < 0)
        return ctx->status;
    float *f = NULL;
    int shape[3];
    double t = 0, *x = NULL, *z = NULL, *layer = NULL, *top = NULL;
    size_t ntop = 0;
    mh_status st = read_section(file, path, name, day, &f, shape, &t, &x, &z, ctx);
    if (st == MH_OK && (st = read_layers(file, path, shape[0], &layer, ctx)) == MH_OK &&
        (st = mh_h5_get_vector(file, path, "/grid/layer_top_mm", &top, &ntop, ctx)) == MH_OK &&
        ntop != MH_LAYER_COUNT + 1)
        st = MH_ERROR(ctx, MH_ERR_IO, "%s: /grid/layer_top_mm has %zu values, not %d (damaged or crafted?)", path, ntop,
                      MH_LAYER_COUNT + 1);
    H5Fclose(file);
    if (st == MH_OK) {
        fprintf(out, "# %s lateral mean at day %.6g (requested %g); columns depth_mm layer mean\n# layer_top_mm", name,
                t, day);
        for (size_t l = 0; l < ntop; l++)
            fprintf(out, " %.6g", top[l]);
        fprintf(out, "\n# layers:");
        for (int l = 0; l < MH_LAYER_COUNT; l++)
            fprintf(out, " %d %s", l, mh_layer_name((mh_layer)l));
        fprintf(out, "\n");
        const size_t plane = (size_t)shape[1] * (size_t)shape[2];
        for (int k = 0; k < shape[0]; k++) {
            double sum = 0.0; /* in cell order */
            for (size_t q = 0; q < plane; q++)
                sum += f[(size_t)k * plane + q];
            fprintf(out, "%.6f %d %.9g\n", z[k], (int)layer[k], sum / (double)plane);
        }
    }
    free(f);
    free(x);
    free(z);
    free(layer);
    free(top);
    return st;
}

/* Whether c[0..n) are the cell centres (i + 1/2) dx, to a relative 1e-6 of a cell: far above the rounding of
 * (i + 0.5) dx, far below any other grid. */
static bool centres_of(const double *c, size_t n, double dx)
{
    for (size_t i = 0; i < n; i++)
        if (!(fabs(c[i] - ((double)i + 0.5) * dx) <= 1e-6 * dx))
            return false;
    return true;
}

/* The grid of an open output whose snapshots have shape (depth, y, x), with the axes x and z that
 * read_section read: a uniform grid (mh_grid_create_uniform) of /grid's dx_mm and lateral_bc with the layers
 * of /grid/layer, each axis checked to be the cell centres (i + 1/2) dx that the grid assumes. */
static mh_status read_grid(hid_t file, const char *path, const int shape[3], const double *x, const double *z,
                           mh_grid **g, mh_ctx *ctx)
{
    *g = NULL;
    double dims = 0.0, dx = 0.0, *y = NULL, *layer = NULL;
    char *bc = NULL;
    size_t ny = 1;
    hid_t grid = H5Lexists(file, "/grid", H5P_DEFAULT) > 0 ? H5Gopen2(file, "/grid", H5P_DEFAULT) : H5I_INVALID_HID;
    mh_status st = grid < 0 ? MH_ERROR(ctx, MH_ERR_IO, "%s: no group /grid (damaged or crafted?)", path) : MH_OK;
    if (st == MH_OK && (st = mh_h5_get_attr_double(grid, path, "dx_mm", &dx, ctx)) == MH_OK)
        st = mh_h5_get_attr_string(grid, path, "lateral_bc", &bc, ctx);
    if (grid >= 0)
        H5Gclose(grid);
    if (st == MH_OK && (st = mh_h5_get_attr_double(file, path, "dims", &dims, ctx)) == MH_OK && dims == 3.0)
        st = mh_h5_get_vector(file, path, "/grid/y_mm", &y, &ny, ctx);
    const bool periodic = st == MH_OK && strcmp(bc, "periodic") == 0;
    if (st == MH_OK && !periodic && strcmp(bc, "zeroflux") != 0)
        st = MH_ERROR(ctx, MH_ERR_IO, "%s: /grid's lateral_bc is neither periodic nor zeroflux (damaged or crafted?)",
                      path);
    if (st == MH_OK && (!(dx > 0.0 && isfinite(dx)) || !centres_of(x, (size_t)shape[2], dx) ||
                        !centres_of(z, (size_t)shape[0], dx) || (y != NULL && !centres_of(y, ny, dx))))
        st = MH_ERROR(ctx, MH_ERR_IO,
                      "%s: /grid/x_mm, /grid/y_mm or /grid/z_mm are not the cell centres of /grid's dx_mm %g "
                      "(damaged or crafted?)",
                      path, dx);
    /* what mh_grid_create_uniform requires, and every run's grid has */
    if (st == MH_OK && (shape[0] < 3 || (periodic && (shape[2] < 3 || (dims == 3.0 && shape[1] < 3)))))
        st =
            MH_ERROR(ctx, MH_ERR_IO, "%s: a grid of %d x %d x %d cells (depth, y, x) is no run's (damaged or crafted?)",
                     path, shape[0], shape[1], shape[2]);
    if (st == MH_OK && (st = read_layers(file, path, shape[0], &layer, ctx)) == MH_OK &&
        (st = mh_grid_create_uniform((int)dims, shape[2], shape[1], shape[0], dx, periodic, ctx, g)) == MH_OK)
        for (int k = 0; k < shape[0]; k++)
            (*g)->layer[k] = (unsigned char)layer[k];
    free(y);
    free(layer);
    free(bc);
    return st;
}

/* The needle tracks of an open output by day t: the x and y (mm) of the punctures of every session whose day
 * (/summary/session_days) is t or earlier, malloc'ed into *tx and *ty (*n of them, maybe 0), and the number
 * of those sessions in *nsess. */
static mh_status read_tracks(hid_t file, const char *path, double t, double **tx, double **ty, size_t *n, size_t *nsess,
                             mh_ctx *ctx)
{
    *tx = *ty = NULL;
    *n = *nsess = 0;
    double *c[NPUNCT] = {0}, *days = NULL;
    size_t np = 0, ns = 0;
    mh_status st = read_punctures(file, path, c, &np, ctx);
    if (st == MH_OK)
        st = mh_h5_get_vector(file, path, "/summary/session_days", &days, &ns, ctx);
    if (st == MH_OK && !whole_in(c[4], np, 1, (double)ns))
        st = MH_ERROR(ctx, MH_ERR_IO,
                      "%s: /punctures/session names a session beyond the %zu of /summary/session_days (damaged or "
                      "crafted?)",
                      path, ns);
    for (size_t q = 0; q < np && st == MH_OK; q++)
        if (!isfinite(c[0][q]) || !isfinite(c[1][q]))
            st = MH_ERROR(ctx, MH_ERR_IO,
                          "%s: /punctures/x_mm or /punctures/y_mm holds a value that is not finite (damaged or "
                          "crafted?)",
                          path);
    if (st == MH_OK) {
        for (size_t k = 0; k < ns; k++)
            *nsess += days[k] <= t;
        for (size_t q = 0; q < np; q++)
            if (days[(size_t)c[4][q] - 1] <= t) {
                c[0][*n] = c[0][q];
                c[1][*n] = c[1][q];
                (*n)++;
            }
        *tx = c[0];
        *ty = c[1];
        c[0] = c[1] = NULL;
    }
    free(days);
    free_columns(c, NPUNCT);
    return st;
}

/* s in a '#' line: a control character (a newline would end the comment) as '?'. */
static void put_comment_text(FILE *out, const char *s)
{
    for (; *s != '\0'; s++)
        fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, out);
}

/* v as %.9g, "nan" for any NaN (printf may write "-nan"). */
static void put_number(FILE *out, double v)
{
    if (isnan(v))
        fputs("nan", out);
    else
        fprintf(out, "%.9g", v);
}

/* The depth rows of the band of o into rows[k] (nz flags, z the rows' centres, layer their layers): MH_ERR_INPUT
 * when the band holds none; the count in *nrows. */
static mh_status band_rows(const mh_export_radial_opts *o, unsigned mask, const mh_grid *g, const double *z,
                           const char *path, bool *rows, int *nrows, mh_ctx *ctx)
{
    *nrows = 0;
    for (int k = 0; k < g->nz; k++) {
        rows[k] = o->layer != NULL ? (mask & 1u << g->layer[k]) != 0 : z[k] >= o->depth_lo_mm && z[k] < o->depth_hi_mm;
        *nrows += rows[k];
    }
    if (*nrows > 0)
        return MH_OK;
    if (o->layer != NULL)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: no depth row of its grid lies in the %s", path, o->layer);
    return MH_ERROR(ctx, MH_ERR_INPUT, "%s: no cell centre of its grid lies at a depth in [%g, %g) mm", path,
                    o->depth_lo_mm, o->depth_hi_mm);
}

/* The CSV of a radial profile r (see mh_export_radial). */
static void put_radial(FILE *out, const char *path, const char *name, double t, double day,
                       const mh_export_radial_opts *o, const mh_grid *g, const bool *rows, int nrows, const double *z,
                       size_t ntracks, size_t nsess, const mh_radial *r)
{
    fputs("# microheal radial profile of ", out);
    put_comment_text(out, path);
    fputs("\n# field ", out);
    put_comment_text(out, name);
    fprintf(out, " at the snapshot of day %.6g (requested %g)\n# band: ", t, day);
    if (o->layer != NULL) {
        fputs("layer ", out);
        put_comment_text(out, o->layer);
    } else {
        fprintf(out, "depth [%g, %g) mm", o->depth_lo_mm, o->depth_hi_mm);
    }
    int k0 = 0, k1 = g->nz - 1; /* the band holds a row (band_rows) */
    while (!rows[k0])
        k0++;
    while (!rows[k1])
        k1--;
    fprintf(out, ": %d depth rows, cell centres %.6g to %.6g mm deep, %zu cells\n", nrows, z[k0], z[k1], r->ncells);
    fprintf(out,
            "# tracks: %zu, the punctures of the %zu session(s) on or before day %.6g; distance: lateral (%s) to the "
            "nearest track's axis%s\n",
            ntracks, nsess, t, g->dims == 3 ? "hypot of x and y" : "along x", g->periodic ? ", minimum image" : "");
    fprintf(out, "# bin %.9g um; empty bins omitted\ndistance_um_lo,distance_um_hi,mean,cells\n", r->bin_um);
    for (size_t b = 0; b < r->nbins; b++)
        if (r->cells[b] > 0) {
            fprintf(out, "%.9g,%.9g,", (double)b * r->bin_um, (double)(b + 1) * r->bin_um);
            put_number(out, r->mean[b]);
            fprintf(out, ",%zu\n", r->cells[b]);
        }
    fputs("# near_far_ratio ", out);
    put_number(out, r->near_far);
    fprintf(out, " (mean within %g um of a track ", o->near_um);
    put_number(out, r->near_mean);
    fprintf(out, " over %zu cells / mean beyond %g um ", r->near_cells, o->far_um);
    put_number(out, r->far_mean);
    fprintf(out, " over %zu cells)\n", r->far_cells);
}

mh_status mh_export_radial(const char *path, const char *name, double day, const mh_export_radial_opts *o, FILE *out,
                           double *near_far, mh_ctx *ctx)
{
    if (near_far != NULL)
        *near_far = NAN;
    unsigned mask = 0;
    if (o->layer != NULL && mh_radial_layers(o->layer, &mask, ctx) != MH_OK)
        return ctx->status;
    if (o->layer == NULL && !(o->depth_lo_mm < o->depth_hi_mm))
        return MH_ERROR(ctx, MH_ERR_INPUT, "the depth band [%g, %g) mm is empty (give A < B)", o->depth_lo_mm,
                        o->depth_hi_mm);
    if (!(o->bin_um >= 0.0 && isfinite(o->bin_um)))
        return MH_ERROR(ctx, MH_ERR_INPUT, "a bin of %g um is not positive and finite", o->bin_um);
    hid_t file = mh_h5_open_output(path, ctx);
    if (file < 0)
        return ctx->status;
    float *f = NULL;
    int shape[3], nrows = 0;
    double t = 0, *x = NULL, *z = NULL, *tx = NULL, *ty = NULL, *field = NULL;
    size_t ntracks = 0, nsess = 0;
    mh_grid *g = NULL;
    bool *rows = NULL;
    mh_radial r = {0};
    mh_status st = read_section(file, path, name, day, &f, shape, &t, &x, &z, ctx);
    if (st == MH_OK)
        st = read_grid(file, path, shape, x, z, &g, ctx);
    if (st == MH_OK)
        st = read_tracks(file, path, t, &tx, &ty, &ntracks, &nsess, ctx);
    H5Fclose(file);
    if (st == MH_OK && ntracks == 0)
        st = MH_ERROR(ctx, MH_ERR_INPUT, "%s: no needle track by day %g (the snapshot nearest day %g)", path, t, day);
    if (st == MH_OK &&
        ((rows = malloc((size_t)g->nz * sizeof *rows)) == NULL || (field = malloc(g->ncell * sizeof *field)) == NULL))
        st = MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (radial profile of %s)", path);
    if (st == MH_OK)
        st = band_rows(o, mask, g, z, path, rows, &nrows, ctx);
    if (st == MH_OK) {
        for (size_t c = 0; c < g->ncell; c++)
            field[c] = f[c];
        const mh_radial_params p = {o->bin_um > 0.0 ? o->bin_um : g->dx_mm * 1e3, o->near_um, o->far_um};
        if ((st = mh_radial_profile(g, field, rows, tx, ty, ntracks, &p, &r, ctx)) != MH_OK)
            mh_ctx_prefix(ctx, "%s: ", path); /* a bin too fine for the grid */
    }
    if (st == MH_OK) {
        put_radial(out, path, name, t, day, o, g, rows, nrows, z, ntracks, nsess, &r);
        if (near_far != NULL)
            *near_far = r.near_far;
    }
    mh_radial_clear(&r);
    mh_grid_destroy(&g);
    free(f);
    free(x);
    free(z);
    free(tx);
    free(ty);
    free(field);
    free(rows);
    return st;
}

/* The fields an output holds: the species and the derived collagen_I and collagen_total. */
#define NFIELDS MH_NOUTFIELDS
static const char *info_field(int f) { return mh_outfield_name(f); }

/* What info prints of an open output, all checked against each other first: the grid (against the
 * root attribute dims and the shapes of the field snapshots), the punctures, the series and the
 * summary; printed only when everything fits. */
static mh_status put_info(hid_t file, const char *path, FILE *out, mh_ctx *ctx)
{
    char *version = NULL, *created = NULL;
    double dims = 0.0, *x = NULL, *z = NULL, *y = NULL, *ts = NULL, *pc[NPUNCT] = {0}, *sc[MH_OBS_COUNT] = {0};
    size_t nx = 0, nz = 0, ny = 1, nts = 0, np = 0, nt = 0;
    mh_status st = mh_h5_get_attr_string(file, path, "version", &version, ctx);
    if (st == MH_OK)
        st = mh_h5_get_attr_string(file, path, "created", &created, ctx);
    if (st == MH_OK && (st = mh_h5_get_attr_double(file, path, "dims", &dims, ctx)) == MH_OK && dims != 2.0 &&
        dims != 3.0)
        st = MH_ERROR(ctx, MH_ERR_IO, "%s: attribute dims is %g, not 2 or 3 (damaged or crafted?)", path, dims);
    if (st == MH_OK && (st = mh_h5_get_vector(file, path, "/grid/x_mm", &x, &nx, ctx)) == MH_OK &&
        (st = mh_h5_get_vector(file, path, "/grid/z_mm", &z, &nz, ctx)) == MH_OK && dims == 3.0)
        st = mh_h5_get_vector(file, path, "/grid/y_mm", &y, &ny, ctx);
    if (st == MH_OK)
        st = mh_h5_get_vector(file, path, "/fields/t_days", &ts, &nts, ctx);
    for (int f = 0; f < NFIELDS && st == MH_OK; f++) {
        char name[96];
        snprintf(name, sizeof name, "/fields/%s", info_field(f));
        st = mh_h5_check_snapshots(file, path, name, (int)dims, nts, nz, ny, nx, NULL, ctx);
    }
    if (st == MH_OK)
        st = read_punctures(file, path, pc, &np, ctx);
    if (st == MH_OK)
        st = read_series(file, path, sc, &nt, ctx);
    char *text = NULL;
    size_t text_len = 0;
    FILE *summary = st == MH_OK ? open_memstream(&text, &text_len) : NULL;
    if (st == MH_OK && summary == NULL)
        st = MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
    if (st == MH_OK)
        st = put_summary(file, path, summary, ctx);
    if (summary != NULL && fclose(summary) != 0 && st == MH_OK)
        st = MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
    if (st == MH_OK) {
        const double *t = sc[MH_OBS_T];
        fprintf(out, "%s: microheal %s output, created %s\n", path, version, created);
        fprintf(out, "grid: %zu x %zu x %zu cells (x, y, depth), dx = %.4g mm, depth %.3f mm\n", nx, ny, nz,
                nx > 1 ? x[1] - x[0] : 0.0, nz > 1 ? z[nz - 1] + 0.5 * (z[1] - z[0]) : 0.0);
        fprintf(out, "punctures: %zu\n", np);
        fprintf(out, "series: %zu time points, day %.4g to %.4g\n", nt, nt ? t[0] : 0.0, nt ? t[nt - 1] : 0.0);
        fprintf(out, "snapshots: %zu at days", nts);
        for (size_t r = 0; r < nts; r++)
            fprintf(out, " %g", ts[r]);
        fprintf(out, "\nfields:");
        for (int f = 0; f < NFIELDS; f++)
            fprintf(out, " %s", info_field(f));
        fprintf(out, "\n");
        char *xmf = mh_xdmf_path(path);
        if (xmf != NULL && access(xmf, R_OK) == 0)
            fprintf(out, "xdmf: %s (ParaView: open it with the XDMF Reader)\n\n", xmf);
        else if (xmf != NULL)
            fprintf(out, "xdmf: %s missing (microheal export %s --xdmf writes it)\n\n", xmf, path);
        free(xmf);
        fwrite(text, 1, text_len, out);
    }
    free(text);
    free(version);
    free(created);
    free(x);
    free(y);
    free(z);
    free(ts);
    free_columns(pc, NPUNCT);
    free_columns(sc, MH_OBS_COUNT);
    return st;
}

mh_status mh_export_info(const char *path, FILE *out, mh_ctx *ctx)
{
    char *kind = NULL;
    hid_t file = mh_h5_open_microheal(path, &kind, ctx);
    if (file < 0)
        return ctx->status;
    if (kind != NULL && strcmp(kind, "ensemble") == 0) {
        H5Fclose(file);
        free(kind);
        return mh_ensemble_info(path, out, ctx);
    }
    if (kind != NULL) { /* a checkpoint or a fault snapshot */
        H5Fclose(file);
        free(kind);
        return mh_checkpoint_info(path, out, ctx);
    }
    mh_status st = put_info(file, path, out, ctx);
    H5Fclose(file);
    return st;
}

void mh_export_csv_text(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\n") == NULL) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}
