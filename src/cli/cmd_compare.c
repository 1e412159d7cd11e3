/* src/cli: the microheal command: parse the arguments, call the library, report, exit code. */
/* cmd_compare: `microheal compare`: run variants of a treatment side by side (configuration files, or one
 * key of a base configuration at several values) with the sweep's local pool, and write their outcome
 * table, time series and overlay plots to one folder (papers/compare.md). */
#include "mh_args.h"
#include "mh_cli.h"
#include "mh_cli_util.h"
#include "mh_compare_io.h"
#include "mh_pool.h"
#include "mh_sweep.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *usage_compare =
    "usage: microheal compare A.ini B.ini ... -o DIR [--set KEY=VALUE ...] [options]\n"
    "       microheal compare --vary KEY=V1,V2,... BASE.ini -o DIR [--set KEY=VALUE ...] [options]\n"
    "options: [--replicates N] [-j PROCS] [--threads T] [--no-plots] [--scripts SCRIPTDIR] [-q]\n"
    "\n"
    "Runs every variant, a configuration file or BASE.ini with KEY at one of its values, to\n"
    "DIR/points/pNNNNNN.h5 and writes DIR/compare.csv (one row per variant: variant, label, value,\n"
    "replicates, seed, status, config_sha256, four columns per outcome metric below, message),\n"
    "DIR/compare.h5 (the same table, every variant's time series, summary, configuration and ensemble)\n"
    "and, with gnuplot, the plots\n"
    "DIR/healing_curves.png (collagen and erythema of every variant) and DIR/outcome_METRIC.png (each\n"
    "metric against the varied value, or as bars per variant), with their .dat tables beside them;\n"
    "--no-plots draws none (no gnuplot needed), --scripts names the folder of scripts/compare_*.gp.\n"
    "-q prints only errors.\n"
    "\n"
    "--replicates N runs every variant N times, replicate r with the same seed in every variant\n"
    "(papers/ensembles.md); each row then gives per metric the mean, sd and 95 % confidence interval\n"
    "over the replicates (columns METRIC_mean, METRIC_sd, METRIC_ci_lo, METRIC_ci_hi; sd and the interval\n"
    "are nan for N = 1, the default), and the plots show the intervals: bands under the curves, error bars\n"
    "on the outcomes.\n"
    "\n"
    "--set applies to every variant first (a sweep's [set]); the values of --vary are a list, or\n"
    "range(a, b, n) or logrange(a, b, n), of a real, integer, bool or choice key (not a list key, not\n"
    "seed, not a key that --set gives), each checked as --set checks it. --vary takes one BASE.ini\n"
    "(to compare several files, give no --vary). Two variants with the same configuration are refused.\n"
    "Nothing is written when an argument is wrong.\n"
    "PROCS processes of T OpenMP threads run at once; by default they fill the cores: PROCS = the\n"
    "variants to run (at most the cores), T = cores / PROCS. Running into DIR again reuses every\n"
    "variant whose output is complete (the same configuration) and runs the others.\n"
    "Exit status: 0 every variant complete and plotted, 1 a variant failed (its row says why) or a\n"
    "plot failed, 2 bad input, 128 + N when signal N stopped the runs (run the same command to go on).\n";

#define MAX_SETS 256

typedef struct {
    const char *const *files;
    int nfiles;
    const char *dir, *threads, *scripts; /* threads: --threads' text */
    char *vary;                          /* --vary's KEY=V1,... until split, then the key; NULL: none */
    long procs;                          /* -j; 0: not given */
    long replicates;                     /* --replicates; 0: not given (1) */
    mh_sweep_assign sets[MAX_SETS];
    int nsets, quiet, no_plots;
    mh_sweep_assign axis;
} compare_args;

enum { OPT_VARY = MH_ARGS_OWN, OPT_THREADS, OPT_SCRIPTS, OPT_NO_PLOTS };
static const struct option compare_options[] = {{"vary", required_argument, NULL, OPT_VARY},
                                                {"threads", required_argument, NULL, OPT_THREADS},
                                                {"scripts", required_argument, NULL, OPT_SCRIPTS},
                                                {"no-plots", no_argument, NULL, OPT_NO_PLOTS},
                                                {NULL, 0, NULL, 0}};

static int on_compare_option(mh_args *args, int val, char *arg)
{
    compare_args *a = args->user;
    if (val == OPT_VARY && a->vary != NULL)
        return mh_cli_usage_error(usage_compare, "%s", "--vary is given once (to vary two keys, write a sweep)");
    if (val == OPT_VARY)
        a->vary = arg;
    else if (val == OPT_THREADS)
        a->threads = arg;
    else if (val == OPT_SCRIPTS)
        a->scripts = arg;
    else
        a->no_plots = 1;
    return 0;
}

/* --help: the usage and the metrics of the table (the columns after config_sha256). */
static void help(void)
{
    fputs(usage_compare, stdout);
    fputs("\nMetrics (the columns after config_sha256; papers/sweeps.md defines them):\n", stdout);
    for (int k = 0; k < MH_MET_COUNT; k++)
        printf("  %s (%s)\n", mh_sweep_metric_name((mh_sweep_metric)k), mh_sweep_metric_unit((mh_sweep_metric)k));
}

