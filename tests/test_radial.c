/* test_radial: a field against the distance from the nearest needle track (src/engine/mh_radial.c) on hand-made
 * grids whose profiles are worked out by hand below (2-D with one and two tracks, the minimum image of periodic
 * grids against zero-flux ones, 3-D), its arguments, and `microheal export --radial` end to end on tiny runs:
 * its CSV against a profile computed here from the run's own --field table and punctures, and bad input. */
#include "helpers.h"

#include "mh_radial.h"

#include <math.h>
#include <stdarg.h>

/* A bare uniform grid (all rows papillary dermis) and a zeroed field on it. */
static mh_grid *bare_grid(int dims, int nx, int ny, int nz, double dx_mm, bool periodic, double **field)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_grid *g = NULL;
    cr_assert_eq(mh_grid_create_uniform(dims, nx, ny, nz, dx_mm, periodic, &ctx, &g), MH_OK, "%s", ctx.msg);
    *field = calloc(g->ncell, sizeof **field);
    cr_assert_not_null(*field);
    return g;
}

static mh_radial profile(const mh_grid *g, const double *f, const bool *rows, const double *tx, const double *ty,
                         size_t nt, double bin_um, double near_um, double far_um)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_radial r;
    const mh_radial_params p = {bin_um, near_um, far_um};
    cr_assert_eq(mh_radial_profile(g, f, rows, tx, ty, nt, &p, &r, &ctx), MH_OK, "%s", ctx.msg);
    return r;
}

/* The means below are sums of a few small whole numbers divided by a count: exact to a few ulps. */
#define TIGHT 1e-12

/* One track at x = 0 of a zero-flux section of 10 columns of 10 um: column i, centre 5 + 10 i um, lies 5 + 10 i
 * um from it, alone in bin i of 10 um. The field is that distance times (k + 1) in depth row k; over rows 0 and
 * 2 of 3 bin i holds 2 cells of mean (5 + 10 i)(1 + 3) / 2 = 2 (5 + 10 i). Near (d <= 20 um): columns 0 and 1,
 * mean 2 (5 + 15) / 2 = 20; far (d > 60 um): columns 6 to 9, mean 2 (65 + 95) / 2 = 160; ratio 1/8. */
Test(radial, one_track_field_equal_to_the_distance)
{
    double *f = NULL;
    mh_grid *g = bare_grid(2, 10, 1, 3, 0.01, false, &f);
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < 10; i++)
            f[mh_idx(g, i, 0, k)] = (5.0 + 10.0 * i) * (k + 1);
    const bool rows[3] = {true, false, true};
    const double tx = 0.0;
    mh_radial r = profile(g, f, rows, &tx, NULL, 1, 10.0, 20.0, 60.0);
    cr_assert_eq(r.nbins, 10);
    cr_assert_eq(r.ncells, 20);
    for (int b = 0; b < 10; b++) {
        cr_assert_eq(r.cells[b], 2, "bin %d: %zu cells", b, r.cells[b]);
        cr_assert_float_eq(r.mean[b], 2.0 * (5.0 + 10.0 * b), TIGHT, "bin %d: %.17g", b, r.mean[b]);
    }
    cr_assert_eq(r.near_cells, 4);
    cr_assert_eq(r.far_cells, 8);
    cr_assert_float_eq(r.near_mean, 20.0, TIGHT);
    cr_assert_float_eq(r.far_mean, 160.0, TIGHT);
    cr_assert_float_eq(r.near_far, 0.125, TIGHT);
    mh_radial_clear(&r);
    /* bins of 20 um: columns 2b and 2b + 1, mean 2 (10 + 20 b); every row (rows NULL): mean (1 + 2 + 3) / 3 =
     * 2 times the distance, the same */
    r = profile(g, f, NULL, &tx, NULL, 1, 20.0, 20.0, 60.0);
    cr_assert_eq(r.nbins, 5);
    for (int b = 0; b < 5; b++) {
        cr_assert_eq(r.cells[b], 6);
        cr_assert_float_eq(r.mean[b], 2.0 * (10.0 + 20.0 * b), TIGHT, "bin %d: %.17g", b, r.mean[b]);
    }
    mh_radial_clear(&r);
    /* no cell beyond 1000 um: the ratio is NaN, and so is the far mean */
    r = profile(g, f, rows, &tx, NULL, 1, 10.0, 20.0, 1000.0);
    cr_assert_eq(r.far_cells, 0);
    cr_assert(isnan(r.far_mean) && isnan(r.near_far));
    mh_radial_clear(&r);
    mh_radial_clear(&r); /* twice is fine */
    mh_grid_destroy(&g);
    free(f);
}

