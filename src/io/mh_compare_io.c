/* src/io: files of results: HDF5 outputs and readers, checkpoints, XDMF, export, sweep and compare folders. */
/* mh_compare_io: compare.csv and compare.h5 of `microheal compare` (see mh_compare_io.h). */
#include "mh_export.h"
#include "mh_compare_io.h"
#include "mh_ensemble_io.h"

#include "mh_h5_internal.h"
#include "mh_sweep_io_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LABEL_LEN 512 /* longest label kept (mh_sweep_row_label truncates) */

/* What the comparison's files are written from. */
typedef struct {
    const mh_sweep *s;
    const mh_sweep_table *t;
    const char *dir;
    int nvar, reps;                        /* variants (the sweep's rows), replicates of each */
    char **config;                         /* per variant: replicate 0's resolved configuration text */
    char (*label)[LABEL_LEN];              /* per variant */
    size_t label_len;                      /* longest label + 1: the width of the label dataset */
    mh_ensemble_stats (*st)[MH_MET_COUNT]; /* per variant: every metric over its replicates */
    int *status, *failed; /* per variant: mh_sweep_row_stats' status and first failed point (-1: none) */
} compare_view;

static void fill_csv(FILE *f, const void *user)
{
    const compare_view *v = user;
    const bool varied = mh_sweep_naxes(v->s) > 0;
    fputs("variant,label,value,replicates,seed,status,config_sha256", f);
    mh_sweep_io_csv_stats_head(f);
    fputs(",message\n", f);
    for (int i = 0; i < v->nvar; i++) {
        const int p0 = i * v->reps, fp = v->failed[i];
        fprintf(f, "%d,", i);
        mh_export_csv_text(f, v->label[i]);
        fputc(',', f);
        mh_export_csv_text(f, varied ? mh_sweep_value_text(v->s, i, 0) : "");
        fprintf(f, ",%d,%lu,%s,%s", v->reps, mh_sweep_seed(v->s, p0), mh_sweep_status_name(v->status[i]),
                v->t->sha[p0]);
        mh_sweep_io_csv_stats(f, v->st[i]);
        fputc(',', f);
        mh_export_csv_text(f, fp >= 0 && v->t->message[fp] != NULL ? v->t->message[fp] : "");
        fputc('\n', f);
    }
}

/* Copies the 1-D float64 vector from of src (an output's series or summary: read through the checked
 * reader, mh_h5_get_vector) with its "units" attribute to to in dst. Dataset by dataset, not with
 * H5Ocopy: HDF5 1.10's H5Ocopy frees twice when a write fails on a full disk. Negative on failure. */
static herr_t copy_vector(hid_t src, const char *from, hid_t dst, const char *to)
{
    mh_ctx quiet;
    mh_ctx_init(&quiet);
    double *v = NULL;
    size_t n = 0;
    char *units = NULL;
    herr_t rc = mh_h5_get_vector(src, from, from, &v, &n, &quiet) == MH_OK ? 0 : -1;
    hid_t d = rc >= 0 ? H5Dopen2(src, from, H5P_DEFAULT) : H5I_INVALID_HID;
    if (d >= 0 && H5Aexists(d, "units") > 0 && mh_h5_get_attr_string(d, from, "units", &units, &quiet) != MH_OK)
        rc = -1;
    if (d >= 0)
        H5Dclose(d);
    if (rc >= 0)
        rc = mh_h5_write_vector(dst, to, H5T_NATIVE_DOUBLE, v, n, units);
    free(v);
    free(units);
    return rc;
}

/* Copies every dataset below group sname of src (with its units) to the same place below dname of
 * dst. The groups are created here, without modification times (as H5Ocopy of a group would not:
 * it would carry the source's, and the same outputs would no longer give the same bytes). Negative on
 * failure, and for anything but groups and 1-D vectors. */
