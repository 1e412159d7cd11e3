/* src/cli: the microheal command: parse the arguments, call the library, report, exit code. */
/* mh_args: the one argument parser of the microheal commands: glibc's getopt_long over a command's argv,
 * the options that commands share (--set, -o/--output, -q/--quiet, -j/--jobs, -h/--help) handled here once,
 * a command's own long options handed to its callback in the order given, positional arguments collected
 * in order.
 *
 * As getopt_long reads them: options and positional arguments in any order (the order is kept: run's --set
 * and --checkpoint-every apply in the order given); "--opt value", "--opt=value", "-o value" and "-ovalue";
 * short options together ("-qo OUT"); a long option by any unambiguous beginning of its name ("--quie");
 * "--" ends the options (what follows is positional, "-x" too). Usage errors print "microheal: WHAT" and the
 * command's usage to stderr and make the exit status 2: an unknown option ("unknown option --bogus"), an
 * ambiguous one, a missing argument ("--set needs an argument"), an argument to an option that takes none,
 * a positional argument too many ("unexpected argument X"), a -j that is not a whole number in [1, 4096],
 * an empty -o. -h or --help anywhere among the options prints the help to stdout and nothing else is done
 * (exit status 0), whatever else is wrong. */
#ifndef MH_ARGS_H
#define MH_ARGS_H

#include "mh_config.h"
#include "mh_ctx.h"

#include <getopt.h> /* struct option, no_argument, required_argument */

/* The shared options a command takes (mh_args_spec.common, or'ed); every command takes -h/--help. */
enum {
    MH_ARGS_SET = 1 << 0,        /* --set KEY=VALUE, repeatable: an assignment "--set #k" (k = 1, 2, ...) */
    MH_ARGS_OUTPUT = 1 << 1,     /* -o/--output NAME: mh_args.output, the last one given; "" is refused */
    MH_ARGS_QUIET = 1 << 2,      /* -q/--quiet: mh_args.quiet */
    MH_ARGS_JOBS = 1 << 3,       /* -j/--jobs N, a whole number in [1, 4096]: mh_args.jobs */
    MH_ARGS_REPLICATES = 1 << 4, /* --replicates N, a whole number in [1, MH_ENSEMBLE_MAX]: mh_args.replicates */
};

/* The first struct option.val of a command's own options (the shared options' are below it). */
#define MH_ARGS_OWN 0x200

/* mh_args_parse: go on with the command (anything else is the exit status to return). */
#define MH_ARGS_GO_ON (-1)

/* A configuration assignment, in the order given on the command line. */
typedef struct {
    char *text;         /* "section.key=value": --set's argument (in argv; a command may split it in place),
                         * or made by mh_args_assign_add */
    const char *origin; /* for messages: "--set #k", or the option that made it */
} mh_args_assign;

/* What a command's argv holds. Fill with mh_args_parse; free with mh_args_clear. */
typedef struct mh_args {
    const char *output;     /* -o: NULL when not given */
    int quiet;              /* -q: 1 when given */
    long jobs;              /* -j: 0 when not given */
    long replicates;        /* --replicates: 0 when not given */
    mh_args_assign *assign; /* nassign assignments: every --set and those of mh_args_assign_add, in order */
    int nassign;
    const char **sets; /* the arguments of --set alone, in order, NULL-terminated; nsets of them */
    int nsets;
    const char **pos; /* the positional arguments, in order; npos of them */
    int npos;
    void *user; /* mh_args_spec.user, for the command's callback */
    /* the parser's own: argv with a program name in front, --set's origins, texts made here */
    char **argv0;
    char (*origin_buf)[24];
    char **owned;
    int nowned;
} mh_args;

/* How one command is parsed. */
typedef struct {
    const char *usage; /* printed after a usage error, and by --help when help is NULL */
    unsigned common;   /* the shared options it takes: MH_ARGS_SET | ... */
    /* its own long options (val >= MH_ARGS_OWN, flag NULL), ending with a zero entry; NULL: none */
    const struct option *own;
    int max_pos; /* positional arguments at most (a further one is a usage error); -1: any number */
    /* Called for each of its own options in the order given, with the option's val and argument (NULL for an
     * option without one; a command may modify it in place): 0, or the exit status after a message. NULL when
     * own is NULL. */
    int (*on_option)(mh_args *a, int val, char *arg);
    void *user;         /* for on_option: mh_args.user */
    void (*help)(void); /* prints the help of --help to stdout; NULL: usage */
} mh_args_spec;

/* Parses argv[0..argc) (the arguments after the command's name) for spec into a: every option in the order
 * given (the shared ones here, the command's own through spec->on_option), then checks that an -o given is
 * not empty. Returns MH_ARGS_GO_ON, or the exit status the command returns at once: 0 after --help (printed),
 * 2 after a usage error (reported with spec->usage), 1 when memory ran out (reported), or what on_option
 * returned. a is always to be freed with mh_args_clear; its strings point into argv unless said otherwise. */
int mh_args_parse(const mh_args_spec *spec, int argc, char **argv, mh_args *a);

/* Appends the assignment "key=value" with origin (a string that outlives a, e.g. a literal) to a's
 * assignments, after those given so far; for a command's option that sets a key (run's --checkpoint-every).
 * 0, or 1 after a message when memory runs out. */
int mh_args_assign_add(mh_args *a, const char *key, const char *value, const char *origin);

/* Applies a's assignments to cfg in order (mh_config_set, each with its origin): MH_OK, or the status of
 * the first that fails, with its message in ctx. */
mh_status mh_args_apply(const mh_args *a, mh_config *cfg, mh_ctx *ctx);

/* Frees what mh_args_parse and mh_args_assign_add allocated; accepts a zeroed or already freed a. */
void mh_args_clear(mh_args *a);

#endif
