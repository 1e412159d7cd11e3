/* src/cli: the microheal command: parse the arguments, call the library, report, exit code. */
/* cmd_calibrate: `microheal calibrate` (fit parameters to the calibration set, write a report) and `microheal
 * validate` (every target against its band, the calibration and validation sets apart: Markdown and CSV
 * tables, gnuplot figures). The library does the work (mh_targets, mh_calibrate); this file parses
 * arguments, prints, writes files and runs gnuplot. */
#include "mh_args.h"
#include "mh_cli.h"
#include "mh_cli_util.h"

#include "mh_calibrate.h"
#include "mh_export.h"
#include "mh_h5.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *usage_calibrate =
    "usage: microheal calibrate TARGETS --fit KEY[,KEY...] [--only NAME[,NAME...]] [-o REPORT.md]\n"
    "                           [--set section.key=value ...] [--max-iter N] [--fd-step H] [--replicates N]\n"
    "                           [-q]\n"
    "\n"
    "Fits the real-valued parameters KEY (e.g. model.tau0_close_h) to the targets of TARGETS (INI; see\n"
    "configs/validation/targets.ini and papers/calibration.md) by weighted nonlinear least squares in\n"
    "log-parameters (GSL trust region), starting from the configuration's values (after --set).\n"
    "Only targets of the calibration set (role = calibration) are fitted: --only fits those named (default:\n"
    "every calibration target with a sigma) and refuses a target of the validation set (role = validation),\n"
    "which is held out. Writes a Markdown report (fitted values, uncertainties from the covariance, model\n"
    "before and after per target) to REPORT.md or standard output;\n"
    "progress goes to standard error unless -q. --max-iter: accepted steps at most (default 30); --fd-step:\n"
    "finite-difference step in ln(parameter) (default 1e-3). --replicates N: fit the means of N replicates\n"
    "per target (seeds as in validate, the same at every point; N times the runs); default 1, the\n"
    "scenarios' own seed. Exit 0 after a fit (converged or not: the report says), 2 with FILE:LINE: key:\n"
    "reason on bad input, 1 on other failures.\n";

static const char *usage_validate =
    "usage: microheal validate TARGETS [-o DIR] [--set section.key=value ...] [--replicates N] [--scripts DIR]\n"
    "                          [--strict] [-q]\n"
    "\n"
    "Runs the scenario of every target in TARGETS N times (default 8) and compares the mean of the model\n"
    "values with the target's band. Replicate 0 runs the scenario's seed (the base seed: --set seed=S changes\n"
    "it), replicate r >= 1 the r-th output of GSL's mt19937 seeded with the base seed; both parts of a ratio\n"
    "target run with the same seed. A target is within when its mean is; the coverage says whether the 95 %\n"
    "confidence interval of the mean (Student's t) lies inside the band wholly, in part or not at all.\n"
    "The calibration set (role = calibration: parameters were fitted to these) and the validation set\n"
    "(role = validation: held out) are reported apart, each with its count of means within their band.\n"
    "Writes DIR/validation.md (a table per set) and DIR/validation.csv (item, target, role, observable,\n"
    "source, datum, band, replicates, base seed, mean, sd, interval, within band, coverage; a target whose\n"
    "simulation fails counts as outside), DIR/validation.png (model mean and interval against data, one\n"
    "panel per target) and, for the first target of each item that observes the dermal matrix,\n"
    "DIR/item<N>_healing_curves.png of replicate 0, and for every scenario that two or more targets read\n"
    "from a series at a day, DIR/timecourse_NAME.png (its curves, the targets' bands, data and ensemble\n"
    "means; NAME: its first target) (gnuplot; the scripts are taken from --scripts DIR, default the "
    "scripts/ folder beside the\n"
    "microheal executable). DIR defaults to results/validation. --set applies to every scenario (after the\n"
    "targets' own settings).\n"
    "Exit 0 if every calibration target's mean is within its band, 1 if one is not, a simulation failed (of\n"
    "either set) or a plot failed (the tables are still written), 2 on bad input. Validation-set targets\n"
    "outside their band are reported but do not fail the command; with --strict they do (exit 1 if any\n"
    "target's mean is outside its band).\n";

/* Replicates of validate when --replicates is not given. */
#define VALIDATE_REPLICATES 8

typedef struct {
    const char *targets, *out, *fit, *only, *scripts;
    const char *const *sets; /* --set's, NULL-terminated */
    int quiet, max_iter;
    bool strict;    /* validate --strict: a validation-set target outside its band fails too */
    int replicates; /* --replicates: 0 when not given */
    double fd_step;
} cli_args;

/* The options of calibrate and validate of their own. */
enum { OPT_FIT = MH_ARGS_OWN, OPT_ONLY, OPT_MAX_ITER, OPT_FD_STEP, OPT_SCRIPTS, OPT_STRICT };
static const struct option calibrate_options[] = {{"fit", required_argument, NULL, OPT_FIT},
                                                  {"only", required_argument, NULL, OPT_ONLY},
                                                  {"max-iter", required_argument, NULL, OPT_MAX_ITER},
                                                  {"fd-step", required_argument, NULL, OPT_FD_STEP},
                                                  {NULL, 0, NULL, 0}};
static const struct option validate_options[] = {
    {"scripts", required_argument, NULL, OPT_SCRIPTS}, {"strict", no_argument, NULL, OPT_STRICT}, {NULL, 0, NULL, 0}};

static int on_option(mh_args *args, int val, char *arg)
{
    cli_args *a = args->user;
    long n = 0;
    if (val == OPT_SCRIPTS) {
        a->scripts = arg;
    } else if (val == OPT_STRICT) {
        a->strict = true;
    } else if (val == OPT_MAX_ITER) {
        if (!mh_cli_parse_long(arg, &n) || n < 1 || n > 10000)
            return mh_cli_usage_error(usage_calibrate, "--max-iter needs a whole number from 1 to 10000, not %s", arg);
        a->max_iter = (int)n;
    } else if (val == OPT_FD_STEP) {
        if (!mh_cli_parse_double(arg, &a->fd_step) || !(a->fd_step > 0 && a->fd_step < 1))
            return mh_cli_usage_error(usage_calibrate, "--fd-step needs a number between 0 and 1, not %s", arg);
    } else {
        const char **list = val == OPT_FIT ? &a->fit : &a->only;
        if (*list != NULL)
            return mh_cli_usage_error(usage_calibrate, "given twice: %s", val == OPT_FIT ? "--fit" : "--only");
        *list = arg;
    }
    return 0;
}