static herr_t copy_tree(hid_t src, const char *sname, hid_t dst, const char *dname)
{
    hid_t g = H5Gopen2(src, sname, H5P_DEFAULT);
    H5G_info_t info;
    herr_t rc = g < 0 || H5Gget_info(g, &info) < 0 || mh_sweep_io_group(dst, dname) < 0 ? -1 : 0;
    for (hsize_t i = 0; rc >= 0 && i < info.nlinks; i++) {
        char name[256], from[1024], to[1024];
        if (H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT) < 0) {
            rc = -1;
            break;
        }
        snprintf(from, sizeof from, "%s/%s", sname, name);
        snprintf(to, sizeof to, "%s/%s", dname, name);
        hid_t o = H5Oopen(src, from, H5P_DEFAULT);
        const H5I_type_t type = o >= 0 ? H5Iget_type(o) : H5I_BADID;
        if (o >= 0)
            H5Oclose(o);
        rc = type == H5I_GROUP     ? copy_tree(src, from, dst, to)
             : type == H5I_DATASET ? copy_vector(src, from, dst, to)
                                   : -1;
    }
    if (g >= 0)
        H5Gclose(g);
    return rc;
}

/* /variants/N/ensemble of variant i (every replicate complete) from its replicates' outputs. */
static herr_t write_ensemble(hid_t g, const compare_view *v, int i)
{
    const int p0 = i * v->reps;
    char **paths = calloc((size_t)v->reps, sizeof *paths);
    unsigned long *seeds = malloc((size_t)v->reps * sizeof *seeds);
    herr_t rc = paths == NULL || seeds == NULL ? -1 : 0;
    for (int r = 0; rc >= 0 && r < v->reps; r++) {
        seeds[r] = mh_sweep_seed(v->s, p0 + r);
        if ((paths[r] = mh_sweep_point_path(v->dir, p0 + r, "h5")) == NULL)
            rc = -1;
    }
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    if (rc >= 0 && mh_ensemble_io_write(g, "ensemble", (const char *const *)paths, seeds,
                                        v->t->metric + (size_t)p0 * MH_MET_COUNT, v->reps, &ctx) != MH_OK)
        rc = -1;
    for (int r = 0; paths != NULL && r < v->reps; r++)
        free(paths[r]);
    free(paths);
    free(seeds);
    return rc;
}

/* /variants/N of variant i: its attributes and, when complete, replicate 0's series and summary and the
 * ensemble of its replicates. */
static herr_t write_variant(hid_t f, const compare_view *v, int i)
{
    char name[64], tmp[MH_SWEEP_VALUE_LEN];
    const int p0 = i * v->reps;
    snprintf(name, sizeof name, "variants/%d", i);
    if (mh_sweep_io_group(f, name) < 0)
        return -1;
    hid_t g = H5Gopen2(f, name, H5P_DEFAULT);
    if (g < 0)
        return -1;
    const bool varied = mh_sweep_naxes(v->s) > 0;
    herr_t rc = mh_h5_attr_string(g, "label", v->label[i]);
    rc |= mh_h5_attr_string(g, "value", varied ? mh_sweep_value_text(v->s, i, 0) : "");
    rc |= mh_h5_attr_double(g, "seed", (double)mh_sweep_seed(v->s, p0));
    rc |= mh_h5_attr_double(g, "replicates", v->reps);
    rc |= mh_h5_attr_string(g, "status", mh_sweep_status_name(v->status[i]));
    rc |= mh_h5_attr_string(g, "config", v->config[i]);
    rc |= mh_h5_attr_string(g, "config_sha256", v->t->sha[p0]);
    if (rc >= 0 && v->status[i] == 0)
        rc = write_ensemble(g, v, i);
    H5Gclose(g);
    if (rc < 0 || v->status[i] != 0)
        return rc;
    char *path = mh_sweep_point_path(v->dir, p0, "h5");
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    hid_t src = path != NULL ? mh_h5_open_microheal(path, NULL, &ctx) : H5I_INVALID_HID;
    for (int k = 0; k < 2 && rc >= 0; k++) {
        static const char *const groups[] = {"series", "summary"};
        snprintf(tmp, sizeof tmp, "/%s", groups[k]);
        snprintf(name, sizeof name, "variants/%d/%s", i, groups[k]);
        rc = src < 0 ? -1 : copy_tree(src, tmp, f, name);
    }
    if (src >= 0)
        H5Fclose(src);
    free(path);
    return rc;
}

