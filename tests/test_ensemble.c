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

/* ---- run --replicates N: the ensemble file against the replicates' own outputs ---- */

/* A short one-session 2-D run at 40 um cells (~0.3 s): its punctures differ with the seed. */
static const char *tiny_config = "[simulation]\ndays = 3\n[schedule]\nsessions = 1\n[grid]\ndx_um = 40\n"
                                 "[output]\nsnapshot_days = 0, 3\n";

static double read_one(const char *path, const char *name)
{
    size_t n = 0;
    double *v = mh_test_read_doubles(path, name, &n);
    cr_assert_geq(n, 1u, "%s: %s is empty", path, name);
    const double x = v[0];
    free(v);
    return x;
}

/* Runs `run CONFIG --replicates reps -j jobs -o DIR/NAME.h5`; the exit status must be 0. */
static void run_ensemble(const char *ini, const char *dir, const char *name, int reps, int jobs)
{
    char cmd[3 * PATH_MAX], *err = NULL;
    snprintf(cmd, sizeof cmd, MH_BIN " run %s --replicates %d -j %d -q -o %s/%s.h5", ini, reps, jobs, dir, name);
    const int rc = mh_test_sh(cmd, &err);
    cr_assert_eq(rc, 0, "%s: exit %d: %s", cmd, rc, err);
    free(err);
}

/* The 3-replicate case by hand: for two metrics (closure hours, read as /summary/closure_hours[0], and the
 * bleeding volume), the values the ensemble lists are each replicate output's own, their mean is the sum
 * over 3, sd the root of the squared deviations over 2, and the interval the mean -+ t sd / sqrt(3) with
 * Student's t_{0.975,2} = sqrt(2 (0.95^2) / (1 - 0.95^2)) (the closed form of the t CDF for 2 degrees of
 * freedom). Also every series column's mean at day 0 (the same time in every replicate) and the seeds. */
Test(ensemble_cli, three_replicates_mean_and_interval_by_hand, .timeout = 120)
{
    char *ini = mh_test_write_ini(tiny_config), *dir = mh_test_temp_dir("ens3");
    run_ensemble(ini, dir, "out", 3, 2);
    char ens[PATH_MAX], rep[3][PATH_MAX];
    snprintf(ens, sizeof ens, "%s/out.h5", dir);
    for (int r = 0; r < 3; r++)
        snprintf(rep[r], sizeof rep[r], "%s/out.replicates/points/p%06d.h5", dir, r);
    const double t = sqrt(2.0 * 0.95 * 0.95 / (1.0 - 0.95 * 0.95));
    static const char *const metric[][2] = {{"closure_hours", "/summary/closure_hours"},
                                            {"bleeding", "/summary/bleeding"}};
    for (int m = 0; m < 2; m++) {
        double x[3], sum = 0.0, ss = 0.0;
        for (int r = 0; r < 3; r++)
            sum += x[r] = read_one(rep[r], metric[m][1]);
        const double mean = sum / 3.0;
        for (int r = 0; r < 3; r++)
            ss += (x[r] - mean) * (x[r] - mean);
        const double sd = sqrt(ss / 2.0), half = t * sd / sqrt(3.0);
        cr_assert(sd > 0.0, "%s: the replicates differ (seeds, punctures): %g %g %g", metric[m][0], x[0], x[1], x[2]);
        char name[256];
        size_t n = 0;
        snprintf(name, sizeof name, "/ensemble/metrics/%s/values", metric[m][0]);
        double *vals = mh_test_read_doubles(ens, name, &n);
        cr_assert_eq(n, 3u);
        for (int r = 0; r < 3; r++)
            cr_assert_eq(vals[r], x[r], "%s: replicate %d: %.17g in the ensemble, %.17g in its output", metric[m][0], r,
                         vals[r], x[r]);
        free(vals);
        const char *stat[] = {"mean", "sd", "ci_lo", "ci_hi"};
        const double want[] = {mean, sd, mean - half, mean + half};
        for (int k = 0; k < 4; k++) {
            snprintf(name, sizeof name, "/ensemble/metrics/%s/%s", metric[m][0], stat[k]);
            const double got = read_one(ens, name);
            /* sums of 3 values in another order: a few ulp; t from GSL's inverse CDF to ~1e-12 relative */
            cr_assert_float_eq(got, want[k], 1e-9 * fabs(want[k]) + 1e-12, "%s %s: %.17g, by hand %.17g", metric[m][0],
                               stat[k], got, want[k]);
        }
    }
    /* the series at day 0: every replicate's first row (no resampling between equal times) */
    double first = 0.0;
    for (int r = 0; r < 3; r++)
        first += read_one(rep[r], "/series/dermis/collagen_total") / 3.0;
    cr_assert_float_eq(read_one(ens, "/ensemble/series/dermis/collagen_total/mean"), first, 1e-14);
    size_t ns = 0, n0 = 0;
    double *seeds = mh_test_read_doubles(ens, "/ensemble/seeds", &ns),
           *t0 = mh_test_read_doubles(rep[0], "/series/t_days", &n0);
    double *te = mh_test_read_doubles(ens, "/ensemble/series/t_days", &ns);
    cr_assert_eq(ns, n0, "the ensemble's series are on replicate 0's times");
    free(te);
    free(t0);
    double *s3 = mh_test_read_doubles(ens, "/ensemble/seeds", &ns);
    cr_assert_eq(ns, 3u);
    cr_assert_eq(s3[0], 42.0, "replicate 0 runs the configuration's seed (default 42)");
    cr_assert_eq(s3[1], 1608637542.0, "replicate 1: std::mt19937(42)'s first output");
    free(s3);
    free(seeds);
    /* info describes it: the replicates, the base seed, a metric with its interval */
    char cmd[3 * PATH_MAX], out[PATH_MAX];
    snprintf(out, sizeof out, "%s/info.txt", dir);
    snprintf(cmd, sizeof cmd, MH_BIN " info %s > %s", ens, out);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    char *info = mh_test_read_file(out);
    cr_assert(strstr(info, "ensemble of 3 replicates, base seed 42") != NULL, "%s", info);
    cr_assert(strstr(info, "closure_hours") != NULL && strstr(info, "[") != NULL, "%s", info);
    free(info);
    free(ini);
    free(dir);
}

