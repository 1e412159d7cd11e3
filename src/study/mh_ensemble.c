/* src/study: what runs many simulations: sweeps and their designs, targets, calibration, sensitivity. */
/* mh_ensemble: replicate seeds, ensemble statistics and series resampling (see mh_ensemble.h). */
#include "mh_ensemble.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>

unsigned long mh_ensemble_seed(unsigned long base, int r)
{
    if (r <= 0)
        return base;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (rng == NULL) /* out of memory: no seed to give; the caller's runs would then all be replicate 0 */
        return base;
    gsl_rng_set(rng, base);
    unsigned long x = base;
    for (int k = 0; k < r; k++)
        x = gsl_rng_get(rng);
    gsl_rng_free(rng);
    return x;
}

mh_ensemble_stats mh_ensemble_stats_of(const double *x, size_t stride, int n)
{
    mh_ensemble_stats st = {n, NAN, NAN, NAN, NAN};
    if (n < 1)
        return st;
    for (int i = 0; i < n; i++)
        if (!isfinite(x[(size_t)i * stride]))
            return st;
    st.mean = gsl_stats_mean(x, stride, (size_t)n);
    if (n < 2)
        return st;
    st.sd = gsl_stats_sd_m(x, stride, (size_t)n, st.mean);
    const double half =
        gsl_cdf_tdist_Pinv(0.5 + 0.5 * MH_ENSEMBLE_CONFIDENCE, (double)(n - 1)) * st.sd / sqrt((double)n);
    st.ci_lo = st.mean - half;
    st.ci_hi = st.mean + half;
    return st;
}

/* Whether v lies inside [lo, hi] (an end excluded when open). */
static int inside(double v, double lo, double hi, int lo_open, int hi_open)
{
    return (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
}

mh_ensemble_cover mh_ensemble_coverage(const mh_ensemble_stats *st, double lo, double hi, int lo_open, int hi_open)
{
    double a = st->ci_lo, b = st->ci_hi;
    if (isnan(a) || isnan(b)) /* one replicate: the interval is the mean alone */
        a = b = st->mean;
    if (isnan(a))
        return MH_COVER_NONE;
    if (inside(a, lo, hi, lo_open, hi_open) && inside(b, lo, hi, lo_open, hi_open))
        return MH_COVER_WHOLE;
    /* [a, b] meets the band unless it lies wholly below or wholly above it */
    const int below = lo_open ? b <= lo : b < lo, above = hi_open ? a >= hi : a > hi;
    return below || above ? MH_COVER_NONE : MH_COVER_PART;
}

const char *mh_ensemble_cover_name(mh_ensemble_cover c)
{
    return c == MH_COVER_WHOLE ? "whole" : c == MH_COVER_PART ? "part" : "none";
}

void mh_ensemble_resample(const double *t_src, const double *y_src, size_t n_src, const double *t_dst, size_t n_dst,
                          double *y_dst)
{
    size_t j = 0; /* the first source row with time >= t (times are non-decreasing on both sides) */
    for (size_t i = 0; i < n_dst; i++) {
        const double t = t_dst[i];
        size_t k = 0; /* rows of t_dst before i at the same time */
        while (k < i && t_dst[i - k - 1] == t)
            k++;
        while (j < n_src && t_src[j] < t)
            j++;
        if (n_src == 0 || j == n_src || (j == 0 && t_src[0] > t)) {
            y_dst[i] = NAN;
        } else if (t_src[j] == t) { /* the k-th source row at t, or its last */
            size_t m = j;
            while (m - j < k && m + 1 < n_src && t_src[m + 1] == t)
                m++;
            y_dst[i] = y_src[m];
        } else { /* t_src[j - 1] < t < t_src[j] */
            const double w = (t - t_src[j - 1]) / (t_src[j] - t_src[j - 1]);
            y_dst[i] = y_src[j - 1] + w * (y_src[j] - y_src[j - 1]);
        }
    }
}
