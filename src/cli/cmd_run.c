/* src/cli: the microheal command: parse the arguments, call the library, report, exit code. */
/* cmd_run: `microheal run` (simulate to HDF5, with checkpoints, resume, signals and fault snapshots)
 * and `microheal check` (validate and show the set-up). */
#include "mh_args.h"
#include "mh_build.h"
#include "mh_checkpoint.h"
#include "mh_cli.h"
#include "mh_cli_util.h"
#include "mh_config.h"
#include "mh_ensemble.h"
#include "mh_ensemble_io.h"
#include "mh_farm.h"
#include "mh_file.h"
#include "mh_h5.h"
#include "mh_pool.h"
#include "mh_progress.h"
#include "mh_sim.h"
#include "mh_sweep_io.h"
#include "mh_xdmf.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *usage_run =
    "usage: microheal run CONFIG [-o OUT.h5] [--set section.key=value ...] [--override-contraindications]\n"
    "                     [--checkpoint-every DAYS] [--resume] [--replicates N [-j PROCS]] [-q]\n"
    "\n"
    "Simulates the treatment in CONFIG (INI; see configs/default.ini) and writes OUT.h5\n"
    "(default: CONFIG's name with .h5 in the current directory). The file appears only when\n"
    "complete. --set overrides one key (repeatable), e.g. --set device.needle_length_mm=1.0 or\n"
    "--set session.2.needle_length_mm=0.5. On a terminal a progress bar shows the simulated day, the\n"
    "wall time elapsed and an estimate of the time left (from the pace so far). -q (--quiet) prints\n"
    "nothing but errors: no set-up, no bar, no summary line.\n"
    "\n"
    "Checkpoints: OUT.ckpt.h5 is written every checkpoint.every_minutes of wall-clock time (default 30),\n"
    "whenever the run passes a multiple of checkpoint.every_days (--checkpoint-every DAYS), and on SIGINT,\n"
    "SIGTERM or SIGHUP, which then stop the run (exit status 128 + the signal's number). --resume continues\n"
    "from OUT.ckpt.h5 with the same CONFIG and --set options; the result is the same, bit for bit. The\n"
    "checkpoint is deleted once OUT.h5 is complete. A numerical fault (NaN/Inf, or a step below\n"
    "solver.dt_min_s) stops the run and writes the last good state to OUT.fault.h5.\n"
    "\n"
    "One run writes OUT.h5 at a time: it holds the lock OUT.lock while it runs, and a second run to the same\n"
    "output is refused, naming the first one's process. OUT.h5 may replace only a regular file.\n"
    "\n"
    "--replicates N runs an ensemble: N runs of CONFIG, replicate 0 with its seed and replicate r with the\n"
    "r-th number of GSL's mt19937 seeded with it (papers/ensembles.md), each a normal output in\n"
    "OUT.replicates/points/pNNNNNN.h5, run by a local pool of PROCS processes (-j; default: the cores, or\n"
    "the replicates if fewer). OUT.h5 is then the ensemble file: mean, sd and 95 % confidence interval of\n"
    "every outcome metric, summary value and series column (group /ensemble; the README has the schema).\n"
    "Running the same command again reuses the complete replicates. Under mpirun or Slurm, run the\n"
    "replicates as a sweep (replicates = N in a sweep file, or microheal sweep --replicates N).\n";

static const char *usage_check =
    "usage: microheal check CONFIG [--set section.key=value ...] [--override-contraindications]\n"
    "\n"
    "Validates CONFIG and prints the resolved set-up (layers, grid, devices, sessions)\n"
    "without running it through: it refuses what run would refuse at its start (a grid larger than\n"
    "this machine's memory; a grid too fine for the first step after session 1, which it takes).\n"
    "Exit 0 if valid, 2 with FILE:LINE: key: reason if not (1 for the memory).\n";

/* Options of run and check of their own (check takes --override-contraindications only). */
enum { OPT_OVERRIDE = MH_ARGS_OWN, OPT_CHECKPOINT_EVERY, OPT_RESUME };
static const struct option run_options[] = {{"override-contraindications", no_argument, NULL, OPT_OVERRIDE},
                                            {"checkpoint-every", required_argument, NULL, OPT_CHECKPOINT_EVERY},
                                            {"resume", no_argument, NULL, OPT_RESUME},
                                            {NULL, 0, NULL, 0}};
