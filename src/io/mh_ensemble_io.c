/* src/io: files of results: HDF5 outputs and readers, checkpoints, XDMF, export, sweep and compare folders. */
/* mh_ensemble_io: the ensemble group and file of N replicate outputs (see mh_ensemble_io.h). */
#include "mh_ensemble_io.h"

#include "mh_ensemble.h"
#include "mh_h5_internal.h"
#include "mh_sweep_io_internal.h"
#include "mh_version.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_LEN 256 /* longest dataset path below /summary or /series */

/* The dataset paths below group root of f ("/summary"), in name order, depth first, into a malloc'ed
 * array of PATH_LEN strings (relative to root); -1 on failure, else their number. */
static int list_datasets(hid_t f, const char *root, const char *rel, char (**out)[PATH_LEN], int *cap, int n)
{
    char gpath[2 * PATH_LEN];
    snprintf(gpath, sizeof gpath, "%s%s%s", root, rel[0] != '\0' ? "/" : "", rel);
    hid_t g = H5Gopen2(f, gpath, H5P_DEFAULT);
    H5G_info_t info;
    if (g < 0 || H5Gget_info(g, &info) < 0) {
        if (g >= 0)
            H5Gclose(g);
        return -1;
    }
    for (hsize_t i = 0; n >= 0 && i < info.nlinks; i++) {
        char name[PATH_LEN], child[PATH_LEN], full[3 * PATH_LEN];
        if (H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT) < 0 ||
            (size_t)snprintf(child, sizeof child, "%s%s%s", rel, rel[0] != '\0' ? "/" : "", name) >= sizeof child) {
            n = -1;
            break;
        }
        snprintf(full, sizeof full, "%s/%s", root, child);
        hid_t o = H5Oopen(f, full, H5P_DEFAULT);
        const H5I_type_t type = o >= 0 ? H5Iget_type(o) : H5I_BADID;
        if (o >= 0)
            H5Oclose(o);
        if (type == H5I_GROUP) {
            n = list_datasets(f, root, child, out, cap, n);
        } else if (type == H5I_DATASET) {
            if (n == *cap) {
                *cap = *cap > 0 ? 2 * *cap : 32;
                char(*grown)[PATH_LEN] = realloc(*out, (size_t)*cap * sizeof **out);
                if (grown == NULL) {
                    n = -1;
                    break;
                }
                *out = grown;
            }
            snprintf((*out)[n++], PATH_LEN, "%s", child);
        } else {
            n = -1;
        }
    }
    H5Gclose(g);
    return n;
}

/* The groups of path "a/b/c" under loc that do not exist yet: a, a/b (not c), without modification times. */
static herr_t make_parents(hid_t loc, const char *path)
{
    char buf[4 * PATH_LEN];
    snprintf(buf, sizeof buf, "%s", path);
    herr_t rc = 0;
    for (char *p = strchr(buf, '/'); rc >= 0 && p != NULL; p = strchr(p + 1, '/')) {
        *p = '\0';
        if (H5Lexists(loc, buf, H5P_DEFAULT) <= 0)
            rc = mh_sweep_io_group(loc, buf);
        *p = '/';
    }
    return rc;
}

/* GROUP/PATH/{mean, sd, ci_lo, ci_hi} of the len values of each of n replicates in x (replicate r's at
 * x[r len ...]), with units (may be NULL). */
static herr_t write_stats(hid_t loc, const char *path, const double *x, size_t len, int n, const char *units,
                          double *work)
{
    static const char *const names[] = {"mean", "sd", "ci_lo", "ci_hi"};
    char name[4 * PATH_LEN];
    snprintf(name, sizeof name, "%s/x", path);
    herr_t rc = make_parents(loc, name) < 0 ? -1 : 0; /* every group of path, path too */
    for (size_t i = 0; i < len; i++) {
        const mh_ensemble_stats st = mh_ensemble_stats_of(x + i, len, n);
        work[i] = st.mean;
        work[len + i] = st.sd;
        work[2 * len + i] = st.ci_lo;
        work[3 * len + i] = st.ci_hi;
    }
    for (int k = 0; rc >= 0 && k < 4; k++) {
        snprintf(name, sizeof name, "%s/%s", path, names[k]);
        rc = mh_h5_write_vector(loc, name, H5T_NATIVE_DOUBLE, work + (size_t)k * len, len, units);
    }
    return rc;
}