/* Two tracks, at 0 and 300 um, across 40 columns of 10 um (centres c = 5 + 10 i um), over 4 depth rows.
 * Periodic (width 400 um: the track at 0 is also at 400): the nearest track lies d = c (i <= 14), 300 - c
 * (15..29), c - 300 (30..34) and 400 - c (35..39) away, so bin b (d = 5 + 10 b) holds columns b, 29 - b,
 * 30 + b and 39 - b for b <= 4, and b and 29 - b for b = 5..14. The step field: 2 within 100 um of a track
 * (i <= 9 or i >= 20), else 1 (i = 10..19, d = 105..145), times (k + 1) in row k; rows 0 and 1 give a factor
 * 1.5. Near (d <= 50 um): bins 0..4, 20 columns, mean 3; far (d > 100 um): bins 10..14, 10 columns, mean 1.5.
 * Zero-flux, the minimum image is gone: columns 35..39 lie c - 300 = 55..95 um from the track at 300 and move
 * to bins 5..9, so bins 0..9 hold 3 columns each and near 15. */
Test(radial, two_tracks_step_field_with_and_without_the_minimum_image)
{
    for (int periodic = 0; periodic < 2; periodic++) {
        double *f = NULL;
        mh_grid *g = bare_grid(2, 40, 1, 4, 0.01, periodic, &f);
        for (int k = 0; k < 4; k++)
            for (int i = 0; i < 40; i++)
                f[mh_idx(g, i, 0, k)] = (i <= 9 || i >= 20 ? 2.0 : 1.0) * (k + 1);
        const bool rows[4] = {true, true, false, false};
        const double tx[2] = {0.0, 0.3};
        mh_radial r = profile(g, f, rows, tx, NULL, 2, 10.0, 50.0, 100.0);
        cr_assert_eq(r.nbins, 15, "periodic %d: %zu bins", periodic, r.nbins);
        cr_assert_eq(r.ncells, 80);
        for (int b = 0; b < 15; b++) {
            const size_t cols = periodic ? (b <= 4 ? 4 : 2) : (b <= 9 ? 3 : 2);
            cr_assert_eq(r.cells[b], 2 * cols, "periodic %d, bin %d: %zu cells, not %zu", periodic, b, r.cells[b],
                         2 * cols);
            cr_assert_float_eq(r.mean[b], b <= 9 ? 3.0 : 1.5, TIGHT, "periodic %d, bin %d: %.17g", periodic, b,
                               r.mean[b]);
        }
        cr_assert_eq(r.near_cells, periodic ? 40 : 30);
        cr_assert_eq(r.far_cells, 20);
        cr_assert_float_eq(r.near_mean, 3.0, TIGHT);
        cr_assert_float_eq(r.far_mean, 1.5, TIGHT);
        cr_assert_float_eq(r.near_far, 2.0, TIGHT);
        mh_radial_clear(&r);
        mh_grid_destroy(&g);
        free(f);
    }
}