/* Bit-identity per replicate: 1 process of 2 threads and 2 processes of 1 thread give the same replicate
 * series and the same ensemble file, byte for byte (it holds no time stamp). */
Test(ensemble_cli, the_same_bits_whatever_the_processes_and_threads, .timeout = 120)
{
    char *ini = mh_test_write_ini(tiny_config), *dir = mh_test_temp_dir("ensbits");
    run_ensemble(ini, dir, "a", 2, 1);
    run_ensemble(ini, dir, "b", 2, 2);
    char cmd[3 * PATH_MAX];
    snprintf(cmd, sizeof cmd, "cmp -s %s/a.h5 %s/b.h5", dir, dir);
    cr_assert_eq(system(cmd), 0, "the ensemble files differ: %s", cmd);
    for (int r = 0; r < 2; r++) {
        char pa[PATH_MAX], pb[PATH_MAX];
        snprintf(pa, sizeof pa, "%s/a.replicates/points/p%06d.h5", dir, r);
        snprintf(pb, sizeof pb, "%s/b.replicates/points/p%06d.h5", dir, r);
        size_t na = 0, nb = 0;
        double *a = mh_test_read_doubles(pa, "/series/dermis/collagen_total", &na),
               *b = mh_test_read_doubles(pb, "/series/dermis/collagen_total", &nb);
        cr_assert_eq(na, nb, "replicate %d: %zu and %zu rows", r, na, nb);
        cr_assert(memcmp(a, b, na * sizeof *a) == 0, "replicate %d: the series differ", r);
        free(a);
        free(b);
    }
    free(ini);
    free(dir);
}

Test(ensemble_cli, bad_replicates_exit_2_with_a_message)
{
    char *ini = mh_test_write_ini(tiny_config), cmd[PATH_MAX + 128];
    snprintf(cmd, sizeof cmd, MH_BIN " run %s --replicates 0 -o /tmp/never.h5", ini);
    mh_test_sh_fails(cmd, 2, "--replicates");
    snprintf(cmd, sizeof cmd, MH_BIN " run %s --replicates abc -o /tmp/never.h5", ini);
    mh_test_sh_fails(cmd, 2, "--replicates");
    snprintf(cmd, sizeof cmd, MH_BIN " run %s --replicates 2 --resume -o /tmp/never.h5", ini);
    mh_test_sh_fails(cmd, 2, "--resume is for one run");
    snprintf(cmd, sizeof cmd, MH_BIN " run %s -j 2 -o /tmp/never.h5", ini);
    mh_test_sh_fails(cmd, 2, "-j goes with --replicates");
    cr_assert(!mh_test_exists("/tmp/never.h5") && !mh_test_exists("/tmp/never.replicates"));
    mh_test_sh_fails(MH_BIN " sweep --collect /tmp --replicates 2", 2, "--replicates goes with SWEEP.ini");
    free(ini);
}