static const struct option check_options[] = {{"override-contraindications", no_argument, NULL, OPT_OVERRIDE},
                                              {NULL, 0, NULL, 0}};

/* --override-contraindications and --checkpoint-every are assignments, applied with --set's in the order
 * given; --resume sets *(int *)a->user. */
static int on_run_option(mh_args *a, int val, char *arg)
{
    if (val == OPT_RESUME) {
        *(int *)a->user = 1;
        return 0;
    }
    if (val == OPT_CHECKPOINT_EVERY)
        return mh_args_assign_add(a, "checkpoint.every_days", arg, "--checkpoint-every");
    return mh_args_assign_add(a, "patient.override_contraindications", "true", "--override-contraindications");
}

/* Parses run's or check's argv (spec) into a, loads CONFIG (a->pos[0]) and applies the assignments in order.
 * Returns MH_ARGS_GO_ON, or the exit status of a failure (reported) or of --help. */
static int load_config(const mh_args_spec *spec, int argc, char **argv, mh_args *a, mh_config **cfg, mh_ctx *ctx)
{
    int rc = mh_args_parse(spec, argc, argv, a);
    if (rc != MH_ARGS_GO_ON)
        return rc;
    if (a->npos == 0)
        return mh_cli_usage_error(spec->usage, "%s", "missing CONFIG");
    if (mh_config_create(ctx, cfg) != MH_OK || mh_config_load(*cfg, a->pos[0], ctx) != MH_OK ||
        mh_args_apply(a, *cfg, ctx) != MH_OK)
        return mh_cli_fail(ctx);
    return MH_ARGS_GO_ON;
}

static void print_setup(const mh_sim *sim, FILE *out)
{
    const mh_grid *g = mh_sim_grid(sim);
    fprintf(out, "layers (depth of top, mm):");
    for (int l = 0; l < MH_LAYER_COUNT; l++)
        fprintf(out, " %s %.3f", mh_layer_name((mh_layer)l), g->skin.top_mm[l]);
    fprintf(out, "; bottom %.3f\n", g->skin.top_mm[MH_LAYER_COUNT]);
    fprintf(out, "grid: %d-D, %d x %d x %d cells (x, y, depth), dx = %.1f um, lateral %s; %.3g GiB to run\n", g->dims,
            g->nx, g->ny, g->nz, g->dx_mm * 1e3, g->periodic ? "periodic" : "zero flux",
            (double)mh_sim_cell_bytes(sim) / (1u << 30));
    int ns = 0;
    const double *days = mh_sim_session_days(sim, &ns);
    const mh_device *dev = mh_sim_devices(sim);
    static const char *types[] = {"pen", "roller", "stamp", "patch"}, *pats[] = {"grid", "hex", "random"};
    for (int k = 0; k < ns; k++) {
        if (dev[k].type == MH_DEV_NONE) {
            fprintf(out, "session %d on day %g: no needles\n", k + 1, days[k]);
            continue;
        }
        fprintf(out,
                "session %d on day %g: %s, %.2f mm needles x %.2f -> %.0f um deep, surface radius %.0f um, %s "
                "pattern, %.0f punctures/cm^2 requested, %.1f realised (%zu per session)\n",
                k + 1, days[k], types[dev[k].type], dev[k].needle_length_mm, dev[k].penetration_fraction,
                dev[k].depth_mm * 1e3, dev[k].surface_radius_mm * 1e3, pats[dev[k].pattern], dev[k].density_per_cm2,
                mh_device_realised_density(&dev[k], g->dims, g->width_mm, g->length_mm),
                g->dims == 2 ? mh_device_section_count(dev[k].density_per_cm2, g->width_mm)
                             : mh_device_patch_count(&dev[k], g->width_mm, g->length_mm));
        if (dev[k].inserted)
            mh_cli_print_insertion(out, &dev[k], "  ");
    }
}

