/* src/cli: the microheal command: parse the arguments, call the library, report, exit code. */
/* microheal CLI: parse arguments, call the library, report, exit (0 ok, 2 bad input, 1 other failure). */
#include "mh_args.h"
#include "mh_cli.h"
#include "mh_cli_util.h"
#include "mh_config.h"
#include "mh_export.h"
#include "mh_h5.h"
#include "mh_sim.h"
#include "mh_version.h"
#include "mh_xdmf.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *usage_main =
    "usage: microheal COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  run CONFIG [-o OUT.h5] [--set ...] [--resume]          simulate, write HDF5 (checkpoints)\n"
    "  check CONFIG [--set section.key=value ...]             validate a configuration only\n"
    "  insert CONFIG... [-o DIR]                              how deep the needles go: depth, force\n"
    "  info OUT.h5                                            describe an output file\n"
    "  export OUT.h5 WHAT [-o FILE]                           tables for gnuplot, XDMF\n"
    "  plot OUT.h5 [-o DIR]                                   the gallery: PNGs and a GIF "
    "(gnuplot)\n" MH_USAGE_CALIBRATE_LINE MH_USAGE_VALIDATE_LINE
    "  sensitivity CONFIG [--method oat|morris] [-o DIR] ...  rank the parameters by their effect\n"
    "  sweep SWEEP.ini -o DIR [-j N] | --slurm | --collect    parameter sweeps (local, MPI, Slurm)\n"
    "  compare A.ini B.ini -o DIR | --vary K=V1,V2 BASE.ini  variants side by side: table, plots\n"
    "\n"
    "  microheal COMMAND --help   options of one command\n"
    "  microheal --version\n";

static const char *usage_info = "usage: microheal info OUT.h5\n\nDescribes an output file and its summary.\n";

static const char *usage_export =
    "usage: microheal export OUT.h5 WHAT [-o FILE]\n"
    "\n"
    "WHAT is one of:\n"
    "  --series                      all observables over time (one column each)\n"
    "  --sessions                    session days\n"
    "  --punctures                   puncture table\n"
    "  --summary                     per-session metrics and collagen gains\n"
    "  --field NAME [--day D] [--y-mm Y]  cross-section of a field at the snapshot nearest D\n"
    "                                (3-D: the plane y = Y, default the middle)\n"
    "  --profile NAME [--day D]      lateral mean of a field against depth at the snapshot nearest D\n"
    "  --radial NAME [--day D] [--layer LAYER | --depth-mm A,B] [--bin-um W] [--near-um R] [--far-um R]\n"
    "                                CSV of a field's mean against the lateral distance from the nearest\n"
    "                                needle track (the punctures of the sessions up to the snapshot nearest\n"
    "                                D; minimum image on periodic grids) in bins of W um (default: the grid\n"
    "                                spacing), over LAYER (papillary_dermis, the default; reticular_dermis,\n"
    "                                dermis, epidermis, or any layer's name) or the cells centred at depths\n"
    "                                in [A, B) mm; ends with the near/far ratio: the mean within R um of\n"
    "                                a track (--near-um, default 50) over the mean beyond R um (--far-um,\n"
    "                                default 400), nan when either holds no cell\n"
    "  --xdmf                        the XDMF file for ParaView and VisIt (run writes it beside\n"
    "                                every output: OUT.xmf); FILE names the HDF5 file relatively\n"
    "Writes to FILE or standard output (--xdmf: FILE, default OUT.xmf beside OUT.h5).\n";

static int cmd_info(int argc, char **argv)
{
    const mh_args_spec spec = {.usage = usage_info, .max_pos = 1};
    mh_args a;
    int rc = mh_args_parse(&spec, argc, argv, &a);
    if (rc == MH_ARGS_GO_ON && a.npos == 0)
        rc = mh_cli_usage_error(usage_info, "%s", "missing OUT.h5");
    if (rc == MH_ARGS_GO_ON) {
        mh_ctx ctx;
        mh_ctx_init(&ctx);
        rc = mh_export_info(a.pos[0], stdout, &ctx) == MH_OK ? 0 : mh_cli_fail(&ctx);
    }
    mh_args_clear(&a);
    return rc;
}