/* sweep --replicates N: ensemble.csv's mean of a row equals the mean of that row's points in summary.csv. */
Test(ensemble_cli, sweep_rows_summarise_their_replicates, .timeout = 120)
{
    char *ini = mh_test_write_ini(tiny_config), *dir = mh_test_temp_dir("enssweep");
    char sw[PATH_MAX], cmd[3 * PATH_MAX], *err = NULL;
    snprintf(sw, sizeof sw, "%s/s.ini", dir);
    FILE *f = fopen(sw, "w");
    cr_assert_not_null(f);
    fprintf(f, "[sweep]\nbase = %s\n[axes]\ndevice.needle_length_mm = 0.5, 1.0\n", ini);
    fclose(f);
    snprintf(cmd, sizeof cmd, MH_BIN " sweep %s -o %s/out --replicates 3 -q", sw, dir);
    cr_assert_eq(mh_test_sh(cmd, &err), 0, "%s: %s", cmd, err);
    free(err);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/out/sweep.ini", dir);
    char *frozen = mh_test_read_file(path);
    cr_assert(strstr(frozen, "replicates = 3") != NULL, "the folder's plan has the 3 replicates: %s", frozen);
    free(frozen);
    /* summary.csv: point,row,replicate,seed,status,config_sha256,needle,collagen_gain_d42,d90,d180,end,... */
    snprintf(path, sizeof path, "%s/out/summary.csv", dir);
    char *csv = mh_test_read_file(path);
    double sum[2] = {0, 0};
    int rows = 0;
    for (char *line = strchr(csv, '\n') + 1; *line; line = strchr(line, '\n') + 1, rows++) {
        int point, row, rep;
        double g42, g90, g180, gend;
        cr_assert_eq(sscanf(line, "%d,%d,%d,%*[^,],%*[^,],%*[^,],%*[^,],%lf,%lf,%lf,%lf", &point, &row, &rep, &g42,
                            &g90, &g180, &gend),
                     7, "%s", line);
        sum[row] += gend;
    }
    cr_assert_eq(rows, 6);
    free(csv);
    /* ensemble.csv: row,replicates,status,needle,collagen_gain_d42_{mean,sd,ci_lo,ci_hi},d90 x4,d180 x4,end x4 */
    snprintf(path, sizeof path, "%s/out/ensemble.csv", dir);
    csv = mh_test_read_file(path);
    cr_assert(
        strstr(csv, "collagen_gain_end_mean,collagen_gain_end_sd,collagen_gain_end_ci_lo,collagen_gain_end_ci_hi") !=
            NULL,
        "%s", csv);
    rows = 0;
    for (char *line = strchr(csv, '\n') + 1; *line; line = strchr(line, '\n') + 1, rows++) {
        int row, reps;
        char status[16];
        double v[16];
        cr_assert_eq(sscanf(line,
                            "%d,%d,%15[^,],%*[^,],%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf",
                            &row, &reps, status, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9],
                            &v[10], &v[11], &v[12], &v[13], &v[14], &v[15]),
                     19, "%s", line);
        cr_assert_eq(reps, 3);
        cr_assert_str_eq(status, "ok");
        /* the CSV's numbers read back to the double (shortest round trip): a few ulp of the sum's order */
        cr_assert_float_eq(v[12], sum[row] / 3.0, 1e-12 * fabs(sum[row]), "row %d: %.17g, by hand %.17g", row, v[12],
                           sum[row] / 3.0);
        cr_assert(v[14] < v[12] && v[12] < v[15], "row %d: the interval holds the mean", row);
    }
    cr_assert_eq(rows, 2);
    free(csv);
    free(ini);
    free(dir);
}