/* Fails (exit 1) when the run's arrays cannot fit this machine's memory: better than being killed. */
static int check_memory(const mh_sim *sim, mh_ctx *ctx)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    double need = (double)mh_sim_cell_bytes(sim), have = pages > 0 && page > 0 ? (double)pages * (double)page : 0.0;
    if (have > 0.0 && need > have) {
        const mh_grid *g = mh_sim_grid(sim);
        MH_ERROR(ctx, MH_ERR_NOMEM,
                 "the grid's %zu cells need %.3g GiB, more than this machine's %.3g GiB; choose a coarser "
                 "grid.dx_um or a smaller domain",
                 g->ncell, need / (1u << 30), have / (1u << 30));
        return mh_cli_fail(ctx);
    }
    return 0;
}

/* check's work after the configuration loaded: what run refuses, by the same code (the memory, then the
 * steps up to the first after session 1), then the set-up on stdout. The exit status. */
static int check_config(const mh_config *cfg, const char *path, mh_ctx *ctx)
{
    mh_sim *sim = NULL;
    int rc = mh_build_sim(cfg, ctx, &sim) == MH_OK ? check_memory(sim, ctx) : mh_cli_fail(ctx);
    if (rc == 0 && mh_build_probe(cfg, sim, ctx) != MH_OK)
        rc = mh_cli_fail(ctx);
    if (rc == 0) {
        printf("%s: valid\n", path);
        print_setup(sim, stdout);
    }
    mh_sim_destroy(&sim);
    return rc;
}

int mh_cmd_check(int argc, char **argv)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_config *cfg = NULL;
    const mh_args_spec spec = {
        .usage = usage_check, .common = MH_ARGS_SET, .own = check_options, .max_pos = 1, .on_option = on_run_option};
    mh_args a;
    int rc = load_config(&spec, argc, argv, &a, &cfg, &ctx);
    if (rc == MH_ARGS_GO_ON)
        rc = check_config(cfg, a.pos[0], &ctx);
    mh_config_destroy(&cfg);
    mh_args_clear(&a);
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

/* The signal that asked the run to stop (0: none). */
static volatile sig_atomic_t stop_signal = 0;
static void on_stop_signal(int sig) { stop_signal = sig; }

/* The signals that stop a run after a checkpoint: SIGINT (Ctrl-C), SIGTERM (kill, Slurm's time limit)
 * and SIGHUP (the terminal or ssh session closed). */
static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};
#define N_STOP_SIGNALS (int)(sizeof stop_signals / sizeof stop_signals[0])

static const char *signal_name(int sig)
{
    return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : sig == SIGHUP ? "SIGHUP" : "?";
}

/* Catches the stop signals (into stop_signal; a second one acts as if none were caught), keeping the
 * old actions in old; restore_stop_signals puts them back. */
static void catch_stop_signals(struct sigaction old[N_STOP_SIGNALS])
{
    struct sigaction sa = {0};
    sa.sa_handler = on_stop_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    for (int k = 0; k < N_STOP_SIGNALS; k++)
        sigaction(stop_signals[k], &sa, &old[k]);
}

static void restore_stop_signals(const struct sigaction old[N_STOP_SIGNALS])
{
    for (int k = 0; k < N_STOP_SIGNALS; k++)
        sigaction(stop_signals[k], &old[k], NULL);
}

/* Takes the lock of output outp (OUT.lock beside it) and, holding it, removes the temporary files that
 * dead writers of the output, its XDMF file, checkpoint and fault snapshot left (a run killed before
 * its first checkpoint, or between a write and its rename). 0, or the exit status after a message. */
static int lock_output(const char *outp, mh_lock **lock, mh_ctx *ctx)
{
    char *lp = mh_output_lock_path(outp), what[64 + 4096];
    if (lp == NULL) {
        MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
        return mh_cli_fail(ctx);
    }
    snprintf(what, sizeof what, "output %.4000s", outp);
    mh_status st = mh_lock_acquire(lp, false, what, ctx, lock);
    free(lp);
    if (st != MH_OK)
        return mh_cli_fail(ctx);
    char *beside[4] = {mh_xdmf_path(outp), mh_checkpoint_path(outp), mh_fault_path(outp), NULL};
    mh_file_remove_stale(outp);
    for (int k = 0; k < 3; k++) {
        if (beside[k] != NULL)
            mh_file_remove_stale(beside[k]);
        free(beside[k]);
    }
    return 0;
}