/* Parses argv of calibrate (validate: false) into a (args holds what it points to). Returns MH_ARGS_GO_ON, or
 * the exit status (0 after --help). */
static int parse_args(int argc, char **argv, bool calibrate, mh_args *args, cli_args *a)
{
    const char *usage = calibrate ? usage_calibrate : usage_validate;
    const mh_args_spec spec = {.usage = usage,
                               .common = MH_ARGS_SET | MH_ARGS_OUTPUT | MH_ARGS_QUIET | MH_ARGS_REPLICATES,
                               .own = calibrate ? calibrate_options : validate_options,
                               .max_pos = 1,
                               .on_option = on_option,
                               .user = a};
    const int rc = mh_args_parse(&spec, argc, argv, args);
    if (rc != MH_ARGS_GO_ON)
        return rc;
    a->targets = args->npos > 0 ? args->pos[0] : NULL;
    a->out = args->output;
    a->sets = args->sets;
    a->quiet = args->quiet;
    a->replicates = (int)args->replicates;
    return a->targets == NULL ? mh_cli_usage_error(usage, "%s", "missing TARGETS") : MH_ARGS_GO_ON;
}

/* Splits a comma-separated list (in a copy, *buf) into *items (mh_cli_split_list). False when out
 * of memory or an item is empty. */
static bool split_list(const char *list, char **buf, const char ***items, int *n)
{
    *buf = strdup(list);
    *items = calloc(strlen(list) + 1, sizeof **items);
    *n = *buf != NULL && *items != NULL ? mh_cli_split_list(*buf, *items, (int)strlen(list) + 1) : -1;
    return *n > 0;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0->tv_nsec);
}

/* "[lo, hi]" with open ends as parentheses. */
static void format_band(const mh_target_info *ti, char *out, size_t len)
{
    snprintf(out, len, "%s%g, %g%s", ti->lo_open ? "(" : "[", ti->band_lo, ti->band_hi, ti->hi_open ? ")" : "]");
}

/* The datum as written in tables: "12 ± 2", "12", or the band for a bound-only target. */
static void format_datum(const mh_target_info *ti, char *out, size_t len)
{
    if (ti->has_value && ti->has_sigma)
        snprintf(out, len, "%g ± %g", ti->value, ti->sigma);
    else if (ti->has_value)
        snprintf(out, len, "%g", ti->value);
    else
        format_band(ti, out, len);
}

static void format_observable(const mh_target_info *ti, char *out, size_t len)
{
    if (ti->ratio_observable != NULL && strcmp(ti->ratio_observable, ti->observable) != 0)
        snprintf(out, len, "%s / %s", ti->observable, ti->ratio_observable);
    else if (ti->ratio_observable != NULL)
        snprintf(out, len, "ratio of %s", ti->observable);
    else
        snprintf(out, len, "%s", ti->observable);
}

/* ---------- calibrate ---------- */

static void print_progress(void *user, int iter, double chi2, int np, const double *values)
{
    const mh_calibrate_options *o = user;
    fprintf(stderr, "iteration %d: chi^2 = %.6g;", iter, chi2);
    for (int j = 0; j < np; j++)
        fprintf(stderr, " %s = %.6g", o->params[j], values[j]);
    fprintf(stderr, "\n");
}

