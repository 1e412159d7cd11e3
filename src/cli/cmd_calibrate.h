/* cmd_calibrate: the `microheal calibrate` and `microheal validate` commands (argv after the command name). */
#ifndef MH_CMD_CALIBRATE_H
#define MH_CMD_CALIBRATE_H

#define MH_USAGE_CALIBRATE_LINE                                                                                        \
    "  calibrate TARGETS --fit KEY,... [-o REPORT.md]         fit parameters to target data\n"
#define MH_USAGE_VALIDATE_LINE                                                                                         \
    "  validate TARGETS [-o DIR]                              model against data: table, plots\n"

/* Exit status: 0 success (validate: every target within its band), 1 failure (validate: a target
 * outside its band), 2 bad input. */
int mh_cmd_calibrate(int argc, char **argv);
int mh_cmd_validate(int argc, char **argv);

#endif