/* When to checkpoint, and where. */
typedef struct {
    mh_h5_writer *w;
    const char *ckpt, *config_text;
    double every_days, every_s; /* 0: off */
    double next_day, last_s;    /* the next multiple of every_days; wall-clock time of the last checkpoint */
    int quiet;
    mh_progress bar; /* on stderr when it is a terminal */
} run_ctl;

/* Next multiple of step strictly after t. */
static double next_multiple(double t, double step) { return (floor(t / step) + 1.0) * step; }

/* mh_sink.step: checkpoints when one is due or a stop was asked for, then stops in the latter case. */
static mh_status on_step(void *user, const mh_sim *sim, mh_ctx *ctx)
{
    run_ctl *c = user;
    mh_sim_state st;
    mh_sim_get_state(sim, &st);
    const int sig = stop_signal;
    mh_progress_update(&c->bar, st.t_days);
    bool due = sig != 0 || (c->every_days > 0.0 && st.t_days >= c->next_day) ||
               (c->every_s > 0.0 && mh_cli_now_s() - c->last_s >= c->every_s);
    if (!due)
        return MH_OK;
    mh_status s = mh_checkpoint_write(c->ckpt, sim, c->config_text, c->w, ctx);
    if (s != MH_OK)
        return s;
    if (c->every_days > 0.0)
        c->next_day = next_multiple(st.t_days, c->every_days);
    c->last_s = mh_cli_now_s();
    mh_progress_clear(&c->bar);
    if (!c->quiet)
        fprintf(stderr, "checkpoint at day %.6g: %s\n", st.t_days, c->ckpt);
    if (sig != 0)
        return MH_ERROR(ctx, MH_ERR_STOPPED, "stopped by signal %d (%s) at day %.6g; continue with --resume from %s",
                        sig, signal_name(sig), st.t_days, c->ckpt);
    return MH_OK;
}

/* mh_sink.snapshot: to the writer. */
static mh_status on_snapshot(void *user, double t_days, const mh_grid *g, const mh_model_params *p, const mh_fields *f,
                             mh_ctx *ctx)
{
    return mh_h5_snapshot(((run_ctl *)user)->w, t_days, g, p, f, ctx);
}

/* After a numerical fault: the diagnostic snapshot beside the output, named in the message. */
static int report_fault(const mh_sim *sim, const char *outp, const char *text, mh_ctx *ctx)
{
    int rc = mh_cli_fail(ctx);
    char *fp = mh_fault_path(outp);
    char msg[MH_MSG_LEN];
    snprintf(msg, sizeof msg, "%s", ctx->msg);
    mh_ctx wctx;
    mh_ctx_init(&wctx);
    if (fp != NULL && mh_fault_write(fp, sim, text, msg, &wctx) == MH_OK)
        fprintf(stderr, "microheal: the last accepted state is in %s (microheal info %s)\n", fp, fp);
    else
        fprintf(stderr, "microheal: no diagnostic snapshot: %s\n", fp ? wctx.msg : "out of memory");
    free(fp);
    return rc;
}

/* One run: what it holds from its start to its end. */
typedef struct {
    mh_args args;
    mh_config *cfg;
    mh_sim *sim;
    mh_h5_writer *w;
    mh_lock *lock;
    const char *outp, *text; /* OUT.h5 (-o, or outbuf); the resolved configuration (cfg's) */
    char *outbuf, *ckpt;     /* the default OUT.h5; OUT.ckpt.h5 */
    int resume;
} run_state;

/* Parses and loads the configuration, names the outputs and creates the simulation, refusing a grid larger
 * than the memory. Returns MH_ARGS_GO_ON, or the exit status (reported). */
static int set_up(int argc, char **argv, run_state *r, mh_ctx *ctx)
{
    const mh_args_spec spec = {.usage = usage_run,
                               .common =
                                   MH_ARGS_SET | MH_ARGS_OUTPUT | MH_ARGS_QUIET | MH_ARGS_REPLICATES | MH_ARGS_JOBS,
                               .own = run_options,
                               .max_pos = 1,
                               .on_option = on_run_option,
                               .user = &r->resume};
    int rc = load_config(&spec, argc, argv, &r->args, &r->cfg, ctx);
    if (rc != MH_ARGS_GO_ON)
        return rc;
    if ((r->outp = r->args.output) == NULL)
        r->outp = r->outbuf = default_output(r->args.pos[0]);
    if (r->outp == NULL || (r->ckpt = mh_checkpoint_path(r->outp)) == NULL ||
        (r->text = mh_config_text(r->cfg)) == NULL) {
        MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
        return mh_cli_fail(ctx);
    }
    if (mh_build_sim(r->cfg, ctx, &r->sim) != MH_OK)
        return mh_cli_fail(ctx);
    rc = check_memory(r->sim, ctx);
    return rc == 0 ? MH_ARGS_GO_ON : rc;
}