/* The "units" attribute of dataset path of f, malloc'ed, or NULL. */
static char *units_of(hid_t f, const char *file, const char *path)
{
    mh_ctx quiet;
    mh_ctx_init(&quiet);
    char *units = NULL;
    hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
    if (d >= 0 && H5Aexists(d, "units") > 0)
        mh_h5_get_attr_string(d, file, "units", &units, &quiet);
    if (d >= 0)
        H5Dclose(d);
    return units;
}

/* Every replicate's series times: t[r] of n[r] rows. */
typedef struct {
    double **t;
    size_t *n;
} series_times;

/* What the group is built from. */
typedef struct {
    hid_t *file; /* n open outputs */
    const char *const *paths;
    int n;
    hid_t loc; /* the ensemble group */
    mh_ctx *ctx;
} ensemble_src;

/* GROUP/metrics/METRIC of every metric. */
static mh_status write_metrics(const ensemble_src *e, const double *metrics)
{
    const int n = e->n;
    double *x = malloc((size_t)n * sizeof *x), work[4];
    herr_t rc = x == NULL || mh_sweep_io_group(e->loc, "metrics") < 0 ? -1 : 0;
    for (int k = 0; rc >= 0 && k < MH_MET_COUNT; k++) {
        char path[PATH_LEN];
        const char *unit = mh_sweep_metric_unit((mh_sweep_metric)k);
        snprintf(path, sizeof path, "metrics/%s", mh_sweep_metric_name((mh_sweep_metric)k));
        for (int r = 0; r < n; r++)
            x[r] = metrics[(size_t)r * MH_MET_COUNT + k];
        rc = write_stats(e->loc, path, x, 1, n, unit, work);
        char vpath[PATH_LEN + 16];
        snprintf(vpath, sizeof vpath, "%s/values", path);
        if (rc >= 0)
            rc = mh_h5_write_vector(e->loc, vpath, H5T_NATIVE_DOUBLE, x, (size_t)n, unit);
    }
    free(x);
    return rc < 0 ? MH_ERROR(e->ctx, MH_ERR_IO, "cannot write the ensemble's metrics (disk full?)") : MH_OK;
}

/* Reads dataset root/rel of every replicate into x (n x len, len from replicate 0, malloc'ed in *x); with
 * times (series): replicate r >= 1 resampled from its own t onto t0. */
static mh_status read_all(const ensemble_src *e, const char *root, const char *rel, const series_times *times,
                          double **x, size_t *len)
{
    char path[2 * PATH_LEN];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    *x = NULL;
    mh_status st = MH_OK;
    for (int r = 0; st == MH_OK && r < e->n; r++) {
        double *v = NULL;
        size_t m = 0;
        st = mh_h5_get_vector(e->file[r], e->paths[r], path, &v, &m, e->ctx);
        if (st == MH_OK && r == 0) {
            *len = m;
            if ((*x = malloc(((size_t)e->n * m + 1) * sizeof **x)) == NULL)
                st = MH_ERROR(e->ctx, MH_ERR_NOMEM, "out of memory");
        }
        if (st == MH_OK && times == NULL && m != *len)
            st = MH_ERROR(e->ctx, MH_ERR_IO, "%s: %s has %zu values, replicate 0's (%s) %zu: not one configuration",
                          e->paths[r], path, m, e->paths[0], *len);
        if (st == MH_OK && times != NULL && r > 0 && m != times->n[r])
            st = MH_ERROR(e->ctx, MH_ERR_IO, "%s: %s has %zu rows, its t_days %zu", e->paths[r], path, m, times->n[r]);
        if (st == MH_OK && times != NULL && r > 0)
            mh_ensemble_resample(times->t[r], v, m, times->t[0], *len, *x + (size_t)r * *len);
        else if (st == MH_OK)
            memcpy(*x + (size_t)r * *len, v, m * sizeof *v);
        free(v);
    }
    if (st != MH_OK) {
        free(*x);
        *x = NULL;
    }
    return st;
}