static void write_report(FILE *f, const mh_targets *t, const mh_calibration *c, const mh_calibrate_options *o, int argc,
                         char **argv, double secs)
{
    const mh_param_info *table = mh_param_table();
    fprintf(f, "# microheal calibration report\n\n");
    fprintf(f, "Command:\n\n```\nmicroheal calibrate");
    for (int i = 0; i < argc; i++)
        fprintf(f, " %s", argv[i]);
    fprintf(f, "\n```\n\n");
    int nheld = 0;
    for (int i = 0; i < mh_targets_count(t); i++)
        nheld += mh_targets_info(t, i)->role == MH_TARGET_VALIDATION;
    fprintf(f, "- Targets file: `%s`; %d calibration targets fitted, %d parameters, dof = %d.\n", mh_targets_path(t),
            c->ntargets, c->nparams, c->dof);
    fprintf(f,
            "- Validation set: %d target%s (role = validation) held out: not fitted, not used to choose a "
            "parameter.\n",
            nheld, nheld == 1 ? "" : "s");
    fprintf(f,
            "- Method: weighted nonlinear least squares in ln(parameter), GSL `gsl_multifit_nlinear` trust region "
            "(Levenberg-Marquardt), forward-difference Jacobian with step %g in ln(parameter).\n",
            o->fd_step);
    if (o->replicates > 1) {
        unsigned long base = 0;
        mh_ctx ctx;
        mh_ctx_init(&ctx);
        char seed[192] = "each scenario's `seed`"; /* the fit has just built the configuration: no failure here */
        if (mh_targets_base_seed(t, c->target[0], o->extra_sets, &base, &ctx) == MH_OK)
            snprintf(seed, sizeof seed, "%lu (target %s's `seed`)", base, mh_targets_info(t, c->target[0])->name);
        fprintf(f,
                "- Ensembles: the model value of a target is the mean of %d replicates; base seed %s; replicate 0 "
                "runs the base seed, replicate r >= 1 the r-th output of mt19937 seeded with it; the same seeds at "
                "every point.\n",
                o->replicates, seed);
    } else {
        fprintf(f, "- One seed per scenario (its `seed`; `--replicates N` fits the means of N replicates).\n");
    }
    fprintf(f, "- Stopped after %d iteration%s: %s%s; %ld simulations in %.0f s.\n", c->iterations,
            c->iterations == 1 ? "" : "s", c->stop_reason, c->converged ? "" : " (NOT converged)", c->runs, secs);
    if (c->rejected_points > 0)
        fprintf(f, "- %d trial points rejected (outside a parameter's range, or a failed simulation); the last: %s\n",
                c->rejected_points, c->last_rejection);
    char ratio[64];
    if (c->dof > 0)
        snprintf(ratio, sizeof ratio, "%.4g", c->chi2 / c->dof);
    else
        snprintf(ratio, sizeof ratio, "undefined (dof = 0)");
    fprintf(f, "- chi^2: %.4g before, %.4g after; chi^2/dof = %s.\n\n", c->chi2_start, c->chi2, ratio);
    fprintf(f, "## Parameters\n\n");
    fprintf(f, "| parameter | unit | start | fitted | sigma | sigma x sqrt(chi^2/dof) | relative sigma | note |\n");
    fprintf(f, "|---|---|---|---|---|---|---|---|\n");
    for (int j = 0; j < c->nparams; j++) {
        int id = mh_param_find(c->param_keys[j]);
        const char *note = c->at_bound[j] < 0       ? "at the table's minimum"
                           : c->at_bound[j] > 0     ? "at the table's maximum"
                           : isnan(c->sigma_log[j]) ? "not determined by these targets"
                                                    : "";
        fprintf(f, "| `%s` | %s | %.6g | %.6g | %.3g | %.3g | %.3g | %s |\n", c->param_keys[j], table[id].unit,
                c->start[j], c->value[j], c->sigma[j], c->sigma_scaled[j], c->sigma_log[j], note);
    }
    fprintf(f, "\nsigma: standard uncertainty from the covariance C = (J^T J)^-1 of ln(parameter) at the optimum "
               "(gsl_multifit_nlinear_covar), sigma = value x sqrt(C_jj); the targets' sigmas are taken as the data's "
               "standard errors, so this column is NOT scaled by chi^2/dof; the next column is.\n");
    if (c->nparams > 1) {
        fprintf(f, "\nCorrelation of ln(parameters):\n\n|  |");
        for (int k = 0; k < c->nparams; k++)
            fprintf(f, " `%s` |", c->param_keys[k]);
        fprintf(f, "\n|---|");
        for (int k = 0; k < c->nparams; k++)
            fprintf(f, "---|");
        fprintf(f, "\n");
        for (int j = 0; j < c->nparams; j++) {
            fprintf(f, "| `%s` |", c->param_keys[j]);
            for (int k = 0; k < c->nparams; k++)
                fprintf(f, " %.3f |", c->covar_log[j * c->nparams + k] / (c->sigma_log[j] * c->sigma_log[k]));
            fprintf(f, "\n");
        }
    }
    fprintf(f, "\n## Targets\n\n");
    fprintf(f, "| target | item | observable | datum | band | model before | model after | residual/sigma before "
               "| after | within band after |\n|---|---|---|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < c->ntargets; i++) {
        const mh_target_info *ti = mh_targets_info(t, c->target[i]);
        char obs[512], datum[96], band[96];
        format_observable(ti, obs, sizeof obs);
        format_datum(ti, datum, sizeof datum);
        format_band(ti, band, sizeof band);
        if (!ti->has_value)
            snprintf(datum, sizeof datum, "bound (sigma %g)", ti->sigma);
        fprintf(f, "| %s | %s | `%s` | %s | %s | %.4g | %.4g | %+.3f | %+.3f | %s |\n", ti->name, ti->item, obs, datum,
                band, c->model_start[i], c->model_fit[i], c->resid_start[i], c->resid_fit[i],
                mh_target_in_band(ti, c->model_fit[i]) ? "yes" : "**no**");
    }
    fprintf(f, "\nA target with a band but no datum is a bound: its residual is the distance outside the band / "
               "sigma (0 inside).\n\n## Sources\n\n");
    for (int i = 0; i < c->ntargets; i++) {
        const mh_target_info *ti = mh_targets_info(t, c->target[i]);
        fprintf(f, "- %s: %s\n", ti->name, ti->source);
    }
}

int mh_cmd_calibrate(int argc, char **argv)
{
    cli_args a = {0};
    mh_args args;
    mh_calibrate_options o;
    mh_calibrate_options_default(&o);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_targets *t = NULL;
    mh_calibration *c = NULL;
    char *fitbuf = NULL, *onlybuf = NULL;
    const char **fit = NULL, **only = NULL;
    int nfit = 0, nonly = 0;
    int rc = parse_args(argc, argv, true, &args, &a);
    if (rc < 0 && a.fit == NULL)
        rc = mh_cli_usage_error(usage_calibrate, "%s", "missing --fit KEY[,KEY...]");
    if (rc < 0 && !split_list(a.fit, &fitbuf, &fit, &nfit))
        rc = mh_cli_usage_error(usage_calibrate, "--fit: expected KEY[,KEY...], not %s", a.fit);
    if (rc < 0 && a.only != NULL && !split_list(a.only, &onlybuf, &only, &nonly))
        rc = mh_cli_usage_error(usage_calibrate, "--only: expected NAME[,NAME...], not %s", a.only);
    if (rc < 0 && a.out != NULL && (rc = mh_cli_check_output(NULL, "-o", a.out, true)) == 0) /* before the fit */
        rc = -1;
    if (rc < 0 && mh_targets_load(a.targets, &ctx, &t) != MH_OK)
        rc = mh_cli_fail(&ctx);
    if (rc < 0) {
        o.params = fit;
        o.nparams = nfit;
        o.only = only;
        o.nonly = nonly;
        o.extra_sets = a.sets;
        if (a.max_iter > 0)
            o.max_iter = a.max_iter;
        if (a.fd_step > 0)
            o.fd_step = a.fd_step;
        o.replicates = a.replicates;
        if (!a.quiet) {
            o.progress = print_progress;
            o.user = &o;
        }
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        if (mh_calibrate_fit(t, &o, &ctx, &c) != MH_OK) {
            rc = mh_cli_fail(&ctx);
        } else {
            /* REPORT through a fresh temporary file renamed when complete; standard output is checked
             * when the program ends (main.c) */
            char *tmp = NULL;
            FILE *f = a.out != NULL ? mh_cli_text_open(a.out, &tmp, &rc) : stdout;
            if (f != NULL) {
                write_report(f, t, c, &o, argc, argv, seconds_since(&t0));
                rc = a.out != NULL ? mh_cli_text_close(f, tmp, a.out) : 0;
                if (rc == 0 && a.out != NULL && !a.quiet)
                    fprintf(stderr, "wrote %s\n", a.out);
            }
        }
    }
    mh_calibration_destroy(&c);
    mh_targets_destroy(&t);
    free(fitbuf);
    free(onlybuf);
    free(fit);
    free(only);
    mh_args_clear(&args);
    return rc;
}

