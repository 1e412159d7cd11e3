/* src/io: files of results: HDF5 outputs and readers, checkpoints, XDMF, export, sweep and compare folders. */
/* mh_compare_io: compare.csv and compare.h5 of `microheal compare` (see mh_compare_io.h). */
#include "mh_export.h"
#include "mh_compare_io.h"

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
    char **config;            /* per variant: its resolved configuration text */
    char (*label)[LABEL_LEN]; /* per variant */
    size_t label_len;         /* longest label + 1: the width of the label dataset */
} compare_view;

static void fill_csv(FILE *f, const void *user)
{
    const compare_view *v = user;
    const bool varied = mh_sweep_naxes(v->s) > 0;
    fputs("variant,label,value,seed,status,config_sha256", f);
    mh_sweep_io_csv_head_end(f);
    for (int i = 0; i < v->t->npoints; i++) {
        fprintf(f, "%d,", i);
        mh_export_csv_text(f, v->label[i]);
        fputc(',', f);
        mh_export_csv_text(f, varied ? mh_sweep_value_text(v->s, mh_sweep_row(v->s, i), 0) : "");
        fprintf(f, ",%lu,%s,%s", mh_sweep_seed(v->s, i), mh_sweep_status_name(v->t->status[i]), v->t->sha[i]);
        mh_sweep_io_csv_row_end(f, v->t, i);
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

/* /variants/N of variant i: its attributes and, when complete, its output's series and summary. */
static herr_t write_variant(hid_t f, const compare_view *v, int i)
{
    char name[64], tmp[MH_SWEEP_VALUE_LEN];
    snprintf(name, sizeof name, "variants/%d", i);
    if (mh_sweep_io_group(f, name) < 0)
        return -1;
    hid_t g = H5Gopen2(f, name, H5P_DEFAULT);
    if (g < 0)
        return -1;
    const bool varied = mh_sweep_naxes(v->s) > 0;
    herr_t rc = mh_h5_attr_string(g, "label", v->label[i]);
    rc |= mh_h5_attr_string(g, "value", varied ? mh_sweep_value_text(v->s, mh_sweep_row(v->s, i), 0) : "");
    rc |= mh_h5_attr_double(g, "seed", (double)mh_sweep_seed(v->s, i));
    rc |= mh_h5_attr_string(g, "status", mh_sweep_status_name(v->t->status[i]));
    rc |= mh_h5_attr_string(g, "config", v->config[i]);
    rc |= mh_h5_attr_string(g, "config_sha256", v->t->sha[i]);
    H5Gclose(g);
    if (rc < 0 || v->t->status[i] != 0)
        return rc;
    char *path = mh_sweep_point_path(v->dir, i, "h5");
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
    const int n = v->t->npoints;
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
    for (int col = 0; rc >= 0 && col < 2; col++) {
        for (int i = 0; i < n; i++)
            iv[i] = col == 0 ? i : (long long)mh_sweep_seed(s, i);
        rc |= mh_h5_write_vector(out, col == 0 ? "variant" : "seed", H5T_NATIVE_LLONG, iv, (size_t)n, NULL);
    }
    for (int i = 0; rc >= 0 && i < n; i++)
        mh_sweep_io_set_text(txt, i, v->label_len, v->label[i]);
    if (rc >= 0)
        rc |= mh_sweep_io_strings(out, "label", txt, (size_t)n, v->label_len);
    if (rc >= 0 && varied)
        rc |= mh_sweep_io_write_axis(out, "value", s, 0);
    if (rc >= 0)
        rc |= mh_sweep_io_write_outcomes(out, v->t);
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
    const int n = mh_sweep_npoints(s);
    mh_sweep_table t = {0};
    mh_sweep_counts c;
    compare_view v = {s, &t, dir, calloc((size_t)n, sizeof(char *)), calloc((size_t)n, LABEL_LEN), 2};
    const size_t plen = strlen(dir) + 16;
    char *csv = malloc(plen), *h5 = malloc(plen);
    mh_status st = v.config == NULL || v.label == NULL || csv == NULL || h5 == NULL
                       ? MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory")
                       : mh_sweep_table_gather(s, dir, &t, &c, ctx);
    for (int i = 0; st == MH_OK && i < n; i++) {
        mh_config *cfg = NULL;
        st = mh_sweep_point_config(s, i, ctx, &cfg);
        const char *text = st == MH_OK ? mh_config_text(cfg) : NULL;
        if (st == MH_OK && (text == NULL || (v.config[i] = strdup(text)) == NULL))
            st = MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
        mh_config_destroy(&cfg);
        mh_sweep_row_label(s, mh_sweep_row(s, i), v.label[i], LABEL_LEN);
        if (strlen(v.label[i]) + 1 > v.label_len)
            v.label_len = strlen(v.label[i]) + 1;
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
    free(csv);
    free(h5);
    mh_sweep_table_clear(&t);
    return st;
}