/* export's WHAT (the option that names it) and the options that go with it. */
enum {
    EXPORT_SERIES = MH_ARGS_OWN,
    EXPORT_SESSIONS,
    EXPORT_PUNCTURES,
    EXPORT_SUMMARY,
    EXPORT_XDMF,
    EXPORT_FIELD,
    EXPORT_PROFILE,
    EXPORT_RADIAL,
    EXPORT_DAY,
    EXPORT_Y_MM,
    EXPORT_LAYER, /* the options of --radial, EXPORT_LAYER ... EXPORT_FAR_UM */
    EXPORT_DEPTH_MM,
    EXPORT_BIN_UM,
    EXPORT_NEAR_UM,
    EXPORT_FAR_UM
};
static const struct option export_options[] = {{"series", no_argument, NULL, EXPORT_SERIES},
                                               {"sessions", no_argument, NULL, EXPORT_SESSIONS},
                                               {"punctures", no_argument, NULL, EXPORT_PUNCTURES},
                                               {"summary", no_argument, NULL, EXPORT_SUMMARY},
                                               {"xdmf", no_argument, NULL, EXPORT_XDMF},
                                               {"field", required_argument, NULL, EXPORT_FIELD},
                                               {"profile", required_argument, NULL, EXPORT_PROFILE},
                                               {"day", required_argument, NULL, EXPORT_DAY},
                                               {"y-mm", required_argument, NULL, EXPORT_Y_MM},
                                               {"radial", required_argument, NULL, EXPORT_RADIAL},
                                               {"layer", required_argument, NULL, EXPORT_LAYER},
                                               {"depth-mm", required_argument, NULL, EXPORT_DEPTH_MM},
                                               {"bin-um", required_argument, NULL, EXPORT_BIN_UM},
                                               {"near-um", required_argument, NULL, EXPORT_NEAR_UM},
                                               {"far-um", required_argument, NULL, EXPORT_FAR_UM},
                                               {NULL, 0, NULL, 0}};

typedef struct {
    int what;                     /* EXPORT_SERIES ... EXPORT_RADIAL; 0: none given */
    const char *field;            /* --field's, --profile's or --radial's NAME */
    double day, y_mm;             /* --day (default 0), --y-mm (default -1: the middle) */
    mh_export_radial_opts radial; /* --layer (default papillary_dermis) or --depth-mm, --bin-um, ... */
    const char *radial_option;    /* the last option of --radial given, NULL when none */
    bool layer_given, depth_given;
} export_args;

#define ONE_WHAT "give one of --series, --sessions, --punctures, --summary, --field, --profile, --radial, --xdmf"

/* --depth-mm A,B (text arg, split in place) into e: 0, or the usage error (2). */
static int depth_band(export_args *e, char *arg)
{
    char given[128];
    snprintf(given, sizeof given, "%s", arg); /* for the messages: split_list cuts arg */
    const char *ab[2];
    if (mh_cli_split_list(arg, ab, 2) != 2 || !mh_cli_parse_double(ab[0], &e->radial.depth_lo_mm) ||
        !mh_cli_parse_double(ab[1], &e->radial.depth_hi_mm))
        return mh_cli_usage_error(usage_export, "--depth-mm: '%s' is not two numbers A,B", given);
    if (!(e->radial.depth_lo_mm < e->radial.depth_hi_mm))
        return mh_cli_usage_error(usage_export, "--depth-mm %s: the band [A, B) needs A < B", given);
    e->radial.layer = NULL;
    e->depth_given = true;
    return 0;
}

/* One of the options of --radial (val EXPORT_LAYER ... EXPORT_FAR_UM, text arg) into e: 0, or the usage
 * error (2). */
