/* src/cli: the microheal command: parse the arguments, call the library, report, exit code. */
/* cmd_compare_plot: the plots of `microheal compare`: the healing curves of every variant overlaid, and each
 * outcome against the varied value (a numeric key) or per variant as bars (files, a choice key), through
 * scripts/compare_curves.gp and scripts/compare_outcome.gp (papers/compare.md). */
#define _XOPEN_SOURCE 700
#include "mh_cli.h"
#include "mh_cli_util.h"
#include "mh_compare_io.h"
#include "mh_ensemble.h"
#include "mh_h5.h"
#include "mh_sweep.h"
#include "mh_sweep_io.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the plots of one comparison are drawn from. */
typedef struct {
    const mh_sweep *s;
    const char *dir;
    int nvar;                              /* variants: the sweep's rows */
    double *metric;                        /* npoints x MH_MET_COUNT, NaN where a replicate has no value */
    int *status;                           /* per point: 0 complete */
    mh_ensemble_stats (*st)[MH_MET_COUNT]; /* per variant: every metric over its replicates */
    bool *complete;                        /* per variant: every replicate complete */
    bool numeric;                          /* one numeric axis: outcomes against its value, else bars per variant */
} compare_plot;

/* Variant i's label as a string of the data file (mh_gp_put_data_text). */
static void put_label(FILE *f, const mh_sweep *s, int i)
{
    char label[512];
    mh_sweep_row_label(s, i, label, sizeof label);
    mh_gp_put_data_text(f, label);
}

/* A value, and the ends of its interval (the value itself where the interval is NaN: one replicate). */
static void put_band(FILE *f, double mean, double lo, double hi)
{
    if (isnan(mean)) {
        fputs(" NaN NaN NaN", f);
        return;
    }
    fprintf(f, " %.10g %.10g %.10g", mean, isnan(lo) ? mean : lo, isnan(hi) ? mean : hi);
}

/* healing_curves.dat: one block per complete variant, its title row, then per time of its ensemble t_days
 * and the mean, ci_lo and ci_hi of dermis total collagen (relative to untreated), erythema and open
 * channels. */
static void fill_curves(FILE *f, const void *user)
{
    const compare_plot *P = user;
    const char *cols[3] = {mh_observe_name(mh_observe_layer_col(MH_OL_DERMIS, MH_OQ_CT)), "erythema", "open_channels"};
    fputs("# microheal compare: healing curves, one block per complete variant: the ensemble mean and its 95 % "
          "interval\n",
          f);
    for (int i = 0, blocks = 0; i < P->nvar; i++) {
        if (!P->complete[i])
            continue;
        double *t[3] = {NULL, NULL, NULL}, *b[3][3] = {{NULL}};
        size_t n[3] = {0, 0, 0};
        mh_ctx ctx;
        mh_ctx_init(&ctx);
        bool ok = true;
        for (int k = 0; k < 3 && ok; k++)
            ok = mh_compare_read_band(P->dir, i, cols[k], &t[k], b[k], &n[k], &ctx) == MH_OK && n[k] == n[0];
        if (ok) {
            fprintf(f, "%s# variant %d\n", blocks++ > 0 ? "\n\n" : "", i);
            put_label(f, P->s, i);
            fputs(" collagen_lo collagen_hi erythema erythema_lo erythema_hi open_channels open_lo open_hi\n", f);
            for (size_t j = 0; j < n[0]; j++) {
                fprintf(f, "%.10g", t[0][j]);
                for (int k = 0; k < 3; k++)
                    put_band(f, b[k][0][j], b[k][1][j], b[k][2][j]);
                fputc('\n', f);
            }
        } else {
            fprintf(f, "# variant %d left out: %s\n", i, ctx.msg[0] != '\0' ? ctx.msg : "out of memory");
        }
        for (int k = 0; k < 3; k++) {
            free(t[k]);
            for (int j = 0; j < 3; j++)
                free(b[k][j]);
        }
    }
}

/* outcomes.dat: one row per variant: variant, value (the varied value, else the variant), label, then per
 * metric its mean and the ends of its interval. */
static void fill_outcomes(FILE *f, const void *user)
{
    const compare_plot *P = user;
    fputs("# microheal compare: outcomes, one row per variant: mean, ci_lo, ci_hi per metric (NaN: no value)\n"
          "# columns: variant value label",
          f);
    for (int k = 0; k < MH_MET_COUNT; k++) {
        const char *m = mh_sweep_metric_name((mh_sweep_metric)k);
        fprintf(f, " %s %s_lo %s_hi", m, m, m);
    }
    fputc('\n', f);
    for (int i = 0; i < P->nvar; i++) {
        fprintf(f, "%d %.10g ", i, P->numeric ? mh_sweep_value(P->s, i, 0) : (double)i);
        put_label(f, P->s, i);
        for (int k = 0; k < MH_MET_COUNT; k++)
            put_band(f, P->st[i][k].mean, P->st[i][k].ci_lo, P->st[i][k].ci_hi);
        fputc('\n', f);
    }
}

/* "KEY (UNIT)" of the varied key, or "variant". */
static void x_label(const mh_sweep *s, char *out, size_t len)
{
    if (mh_sweep_naxes(s) == 0) {
        snprintf(out, len, "variant");
        return;
    }
    const mh_sweep_axis *ax = mh_sweep_axis_at(s, 0);
    const char *unit = mh_param_table()[ax->param].unit;
    snprintf(out, len, unit != NULL && unit[0] != '\0' && strcmp(unit, "-") != 0 ? "%s (%s)" : "%s", ax->key, unit);
}