/* ---------- validate ---------- */

/* Opens DIR/NAME (its path into path) for writing through a fresh temporary file (mh_cli_text_open), whose
 * name goes to *tmp; finish it with mh_cli_text_close. NULL after a message, with the exit status in *rc. */
static FILE *open_out(const char *dir, const char *name, char *path, size_t len, char **tmp, int *rc)
{
    *rc = 1;
    return mh_cli_fmt(path, len, "%s/%s", dir, name) ? mh_cli_text_open(path, tmp, rc) : NULL;
}

/* What validate found: the replicates' values of every target and their statistics. */
typedef struct {
    int n, nrep;              /* targets, replicates */
    double *values;           /* [n * nrep]: target i's replicate r at i * nrep + r */
    mh_ensemble_stats *st;    /* [n] */
    unsigned long *base_seed; /* [n] the seed of each target's scenario */
    bool same_seed;           /* every target has the same base seed */
    int nfailed;              /* targets whose simulation failed (their values NaN) */
} ensembles;

/* Whether target i's mean lies in its band. */
static bool mean_within(const mh_targets *t, const ensembles *e, int i)
{
    return mh_target_in_band(mh_targets_info(t, i), e->st[i].mean);
}

/* The headings of the two sets, in the order of mh_target_role (validation.md and the console). */
static const char *const set_titles[MH_TARGET_ROLES] = {"Calibration set (parameters were fitted to these)",
                                                        "Validation set (held out)"};

/* The count line of the targets of role: "calibration: K of N within band", "validation: K of N within
 * band (P %)"; their number (N) into *n and how many are outside their band into *nout. */
static void count_line(const mh_targets *t, const ensembles *e, mh_target_role role, char *out, size_t len, int *n,
                       int *nout)
{
    int k = 0;
    *n = 0;
    for (int i = 0; i < e->n; i++)
        if (mh_targets_info(t, i)->role == role) {
            (*n)++;
            k += mean_within(t, e, i);
        }
    *nout = *n - k;
    int u = snprintf(out, len, "%s: %d of %d within band", mh_target_role_name(role), k, *n);
    if (role == MH_TARGET_VALIDATION && u >= 0 && (size_t)u < len) {
        if (*n > 0)
            snprintf(out + u, len - (size_t)u, " (%.1f %%)", 100.0 * k / *n);
        else
            snprintf(out + u, len - (size_t)u, " (no targets)");
    }
}

/* Where target i's 95 % interval stands against its band (whole, part, none). */
static mh_ensemble_cover coverage(const mh_targets *t, const ensembles *e, int i)
{
    const mh_target_info *ti = mh_targets_info(t, i);
    return mh_ensemble_coverage(&e->st[i], ti->band_lo, ti->band_hi, ti->lo_open, ti->hi_open);
}

/* The replicates' seeds, how they are derived, and the coverage of the intervals, for validation.md. */
static void write_seeds(FILE *md, const mh_targets *t, const ensembles *e)
{
    int n = mh_targets_count(t), ncover[3] = {0, 0, 0};
    for (int i = 0; i < n; i++)
        ncover[coverage(t, e, i)]++;
    fprintf(md, "Targets: `%s`. Each target runs %d replicate%s", mh_targets_path(t), e->nrep, e->nrep == 1 ? "" : "s");
    if (e->same_seed) {
        fprintf(md, " with base seed %lu: seeds", e->base_seed[0]);
        const int shown = e->nrep < 16 ? e->nrep : 16;
        for (int r = 0; r < shown; r++)
            fprintf(md, "%s %lu", r > 0 ? "," : "", mh_ensemble_seed(e->base_seed[0], r));
        fprintf(md, "%s.", shown < e->nrep ? ", ..." : "");
    } else {
        fprintf(md, "; the targets' base seeds differ (validation.csv, base_seed).");
    }
    fprintf(md, " Replicate 0 runs the base seed (the scenario's `seed`), replicate r >= 1 the r-th output of GSL's "
                "mt19937 seeded with it; both parts of a ratio run with the same seed.\n\n");
    fprintf(md,
            "The calibration set (role = calibration in the targets file) holds the targets the parameters were "
            "fitted or tuned to; the validation set (role = validation) is held out: no parameter is chosen by it. "
            "Of the %d targets, the 95 %% interval of the mean lies wholly inside the band for %d, partly for %d, "
            "not at all for %d.\n\n",
            n, ncover[MH_COVER_WHOLE], ncover[MH_COVER_PART], ncover[MH_COVER_NONE]);
}

/* One table of validation.md: the targets of role, under the set's heading and its count line. */
static void write_set_table(FILE *md, const mh_targets *t, const ensembles *e, mh_target_role role)
{
    char line[128];
    int n = 0, nout = 0;
    count_line(t, e, role, line, sizeof line, &n, &nout);
    fprintf(md, "## %s\n\n%s\n\n", set_titles[role], line);
    if (n == 0)
        return;
    fprintf(md, "| item | target | observable | source | data value | band | model mean | sd | 95 %% CI | within "
                "band | CI in band |\n");
    fprintf(md, "|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < e->n; i++) {
        const mh_target_info *ti = mh_targets_info(t, i);
        if (ti->role != role)
            continue;
        const mh_ensemble_stats *st = &e->st[i];
        char obs[512], datum[96], band[96];
        format_observable(ti, obs, sizeof obs);
        format_datum(ti, datum, sizeof datum);
        format_band(ti, band, sizeof band);
        fprintf(md, "| %s | %s | `%s` | %s | %s | %s | %.4g | %.3g | [%.4g, %.4g] | %s | %s |\n", ti->item, ti->name,
                obs, ti->source, datum, band, st->mean, st->sd, st->ci_lo, st->ci_hi,
                mean_within(t, e, i) ? "yes" : "**no**", mh_ensemble_cover_name(coverage(t, e, i)));
    }
    fprintf(md, "\n");
}

/* DIR/validation.md and DIR/validation.csv, the calibration set first, then the validation set: 0, or the
 * exit status after a message. */