static int radial_option(export_args *e, int val, char *arg)
{
    static const char *const names[] = {"--layer", "--depth-mm", "--bin-um", "--near-um", "--far-um"};
    e->radial_option = names[val - EXPORT_LAYER];
    if (val == EXPORT_LAYER) {
        unsigned mask = 0;
        mh_ctx ctx;
        mh_ctx_init(&ctx);
        if (mh_radial_layers(arg, &mask, &ctx) != MH_OK)
            return mh_cli_usage_error(usage_export, "--layer: %s", ctx.msg);
        e->radial.layer = arg;
        e->layer_given = true;
        return 0;
    }
    if (val == EXPORT_DEPTH_MM)
        return depth_band(e, arg);
    double v = 0.0;
    char msg[192];
    if (!mh_cli_parse_double(arg, &v))
        return mh_cli_usage_error(usage_export, "not a number: %s", arg);
    if (val == EXPORT_BIN_UM && !(v > 0.0))
        return mh_cli_usage_error(usage_export, "--bin-um %s: a bin width must be positive", arg);
    snprintf(msg, sizeof msg, "%s %.80s: a radius must not be negative", e->radial_option, arg);
    if (v < 0.0)
        return mh_cli_usage_error(usage_export, "%s", msg);
    *(val == EXPORT_BIN_UM ? &e->radial.bin_um : val == EXPORT_NEAR_UM ? &e->radial.near_um : &e->radial.far_um) = v;
    return 0;
}

static int on_export_option(mh_args *args, int val, char *arg)
{
    export_args *e = args->user;
    if (val == EXPORT_DAY || val == EXPORT_Y_MM)
        return mh_cli_parse_double(arg, val == EXPORT_DAY ? &e->day : &e->y_mm)
                   ? 0
                   : mh_cli_usage_error(usage_export, "not a number: %s", arg);
    if (val >= EXPORT_LAYER)
        return radial_option(e, val, arg);
    if (e->what != 0)
        return mh_cli_usage_error(usage_export, "%s", ONE_WHAT);
    e->what = val;
    e->field = arg; /* NULL but for --field, --profile and --radial */
    return 0;
}

/* Writes what e asks for of the output file to out: MH_OK or the failure, with its message in ctx. */
static mh_status export_table(const char *file, const export_args *e, FILE *out, mh_ctx *ctx)
{
    switch (e->what) {
    case EXPORT_SERIES:
        return mh_export_series(file, out, ctx);
    case EXPORT_SESSIONS:
        return mh_export_sessions(file, out, ctx);
    case EXPORT_PUNCTURES:
        return mh_export_punctures(file, out, ctx);
    case EXPORT_SUMMARY:
        return mh_export_summary(file, out, ctx);
    case EXPORT_PROFILE:
        return mh_export_profile(file, e->field, e->day, out, ctx);
    case EXPORT_RADIAL:
        return mh_export_radial(file, e->field, e->day, &e->radial, out, NULL, ctx);
    default:
        return mh_export_field(file, e->field, e->day, e->y_mm, out, ctx);
    }
}

/* The table of e to outp, through a fresh temporary file beside it renamed when complete (an older file
 * stays as it was when the export fails), or to stdout when outp is NULL; the exit status. */
static int export_to(const char *file, const export_args *e, const char *outp)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    char *tmp = NULL;
    int rc = 0;
    FILE *out = outp != NULL ? mh_cli_text_open(outp, &tmp, &rc) : stdout;
    if (out == NULL)
        return rc;
    rc = export_table(file, e, out, &ctx) == MH_OK ? 0 : mh_cli_fail(&ctx);
    if (outp != NULL && rc != 0) {
        fclose(out);
        unlink(tmp);
        free(tmp);
    } else if (outp != NULL) {
        rc = mh_cli_text_close(out, tmp, outp);
    }
    return rc;
}

