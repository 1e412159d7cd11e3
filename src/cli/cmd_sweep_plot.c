/* src/cli: the microheal command: parse the arguments, call the library, report, exit code. */
/* cmd_sweep_plot: `microheal sweep --plot DIR`: a sweep's metric against each axis (mean and spread over replicates)
 * and on the grid of two axes, as gnuplot data blocks and PNGs in DIR/plots (papers/sweeps.md, section 7). */
#define _XOPEN_SOURCE 700
#include "mh_cli.h"
#include "mh_cli_util.h"
#include "mh_sweep.h"
#include "mh_sweep_io.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What every plot of one sweep needs. */
typedef struct {
    const mh_sweep *s;
    char plots[PATH_MAX];   /* DIR/plots */
    char scripts[PATH_MAX]; /* the gnuplot scripts' folder */
    int metric;             /* mh_sweep_metric */
    double *y;              /* per point: the metric, NaN when the point is not ok or has no value */
    double *x;              /* nrows x naxes: axis value, or (choice, bool) index in order of first appearance */
    int left_out;           /* points without a value */
    int npoints;
} plot;

/* One row of a response block: x of a row, and the row. */
typedef struct {
    double x;
    int row;
} xrow;

static int cmp_xrow(const void *pa, const void *pb)
{
    const xrow *a = pa, *b = pb;
    return a->x < b->x ? -1 : a->x > b->x ? 1 : a->row - b->row;
}