/* 3-D, 10 x 10 columns of 10 um over 3 rows. One track at the corner (0, 0) of a periodic patch (100 um: its
 * images sit at every corner) lies a = 5, 15, 25, 35, 45, 45, 35, 25, 15, 5 um from column i (centre c = 5 + 10 i)
 * along each axis, one at the centre (50, 50) um of a zero-flux patch a = |c - 50| = 45, 35, 25, 15, 5, 5, 15,
 * 25, 35, 45 um: the same values, elsewhere; d = hypot(a_i, a_j). The field is a_i^2 + a_j^2 = d^2 (um^2). By hand,
 * with each a twice along each axis (4 columns for a pair (a, a), 8 for (a, b) and (b, a)), bins of 10 um: bin 0: (5,5)
 * d 7.1                                        4 columns, mean 50 bin 1: (5,15) 15.8 8, 250 bin 2: (15,15) 21.2,
 * (5,25) 25.5, (15,25) 29.2            4 + 8 + 8 = 20, (4 450 + 8 650 + 8 850) / 20 = 690 bin 3: (25,25) 35.4,
 * (5,35) 35.4, (15,35) 38.1            20, (4 1250 + 8 1250 + 8 1450) / 20 = 1330 bin 4: (25,35) 43.0, (5,45) 45.3,
 * (15,45) 47.4, (35,35) 49.5   28, (8 1850 + 8 2050 + 8 2250 + 4 2450) / 28 bin 5: (25,45) 51.5, (35,45) 57.0 16, (8
 * 2650 + 8 3250) / 16 = 2950 bin 6: (45,45) 63.6                                       4, 4050 Near (d <= 20): bins 0
 * and 1, (4 50 + 8 250) / 12; far (d > 55): (35,45) and (45,45), (8 3250 + 4 4050) / 12; ratio 2200 / 42200. The same
 * track at the corner of a zero-flux patch sees the column (5, 5) alone in bin 0 and the far corner (95, 95) at 134.4
 * um, in bin 13. */
Test(radial, three_d_distance_is_the_lateral_hypot)
{
    static const double corner[10] = {5, 15, 25, 35, 45, 45, 35, 25, 15, 5};
    static const double centre[10] = {45, 35, 25, 15, 5, 5, 15, 25, 35, 45};
    static const size_t cols[7] = {4, 8, 20, 20, 28, 16, 4};
    static const double mean[7] = {50, 250, 690, 1330, 59000.0 / 28.0, 2950, 4050};
    const struct {
        bool periodic;
        double x, y;
    } cases[2] = {{true, 0.0, 0.0}, {false, 0.05, 0.05}};
    for (int c = 0; c < 2; c++) {
        double *f = NULL;
        mh_grid *g = bare_grid(3, 10, 10, 3, 0.01, cases[c].periodic, &f);
        const double *a = c == 0 ? corner : centre;
        for (int k = 0; k < 3; k++)
            for (int j = 0; j < 10; j++)
                for (int i = 0; i < 10; i++)
                    f[mh_idx(g, i, j, k)] = a[i] * a[i] + a[j] * a[j];
        mh_radial r = profile(g, f, NULL, &cases[c].x, &cases[c].y, 1, 10.0, 20.0, 55.0);
        cr_assert_eq(r.nbins, 7, "case %d: %zu bins", c, r.nbins);
        for (int b = 0; b < 7; b++) {
            cr_assert_eq(r.cells[b], 3 * cols[b], "case %d, bin %d: %zu cells, not %zu", c, b, r.cells[b], 3 * cols[b]);
            cr_assert_float_eq(r.mean[b], mean[b], TIGHT * mean[b], "case %d, bin %d: %.17g", c, b, r.mean[b]);
        }
        cr_assert_eq(r.near_cells, 36);
        cr_assert_eq(r.far_cells, 36);
        cr_assert_float_eq(r.near_mean, 2200.0 / 12.0, TIGHT * 200);
        cr_assert_float_eq(r.far_mean, 42200.0 / 12.0, TIGHT * 4000);
        cr_assert_float_eq(r.near_far, 2200.0 / 42200.0, TIGHT);
        mh_radial_clear(&r);
        mh_grid_destroy(&g);
        free(f);
    }
    double *f = NULL;
    mh_grid *g = bare_grid(3, 10, 10, 3, 0.01, false, &f);
    const double zero = 0.0;
    mh_radial r = profile(g, f, NULL, &zero, &zero, 1, 10.0, 20.0, 55.0);
    cr_assert_eq(r.nbins, 14);
    cr_assert_eq(r.cells[0], 3, "the corner column alone: %zu cells", r.cells[0]);
    cr_assert_eq(r.cells[13], 3, "the far corner alone: %zu cells", r.cells[13]);
    mh_radial_clear(&r);
    mh_grid_destroy(&g);
    free(f);
}