static int cmd_export(int argc, char **argv)
{
    export_args e = {.y_mm = -1.0,
                     .radial = {.layer = "papillary_dermis", .near_um = MH_RADIAL_NEAR_UM, .far_um = MH_RADIAL_FAR_UM}};
    const mh_args_spec spec = {.usage = usage_export,
                               .common = MH_ARGS_OUTPUT,
                               .own = export_options,
                               .max_pos = 1,
                               .on_option = on_export_option,
                               .user = &e};
    mh_args a;
    int rc = mh_args_parse(&spec, argc, argv, &a);
    if (rc == MH_ARGS_GO_ON && (a.npos == 0 || e.what == 0))
        rc = mh_cli_usage_error(usage_export, "%s", a.npos == 0 ? "missing OUT.h5" : "missing WHAT");
    if (rc == MH_ARGS_GO_ON && e.radial_option != NULL && e.what != EXPORT_RADIAL)
        rc = mh_cli_usage_error(usage_export, "%s goes with --radial", e.radial_option);
    if (rc == MH_ARGS_GO_ON && e.layer_given && e.depth_given)
        rc = mh_cli_usage_error(usage_export, "%s", "give --layer or --depth-mm, not both");
    if (rc == MH_ARGS_GO_ON && (rc = mh_cli_check_output(usage_export, "-o", a.output, true)) == 0) {
        mh_ctx ctx;
        mh_ctx_init(&ctx);
        if (e.what == EXPORT_XDMF) /* a file beside the HDF5 one by default; written atomically */
            rc = mh_xdmf_write(a.pos[0], a.output, &ctx) == MH_OK ? 0 : mh_cli_fail(&ctx);
        else
            rc = export_to(a.pos[0], &e, a.output);
    }
    mh_args_clear(&a);
    return rc;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_main, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0) {
        printf("microheal %s\n", MH_VERSION);
        return 0;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_main, stdout);
        return 0;
    }
    if (strcmp(cmd, "run") == 0)
        return mh_cmd_run(argc - 2, argv + 2);
    if (strcmp(cmd, "check") == 0)
        return mh_cmd_check(argc - 2, argv + 2);
    if (strcmp(cmd, "insert") == 0)
        return mh_cmd_insert(argc - 2, argv + 2);
    if (strcmp(cmd, "info") == 0)
        return cmd_info(argc - 2, argv + 2);
    if (strcmp(cmd, "export") == 0)
        return cmd_export(argc - 2, argv + 2);
    if (strcmp(cmd, "plot") == 0)
        return mh_cmd_plot(argc - 2, argv + 2);
    if (strcmp(cmd, "sweep") == 0)
        return mh_cmd_sweep(argc - 2, argv + 2);
    if (strcmp(cmd, "compare") == 0)
        return mh_cmd_compare(argc - 2, argv + 2);
    if (strcmp(cmd, "sensitivity") == 0)
        return mh_cli_sensitivity(argc - 2, argv + 2);
    if (strcmp(cmd, "calibrate") == 0)
        return mh_cmd_calibrate(argc - 2, argv + 2);
    if (strcmp(cmd, "validate") == 0)
        return mh_cmd_validate(argc - 2, argv + 2);
    fprintf(stderr, "microheal: unknown command '%s'\n%s", cmd, usage_main);
    return 2;
}

/* Flushes and closes standard output, as the coreutils' close_stdout does: a write that failed (a full
 * disk, /dev/full, a file-size limit, a closed pipe) turns the exit status rc into 1, with a message,
 * instead of leaving a cut-short output behind a success. A standard output that was closed before
 * the start (">&-") and never written to is fine. */
static int close_stdout(int rc)
{
    errno = 0;
    const bool flush_failed = fflush(stdout) != 0;
    int err = flush_failed ? errno : 0;
    bool failed = flush_failed || ferror(stdout) != 0;
    errno = 0;
    if (fclose(stdout) != 0 && !failed && errno != EBADF) {
        failed = true;
        err = errno;
    }
    if (!failed)
        return rc;
    fprintf(stderr, "microheal: standard output: write error%s%s\n", err != 0 ? ": " : "",
            err != 0 ? strerror(err) : "");
    return rc == 0 ? 1 : rc;
}

int main(int argc, char **argv)
{
    /* a file-size limit (ulimit -f) or a closed pipe fails the write with an error we report, instead
     * of killing the process */
    signal(SIGXFSZ, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    int rc = close_stdout(dispatch(argc, argv));
    /* Every file is closed or removed by now. Leave without the atexit handlers: HDF5 1.10's
     * (H5_term_library) dereferences a file whose H5Fclose failed on a full disk and dies with
     * SIGSEGV after the error has been reported (tests/test_checkpoint.c, full disk). */
    fflush(stderr);
    _exit(rc);
}
