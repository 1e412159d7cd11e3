/* src/cli: the microheal command: parse the arguments, call the library, report, exit code. */
/* cmd_insert: microheal insert CONFIG... -- how deep the configured needles really go (the insertion model,
 * papers/insertion.md), for device designers: per configuration, the session's insertion, a table of
 * effective depth against needle length and one of force and depth against needle spacing (the array's
 * footprint kept), and with -o a folder of those tables and a picture that overlays the configurations. */
#include "mh_args.h"
#include "mh_build.h"
#include "mh_cli.h"
#include "mh_cli_util.h"
#include "mh_config.h"
#include "mh_device.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *usage_insert =
    "usage: microheal insert CONFIG... [--session N] [--lengths L1,L2,...] [--spacings S1,S2,...]\n"
    "                        [--set section.key=value ...] [-o DIR] [--scripts DIR] [-q]\n"
    "\n"
    "How deep the configured device's needles go into the configured skin (the insertion model,\n"
    "papers/insertion.md), for each CONFIG: the insertion of session N (default 1), then effective depth\n"
    "against needle length (mm; default 0.25 to 3) and force and depth against needle spacing (mm;\n"
    "default 0.1 to 3, the array's footprint kept: closer needles are more needles). --set applies to\n"
    "every CONFIG. With -o DIR: DIR/insertion_length.dat, DIR/insertion_spacing.dat and DIR/insertion.png\n"
    "(gnuplot), one curve per CONFIG. A penetration_fraction given as a number is ignored here: the model\n"
    "is what this command shows.\n";

#define MAX_POINTS 64
#define MAX_CONFIGS 6 /* the picture names up to six (gnuplot ARG4..ARG9) */

enum { OPT_SESSION = MH_ARGS_OWN, OPT_LENGTHS, OPT_SPACINGS, OPT_SCRIPTS };

typedef struct {
    long session;
    double lengths[MAX_POINTS], spacings[MAX_POINTS];
    int nlengths, nspacings;
    const char *scripts;
} insert_opts;

/* The numbers of a comma-separated list into v[MAX_POINTS], each in (lo, hi]: their count, or -1 after a
 * usage error. */
static int parse_values(const char *opt, char *arg, double lo, double hi, double *v)
{
    const char *items[MAX_POINTS + 1];
    int n = mh_cli_split_list(arg, items, MAX_POINTS + 1);
    if (n < 1 || n > MAX_POINTS) {
        fprintf(stderr, "microheal: %s: give 1 to %d numbers separated by commas\n%s", opt, MAX_POINTS, usage_insert);
        return -1;
    }
    for (int i = 0; i < n; i++)
        if (!mh_cli_parse_double(items[i], &v[i]) || !(v[i] > lo && v[i] <= hi)) {
            fprintf(stderr, "microheal: %s: '%s' is not a number in (%g, %g]\n%s", opt, items[i], lo, hi, usage_insert);
            return -1;
        }
    return n;
}

static int on_insert_option(mh_args *a, int val, char *arg)
{
    insert_opts *o = a->user;
    switch (val) {
    case OPT_SESSION:
        o->session = mh_cli_whole(usage_insert, "--session", arg, 1, MH_MAX_SESSIONS);
        return o->session < 0 ? 2 : 0;
    case OPT_LENGTHS:
        return (o->nlengths = parse_values("--lengths", arg, 0.0, 5.0, o->lengths)) < 0 ? 2 : 0;
    case OPT_SPACINGS:
        return (o->nspacings = parse_values("--spacings", arg, 0.0, 50.0, o->spacings)) < 0 ? 2 : 0;
    case OPT_SCRIPTS:
        o->scripts = arg;
        return 0;
    }
    return 2;
}

/* What one configuration gives. */
typedef struct {
    const char *label;
    mh_device_params dp;
    mh_device base;
    mh_insert_result len[MAX_POINTS], spc[MAX_POINTS];
    int needles[MAX_POINTS]; /* the array's needles at each spacing (footprint kept) */
} insert_case;

static const char *type_name(mh_device_type t)
{
    static const char *const names[] = {"pen", "roller", "stamp", "patch", "none"};
    return names[t];
}

/* The insertion of dp with the given penetration fraction set to auto. */
static mh_status resolve(mh_device_params dp, mh_device *dev, mh_ctx *ctx)
{
    dp.penetration_fraction = NAN;
    return mh_device_resolve(&dp, dev, ctx);
}

