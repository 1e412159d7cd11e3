/* test_ensemble: replicate seeds, ensemble statistics, coverage of a band and series resampling
 * (src/study/mh_ensemble.c), each against values worked out by hand or taken from a reference
 * outside the code: the mt19937 outputs are those of C++'s std::mt19937 (ISO C++ [rand.predef]: the
 * same generator and seeding), and Student's t quantile for 2 degrees of freedom has a closed form. */
#include "helpers.h"

#include "mh_ensemble.h"

#include <math.h>

/* std::mt19937 g(s); g(), g(): the first two outputs for s = 42, 5489 and 1 (printed by a 4-line C++
 * program, g++ 12, libstdc++: 42 -> 1608637542 3421126067; 5489 -> 3499211612 581869302, the first of
 * which is also the standard's own check value chain's start; 1 -> 1791095845 4282876139). */
Test(ensemble, replicate_seeds_are_the_mt19937_stream_of_the_base)
{
    cr_assert_eq(mh_ensemble_seed(42, 0), 42ul, "replicate 0 runs the base seed itself");
    cr_assert_eq(mh_ensemble_seed(42, 1), 1608637542ul);
    cr_assert_eq(mh_ensemble_seed(42, 2), 3421126067ul);
    cr_assert_eq(mh_ensemble_seed(5489, 1), 3499211612ul);
    cr_assert_eq(mh_ensemble_seed(5489, 2), 581869302ul);
    cr_assert_eq(mh_ensemble_seed(1, 1), 1791095845ul);
    cr_assert_eq(mh_ensemble_seed(1, 2), 4282876139ul);
    /* two base seeds one apart share no replicate among their first 64 (base + r would share 63) */
    for (int i = 0; i < 64; i++)
        for (int j = 0; j < 64; j++)
            cr_assert_neq(mh_ensemble_seed(1, i), mh_ensemble_seed(2, j), "replicates %d and %d", i, j);
}

/* x = 1, 2, 4: mean 7/3; squared deviations 16/9 + 1/9 + 25/9 = 14/3, over N - 1 = 2: s^2 = 7/3.
 * Student's t with 2 degrees of freedom: F(t) = 1/2 + t / (2 sqrt(2 + t^2)), so F(t) = 0.975 at
 * t / sqrt(2 + t^2) = 0.95, t^2 = 2 (0.95^2) / (1 - 0.95^2) = 18.51282..., t = 4.302653. The half width
 * is t s / sqrt(3) = t sqrt(7/9). */
Test(ensemble, three_replicates_mean_sd_and_interval_by_hand)
{
    const double x[] = {1.0, 2.0, 4.0};
    const mh_ensemble_stats st = mh_ensemble_stats_of(x, 1, 3);
    const double t = sqrt(2.0 * 0.95 * 0.95 / (1.0 - 0.95 * 0.95)), half = t * sqrt(7.0 / 9.0);
    cr_assert_eq(st.n, 3);
    cr_assert_float_eq(st.mean, 7.0 / 3.0, 1e-15);
    cr_assert_float_eq(st.sd, sqrt(7.0 / 3.0), 1e-15);
    /* gsl_cdf_tdist_Pinv is accurate to ~1e-12 relative here (its Newton refinement); 1e-10 covers it */
    cr_assert_float_eq(st.ci_lo, 7.0 / 3.0 - half, 1e-10, "ci_lo %.17g, by hand %.17g", st.ci_lo, 7.0 / 3.0 - half);
    cr_assert_float_eq(st.ci_hi, 7.0 / 3.0 + half, 1e-10, "ci_hi %.17g, by hand %.17g", st.ci_hi, 7.0 / 3.0 + half);
    cr_assert_float_eq(t, 4.303, 5e-4, "the closed form against the printed tables' 4.303");
}

Test(ensemble, stride_picks_one_column_of_a_table)
{
    /* 3 replicates x 2 metrics, row-major: the second column is 10, 20, 60 -> mean 30 */
    const double x[] = {1.0, 10.0, 2.0, 20.0, 4.0, 60.0};
    const mh_ensemble_stats st = mh_ensemble_stats_of(x + 1, 2, 3);
    cr_assert_float_eq(st.mean, 30.0, 1e-14);
    /* deviations -20, -10, 30: 400 + 100 + 900 = 1400, / 2 = 700 */
    cr_assert_float_eq(st.sd, sqrt(700.0), 1e-12);
}

