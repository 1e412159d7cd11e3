/* mh_cli: commands of the microheal executable that live in their own files (dispatched from main.c). */
#ifndef MH_CLI_H
#define MH_CLI_H

/* Usage text of `microheal sensitivity` (printed by --help and on bad arguments). */
extern const char *const mh_cli_usage_sensitivity;

/* `microheal sensitivity CONFIG [options]` with argv after the command name; returns the exit
 * status (0 ok, 2 bad input, 1 other failure). */
int mh_cli_sensitivity(int argc, char **argv);

#endif