static int write_tables(const char *dir, const mh_targets *t, const ensembles *e)
{
    char path[4096], *tmp = NULL;
    int rc = 0;
    FILE *md = open_out(dir, "validation.md", path, sizeof path, &tmp, &rc);
    if (md == NULL)
        return rc;
    fprintf(md, "# microheal validation\n\n");
    write_seeds(md, t, e);
    for (int role = 0; role < MH_TARGET_ROLES; role++)
        write_set_table(md, t, e, (mh_target_role)role);
    fprintf(md, "Data value: datum ± sigma, or the band where the source gives only a bound. Band: the acceptance "
                "band, '(' or ')' for an open end. Model mean, sd: over the replicates; 95 %% CI: Student's t "
                "interval of the mean (nan with one replicate, or when a replicate has no value). Within band: the "
                "mean is. CI in band: the interval lies inside the band wholly, in part, or not at all (none).\n");
    rc = mh_cli_text_close(md, tmp, path);
    FILE *csv = rc == 0 ? open_out(dir, "validation.csv", path, sizeof path, &tmp, &rc) : NULL;
    if (csv == NULL)
        return rc;
    fprintf(csv, "item,target,role,observable,source,value,sigma,band_lo,band_hi,lo_open,hi_open,replicates,base_seed,"
                 "mean,sd,ci_lo,ci_hi,within_band,coverage\n");
    for (int role = 0; role < MH_TARGET_ROLES; role++)
        for (int i = 0; i < e->n; i++) {
            const mh_target_info *ti = mh_targets_info(t, i);
            if ((int)ti->role != role)
                continue;
            const mh_ensemble_stats *st = &e->st[i];
            char obs[512];
            format_observable(ti, obs, sizeof obs);
            mh_export_csv_text(csv, ti->item);
            fputc(',', csv);
            mh_export_csv_text(csv, ti->name);
            fprintf(csv, ",%s,", mh_target_role_name(ti->role));
            mh_export_csv_text(csv, obs);
            fputc(',', csv);
            mh_export_csv_text(csv, ti->source);
            fprintf(csv, ",%.10g,%.10g,%g,%g,%d,%d,%d,%lu,%.10g,%.10g,%.10g,%.10g,%s,%s\n",
                    ti->has_value ? ti->value : NAN, ti->has_sigma ? ti->sigma : NAN, ti->band_lo, ti->band_hi,
                    ti->lo_open, ti->hi_open, e->nrep, e->base_seed[i], st->mean, st->sd, st->ci_lo, st->ci_hi,
                    mean_within(t, e, i) ? "yes" : "no", mh_ensemble_cover_name(coverage(t, e, i)));
        }
    return mh_cli_text_close(csv, tmp, path);
}

/* One row per target for scripts/validation.gp: index name item band_lo band_hi datum sigma mean ymin ymax
 * within ci_lo ci_hi; infinite band ends drawn at the panel's edge, an interval that is NaN (one replicate)
 * drawn as the mean. 0, or the exit status after a message. */
static int write_plot_data(const char *dir, const mh_targets *t, const ensembles *e)
{
    char path[4096], *tmp = NULL;
    int rc = 0;
    FILE *f = open_out(dir, "validation_plot.dat", path, sizeof path, &tmp, &rc);
    if (f == NULL)
        return rc;
    for (int i = 0; i < mh_targets_count(t); i++) {
        const mh_target_info *ti = mh_targets_info(t, i);
        const mh_ensemble_stats *st = &e->st[i];
        const double ci_lo = isfinite(st->ci_lo) ? st->ci_lo : st->mean,
                     ci_hi = isfinite(st->ci_hi) ? st->ci_hi : st->mean;
        double v[8] = {ti->band_lo,
                       ti->band_hi,
                       ti->has_value ? ti->value : NAN,
                       ti->has_value && ti->has_sigma ? ti->value - ti->sigma : NAN,
                       ti->has_value && ti->has_sigma ? ti->value + ti->sigma : NAN,
                       st->mean,
                       ci_lo,
                       ci_hi};
        double lo = INFINITY, hi = -INFINITY;
        for (int k = 0; k < 8; k++)
            if (isfinite(v[k])) {
                lo = fmin(lo, v[k]);
                hi = fmax(hi, v[k]);
            }
        double pad = hi > lo ? 0.15 * (hi - lo) : fmax(fabs(hi), 1.0) * 0.5;
        if (!(hi >= lo)) { /* nothing finite */
            lo = -1;
            hi = 1;
        }
        double ymin = lo - pad, ymax = hi + pad;
        fprintf(f, "%d ", i + 1);
        mh_gp_put_data_text(f, ti->name);
        fputc(' ', f);
        mh_gp_put_data_text(f, ti->item[0] ? ti->item : "-");
        fprintf(f, " %.10g %.10g %.10g %.10g %.10g %.10g %.10g %d %.10g %.10g\n",
                isfinite(ti->band_lo) ? ti->band_lo : ymin, isfinite(ti->band_hi) ? ti->band_hi : ymax,
                ti->has_value ? ti->value : NAN, ti->has_value && ti->has_sigma ? ti->sigma : 0.0,
                isfinite(st->mean) ? st->mean : NAN, ymin, ymax, mean_within(t, e, i) ? 1 : 0,
                isfinite(ci_lo) ? ci_lo : NAN, isfinite(ci_hi) ? ci_hi : NAN);
    }
    return mh_cli_text_close(f, tmp, path);
}

/* Whether an observable looks at the dermal matrix (a per-layer column), and which panel of
 * healing_curves.gp shows its layer (1 papillary dermis, 2 whole dermis, 0 neither). */
static bool matrix_observable(const char *obs, int *panel)
{
    static const char *kinds[] = {"gain:", "increment:", "peak_day:", "peak:", "value:"};
    bool kind = false;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        kind = kind || strncmp(obs, kinds[k], strlen(kinds[k])) == 0;
    const char *col = strchr(obs, ':');
    if (!kind || col == NULL || strchr(col, '/') == NULL)
        return false;
    *panel = strncmp(col + 1, "papillary_dermis/", 17) == 0 ? 1 : strncmp(col + 1, "dermis/", 7) == 0 ? 2 : 0;
    return true;
}

/* Healing curves of the first matrix target of each item (its replicate 0: the base seed's run), with the
 * datum where it is a gain on a shown layer at a day. */
