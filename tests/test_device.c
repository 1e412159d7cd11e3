/* test_device: effective depth, derived density, pattern density and reproducibility. */
#include "helpers.h"

#include "mh_device.h"

#include <gsl/gsl_math.h>
#include <math.h>

static mh_device resolve(const char *const *sets, int session)
{
    mh_config *cfg = mh_test_config(sets);
    mh_device d;
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_build_device(cfg, session, &d, &ctx), MH_OK, "%s", ctx.msg);
    mh_config_destroy(&cfg);
    return d;
}

Test(device, effective_depth_is_fraction_times_length)
{
    /* a given fraction: every puncture at fraction x length */
    mh_device set =
        resolve((const char *const[]){"device.penetration_fraction=0.198", "device.needle_length_mm=0.77", NULL}, 1);
    cr_assert(!set.inserted);
    cr_assert_float_eq(set.depth_mm, 0.152460, 1e-12); /* Kalluri 2011: 152 um channels of 770 um needles */
    cr_assert_float_eq(set.depth_max_mm, set.depth_mm, 0.0);
    /* conical channel: surface radius = depth tan(13 deg) up to the needle radius */
    cr_assert_float_eq(set.surface_radius_mm, 0.15246 * tan(13.0 * M_PI / 180.0), 1e-9);
    mh_device deep =
        resolve((const char *const[]){"device.penetration_fraction=0.9", "device.needle_length_mm=1.5", NULL}, 1);
    cr_assert_float_eq(deep.surface_radius_mm, 0.125, 0.0); /* capped by the needle's radius */
    /* auto: the insertion model (tests/test_insert.c), its mean depth and fraction agreeing */
    mh_device pen = resolve(NULL, 1);
    cr_assert(pen.inserted);
    cr_assert_float_eq(pen.depth_mm, pen.ins.depth_mean_mm, 0.0);
    cr_assert_float_eq(pen.penetration_fraction, pen.depth_mm / 1.5, 1e-12);
    cr_assert(pen.depth_max_mm >= pen.depth_mm && pen.depth_mm > 0.0 && pen.depth_mm < 1.5);
}

Test(device, session_override_changes_only_that_session)
{
    const char *const sets[] = {"session.2.needle_length_mm=0.5", NULL};
    cr_assert_float_eq(resolve(sets, 1).needle_length_mm, 1.5, 0.0);
    cr_assert_float_eq(resolve(sets, 2).needle_length_mm, 0.5, 0.0);
}

Test(device, derived_densities)
{
    /* roller: 15 passes x 16.7 per pass ~ 250 / cm^2 (Fernandes 2005) */
    mh_device r = resolve(
        (const char *const[]){"device.type=roller", "device.density_per_cm2=auto", "device.passes=15", NULL}, 1);
    cr_assert_float_eq(r.density_per_cm2, 250.5, 1e-9);
    /* pen: passes x rate x needles / (speed x width) = 2 x 100 x 12 / (2 cm/s x 0.6 cm) */
    mh_device p = resolve((const char *const[]){"device.density_per_cm2=auto", "device.passes=2", NULL}, 1);
    cr_assert_float_eq(p.density_per_cm2, 2.0 * 100 * 12 / (2.0 * 0.6), 1e-9);
    /* stamp: presses x needles / area */
    mh_device s = resolve((const char *const[]){"device.type=stamp", "device.density_per_cm2=auto", "device.needles=36",
                                                "device.passes=3", "device.stamp_area_cm2=0.5", NULL},
                          1);
    cr_assert_float_eq(s.density_per_cm2, 216.0, 1e-9);
}

static void punctures(mh_pattern pat, double density, unsigned long seed, int session, double w, double l,
                      mh_puncture **p, size_t *n)
{
    mh_device d = resolve(NULL, 1);
    d.pattern = pat;
    d.density_per_cm2 = density;
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_device_punctures(&d, w, l, seed, session, &ctx, p, n), MH_OK, "%s", ctx.msg);
}

Test(device, lattice_density_is_exact_when_it_tiles)
{
    mh_puncture *p = NULL;
    size_t n = 0;
    punctures(MH_PAT_GRID, 100.0, 1, 1, 10.0, 10.0, &p, &n); /* 1 mm spacing on 10 x 10 mm */
    cr_assert_eq(n, 100);
    for (size_t q = 0; q < n; q++)
        cr_assert(p[q].x_mm >= 0 && p[q].x_mm < 10 && p[q].y_mm >= 0 && p[q].y_mm < 10);
    free(p);
    punctures(MH_PAT_HEX, 100.0, 1, 1, 10.0, 10.0, &p, &n);
    /* triangular lattice: within one row-and-column rounding of 100 */
    cr_assert(n >= 88 && n <= 112, "hex count %zu", n);
    free(p);
}