/* Takes OUT.h5 (refusing one that is not a regular file), opens its writer and, with --resume, reads the
 * checkpoint back. 0, or the exit status (reported). */
static int open_output(run_state *r, mh_ctx *ctx)
{
    if (mh_file_check_output(r->outp, ctx) != MH_OK || mh_file_check_output(r->ckpt, ctx) != MH_OK)
        return mh_cli_fail(ctx);
    const int rc = lock_output(r->outp, &r->lock, ctx);
    if (rc != 0)
        return rc;
    if (mh_h5_writer_open(r->outp, ctx, &r->w) != MH_OK)
        return mh_cli_fail(ctx);
    if (r->resume && mh_checkpoint_resume(r->ckpt, r->sim, r->text, r->w, ctx) != MH_OK)
        return mh_cli_fail(ctx);
    if (!r->resume && !r->args.quiet && access(r->ckpt, F_OK) == 0)
        fprintf(stderr, "microheal: note: %s exists; starting from day 0 (--resume continues it)\n", r->ckpt);
    return 0;
}

/* The line that says what a complete run wrote: steps, wall time (seconds, and HH:MM:SS from a minute on),
 * and session 1's outcome with the gain at day 42, or at the end of a shorter run. */
static void report_run(const run_state *r, double wall)
{
    long acc, rej;
    mh_sim_steps(r->sim, &acc, &rej);
    const mh_summary *m = mh_sim_summary(r->sim);
    const double *gain = m->gain[MH_OL_DERMIS][MH_OQ_CT];
    const bool minutes = wall >= 60.0, d42 = !isnan(gain[0]);
    char hms[32], at[48] = "at day 42";
    mh_progress_hms(wall, hms, sizeof hms);
    if (!d42)
        snprintf(at, sizeof at, "at the end (day %g)", mh_config_real(r->cfg, MH_P_SIM_DAYS));
    fprintf(stderr,
            "wrote %s: %ld steps (%ld rejected) in %.2f s%s%s%s; session 1: channels closed %.1f h, "
            "erythema %.2f days, collagen (dermis) x%.3f %s\n",
            r->outp, acc, rej, wall, minutes ? " (" : "", minutes ? hms : "", minutes ? ")" : "", m->closure_hours[0],
            m->erythema_days[0], d42 ? gain[0] : gain[MH_GAIN_DAYS], at);
}

/* Runs the simulation to its end, with the progress bar and the checkpoints, and finishes OUT.h5 (the
 * checkpoint is removed then). 0, or the exit status (reported; 128 + N after signal N). */
static int simulate(run_state *r, mh_ctx *ctx)
{
    const int quiet = r->args.quiet;
    mh_sim_state st0;
    mh_sim_get_state(r->sim, &st0);
    if (!quiet) {
        print_setup(r->sim, stderr);
        if (r->resume)
            fprintf(stderr, "resuming at day %.6g from %s\n", st0.t_days, r->ckpt);
    }
    const double t0 = mh_cli_now_s();
    run_ctl ctl = {r->w,
                   r->ckpt,
                   r->text,
                   mh_config_real(r->cfg, MH_P_CKPT_DAYS),
                   60.0 * mh_config_real(r->cfg, MH_P_CKPT_MINUTES),
                   0.0,
                   t0,
                   quiet,
                   {0}};
    if (ctl.every_days > 0.0)
        ctl.next_day = next_multiple(st0.t_days, ctl.every_days);
    mh_sink sink = {on_snapshot, on_step, &ctl};
    mh_progress_start(&ctl.bar, stderr, quiet, "day", st0.t_days, mh_config_real(r->cfg, MH_P_SIM_DAYS));
    const mh_status st = mh_sim_run(r->sim, &sink, ctx);
    mh_progress_finish(&ctl.bar);
    if (st == MH_ERR_NUMERIC)
        return report_fault(r->sim, r->outp, r->text, ctx);
    if (st == MH_ERR_STOPPED) {
        mh_cli_fail(ctx);
        return 128 + stop_signal;
    }
    if (st != MH_OK ||
        mh_h5_writer_finish(&r->w, r->sim, r->text, (unsigned long)mh_config_int(r->cfg, MH_P_SEED), ctx) != MH_OK)
        return mh_cli_fail(ctx);
    mh_file_remove_regular(r->ckpt); /* superseded by the complete output */
    if (!quiet)
        report_run(r, mh_cli_now_s() - t0);
    return 0;
}

