/* src/cli: the microheal command: parse the arguments, call the library, report, exit code. */
/* cmd_plot: `microheal plot OUT.h5`: the gallery of one run for a class (healing curves, early response,
 * cross-sections, depth response, an animation of the first week), tables exported from the output and
 * drawn by the gnuplot scripts into PNGs and a GIF. */
#include "mh_args.h"
#include "mh_cli.h"
#include "mh_cli_util.h"
#include "mh_file.h"
#include "mh_export.h"
#include "mh_h5.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *usage_plot =
    "usage: microheal plot OUT.h5 [-o DIR] [--scripts DIR]\n"
    "\n"
    "Draws the gallery of a run with gnuplot into DIR (default: OUT_plots beside OUT.h5), 1600 x 1000\n"
    "pixels with large fonts, for projection:\n"
    "  healing_curves.png          collagen I, III, total and elastin against time, sessions marked\n"
    "  early_response.png          erythema, open channels, re-epithelialisation, bleeding (first week)\n"
    "  cross_section_collagen.png  total collagen in the cross-section at days 0, 1, 7, 42 and 180\n"
    "  depth_response.png          change of the matrix against depth at days 7, 42 and 180\n"
    "  first_week.gif              animation of the first week (blood, inflammatory cells, fibroblasts,\n"
    "                              collagen III), one frame per stored snapshot, and the same frames as\n"
    "  first_week/frame_000.png ...  numbered PNGs\n"
    "Days count from the first session; each uses the nearest stored snapshot (output.snapshot_days),\n"
    "named in the panel's title; days beyond the run are left out with a note. --scripts DIR: the\n"
    "folder of the gnuplot scripts (default: scripts/ beside the executable, else ./scripts).\n"
    "Prints the files written; a file appears only when complete.\n";

/* The days of the figures, after the first session. */
static const double section_days[] = {0, 1, 7, 42, 180};
static const double depth_days[] = {7, 42, 180};
#define WEEK_DAYS 7.0
/* The quantities, in the order scripts/depth_response.gp and scripts/first_week.gp expect them. */
static const char *const depth_quantities[] = {"collagen_total", "collagen_I", "collagen_III", "elastin"};
static const char *const week_quantities[] = {"blood", "inflammatory_cells", "fibroblasts", "collagen_III"};
#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* One gallery being drawn. */
typedef struct {
    const char *h5;
    char dir[PATH_MAX];     /* the gallery's folder */
    char tmp[PATH_MAX];     /* DIR/.plot-XXXXXX: tables and drawings until they are complete */
    char scripts[PATH_MAX]; /* the gnuplot scripts' folder */
    double *snap;           /* snapshot days (absolute) */
    size_t nsnap;
    double t0, t_end;   /* the first session's day; the run's last day */
    double *layer_tops; /* /grid/layer_top_mm */
    size_t ntops;
} gallery;

/* A snapshot chosen for a day asked for (after the first session). */
typedef struct {
    long snap;
    double asked;
} pick;

/* The snapshots nearest to each of days[0..n), each at most once, into picks; returns how many. A day
 * beyond the run, or whose snapshot an earlier day took, is left out with a note naming the figure. */
static int pick_days(const gallery *g, const double *days, int n, const char *figure, pick *picks)
{
    int np = 0;
    for (int d = 0; d < n; d++) {
        if (g->t0 + days[d] > g->t_end + 1e-9) {
            fprintf(stderr, "microheal: note: %s: day %g is beyond the run (it ends on day %g): left out\n", figure,
                    days[d], g->t_end - g->t0);
            continue;
        }
        long best = -1;
        for (size_t i = 0; i < g->nsnap; i++)
            if (best < 0 || fabs(g->snap[i] - g->t0 - days[d]) < fabs(g->snap[best] - g->t0 - days[d]))
                best = (long)i;
        bool taken = false;
        for (int k = 0; k < np; k++)
            taken |= picks[k].snap == best;
        if (best < 0 || taken) {
            fprintf(stderr, "microheal: note: %s: day %g: %s: left out\n", figure, days[d],
                    best < 0 ? "no snapshots stored (output.snapshot_days)" : "its nearest snapshot is shown already");
            continue;
        }
        picks[np++] = (pick){best, days[d]};
    }
    return np;
}