Test(ensemble, one_replicate_has_no_spread_and_a_nan_is_not_averaged_away)
{
    const double one[] = {5.0};
    mh_ensemble_stats st = mh_ensemble_stats_of(one, 1, 1);
    cr_assert_float_eq(st.mean, 5.0, 0);
    cr_assert(isnan(st.sd) && isnan(st.ci_lo) && isnan(st.ci_hi));
    const double gap[] = {1.0, NAN, 3.0};
    st = mh_ensemble_stats_of(gap, 1, 3);
    cr_assert(isnan(st.mean) && isnan(st.sd) && isnan(st.ci_lo), "a replicate that never reached it: NaN");
}

static mh_ensemble_stats interval(double lo, double hi) { return (mh_ensemble_stats){8, 0.5 * (lo + hi), 1.0, lo, hi}; }

Test(ensemble, coverage_of_a_band_whole_part_none)
{
    mh_ensemble_stats st = interval(2.1, 2.9);
    cr_assert_eq(mh_ensemble_coverage(&st, 2, 3, 0, 0), MH_COVER_WHOLE);
    st = interval(1.5, 2.5);
    cr_assert_eq(mh_ensemble_coverage(&st, 2, 3, 0, 0), MH_COVER_PART);
    st = interval(3.1, 3.5);
    cr_assert_eq(mh_ensemble_coverage(&st, 2, 3, 0, 0), MH_COVER_NONE);
    st = interval(2.0, 3.0); /* closed ends: inside */
    cr_assert_eq(mh_ensemble_coverage(&st, 2, 3, 0, 0), MH_COVER_WHOLE);
    st = interval(0.5, 1.0); /* (1, inf): 1 itself is outside */
    cr_assert_eq(mh_ensemble_coverage(&st, 1, INFINITY, 1, 0), MH_COVER_NONE);
    st = interval(0.5, 1.5);
    cr_assert_eq(mh_ensemble_coverage(&st, 1, INFINITY, 1, 0), MH_COVER_PART);
    st = (mh_ensemble_stats){1, 2.5, NAN, NAN, NAN}; /* one replicate: the mean alone */
    cr_assert_eq(mh_ensemble_coverage(&st, 2, 3, 0, 0), MH_COVER_WHOLE);
    st = (mh_ensemble_stats){3, NAN, NAN, NAN, NAN};
    cr_assert_eq(mh_ensemble_coverage(&st, 2, 3, 0, 0), MH_COVER_NONE);
    cr_assert_str_eq(mh_ensemble_cover_name(MH_COVER_PART), "part");
}

Test(ensemble, resample_interpolates_and_keeps_jumps)
{
    /* a jump at t = 1 (two rows: 10 before the event, 20 after), then linear to 40 at t = 2 */
    const double ts[] = {0, 1, 1, 2}, ys[] = {0, 10, 20, 40};
    const double td[] = {-1, 0, 0.5, 1, 1, 1.5, 2, 3};
    double yd[8];
    mh_ensemble_resample(ts, ys, 4, td, 8, yd);
    cr_assert(isnan(yd[0]), "before the first row: NaN");
    const double want[] = {0, 5, 10, 20, 30, 40};
    for (int i = 0; i < 6; i++)
        cr_assert_float_eq(yd[i + 1], want[i], 1e-14, "row %d: %g, want %g", i + 1, yd[i + 1], want[i]);
    cr_assert(isnan(yd[7]), "after the last row: NaN");
    /* one destination row at the event: the first (the state before it) */
    const double t1[] = {1};
    mh_ensemble_resample(ts, ys, 4, t1, 1, yd);
    cr_assert_float_eq(yd[0], 10, 0);
    /* the same times: copied exactly */
    mh_ensemble_resample(ts, ys, 4, ts, 4, yd);
    for (int i = 0; i < 4; i++)
        cr_assert_eq(yd[i], ys[i]);
}