/* A 3-D patch holds a fixed number of punctures of every pattern, and the realised density is within
 * MH_DENSITY_TOLERANCE of the requested one or the run is refused. Hand values at 150/cm^2 = 1.5/mm^2:
 *   random on 2 x 2 mm: 1.5 x 4 = 6 punctures, 150/cm^2;
 *   hex: a = sqrt(2 / (sqrt(3) x 1.5)) = 0.87738 mm, rows 0.75984 mm apart; 2 x 2 mm: round(2.2795) = 2
 *   columns x round(2.6321) = 3 rows = 6, 150/cm^2;
 *   grid: spacing 1/sqrt(1.5) = 0.81650 mm; 2 x 2 mm: round(2.4495)^2 = 4, 100/cm^2 (-33 %, refused);
 *   2.45 x 2.45 mm: 3 x 3 = 9 over 6.0025 mm^2 = 149.94/cm^2 (-0.04 %). */
Test(device, a_patch_realises_the_requested_density)
{
    const struct {
        mh_pattern pat;
        double w, l;
        size_t count;
        double realised;
        bool accepted;
    } c[] = {{MH_PAT_RANDOM, 2.0, 2.0, 6, 150.0, true},
             {MH_PAT_HEX, 2.0, 2.0, 6, 150.0, true},
             {MH_PAT_GRID, 2.0, 2.0, 4, 100.0, false},
             {MH_PAT_GRID, 2.45, 2.45, 9, 900.0 / 6.0025, true}};
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        mh_device d = resolve(NULL, 1);
        d.pattern = c[k].pat;
        d.density_per_cm2 = 150.0;
        cr_expect_eq(mh_device_patch_count(&d, c[k].w, c[k].l), c[k].count, "case %zu", k);
        cr_expect_float_eq(mh_device_realised_density(&d, 3, c[k].w, c[k].l), c[k].realised, 1e-9, "case %zu", k);
        cr_expect_eq(mh_device_check_density(&d, 1, 3, c[k].w, c[k].l, &ctx) == MH_OK, c[k].accepted, "case %zu: %s", k,
                     ctx.msg);
        for (unsigned long seed = 1; seed <= 20; seed++) {
            mh_puncture *p = NULL;
            size_t n = 0;
            punctures(c[k].pat, 150.0, seed, 2, c[k].w, c[k].l, &p, &n);
            cr_assert_eq(n, c[k].count, "case %zu, seed %lu: %zu punctures", k, seed, n);
            for (size_t q = 0; q < n; q++)
                cr_assert(p[q].x_mm >= 0 && p[q].x_mm < c[k].w && p[q].y_mm >= 0 && p[q].y_mm < c[k].l);
            free(p);
        }
    }
}

Test(device, patterns_are_reproducible_and_seeded)
{
    mh_puncture *a = NULL, *b = NULL, *c = NULL;
    size_t na, nb, nc;
    punctures(MH_PAT_RANDOM, 150.0, 42, 2, 5.0, 5.0, &a, &na);
    punctures(MH_PAT_RANDOM, 150.0, 42, 2, 5.0, 5.0, &b, &nb);
    punctures(MH_PAT_RANDOM, 150.0, 43, 2, 5.0, 5.0, &c, &nc);
    cr_assert_eq(na, nb);
    bool differs = na != nc;
    for (size_t q = 0; q < na; q++) {
        cr_assert(a[q].x_mm == b[q].x_mm && a[q].y_mm == b[q].y_mm, "same seed must give the same pattern");
        if (!differs && (a[q].x_mm != c[q].x_mm || a[q].y_mm != c[q].y_mm))
            differs = true;
    }
    cr_assert(differs, "another seed must give another pattern");
    free(a);
    free(b);
    free(c);
}

