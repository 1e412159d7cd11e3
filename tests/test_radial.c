/* test_radial: a field against the distance from the nearest needle track (src/engine/mh_radial.c) on hand-made
 * grids whose profiles are worked out by hand below (2-D with one and two tracks, the minimum image of periodic
 * grids against zero-flux ones, 3-D), and its arguments. */
#include "helpers.h"

#include "mh_radial.h"

#include <math.h>

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