/* Every plot of P: 0, or 1 after a message. */
static int draw_all(const compare_plot *P, const char *scripts, int quiet)
{
    const mh_sweep *s = P->s;
    const int n = P->nvar;
    char dat[PATH_MAX + 64], png[PATH_MAX + 64], gp[PATH_MAX + 64], text[1024], xl[256];
    int complete = 0, rc = 0, drawn = 0;
    for (int i = 0; i < n; i++)
        complete += P->complete[i];
    x_label(s, xl, sizeof xl);
    mh_gp g;
    if (complete > 0) { /* ARG3: the title */
        snprintf(dat, sizeof dat, "%s/healing_curves.dat", P->dir);
        snprintf(png, sizeof png, "%s/healing_curves.png", P->dir);
        snprintf(gp, sizeof gp, "%s/compare_curves.gp", scripts);
        snprintf(text, sizeof text, "Total collagen, dermis: %d variants%s%s", complete,
                 mh_sweep_naxes(s) > 0 ? " of " : "", mh_sweep_naxes(s) > 0 ? mh_sweep_axis_at(s, 0)->key : "");
        rc |= !(mh_cli_write_table(dat, fill_curves, P) && mh_gp_init(&g));
        if (rc == 0) {
            mh_gp_text(&g, text);
            rc |= !mh_gp_draw(&g, gp, dat, png);
        }
        drawn += rc == 0;
    }
    snprintf(dat, sizeof dat, "%s/outcomes.dat", P->dir);
    snprintf(gp, sizeof gp, "%s/compare_outcome.gp", scripts);
    if (!mh_cli_write_table(dat, fill_outcomes, P))
        return 1;
    for (int k = 0; k < MH_MET_COUNT; k++) {
        bool any = false;
        for (int i = 0; i < n; i++)
            any = any || !isnan(P->st[i][k].mean);
        if (!any) /* e.g. a gain at day 90 of a 60-day run */
            continue;
        const char *name = mh_sweep_metric_name((mh_sweep_metric)k);
        snprintf(png, sizeof png, "%s/outcome_%s.png", P->dir, name);
        if (!mh_gp_init(&g)) {
            rc = 1;
            continue;
        }
        /* col and bars in -e; ARG3 title, ARG4 x label, ARG5 y label */
        mh_gp_num(&g, "col", 4 + 3 * k); /* the mean; its interval in the next two columns */
        mh_gp_num(&g, "bars", P->numeric ? 0 : 1);
        snprintf(text, sizeof text, "%s %s %s", name, P->numeric ? "against" : "by",
                 P->numeric ? mh_sweep_axis_at(s, 0)->key : "variant");
        mh_gp_text(&g, text);
        mh_gp_text(&g, xl);
        snprintf(text, sizeof text, "%s (%s)", name, mh_sweep_metric_unit((mh_sweep_metric)k));
        mh_gp_text(&g, text);
        if (mh_gp_draw(&g, gp, dat, png))
            drawn++;
        else
            rc = 1;
    }
    if (!quiet)
        fprintf(stderr, "%s: %d plots (healing_curves.png, outcome_METRIC.png)\n", P->dir, drawn);
    return rc;
}

int mh_cli_compare_plot(const struct mh_sweep *s, const char *dir, const char *scripts, int quiet)
{
    const size_t n = (size_t)mh_sweep_npoints(s), nvar = (size_t)mh_sweep_nrows(s);
    const int reps = mh_sweep_replicates(s);
    compare_plot P = {s,
                      dir,
                      (int)nvar,
                      malloc(n * MH_MET_COUNT * sizeof(double)),
                      malloc(n * sizeof(int)),
                      malloc(nvar * sizeof *P.st),
                      malloc(nvar * sizeof(bool)),
                      false};
    P.numeric = mh_sweep_naxes(s) == 1 && mh_sweep_axis_at(s, 0)->numeric;
    char sdir[PATH_MAX];
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    int rc = 0;
    if (P.metric == NULL || P.status == NULL || P.st == NULL || P.complete == NULL) {
        fprintf(stderr, "microheal: out of memory\n");
        rc = 1;
    } else if (mh_sweep_summary_read(s, dir, P.metric, P.status, NULL, &ctx) != MH_OK) {
        rc = mh_cli_fail(&ctx);
    } else if (!mh_cli_scripts_dir(scripts, sdir, sizeof sdir)) {
        fprintf(stderr, "microheal: --scripts: the path is too long\n");
        rc = 1;
    }
    for (size_t i = 0; rc == 0 && i < nvar; i++) { /* a variant's replicates are points i reps ... */
        P.complete[i] = true;
        for (int r = 0; r < reps; r++)
            P.complete[i] = P.complete[i] && P.status[i * (size_t)reps + (size_t)r] == 0;
        for (int k = 0; k < MH_MET_COUNT; k++)
            P.st[i][k] = mh_ensemble_stats_of(P.metric + i * (size_t)reps * MH_MET_COUNT + k, MH_MET_COUNT, reps);
    }
    if (rc == 0)
        rc = draw_all(&P, sdir, quiet);
    free(P.metric);
    free(P.status);
    free(P.st);
    free(P.complete);
    return rc;
}