static bool plot_curves(const char *dir, const char *scripts, mh_targets *t, const char *const *sets,
                        const ensembles *e, mh_ctx *ctx)
{
    bool ok = true;
    for (int i = 0; i < mh_targets_count(t) && ok; i++) {
        const mh_target_info *ti = mh_targets_info(t, i);
        int panel = 0;
        if (!matrix_observable(ti->observable, &panel))
            continue;
        bool first = true;
        for (int k = 0; k < i; k++) {
            int p;
            const mh_target_info *tk = mh_targets_info(t, k);
            if (strcmp(tk->item, ti->item) == 0 && matrix_observable(tk->observable, &p))
                first = false;
        }
        if (!first)
            continue;
        const mh_series *s = NULL;
        const mh_summary *m = NULL;
        if (mh_targets_run(t, i, sets, &s, &m, ctx) != MH_OK) {
            mh_cli_fail(ctx);
            return false;
        }
        char name[256], spath[4096], sesspath[4096], dpath[4096] = "", png[4096];
        snprintf(name, sizeof name, "item%s_series.txt", ti->item[0] ? ti->item : "-");
        char *tmp = NULL;
        int rc = 0;
        FILE *f = open_out(dir, name, spath, sizeof spath, &tmp, &rc);
        if (f == NULL)
            return false;
        mh_export_series_table(s, ti->name, f);
        ok = mh_cli_text_close(f, tmp, spath) == 0;
        snprintf(name, sizeof name, "item%s_sessions.txt", ti->item[0] ? ti->item : "-");
        if (ok && (f = open_out(dir, name, sesspath, sizeof sesspath, &tmp, &rc)) != NULL) {
            fprintf(f, "# session day\n");
            for (int k = 0; k < m->nsessions; k++)
                fprintf(f, "%d %.9g\n", k + 1, m->session_days[k]);
            ok = mh_cli_text_close(f, tmp, sesspath) == 0;
        } else {
            ok = false;
        }
        const char *day = strstr(ti->observable, "@day=");
        bool datum = ok && ti->has_value && ti->ratio_observable == NULL && panel > 0 && day != NULL;
        snprintf(name, sizeof name, "item%s_data.txt", ti->item[0] ? ti->item : "-");
        if (datum && (f = open_out(dir, name, dpath, sizeof dpath, &tmp, &rc)) != NULL) {
            double offset = strncmp(ti->observable, "increment:", 10) == 0 ? 1.0 : 0.0;
            fprintf(f, "# panel day value sigma (%s: %s)\n%d %s %.9g %.9g\n", ti->name, ti->observable, panel, day + 5,
                    ti->value + offset, ti->has_sigma ? ti->sigma : 0.0);
            datum = mh_cli_text_close(f, tmp, dpath) == 0;
            ok = datum;
        } else if (datum) {
            ok = false; /* open_out said why */
        }
        if (!ok)
            return false;
        char script[4096], subtitle[512];
        mh_gp v;
        ok = mh_cli_fmt(script, sizeof script, "%s/healing_curves.gp", scripts) &&
             mh_cli_fmt(png, sizeof png, "%s/item%s_healing_curves.png", dir, ti->item[0] ? ti->item : "-") &&
             mh_gp_init(&v);
        if (ok) {
            snprintf(subtitle, sizeof subtitle, "item %s: %s (replicate 0 of %d, seed %lu)", ti->item, ti->name,
                     e->nrep, e->base_seed[i]);
            char *png_tmp = mh_gp_out_open(png);    /* drawn there, renamed onto png when complete */
            v.failed = v.failed || png_tmp == NULL; /* mh_gp_run then only frees v */
            if (png_tmp != NULL) {
                mh_gp_path(&v, spath);
                mh_gp_path(&v, sesspath);
                mh_gp_path(&v, png_tmp);
                mh_gp_text(&v, subtitle);
                if (datum)
                    mh_gp_path(&v, dpath);
            }
            ok = mh_gp_out_close(png_tmp, png, mh_gp_run(&v, script));
        }
    }
    return ok;
}

/* Whether an observable reads a series column at a day (value:, gain: or increment: ...@day=D): the column
 * into col (len bytes), D into *day, and into *offset what turns the target's numbers into the column's
 * own (1 for an increment, else 0). */
static bool day_observable(const char *obs, char *col, size_t len, double *day, double *offset)
{
    static const char *kinds[] = {"value:", "gain:", "increment:"};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        const size_t n = strlen(kinds[k]);
        const char *at = strncmp(obs, kinds[k], n) == 0 ? strstr(obs + n, "@day=") : NULL;
        if (at == NULL)
            continue;
        const size_t w = (size_t)(at - (obs + n));
        char *end = NULL;
        *day = strtod(at + 5, &end);
        if (w == 0 || w >= len || end == at + 5 || *end != '\0' || !isfinite(*day))
            return false;
        memcpy(col, obs + n, w);
        col[w] = '\0';
        *offset = k == 2 ? 1.0 : 0.0;
        return true;
    }
    return false;
}

/* The resolved configuration text of target i's scenario (malloc'ed), NULL unless the target reads a
 * series column at a day and is no ratio. */
static char *timecourse_key(mh_targets *t, int i, const char *const *sets, mh_ctx *ctx)
{
    const mh_target_info *ti = mh_targets_info(t, i);
    char col[256];
    double day, offset;
    if (ti->ratio_observable != NULL || !day_observable(ti->observable, col, sizeof col, &day, &offset))
        return NULL;
    mh_config *cfg = NULL;
    if (mh_targets_config(t, i, sets, false, &cfg, ctx) != MH_OK)
        return NULL;
    char *key = strdup(mh_config_text(cfg));
    mh_config_destroy(&cfg);
    return key;
}

/* One study's time course: the targets of study (n of them, indices into t, one scenario) into
 * DIR/timecourse_NAME.dat, the scenario's replicate-0 series into DIR/timecourse_NAME_series.txt, and
 * scripts/timecourse.gp draws DIR/timecourse_NAME.png. NAME is the first target's name, with any character
 * other than a letter, digit, '_', '-' or '.' replaced by '_'. */
