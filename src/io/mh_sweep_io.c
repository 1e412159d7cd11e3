/* src/io: files of results: HDF5 outputs and readers, checkpoints, XDMF, export, sweep and compare folders. */
/* mh_sweep_io: a sweep's folder: frozen plan, point outputs and failures, summary (CSV and HDF5). */
#include "mh_export.h"
#include "mh_sweep_io.h"

#include "mh_file.h"
#include "mh_h5_internal.h"
#include "mh_sweep_io_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* DIR/NAME, malloc'ed. */
static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p != NULL)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

char *mh_sweep_point_path(const char *dir, int point, const char *ext)
{
    char name[64];
    snprintf(name, sizeof name, "points/p%06d.%s", point, ext);
    return join(dir, name);
}

/* The whole of the text file path (a regular file of at most MH_FILE_MAX_CONFIG_BYTES: what names it in
 * messages) into *out, malloc'ed and NUL-terminated; *out = NULL (and MH_OK) when there is no such file. */
static mh_status read_text(const char *path, const char *what, char **out, mh_ctx *ctx)
{
    *out = NULL;
    struct stat st;
    if (lstat(path, &st) != 0 && errno == ENOENT)
        return MH_OK;
    FILE *f = mh_file_open_input(path, what, MH_FILE_MAX_CONFIG_BYTES, ctx);
    if (f == NULL)
        return ctx->status;
    size_t cap = 4096, n = 0;
    char *t = malloc(cap);
    while (t != NULL) {
        n += fread(t + n, 1, cap - n - 1, f);
        if (n < cap - 1)
            break;
        char *u = realloc(t, cap *= 2);
        if (u == NULL)
            free(t);
        t = u;
    }
    const bool bad = ferror(f) != 0;
    fclose(f);
    if (t == NULL || bad) {
        free(t);
        return t == NULL ? MH_ERROR(ctx, MH_ERR_NOMEM, "%s: out of memory", path)
                         : MH_ERROR(ctx, MH_ERR_IO, "%s: cannot read", path);
    }
    t[n] = '\0';
    *out = t;
    return MH_OK;
}

mh_status mh_sweep_io_write_text(const char *path, void (*fill)(FILE *, const void *), const void *user, mh_ctx *ctx)
{
    char *tmp = NULL; /* a fresh name (O_EXCL | O_NOFOLLOW): a planted link cannot redirect the write */
    FILE *f = mh_file_temp_open(path, &tmp, ctx);
    if (f == NULL)
        return ctx->status;
    fill(f, user);
    mh_status st = mh_file_finish(f, tmp, path, ctx);
    free(tmp);
    return st;
}

static void fill_text(FILE *f, const void *text) { fputs(text, f); }

static mh_status write_text(const char *path, const char *text, mh_ctx *ctx)
{
    return mh_sweep_io_write_text(path, fill_text, text, ctx);
}

/* First line where a and b differ (1-based), its text in a and in b. */
static int first_difference(const char *a, const char *b, char *la, char *lb, size_t len)
{
    int line = 1;
    const char *sa = a, *sb = b;
    while (*a && *a == *b) {
        if (*a == '\n') {
            line++;
            sa = a + 1;
            sb = b + 1;
        }
        a++;
        b++;
    }
    snprintf(la, len, "%.*s", (int)strcspn(sa, "\n"), sa);
    snprintf(lb, len, "%.*s", (int)strcspn(sb, "\n"), sb);
    return line;
}