/* Writes the table TMP/NAME: series ('s'), sessions ('S'), a cross-section of field at day ('f') or its
 * depth profile ('p'); its path in path. 0, or the exit status after a message. */
static int table(const gallery *g, const char *name, char what, const char *field, double day, char *path, size_t len)
{
    if (!mh_cli_fmt(path, len, "%s/%s", g->tmp, name))
        return 1;
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, "microheal: %s: cannot write: %s\n", path, strerror(errno));
        return 1;
    }
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_status st = what == 's'   ? mh_export_series(g->h5, f, &ctx)
                   : what == 'S' ? mh_export_sessions(g->h5, f, &ctx)
                   : what == 'f' ? mh_export_field(g->h5, field, day, -1.0, f, &ctx)
                                 : mh_export_profile(g->h5, field, day, f, &ctx);
    const bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad) {
        fprintf(stderr, "microheal: %s: cannot write (disk full?)\n", path);
        return 1;
    }
    return st == MH_OK ? 0 : mh_cli_fail(&ctx);
}

/* Moves TMP/NAME to DIR/NAME (both relative to their folders) and prints the new path unless quiet. */
static int publish(const gallery *g, const char *name, bool quiet)
{
    char from[PATH_MAX], to[PATH_MAX];
    if (!mh_cli_fmt(from, sizeof from, "%s/%s", g->tmp, name) || !mh_cli_fmt(to, sizeof to, "%s/%s", g->dir, name))
        return 1;
    mh_ctx ctx; /* a device, FIFO or folder under the name is refused, not replaced */
    mh_ctx_init(&ctx);
    if (mh_file_commit(from, to, &ctx) != MH_OK)
        return mh_cli_fail(&ctx);
    if (!quiet)
        printf("%s\n", to);
    return 0;
}

/* Runs SCRIPT.gp with the arguments of v and, unless name is NULL, publishes NAME (drawn into TMP/NAME). */
static int draw(const gallery *g, const char *script, const char *name, mh_gp *v)
{
    char gp[PATH_MAX];
    if (!mh_cli_fmt(gp, sizeof gp, "%s/%s.gp", g->scripts, script)) {
        mh_gp_clear(v);
        return 1;
    }
    if (!mh_gp_run(v, gp))
        return 1;
    return name != NULL ? publish(g, name, false) : 0;
}

/* healing_curves.png and early_response.png: ARG1 the series, ARG2 the sessions, ARG3 the PNG. */
static int draw_curves(const gallery *g)
{
    char series[PATH_MAX], sessions[PATH_MAX], name[64], out[PATH_MAX];
    int rc = table(g, "series.txt", 's', NULL, 0, series, sizeof series);
    if (rc == 0)
        rc = table(g, "sessions.txt", 'S', NULL, 0, sessions, sizeof sessions);
    const char *scripts[2] = {"healing_curves", "early_response"};
    for (int k = 0; k < 2 && rc == 0; k++) {
        snprintf(name, sizeof name, "%s.png", scripts[k]);
        mh_gp v;
        if (!mh_cli_fmt(out, sizeof out, "%s/%s", g->tmp, name) || !mh_gp_init(&v))
            return 1;
        mh_gp_path(&v, series);
        mh_gp_path(&v, sessions);
        mh_gp_path(&v, out);
        rc = draw(g, scripts[k], name, &v);
    }
    return rc;
}

/* A figure of the snapshots nearest to some days: for each quantity and each day a table (what: 'f' the
 * cross-section, 'p' the depth profile) TMP/SCRIPT_QUANTITY_K.txt. The script gets the days of the
 * snapshots and the days asked for (arrays days and asked), then ARG1 the PNG and either every table
 * (file_args) or ARG2 the tables' prefix TMP/SCRIPT_. */