/* What mh_radial_profile refuses, each with a message and a zeroed result; the layers' names. */
Test(radial, bad_arguments_are_refused)
{
    double *f = NULL;
    mh_grid *g = bare_grid(2, 10, 1, 3, 0.01, false, &f);
    const double tx[2] = {0.0, NAN};
    const bool none[3] = {false, false, false};
    const struct {
        double bin, near_um, far_um;
        size_t nt;
        const bool *rows;
        const char *want;
    } cases[] = {
        {0.0, 50, 400, 1, NULL, "bin width"},
        {-10.0, 50, 400, 1, NULL, "bin width"},
        {INFINITY, 50, 400, 1, NULL, "bin width"},
        {10.0, -1, 400, 1, NULL, "radius"},
        {10.0, 50, NAN, 1, NULL, "radius"},
        {10.0, 50, 400, 0, NULL, "no needle track"},
        {10.0, 50, 400, 2, NULL, "not finite"},
        {10.0, 50, 400, 1, none, "no depth row"},
        /* 95 um in bins of 1e-5 um: 9.5 million bins */
        {1e-5, 50, 400, 1, NULL, "choose a wider bin"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        mh_ctx ctx;
        mh_ctx_init(&ctx);
        mh_radial r;
        const mh_radial_params p = {cases[c].bin, cases[c].near_um, cases[c].far_um};
        cr_assert_eq(mh_radial_profile(g, f, cases[c].rows, tx, NULL, cases[c].nt, &p, &r, &ctx), MH_ERR_INPUT,
                     "case %zu", c);
        cr_assert(strstr(ctx.msg, cases[c].want) != NULL, "case %zu: %s", c, ctx.msg);
        cr_assert(r.mean == NULL && r.cells == NULL && r.nbins == 0);
    }
    mh_grid_destroy(&g);
    free(f);
    mh_radial_clear(NULL);

    const struct {
        const char *name;
        unsigned mask;
    } layers[] = {{"papillary_dermis", 1u << MH_LAYER_PD},
                  {"reticular_dermis", 1u << MH_LAYER_RD},
                  {"dermis", 1u << MH_LAYER_PD | 1u << MH_LAYER_RD},
                  {"epidermis", 1u << MH_LAYER_SC | 1u << MH_LAYER_VE},
                  {"hypodermis", 1u << MH_LAYER_HD}};
    for (size_t l = 0; l < sizeof layers / sizeof layers[0]; l++) {
        mh_ctx ctx;
        mh_ctx_init(&ctx);
        unsigned mask = 0;
        cr_assert_eq(mh_radial_layers(layers[l].name, &mask, &ctx), MH_OK, "%s", layers[l].name);
        cr_assert_eq(mask, layers[l].mask, "%s: %#x", layers[l].name, mask);
    }
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    unsigned mask = 0;
    cr_assert_eq(mh_radial_layers("papillary", &mask, &ctx), MH_ERR_INPUT);
    cr_assert(strstr(ctx.msg, "unknown layer 'papillary'") != NULL, "%s", ctx.msg);
}

/* ---- microheal export --radial ---- */

/* Runs the shell command that fmt makes; its exit status, its stderr in *err (malloc'ed) unless NULL. */
__attribute__((format(printf, 2, 3))) static int shf(char **err, const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    const int n = vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    cr_assert(n > 0 && (size_t)n < sizeof cmd, "command too long");
    return mh_test_sh(cmd, err);
}

/* A 2-D run of a 2 mm section at 40 um (periodic, as configs/default.ini), one session, snapshots at days 0
 * and 0.5, into DIR/run.h5. */
#define TINY_RUN                                                                                                       \
    MH_BIN " run configs/default.ini -q --set grid.dx_um=40 --set simulation.days=0.5 --set schedule.sessions=1 "      \
           "--set output.snapshot_days=0,0.5 "

/* One row of the CSV. */
typedef struct {
    double lo, hi, mean;
    size_t cells;
} csv_row;

/* The CSV of export --radial at path: its rows (at most max) into rows, their count returned; its '#' lines
 * checked to come before the column names but for the last, the near/far ratio, into *ratio. */
static int read_csv(const char *path, csv_row *rows, int max, double *ratio, char *header, size_t header_len)
{
    char *text = mh_test_read_file(path);
    cr_assert_not_null(text, "%s missing", path);
    header[0] = '\0';
    int n = 0, stage = 0; /* 0: '#' lines, 1: rows, 2: the last '#' line */
    for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        if (stage == 0 && line[0] == '#') {
            strncat(header, line, header_len - strlen(header) - 2);
            strcat(header, "\n");
        } else if (stage == 0) {
            cr_assert_str_eq(line, "distance_um_lo,distance_um_hi,mean,cells");
            stage = 1;
        } else if (stage == 1 && line[0] != '#') {
            cr_assert_lt(n, max);
            char tail = 0;
            cr_assert_eq(
                sscanf(line, "%lf,%lf,%lf,%zu%c", &rows[n].lo, &rows[n].hi, &rows[n].mean, &rows[n].cells, &tail), 4,
                "%s: not a row: %s", path, line);
            n++;
        } else {
            cr_assert_eq(stage, 1, "%s: a line after the ratio: %s", path, line);
            char num[32] = "";
            cr_assert_eq(sscanf(line, "# near_far_ratio %31s (mean within", num), 1, "%s", line);
            cr_assert(strstr(num, "nan") == NULL || strcmp(num, "nan") == 0, "NaN is written nan, not %s", num);
            *ratio = strcmp(num, "nan") == 0 ? NAN : strtod(num, NULL);
            stage = 2;
        }
    }
    cr_assert_eq(stage, 2, "%s: no near/far ratio at its end", path);
    free(text);
    return n;
}

