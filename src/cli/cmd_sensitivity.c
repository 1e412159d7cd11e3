/* src/cli: the microheal command: parse the arguments, call the library, report, exit code. */
/* cmd_sensitivity: `microheal sensitivity`: parse, run the screening (mh_sensitivity), write the ranked
 * Markdown table, the CSV and the gnuplot bar chart (scripts/sensitivity.gp), report, exit.
 *
 * Output directory DIR: sensitivity.md, sensitivity.csv, sensitivity.png. Each file is written to
 * NAME.tmp and renamed when complete. Progress goes to stderr unless -q. */
#include "mh_args.h"
#include "mh_cli.h"
#include "mh_cli_util.h"
#include "mh_export.h"
#include "mh_h5.h"

#include "mh_sensitivity.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const usage_sensitivity =
    "usage: microheal sensitivity CONFIG [--method oat|morris] [--delta 0.1] [--trajectories 4]\n"
    "                             [--levels 4] [--range 0.5] [--params k1,k2,...] [--observables o1,o2,...]\n"
    "                             [--set section.key=value ...] [-o DIR] [--no-plot] [-q]\n"
    "\n"
    "Screens how the parameters change the outcome of CONFIG, one simulation per changed value.\n"
    "  --method oat       one at a time: central differences at value x (1 -/+ delta), 1 + 2k runs (default)\n"
    "  --method morris    Morris elementary effects, r trajectories on a grid of `levels` levels over\n"
    "                     value x (1 -/+ range) clipped to the parameter's limits, 1 + (k + 1) r runs;\n"
    "                     reproducible from the config's seed\n"
    "  --params           keys to screen (default: every real-valued model.* key)\n"
    "  --observables      of collagen_gain_d42, collagen_gain_d180, erythema_days, closure_hours,\n"
    "                     reepithelialized_days (default: the first three; the gains need\n"
    "                     simulation.days >= 42 and >= 180)\n"
    "Index: (dy / y) / (dp / p) at the base values (oat), mean |elementary effect| of that form (morris).\n"
    "Writes DIR/sensitivity.md (ranked table), DIR/sensitivity.csv and DIR/sensitivity.png (gnuplot,\n"
    "scripts/sensitivity.gp; --no-plot skips it). DIR defaults to ./sensitivity. -q: errors only.\n";

typedef struct {
    const char *cfg_path, *outdir;
    int quiet, plot;
    mh_sensitivity_options opt;
    char *keybuf; /* --params, split in place */
    const char **keys;
    mh_args args; /* what the strings point into, and --set's assignments */
} cli_args;

static int bad_usage(const char *fmt, const char *arg) { return mh_cli_usage_error(usage_sensitivity, fmt, arg); }

/* A whole number of int's range into *v. */
static bool whole(const char *s, int *v)
{
    long x;
    if (!mh_cli_parse_long(s, &x) || x < -INT_MAX || x > INT_MAX)
        return false;
    *v = (int)x;
    return true;
}

/* Splits a comma-separated list in place; returns the count (at most max), -1 if there are more
 * or an item is empty. */
static int parse_observables(const char *text, mh_sensitivity_options *o)
{
    char buf[512];
    const char *names[MH_SENS_NOBS];
    if (snprintf(buf, sizeof buf, "%s", text) >= (int)sizeof buf)
        return bad_usage("--observables: '%s' is too long", text);
    int n = mh_cli_split_list(buf, names, MH_SENS_NOBS);
    if (n < 1)
        return bad_usage("--observables: give 1 to 5 distinct names, not '%s'", text);
    for (int i = 0; i < n; i++) {
        int found = -1;
        for (int k = 0; k < MH_SENS_NOBS; k++)
            if (strcmp(names[i], mh_sensitivity_obs_name((mh_sensitivity_obs)k)) == 0)
                found = k;
        if (found < 0)
            return bad_usage("--observables: unknown observable '%s'", names[i]);
        o->obs[i] = (mh_sensitivity_obs)found;
    }
    o->nobs = n;
    return 0;
}

/* --params k1,k2,...: the keys, split in a copy. 0, or the exit status after a message. */
static int parse_params(const char *v, cli_args *a)
{
    free(a->keybuf);
    free(a->keys);
    a->keybuf = strdup(v);
    a->keys = calloc(MH_P_COUNT + 1, sizeof *a->keys);
    if (a->keybuf == NULL || a->keys == NULL) {
        fprintf(stderr, "microheal: out of memory\n");
        return 1;
    }
    a->opt.keys = a->keys;
    a->opt.nkeys = mh_cli_split_list(a->keybuf, a->keys, MH_P_COUNT);
    return a->opt.nkeys < 1 ? bad_usage("--params: '%s' is not a list of keys k1,k2,...", v) : 0;
}