typedef struct {
    const char *script; /* draws NAME.png */
    const double *days;
    int ndays;
    const char *const *quantities;
    int nquantities;
    char what;
    bool file_args;  /* the tables as ARG2, ARG3, ... (else their prefix) */
    bool layer_tops; /* pass the array layer_tops too */
} day_figure;

static int draw_days(const gallery *g, const day_figure *fig)
{
    char figure[64], path[PATH_MAX], name[96];
    snprintf(figure, sizeof figure, "%s.png", fig->script);
    pick picks[8];
    const int n = pick_days(g, fig->days, fig->ndays < 8 ? fig->ndays : 8, figure, picks);
    if (n == 0)
        return 0;
    mh_gp v;
    if (!mh_gp_init(&v))
        return 1;
    double got[8], asked[8];
    for (int k = 0; k < n; k++) {
        got[k] = g->snap[picks[k].snap] - g->t0;
        asked[k] = picks[k].asked;
    }
    mh_gp_array(&v, "days", got, n);
    mh_gp_array(&v, "asked", asked, n);
    if (fig->layer_tops && g->ntops > 0)
        mh_gp_array(&v, "layer_tops", g->layer_tops, (int)g->ntops);
    int rc = !mh_cli_fmt(path, sizeof path, "%s/%s", g->tmp, figure);
    if (rc == 0)
        mh_gp_path(&v, path);
    for (int q = 0; q < fig->nquantities && rc == 0; q++)
        for (int k = 0; k < n && rc == 0; k++) {
            snprintf(name, sizeof name, "%s_%s_%d.txt", fig->script, fig->quantities[q], k);
            rc = table(g, name, fig->what, fig->quantities[q], g->snap[picks[k].snap], path, sizeof path);
            if (rc == 0 && fig->file_args)
                mh_gp_path(&v, path);
        }
    if (rc == 0 && !fig->file_args) {
        rc = !mh_cli_fmt(path, sizeof path, "%s/%s_", g->tmp, fig->script);
        if (rc == 0)
            mh_gp_path(&v, path);
    }
    if (rc != 0) {
        mh_gp_clear(&v);
        return rc;
    }
    return draw(g, fig->script, figure, &v);
}

/* cross_section_collagen.png (total collagen at section_days) and depth_response.png (the profiles of
 * depth_quantities at depth_days). */
static int draw_sections_and_depth(const gallery *g)
{
    static const char *const total[] = {"collagen_total"};
    const day_figure sections = {
        "cross_section_collagen", section_days, COUNT(section_days), total, 1, 'f', true, true};
    const day_figure depth = {
        "depth_response", depth_days, COUNT(depth_days), depth_quantities, COUNT(depth_quantities), 'p', false, false};
    int rc = draw_days(g, &sections);
    return rc != 0 ? rc : draw_days(g, &depth);
}

/* Removes DIR/first_week/frame_NNN.png from n on (frames of an earlier, longer gallery). */
static void remove_stale_frames(const gallery *g, int n)
{
    char path[PATH_MAX];
    for (int k = n; mh_cli_fmt(path, sizeof path, "%s/first_week/frame_%03d.png", g->dir, k) && remove(path) == 0; k++)
        ;
}

/* Whether snapshot i lies in the first WEEK_DAYS days after the first session (and in the run). */
static bool in_week(const gallery *g, size_t i)
{
    const double t = g->snap[i];
    return t >= g->t0 - 1e-9 && t <= g->t0 + WEEK_DAYS + 1e-9 && t <= g->t_end + 1e-9;
}

