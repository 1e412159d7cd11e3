/* mh_cli_util: what every microheal command shares: error reporting and exit codes, number
 * parsing, output folders, CSV text, and running the gnuplot scripts. */
#ifndef MH_CLI_UTIL_H
#define MH_CLI_UTIL_H

#include "mh_ctx.h"
#include "mh_file.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Seconds of the monotonic clock (for wall times of runs and points). */
double mh_cli_now_s(void);
/* Exit status of a library status: 0 ok, 2 bad input (or a contraindication), 1 anything else. */
int mh_cli_exit_code(mh_status st);
/* Prints "microheal: MESSAGE" for ctx's error to stderr; returns its exit status. */
int mh_cli_fail(const mh_ctx *ctx);
/* Prints "microheal: " fmt (with one %s for arg), then usage, to stderr; returns 2. */
int mh_cli_usage_error(const char *usage, const char *fmt, const char *arg);
/* True when argv holds --help or -h. */
bool mh_cli_wants_help(int argc, char **argv);
/* Splits the comma-separated list s in place into items (blanks around an item are dropped).
 * Returns the number of items, or -1 if an item is empty or there are more than max. */
int mh_cli_split_list(char *s, const char **items, int max);
/* snprintf into out[len]; false after a message ("path or command too long") when it does not fit. */
bool mh_cli_fmt(char *out, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Whole string s is a finite number. */
bool mh_cli_parse_double(const char *s, double *v);
/* The whole number in [lo, hi] that option opt's text s gives; -1 after a usage error (usage printed) if
 * it is not one. */
long mh_cli_whole(const char *usage, const char *opt, const char *s, long lo, long hi);
/* mkdir -p; prints why not and returns false on failure. */
bool mh_cli_mkdirs(const char *path);
/* The folder of gnuplot scripts: given (--scripts) if not NULL, else scripts/ beside the executable
 * when it exists there, else scripts/ relative to the working directory. False if it does not fit. */
bool mh_cli_scripts_dir(const char *given, char *out, size_t len);
/* Whether an executable file name is in one of the folders of PATH. */
bool mh_cli_have_program(const char *name);
/* Runs gnuplot -e VARS SCRIPT; true if it exits with 0, else false after gnuplot's messages (held back
 * while it runs: a successful run prints nothing) and one of its own. */
bool mh_cli_run_gnuplot(const char *script, const char *vars);
/* Checks the name that option opt (e.g. "-o") gives an output before any work is done: empty is a usage
 * error; for a file (is_file), an existing directory, device, FIFO or socket of that name is refused
 * (mh_file_check_output). 0, or the exit status (2) after a message (with usage when usage is not NULL). */
int mh_cli_check_output(const char *usage, const char *opt, const char *path, bool is_file);
/* Opens a text output: a fresh temporary file beside path (mh_file_temp_open: O_CREAT | O_EXCL |
 * O_NOFOLLOW, so a planted symbolic link cannot redirect it), its malloc'ed name in *tmp, after checking
 * that path may be replaced (mh_cli_check_output). NULL after a message, with the exit status in *rc (2 for
 * a name that is not a regular file's, 1 otherwise). Finish it with mh_cli_text_close. */
FILE *mh_cli_text_open(const char *path, char **tmp, int *rc);
/* Finishes a text output of mh_cli_text_open (mh_file_finish: flush, fsync, checks, rename onto path) and
 * frees tmp; on failure the temporary file is removed and an older file at path is untouched. 0, or the
 * exit status after a message. */
int mh_cli_text_close(FILE *f, char *tmp, const char *path);
/* Writes the table at path through a temporary file (fill(f, user) writes it); false after a message. */
bool mh_cli_write_table(const char *path, void (*fill)(FILE *, const void *), const void *user);
/* Draws png with SCRIPT from the table dat: gnuplot -e "dat='DAT'; out='TMP'; VARS" SCRIPT, TMP renamed to png
 * when gnuplot succeeded (no partial PNG under its name); false after a message. */
bool mh_cli_draw(const char *script, const char *dat, const char *vars, const char *png);
/* Takes the lock DIR/.lock of a folder that a command fills (a sweep's, a comparison's): exclusive for the
 * process that runs or prepares it, shared for what may run beside others (Slurm tasks, --collect).
 * NULL after a message naming the holder's pid when another process holds it. */
mh_lock *mh_cli_lock_dir(const char *dir, bool shared);

#endif