/* GROUP/summary or GROUP/series (root "/summary" or "/series") from every replicate. */
static mh_status write_part(const ensemble_src *e, const char *root, const series_times *times)
{
    char(*list)[PATH_LEN] = NULL;
    int cap = 0;
    const int nd = list_datasets(e->file[0], root, "", &list, &cap, 0);
    mh_status st = nd < 0 ? MH_ERROR(e->ctx, MH_ERR_IO, "%s: %s does not read back", e->paths[0], root) : MH_OK;
    if (st == MH_OK && mh_sweep_io_group(e->loc, root + 1) < 0)
        st = MH_ERROR(e->ctx, MH_ERR_IO, "cannot write the ensemble's %s", root + 1);
    for (int d = 0; st == MH_OK && d < nd; d++) {
        if (times != NULL && (strcmp(list[d], "t_days") == 0 || strcmp(list[d], "dt_days") == 0))
            continue;
        double *x = NULL, *work = NULL;
        size_t len = 0;
        st = read_all(e, root, list[d], times, &x, &len);
        if (st == MH_OK && (work = malloc((4 * len + 1) * sizeof *work)) == NULL)
            st = MH_ERROR(e->ctx, MH_ERR_NOMEM, "out of memory");
        char src[2 * PATH_LEN], dst[2 * PATH_LEN];
        snprintf(src, sizeof src, "%s/%s", root, list[d]);
        snprintf(dst, sizeof dst, "%s/%s", root + 1, list[d]);
        char *units = st == MH_OK ? units_of(e->file[0], e->paths[0], src) : NULL;
        if (st == MH_OK && write_stats(e->loc, dst, x, len, e->n, units, work) < 0)
            st = MH_ERROR(e->ctx, MH_ERR_IO, "cannot write the ensemble's %s (disk full?)", dst);
        free(units);
        free(work);
        free(x);
    }
    free(list);
    return st;
}

/* Every replicate's /series/t_days into times (non-decreasing, else MH_ERR_IO naming the file and row). */
static mh_status read_times(const ensemble_src *e, series_times *times)
{
    mh_status st = MH_OK;
    for (int r = 0; st == MH_OK && r < e->n; r++) {
        st = mh_h5_get_vector(e->file[r], e->paths[r], "/series/t_days", &times->t[r], &times->n[r], e->ctx);
        for (size_t i = 1; st == MH_OK && i < times->n[r]; i++)
            if (!(times->t[r][i] >= times->t[r][i - 1]))
                st = MH_ERROR(e->ctx, MH_ERR_IO, "%s: /series/t_days decreases at row %zu", e->paths[r], i);
    }
    return st;
}

mh_status mh_ensemble_io_write(hid_t loc, const char *name, const char *const *paths, const unsigned long *seeds,
                               const double *metrics, int n, mh_ctx *ctx)
{
    mh_h5_quiet();
    if (n < 1)
        return MH_ERROR(ctx, MH_ERR_INPUT, "an ensemble needs a replicate");
    hid_t *file = malloc((size_t)n * sizeof *file);
    series_times times = {calloc((size_t)n, sizeof(double *)), calloc((size_t)n, sizeof(size_t))};
    long long *iv = malloc((size_t)n * sizeof *iv);
    mh_status st = file == NULL || times.t == NULL || times.n == NULL || iv == NULL
                       ? MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory")
                       : MH_OK;
    int opened = 0;
    for (; st == MH_OK && opened < n; opened++)
        if ((file[opened] = mh_h5_open_output(paths[opened], ctx)) < 0)
            st = ctx->status;
    hid_t g = H5I_INVALID_HID;
    if (st == MH_OK && (mh_sweep_io_group(loc, name) < 0 || (g = H5Gopen2(loc, name, H5P_DEFAULT)) < 0))
        st = MH_ERROR(ctx, MH_ERR_IO, "cannot write the ensemble group %s", name);
    if (st == MH_OK) {
        for (int r = 0; r < n; r++)
            iv[r] = (long long)seeds[r];
        herr_t rc = mh_h5_attr_double(g, "replicates", n);
        rc |= mh_h5_attr_double(g, "confidence", MH_ENSEMBLE_CONFIDENCE);
        rc |= mh_h5_attr_string(g, "seed_rule",
                                "replicate 0: the base seed; replicate r >= 1: the r-th gsl_rng_get of GSL's "
                                "mt19937 seeded with the base seed");
        rc |= mh_h5_write_vector(g, "seeds", H5T_NATIVE_LLONG, iv, (size_t)n, NULL);
        if (rc < 0)
            st = MH_ERROR(ctx, MH_ERR_IO, "cannot write the ensemble group %s", name);
    }
    const ensemble_src e = {file, paths, n, g, ctx};
    if (st == MH_OK)
        st = write_metrics(&e, metrics);
    if (st == MH_OK)
        st = write_part(&e, "/summary", NULL);
    if (st == MH_OK)
        st = read_times(&e, &times);
    if (st == MH_OK)
        st = write_part(&e, "/series", &times);
    if (st == MH_OK && mh_h5_write_vector(g, "series/t_days", H5T_NATIVE_DOUBLE, times.t[0], times.n[0], "d") < 0)
        st = MH_ERROR(ctx, MH_ERR_IO, "cannot write the ensemble's series (disk full?)");
    if (g >= 0)
        H5Gclose(g);
    for (int r = 0; r < opened; r++)
        if (file[r] >= 0)
            H5Fclose(file[r]);
    for (int r = 0; times.t != NULL && r < n; r++)
        free(times.t[r]);
    free(times.t);
    free(times.n);
    free(file);
    free(iv);
    return st;
}