enum {
    OPT_METHOD = MH_ARGS_OWN,
    OPT_DELTA,
    OPT_RANGE,
    OPT_TRAJECTORIES,
    OPT_LEVELS,
    OPT_PARAMS,
    OPT_OBSERVABLES,
    OPT_NO_PLOT
};
static const struct option sensitivity_options[] = {{"method", required_argument, NULL, OPT_METHOD},
                                                    {"delta", required_argument, NULL, OPT_DELTA},
                                                    {"range", required_argument, NULL, OPT_RANGE},
                                                    {"trajectories", required_argument, NULL, OPT_TRAJECTORIES},
                                                    {"levels", required_argument, NULL, OPT_LEVELS},
                                                    {"params", required_argument, NULL, OPT_PARAMS},
                                                    {"observables", required_argument, NULL, OPT_OBSERVABLES},
                                                    {"no-plot", no_argument, NULL, OPT_NO_PLOT},
                                                    {NULL, 0, NULL, 0}};

/* The screening's options; --set is applied after the config is loaded. */
static int on_option(mh_args *args, int val, char *v)
{
    cli_args *a = args->user;
    mh_sensitivity_options *o = &a->opt;
    switch (val) {
    case OPT_METHOD:
        if (strcmp(v, "oat") != 0 && strcmp(v, "morris") != 0)
            return bad_usage("--method: '%s' is not oat or morris", v);
        o->method = strcmp(v, "oat") == 0 ? MH_SENS_OAT : MH_SENS_MORRIS;
        return 0;
    case OPT_DELTA:
        return mh_cli_parse_double(v, &o->delta) ? 0 : bad_usage("--delta: '%s' is not a number", v);
    case OPT_RANGE:
        return mh_cli_parse_double(v, &o->range) ? 0 : bad_usage("--range: '%s' is not a number", v);
    case OPT_TRAJECTORIES:
        return whole(v, &o->trajectories) ? 0 : bad_usage("--trajectories: '%s' is not a whole number", v);
    case OPT_LEVELS:
        return whole(v, &o->levels) ? 0 : bad_usage("--levels: '%s' is not a whole number", v);
    case OPT_PARAMS:
        return parse_params(v, a);
    case OPT_OBSERVABLES:
        return parse_observables(v, o);
    default:
        a->plot = 0;
        return 0;
    }
}

static int parse_args(int argc, char **argv, cli_args *a)
{
    mh_sensitivity_options_default(&a->opt);
    a->plot = 1;
    const mh_args_spec spec = {.usage = usage_sensitivity,
                               .common = MH_ARGS_SET | MH_ARGS_OUTPUT | MH_ARGS_QUIET,
                               .own = sensitivity_options,
                               .max_pos = 1,
                               .on_option = on_option,
                               .user = a};
    const int rc = mh_args_parse(&spec, argc, argv, &a->args);
    if (rc != MH_ARGS_GO_ON)
        return rc;
    a->cfg_path = a->args.npos > 0 ? a->args.pos[0] : NULL;
    a->outdir = a->args.output != NULL ? a->args.output : "sensitivity";
    a->quiet = a->args.quiet;
    return a->cfg_path == NULL ? bad_usage("%s", "missing CONFIG") : MH_ARGS_GO_ON;
}

static void progress(void *user, int run, int nruns, const char *label, mh_status st, const char *msg)
{
    const cli_args *a = user;
    if (a->quiet)
        return;
    if (st == MH_OK)
        fprintf(stderr, "[%3d/%d] %s\n", run + 1, nruns, label);
    else
        fprintf(stderr, "[%3d/%d] %s: FAILED: %s\n", run + 1, nruns, label, msg);
}

/* ---------- writing ---------- */

/* What the output files are made of. */
typedef struct {
    const mh_sensitivity *s;
    const mh_config *cfg;
    const cli_args *a;
    const int *order;   /* parameters in overall rank order */
    const int *rank_of; /* rank_of[o * nparams + i]: rank of parameter i for observable o, 0 if none */
    double seconds;
} report_data;

/* Writes DIR/NAME with body, through a fresh temporary file renamed when complete (mh_cli_text_open).
 * Returns 0, or the exit status after a message. */
