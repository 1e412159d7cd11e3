/* microheal CLI: parse arguments, call the library, report, exit (0 ok, 2 bad input, 1 other failure). */
#include "mh_cli.h"
#include "mh_cli_util.h"
#include "mh_config.h"
#include "mh_h5.h"
#include "mh_sim.h"
#include "mh_version.h"

#include <gsl/gsl_errno.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *usage_main =
    "usage: microheal COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  run CONFIG [-o OUT.h5] [--set section.key=value ...]   simulate, write HDF5\n"
    "  check CONFIG [--set section.key=value ...]             validate a configuration only\n"
    "  info OUT.h5                                            describe an output file\n"
    "  export OUT.h5 WHAT [-o FILE]                           tables for gnuplot\n"
    MH_USAGE_CALIBRATE_LINE
    MH_USAGE_VALIDATE_LINE
    "  sensitivity CONFIG [--method oat|morris] [-o DIR] ...  rank the parameters by their effect\n"
    "\n"
    "  microheal COMMAND --help   options of one command\n"
    "  microheal --version\n";

static const char *usage_run =
    "usage: microheal run CONFIG [-o OUT.h5] [--set section.key=value ...] [--override-contraindications] [-q]\n"
    "\n"
    "Simulates the treatment in CONFIG (INI; see configs/default.ini) and writes OUT.h5\n"
    "(default: CONFIG's name with .h5 in the current directory). The file appears only when\n"
    "complete. --set overrides one key (repeatable), e.g. --set device.needle_length_mm=1.0 or\n"
    "--set session.2.needle_length_mm=0.5. -q prints nothing but errors.\n";

static const char *usage_check =
    "usage: microheal check CONFIG [--set section.key=value ...] [--override-contraindications]\n"
    "\n"
    "Validates CONFIG and prints the resolved set-up (layers, grid, devices, sessions)\n"
    "without running. Exit 0 if valid, 2 with FILE:LINE: key: reason if not.\n";

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
    "Writes to FILE or standard output.\n";

static int usage_error(const char *usage, const char *fmt, const char *arg)
{
    fprintf(stderr, "microheal: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", usage);
    return 2;
}

static int wants_help(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    return 0;
}

/* Loads CONFIG and applies --set and --override-contraindications; collects -o and -q. */
static int load_config(int argc, char **argv, const char *usage, mh_config **cfg, const char **outp, int *quiet,
                       const char **cfg_path, mh_ctx *ctx)
{
    const char *path = NULL;
    if (mh_config_create(ctx, cfg) != MH_OK)
        return mh_cli_fail(ctx);
    int nset = 0;
    /* first pass: find the config path; second: apply overrides after the file */
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--set") == 0 || strcmp(argv[i], "-o") == 0) {
            if (i + 1 >= argc)
                return usage_error(usage, "%s needs an argument", argv[i]);
            i++;
        } else if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0 ||
                   strcmp(argv[i], "--override-contraindications") == 0) {
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return usage_error(usage, "unknown option %s", argv[i]);
        } else if (path == NULL) {
            path = argv[i];
        } else {
            return usage_error(usage, "unexpected argument %s", argv[i]);
        }
    }
    if (path == NULL)
        return usage_error(usage, "%s", "missing CONFIG");
    if (mh_config_load(*cfg, path, ctx) != MH_OK)
        return mh_cli_fail(ctx);
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--set") == 0) {
            char origin[32];
            snprintf(origin, sizeof origin, "--set #%d", ++nset);
            if (mh_config_set(*cfg, argv[++i], origin, ctx) != MH_OK)
                return mh_cli_fail(ctx);
        } else if (strcmp(argv[i], "-o") == 0) {
            if (outp == NULL)
                return usage_error(usage, "%s", "-o is not an option of this command");
            *outp = argv[++i];
        } else if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0) {
            if (quiet != NULL)
                *quiet = 1;
        } else if (strcmp(argv[i], "--override-contraindications") == 0) {
            if (mh_config_set(*cfg, "patient.override_contraindications=true", "--override-contraindications",
                              ctx) != MH_OK)
                return mh_cli_fail(ctx);
        }
    }
    *cfg_path = path;
    return 0;
}