/* The profile that export --radial must give, computed here from the run's --field table (x_mm depth_mm
 * value, 7 digits), the layer of each depth row (--profile) and the punctures (read from the HDF5 file): the
 * cells of the papillary dermis (layer 2) by distance from the nearest track, the minimum image over the
 * periodic 2 mm section; sums and counts per bin of bin_um, and near (<= 50 um) and far (> 400 um) sums. */
typedef struct {
    double sum[200], near, far;
    size_t cells[200], nnear, nfar;
} expected;

static void expect(const char *dir, const char *field, double bin_um, expected *e)
{
    memset(e, 0, sizeof *e);
    char path[1024];
    snprintf(path, sizeof path, "%s/run.h5", dir);
    size_t nt = 0;
    double *tx = mh_test_read_doubles(path, "/punctures/x_mm", &nt);
    cr_assert_geq(nt, 1);
    cr_assert_eq(shf(NULL, MH_BIN " export %s --profile %s --day 0.5 > %s/p.txt", path, field, dir), 0);
    cr_assert_eq(shf(NULL, MH_BIN " export %s --field %s --day 0.5 > %s/f.txt", path, field, dir), 0);
    snprintf(path, sizeof path, "%s/p.txt", dir);
    FILE *p = fopen(path, "r");
    snprintf(path, sizeof path, "%s/f.txt", dir);
    FILE *f = fopen(path, "r");
    cr_assert(p != NULL && f != NULL);
    double papillary[400];
    int nrow = 0, layer = 0;
    char line[512];
    while (fgets(line, sizeof line, p) != NULL)
        if (line[0] != '#') {
            double depth = 0.0, mean = 0.0;
            cr_assert_eq(sscanf(line, "%lf %d %lf", &depth, &layer, &mean), 3);
            cr_assert_lt(nrow, 400);
            papillary[nrow++] = layer == 2 ? depth : -1.0;
        }
    double x, z, v;
    while (fgets(line, sizeof line, f) != NULL) {
        if (line[0] == '#' || sscanf(line, "%lf %lf %lf", &x, &z, &v) != 3)
            continue;
        bool in = false;
        for (int k = 0; k < nrow; k++)
            in = in || fabs(papillary[k] - z) < 1e-6;
        if (!in)
            continue;
        double d = INFINITY;
        for (size_t t = 0; t < nt; t++) {
            const double dd = fabs(x - tx[t]);
            d = fmin(d, fmin(dd, 2.0 - dd) * 1e3); /* the periodic image across the 2 mm section */
        }
        const int b = (int)floor(d / bin_um);
        cr_assert(b >= 0 && b < 200);
        e->sum[b] += v;
        e->cells[b]++;
        if (d <= 50.0) {
            e->near += v;
            e->nnear++;
        }
        if (d > 400.0) {
            e->far += v;
            e->nfar++;
        }
    }
    fclose(p);
    fclose(f);
    free(tx);
}

/* export --radial of a tiny run: the CSV parses, its header says what was counted, and its bins, counts,
 * means and near/far ratio are those computed here from the run's own cross-section and punctures. */