/* What the ensemble file is written from. */
typedef struct {
    const char *config;
    const char *const *paths;
    const unsigned long *seeds;
    const double *metrics;
    int n;
    mh_ctx *ctx;
    mh_status st;
} file_view;

static herr_t write_file_body(hid_t f, const void *user)
{
    file_view *v = (file_view *)(uintptr_t)user;
    hid_t root = H5Gopen2(f, "/", H5P_DEFAULT);
    herr_t rc = root < 0 ? -1 : 0;
    rc |= mh_h5_attr_string(root, "program", "microheal");
    rc |= mh_h5_attr_string(root, "kind", "ensemble");
    rc |= mh_h5_attr_string(root, "version", MH_VERSION);
    rc |= mh_h5_attr_string(root, "config", v->config);
    rc |= mh_h5_attr_double(root, "base_seed", (double)v->seeds[0]);
    if (root >= 0)
        H5Gclose(root);
    if (rc < 0)
        return rc;
    v->st = mh_ensemble_io_write(f, "ensemble", v->paths, v->seeds, v->metrics, v->n, v->ctx);
    return v->st == MH_OK ? 0 : -1;
}

mh_status mh_ensemble_write_file(const char *path, const char *config, const char *const *paths,
                                 const unsigned long *seeds, const double *metrics, int n, mh_ctx *ctx)
{
    if (n < 1)
        return MH_ERROR(ctx, MH_ERR_INPUT, "an ensemble needs a replicate");
    file_view v = {config, paths, seeds, metrics, n, ctx, MH_OK};
    mh_ctx wctx;
    mh_ctx_init(&wctx);
    const mh_status st = mh_sweep_io_write_h5(path, write_file_body, &v, &wctx);
    if (v.st != MH_OK) /* the group's own error says more than "cannot write" */
        return v.st;
    if (st != MH_OK)
        *ctx = wctx;
    return st;
}

mh_status mh_ensemble_info(const char *path, FILE *out, mh_ctx *ctx)
{
    char *kind = NULL, *version = NULL;
    double base = 0.0;
    hid_t f = mh_h5_open_microheal(path, &kind, ctx);
    if (f < 0)
        return ctx->status;
    mh_status st = kind == NULL || strcmp(kind, "ensemble") != 0
                       ? MH_ERROR(ctx, MH_ERR_INPUT, "%s: not an ensemble file", path)
                       : mh_h5_get_attr_string(f, path, "version", &version, ctx);
    if (st == MH_OK)
        st = mh_h5_get_attr_double(f, path, "base_seed", &base, ctx);
    double *seeds = NULL;
    size_t n = 0;
    if (st == MH_OK)
        st = mh_h5_get_vector(f, path, "/ensemble/seeds", &seeds, &n, ctx);
    if (st == MH_OK)
        fprintf(out, "%s: microheal %s ensemble of %zu replicates, base seed %.0f (95 %% t intervals of the mean)\n",
                path, version, n, base);
    for (int k = 0; st == MH_OK && k < MH_MET_COUNT; k++) {
        static const char *const stat[] = {"mean", "sd", "ci_lo", "ci_hi"};
        double v[4];
        for (int j = 0; st == MH_OK && j < 4; j++) {
            char name[PATH_LEN];
            double *x = NULL;
            size_t m = 0;
            snprintf(name, sizeof name, "/ensemble/metrics/%s/%s", mh_sweep_metric_name((mh_sweep_metric)k), stat[j]);
            st = mh_h5_get_vector(f, path, name, &x, &m, ctx);
            if (st == MH_OK && m != 1)
                st = MH_ERROR(ctx, MH_ERR_IO, "%s: %s has %zu values, not 1 (damaged or crafted?)", path, name, m);
            v[j] = st == MH_OK ? x[0] : NAN;
            free(x);
        }
        if (st == MH_OK)
            fprintf(out, "  %-20s %-12.6g sd %-10.4g [%.6g, %.6g] %s\n", mh_sweep_metric_name((mh_sweep_metric)k), v[0],
                    v[1], v[2], v[3], mh_sweep_metric_unit((mh_sweep_metric)k));
    }
    free(seeds);
    free(kind);
    free(version);
    H5Fclose(f);
    return st;
}
