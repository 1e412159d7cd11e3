/* src/cli: the microheal command: parse the arguments, call the library, report, exit code. */
/* mh_cli_util: what every microheal command shares: error reporting and exit codes, number
 * parsing, output folders, CSV text, and running the gnuplot scripts. */
#ifndef MH_CLI_UTIL_H
#define MH_CLI_UTIL_H

#include "mh_ctx.h"
#include "mh_device.h"
#include "mh_file.h"
#include "mh_sweep.h"

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
/* Splits the comma-separated list s in place into items (blanks around an item are dropped).
 * Returns the number of items, or -1 if an item is empty or there are more than max. */
int mh_cli_split_list(char *s, const char **items, int max);
/* The assignment text "KEY=VALUE" of option opt (--set, --vary; origin where) into as; text is modified: its
 * '=' becomes a NUL. 0, or 2 after a usage message (usage) when text is not KEY=VALUE. */
int mh_cli_split_assign(const char *usage, const char *opt, char *text, const char *where, mh_sweep_assign *as);
/* snprintf into out[len]; false after a message ("path or command too long") when it does not fit. */
bool mh_cli_fmt(char *out, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Whole string s is a finite number. */
bool mh_cli_parse_double(const char *s, double *v);
/* Whole string s is a whole number in base 10 that fits a long (strtol; no blanks, no fraction). */
bool mh_cli_parse_long(const char *s, long *v);
/* The whole number in [lo, hi] (mh_cli_parse_long) that option opt's text s gives; -1 after a usage error (usage
 * printed) if it is not one. */
long mh_cli_whole(const char *usage, const char *opt, const char *s, long lo, long hi);
/* mkdir -p; prints why not and returns false on failure. */
bool mh_cli_mkdirs(const char *path);
/* The folder of gnuplot scripts: given (--scripts) if not NULL, else scripts/ beside the executable
 * when it exists there, else scripts/ relative to the working directory. False if it does not fit. */
bool mh_cli_scripts_dir(const char *given, char *out, size_t len);
/* Whether an executable file name is in one of the folders of PATH. */
bool mh_cli_have_program(const char *name);
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
/* ---- gnuplot ----
 * No path and no user text ever becomes gnuplot program text (papers/reliability.md, "Shell and gnuplot
 * injection"): a script runs as gnuplot -e NUMBERS -c SCRIPT ARG1 ... ARG9, where NUMBERS holds only
 * "name=number" and "array name[n] = [numbers]" with names that are string literals of the program,
 * and every path or text is one ARG (a string variable, never substituted into commands: backquotes,
 * macros, quotes and newlines in it are inert). The scripts use paths as file names only and show
 * text with noenhanced. */

/* path as a gnuplot file name into out[len]: an absolute path unchanged, a relative one with "./"
 * in front, so that it cannot start with what gnuplot gives a meaning ('<' and '|': run a command, '-':
 * standard input, '+' and '++': pseudo-files, '$': a data block, '~': the home folder; "": the
 * previous file). False when path is empty or out is too small. */
bool mh_cli_gnuplot_path(const char *path, char *out, size_t len);

/* The arguments of one gnuplot run, built by the mh_gp_* calls below; a call that fails (a bad name,
 * a non-finite number, a tenth ARG, no memory, an empty path) marks it failed, with a message printed,
 * and mh_gp_run then refuses to run it. */
#define MH_GP_MAX_ARGS 9
typedef struct {
    FILE *e; /* the -e text, in a memory stream */
    char *e_text;
    size_t e_len;
    char *arg[MH_GP_MAX_ARGS]; /* ARG1..ARG9, malloc'ed */
    int nargs;
    bool failed;
} mh_gp;

/* Starts an empty set of arguments; false (after a message) when memory runs out. */
bool mh_gp_init(mh_gp *g);
/* Frees g's arguments; accepts one that is already freed (mh_gp_run frees). */
void mh_gp_clear(mh_gp *g);
/* NAME=v in the -e text. name must be a string literal (the macro does not compile otherwise) of letters,
 * digits and '_'; v finite. */
#define mh_gp_num(g, name, v) mh_gp_num_((g), "" name "", (v))
void mh_gp_num_(mh_gp *g, const char *name, double v);
/* "array NAME[n] = [v0, ...]" in the -e text (n >= 1, every value finite); name as for mh_gp_num. */
#define mh_gp_array(g, name, v, n) mh_gp_array_((g), "" name "", (v), (n))
void mh_gp_array_(mh_gp *g, const char *name, const double *v, int n);
/* The next ARG: path made a safe file name by mh_cli_gnuplot_path. */
void mh_gp_path(mh_gp *g, const char *path);
/* The next ARG: text as it is (a title, a label: the script shows it with noenhanced). */
void mh_gp_text(mh_gp *g, const char *text);
/* Runs gnuplot -e NUMBERS -c SCRIPT ARG1 ... (SCRIPT made safe like a path) and frees g; true if it exits
 * with 0, else false after gnuplot's messages (held back while it runs: a successful run prints nothing)
 * and one of its own. */
bool mh_gp_run(mh_gp *g, const char *script);
/* A picture's output through a temporary file: mh_gp_out_open checks that png may be replaced (a device,
 * FIFO or folder is refused) and creates a fresh, empty temporary beside it (O_EXCL | O_NOFOLLOW, so no
 * planted link), whose malloc'ed name gnuplot is then given; NULL after a message. mh_gp_out_close
 * renames it onto png when drawn (mh_file_commit), else removes it, and frees tmp; false after a message
 * or when not drawn. */
char *mh_gp_out_open(const char *png);
bool mh_gp_out_close(char *tmp, const char *png, bool drawn);
/* Draws png with SCRIPT from the table dat: ARG1 = dat, ARG2 = a temporary PNG beside png (mh_gp_out_open),
 * then g's ARGs; the temporary is renamed to png when gnuplot succeeded (no partial PNG under its name).
 * Frees g; false after a message. */
bool mh_gp_draw(mh_gp *g, const char *script, const char *dat, const char *png);
/* text as a double-quoted string of a gnuplot data file (one column, read by strcol, columnheader or
 * xticlabels): a double quote becomes a single one and a control character (a newline: the end of a
 * row) a blank, the only changes; the text stays data, never a command. */
void mh_gp_put_data_text(FILE *f, const char *text);

/* The insertion model's result of a session's device (mh_device.inserted) on out, two lines, each after
 * indent: depth mean and spread, the deepest, forces per needle and for the needles that meet the skin at
 * once, the needles that fail to puncture, tenting and hub travel, and the drive. */
void mh_cli_print_insertion(FILE *out, const mh_device *d, const char *indent);

/* Writes the table at path through a temporary file (fill(f, user) writes it); false after a message. */
bool mh_cli_write_table(const char *path, void (*fill)(FILE *, const void *), const void *user);
/* Takes the lock DIR/.lock of a folder that a command fills (a sweep's, a comparison's): exclusive for the
 * process that runs or prepares it, shared for what may run beside others (Slurm tasks, --collect).
 * NULL after a message naming the holder's pid when another process holds it. */
mh_lock *mh_cli_lock_dir(const char *dir, bool shared);

#endif