static herr_t write_h5_body(hid_t f, const void *user)
{
    const compare_view *v = user;
    const mh_sweep *s = v->s;
    const int n = v->nvar;
    const bool varied = mh_sweep_naxes(s) > 0;
    hid_t root = H5Gopen2(f, "/", H5P_DEFAULT);
    herr_t rc = root < 0 ? -1 : 0;
    rc |= mh_h5_attr_string(root, "program", "microheal");
    rc |= mh_h5_attr_string(root, "kind", "comparison");
    rc |= mh_h5_attr_string(root, "design", mh_sweep_design_name(mh_sweep_get_design(s)));
    if (varied) {
        const mh_sweep_axis *ax = mh_sweep_axis_at(s, 0);
        rc |= mh_h5_attr_string(root, "varied_key", ax->key);
        rc |= mh_h5_attr_string(root, "varied_unit", mh_param_table()[ax->param].unit);
    }
    if (root >= 0)
        H5Gclose(root);
    rc |= mh_sweep_io_group(f, "outcomes");
    hid_t out = rc >= 0 ? H5Gopen2(f, "outcomes", H5P_DEFAULT) : H5I_INVALID_HID;
    long long *iv = malloc((size_t)n * sizeof *iv);
    char *txt = malloc((size_t)n * v->label_len);
    if (out < 0 || iv == NULL || txt == NULL)
        rc = -1;
    for (int col = 0; rc >= 0 && col < 3; col++) {
        static const char *const names[] = {"variant", "seed", "replicates"};
        for (int i = 0; i < n; i++)
            iv[i] = col == 0 ? i : col == 1 ? (long long)mh_sweep_seed(s, i * v->reps) : v->reps;
        rc |= mh_h5_write_vector(out, names[col], H5T_NATIVE_LLONG, iv, (size_t)n, NULL);
    }
    for (int i = 0; rc >= 0 && i < n; i++)
        mh_sweep_io_set_text(txt, i, v->label_len, v->label[i]);
    if (rc >= 0)
        rc |= mh_sweep_io_strings(out, "label", txt, (size_t)n, v->label_len);
    if (rc >= 0 && varied)
        rc |= mh_sweep_io_write_axis(out, "value", s, 0, true);
    char(*sha)[MH_SHA256_HEX] = malloc((size_t)n * sizeof *sha);
    for (int i = 0; rc >= 0 && sha != NULL && i < n; i++) {
        mh_sweep_io_set_text(txt, i, v->label_len, mh_sweep_status_name(v->status[i]));
        memcpy(sha[i], v->t->sha[i * v->reps], MH_SHA256_HEX);
    }
    if (rc >= 0 && sha != NULL) {
        rc |= mh_sweep_io_strings(out, "status", txt, (size_t)n, v->label_len);
        rc |= mh_sweep_io_strings(out, "config_sha256", (const char *)sha, (size_t)n, MH_SHA256_HEX);
        rc |= mh_sweep_io_write_row_stats(out, "metrics", s, v->t);
    } else {
        rc = -1;
    }
    free(sha);
    if (out >= 0)
        H5Gclose(out);
    free(iv);
    free(txt);
    if (rc >= 0)
        rc |= mh_sweep_io_group(f, "variants");
    for (int i = 0; rc >= 0 && i < n; i++)
        rc |= write_variant(f, v, i);
    return rc;
}