static void print_setup(const mh_sim *sim, FILE *out)
{
    const mh_grid *g = mh_sim_grid(sim);
    fprintf(out, "layers (depth of top, mm):");
    for (int l = 0; l < MH_LAYER_COUNT; l++)
        fprintf(out, " %s %.3f", mh_layer_name((mh_layer)l), g->skin.top_mm[l]);
    fprintf(out, "; bottom %.3f\n", g->skin.top_mm[MH_LAYER_COUNT]);
    fprintf(out, "grid: %d-D, %d x %d x %d cells (x, y, depth), dx = %.1f um, lateral %s\n", g->dims, g->nx, g->ny,
            g->nz, g->dx_mm * 1e3, g->periodic ? "periodic" : "zero flux");
    int ns = 0;
    const double *days = mh_sim_session_days(sim, &ns);
    const mh_device *dev = mh_sim_devices(sim);
    static const char *types[] = {"pen", "roller", "stamp", "patch"}, *pats[] = {"grid", "hex", "random"};
    for (int k = 0; k < ns; k++)
        fprintf(out,
                "session %d on day %g: %s, %.2f mm needles x %.2f -> %.0f um deep, surface radius %.0f um, %s "
                "pattern, %.0f punctures/cm^2\n",
                k + 1, days[k], types[dev[k].type], dev[k].needle_length_mm, dev[k].penetration_fraction,
                dev[k].depth_mm * 1e3, dev[k].surface_radius_mm * 1e3, pats[dev[k].pattern], dev[k].density_per_cm2);
}

static int cmd_check(int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        fputs(usage_check, stdout);
        return 0;
    }
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_config *cfg = NULL;
    mh_sim *sim = NULL;
    const char *path = NULL;
    int rc = load_config(argc, argv, usage_check, &cfg, NULL, NULL, &path, &ctx);
    if (rc == 0 && mh_sim_create(cfg, &ctx, &sim) != MH_OK)
        rc = mh_cli_fail(&ctx);
    if (rc == 0) {
        printf("%s: valid\n", path);
        print_setup(sim, stdout);
    }
    mh_sim_destroy(&sim);
    mh_config_destroy(&cfg);
    return rc;
}

static char *default_output(const char *cfg_path)
{
    const char *base = strrchr(cfg_path, '/');
    base = base ? base + 1 : cfg_path;
    size_t n = strlen(base);
    const char *dot = strrchr(base, '.');
    if (dot != NULL && dot != base)
        n = (size_t)(dot - base);
    char *out = malloc(n + 4);
    if (out != NULL)
        snprintf(out, n + 4, "%.*s.h5", (int)n, base);
    return out;
}

static int cmd_run(int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        fputs(usage_run, stdout);
        return 0;
    }
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_config *cfg = NULL;
    mh_sim *sim = NULL;
    mh_h5_writer *w = NULL;
    const char *path = NULL, *outp = NULL;
    char *outbuf = NULL;
    int quiet = 0;
    int rc = load_config(argc, argv, usage_run, &cfg, &outp, &quiet, &path, &ctx);
    if (rc == 0 && outp == NULL) {
        outp = outbuf = default_output(path);
        if (outp == NULL)
            rc = 1;
    }
    if (rc == 0 && mh_sim_create(cfg, &ctx, &sim) != MH_OK)
        rc = mh_cli_fail(&ctx);
    if (rc == 0 && mh_h5_writer_open(outp, &ctx, &w) != MH_OK)
        rc = mh_cli_fail(&ctx);
    if (rc == 0) {
        if (!quiet)
            print_setup(sim, stderr);
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        mh_sink sink = {mh_h5_snapshot, w};
        if (mh_sim_run(sim, &sink, &ctx) != MH_OK) {
            mh_h5_writer_abort(&w);
            rc = mh_cli_fail(&ctx);
        } else if (mh_config_text(cfg) == NULL) {
            mh_h5_writer_abort(&w);
            MH_ERROR(&ctx, MH_ERR_NOMEM, "out of memory (resolved configuration)");
            rc = mh_cli_fail(&ctx);
        } else if (mh_h5_writer_finish(&w, sim, mh_config_text(cfg), (unsigned long)mh_config_int(cfg, MH_P_SEED),
                                       &ctx) != MH_OK) {
            rc = mh_cli_fail(&ctx);
        } else if (!quiet) {
            clock_gettime(CLOCK_MONOTONIC, &t1);
            long acc, rej;
            mh_sim_steps(sim, &acc, &rej);
            const mh_summary *m = mh_sim_summary(sim);
            fprintf(stderr,
                    "wrote %s: %ld steps (%ld rejected) in %.2f s; session 1: channels closed %.1f h, erythema "
                    "%.2f days, collagen (dermis) x%.3f at day 42\n",
                    outp, acc, rej, (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec),
                    m->closure_hours[0], m->erythema_days[0], m->gain[MH_OL_DERMIS][MH_OQ_CT][0]);
        }
    }
    mh_h5_writer_abort(&w);
    mh_sim_destroy(&sim);
    mh_config_destroy(&cfg);
    free(outbuf);
    return rc;
}