Test(radial, export_matches_the_cross_section_and_the_punctures, .timeout = 120)
{
    char *dir = mh_test_temp_dir("radial"), path[1024], header[4096];
    char *err = NULL;
    cr_assert_eq(shf(&err, TINY_RUN "-o %s/run.h5", dir), 0, "%s", err);
    free(err);
    /* the default bin (dx), one that is not a multiple of it, and one so fine that some bins hold no cell */
    const double bins[3] = {40.0, 25.0, 7.0};
    /* damage (0 far from the tracks: a ratio of inf) and fibroblasts (a finite ratio) */
    const char *const fields[3] = {"damage", "fibroblasts", "damage"};
    for (int c = 0; c < 3; c++) {
        if (c == 0)
            cr_assert_eq(shf(&err, MH_BIN " export %s/run.h5 --radial damage --day 0.4 -o %s/r.csv", dir, dir), 0, "%s",
                         err);
        else
            cr_assert_eq(shf(&err,
                             MH_BIN " export %s/run.h5 --radial=%s --day=0.4 --bin-um %g "
                                    "--layer papillary_dermis -o %s/r.csv",
                             dir, fields[c], bins[c], dir),
                         0, "%s", err);
        free(err);
        expected e;
        expect(dir, fields[c], bins[c], &e);
        snprintf(path, sizeof path, "%s/r.csv", dir);
        csv_row rows[200];
        double ratio = 0.0;
        const int n = read_csv(path, rows, 200, &ratio, header, sizeof header);
        char want[160];
        snprintf(want, sizeof want, "# field %s at the snapshot of day 0.5 (requested 0.4)\n", fields[c]);
        cr_assert(strstr(header, want) != NULL, "%s", header);
        cr_assert(strstr(header, "# band: layer papillary_dermis: ") != NULL, "%s", header);
        size_t nt = 0;
        snprintf(path, sizeof path, "%s/run.h5", dir);
        free(mh_test_read_doubles(path, "/punctures/x_mm", &nt));
        snprintf(want, sizeof want, "# tracks: %zu, the punctures of the 1 session(s) on or before day 0.5", nt);
        cr_assert(strstr(header, want) != NULL, "%s", header);
        cr_assert(strstr(header, path) != NULL, "the header names the file: %s", header);
        int got = 0, nonzero = 0, empty = 0, last = 0;
        for (int b = 0; b < 200; b++)
            last = e.cells[b] > 0 ? b : last;
        for (int b = 0; b < 200; b++) {
            empty += e.cells[b] == 0 && b < last;
            if (e.cells[b] == 0)
                continue; /* empty bins are omitted */
            cr_assert_lt(got, n, "bin %d is missing", b);
            cr_assert_float_eq(rows[got].lo, b * bins[c], 1e-9);
            cr_assert_float_eq(rows[got].hi, (b + 1) * bins[c], 1e-9);
            cr_assert_eq(rows[got].cells, e.cells[b], "bin %d: %zu cells, not %zu", b, rows[got].cells, e.cells[b]);
            /* the cross-section holds 7 digits */
            const double m = e.sum[b] / (double)e.cells[b];
            cr_assert_float_eq(rows[got].mean, m, 1e-6 * fabs(m) + 1e-12, "bin %d: %g, not %g", b, rows[got].mean, m);
            nonzero += m > 0.0;
            got++;
        }
        cr_assert_eq(got, n, "%d rows, %d bins hold cells", n, got);
        cr_assert_gt(nonzero, 0, "%s is zero everywhere: nothing tested", fields[c]);
        cr_assert(c < 2 || empty > 0, "bins of %g um: none is empty, their omission is not tested", bins[c]);
        cr_assert(e.nnear > 0 && e.nfar > 0);
        const double r = (e.near / (double)e.nnear) / (e.far / (double)e.nfar);
        cr_assert(c != 1 ? isinf(r) && ratio == r : isfinite(r) && fabs(ratio - r) <= 1e-5 * r, "%s: ratio %g, not %g",
                  fields[c], ratio, r);
    }
    /* collagen_total, the other layers and a depth band are accepted; the band names itself */
    const char *const more[] = {"--radial collagen_total --day 0.5", "--radial collagen_total --layer dermis",
                                "--radial fibroblasts --layer epidermis --near-um 10 --far-um 1000",
                                "--radial blood --depth-mm 0.1,0.3 --bin-um 100",
                                "--radial elastin --layer hypodermis"};
    for (size_t m = 0; m < sizeof more / sizeof more[0]; m++) {
        cr_assert_eq(shf(&err, MH_BIN " export %s/run.h5 %s -o %s/m.csv", dir, more[m], dir), 0, "%s: %s", more[m],
                     err);
        free(err);
        csv_row rows[200];
        double ratio = 0.0;
        snprintf(path, sizeof path, "%s/m.csv", dir);
        cr_assert_gt(read_csv(path, rows, 200, &ratio, header, sizeof header), 0, "%s", more[m]);
        /* no cell beyond 1000 um of a track in a 2 mm section with two or more tracks; no elastin in fat: 0 / 0 */
        if (m == 2 || m == 4)
            cr_assert(isnan(ratio), "%s: %g", more[m], ratio);
        if (m == 3)
            cr_assert(strstr(header, "# band: depth [0.1, 0.3) mm: 5 depth rows") != NULL, "%s", header);
    }
    cr_assert_eq(shf(NULL, "rm -rf '%s'", dir), 0);
    free(dir);
}