/* A stop signal came before the run started: nothing new to keep (the checkpoint, if any, is as it was). */
static int stopped_before_start(void)
{
    fprintf(stderr, "microheal: stopped by signal %d (%s) before the run started; nothing was written\n",
            (int)stop_signal, signal_name(stop_signal));
    return 128 + stop_signal;
}

/* ---- an ensemble: --replicates N ---- */

/* OUT.h5's folder of replicates: OUT (without ".h5") + ".replicates", malloc'ed; NULL when memory runs out. */
static char *replicates_dir(const char *outp)
{
    size_t n = strlen(outp);
    if (n > 3 && strcmp(outp + n - 3, ".h5") == 0)
        n -= 3;
    char *dir = malloc(n + 16);
    if (dir != NULL)
        snprintf(dir, n + 16, "%.*s.replicates", (int)n, outp);
    return dir;
}

/* The plan of the ensemble: CONFIG with run's assignments in order, N replicates; checked. 0 or the exit status. */
static int plan_ensemble(run_state *r, mh_sweep **s, mh_ctx *ctx)
{
    mh_args *a = &r->args;
    mh_sweep_assign *sets = calloc((size_t)a->nassign + 1, sizeof *sets);
    if (sets == NULL) {
        MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
        return mh_cli_fail(ctx);
    }
    int rc = 0;
    for (int k = 0; rc == 0 && k < a->nassign; k++) /* already applied and checked once: each is KEY=VALUE */
        rc = mh_cli_split_assign(usage_run, a->assign[k].origin, a->assign[k].text, a->assign[k].origin, &sets[k]);
    const char *cfg = a->pos[0];
    if (rc == 0 && (mh_sweep_create(&cfg, 1, sets, a->nassign, NULL, ctx, s) != MH_OK ||
                    mh_sweep_set_replicates(*s, (int)a->replicates, ctx) != MH_OK || mh_sweep_check(*s, ctx) != MH_OK))
        rc = mh_cli_fail(ctx);
    free(sets);
    return rc;
}

/* The ensemble file OUT.h5 from the complete replicates in dir; its report. 0 or the exit status. */
static int write_ensemble(const mh_sweep *s, const char *dir, const char *outp, int quiet, mh_ctx *ctx)
{
    const int n = mh_sweep_npoints(s);
    double *metric = malloc((size_t)n * MH_MET_COUNT * sizeof *metric);
    int *status = malloc((size_t)n * sizeof *status);
    char **paths = calloc((size_t)n, sizeof *paths);
    unsigned long *seeds = malloc((size_t)n * sizeof *seeds);
    mh_config *c0 = NULL;
    mh_sweep_counts c = {0, 0, 0};
    mh_status st = metric == NULL || status == NULL || paths == NULL || seeds == NULL
                       ? MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory")
                       : mh_sweep_summary_read(s, dir, metric, status, &c, ctx);
    for (int i = 0; st == MH_OK && i < n; i++) {
        seeds[i] = mh_sweep_seed(s, i);
        if ((paths[i] = mh_sweep_point_path(dir, i, "h5")) == NULL)
            st = MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
    }
    if (st == MH_OK && c.ok < n)
        st = MH_ERROR(ctx, MH_ERR_NUMERIC,
                      "%d of %d replicates failed and %d are missing (%s/points/*.failed say why); "
                      "no ensemble written",
                      c.failed, n, c.missing, dir);
    if (st == MH_OK)
        st = mh_sweep_point_config(s, 0, ctx, &c0);
    if (st == MH_OK)
        st = mh_ensemble_write_file(outp, mh_config_text(c0), (const char *const *)paths, seeds, metric, n, ctx);
    if (st == MH_OK && !quiet) {
        const mh_ensemble_stats g = mh_ensemble_stats_of(metric + MH_MET_GAIN42, MH_MET_COUNT, n);
        const mh_ensemble_stats e = mh_ensemble_stats_of(metric + MH_MET_ERYTHEMA, MH_MET_COUNT, n);
        fprintf(stderr,
                "wrote %s: ensemble of %d replicates (%s/points); session 1: erythema %.3g days [%.3g, %.3g], "
                "collagen gain at day 42 %.4g [%.4g, %.4g] (mean [95 %% CI])\n",
                outp, n, dir, e.mean, e.ci_lo, e.ci_hi, g.mean, g.ci_lo, g.ci_hi);
    }
    mh_config_destroy(&c0);
    for (int i = 0; paths != NULL && i < n; i++)
        free(paths[i]);
    free(paths);
    free(seeds);
    free(metric);
    free(status);
    return st == MH_OK ? 0 : mh_cli_fail(ctx);
}