static bool plot_study(const char *dir, const char *scripts, mh_targets *t, const char *const *sets, const ensembles *e,
                       const int *study, int n, mh_ctx *ctx)
{
    const mh_target_info *t0 = mh_targets_info(t, study[0]);
    char stem[160];
    snprintf(stem, sizeof stem, "timecourse_%.140s", t0->name);
    for (char *c = stem; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_' ||
              *c == '-' || *c == '.'))
            *c = '_';
    const mh_series *s = NULL;
    const mh_summary *m = NULL;
    if (mh_targets_run(t, study[0], sets, &s, &m, ctx) != MH_OK) {
        mh_cli_fail(ctx);
        return false;
    }
    char name[256], spath[4096], dpath[4096], png[4096], script[4096], subtitle[512];
    char *tmp = NULL;
    int rc = 0;
    snprintf(name, sizeof name, "%s_series.txt", stem);
    FILE *f = open_out(dir, name, spath, sizeof spath, &tmp, &rc);
    if (f == NULL)
        return false;
    mh_export_series_table(s, t0->name, f);
    if (mh_cli_text_close(f, tmp, spath) != 0)
        return false;
    snprintf(name, sizeof name, "%s.dat", stem);
    if ((f = open_out(dir, name, dpath, sizeof dpath, &tmp, &rc)) == NULL)
        return false;
    fprintf(f, "# panel \"column\" day band_lo band_hi datum sigma mean ci_lo ci_hi within \"target\"\n");
    char cols[8][256];
    int ncols = 0;
    for (int k = 0; k < n; k++) {
        const mh_target_info *ti = mh_targets_info(t, study[k]);
        const mh_ensemble_stats *st = &e->st[study[k]];
        char col[256];
        double day = 0, off = 0;
        day_observable(ti->observable, col, sizeof col, &day, &off);
        int panel = 0;
        while (panel < ncols && strcmp(cols[panel], col) != 0)
            panel++;
        if (panel == ncols) {
            if (ncols == 8)
                continue; /* a ninth column of one study: not drawn */
            snprintf(cols[ncols++], sizeof cols[0], "%s", col);
        }
        fprintf(f, "%d ", panel + 1);
        mh_gp_put_data_text(f, col);
        fprintf(f, " %.10g %.10g %.10g %.10g %.10g %.10g %.10g %.10g %d ", day,
                isfinite(ti->band_lo) ? ti->band_lo + off : -1e30, isfinite(ti->band_hi) ? ti->band_hi + off : 1e30,
                ti->has_value ? ti->value + off : NAN, ti->has_value && ti->has_sigma ? ti->sigma : 0.0, st->mean + off,
                st->ci_lo + off, st->ci_hi + off, mean_within(t, e, study[k]) ? 1 : 0);
        mh_gp_put_data_text(f, ti->name);
        fputc('\n', f);
    }
    if (mh_cli_text_close(f, tmp, dpath) != 0)
        return false;
    mh_gp v;
    if (!mh_cli_fmt(script, sizeof script, "%s/timecourse.gp", scripts) ||
        !mh_cli_fmt(png, sizeof png, "%s/%s.png", dir, stem) || !mh_gp_init(&v))
        return false;
    snprintf(subtitle, sizeof subtitle, "%.200s and %d more targets of its scenario (replicate 0 of %d, seed %lu)",
             t0->name, n - 1, e->nrep, e->base_seed[study[0]]);
    char *png_tmp = mh_gp_out_open(png);
    v.failed = v.failed || png_tmp == NULL;
    if (png_tmp != NULL) {
        mh_gp_path(&v, spath);
        mh_gp_path(&v, dpath);
        mh_gp_path(&v, png_tmp);
        mh_gp_text(&v, subtitle);
    }
    return mh_gp_out_close(png_tmp, png, mh_gp_run(&v, script));
}

/* Time courses: every scenario that two or more targets read at a day from a series column (value:, gain:,
 * increment:; no ratios) gets one figure of those targets against the scenario's curves (plot_study). */
static bool plot_timecourses(const char *dir, const char *scripts, mh_targets *t, const char *const *sets,
                             const ensembles *e, mh_ctx *ctx)
{
    const int n = mh_targets_count(t);
    char **key = calloc((size_t)n, sizeof *key);
    int *study = malloc((size_t)n * sizeof *study);
    bool ok = key != NULL && study != NULL;
    for (int i = 0; ok && i < n; i++)
        key[i] = timecourse_key(t, i, sets, ctx);
    for (int i = 0; ok && i < n; i++) {
        if (key[i] == NULL)
            continue;
        bool first = true;
        for (int k = 0; k < i && first; k++)
            first = key[k] == NULL || strcmp(key[k], key[i]) != 0;
        int ns = 0;
        for (int k = i; first && k < n; k++)
            if (key[k] != NULL && strcmp(key[k], key[i]) == 0)
                study[ns++] = k;
        if (first && ns >= 2)
            ok = plot_study(dir, scripts, t, sets, e, study, ns, ctx);
    }
    if (key == NULL || study == NULL)
        fprintf(stderr, "microheal: out of memory (time courses)\n");
    for (int i = 0; key != NULL && i < n; i++)
        free(key[i]);
    free(key);
    free(study);
    return ok;
}

/* Frees what ensembles_alloc allocated; accepts a zeroed e. */
static void ensembles_clear(ensembles *e)
{
    free(e->values);
    free(e->st);
    free(e->base_seed);
    memset(e, 0, sizeof *e);
}

/* The arrays of e for n targets and nrep replicates (values NaN): false when out of memory (e cleared). */
static bool ensembles_alloc(ensembles *e, int n, int nrep)
{
    e->n = n;
    e->nrep = nrep;
    e->values = malloc((size_t)n * (size_t)nrep * sizeof *e->values);
    e->st = calloc((size_t)n, sizeof *e->st);
    e->base_seed = calloc((size_t)n, sizeof *e->base_seed);
    if (e->values == NULL || e->st == NULL || e->base_seed == NULL) {
        ensembles_clear(e);
        return false;
    }
    for (size_t k = 0; k < (size_t)n * (size_t)nrep; k++)
        e->values[k] = NAN;
    return true;
}

/* The ensembles of every target into e, replicate by replicate (every target at one replicate, then at the
 * next), so that the targets that share a scenario share its run at each replicate and no run is repeated
 * whatever the number of replicates (the cache holds MH_TARGETS_CACHE runs). Replicate 0 goes last: its runs
 * are still cached for the healing curves. A target whose simulation fails is reported and left NaN (outside
 * its band); bad input stops. Returns MH_ARGS_GO_ON, or the exit status (2) after a message. */