/* A 3-D run: distances in the plane (hypot of x and y), every cell of the band in one bin or another. */
Test(radial, export_of_a_3d_run, .timeout = 120)
{
    char *dir = mh_test_temp_dir("radial3"), path[1024], header[4096], *err = NULL;
    cr_assert_eq(shf(&err,
                     MH_BIN " run configs/default.ini -q --set simulation.dims=3 --set grid.dx_um=100 "
                            "--set grid.width_mm=0.6 --set grid.length_mm=0.6 --set simulation.days=0.25 "
                            "--set schedule.sessions=1 --set output.snapshot_days=0 --set device.density_per_cm2=278 "
                            "-o %s/run.h5",
                     dir),
                 0, "%s", err);
    free(err);
    cr_assert_eq(shf(&err, MH_BIN " export %s/run.h5 --radial damage --layer dermis -o %s/r.csv", dir, dir), 0, "%s",
                 err);
    free(err);
    snprintf(path, sizeof path, "%s/r.csv", dir);
    csv_row rows[200];
    double ratio = 0.0;
    const int n = read_csv(path, rows, 200, &ratio, header, sizeof header);
    cr_assert(strstr(header, "lateral (hypot of x and y)") != NULL, "%s", header);
    unsigned dermis_rows = 0;
    cr_assert_eq(sscanf(strstr(header, "# band: layer dermis: "), "# band: layer dermis: %u depth rows", &dermis_rows),
                 1, "%s", header);
    size_t cells = 0;
    for (int r = 0; r < n; r++) {
        cells += rows[r].cells;
        /* no cell of a 0.6 mm patch lies farther than hypot(0.3, 0.3) mm = 424 um from a track (minimum image) */
        cr_assert_lt(rows[r].lo, 425.0);
    }
    cr_assert_eq(cells, 36 * dermis_rows, "%zu cells, not 6 x 6 x %u", cells, dermis_rows);
    cr_assert_eq(shf(NULL, "rm -rf '%s'", dir), 0);
    free(dir);
}