/* run --replicates N: the replicates through the local pool into OUT.replicates, then the ensemble file. */
static int run_ensemble(run_state *r, mh_ctx *ctx)
{
    if (r->resume)
        return mh_cli_usage_error(usage_run, "%s",
                                  "--resume is for one run; an ensemble run again reuses its complete replicates");
    if (mh_farm_launched())
        return mh_cli_usage_error(usage_run, "%s",
                                  "--replicates runs a local pool; under mpirun, run the replicates as a sweep "
                                  "(microheal sweep --replicates N)");
    if (mh_file_check_output(r->outp, ctx) != MH_OK)
        return mh_cli_fail(ctx);
    mh_sweep *s = NULL;
    char *dir = replicates_dir(r->outp), *points = dir != NULL ? malloc(strlen(dir) + 16) : NULL;
    mh_lock *lock = NULL;
    int rc = dir == NULL || points == NULL ? (MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory"), mh_cli_fail(ctx))
                                           : plan_ensemble(r, &s, ctx);
    if (rc == 0) {
        snprintf(points, strlen(dir) + 16, "%s/points", dir);
        rc = mh_cli_mkdirs(points) ? 0 : 1;
    }
    if (rc == 0 && (lock = mh_cli_lock_dir(dir, false)) == NULL) /* one ensemble into it at a time */
        rc = 1;
    if (rc == 0)
        rc = mh_pool_run_local(s, dir, r->args.jobs, 0, "replicate", r->args.quiet);
    if (rc == 0)
        rc = write_ensemble(s, dir, r->outp, r->args.quiet, ctx);
    mh_lock_release(&lock);
    mh_sweep_destroy(&s);
    free(points);
    free(dir);
    return rc;
}

int mh_cmd_run(int argc, char **argv)
{
    /* first of all: a signal that comes while the configuration loads or a checkpoint is read back must
     * not kill the run by signal, with a temporary file left behind */
    struct sigaction old_actions[N_STOP_SIGNALS];
    catch_stop_signals(old_actions);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    run_state r = {0};
    int rc = set_up(argc, argv, &r, &ctx);
    if (rc == MH_ARGS_GO_ON && r.args.replicates == 0 && r.args.jobs != 0)
        rc = mh_cli_usage_error(usage_run, "%s", "-j goes with --replicates");
    if (rc == MH_ARGS_GO_ON && r.args.replicates > 0) {
        restore_stop_signals(old_actions); /* the pool catches them itself, and keeps what is complete */
        rc = stop_signal != 0 ? stopped_before_start() : run_ensemble(&r, &ctx);
    } else if (rc == MH_ARGS_GO_ON && (rc = open_output(&r, &ctx)) == 0)
        rc = stop_signal != 0 ? stopped_before_start() : simulate(&r, &ctx);
    mh_h5_writer_abort(&r.w);
    mh_lock_release(&r.lock);
    mh_sim_destroy(&r.sim);
    mh_config_destroy(&r.cfg);
    mh_args_clear(&r.args);
    free(r.outbuf);
    free(r.ckpt);
    restore_stop_signals(old_actions);
    return rc;
}