static int run_ensembles(mh_targets *t, const char *const *sets, int quiet, ensembles *e, mh_ctx *ctx)
{
    bool *failed = calloc((size_t)e->n, sizeof *failed);
    if (failed == NULL) {
        fprintf(stderr, "microheal: out of memory\n");
        return 1;
    }
    int rc = MH_ARGS_GO_ON;
    e->same_seed = true;
    for (int i = 0; rc < 0 && i < e->n; i++) {
        mh_ctx_init(ctx);
        if (mh_targets_base_seed(t, i, sets, &e->base_seed[i], ctx) != MH_OK)
            rc = mh_cli_fail(ctx);
        e->same_seed = e->same_seed && e->base_seed[i] == e->base_seed[0];
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int k = 0; rc < 0 && k < e->nrep; k++) {
        const int r = e->nrep - 1 - k;
        for (int i = 0; rc < 0 && i < e->n; i++) {
            if (failed[i])
                continue;
            mh_ctx_init(ctx);
            if (mh_targets_evaluate_replicate(t, i, sets, r, &e->values[i * e->nrep + r], ctx) != MH_OK) {
                /* bad input stops; a failed simulation is reported and counts as outside the band */
                int code = mh_cli_fail(ctx);
                if (code == 2)
                    rc = code;
                failed[i] = true;
                e->nfailed++;
                e->values[i * e->nrep + r] = NAN;
            }
        }
        if (!quiet && rc < 0)
            fprintf(stderr, "replicate %d done (%d of %d, %.1f s)\n", r, k + 1, e->nrep, seconds_since(&t0));
    }
    for (int i = 0; i < e->n; i++)
        e->st[i] = mh_ensemble_stats_of(&e->values[i * e->nrep], 1, e->nrep);
    free(failed);
    return rc;
}

int mh_cmd_validate(int argc, char **argv)
{
    cli_args a = {0};
    mh_args args;
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_targets *t = NULL;
    ensembles e = {0};
    int rc = parse_args(argc, argv, false, &args, &a);
    const char *dir = a.out != NULL ? a.out : "results/validation";
    if (rc < 0 && mh_targets_load(a.targets, &ctx, &t) != MH_OK)
        rc = mh_cli_fail(&ctx);
    if (rc < 0 && !ensembles_alloc(&e, mh_targets_count(t), a.replicates > 0 ? a.replicates : VALIDATE_REPLICATES)) {
        fprintf(stderr, "microheal: out of memory\n");
        rc = 1;
    }
    if (rc < 0 && !mh_cli_mkdirs(dir)) /* before minutes of simulations; it says why not */
        rc = 1;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (rc < 0)
        rc = run_ensembles(t, a.sets, a.quiet, &e, &ctx);
    int nout[MH_TARGET_ROLES] = {0, 0}, nset[MH_TARGET_ROLES] = {0, 0}; /* per set: outside their band, all */
    char counts[MH_TARGET_ROLES][128];
    for (int role = 0; rc < 0 && role < MH_TARGET_ROLES; role++) {
        count_line(t, &e, (mh_target_role)role, counts[role], sizeof counts[role], &nset[role], &nout[role]);
        if (!a.quiet)
            fprintf(stderr, "%s:\n", set_titles[role]);
        for (int i = 0; !a.quiet && i < e.n; i++) {
            const mh_target_info *ti = mh_targets_info(t, i);
            if ((int)ti->role != role)
                continue;
            char band[96];
            format_band(ti, band, sizeof band);
            fprintf(stderr, "  %-34s item %-2s mean %-10.4g 95%% CI [%.4g, %.4g] band %-14s %-7s CI in band: %s\n",
                    ti->name, ti->item, e.st[i].mean, e.st[i].ci_lo, e.st[i].ci_hi, band,
                    mean_within(t, &e, i) ? "within" : "OUTSIDE", mh_ensemble_cover_name(coverage(t, &e, i)));
        }
    }
    int wrote = rc < 0 ? write_tables(dir, t, &e) : 0;
    if (rc < 0 && wrote == 0)
        wrote = write_plot_data(dir, t, &e);
    if (rc < 0 && wrote != 0)
        rc = wrote;
    char scripts[4096];
    if (rc < 0 && !mh_cli_scripts_dir(a.scripts, scripts, sizeof scripts)) {
        fprintf(stderr, "microheal: cannot find the scripts folder (give --scripts DIR)\n");
        rc = 1;
    }
    if (rc < 0) {
        char script[8192], dat[8192], png[8192];
        mh_gp v;
        bool plotted = mh_cli_fmt(script, sizeof script, "%s/validation.gp", scripts) &&
                       mh_cli_fmt(dat, sizeof dat, "%s/validation_plot.dat", dir) &&
                       mh_cli_fmt(png, sizeof png, "%s/validation.png", dir) && mh_gp_init(&v) &&
                       mh_gp_draw(&v, script, dat, png) && plot_curves(dir, scripts, t, a.sets, &e, &ctx) &&
                       plot_timecourses(dir, scripts, t, a.sets, &e, &ctx);
        long runs = 0, hits = 0;
        mh_targets_stats(t, &runs, &hits);
        if (!a.quiet)
            fprintf(stderr, "%s\n%s\n%d replicates; %ld simulations (%ld shared) in %.1f s; wrote %s/\n",
                    counts[MH_TARGET_CALIBRATION], counts[MH_TARGET_VALIDATION], e.nrep, runs, hits, seconds_since(&t0),
                    dir);
        /* a failed simulation fails the command whatever the target's set: it is no score */
        const bool missed =
            nout[MH_TARGET_CALIBRATION] > 0 || (a.strict && nout[MH_TARGET_VALIDATION] > 0) || e.nfailed > 0;
        if (!a.quiet && nout[MH_TARGET_VALIDATION] > 0)
            fprintf(stderr, "%d of the validation set outside its band: %s\n", nout[MH_TARGET_VALIDATION],
                    a.strict ? "a failure (--strict)" : "reported, not a failure (--strict makes it one)");
        rc = (!missed && plotted) ? 0 : 1;
    }
    ensembles_clear(&e);
    mh_targets_destroy(&t);
    mh_args_clear(&args);
    return rc;
}
