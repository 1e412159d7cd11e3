/* mh_export: 'microheal info' and tables for gnuplot, read from an output file. */
#include "mh_checkpoint.h"
#include "mh_h5_internal.h"
#include "mh_xdmf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void mh_export_series_table(const mh_series *s, const char *origin, FILE *out)
{
    fprintf(out, "# microheal series from %s; columns:\n#", origin);
    for (int k = 0; k < MH_OBS_COUNT; k++)
        fprintf(out, " %d:%s", k + 1, mh_obs_name(k));
    fprintf(out, "\n");
    for (size_t r = 0; r < s->nt; r++) {
        const double *row = s->data + r * MH_OBS_COUNT;
        for (int k = 0; k < MH_OBS_COUNT; k++)
            fprintf(out, k ? " %.9g" : "%.9g", row[k]);
        fprintf(out, "\n");
    }
}

mh_status mh_export_series(const char *path, FILE *out, mh_ctx *ctx)
{
    double *col[MH_OBS_COUNT] = {0};
    size_t n = 0, n0 = 0;
    mh_status st = MH_OK;
    for (int k = 0; k < MH_OBS_COUNT && st == MH_OK; k++) {
        char name[128];
        snprintf(name, sizeof name, "/series/%s", mh_obs_name(k));
        st = mh_h5_read_vector(path, name, &col[k], &n, ctx);
        if (st == MH_OK && k == 0)
            n0 = n;
        if (st == MH_OK && n != n0)
            st = MH_ERROR(ctx, MH_ERR_IO, "%s: %s has %zu rows, t_days %zu", path, name, n, n0);
    }
    mh_series s = {n0, n0, NULL};
    if (st == MH_OK && (s.data = malloc((n0 > 0 ? n0 : 1) * MH_OBS_COUNT * sizeof *s.data)) == NULL)
        st = MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (series of %s)", path);
    if (st == MH_OK) {
        for (size_t r = 0; r < n0; r++)
            for (int k = 0; k < MH_OBS_COUNT; k++)
                s.data[r * MH_OBS_COUNT + k] = col[k][r];
        mh_export_series_table(&s, path, out);
    }
    mh_series_free(&s);
    for (int k = 0; k < MH_OBS_COUNT; k++)
        free(col[k]);
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

mh_status mh_export_punctures(const char *path, FILE *out, mh_ctx *ctx)
{
    const char *names[5] = {"/punctures/x_mm", "/punctures/y_mm", "/punctures/depth_mm", "/punctures/radius_mm",
                            "/punctures/session"};
    double *c[5] = {0};
    size_t n = 0;
    mh_status st = MH_OK;
    for (int a = 0; a < 5 && st == MH_OK; a++)
        st = mh_h5_read_vector(path, names[a], &c[a], &n, ctx);
    if (st == MH_OK) {
        fprintf(out, "# x_mm y_mm depth_mm radius_mm session\n");
        for (size_t q = 0; q < n; q++)
            fprintf(out, "%.6f %.6f %.6f %.6f %d\n", c[0][q], c[1][q], c[2][q], c[3][q], (int)c[4][q]);
    }
    for (int a = 0; a < 5; a++)
        free(c[a]);
    return st;
}

mh_status mh_export_summary(const char *path, FILE *out, mh_ctx *ctx)
{
    int nper = 0;
    const mh_summary_field *per = mh_summary_fields(&nper);
    double *c[MH_SUMMARY_NFIELDS] = {0};
    size_t n = 0;
    mh_status st = MH_OK;
    for (int a = 0; a < nper && st == MH_OK; a++) {
        char name[96];
        snprintf(name, sizeof name, "/summary/%s", per[a].name);
        st = mh_h5_read_vector(path, name, &c[a], &n, ctx);
    }
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
    }
    for (int a = 0; a < nper; a++)
        free(c[a]);
    if (st != MH_OK)
        return st;
    double *gd = NULL;
    size_t ng = 0;
    if ((st = mh_h5_read_vector(path, "/summary/gain_days", &gd, &ng, ctx)) != MH_OK)
        return st;
    fprintf(out, "\n# relative to untreated at day:");
    for (size_t d = 0; d < ng; d++)
        fprintf(out, " %g", gd[d]);
    fprintf(out, "\n");
    free(gd);
    for (int L = 0; L < MH_OL_COUNT; L++)
        for (int q = 0; q < MH_OQ_COUNT; q++) {
            const char *nm = mh_obs_name(mh_obs_layer_col((mh_obs_layer)L, (mh_obs_quantity)q));
            char name[128];
            snprintf(name, sizeof name, "/summary/%s", nm);
            double *v = NULL;
            size_t nv = 0;
            if ((st = mh_h5_read_vector(path, name, &v, &nv, ctx)) != MH_OK)
                return st;
            fprintf(out, "%s", nm);
            for (size_t d = 0; d < nv; d++)
                fprintf(out, " %.5f", v[d]);
            fprintf(out, "\n");
            free(v);
        }
    return MH_OK;
}

/* The snapshot of field name nearest to day with its shape and day, and the grid's depths (nz values)
 * and, unless x is NULL, lateral positions (nx values); all malloc'ed, nothing allocated on failure. */
