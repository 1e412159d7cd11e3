/* src/cli: the microheal command: parse the arguments, call the library, report, exit code. */
/* mh_cli: commands of the microheal executable that live in their own files (dispatched from main.c). */
#ifndef MH_CLI_H
#define MH_CLI_H

/* `microheal run` and `microheal check` (cmd_run.c) with argv after the command name. Exit status:
 * 0 ok, 2 bad input, 1 other failure; run: 128 + N when signal N (SIGINT, SIGTERM) stopped it after
 * writing a checkpoint. */
int mh_cmd_run(int argc, char **argv);
int mh_cmd_check(int argc, char **argv);
/* microheal insert (cmd_insert.c): the insertion model for device designers. */
int mh_cmd_insert(int argc, char **argv);

/* `microheal sensitivity CONFIG [options]` with argv after the command name; returns the exit
 * status (0 ok, 2 bad input, 1 other failure). */
int mh_cli_sensitivity(int argc, char **argv);

/* `microheal sweep` (cmd_sweep.c): exit 0 every point complete, 1 a point failed or is missing, 2 bad
 * input; 128 + N when signal N stopped a local sweep. */
int mh_cmd_sweep(int argc, char **argv);
/* `microheal sweep --plot DIR` (cmd_sweep_plot.c): metric (NULL: collagen_gain_d42, or collagen_gain_end
 * when no point has a day-42 value) against each axis and, for a grid, on the first two numeric axes,
 * as DIR/plots/NAME.dat and NAME.png through the gnuplot scripts in scripts (NULL: mh_cli_scripts_dir's
 * default). usage is printed after an unknown metric. Exit status: 0 ok, 2 bad input (no sweep in DIR,
 * unknown metric), 1 other failure (gnuplot, a file). */
int mh_cli_sweep_plot(const char *dir, const char *metric, const char *scripts, const char *usage);

/* `microheal plot OUT.h5 [-o DIR] [--scripts DIR]` (cmd_plot.c): the gallery of a run (PNGs and a GIF
 * through the gnuplot scripts). Exit status: 0 ok, 2 bad input, 1 other failure (the file is missing or
 * not a run's output, gnuplot is missing or fails, a file cannot be written). */
int mh_cmd_plot(int argc, char **argv);
/* `microheal compare` (cmd_compare.c): exit 0 every variant complete and plotted, 1 a variant failed or
 * is missing or a plot failed, 2 bad input; 128 + N when signal N stopped the runs. */
int mh_cmd_compare(int argc, char **argv);
/* The plots of a comparison s whose tables are in DIR (cmd_compare_plot.c): DIR/healing_curves.png and
 * DIR/outcome_METRIC.png for every metric with a value, .dat tables beside them, through the gnuplot
 * scripts in scripts (NULL: mh_cli_scripts_dir's default); says what it drew on stderr unless quiet. 0, or
 * 1 after a message (gnuplot, a file). */
struct mh_sweep;
int mh_cli_compare_plot(const struct mh_sweep *s, const char *dir, const char *scripts, int quiet);

#define MH_USAGE_CALIBRATE_LINE                                                                                        \
    "  calibrate TARGETS --fit KEY,... [-o REPORT.md]         fit parameters to target data\n"
#define MH_USAGE_VALIDATE_LINE                                                                                         \
    "  validate TARGETS [-o DIR] [--replicates N]             model against data: ensemble table, plots\n"

/* `microheal calibrate` and `microheal validate` (cmd_calibrate.c). Exit status: 0 success (validate:
 * every target's ensemble mean, over --replicates N seeds, default 8, within its band), 1 failure
 * (validate: a target's mean outside its band, a failed simulation or plot), 2 bad input. */
int mh_cmd_calibrate(int argc, char **argv);
int mh_cmd_validate(int argc, char **argv);

#endif