mh_status mh_compare_write(const mh_sweep *s, const char *dir, mh_sweep_counts *counts, mh_ctx *ctx)
{
    mh_h5_quiet();
    const int n = mh_sweep_nrows(s);
    mh_sweep_table t = {0};
    mh_sweep_counts c;
    compare_view v = {s,
                      &t,
                      dir,
                      n,
                      mh_sweep_replicates(s),
                      calloc((size_t)n, sizeof(char *)),
                      calloc((size_t)n, LABEL_LEN),
                      8, /* room for "missing" in the status dataset */
                      calloc((size_t)n, sizeof *v.st),
                      calloc((size_t)n, sizeof(int)),
                      calloc((size_t)n, sizeof(int))};
    const size_t plen = strlen(dir) + 16;
    char *csv = malloc(plen), *h5 = malloc(plen);
    mh_status st = v.config == NULL || v.label == NULL || v.st == NULL || v.status == NULL || v.failed == NULL ||
                           csv == NULL || h5 == NULL
                       ? MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory")
                       : mh_sweep_table_gather(s, dir, &t, &c, ctx);
    for (int i = 0; st == MH_OK && i < n; i++) {
        mh_config *cfg = NULL;
        st = mh_sweep_point_config(s, i * v.reps, ctx, &cfg);
        const char *text = st == MH_OK ? mh_config_text(cfg) : NULL;
        if (st == MH_OK && (text == NULL || (v.config[i] = strdup(text)) == NULL))
            st = MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
        mh_config_destroy(&cfg);
        mh_sweep_row_label(s, i, v.label[i], LABEL_LEN);
        if (strlen(v.label[i]) + 1 > v.label_len)
            v.label_len = strlen(v.label[i]) + 1;
        if (st == MH_OK)
            mh_sweep_row_stats(s, &t, i, v.st[i], &v.status[i], &v.failed[i]);
    }
    if (st == MH_OK) {
        snprintf(csv, plen, "%s/compare.csv", dir);
        snprintf(h5, plen, "%s/compare.h5", dir);
        st = mh_sweep_io_write_text(csv, fill_csv, &v, ctx);
    }
    if (st == MH_OK)
        st = mh_sweep_io_write_h5(h5, write_h5_body, &v, ctx);
    if (st == MH_OK && counts != NULL)
        *counts = c;
    for (int i = 0; v.config != NULL && i < n; i++)
        free(v.config[i]);
    free(v.config);
    free(v.label);
    free(v.st);
    free(v.status);
    free(v.failed);
    free(csv);
    free(h5);
    mh_sweep_table_clear(&t);
    return st;
}

mh_status mh_compare_read_band(const char *dir, int k, const char *col, double **t, double *band[3], size_t *n,
                               mh_ctx *ctx)
{
    mh_h5_quiet();
    *t = band[0] = band[1] = band[2] = NULL;
    const size_t plen = strlen(dir) + 16;
    char *path = malloc(plen), name[512];
    if (path == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
    snprintf(path, plen, "%s/compare.h5", dir);
    hid_t f = mh_h5_open_microheal(path, NULL, ctx);
    mh_status st = f < 0 ? ctx->status : MH_OK;
    snprintf(name, sizeof name, "/variants/%d/ensemble/series/t_days", k);
    if (st == MH_OK)
        st = mh_h5_get_vector(f, path, name, t, n, ctx);
    static const char *const stat[] = {"mean", "ci_lo", "ci_hi"};
    for (int j = 0; st == MH_OK && j < 3; j++) {
        size_t m = 0;
        snprintf(name, sizeof name, "/variants/%d/ensemble/series/%s/%s", k, col, stat[j]);
        st = mh_h5_get_vector(f, path, name, &band[j], &m, ctx);
        if (st == MH_OK && m != *n)
            st = MH_ERROR(ctx, MH_ERR_IO, "%s: %s has %zu values, its t_days %zu (damaged?)", path, name, m, *n);
    }
    if (f >= 0)
        H5Fclose(f);
    if (st != MH_OK) {
        free(*t);
        *t = NULL;
        for (int j = 0; j < 3; j++) {
            free(band[j]);
            band[j] = NULL;
        }
    }
    free(path);
    return st;
}