static mh_status read_section(const char *path, const char *name, double day, float **f, int shape[3], double *t,
                              double **x, double **z, mh_ctx *ctx)
{
    *z = NULL;
    if (x != NULL)
        *x = NULL;
    mh_status st = mh_h5_read_field(path, name, day, f, shape, t, ctx);
    if (st != MH_OK)
        return st;
    size_t nx = (size_t)shape[2], nz = 0;
    if (x != NULL)
        st = mh_h5_read_vector(path, "/grid/x_mm", x, &nx, ctx);
    if (st == MH_OK)
        st = mh_h5_read_vector(path, "/grid/z_mm", z, &nz, ctx);
    if (st == MH_OK && ((int)nx != shape[2] || (int)nz != shape[0]))
        st = MH_ERROR(ctx, MH_ERR_IO, "%s: grid and field shapes disagree", path);
    if (st != MH_OK) {
        free(*f);
        *f = NULL;
        free(*z);
        *z = NULL;
        if (x != NULL) {
            free(*x);
            *x = NULL;
        }
    }
    return st;
}

mh_status mh_export_field(const char *path, const char *name, double day, double y_mm, FILE *out, mh_ctx *ctx)
{
    float *f = NULL;
    int shape[3];
    double t = 0, *x = NULL, *z = NULL;
    mh_status st = read_section(path, name, day, &f, shape, &t, &x, &z, ctx);
    if (st != MH_OK)
        return st;
    int j = shape[1] / 2;
    if (shape[1] > 1 && y_mm >= 0) {
        double dx = shape[2] > 1 ? x[1] - x[0] : 1.0;
        j = (int)floor(y_mm / dx);
        if (j < 0 || j >= shape[1]) {
            free(f);
            free(x);
            free(z);
            return MH_ERROR(ctx, MH_ERR_INPUT, "--y-mm %g lies outside the patch", y_mm);
        }
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

mh_status mh_export_profile(const char *path, const char *name, double day, FILE *out, mh_ctx *ctx)
{
    float *f = NULL;
    int shape[3];
    double t = 0, *z = NULL, *layer = NULL, *top = NULL;
    size_t nl = 0, ntop = 0;
    mh_status st = read_section(path, name, day, &f, shape, &t, NULL, &z, ctx);
    if (st == MH_OK && (st = mh_h5_read_vector(path, "/grid/layer", &layer, &nl, ctx)) == MH_OK &&
        (st = mh_h5_read_vector(path, "/grid/layer_top_mm", &top, &ntop, ctx)) == MH_OK &&
        ((int)nl != shape[0] || ntop != MH_LAYER_COUNT + 1))
        st = MH_ERROR(ctx, MH_ERR_IO, "%s: /grid/layer or /grid/layer_top_mm does not fit the grid", path);
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
    free(z);
    free(layer);
    free(top);
    return st;
}

mh_status mh_h5_info(const char *path, FILE *out, mh_ctx *ctx)
{
    char *version = NULL, *created = NULL, *kind = NULL;
    hid_t file = mh_h5_open_microheal(path, &kind, ctx);
    if (file < 0)
        return ctx->status;
    H5Fclose(file);
    if (kind != NULL) { /* a checkpoint or a fault snapshot */
        free(kind);
        return mh_checkpoint_info(path, out, ctx);
    }
    mh_status st = mh_h5_read_root_string(path, "version", &version, ctx);
    if (st == MH_OK)
        st = mh_h5_read_root_string(path, "created", &created, ctx);
    if (st != MH_OK) {
        free(version);
        return st;
    }
    double *x = NULL, *z = NULL, *y = NULL, *t = NULL, *ts = NULL, *px = NULL;
    size_t nx = 0, nz = 0, ny = 1, nt = 0, nts = 0, np = 0;
    if ((st = mh_h5_read_vector(path, "/grid/x_mm", &x, &nx, ctx)) == MH_OK &&
        (st = mh_h5_read_vector(path, "/grid/z_mm", &z, &nz, ctx)) == MH_OK &&
        (st = mh_h5_read_vector(path, "/series/t_days", &t, &nt, ctx)) == MH_OK &&
        (st = mh_h5_read_vector(path, "/fields/t_days", &ts, &nts, ctx)) == MH_OK &&
        (st = mh_h5_read_vector(path, "/punctures/x_mm", &px, &np, ctx)) == MH_OK) {
        mh_ctx quiet;
        mh_ctx_init(&quiet);
        if (mh_h5_read_vector(path, "/grid/y_mm", &y, &ny, &quiet) != MH_OK)
            ny = 1;
        fprintf(out, "%s: microheal %s output, created %s\n", path, version, created);
        fprintf(out, "grid: %zu x %zu x %zu cells (x, y, depth), dx = %.4g mm, depth %.3f mm\n", nx, ny, nz,
                nx > 1 ? x[1] - x[0] : 0.0, nz > 1 ? z[nz - 1] + 0.5 * (z[1] - z[0]) : 0.0);
        fprintf(out, "punctures: %zu\n", np);
        fprintf(out, "series: %zu time points, day %.4g to %.4g\n", nt, nt ? t[0] : 0.0, nt ? t[nt - 1] : 0.0);
        fprintf(out, "snapshots: %zu at days", nts);
        for (size_t r = 0; r < nts; r++)
            fprintf(out, " %g", ts[r]);
        fprintf(out, "\nfields:");
        for (int s = 0; s < MH_NSPECIES; s++)
            fprintf(out, " %s", mh_species_name((mh_species)s));
        fprintf(out, " collagen_total\n");
        char *xmf = mh_xdmf_path(path);
        if (xmf != NULL && access(xmf, R_OK) == 0)
            fprintf(out, "xdmf: %s (ParaView: open it with the XDMF Reader)\n\n", xmf);
        else if (xmf != NULL)
            fprintf(out, "xdmf: %s missing (microheal export %s --xdmf writes it)\n\n", xmf, path);
        free(xmf);
        st = mh_export_summary(path, out, ctx);
    }
    free(version);
    free(created);
    free(x);
    free(y);
    free(z);
    free(t);
    free(ts);
    free(px);
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
