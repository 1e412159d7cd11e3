/* src/study: what runs many simulations: sweeps and their designs, targets, calibration, sensitivity. */
/* mh_ensemble: replicate ensembles: the seed of each replicate, the statistics of N replicate values
 * (mean, standard deviation, 95 % confidence interval of the mean), and a series moved onto another
 * series' times (papers/ensembles.md).
 *
 * Seeds. Replicate 0 runs with the base seed itself (an ensemble of one is the plain run); replicate
 * r >= 1 with the r-th number that GSL's mt19937 generator, seeded with the base seed (gsl_rng_set),
 * returns (gsl_rng_get, 0 ... 2^32 - 1). Two base seeds give unrelated streams, so the ensembles of base
 * seeds 1 and 2 share no replicate (as "base + r" would: seeds 2 ... N + 1 and 3 ... N + 2).
 *
 * Statistics of x_1 ... x_N (all finite; otherwise every statistic is NaN: "not reached in every
 * replicate" is not averaged away):
 *   mean  m = (1/N) sum x_i                                (gsl_stats_mean)
 *   sd    s = sqrt( sum (x_i - m)^2 / (N - 1) )            (gsl_stats_sd; NaN for N = 1)
 *   CI    m -+ t_{0.975, N-1} s / sqrt(N)                  (Student's t, gsl_cdf_tdist_Pinv; NaN for N = 1)
 * The t interval assumes the replicate values are independent and close to normal; with N = 8,
 * t_{0.975,7} = 2.365. Sums run in replicate order: the same values give the same bits. */
#ifndef MH_ENSEMBLE_H
#define MH_ENSEMBLE_H

#include <stddef.h>

#define MH_ENSEMBLE_MAX 10000       /* replicates at most */
#define MH_ENSEMBLE_CONFIDENCE 0.95 /* of the intervals */

/* The seed of replicate r (0 <= r < MH_ENSEMBLE_MAX) of an ensemble with base seed base (see above). */
unsigned long mh_ensemble_seed(unsigned long base, int r);

typedef struct {
    int n;               /* replicates */
    double mean, sd;     /* NaN: see above */
    double ci_lo, ci_hi; /* 95 % interval of the mean */
} mh_ensemble_stats;

/* The statistics of x[0], x[stride], ..., x[(n - 1) stride] (n >= 1, stride >= 1). */
mh_ensemble_stats mh_ensemble_stats_of(const double *x, size_t stride, int n);

/* Where the band [lo, hi] (ends inside unless lo_open / hi_open) stands against an interval: */
typedef enum {
    MH_COVER_WHOLE = 0, /* the whole interval lies inside the band */
    MH_COVER_PART,      /* part of it does */
    MH_COVER_NONE       /* none of it does (or the interval is NaN) */
} mh_ensemble_cover;
mh_ensemble_cover mh_ensemble_coverage(const mh_ensemble_stats *st, double lo, double hi, int lo_open, int hi_open);
const char *mh_ensemble_cover_name(mh_ensemble_cover c); /* "whole", "part", "none" */

/* Series (t_src, y_src) of n_src rows, times non-decreasing, moved onto the times t_dst[0 .. n_dst) (also
 * non-decreasing) into y_dst: linear interpolation between the rows around t; at a time that the source
 * holds several rows of (an event: the rows before and after a puncture), the k-th row of t_dst at that
 * time takes the source's k-th row at it (its last, when it has fewer), so jumps stay jumps; NaN outside
 * [t_src[0], t_src[n_src - 1]]. A source with the destination's times is copied exactly. */
void mh_ensemble_resample(const double *t_src, const double *y_src, size_t n_src, const double *t_dst, size_t n_dst,
                          double *y_dst);

#endif