/* Fills c from the configuration at path (the sets of a applied): MH_OK, or the status after its message. */
static mh_status load_case(const char *path, const mh_args *a, const insert_opts *o, insert_case *c, mh_ctx *ctx)
{
    mh_config *cfg = NULL;
    mh_status st = mh_config_create(ctx, &cfg);
    if (st == MH_OK)
        st = mh_config_load(cfg, path, ctx);
    if (st == MH_OK)
        st = mh_args_apply(a, cfg, ctx);
    if (st == MH_OK)
        st = mh_build_device_params(cfg, (int)o->session, &c->dp, ctx);
    if (st == MH_OK && c->dp.type != MH_DEV_NONE) { /* the settings as given, errors naming their keys */
        mh_device_params given = c->dp;
        given.penetration_fraction = NAN;
        st = mh_build_device_check(cfg, (int)o->session, &given, ctx);
    }
    mh_config_destroy(&cfg);
    if (st != MH_OK)
        return st;
    if (c->dp.type == MH_DEV_NONE)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: session %ld has no needles (device.type = none)", path, o->session);
    c->label = path;
    if ((st = resolve(c->dp, &c->base, ctx)) != MH_OK)
        return st;
    /* the array's footprint: its needles times the square of their pitch */
    const double footprint = c->base.arr.needles * c->base.arr.spacing_mm * c->base.arr.spacing_mm;
    for (int i = 0; i < o->nlengths && st == MH_OK; i++) {
        mh_device_params dp = c->dp;
        dp.needle_length_mm = o->lengths[i];
        mh_device d;
        if ((st = resolve(dp, &d, ctx)) == MH_OK)
            c->len[i] = d.ins;
    }
    for (int i = 0; i < o->nspacings && st == MH_OK; i++) {
        mh_device_params dp = c->dp;
        dp.needle_spacing_mm = o->spacings[i];
        if (dp.type != MH_DEV_ROLLER) { /* a roller's engaged needles follow from its drum */
            double n = round(footprint / (o->spacings[i] * o->spacings[i]));
            dp.needles = (int)fmax(1.0, fmin(n, 5000.0));
        }
        mh_device d;
        if ((st = resolve(dp, &d, ctx)) == MH_OK) {
            c->spc[i] = d.ins;
            c->needles[i] = d.arr.needles;
        }
    }
    return st;
}

static void print_case(const insert_case *c, const insert_opts *o)
{
    const mh_device *d = &c->base;
    printf("%s: session %ld: %s, %.2f mm needles, tip radius %.1f um, shaft %.0f um, %d needles meet the skin\n",
           c->label, o->session, type_name(d->type), d->needle_length_mm, c->dp.tip_radius_um,
           d->needle_diameter_mm * 1e3, d->arr.needles);
    mh_cli_print_insertion(stdout, d, "  ");
    printf("  length_mm  depth_um  sd_um  fraction  fail_%%  puncture_N  array_N\n");
    for (int i = 0; i < o->nlengths; i++)
        printf("  %9.3f  %8.1f  %5.1f  %8.3f  %6.1f  %10.4f  %7.3f\n", o->lengths[i], c->len[i].depth_mean_mm * 1e3,
               c->len[i].depth_sd_mm * 1e3, c->len[i].fraction, 100.0 * c->len[i].fail_fraction,
               c->len[i].puncture_force_n, c->len[i].array_force_n);
    printf("  spacing_mm  needles  depth_um  fail_%%  hub_travel_um  array_N\n");
    for (int i = 0; i < o->nspacings; i++)
        printf("  %10.3f  %7d  %8.1f  %6.1f  %13.1f  %7.3f\n", o->spacings[i], c->needles[i],
               c->spc[i].depth_mean_mm * 1e3, 100.0 * c->spc[i].fail_fraction, c->spc[i].hub_travel_mm * 1e3,
               c->spc[i].array_force_n);
}

typedef struct {
    const insert_case *cases;
    int ncases;
    const insert_opts *o;
} tables;

static void fill_length(FILE *f, const void *user)
{
    const tables *t = user;
    fprintf(f, "# microheal insert: effective depth against needle length (papers/insertion.md)\n"
               "# case length_mm depth_mm depth_sd_mm fraction fail_fraction puncture_force_n array_force_n label\n");
    for (int k = 0; k < t->ncases; k++) {
        for (int i = 0; i < t->o->nlengths; i++) {
            const mh_insert_result *r = &t->cases[k].len[i];
            fprintf(f, "%d %.6g %.6g %.6g %.6g %.6g %.6g %.6g ", k, t->o->lengths[i], r->depth_mean_mm, r->depth_sd_mm,
                    r->fraction, r->fail_fraction, r->puncture_force_n, r->array_force_n);
            mh_gp_put_data_text(f, t->cases[k].label);
            fputc('\n', f);
        }
        fputs("\n\n", f); /* one gnuplot data set per case */
    }
}