static int write_file(const report_data *d, const char *name, void (*body)(FILE *, const report_data *))
{
    char final[PATH_MAX], *tmp = NULL;
    if (!mh_cli_fmt(final, sizeof final, "%s/%s", d->a->outdir, name))
        return 1;
    int rc = 0;
    FILE *f = mh_cli_text_open(final, &tmp, &rc);
    if (f == NULL)
        return rc;
    body(f, d);
    return mh_cli_text_close(f, tmp, final);
}

static void fmt_num(char *out, size_t len, double x)
{
    if (isnan(x))
        snprintf(out, len, "n/a");
    else
        snprintf(out, len, "%.3g", x);
}

/* Markdown text with '|' escaped. */
static void md_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputc('\\', f);
        fputc(*s, f);
    }
}

/* rank_of[o * nparams + i] = 1-based rank of parameter i for observable o; 0 when its index is 0,
 * NaN or the parameter was skipped. */
static bool ranks(const mh_sensitivity *s, int *rank_of)
{
    const int n = mh_sensitivity_nparams(s);
    int *order = malloc((size_t)(n > 0 ? n : 1) * sizeof *order);
    if (order == NULL)
        return false;
    for (int o = 0; o < MH_SENS_NOBS; o++) {
        mh_sensitivity_rank(s, (mh_sensitivity_obs)o, order);
        for (int r = 0; r < n; r++) {
            const mh_sensitivity_param *p = mh_sensitivity_param_at(s, order[r]);
            rank_of[o * n + order[r]] = (p->skipped == NULL && !isnan(p->index[o]) && p->index[o] != 0.0) ? r + 1 : 0;
        }
    }
    free(order);
    return true;
}

/* One cell of an index: "0.523 #2" (oat), "0.523 (σ 0.101) #2" (morris), "n/a". */
static void md_cell(FILE *f, const mh_sensitivity_param *p, int o, int rank, int morris)
{
    char v[32], sd[32];
    fmt_num(v, sizeof v, p->index[o]);
    fprintf(f, " %s", p->skipped != NULL ? "skipped" : v);
    if (morris && p->skipped == NULL && !isnan(p->sigma[o])) {
        fmt_num(sd, sizeof sd, p->sigma[o]);
        fprintf(f, " (σ %s)", sd);
    }
    if (rank > 0)
        fprintf(f, " #%d", rank);
    fprintf(f, " |");
}