/* Parses argv into a (args holds what it points to): MH_ARGS_GO_ON, or the exit status (reported). */
static int parse_args(int argc, char **argv, mh_args *args, compare_args *a)
{
    memset(a, 0, sizeof *a);
    const mh_args_spec spec = {.usage = usage_compare,
                               .common =
                                   MH_ARGS_SET | MH_ARGS_OUTPUT | MH_ARGS_QUIET | MH_ARGS_JOBS | MH_ARGS_REPLICATES,
                               .own = compare_options,
                               .max_pos = -1,
                               .on_option = on_compare_option,
                               .user = a,
                               .help = help};
    int rc = mh_args_parse(&spec, argc, argv, args);
    if (rc != MH_ARGS_GO_ON)
        return rc;
    if (args->nsets > MAX_SETS)
        return mh_cli_usage_error(usage_compare, "more than %s --set", "256");
    for (int k = 0; k < args->nassign; k++)
        if ((rc = mh_cli_split_assign(usage_compare, "--set", args->assign[k].text, args->assign[k].origin,
                                      &a->sets[a->nsets++])) != 0)
            return rc;
    if (a->vary != NULL && (rc = mh_cli_split_assign(usage_compare, "--vary", a->vary, "--vary", &a->axis)) != 0)
        return rc;
    a->files = args->pos;
    a->nfiles = args->npos;
    a->dir = args->output;
    a->procs = args->jobs;
    a->replicates = args->replicates;
    a->quiet = args->quiet;
    if (a->nfiles == 0)
        return mh_cli_usage_error(usage_compare, "%s",
                                  a->vary != NULL ? "missing BASE.ini" : "missing A.ini B.ini ...");
    if (a->vary != NULL && a->nfiles > 1)
        return mh_cli_usage_error(usage_compare,
                                  "--vary takes one BASE.ini, not %s files (to compare files, give no "
                                  "--vary)",
                                  a->nfiles == 2 ? "2" : "several");
    if (a->dir == NULL)
        return mh_cli_usage_error(usage_compare, "%s", "missing -o DIR");
    if (a->scripts != NULL && a->no_plots)
        return mh_cli_usage_error(usage_compare, "%s", "--scripts goes without --no-plots");
    return MH_ARGS_GO_ON;
}

/* Plans the variants and checks every one of them (nothing is written); 0 or the exit status. */
static int plan(const compare_args *a, mh_sweep **s)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_status st = mh_sweep_create(a->files, a->nfiles, a->sets, a->nsets, a->vary != NULL ? &a->axis : NULL, &ctx, s);
    if (st == MH_OK && a->replicates > 0)
        st = mh_sweep_set_replicates(*s, (int)a->replicates, &ctx);
    if (st == MH_OK)
        st = mh_sweep_check(*s, &ctx);
    if (st == MH_OK && mh_sweep_nrows(*s) < 2)
        st = MH_ERROR(&ctx, MH_ERR_INPUT, "%s: one variant; a comparison needs two or more",
                      a->vary != NULL ? "--vary" : a->files[0]);
    if (st == MH_OK)
        st = mh_sweep_check_distinct(*s, &ctx);
    return st == MH_OK ? 0 : mh_cli_fail(&ctx);
}

/* Creates DIR/points; refuses a sweep's folder (its points are another plan's). 0 or the exit status. */
static int prepare_dir(const char *dir)
{
    size_t n = strlen(dir) + 16;
    char *path = malloc(n);
    if (path == NULL) {
        fprintf(stderr, "microheal: out of memory\n");
        return 1;
    }
    snprintf(path, n, "%s/sweep.ini", dir);
    int rc = 0;
    if (access(path, F_OK) == 0) {
        fprintf(stderr, "microheal: %s: a sweep's folder (%s); give another -o\n", dir, path);
        rc = 2;
    } else {
        snprintf(path, n, "%s/points", dir);
        rc = mh_cli_mkdirs(path) ? 0 : 1;
    }
    free(path);
    return rc;
}

int mh_cmd_compare(int argc, char **argv)
{
    compare_args a;
    mh_args args;
    int rc = parse_args(argc, argv, &args, &a);
    long threads = 0; /* 0: fill the cores */
    if (rc == MH_ARGS_GO_ON && a.threads != NULL &&
        (threads = mh_cli_whole(usage_compare, "--threads", a.threads, 1, 4096)) < 0)
        rc = 2;
    if (rc != MH_ARGS_GO_ON) {
        mh_args_clear(&args);
        return rc;
    }
    mh_sweep *s = NULL;
    mh_lock *lock = NULL;
    rc = plan(&a, &s);
    if (rc == 0)
        rc = prepare_dir(a.dir);
    if (rc == 0 && (lock = mh_cli_lock_dir(a.dir, false)) == NULL) /* one comparison into DIR at a time */
        rc = 1;
    const char *noun = s != NULL && mh_sweep_replicates(s) > 1 ? "run" : "variant"; /* a point: a variant's replicate */
    if (rc == 0)
        rc = mh_pool_run_local(s, a.dir, a.procs, (int)threads, noun, a.quiet);
    if (rc == 0)
        rc = mh_pool_tabulate(s, a.dir, mh_compare_write, "compare.csv, compare.h5", noun, a.quiet);
    if ((rc == 0 || rc == 1) && !a.no_plots && mh_cli_compare_plot(s, a.dir, a.scripts, a.quiet) != 0)
        rc = 1;
    mh_lock_release(&lock);
    mh_sweep_destroy(&s);
    mh_args_clear(&args);
    return rc;
}