/* A 2-D section's dose (papers/model.md, "2-D sections"): N = round(W sqrt(n) / 10) punctures per
 * session, at least 1, in a strip of N / (n W) mm, one in each stratum W / N wide. The counts and strips
 * below are worked out by hand:
 *   W = 2 mm,   n = 150/cm^2: 2 x 12.2474 / 10 = 2.449 -> N = 2, strip 2 / (1.5 x 2)   = 0.666667 mm;
 *   W = 3.5 mm, n = 250/cm^2: 3.5 x 15.8114 / 10 = 5.534 -> N = 6, strip 6 / (2.5 x 3.5) = 0.685714 mm;
 *   W = 1 mm,   n = 10/cm^2:  1 x 3.1623 / 10 = 0.316 -> N = 1 (at least one), strip 1 / (0.1 x 1) = 10 mm. */
Test(device, a_section_gets_the_expected_count_for_every_seed)
{
    const struct {
        double width_mm, density;
        size_t count;
        double strip_mm;
    } c[] = {{2.0, 150.0, 2, 2.0 / 3.0}, {3.5, 250.0, 6, 6.0 / 8.75}, {1.0, 10.0, 1, 10.0}};
    const mh_pattern pats[] = {MH_PAT_RANDOM, MH_PAT_GRID, MH_PAT_HEX};
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        cr_expect_eq(mh_device_section_count(c[k].density, c[k].width_mm), c[k].count, "case %zu", k);
        cr_expect_float_eq(mh_device_strip_mm(c[k].density, c[k].width_mm), c[k].strip_mm, 1e-12, "case %zu", k);
        for (size_t t = 0; t < 3; t++)
            for (unsigned long seed = 1; seed <= 20; seed++)
                for (int session = 1; session <= 2; session++) {
                    mh_device d = resolve(NULL, 1);
                    d.pattern = pats[t];
                    d.density_per_cm2 = c[k].density;
                    mh_puncture *p = NULL;
                    size_t n = 0;
                    cr_assert_eq(mh_device_section_punctures(&d, c[k].width_mm, seed, session, &ctx, &p, &n), MH_OK);
                    cr_assert_eq(n, c[k].count, "case %zu, pattern %zu, seed %lu: %zu punctures", k, t, seed, n);
                    const double stratum = c[k].width_mm / (double)c[k].count;
                    for (size_t q = 0; q < n; q++) {
                        cr_assert(p[q].x_mm >= q * stratum && p[q].x_mm < (q + 1) * stratum,
                                  "case %zu, seed %lu: puncture %zu at %g mm is not in its stratum", k, seed, q,
                                  p[q].x_mm);
                        cr_assert_float_eq(p[q].section_mm, c[k].strip_mm, 1e-12);
                        cr_assert_eq(p[q].session, session);
                    }
                    /* the realised density, N / (W x strip), is the requested one */
                    cr_assert_float_eq(n / (c[k].width_mm * p[0].section_mm) * 100.0, c[k].density,
                                       1e-12 * c[k].density);
                    free(p);
                }
    }
}

/* The count is fixed, the positions are not: random strata draw a new place for every seed, and the
 * lattices of session 1 sit in the middle of their strata. */
Test(device, a_section_places_its_punctures_at_random_inside_the_strata)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_device d = resolve(NULL, 1);
    d.density_per_cm2 = 250.0;
    mh_puncture *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    d.pattern = MH_PAT_RANDOM;
    cr_assert_eq(mh_device_section_punctures(&d, 3.5, 1, 1, &ctx, &a, &na), MH_OK);
    cr_assert_eq(mh_device_section_punctures(&d, 3.5, 2, 1, &ctx, &b, &nb), MH_OK);
    cr_assert_eq(na, nb);
    size_t same = 0;
    for (size_t q = 0; q < na; q++)
        same += a[q].x_mm == b[q].x_mm;
    cr_expect_eq(same, 0, "%zu of %zu positions the same for seeds 1 and 2", same, na);
    free(a);
    free(b);
    d.pattern = MH_PAT_GRID;
    cr_assert_eq(mh_device_section_punctures(&d, 3.5, 1, 1, &ctx, &a, &na), MH_OK);
    for (size_t q = 0; q < na; q++)
        cr_expect_float_eq(a[q].x_mm, (q + 0.5) * 3.5 / 6.0, 1e-12);
    free(a);
    d.type = MH_DEV_NONE;
    cr_assert_eq(mh_device_section_punctures(&d, 3.5, 1, 1, &ctx, &a, &na), MH_OK);
    cr_expect_eq(na, 0);
    cr_expect_null(a);
}