static void md_body(FILE *f, const report_data *d)
{
    const mh_sensitivity *s = d->s;
    const cli_args *a = d->a;
    const mh_sensitivity_options *o = mh_sensitivity_settings(s);
    const mh_param_info *tab = mh_param_table();
    const int n = mh_sensitivity_nparams(s), morris = o->method == MH_SENS_MORRIS;
    const char *ix = morris ? "μ*" : "S";
    fprintf(f, "# Sensitivity screening of `%s`\n\n", a->cfg_path);
    if (morris)
        fprintf(f,
                "Method: Morris elementary effects, %d trajectories on a %d-level grid over value × (1 ∓ %g), clipped "
                "to each parameter's table limits; GSL mt19937 seeded with seed = %ld. Index μ* = mean |EE| with "
                "EE = (Δy/y0)/(Δp/p0) (y0, p0: base run); σ = standard deviation of EE; #n = rank for that "
                "observable (none where the index is 0).\n\n",
                o->trajectories, o->levels, o->range, mh_config_int(d->cfg, MH_P_SEED));
    else
        fprintf(f,
                "Method: one at a time, central differences at value × (1 ∓ %g); index S = (Δy/y0)/(Δp/p0) (y0, p0: "
                "base run); a side outside the table limits or whose run failed is replaced by the base run "
                "(one-sided, marked ¹); #n = rank for that observable (none where the index is 0).\n\n",
                o->delta);
    fprintf(f, "Runs: %d (%d failed), %.0f s wall-clock. Base run:", mh_sensitivity_nruns(s), mh_sensitivity_nfailed(s),
            d->seconds);
    for (int k = 0; k < o->nobs; k++)
        fprintf(f, "%s %s = %.4g", k ? "," : "", mh_sensitivity_obs_name(o->obs[k]),
                mh_sensitivity_base_y(s, o->obs[k]));
    fprintf(f, ".\n\nObservables:");
    for (int k = 0; k < o->nobs; k++)
        fprintf(f, "%s `%s`: %s", k ? ";" : "", mh_sensitivity_obs_name(o->obs[k]), mh_sensitivity_obs_unit(o->obs[k]));
    fprintf(f, ".\n\nRanked by the largest |%s| over the observables (overall).\n\n", ix);
    fprintf(f, "| rank | parameter | unit | base value | source |");
    for (int k = 0; k < o->nobs; k++)
        fprintf(f, " %s %s |", ix, mh_sensitivity_obs_name(o->obs[k]));
    fprintf(f, " overall |\n|---:|---|---|---:|---|");
    for (int k = 0; k < o->nobs; k++)
        fprintf(f, "---:|");
    fprintf(f, "---:|\n");
    for (int r = 0; r < n; r++) {
        const mh_sensitivity_param *p = mh_sensitivity_param_at(s, d->order[r]);
        char base[32], all[32];
        fmt_num(base, sizeof base, p->base);
        fmt_num(all, sizeof all, p->overall);
        fprintf(f, "| %d | `%s`%s | ", r + 1, p->key, p->one_sided ? "¹" : "");
        md_text(f, tab[p->id].unit);
        fprintf(f, " | %s | ", base);
        md_text(f, tab[p->id].source);
        fprintf(f, " |");
        for (int k = 0; k < o->nobs; k++)
            md_cell(f, p, o->obs[k], d->rank_of[o->obs[k] * n + d->order[r]], morris);
        fprintf(f, " %s |\n", p->skipped != NULL ? "skipped" : all);
    }
    int nskip = 0;
    for (int i = 0; i < n; i++)
        nskip += mh_sensitivity_param_at(s, i)->skipped != NULL;
    if (nskip > 0) {
        fprintf(f, "\nNot screened:\n\n");
        for (int i = 0; i < n; i++)
            if (mh_sensitivity_param_at(s, i)->skipped != NULL)
                fprintf(f, "- `%s`: %s\n", mh_sensitivity_param_at(s, i)->key, mh_sensitivity_param_at(s, i)->skipped);
    }
    fprintf(f, "\nFailed runs:%s\n", mh_sensitivity_nfailed(s) ? "\n" : " none.");
    for (int r = 0; r < mh_sensitivity_nruns(s); r++) {
        const mh_sensitivity_record *rec = mh_sensitivity_record_at(s, r);
        if (rec->status != MH_OK) {
            fprintf(f, "- %s: ", rec->label);
            md_text(f, rec->message);
            fprintf(f, "\n");
        }
    }
    if (a->plot)
        fprintf(f, "\n![%s of the top parameters](sensitivity.png)\n", ix);
}

/* Numbers first, free text (which may hold quoted commas) in the last columns, so that tools that
 * split on commas (awk -F, in scripts/sensitivity.gp) find every number where the header says. */
static void csv_body(FILE *f, const report_data *d)
{
    const mh_sensitivity *s = d->s;
    const mh_sensitivity_options *o = mh_sensitivity_settings(s);
    const mh_param_info *tab = mh_param_table();
    const int n = mh_sensitivity_nparams(s);
    fprintf(f, "rank,parameter,base,lo,hi,one_sided,failed_runs,effects");
    for (int k = 0; k < o->nobs; k++) {
        const char *name = mh_sensitivity_obs_name(o->obs[k]);
        fprintf(f, ",index_%s,mu_%s,sigma_%s,rank_%s", name, name, name, name);
    }
    fprintf(f, ",overall,unit,source,status\n");
    for (int r = 0; r < n; r++) {
        const mh_sensitivity_param *p = mh_sensitivity_param_at(s, d->order[r]);
        fprintf(f, "%d,%s,%.17g,%.17g,%.17g,%d,%d,%d", r + 1, p->key, p->base, p->lo, p->hi, p->one_sided, p->nfailed,
                p->neffects);
        for (int k = 0; k < o->nobs; k++) {
            int q = o->obs[k];
            fprintf(f, ",%.10g,%.10g,%.10g,%d", p->index[q], p->mu[q], p->sigma[q], d->rank_of[q * n + d->order[r]]);
        }
        fprintf(f, ",%.10g,", p->overall);
        mh_export_csv_text(f, tab[p->id].unit);
        fputc(',', f);
        mh_export_csv_text(f, tab[p->id].source);
        fputc(',', f);
        mh_export_csv_text(f, p->skipped != NULL ? p->skipped : "ok");
        fputc('\n', f);
    }
}

/* Runs scripts/sensitivity.gp on the CSV (ARG1; morris in -e); the PNG appears under its final name only when
 * gnuplot succeeded. */