/* first_week.gif and first_week/frame_NNN.png: every snapshot of the first WEEK_DAYS days. */
static int draw_week(const gallery *g)
{
    const char *figure = "first_week.gif";
    int n = 0;
    for (size_t i = 0; i < g->nsnap; i++)
        n += in_week(g, i);
    if (n < 2) {
        fprintf(stderr,
                "microheal: note: %s: %d snapshot%s in days 0 to %g: no animation (add days to "
                "output.snapshot_days)\n",
                figure, n, n == 1 ? "" : "s", WEEK_DAYS);
        return 0;
    }
    char path[PATH_MAX], frames[PATH_MAX], name[96];
    if (!mh_cli_fmt(frames, sizeof frames, "%s/first_week", g->tmp) ||
        !mh_cli_fmt(path, sizeof path, "%s/first_week", g->dir) || !mh_cli_mkdirs(frames) || !mh_cli_mkdirs(path))
        return 1;
    double *days = malloc((size_t)n * sizeof *days);
    mh_gp v;
    if (days == NULL || !mh_gp_init(&v)) {
        free(days);
        return 1;
    }
    int rc = 0, k = 0;
    for (size_t i = 0; i < g->nsnap && rc == 0; i++) {
        if (!in_week(g, i))
            continue;
        for (int q = 0; q < COUNT(week_quantities) && rc == 0; q++) {
            snprintf(name, sizeof name, "frame_%03d_%s.txt", k, week_quantities[q]);
            rc = table(g, name, 'f', week_quantities[q], g->snap[i], path, sizeof path);
        }
        days[k++] = g->snap[i] - g->t0;
    }
    if (rc == 0)
        mh_gp_array(&v, "days", days, n);
    free(days);
    if (rc == 0)
        rc = !mh_cli_fmt(path, sizeof path, "%s/frame_", g->tmp);
    if (rc == 0) {
        mh_gp_path(&v, path);
        mh_gp_path(&v, frames);
        rc = !mh_cli_fmt(path, sizeof path, "%s/first_week.gif", g->tmp);
        mh_gp_path(&v, path);
    }
    if (rc != 0) {
        mh_gp_clear(&v);
        return rc;
    }
    if ((rc = draw(g, "first_week", NULL, &v)) != 0)
        return rc;
    for (k = 0; k < n && rc == 0; k++) {
        snprintf(name, sizeof name, "first_week/frame_%03d.png", k);
        rc = publish(g, name, true);
    }
    if (rc != 0)
        return rc;
    remove_stale_frames(g, n);
    printf("%s/first_week/frame_000.png to frame_%03d.png (%d frames)\n", g->dir, n - 1, n);
    if (!mh_cli_fmt(path, sizeof path, "%s/first_week.gif", g->tmp))
        return 1;
    if (access(path, F_OK) == 0)
        return publish(g, "first_week.gif", false);
    mh_cli_fmt(path, sizeof path, "%s/first_week.gif", g->dir);
    remove(path); /* an older animation would not match the frames */
    fprintf(stderr, "microheal: note: %s: gnuplot has no gif terminal: the PNG frames only\n", figure);
    return 0;
}

/* Reads what the figures need from the output: snapshot days, the run's end, the first session and the
 * layer tops. MH_ERR_IO with the file's name when it is missing, not HDF5 or not a run's output. */
static mh_status load(gallery *g, mh_ctx *ctx)
{
    double *t = NULL, *sessions = NULL;
    size_t nt = 0, ns = 0;
    mh_status st = mh_h5_read_vector(g->h5, "/series/t_days", &t, &nt, ctx);
    if (st == MH_OK)
        st = mh_h5_read_vector(g->h5, "/fields/t_days", &g->snap, &g->nsnap, ctx);
    if (st == MH_OK)
        st = mh_h5_read_vector(g->h5, "/summary/session_days", &sessions, &ns, ctx);
    if (st == MH_OK)
        st = mh_h5_read_vector(g->h5, "/grid/layer_top_mm", &g->layer_tops, &g->ntops, ctx);
    if (st == MH_OK && nt == 0)
        st = MH_ERROR(ctx, MH_ERR_IO, "%s: the series is empty", g->h5);
    if (st == MH_OK) {
        g->t_end = t[nt - 1];
        g->t0 = ns > 0 ? sessions[0] : 0.0;
    }
    free(t);
    free(sessions);
    return st;
}