static int cmd_info(int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        fputs(usage_info, stdout);
        return 0;
    }
    if (argc != 1)
        return usage_error(usage_info, "%s", argc == 0 ? "missing OUT.h5" : "too many arguments");
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    return mh_h5_info(argv[0], stdout, &ctx) == MH_OK ? 0 : mh_cli_fail(&ctx);
}

static int cmd_export(int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        fputs(usage_export, stdout);
        return 0;
    }
    const char *file = NULL, *what = NULL, *field = NULL, *outp = NULL;
    double day = 0.0, y = -1.0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--series") == 0 || strcmp(a, "--sessions") == 0 || strcmp(a, "--punctures") == 0 ||
            strcmp(a, "--summary") == 0) {
            if (what != NULL)
                return usage_error(usage_export, "%s", "give one of --series, --sessions, --punctures, --summary, --field");
            what = a;
        } else if (strcmp(a, "--field") == 0 || strcmp(a, "--day") == 0 || strcmp(a, "--y-mm") == 0 ||
                   strcmp(a, "-o") == 0) {
            if (i + 1 >= argc)
                return usage_error(usage_export, "%s needs an argument", a);
            const char *v = argv[++i];
            if (strcmp(a, "--field") == 0) {
                if (what != NULL)
                    return usage_error(usage_export, "%s", "give one of --series, --sessions, --punctures, --summary, --field");
                what = a;
                field = v;
            } else if (strcmp(a, "-o") == 0) {
                outp = v;
            } else if (!mh_cli_parse_double(v, strcmp(a, "--day") == 0 ? &day : &y)) {
                return usage_error(usage_export, "not a number: %s", v);
            }
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error(usage_export, "unknown option %s", a);
        } else if (file == NULL) {
            file = a;
        } else {
            return usage_error(usage_export, "unexpected argument %s", a);
        }
    }
    if (file == NULL || what == NULL)
        return usage_error(usage_export, "%s", file == NULL ? "missing OUT.h5" : "missing WHAT");
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    char *tmp = NULL;
    FILE *out = stdout;
    if (outp != NULL) {
        size_t n = strlen(outp) + 8;
        tmp = malloc(n);
        if (tmp == NULL)
            return 1;
        snprintf(tmp, n, "%s.tmp", outp);
        out = fopen(tmp, "w");
        if (out == NULL) {
            fprintf(stderr, "microheal: %s: cannot write\n", tmp);
            free(tmp);
            return 1;
        }
    }
    mh_status st;
    if (strcmp(what, "--series") == 0)
        st = mh_export_series(file, out, &ctx);
    else if (strcmp(what, "--sessions") == 0)
        st = mh_export_sessions(file, out, &ctx);
    else if (strcmp(what, "--punctures") == 0)
        st = mh_export_punctures(file, out, &ctx);
    else if (strcmp(what, "--summary") == 0)
        st = mh_export_summary(file, out, &ctx);
    else
        st = mh_export_field(file, field, day, y, out, &ctx);
    if (outp != NULL) {
        int bad = fclose(out) != 0;
        if (st == MH_OK && (bad || rename(tmp, outp) != 0))
            st = MH_ERROR(&ctx, MH_ERR_IO, "%s: cannot write", outp);
        if (st != MH_OK)
            remove(tmp);
        free(tmp);
    }
    return st == MH_OK ? 0 : mh_cli_fail(&ctx);
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off(); /* GSL errors come back as return codes */
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
        return cmd_run(argc - 2, argv + 2);
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 2, argv + 2);
    if (strcmp(cmd, "info") == 0)
        return cmd_info(argc - 2, argv + 2);
    if (strcmp(cmd, "export") == 0)
        return cmd_export(argc - 2, argv + 2);
    if (strcmp(cmd, "sensitivity") == 0)
        return mh_cli_sensitivity(argc - 2, argv + 2);
    if (strcmp(cmd, "calibrate") == 0)
        return mh_cmd_calibrate(argc - 2, argv + 2);
    if (strcmp(cmd, "validate") == 0)
        return mh_cmd_validate(argc - 2, argv + 2);
    fprintf(stderr, "microheal: unknown command '%s'\n%s", cmd, usage_main);
    return 2;
}