static void fill_spacing(FILE *f, const void *user)
{
    const tables *t = user;
    fprintf(f, "# microheal insert: force and depth against needle spacing, the array's footprint kept\n"
               "# case spacing_mm needles depth_mm fail_fraction hub_travel_mm array_force_n label\n");
    for (int k = 0; k < t->ncases; k++) {
        for (int i = 0; i < t->o->nspacings; i++) {
            const mh_insert_result *r = &t->cases[k].spc[i];
            fprintf(f, "%d %.6g %d %.6g %.6g %.6g %.6g ", k, t->o->spacings[i], t->cases[k].needles[i],
                    r->depth_mean_mm, r->fail_fraction, r->hub_travel_mm, r->array_force_n);
            mh_gp_put_data_text(f, t->cases[k].label);
            fputc('\n', f);
        }
        fputs("\n\n", f);
    }
}

/* The tables and the picture in dir: 0, or 1 after a message. */
static int write_outputs(const char *dir, const char *scripts, const tables *t, int quiet)
{
    char lpath[4096], spath[4096], png[4096], script[4096];
    if (!mh_cli_mkdirs(dir) || !mh_cli_fmt(lpath, sizeof lpath, "%s/insertion_length.dat", dir) ||
        !mh_cli_fmt(spath, sizeof spath, "%s/insertion_spacing.dat", dir) ||
        !mh_cli_fmt(png, sizeof png, "%s/insertion.png", dir) ||
        !mh_cli_fmt(script, sizeof script, "%s/insertion.gp", scripts))
        return 1;
    if (!mh_cli_write_table(lpath, fill_length, t) || !mh_cli_write_table(spath, fill_spacing, t))
        return 1;
    if (!mh_cli_have_program("gnuplot")) {
        fprintf(stderr, "microheal: gnuplot not found (install gnuplot-nox, or run make deps): wrote the tables "
                        "only\n");
        return 1;
    }
    mh_gp g;
    if (!mh_gp_init(&g))
        return 1;
    mh_gp_num(&g, "ncases", t->ncases);
    mh_gp_path(&g, spath);
    for (int k = 0; k < t->ncases; k++)
        mh_gp_text(&g, t->cases[k].label);
    if (!mh_gp_draw(&g, script, lpath, png))
        return 1;
    if (!quiet)
        fprintf(stderr, "wrote %s, %s and %s\n", lpath, spath, png);
    return 0;
}

int mh_cmd_insert(int argc, char **argv)
{
    static const struct option own[] = {{"session", required_argument, NULL, OPT_SESSION},
                                        {"lengths", required_argument, NULL, OPT_LENGTHS},
                                        {"spacings", required_argument, NULL, OPT_SPACINGS},
                                        {"scripts", required_argument, NULL, OPT_SCRIPTS},
                                        {NULL, 0, NULL, 0}};
    insert_opts o = {.session = 1,
                     .lengths = {0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 3.0},
                     .nlengths = 8,
                     .spacings = {0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0},
                     .nspacings = 10};
    const mh_args_spec spec = {.usage = usage_insert,
                               .common = MH_ARGS_SET | MH_ARGS_OUTPUT | MH_ARGS_QUIET,
                               .own = own,
                               .max_pos = MAX_CONFIGS,
                               .on_option = on_insert_option,
                               .user = &o};
    mh_args a;
    int rc = mh_args_parse(&spec, argc, argv, &a);
    if (rc == MH_ARGS_GO_ON && a.npos == 0)
        rc = mh_cli_usage_error(usage_insert, "%s", "missing CONFIG");
    char scripts[4096];
    if (rc == MH_ARGS_GO_ON && !mh_cli_scripts_dir(o.scripts, scripts, sizeof scripts)) {
        fprintf(stderr, "microheal: --scripts: path too long\n");
        rc = 2;
    }
    if (rc != MH_ARGS_GO_ON) {
        mh_args_clear(&a);
        return rc;
    }
    insert_case *cases = calloc((size_t)a.npos, sizeof *cases);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    rc = 0;
    if (cases == NULL) {
        fprintf(stderr, "microheal: out of memory\n");
        rc = 1;
    }
    for (int k = 0; k < a.npos && rc == 0; k++) {
        if (load_case(a.pos[k], &a, &o, &cases[k], &ctx) != MH_OK)
            rc = mh_cli_fail(&ctx);
        else if (!a.quiet)
            print_case(&cases[k], &o);
    }
    if (rc == 0 && a.output != NULL) {
        tables t = {cases, a.npos, &o};
        rc = write_outputs(a.output, scripts, &t, a.quiet);
    }
    free(cases);
    mh_args_clear(&a);
    return rc;
}