static int cmp_double(const void *pa, const void *pb)
{
    const double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

static double xval(const plot *P, int row, int a) { return P->x[(size_t)row * mh_sweep_naxes(P->s) + a]; }

/* "KEY (UNIT)" of axis a, or KEY when the unit is empty. */
static void axis_label(const mh_sweep_axis *ax, char *out, size_t len)
{
    const char *unit = mh_param_table()[ax->param].unit;
    snprintf(out, len, unit != NULL && unit[0] != '\0' ? "%s (%s)" : "%s", ax->key, unit);
}

/* Fills P->x; for a choice or bool axis the index of the value text in order of first appearance. */
static bool fill_x(plot *P)
{
    const int na = mh_sweep_naxes(P->s), nr = mh_sweep_nrows(P->s);
    int *first = malloc((size_t)nr * sizeof *first);
    if (first == NULL)
        return false;
    for (int a = 0; a < na; a++) {
        int nd = 0;
        for (int r = 0; r < nr; r++) {
            if (mh_sweep_axis_at(P->s, a)->numeric) {
                P->x[(size_t)r * na + a] = mh_sweep_value(P->s, r, a);
                continue;
            }
            int d = 0;
            while (d < nd && strcmp(mh_sweep_value_text(P->s, first[d], a), mh_sweep_value_text(P->s, r, a)) != 0)
                d++;
            if (d == nd)
                first[nd++] = r;
            P->x[(size_t)r * na + a] = d;
        }
    }
    free(first);
    return true;
}

/* Whether rows r and q hold the same values on every axis but a (a = -1: every axis). */
static bool same_others(const mh_sweep *s, int r, int q, int a)
{
    for (int b = 0; b < mh_sweep_naxes(s); b++)
        if (b != a && strcmp(mh_sweep_value_text(s, r, b), mh_sweep_value_text(s, q, b)) != 0)
            return false;
    return true;
}

/* Mean, sample standard deviation (0 for one value), min and max of the values of the points of rows
 * rows[0..nrows); n = how many have a value. Sums in point order. */
static void spread(const plot *P, const xrow *rows, int nrows, double st[4], int *n)
{
    const int R = mh_sweep_replicates(P->s);
    double sum = 0.0, lo = INFINITY, hi = -INFINITY;
    *n = 0;
    for (int i = 0; i < nrows; i++)
        for (int q = 0; q < R; q++) {
            const double v = P->y[(size_t)rows[i].row * R + q];
            if (!isnan(v)) {
                sum += v;
                lo = fmin(lo, v);
                hi = fmax(hi, v);
                ++*n;
            }
        }
    const double mean = *n > 0 ? sum / *n : NAN;
    double ss = 0.0;
    for (int i = 0; i < nrows; i++)
        for (int q = 0; q < R; q++) {
            const double v = P->y[(size_t)rows[i].row * R + q];
            if (!isnan(v))
                ss += (v - mean) * (v - mean);
        }
    st[0] = mean;
    st[1] = *n > 1 ? sqrt(ss / (*n - 1)) : 0.0;
    st[2] = lo;
    st[3] = hi;
}

/* The file's head: what it holds and how many points are left out. */
static void write_head(FILE *f, const plot *P, const char *what, const char *columns)
{
    fprintf(f, "# %s of %s (%s); design %s, %d replicates\n", what, mh_sweep_metric_name(P->metric),
            mh_sweep_metric_unit(P->metric), mh_sweep_design_name(mh_sweep_get_design(P->s)),
            mh_sweep_replicates(P->s));
    fprintf(f, "# points left out (failed, missing or no value): %d of %d\n# columns: %s\n", P->left_out, P->npoints,
            columns);
}

/* Grid and oat: one block per combination of the other axes, one row per value of axis a. */
static void fill_response(FILE *f, const plot *P, int a)
{
    const mh_sweep *s = P->s;
    const int nr = mh_sweep_nrows(s), oat = mh_sweep_get_design(s) == MH_SWEEP_OAT;
    write_head(f, P, "response", "value mean sd min max n label (first row of a block: its title)");
    xrow *rows = malloc((size_t)nr * sizeof *rows);
    char *done = calloc((size_t)nr, 1);
    for (int r0 = 0, block = 0; rows != NULL && done != NULL && r0 < nr; r0++) {
        if (done[r0] || (oat && mh_sweep_oat_axis(s, r0) != a && mh_sweep_oat_axis(s, r0) != -1))
            continue;
        int n = 0;
        for (int r = r0; r < nr; r++)
            if (!done[r] && (!oat || mh_sweep_oat_axis(s, r) == a || mh_sweep_oat_axis(s, r) == -1) &&
                same_others(s, r0, r, a)) {
                done[r] = 1;
                rows[n++] = (xrow){xval(P, r, a), r};
            }
        qsort(rows, (size_t)n, sizeof *rows, cmp_xrow);
        char title[1024] = "";
        size_t len = 0;
        for (int b = 0; b < mh_sweep_naxes(s) && len < sizeof title; b++)
            if (b != a)
                len += (size_t)snprintf(title + len, sizeof title - len, "%s%s = %s", len > 0 ? ", " : "",
                                        mh_sweep_axis_at(s, b)->key, mh_sweep_value_text(s, r0, b));
        if (len == 0)
            snprintf(title, sizeof title, "%s", mh_sweep_metric_name(P->metric));
        fprintf(f, "%s# block %d: ", block > 0 ? "\n\n" : "", block);
        mh_gp_put_data_text(f, len > 0 ? title : "(no other axes)");
        fputc('\n', f);
        mh_gp_put_data_text(f, title);
        fputs(" mean sd min max n label\n", f);
        block++;
        for (int i = 0, j; i < n; i = j) {
            for (j = i; j < n && rows[j].x == rows[i].x; j++)
                ;
            double st[4];
            int cnt;
            spread(P, rows + i, j - i, st, &cnt);
            if (cnt == 0) {
                fputs("# ", f);
                mh_gp_put_data_text(f, mh_sweep_value_text(s, rows[i].row, a));
                fputs(": no value\n", f);
                continue;
            }
            fprintf(f, "%.10g %.10g %.10g %.10g %.10g %d ", rows[i].x, st[0], st[1], st[2], st[3], cnt);
            mh_gp_put_data_text(f, mh_sweep_value_text(s, rows[i].row, a));
            fputc('\n', f);
        }
    }
    free(rows);
    free(done);
}

/* Lhs and sobol: one block, one row per point with a value. */
static void fill_scatter(FILE *f, const plot *P, int a)
{
    write_head(f, P, "scatter", "value metric point label (first row: the title)");
    fprintf(f, "# block 0: every point\n\"%s\" metric point label\n", mh_sweep_metric_name(P->metric));
    for (int i = 0; i < P->npoints; i++)
        if (!isnan(P->y[i])) {
            const int r = mh_sweep_row(P->s, i);
            fprintf(f, "%.10g %.10g %d ", xval(P, r, a), P->y[i], i);
            mh_gp_put_data_text(f, mh_sweep_value_text(P->s, r, a));
            fputc('\n', f);
        }
}

/* The distinct values of axis a, sorted (at most nrows); returns how many. */
static int distinct(const plot *P, int a, double *v)
{
    const int nr = mh_sweep_nrows(P->s);
    for (int r = 0; r < nr; r++)
        v[r] = xval(P, r, a);
    qsort(v, (size_t)nr, sizeof *v, cmp_double);
    int n = 0;
    for (int r = 0; r < nr; r++)
        if (n == 0 || v[r] != v[n - 1])
            v[n++] = v[r];
    return n;
}

/* Grid: the mean over replicates and the other axes of every (value of a, value of b) cell; cells at
 * integer coordinates i j, followed by the values of a and b there (the tic labels); a blank line after
 * each i. */
static void fill_heatmap(FILE *f, const plot *P, int a, int b)
{
    const int nr = mh_sweep_nrows(P->s);
    write_head(f, P, "mean over replicates and other axes", "i j mean n a b (i, j: indices of the values a, b)");
    double *va = malloc((size_t)nr * sizeof *va), *vb = malloc((size_t)nr * sizeof *vb);
    xrow *rows = malloc((size_t)nr * sizeof *rows);
    if (va == NULL || vb == NULL || rows == NULL) {
        free(va);
        free(vb);
        free(rows);
        return;
    }
    const int na = distinct(P, a, va), nb = distinct(P, b, vb);
    for (int i = 0; i < na; i++) {
        for (int j = 0; j < nb; j++) {
            int n = 0, cnt;
            for (int r = 0; r < nr; r++)
                if (xval(P, r, a) == va[i] && xval(P, r, b) == vb[j])
                    rows[n++] = (xrow){0.0, r};
            double st[4];
            spread(P, rows, n, st, &cnt);
            fprintf(f, "%d %d %.10g %d %g %g\n", i, j, st[0], cnt, va[i], vb[j]);
        }
        fputc('\n', f);
    }
    free(va);
    free(vb);
    free(rows);
}

/* A table of draw(): fill(f, P, a, b). */
typedef struct {
    const plot *P;
    void (*fill)(FILE *, const plot *, int, int);
    int a, b;
} table_job;

static void fill_job(FILE *f, const void *user)
{
    const table_job *j = user;
    j->fill(f, j->P, j->a, j->b);
}

/* Writes PLOTS/NAME.dat and draws PLOTS/NAME.png with SCRIPT and the arguments g (freed); 0, or 1 after a
 * message. */
static int draw(const plot *P, const char *name, const char *script, mh_gp *g,
                void (*fill)(FILE *, const plot *, int, int), int a, int b)
{
    char dat[PATH_MAX + 300], png[PATH_MAX + 300], gp[PATH_MAX + 64];
    snprintf(dat, sizeof dat, "%s/%s.dat", P->plots, name);
    snprintf(png, sizeof png, "%s/%s.png", P->plots, name);
    snprintf(gp, sizeof gp, "%s/%s", P->scripts, script);
    const table_job job = {P, fill, a, b};
    if (!mh_cli_write_table(dat, fill_job, &job)) {
        mh_gp_clear(g);
        return 1;
    }
    return mh_gp_draw(g, gp, dat, png) ? 0 : 1;
}

static void fill_response_ab(FILE *f, const plot *P, int a, int b)
{
    (void)b;
    const mh_sweep_design d = mh_sweep_get_design(P->s);
    (d == MH_SWEEP_GRID || d == MH_SWEEP_OAT ? fill_response : fill_scatter)(f, P, a);
}

/* Every plot of P; 0 or 1 (a file or gnuplot failed). */
static int draw_all(const plot *P)
{
    const mh_sweep *s = P->s;
    const mh_sweep_design d = mh_sweep_get_design(s);
    const char *mname = mh_sweep_metric_name(P->metric), *munit = mh_sweep_metric_unit(P->metric);
    char text[1024], name[256], xl[256], yl[256];
    int rc = 0, heat[2] = {-1, -1}, nheat = 0, nplots = 0;
    mh_gp g;
    for (int a = 0; a < mh_sweep_naxes(s); a++) {
        const mh_sweep_axis *ax = mh_sweep_axis_at(s, a);
        axis_label(ax, xl, sizeof xl);
        snprintf(name, sizeof name, "response_%s", ax->key);
        if (!mh_gp_init(&g))
            return 1;
        /* scatter and ticks (a choice or bool axis: the value texts as tics) in -e; ARG3 title, ARG4 x label,
         * ARG5 y label */
        mh_gp_num(&g, "scatter", d == MH_SWEEP_GRID || d == MH_SWEEP_OAT ? 0 : 1);
        mh_gp_num(&g, "ticks", ax->numeric ? 0 : 1);
        snprintf(text, sizeof text, "%s against %s (%s design)", mname, ax->key, mh_sweep_design_name(d));
        mh_gp_text(&g, text);
        mh_gp_text(&g, xl);
        snprintf(text, sizeof text, "%s (%s)", mname, munit);
        mh_gp_text(&g, text);
        rc |= draw(P, name, "sweep_response.gp", &g, fill_response_ab, a, 0);
        nplots++;
        if (ax->numeric && nheat < 2)
            heat[nheat++] = a;
    }
    if (d == MH_SWEEP_GRID && nheat == 2) {
        const mh_sweep_axis *xa = mh_sweep_axis_at(s, heat[0]), *ya = mh_sweep_axis_at(s, heat[1]);
        axis_label(xa, xl, sizeof xl);
        axis_label(ya, yl, sizeof yl);
        snprintf(name, sizeof name, "heatmap_%s_%s", xa->key, ya->key);
        if (!mh_gp_init(&g))
            return 1;
        /* ARG3 title, ARG4 x label, ARG5 y label, ARG6 colour-bar label */
        snprintf(text, sizeof text, "%s: mean over %d replicates", mname, mh_sweep_replicates(s));
        mh_gp_text(&g, text);
        mh_gp_text(&g, xl);
        mh_gp_text(&g, yl);
        snprintf(text, sizeof text, "%s (%s)", mname, munit);
        mh_gp_text(&g, text);
        rc |= draw(P, name, "sweep_heatmap.gp", &g, fill_heatmap, heat[0], heat[1]);
        nplots++;
    }
    if (rc == 0)
        printf("%s: %d plots of %s (%d of %d points left out: failed, missing or no value)\n", P->plots, nplots, mname,
               P->left_out, P->npoints);
    return rc;
}

/* The metric to plot: name, or collagen_gain_d42 (collagen_gain_end when no point has a d42 value);
 * -1 after a usage message for an unknown name. */
static int pick_metric(const char *name, const double *metric, int npoints, const char *usage)
{
    if (name == NULL) {
        for (int i = 0; i < npoints; i++)
            if (!isnan(metric[(size_t)i * MH_MET_COUNT + MH_MET_GAIN42]))
                return MH_MET_GAIN42;
        return MH_MET_GAIN_END;
    }
    char names[512] = "";
    for (int k = 0; k < MH_MET_COUNT; k++) {
        if (strcmp(name, mh_sweep_metric_name((mh_sweep_metric)k)) == 0)
            return k;
        size_t len = strlen(names);
        snprintf(names + len, sizeof names - len, "%s%s", k > 0 ? ", " : "", mh_sweep_metric_name((mh_sweep_metric)k));
    }
    char msg[700];
    snprintf(msg, sizeof msg, "--metric: unknown metric '%%s' (one of: %s)", names);
    mh_cli_usage_error(usage, msg, name);
    return -1;
}

int mh_cli_sweep_plot(const char *dir, const char *metric_name, const char *scripts, const char *usage)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_sweep *s = NULL;
    if (mh_sweep_dir_load(dir, &ctx, &s) != MH_OK)
        return mh_cli_fail(&ctx);
    plot P = {.s = s, .npoints = mh_sweep_npoints(s)};
    const size_t n = (size_t)P.npoints;
    double *metric = malloc(n * MH_MET_COUNT * sizeof *metric);
    int *status = malloc(n * sizeof *status);
    P.y = malloc(n * sizeof *P.y);
    P.x = malloc((size_t)mh_sweep_nrows(s) * mh_sweep_naxes(s) * sizeof *P.x);
    int rc = 0;
    if (metric == NULL || status == NULL || P.y == NULL || P.x == NULL || !fill_x(&P)) {
        fprintf(stderr, "microheal: out of memory\n");
        rc = 1;
    } else if (mh_sweep_summary_read(s, dir, metric, status, NULL, &ctx) != MH_OK) {
        rc = mh_cli_fail(&ctx);
    } else if ((P.metric = pick_metric(metric_name, metric, P.npoints, usage)) < 0) {
        rc = 2;
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        P.y[i] = status[i] == 0 ? metric[i * MH_MET_COUNT + (size_t)P.metric] : NAN;
        P.left_out += isnan(P.y[i]);
    }
    if (rc == 0 && P.left_out == P.npoints) {
        fprintf(stderr, "microheal: %s: no point has a value of %s (run the sweep first?)\n", dir,
                mh_sweep_metric_name(P.metric));
        rc = 1;
    }
    if (rc == 0) {
        snprintf(P.plots, sizeof P.plots, "%s/plots", dir);
        rc = !mh_cli_mkdirs(P.plots) || !mh_cli_scripts_dir(scripts, P.scripts, sizeof P.scripts);
    }
    if (rc == 0)
        rc = draw_all(&P);
    free(metric);
    free(status);
    free(P.y);
    free(P.x);
    mh_sweep_destroy(&s);
    return rc;
}