/* Writes text to DIR/name, or checks that the file there holds it. */
static mh_status freeze(const char *dir, const char *name, const char *text, mh_ctx *ctx)
{
    char *path = join(dir, name);
    if (path == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
    char *old = NULL;
    mh_status st = read_text(path, "frozen plan", &old, ctx);
    if (st == MH_OK && old == NULL) {
        st = write_text(path, text, ctx);
    } else if (st == MH_OK && strcmp(old, text) != 0) {
        char la[160], lb[160];
        int line = first_difference(old, text, la, lb, sizeof la);
        st = MH_ERROR(ctx, MH_ERR_INPUT,
                      "%s:%d: this folder holds another sweep ('%s' there, '%s' now); give another -o or remove %s",
                      path, line, la, lb, dir);
    }
    free(old);
    free(path);
    return st;
}

mh_status mh_sweep_dir_prepare(const mh_sweep *s, const char *dir, mh_ctx *ctx)
{
    char *points = join(dir, "points");
    if (points == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
    mh_status st = MH_OK;
    if (mkdir(points, 0777) != 0 && errno != EEXIST)
        st = MH_ERROR(ctx, MH_ERR_IO, "%s: cannot create: %s", points, strerror(errno));
    free(points);
    char *frozen = NULL;
    if (st == MH_OK)
        st = mh_sweep_frozen_text(s, "base.ini", ctx, &frozen);
    /* the base first: sweep.ini, written last, marks a complete plan */
    if (st == MH_OK)
        st = freeze(dir, "base.ini", mh_sweep_base_text(s), ctx);
    if (st == MH_OK)
        st = freeze(dir, "sweep.ini", frozen, ctx);
    free(frozen);
    return st;
}

mh_status mh_sweep_dir_load(const char *dir, mh_ctx *ctx, mh_sweep **out)
{
    *out = NULL;
    char *path = join(dir, "sweep.ini");
    if (path == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
    mh_status st = access(path, F_OK) == 0
                       ? mh_sweep_load(path, ctx, out)
                       : MH_ERROR(ctx, MH_ERR_INPUT, "%s: no sweep here (%s is missing)", dir, path);
    free(path);
    return st;
}

/* ---- points ---- */

/* Reads n doubles of 1-D dataset name (its length at least n) into v; path names the file in messages
 * (mh_h5_get_vector bounds what a crafted dataset makes it allocate by the file's size). */
static bool read_first(hid_t file, const char *path, const char *name, double *v, size_t n)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    double *all = NULL;
    size_t dim = 0;
    const bool ok = mh_h5_get_vector(file, path, name, &all, &dim, &ctx) == MH_OK && dim >= n;
    if (ok)
        memcpy(v, all, n * sizeof *v);
    free(all);
    return ok;
}

bool mh_sweep_point_complete(const char *dir, int point, const char *cfg_text, double m[MH_MET_COUNT], char *why,
                             size_t whylen)
{
    char dummy[8];
    if (why == NULL) {
        why = dummy;
        whylen = sizeof dummy;
    }
    char *path = mh_sweep_point_path(dir, point, "h5");
    if (path == NULL) {
        snprintf(why, whylen, "out of memory");
        return false;
    }
    if (access(path, F_OK) != 0) {
        snprintf(why, whylen, "%s: not there", path);
        free(path);
        return false;
    }
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    char *kind = NULL, *config = NULL, *sha = NULL;
    char want[MH_SHA256_HEX];
    hid_t f = mh_h5_open_microheal(path, &kind, &ctx);
    bool ok = f >= 0 && kind == NULL;
    if (f >= 0 && !ok)
        snprintf(why, whylen, "%s: a %s, not a run's output", path, kind);
    else if (!ok)
        snprintf(why, whylen, "%s", ctx.msg);
    if (ok && (mh_h5_get_attr_string(f, path, "config", &config, &ctx) != MH_OK ||
               mh_h5_get_attr_string(f, path, "config_sha256", &sha, &ctx) != MH_OK)) {
        snprintf(why, whylen, "%s", ctx.msg);
        ok = false;
    }
    if (ok &&
        (!mh_sha256_hex(cfg_text, strlen(cfg_text), want) || strcmp(sha, want) != 0 || strcmp(config, cfg_text) != 0)) {
        snprintf(why, whylen, "%s: holds another configuration (config_sha256 %.12s..., the point's %.12s...)", path,
                 sha, want);
        ok = false;
    }
    /* the metrics, through a summary of session 1: every per-session array's first value */
    int nf = 0;
    const mh_summary_field *sf = mh_summary_fields(&nf);
    double first[MH_SUMMARY_NFIELDS];
    mh_summary sum = {0};
    sum.nsessions = 1;
    bool read = true;
    for (int i = 0; i < nf && read; i++) {
        char name[160];
        snprintf(name, sizeof name, "/summary/%s", sf[i].name);
        *mh_summary_slot(&sum, i) = &first[i];
        read = !ok || read_first(f, path, name, &first[i], 1);
    }
    char gain[160];
    snprintf(gain, sizeof gain, "/summary/%s", mh_observe_name(mh_observe_layer_col(MH_OL_DERMIS, MH_OQ_CT)));
    if (ok && !(read && read_first(f, path, gain, sum.gain[MH_OL_DERMIS][MH_OQ_CT], MH_GAIN_DAYS + 1))) {
        snprintf(why, whylen, "%s: its summary does not read back (damaged?)", path);
        ok = false;
    }
    if (ok && m != NULL)
        mh_sweep_metrics(&sum, m);
    if (f >= 0)
        H5Fclose(f);
    free(kind);
    free(config);
    free(sha);
    free(path);
    return ok;
}

mh_status mh_sweep_point_failed(const char *dir, int point, const char *message, mh_ctx *ctx)
{
    char *path = mh_sweep_point_path(dir, point, "failed");
    if (path == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
    size_t n = strlen(message) + 2;
    char *text = malloc(n);
    if (text == NULL) {
        free(path);
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
    }
    snprintf(text, n, "%s\n", message);
    mh_status st = write_text(path, text, ctx);
    free(text);
    free(path);
    return st;
}

void mh_sweep_point_clear(const char *dir, int point)
{
    char *path = mh_sweep_point_path(dir, point, "failed");
    if (path != NULL)
        mh_file_remove_regular(path);
    free(path);
}

void mh_sweep_point_clean(const char *dir, int point)
{
    static const char *const ext[] = {"h5", "xmf"}; /* the output and its XDMF file */
    for (int k = 0; k < 2; k++) {
        char *path = mh_sweep_point_path(dir, point, ext[k]);
        if (path != NULL)
            mh_file_remove_stale(path);
        free(path);
    }
}

/* ---- summary ---- */

static const char *status_name[] = {"ok", "failed", "missing"};

const char *mh_sweep_status_name(int status) { return status_name[status]; }

void mh_sweep_table_clear(mh_sweep_table *t)
{
    for (int i = 0; t->message != NULL && i < t->npoints; i++)
        free(t->message[i]);
    free(t->message);
    free(t->status);
    free(t->sha);
    free(t->metric);
    *t = (mh_sweep_table){0};
}

mh_status mh_sweep_table_gather(const mh_sweep *s, const char *dir, mh_sweep_table *t, mh_sweep_counts *c, mh_ctx *ctx)
{
    const int n = mh_sweep_npoints(s);
    t->npoints = n;
    t->status = calloc((size_t)n, sizeof *t->status);
    t->sha = calloc((size_t)n, sizeof *t->sha);
    t->message = calloc((size_t)n, sizeof *t->message);
    t->metric = malloc((size_t)n * MH_MET_COUNT * sizeof *t->metric);
    if (t->status == NULL || t->sha == NULL || t->message == NULL || t->metric == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
    *c = (mh_sweep_counts){0, 0, 0};
    for (int i = 0; i < n; i++) {
        mh_config *cfg = NULL;
        mh_status st = mh_sweep_point_config(s, i, ctx, &cfg);
        const char *text = st == MH_OK ? mh_config_text(cfg) : NULL;
        if (st == MH_OK && text == NULL)
            st = MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
        if (st == MH_OK && !mh_sha256_hex(text, strlen(text), t->sha[i]))
            st = MH_ERROR(ctx, MH_ERR_NOMEM, "SHA-256 failed");
        double *m = t->metric + (size_t)i * MH_MET_COUNT;
        if (st == MH_OK && mh_sweep_point_complete(dir, i, text, m, NULL, 0)) {
            t->status[i] = 0;
            c->ok++;
        } else if (st == MH_OK) {
            for (int k = 0; k < MH_MET_COUNT; k++)
                m[k] = NAN;
            char *fp = mh_sweep_point_path(dir, i, "failed");
            char *msg = NULL;
            mh_ctx rctx; /* a record that cannot be read (not a regular file): the point counts as missing */
            mh_ctx_init(&rctx);
            if (fp != NULL)
                read_text(fp, "failure record", &msg, &rctx);
            free(fp);
            if (msg != NULL) {
                msg[strcspn(msg, "\n")] = '\0';
                t->message[i] = msg;
            }
            t->status[i] = msg != NULL ? 1 : 2;
            *(msg != NULL ? &c->failed : &c->missing) += 1;
        }
        mh_config_destroy(&cfg);
        if (st != MH_OK)
            return st;
    }
    return MH_OK;
}

void mh_sweep_row_stats(const mh_sweep *s, const mh_sweep_table *t, int row, mh_ensemble_stats st[MH_MET_COUNT],
                        int *status, int *failed_point)
{
    const int reps = mh_sweep_replicates(s), first = row * reps;
    *status = 0;
    *failed_point = -1;
    for (int i = first; i < first + reps; i++) {
        if (t->status[i] == 1 && *failed_point < 0)
            *failed_point = i;
        if (t->status[i] != 0 && *status != 1)
            *status = t->status[i];
    }
    for (int k = 0; k < MH_MET_COUNT; k++)
        st[k] = mh_ensemble_stats_of(t->metric + (size_t)first * MH_MET_COUNT + k, MH_MET_COUNT, reps);
}

void mh_sweep_io_csv_stats_head(FILE *f)
{
    for (int k = 0; k < MH_MET_COUNT; k++) {
        const char *m = mh_sweep_metric_name((mh_sweep_metric)k);
        fprintf(f, ",%s_mean,%s_sd,%s_ci_lo,%s_ci_hi", m, m, m, m);
    }
}

void mh_sweep_io_csv_stats(FILE *f, const mh_ensemble_stats st[MH_MET_COUNT])
{
    for (int k = 0; k < MH_MET_COUNT; k++) {
        const double v[4] = {st[k].mean, st[k].sd, st[k].ci_lo, st[k].ci_hi};
        for (int j = 0; j < 4; j++) {
            fputc(',', f);
            mh_sweep_io_csv_number(f, v[j]);
        }
    }
}

herr_t mh_sweep_io_write_row_stats(hid_t loc, const char *name, const mh_sweep *s, const mh_sweep_table *t)
{
    const int nrows = mh_sweep_nrows(s);
    double *v = malloc(((size_t)nrows * 4 * MH_MET_COUNT + 1) * sizeof *v);
    herr_t rc = v == NULL || mh_sweep_io_group(loc, name) < 0 ? -1 : 0;
    for (int r = 0; rc >= 0 && r < nrows; r++) {
        mh_ensemble_stats st[MH_MET_COUNT];
        int status, failed;
        mh_sweep_row_stats(s, t, r, st, &status, &failed);
        for (int k = 0; k < MH_MET_COUNT; k++) { /* v[(k 4 + j) nrows + r] */
            const double x[4] = {st[k].mean, st[k].sd, st[k].ci_lo, st[k].ci_hi};
            for (int j = 0; j < 4; j++)
                v[((size_t)k * 4 + (size_t)j) * (size_t)nrows + (size_t)r] = x[j];
        }
    }
    static const char *const stat[] = {"mean", "sd", "ci_lo", "ci_hi"};
    for (int k = 0; rc >= 0 && k < MH_MET_COUNT; k++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", name, mh_sweep_metric_name((mh_sweep_metric)k));
        rc = mh_sweep_io_group(loc, path);
        for (int j = 0; rc >= 0 && j < 4; j++) {
            snprintf(path, sizeof path, "%s/%s/%s", name, mh_sweep_metric_name((mh_sweep_metric)k), stat[j]);
            rc = mh_h5_write_vector(loc, path, H5T_NATIVE_DOUBLE, v + ((size_t)k * 4 + (size_t)j) * (size_t)nrows,
                                    (size_t)nrows, mh_sweep_metric_unit((mh_sweep_metric)k));
        }
    }
    free(v);
    return rc;
}

mh_status mh_sweep_summary_read(const mh_sweep *s, const char *dir, double *metric, int *status,
                                mh_sweep_counts *counts, mh_ctx *ctx)
{
    mh_h5_quiet();
    mh_sweep_table t = {0};
    mh_sweep_counts c;
    mh_status st = mh_sweep_table_gather(s, dir, &t, &c, ctx);
    if (st == MH_OK) {
        memcpy(metric, t.metric, (size_t)t.npoints * MH_MET_COUNT * sizeof *metric);
        memcpy(status, t.status, (size_t)t.npoints * sizeof *status);
        if (counts != NULL)
            *counts = c;
    }
    mh_sweep_table_clear(&t);
    return st;
}

void mh_sweep_io_csv_number(FILE *f, double x)
{
    char t[40];
    if (isnan(x))
        snprintf(t, sizeof t, "nan");
    else
        mh_config_format_real(t, sizeof t, x);
    fputs(t, f);
}

void mh_sweep_io_csv_head_end(FILE *f)
{
    for (int k = 0; k < MH_MET_COUNT; k++)
        fprintf(f, ",%s", mh_sweep_metric_name((mh_sweep_metric)k));
    fputs(",message\n", f);
}

void mh_sweep_io_csv_row_end(FILE *f, const mh_sweep_table *t, int i)
{
    for (int k = 0; k < MH_MET_COUNT; k++) {
        fputc(',', f);
        mh_sweep_io_csv_number(f, t->metric[(size_t)i * MH_MET_COUNT + k]);
    }
    fputc(',', f);
    mh_export_csv_text(f, t->message[i] != NULL ? t->message[i] : "");
    fputc('\n', f);
}

herr_t mh_sweep_io_write_axis(hid_t loc, const char *name, const mh_sweep *s, int a, bool rows)
{
    const mh_sweep_axis *ax = mh_sweep_axis_at(s, a);
    const int n = rows ? mh_sweep_nrows(s) : mh_sweep_npoints(s);
    double *dv = malloc((size_t)n * sizeof *dv);
    char *txt = malloc((size_t)n * MH_SWEEP_VALUE_LEN);
    herr_t rc = dv == NULL || txt == NULL ? -1 : 0;
    for (int i = 0; rc >= 0 && i < n; i++) {
        const int r = rows ? i : mh_sweep_row(s, i);
        dv[i] = mh_sweep_value(s, r, a);
        mh_sweep_io_set_text(txt, i, MH_SWEEP_VALUE_LEN, mh_sweep_value_text(s, r, a));
    }
    const char *unit = mh_param_table()[ax->param].unit;
    if (rc >= 0)
        rc = ax->numeric ? mh_h5_write_vector(loc, name, H5T_NATIVE_DOUBLE, dv, (size_t)n, unit)
                         : mh_sweep_io_strings(loc, name, txt, (size_t)n, MH_SWEEP_VALUE_LEN);
    free(dv);
    free(txt);
    return rc;
}

herr_t mh_sweep_io_write_outcomes(hid_t loc, const mh_sweep_table *t)
{
    const int n = t->npoints;
    double *dv = malloc((size_t)n * sizeof *dv);
    char *txt = malloc((size_t)n * MH_SWEEP_VALUE_LEN);
    herr_t rc = dv == NULL || txt == NULL ? -1 : 0;
    for (int i = 0; rc >= 0 && i < n; i++)
        mh_sweep_io_set_text(txt, i, MH_SWEEP_VALUE_LEN, status_name[t->status[i]]);
    if (rc >= 0) {
        rc |= mh_sweep_io_strings(loc, "status", txt, (size_t)n, MH_SWEEP_VALUE_LEN);
        rc |= mh_sweep_io_strings(loc, "config_sha256", (const char *)t->sha, (size_t)n, MH_SHA256_HEX);
        rc |= mh_sweep_io_group(loc, "metrics");
    }
    for (int k = 0; rc >= 0 && k < MH_MET_COUNT; k++) {
        char name[160];
        snprintf(name, sizeof name, "metrics/%s", mh_sweep_metric_name((mh_sweep_metric)k));
        for (int i = 0; i < n; i++)
            dv[i] = t->metric[(size_t)i * MH_MET_COUNT + k];
        rc |= mh_h5_write_vector(loc, name, H5T_NATIVE_DOUBLE, dv, (size_t)n, mh_sweep_metric_unit((mh_sweep_metric)k));
    }
    free(dv);
    free(txt);
    return rc;
}

/* What the summary's files are written from. */
typedef struct {
    const mh_sweep *s;
    const mh_sweep_table *t;
    const double *sobol; /* MH_MET_COUNT x 2 x k (first order, total), or NULL */
} summary_view;

static void fill_summary(FILE *f, const void *user)
{
    const summary_view *v = user;
    const mh_sweep *s = v->s;
    const mh_sweep_table *t = v->t;
    const int na = mh_sweep_naxes(s);
    fputs("point,row,replicate,seed,status,config_sha256", f);
    for (int a = 0; a < na; a++)
        fprintf(f, ",%s", mh_sweep_axis_at(s, a)->key);
    mh_sweep_io_csv_head_end(f);
    for (int i = 0; i < t->npoints; i++) {
        const int r = mh_sweep_row(s, i);
        fprintf(f, "%d,%d,%d,%lu,%s,%s", i, r, mh_sweep_replicate(s, i), mh_sweep_seed(s, i), status_name[t->status[i]],
                t->sha[i]);
        for (int a = 0; a < na; a++) {
            fputc(',', f);
            mh_export_csv_text(f, mh_sweep_value_text(s, r, a));
        }
        mh_sweep_io_csv_row_end(f, t, i);
    }
}

/* ensemble.csv: one row per row of the design, the statistics of its replicates. */
static void fill_ensemble(FILE *f, const void *user)
{
    const summary_view *v = user;
    const mh_sweep *s = v->s;
    const int na = mh_sweep_naxes(s);
    fputs("row,replicates,status", f);
    for (int a = 0; a < na; a++)
        fprintf(f, ",%s", mh_sweep_axis_at(s, a)->key);
    mh_sweep_io_csv_stats_head(f);
    fputs(",message\n", f);
    for (int r = 0; r < mh_sweep_nrows(s); r++) {
        mh_ensemble_stats st[MH_MET_COUNT];
        int status, failed;
        mh_sweep_row_stats(s, v->t, r, st, &status, &failed);
        fprintf(f, "%d,%d,%s", r, mh_sweep_replicates(s), status_name[status]);
        for (int a = 0; a < na; a++) {
            fputc(',', f);
            mh_export_csv_text(f, mh_sweep_value_text(s, r, a));
        }
        mh_sweep_io_csv_stats(f, st);
        fputc(',', f);
        mh_export_csv_text(f, failed >= 0 && v->t->message[failed] != NULL ? v->t->message[failed] : "");
        fputc('\n', f);
    }
}

static void fill_sobol(FILE *f, const void *user)
{
    const summary_view *v = user;
    const mh_sweep *s = v->s;
    const int k = mh_sweep_naxes(s);
    fputs("metric,axis,first_order,total\n", f);
    for (int m = 0; m < MH_MET_COUNT; m++)
        for (int a = 0; a < k; a++) {
            fprintf(f, "%s,%s,", mh_sweep_metric_name((mh_sweep_metric)m), mh_sweep_axis_at(s, a)->key);
            mh_sweep_io_csv_number(f, v->sobol[((size_t)m * 2) * k + a]);
            fputc(',', f);
            mh_sweep_io_csv_number(f, v->sobol[((size_t)m * 2 + 1) * k + a]);
            fputc('\n', f);
        }
}

/* Sobol indices of every metric, first order then total, metric-major (MH_MET_COUNT x 2 x k, malloc'ed
 * into *idx), from the mean over replicates of each row (NaN when a replicate is not ok). */
static mh_status sobol_indices(const mh_sweep *s, const mh_sweep_table *t, double **idx, mh_ctx *ctx)
{
    const int k = mh_sweep_naxes(s), nr = mh_sweep_nrows(s), R = mh_sweep_replicates(s);
    double *x = *idx = malloc((size_t)MH_MET_COUNT * 2 * k * sizeof *x);
    double *y = malloc((size_t)nr * sizeof *y);
    mh_status st = x == NULL || y == NULL ? MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory") : MH_OK;
    for (int m = 0; st == MH_OK && m < MH_MET_COUNT; m++) {
        for (int r = 0; r < nr; r++) {
            double sum = 0.0;
            for (int q = 0; q < R; q++)
                sum += t->metric[((size_t)r * R + q) * MH_MET_COUNT + m]; /* NaN for a point not ok */
            y[r] = sum / R;
        }
        st = mh_sweep_sobol(s, y, x + (size_t)m * 2 * k, x + ((size_t)m * 2 + 1) * k, ctx);
    }
    free(y);
    return st;
}

/* ---- summary.h5 ---- */

herr_t mh_sweep_io_group(hid_t loc, const char *name)
{
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    H5Pset_obj_track_times(gcpl, 0);
    hid_t g = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    H5Pclose(gcpl);
    return g < 0 ? -1 : H5Gclose(g);
}

herr_t mh_sweep_io_strings(hid_t loc, const char *name, const char *data, size_t n, size_t len)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, len);
    H5Tset_strpad(t, H5T_STR_NULLTERM);
    herr_t rc = mh_h5_write_vector(loc, name, t, data, n, NULL);
    H5Tclose(t);
    return rc;
}

void mh_sweep_io_set_text(char *txt, int i, size_t len, const char *s)
{
    strncpy(txt + (size_t)i * len, s, len - 1);
    txt[(size_t)i * len + len - 1] = '\0';
}

static herr_t write_h5_body(hid_t f, const void *user)
{
    const summary_view *v = user;
    const mh_sweep *s = v->s;
    const mh_sweep_table *t = v->t;
    const int n = t->npoints, na = mh_sweep_naxes(s);
    herr_t rc = 0;
    hid_t root = H5Gopen2(f, "/", H5P_DEFAULT);
    rc |= mh_h5_attr_string(root, "program", "microheal");
    rc |= mh_h5_attr_string(root, "kind", "sweep summary");
    rc |= mh_h5_attr_string(root, "design", mh_sweep_design_name(mh_sweep_get_design(s)));
    rc |= mh_h5_attr_double(root, "replicates", mh_sweep_replicates(s));
    rc |= mh_h5_attr_double(root, "samples", mh_sweep_samples(s));
    H5Gclose(root);
    long long *iv = malloc((size_t)n * sizeof *iv);
    char *txt = malloc((size_t)(na > 0 ? na : 1) * MH_SWEEP_VALUE_LEN);
    if (iv == NULL || txt == NULL)
        rc = -1;
    for (int col = 0; rc >= 0 && col < 4; col++) {
        static const char *names[] = {"point", "row", "replicate", "seed"};
        for (int i = 0; i < n; i++)
            iv[i] = col == 0   ? i
                    : col == 1 ? mh_sweep_row(s, i)
                    : col == 2 ? mh_sweep_replicate(s, i)
                               : (long long)mh_sweep_seed(s, i);
        rc |= mh_h5_write_vector(f, names[col], H5T_NATIVE_LLONG, iv, (size_t)n, NULL);
    }
    rc |= mh_sweep_io_group(f, "inputs");
    for (int a = 0; rc >= 0 && a < na; a++) {
        char name[160];
        snprintf(name, sizeof name, "inputs/%s", mh_sweep_axis_at(s, a)->key);
        rc |= mh_sweep_io_write_axis(f, name, s, a, false);
    }
    if (rc >= 0)
        rc |= mh_sweep_io_write_outcomes(f, t);
    if (rc >= 0) /* per row of the design: its replicates' statistics */
        rc |= mh_sweep_io_write_row_stats(f, "ensemble", s, t);
    if (rc >= 0 && v->sobol != NULL) {
        const int k = na;
        for (int a = 0; a < na; a++)
            mh_sweep_io_set_text(txt, a, MH_SWEEP_VALUE_LEN, mh_sweep_axis_at(s, a)->key);
        rc |= mh_sweep_io_group(f, "sobol");
        rc |= mh_sweep_io_strings(f, "sobol/axes", txt, (size_t)na, MH_SWEEP_VALUE_LEN);
        for (int m = 0; rc >= 0 && m < MH_MET_COUNT; m++) {
            char name[160];
            snprintf(name, sizeof name, "sobol/%s", mh_sweep_metric_name((mh_sweep_metric)m));
            rc |= mh_sweep_io_group(f, name);
            snprintf(name, sizeof name, "sobol/%s/first_order", mh_sweep_metric_name((mh_sweep_metric)m));
            rc |= mh_h5_write_vector(f, name, H5T_NATIVE_DOUBLE, v->sobol + (size_t)m * 2 * k, (size_t)k, "1");
            snprintf(name, sizeof name, "sobol/%s/total", mh_sweep_metric_name((mh_sweep_metric)m));
            rc |= mh_h5_write_vector(f, name, H5T_NATIVE_DOUBLE, v->sobol + ((size_t)m * 2 + 1) * k, (size_t)k, "1");
        }
    }
    free(iv);
    free(txt);
    return rc;
}

mh_status mh_sweep_io_write_h5(const char *path, herr_t (*body)(hid_t, const void *), const void *user, mh_ctx *ctx)
{
    mh_status st = mh_file_check_output(path, ctx);
    char *tmp = NULL;
    hid_t f = st == MH_OK ? mh_h5_create_temp(path, &tmp, ctx) : H5I_INVALID_HID;
    if (f < 0)
        return ctx->status;
    herr_t rc = body(f, user);
    if (H5Fclose(f) < 0 || rc < 0) {
        unlink(tmp);
        st = MH_ERROR(ctx, MH_ERR_IO, "%s: cannot write (disk full?)", path);
    } else {
        st = mh_h5_commit(tmp, path, ctx);
    }
    free(tmp);
    return st;
}

mh_status mh_sweep_summary_write(const mh_sweep *s, const char *dir, mh_sweep_counts *counts, mh_ctx *ctx)
{
    mh_h5_quiet();
    mh_sweep_table t = {0};
    double *sobol = NULL;
    char *csv = join(dir, "summary.csv"), *h5 = join(dir, "summary.h5"), *sob = join(dir, "sobol.csv"),
         *ens = join(dir, "ensemble.csv");
    mh_status st = csv == NULL || h5 == NULL || sob == NULL || ens == NULL
                       ? MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory")
                       : mh_sweep_table_gather(s, dir, &t, counts, ctx);
    if (st == MH_OK && mh_sweep_get_design(s) == MH_SWEEP_SOBOL)
        st = sobol_indices(s, &t, &sobol, ctx);
    const summary_view v = {s, &t, sobol};
    /* summary.csv last: once it is there (a Slurm collect job's sign of completion), so is the rest */
    if (st == MH_OK && sobol != NULL)
        st = mh_sweep_io_write_text(sob, fill_sobol, &v, ctx);
    if (st == MH_OK)
        st = mh_sweep_io_write_text(ens, fill_ensemble, &v, ctx);
    if (st == MH_OK)
        st = mh_sweep_io_write_h5(h5, write_h5_body, &v, ctx);
    if (st == MH_OK)
        st = mh_sweep_io_write_text(csv, fill_summary, &v, ctx);
    mh_sweep_table_clear(&t);
    free(sobol);
    free(csv);
    free(h5);
    free(sob);
    free(ens);
    return st;
}