static int write_plot(const mh_sensitivity *s, const cli_args *a)
{
    char dir[PATH_MAX], script[PATH_MAX + 32], csv[PATH_MAX + 32], final[PATH_MAX + 32];
    if (!mh_cli_scripts_dir(NULL, dir, sizeof dir))
        return 1;
    snprintf(script, sizeof script, "%s/sensitivity.gp", dir);
    if (access(script, R_OK) != 0) {
        fprintf(stderr, "microheal: %s not found (run from the repository root, or use --no-plot)\n", script);
        return 1;
    }
    mh_gp g;
    if (!mh_cli_fmt(csv, sizeof csv, "%s/sensitivity.csv", a->outdir) ||
        !mh_cli_fmt(final, sizeof final, "%s/sensitivity.png", a->outdir) || !mh_gp_init(&g))
        return 1;
    mh_gp_num(&g, "morris", mh_sensitivity_settings(s)->method == MH_SENS_MORRIS ? 1 : 0);
    return mh_gp_draw(&g, script, csv, final) ? 0 : 1;
}

/* Loads CONFIG and applies every --set in order. */
static mh_status load(const cli_args *a, mh_config **cfg, mh_ctx *ctx)
{
    mh_status st = mh_config_create(ctx, cfg);
    if (st == MH_OK)
        st = mh_config_load(*cfg, a->cfg_path, ctx);
    return st == MH_OK ? mh_args_apply(&a->args, *cfg, ctx) : st;
}

static int run(cli_args *a)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_config *cfg = NULL;
    mh_sensitivity *s = NULL;
    int *order = NULL, *rank_of = NULL;
    int rc = 0;
    a->opt.progress = progress;
    a->opt.progress_user = a;
    if (load(a, &cfg, &ctx) != MH_OK || mh_sensitivity_create(cfg, &a->opt, &ctx, &s) != MH_OK) {
        rc = mh_cli_fail(&ctx);
        goto done;
    }
    const int n = mh_sensitivity_nparams(s);
    int nskip = 0;
    for (int i = 0; i < n; i++)
        nskip += mh_sensitivity_param_at(s, i)->skipped != NULL;
    if (!a->quiet)
        fprintf(stderr, "sensitivity: %s on %d parameters (%d not screened), %d runs\n",
                mh_sensitivity_method_name(a->opt.method), n, nskip, mh_sensitivity_nruns(s));
    if (!mh_cli_mkdirs(a->outdir)) {
        rc = 1;
        goto done;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (mh_sensitivity_run(s, &ctx) != MH_OK) {
        rc = mh_cli_fail(&ctx);
        goto done;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    order = malloc((size_t)(n > 0 ? n : 1) * sizeof *order);
    rank_of = calloc((size_t)(n > 0 ? n : 1) * MH_SENS_NOBS, sizeof *rank_of);
    if (order == NULL || rank_of == NULL || !ranks(s, rank_of)) {
        fprintf(stderr, "microheal: out of memory\n");
        rc = 1;
        goto done;
    }
    mh_sensitivity_rank_overall(s, order);
    const report_data d = {s, cfg, a, order, rank_of, seconds};
    rc = write_file(&d, "sensitivity.md", md_body);
    rc = rc ? rc : write_file(&d, "sensitivity.csv", csv_body);
    rc = (rc || !a->plot) ? rc : write_plot(s, a);
    if (rc == 0 && !a->quiet) {
        fprintf(stderr, "wrote %s/sensitivity.md, sensitivity.csv%s: %d runs (%d failed) in %.1f s; top:", a->outdir,
                a->plot ? ", sensitivity.png" : "", mh_sensitivity_nruns(s), mh_sensitivity_nfailed(s), seconds);
        for (int r = 0; r < n && r < 5; r++)
            fprintf(stderr, " %s", mh_sensitivity_param_at(s, order[r])->key);
        fprintf(stderr, "\n");
    }
done:
    free(order);
    free(rank_of);
    mh_sensitivity_destroy(&s);
    mh_config_destroy(&cfg);
    return rc;
}

int mh_cli_sensitivity(int argc, char **argv)
{
    cli_args a;
    memset(&a, 0, sizeof a);
    int rc = parse_args(argc, argv, &a);
    if (rc == MH_ARGS_GO_ON)
        rc = run(&a);
    free(a.keybuf);
    free(a.keys);
    mh_args_clear(&a.args);
    return rc;
}
