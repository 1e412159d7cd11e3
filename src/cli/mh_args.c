/* src/cli: the microheal command: parse the arguments, call the library, report, exit code. */
/* mh_args: the one argument parser of the microheal commands, on getopt_long (see mh_args.h). */
#include "mh_args.h"
#include "mh_ensemble.h"
#include "mh_cli_util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The val of --set (the shared options with a short form use its letter). */
#define VAL_SET 0x100
#define VAL_REPLICATES 0x101

/* The shared options, each with the flag that lets a command take it. */
static const struct {
    unsigned flag;
    struct option opt;
    const char *shortopt; /* its part of getopt's option string */
} common_options[] = {
    {MH_ARGS_SET, {"set", required_argument, NULL, VAL_SET}, ""},
    {MH_ARGS_OUTPUT, {"output", required_argument, NULL, 'o'}, "o:"},
    {MH_ARGS_QUIET, {"quiet", no_argument, NULL, 'q'}, "q"},
    {MH_ARGS_JOBS, {"jobs", required_argument, NULL, 'j'}, "j:"},
    {MH_ARGS_REPLICATES, {"replicates", required_argument, NULL, VAL_REPLICATES}, ""},
    {0, {"help", no_argument, NULL, 'h'}, "h"},
};
#define N_COMMON (int)(sizeof common_options / sizeof common_options[0])

/* getopt_long's tables for one command: the long options (its own after the shared ones it takes) and the
 * option string: '-' keeps the order (a positional argument comes back as option 1, in place, whatever
 * POSIXLY_CORRECT says), ':' makes a missing argument ':' rather than '?'. */
typedef struct {
    struct option *longopts;
    char optstring[16];
} tables;

static bool tables_make(const mh_args_spec *spec, tables *t)
{
    int nown = 0;
    while (spec->own != NULL && spec->own[nown].name != NULL)
        nown++;
    t->longopts = calloc((size_t)(N_COMMON + nown + 1), sizeof *t->longopts);
    if (t->longopts == NULL)
        return false;
    int n = 0;
    snprintf(t->optstring, sizeof t->optstring, "-:");
    for (int k = 0; k < N_COMMON; k++)
        if (common_options[k].flag == 0 || (spec->common & common_options[k].flag) != 0) {
            t->longopts[n++] = common_options[k].opt;
            strcat(t->optstring, common_options[k].shortopt);
        }
    for (int k = 0; k < nown; k++)
        t->longopts[n++] = spec->own[k];
    return true;
}

/* The long option whose val is val, or NULL. */
static const struct option *by_val(const tables *t, int val)
{
    for (const struct option *o = t->longopts; o->name != NULL; o++)
        if (o->val == val)
            return o;
    return NULL;
}

/* What getopt_long returned '?' for, in argv element arg (optopt: the short option, or the val of a long one
 * given an argument it does not take, else 0): the usage error, 2. */
static int bad_option(const mh_args_spec *spec, const tables *t, const char *arg, int which)
{
    char msg[512];
    if (strncmp(arg, "--", 2) != 0) { /* a short option, alone or among others ("-qx") */
        if (strlen(arg) == 2)
            return mh_cli_usage_error(spec->usage, "unknown option %s", arg);
        snprintf(msg, sizeof msg, "unknown option -%c in %.200s", which, arg);
        return mh_cli_usage_error(spec->usage, "%s", msg);
    }
    const struct option *o = which != 0 ? by_val(t, which) : NULL;
    if (o != NULL)
        return mh_cli_usage_error(spec->usage, "--%s takes no argument", o->name);
    const int len = (int)strcspn(arg + 2, "="); /* the name as given, maybe the beginning of several */
    char names[256] = "";
    int matches = 0;
    for (o = t->longopts; len > 0 && o->name != NULL; o++)
        if (strncmp(o->name, arg + 2, (size_t)len) == 0) {
            const size_t used = strlen(names);
            snprintf(names + used, sizeof names - used, "%s--%s", matches++ > 0 ? ", " : "", o->name);
        }
    if (matches < 2)
        return mh_cli_usage_error(spec->usage, "unknown option %s", arg);
    snprintf(msg, sizeof msg, "ambiguous option --%.*s: %s", len < 200 ? len : 200, arg + 2, names);
    return mh_cli_usage_error(spec->usage, "%s", msg);
}

/* getopt_long returned ':' for the option of val which in argv element arg: the usage error, 2. */
static int missing_argument(const mh_args_spec *spec, const tables *t, const char *arg, int which)
{
    const struct option *o = by_val(t, which);
    char name[128];
    if (strncmp(arg, "--", 2) == 0 && o != NULL)
        snprintf(name, sizeof name, "--%s", o->name);
    else
        snprintf(name, sizeof name, "-%c", which);
    return mh_cli_usage_error(spec->usage, "%s needs an argument", name);
}

/* Stores the positional argument arg: 0, or the usage error (2) when there is one too many. */
static int positional(const mh_args_spec *spec, mh_args *a, const char *arg)
{
    if (spec->max_pos >= 0 && a->npos >= spec->max_pos)
        return mh_cli_usage_error(spec->usage, "unexpected argument %s", arg);
    a->pos[a->npos++] = arg;
    return 0;
}