/* Removes the temporary folder and what is left in it (its first_week/ subfolder included). */
static void remove_tmp(const gallery *g)
{
    char path[PATH_MAX];
    const char *sub[2] = {"/first_week", ""};
    for (int s = 0; s < 2; s++) {
        char dir[PATH_MAX];
        if (!mh_cli_fmt(dir, sizeof dir, "%s%s", g->tmp, sub[s]))
            continue;
        DIR *d = opendir(dir);
        for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;)
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
                mh_cli_fmt(path, sizeof path, "%s/%s", dir, e->d_name))
                remove(path);
        if (d != NULL)
            closedir(d);
        rmdir(dir);
    }
}

/* DIR for OUT.h5: OUT_plots (OUT without its .h5 ending). */
static bool default_dir(const char *h5, char *out, size_t len)
{
    size_t n = strlen(h5);
    if (n > 3 && strcmp(h5 + n - 3, ".h5") == 0)
        n -= 3;
    return mh_cli_fmt(out, len, "%.*s_plots", (int)n, h5);
}

enum { OPT_SCRIPTS = MH_ARGS_OWN };
static const struct option plot_options[] = {{"scripts", required_argument, NULL, OPT_SCRIPTS}, {NULL, 0, NULL, 0}};

static int on_plot_option(mh_args *a, int val, char *arg)
{
    (void)val; /* --scripts, the only one */
    *(const char **)a->user = arg;
    return 0;
}

/* Parses argv into g's names (output file, folder, scripts); MH_ARGS_GO_ON, or the exit status. */
static int parse_args(int argc, char **argv, gallery *g)
{
    const char *scripts = NULL;
    const mh_args_spec spec = {.usage = usage_plot,
                               .common = MH_ARGS_OUTPUT,
                               .own = plot_options,
                               .max_pos = 1,
                               .on_option = on_plot_option,
                               .user = &scripts};
    mh_args a;
    int rc = mh_args_parse(&spec, argc, argv, &a);
    if (rc == MH_ARGS_GO_ON && a.npos == 0)
        rc = mh_cli_usage_error(usage_plot, "%s", "missing OUT.h5");
    if (rc == MH_ARGS_GO_ON) {
        g->h5 = a.pos[0];
        if (a.output != NULL ? !mh_cli_fmt(g->dir, sizeof g->dir, "%s", a.output)
                             : !default_dir(g->h5, g->dir, sizeof g->dir))
            rc = 2;
    }
    if (rc == MH_ARGS_GO_ON && !mh_cli_scripts_dir(scripts, g->scripts, sizeof g->scripts)) {
        fprintf(stderr, "microheal: --scripts: path too long\n");
        rc = 2;
    }
    mh_args_clear(&a);
    return rc;
}

int mh_cmd_plot(int argc, char **argv)
{
    gallery g = {0};
    const int parsed = parse_args(argc, argv, &g);
    if (parsed != MH_ARGS_GO_ON)
        return parsed;
    if (!mh_cli_have_program("gnuplot")) {
        fprintf(stderr, "microheal: gnuplot not found (install gnuplot-nox, or run make deps)\n");
        return 1;
    }
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    int rc = 0;
    if (load(&g, &ctx) != MH_OK)
        rc = mh_cli_fail(&ctx);
    if (rc == 0 && (!mh_cli_mkdirs(g.dir) || !mh_cli_fmt(g.tmp, sizeof g.tmp, "%s/.plot-XXXXXX", g.dir)))
        rc = 1;
    if (rc == 0 && mkdtemp(g.tmp) == NULL) {
        fprintf(stderr, "microheal: %s: cannot create: %s\n", g.tmp, strerror(errno));
        rc = 1;
    } else if (rc == 0) {
        rc = draw_curves(&g);
        if (rc == 0)
            rc = draw_sections_and_depth(&g);
        if (rc == 0)
            rc = draw_week(&g);
        remove_tmp(&g);
    }
    free(g.snap);
    free(g.layer_tops);
    return rc;
}