/* Bad input: a clear message and a non-zero exit, nothing written at -o and an older file there untouched. */
Test(radial, export_refuses_bad_input, .timeout = 120)
{
    char *dir = mh_test_temp_dir("radial_bad"), *err = NULL, old[1024];
    cr_assert_eq(shf(&err, TINY_RUN "-o %s/run.h5", dir), 0, "%s", err);
    free(err);
    /* no snapshot: the only snapshot day lies beyond the run */
    cr_assert_eq(shf(&err,
                     MH_BIN " run configs/default.ini -q --set grid.dx_um=40 --set simulation.days=0.5 "
                            "--set schedule.sessions=1 --set output.snapshot_days=1 -o %s/nosnap.h5",
                     dir),
                 0, "%s", err);
    free(err);
    /* the first session on day 0.25: no track by the snapshot of day 0 */
    cr_assert_eq(shf(&err,
                     MH_BIN " run configs/default.ini -q --set grid.dx_um=40 --set simulation.days=0.5 "
                            "--set schedule.days=0.25 --set output.snapshot_days=0,0.5 -o %s/late.h5",
                     dir),
                 0, "%s", err);
    free(err);
    snprintf(old, sizeof old, "%s/old.csv", dir);
    FILE *o = fopen(old, "w");
    fputs("older\n", o);
    fclose(o);
    char folder[1100];
    snprintf(folder, sizeof folder, "%s/folder", dir);
    cr_assert_eq(mkdir(folder, 0700), 0);
    const struct {
        const char *file, *opts, *out; /* out: NULL for DIR/old.csv, else a name in DIR or an absolute path */
        int rc;
        const char *want;
    } cases[] = {
        {"run.h5", "--radial bogus", NULL, 2, "no field 'bogus'"},
        {"nosnap.h5", "--radial damage --day 1", NULL, 2, "no snapshots stored"},
        {"late.h5", "--radial damage --day 0", NULL, 2, "no needle track by day 0"},
        {"run.h5", "--radial damage --bin-um 0", NULL, 2, "--bin-um 0: a bin width must be positive"},
        {"run.h5", "--radial damage --bin-um -10", NULL, 2, "--bin-um -10: a bin width must be positive"},
        {"run.h5", "--radial damage --bin-um x", NULL, 2, "not a number: x"},
        {"run.h5", "--radial damage --depth-mm 0.3,0.1", NULL, 2, "--depth-mm 0.3,0.1: the band [A, B) needs A < B"},
        {"run.h5", "--radial damage --depth-mm 0.2,0.2", NULL, 2, "needs A < B"},
        {"run.h5", "--radial damage --depth-mm 0.2", NULL, 2, "--depth-mm: '0.2' is not two numbers A,B"},
        {"run.h5", "--radial damage --depth-mm 50,60", NULL, 2,
         "no cell centre of its grid lies at a depth in [50, 60)"},
        {"run.h5", "--radial damage --layer papillary", NULL, 2, "unknown layer 'papillary'"},
        {"run.h5", "--radial damage --layer dermis --depth-mm 0,1", NULL, 2, "give --layer or --depth-mm, not both"},
        {"run.h5", "--radial damage --near-um -1", NULL, 2, "--near-um -1: a radius must not be negative"},
        {"run.h5", "--field damage --layer dermis", NULL, 2, "--layer goes with --radial"},
        {"run.h5", "--radial damage --profile damage", NULL, 2, "give one of"},
        {"missing.h5", "--radial damage", NULL, 1, "missing.h5"},
        {"run.h5", "--radial damage", "folder", 2, "exists and is a directory"},
        {"run.h5", "--radial damage", "/dev/null", 2, "an output may replace only a regular file"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char out[1100];
        if (cases[c].out == NULL || cases[c].out[0] != '/')
            snprintf(out, sizeof out, "%s/%s", dir, cases[c].out != NULL ? cases[c].out : "old.csv");
        else
            snprintf(out, sizeof out, "%s", cases[c].out);
        const int rc =
            shf(&err, MH_BIN " export %s/%s %s -o %s > %s/stdout.txt", dir, cases[c].file, cases[c].opts, out, dir);
        cr_assert_eq(rc, cases[c].rc, "%s %s: exit %d, not %d: %s", cases[c].file, cases[c].opts, rc, cases[c].rc, err);
        cr_assert(strstr(err, cases[c].want) != NULL, "%s %s: stderr lacks '%s': %s", cases[c].file, cases[c].opts,
                  cases[c].want, err);
        free(err);
        char *text = mh_test_read_file(old);
        cr_assert(text != NULL && strcmp(text, "older\n") == 0, "%s %s: %s was changed", cases[c].file, cases[c].opts,
                  old);
        free(text);
        cr_assert_eq(mh_test_count_files(dir, ".tmp"), 0, "%s %s left a temporary file", cases[c].file, cases[c].opts);
    }
    /* a success replaces the older file, through a temporary one */
    cr_assert_eq(shf(&err, MH_BIN " export %s/run.h5 --radial damage -o %s", dir, old), 0, "%s", err);
    free(err);
    char *text = mh_test_read_file(old);
    cr_assert(text != NULL && strncmp(text, "# microheal radial profile of ", 30) == 0, "%s", text);
    free(text);
    cr_assert_eq(shf(NULL, "rm -rf '%s'", dir), 0);
    free(dir);
}