/* One of the shared options (val c, argument arg): 0, or the exit status after a message. */
static int common(const mh_args_spec *spec, mh_args *a, int c, char *arg)
{
    if (c == 'o') {
        a->output = arg;
    } else if (c == 'q') {
        a->quiet = 1;
    } else if (c == 'j') {
        if ((a->jobs = mh_cli_whole(spec->usage, "-j", arg, 1, 4096)) < 0)
            return 2;
    } else if (c == VAL_REPLICATES) {
        if ((a->replicates = mh_cli_whole(spec->usage, "--replicates", arg, 1, MH_ENSEMBLE_MAX)) < 0)
            return 2;
    } else if (c == VAL_SET) {
        snprintf(a->origin_buf[a->nsets], sizeof a->origin_buf[0], "--set #%d", a->nsets + 1);
        a->assign[a->nassign++] = (mh_args_assign){arg, a->origin_buf[a->nsets]};
        a->sets[a->nsets++] = arg;
    }
    return 0;
}

/* Whether -h or --help is among the options of argv0[0..n). */
static bool wants_help(int n, char **argv0, const tables *t)
{
    optind = 0; /* a fresh start of getopt_long's scan */
    opterr = 0;
    for (int c; (c = getopt_long(n, argv0, t->optstring, t->longopts, NULL)) != -1;)
        if (c == 'h')
            return true;
    return false;
}

/* Every option of argv0[0..n) in order, then the positional arguments after "--". */
static int scan(const mh_args_spec *spec, int n, const tables *t, mh_args *a)
{
    optind = 0;
    opterr = 0;
    for (;;) {
        const int at = optind > 0 ? optind : 1; /* the element getopt_long reads from */
        const int c = getopt_long(n, a->argv0, t->optstring, t->longopts, NULL);
        int rc = 0;
        if (c == -1)
            break;
        if (c == 1)
            rc = positional(spec, a, optarg);
        else if (c == '?')
            rc = bad_option(spec, t, a->argv0[at], optopt);
        else if (c == ':')
            rc = missing_argument(spec, t, a->argv0[at], optopt);
        else if (c < MH_ARGS_OWN)
            rc = common(spec, a, c, optarg);
        else
            rc = spec->on_option(a, c, optarg);
        if (rc != 0)
            return rc;
    }
    for (int i = optind; i < n; i++) {
        const int rc = positional(spec, a, a->argv0[i]);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int mh_args_parse(const mh_args_spec *spec, int argc, char **argv, mh_args *a)
{
    memset(a, 0, sizeof *a);
    a->user = spec->user;
    const size_t room = (size_t)argc + 1; /* every option and argument takes an element of argv at least */
    tables t = {0};
    a->argv0 = calloc(room + 1, sizeof *a->argv0);
    a->assign = calloc(room, sizeof *a->assign);
    a->sets = calloc(room, sizeof *a->sets);
    a->pos = calloc(room, sizeof *a->pos);
    a->origin_buf = calloc(room, sizeof *a->origin_buf);
    a->owned = calloc(room, sizeof *a->owned);
    if (a->argv0 == NULL || a->assign == NULL || a->sets == NULL || a->pos == NULL || a->origin_buf == NULL ||
        a->owned == NULL || !tables_make(spec, &t)) {
        free(t.longopts);
        fprintf(stderr, "microheal: out of memory\n");
        return 1;
    }
    a->argv0[0] = "microheal"; /* getopt_long starts after the program's name */
    memcpy(a->argv0 + 1, argv, (size_t)argc * sizeof *argv);
    int rc = MH_ARGS_GO_ON;
    if (wants_help(argc + 1, a->argv0, &t)) {
        if (spec->help != NULL)
            spec->help();
        else
            fputs(spec->usage, stdout);
        rc = 0;
    }
    if (rc == MH_ARGS_GO_ON && (rc = scan(spec, argc + 1, &t, a)) == 0)
        rc = mh_cli_check_output(spec->usage, "-o", a->output, false) != 0 ? 2 : MH_ARGS_GO_ON;
    free(t.longopts);
    return rc;
}

int mh_args_assign_add(mh_args *a, const char *key, const char *value, const char *origin)
{
    const size_t len = strlen(key) + strlen(value) + 2;
    char *text = malloc(len);
    if (text == NULL) {
        fprintf(stderr, "microheal: out of memory\n");
        return 1;
    }
    snprintf(text, len, "%s=%s", key, value);
    a->owned[a->nowned++] = text;
    a->assign[a->nassign++] = (mh_args_assign){text, origin};
    return 0;
}

mh_status mh_args_apply(const mh_args *a, mh_config *cfg, mh_ctx *ctx)
{
    for (int i = 0; i < a->nassign; i++) {
        const mh_status st = mh_config_set(cfg, a->assign[i].text, a->assign[i].origin, ctx);
        if (st != MH_OK)
            return st;
    }
    return MH_OK;
}

void mh_args_clear(mh_args *a)
{
    for (int i = 0; i < a->nowned; i++)
        free(a->owned[i]);
    free(a->owned);
    free(a->argv0);
    free(a->assign);
    free(a->sets);
    free(a->pos);
    free(a->origin_buf);
    memset(a, 0, sizeof *a);
}
