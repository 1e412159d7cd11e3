/* test_compare: `microheal compare`: the plan of a comparison (mh_sweep_create), --vary over the needle
 * length (table, dose response, compare.h5, PNGs), the same bytes with -j 1 and -j 2, a list of files,
 * resume, and bad input. Runs are tiny: 3 days of one session at dx 40 um on the default 2-mm section. */
#include "helpers.h"
#include "mh_sweep.h"

#include <hdf5.h>
#include <math.h>
#include <sys/stat.h>

/* The tiny run every variant gets. */
#define TINY "--set simulation.days=3 --set grid.dx_um=40 --set schedule.sessions=1 --set output.snapshot_days=0,1"

/* A fresh temporary folder (malloc'ed); the comparison's output goes to FOLDER/out. */
static char *fresh_dir(void) { return mh_test_temp_dir("compare"); }

static int run(char **err, const char *fmt, const char *a, const char *b)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, fmt, a, b);
    return mh_test_sh(cmd, err);
}

/* The header compare.csv must have: identifying columns, four per metric of the table (mean, sd, ends of
 * the 95 % interval), message. */
static void expected_header(char *out, size_t len)
{
    size_t u = (size_t)snprintf(out, len, "variant,label,value,replicates,seed,status,config_sha256");
    for (int k = 0; k < MH_MET_COUNT; k++) {
        const char *m = mh_sweep_metric_name((mh_sweep_metric)k);
        u += (size_t)snprintf(out + u, len - u, ",%s_mean,%s_sd,%s_ci_lo,%s_ci_hi", m, m, m, m);
    }
    snprintf(out + u, len - u, ",message\n");
}

#define NFIELDS (7 + 4 * MH_MET_COUNT + 1)

/* One row of compare.csv: its fields (split at commas; the tests' labels have none). */
typedef struct {
    char field[NFIELDS][128];
    int n;
} csv_row;

/* The rows of compare.csv after its header (which must be the expected one); their number. */
static int read_rows(const char *dir, csv_row *rows, int max)
{
    char path[1024], head[4096];
    snprintf(path, sizeof path, "%s/compare.csv", dir);
    char *csv = mh_test_read_file(path);
    cr_assert(csv != NULL, "no %s", path);
    expected_header(head, sizeof head);
    cr_assert(strncmp(csv, head, strlen(head)) == 0, "header:\n%s\nwanted:\n%s", csv, head);
    int n = 0;
    for (char *line = csv + strlen(head); *line != '\0' && n < max; n++) {
        char *end = strchr(line, '\n');
        cr_assert(end != NULL);
        *end = '\0';
        csv_row *r = &rows[n];
        r->n = 0;
        for (char *f = line;; r->n++) {
            char *c = strchr(f, ',');
            cr_assert(r->n < NFIELDS);
            snprintf(r->field[r->n], sizeof r->field[0], "%.*s", c ? (int)(c - f) : (int)strlen(f), f);
            if (c == NULL)
                break;
            f = c + 1;
        }
        r->n++;
        cr_assert_eq(r->n, NFIELDS, "row %d has %d fields", n, r->n);
        line = end + 1;
    }
    free(csv);
    return n;
}

/* Statistic j (0 mean, 1 sd, 2 ci_lo, 3 ci_hi) of metric k of a row. */
static double row_stat(const csv_row *r, int k, int j) { return strtod(r->field[7 + 4 * k + j], NULL); }
/* The mean of metric k of a row (with one replicate: the value of the run). */
static double metric(const csv_row *r, int k) { return row_stat(r, k, 0); }

static void same_file(const char *dir_a, const char *dir_b, const char *name)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cmp -s '%s/%s' '%s/%s'", dir_a, name, dir_b, name);
    cr_assert_eq(system(cmd), 0, "%s differs between %s and %s", name, dir_a, dir_b);
}

/* ---- the plan ---- */

Test(compare, a_list_of_files_is_one_row_per_file_with_its_name_and_seed)
{
    char *d = fresh_dir(), a[256], b[256], c[256], cmd[1024];
    mkdir(strcat(strcpy(a, d), "/x"), 0777);
    snprintf(a, sizeof a, "%s/short.ini", d);
    snprintf(b, sizeof b, "%s/x/short.ini", d);
    snprintf(c, sizeof c, "%s/long.ini", d);
    snprintf(
        cmd, sizeof cmd,
        "sed 's/^needle_length_mm = 1.5 /needle_length_mm = 0.5 /; s/^seed = 42/seed = 7/' configs/default.ini > %s"
        " && sed 's/^needle_length_mm = 1.5 /needle_length_mm = 1.0 /' configs/default.ini > %s"
        " && cp configs/default.ini %s",
        a, b, c);
    cr_assert_eq(system(cmd), 0);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_sweep *s = NULL;
    const mh_sweep_assign set = {"simulation.days", "90", "--set #1"};
    const char *two[] = {a, c};
    cr_assert_eq(mh_sweep_create(two, 2, &set, 1, NULL, &ctx, &s), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_sweep_check(s, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_sweep_get_design(s), MH_SWEEP_LIST);
    cr_assert_eq(mh_sweep_npoints(s), 2);
    cr_assert_eq(mh_sweep_naxes(s), 0);
    char mark[] = "x", *frozen = mark;
    cr_assert_eq(mh_sweep_frozen_text(s, "base.ini", &ctx, &frozen), MH_ERR_INPUT, "design list has no sweep file");
    cr_assert_null(frozen);
    mh_ctx_init(&ctx);
    char label[512];
    mh_sweep_row_label(s, 0, label, sizeof label);
    cr_assert_str_eq(label, "short.ini");
    mh_sweep_row_label(s, 1, label, sizeof label);
    cr_assert_str_eq(label, "long.ini");
    cr_assert_eq(mh_sweep_seed(s, 0), 7ul, "a file keeps its own seed");
    cr_assert_eq(mh_sweep_seed(s, 1), 42ul);
    mh_config *cfg = NULL;
    cr_assert_eq(mh_sweep_point_config(s, 0, &ctx, &cfg), MH_OK, "%s", ctx.msg);
    cr_assert_float_eq(mh_config_real(cfg, MH_P_DEV_LENGTH), 0.5, 0);
    cr_assert_float_eq(mh_config_real(cfg, MH_P_SIM_DAYS), 90.0, 0, "--set reaches every file");
    cr_assert_eq(mh_config_int(cfg, MH_P_SEED), 7);
    mh_config_destroy(&cfg);
    cr_assert_eq(mh_sweep_check_distinct(s, &ctx), MH_OK, "%s", ctx.msg);
    mh_sweep_destroy(&s);
    /* two files of the same name: labelled with their paths */
    const char *same_name[] = {a, b};
    cr_assert_eq(mh_sweep_create(same_name, 2, NULL, 0, NULL, &ctx, &s), MH_OK, "%s", ctx.msg);
    mh_sweep_row_label(s, 1, label, sizeof label);
    cr_assert_str_eq(label, b);
    mh_sweep_destroy(&s);
    /* one file twice: the same configuration */
    mh_ctx_init(&ctx);
    const char *twice[] = {c, c};
    cr_assert_eq(mh_sweep_create(twice, 2, NULL, 0, NULL, &ctx, &s), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_sweep_check_distinct(s, &ctx), MH_ERR_INPUT);
    cr_assert(strstr(ctx.msg, "long.ini give the same configuration (points 0 and 1)") != NULL, "%s", ctx.msg);
    mh_sweep_destroy(&s);
    /* an axis varies one file */
    mh_ctx_init(&ctx);
    const mh_sweep_assign axis = {"device.needle_length_mm", "0.5, 1", "--vary"};
    cr_assert_eq(mh_sweep_create(two, 2, NULL, 0, &axis, &ctx, &s), MH_ERR_INPUT);
    cr_assert(strstr(ctx.msg, "--vary") != NULL && strstr(ctx.msg, "one configuration file") != NULL, "%s", ctx.msg);
    cr_assert(s == NULL);
    free(d);
}

Test(compare, an_axis_over_a_file_is_a_one_axis_grid_with_set_first)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_sweep *s = NULL;
    const char *base[] = {"configs/default.ini"};
    const mh_sweep_assign sets[] = {{"simulation.days", "20", "--set #1"}, {"schedule.sessions", "1", "--set #2"}};
    const mh_sweep_assign axis = {"device.needle_length_mm", "range(0.5, 2, 4)", "--vary"};
    cr_assert_eq(mh_sweep_create(base, 1, sets, 2, &axis, &ctx, &s), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_sweep_check(s, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_sweep_get_design(s), MH_SWEEP_GRID);
    cr_assert_eq(mh_sweep_npoints(s), 4);
    char label[512];
    mh_sweep_row_label(s, 3, label, sizeof label);
    cr_assert_str_eq(label, "device.needle_length_mm=2");
    cr_assert_float_eq(mh_sweep_value(s, 1, 0), 1.0, 1e-15);
    mh_config *cfg = NULL;
    cr_assert_eq(mh_sweep_point_config(s, 3, &ctx, &cfg), MH_OK, "%s", ctx.msg);
    cr_assert_float_eq(mh_config_real(cfg, MH_P_SIM_DAYS), 20.0, 0);
    cr_assert_eq(mh_config_int(cfg, MH_P_SCHED_SESSIONS), 1);
    mh_config_destroy(&cfg);
    mh_sweep_destroy(&s);
}

/* ---- the command ---- */

Test(compare_cli, vary_needle_length_gives_three_rows_a_dose_response_an_h5_and_pngs, .timeout = 240)
{
    char *d = fresh_dir(), out[512], path[1024], *err = NULL;
    snprintf(out, sizeof out, "%s/out", d);
    cr_assert_eq(run(&err,
                     MH_BIN " compare --vary device.needle_length_mm=0.5,1.0,1.5 configs/default.ini " TINY
                            " -o %s -j 2 --threads 1%s",
                     out, ""),
                 0, "%s", err);
    free(err);
    csv_row rows[4];
    cr_assert_eq(read_rows(out, rows, 4), 3);
    const char *values[] = {"0.5", "1.0", "1.5"};
    for (int i = 0; i < 3; i++) {
        char want[64];
        snprintf(want, sizeof want, "device.needle_length_mm=%s", values[i]);
        cr_assert_eq(atoi(rows[i].field[0]), i);
        cr_assert_str_eq(rows[i].field[1], want);
        cr_assert_str_eq(rows[i].field[2], values[i]);
        cr_assert_str_eq(rows[i].field[3], "1");
        cr_assert_str_eq(rows[i].field[4], "42");
        cr_assert_str_eq(rows[i].field[5], "ok");
        cr_assert_eq(strlen(rows[i].field[6]), 64);
        cr_assert(isnan(row_stat(&rows[i], MH_MET_GAIN_END, 1)) && isnan(row_stat(&rows[i], MH_MET_GAIN_END, 2)),
                  "one replicate: no sd, no interval");
    }
    /* dose response: deeper channels give more collagen by day 3, more bleeding and longer closure (the
     * model's response is monotone in depth and large here: x14 in gain from 0.5 to 1.5 mm) */
    for (int i = 0; i < 2; i++) {
        cr_assert_lt(metric(&rows[i], MH_MET_GAIN_END), metric(&rows[i + 1], MH_MET_GAIN_END), "gain, row %d", i);
        cr_assert_lt(metric(&rows[i], MH_MET_BLEEDING), metric(&rows[i + 1], MH_MET_BLEEDING), "bleeding, row %d", i);
        cr_assert_lt(metric(&rows[i], MH_MET_CLOSURE), metric(&rows[i + 1], MH_MET_CLOSURE), "closure, row %d", i);
    }
    cr_assert(isnan(metric(&rows[0], MH_MET_GAIN42)), "no day 42 in a 3-day run");
    cr_assert_gt(metric(&rows[0], MH_MET_GAIN_END), 0.0);

    /* compare.h5: the table and every variant's series, summary and configuration */
    snprintf(path, sizeof path, "%s/compare.h5", out);
    size_t n = 0;
    char name[256];
    snprintf(name, sizeof name, "/outcomes/metrics/%s/mean", mh_sweep_metric_name(MH_MET_GAIN_END));
    double *v = mh_test_read_doubles(path, name, &n);
    cr_assert_eq(n, 3);
    for (int i = 0; i < 3; i++) /* the CSV writes the fewest digits that read back */
        cr_assert_eq(v[i], metric(&rows[i], MH_MET_GAIN_END), "variant %d", i);
    free(v);
    v = mh_test_read_doubles(path, "/outcomes/value", &n);
    cr_assert(n == 3 && v[0] == 0.5 && v[2] == 1.5);
    free(v);
    size_t nt = 0, nc = 0;
    double *t = mh_test_read_doubles(path, "/variants/2/series/t_days", &nt);
    double *c = mh_test_read_doubles(path, "/variants/2/series/dermis/collagen_total", &nc);
    cr_assert(nt == nc && nt > 10 && t[nt - 1] == 3.0);
    cr_assert_float_eq(c[nc - 1] - 1.0, metric(&rows[2], MH_MET_GAIN_END), 1e-12, "the series ends at the gain");
    free(t);
    free(c);
    snprintf(path, sizeof path, "%s/compare.h5", out);
    char cmd[8192];
    snprintf(cmd, sizeof cmd,
             "h5dump -a /variants/1/label %s | grep -q 'device.needle_length_mm=1.0' && "
             "h5dump -a /variants/1/config %s | grep -q 'needle_length_mm = 1 ' && "
             "h5dump -a /varied_key %s | grep -q device.needle_length_mm && "
             "h5ls %s/variants/0/summary | grep -q closure_hours",
             path, path, path, path);
    cr_assert_eq(system(cmd), 0, "%s: attributes or summary missing", path);

    /* the plots: healing curves and each metric with a value (no day 42, 90, 180 in 3 days) */
    snprintf(path, sizeof path, "%s/healing_curves.png", out);
    mh_test_is_png(path);
    for (int k = 0; k < MH_MET_COUNT; k++) {
        snprintf(path, sizeof path, "%s/outcome_%s.png", out, mh_sweep_metric_name((mh_sweep_metric)k));
        if (k == MH_MET_GAIN42 || k == MH_MET_GAIN90 || k == MH_MET_GAIN180)
            cr_assert_neq(access(path, F_OK), 0, "%s: a plot without values", path);
        else if (!isnan(metric(&rows[0], k)))
            mh_test_is_png(path);
    }
    snprintf(cmd, sizeof cmd, "ls %s | grep -q tmp", out);
    cr_assert_neq(system(cmd), 0, "a temporary file was left in %s", out);
    free(d);
}

Test(compare_cli, one_and_two_processes_give_the_same_bytes, .timeout = 240)
{
    char *d = fresh_dir(), a[512], b[512], *err = NULL;
    snprintf(a, sizeof a, "%s/j1", d);
    snprintf(b, sizeof b, "%s/j2", d);
    /* two replicates each: the ensembles in compare.h5 are covered too */
    const char *cmd = MH_BIN " compare --vary device.needle_length_mm=0.5,1.0,1.5 configs/default.ini " TINY
                             " --replicates 2 -o %s -q --no-plots %s";
    cr_assert_eq(run(&err, cmd, a, "-j 1 --threads 2"), 0, "%s", err);
    free(err);
    cr_assert_eq(run(&err, cmd, b, "-j 2 --threads 1"), 0, "%s", err);
    free(err);
    same_file(a, b, "compare.csv");
    same_file(a, b, "compare.h5");
    free(d);
}

Test(compare_cli, two_files_are_two_rows_labelled_with_their_names_and_bars, .timeout = 240)
{
    char *d = fresh_dir(), cmd[2048], files[1024], out[512], path[1024], *err = NULL;
    snprintf(cmd, sizeof cmd,
             "sed 's/^needle_length_mm = 1.5 /needle_length_mm = 0.5 /' configs/default.ini > %s/shallow.ini && "
             "cp configs/default.ini %s/deep.ini",
             d, d);
    cr_assert_eq(system(cmd), 0);
    snprintf(files, sizeof files, "%s/shallow.ini %s/deep.ini", d, d);
    snprintf(out, sizeof out, "%s/out", d);
    cr_assert_eq(run(&err, MH_BIN " compare %s " TINY " -o %s -j 2 -q", files, out), 0, "%s", err);
    free(err);
    csv_row rows[3];
    cr_assert_eq(read_rows(out, rows, 3), 2);
    cr_assert_str_eq(rows[0].field[1], "shallow.ini");
    cr_assert_str_eq(rows[1].field[1], "deep.ini");
    cr_assert_str_eq(rows[0].field[2], "", "a list of files varies no key");
    cr_assert_lt(metric(&rows[0], MH_MET_GAIN_END), metric(&rows[1], MH_MET_GAIN_END));
    snprintf(path, sizeof path, "%s/outcome_%s.png", out, mh_sweep_metric_name(MH_MET_GAIN_END));
    mh_test_is_png(path);
    snprintf(path, sizeof path, "%s/healing_curves.png", out);
    mh_test_is_png(path);
    snprintf(cmd, sizeof cmd, "h5ls %s/compare.h5/outcomes | grep -q '^value'", out);
    cr_assert_neq(system(cmd), 0, "a value column for a list of files");
    free(d);
}

/* --replicates 3: one row per variant; for two metrics its mean, sd and interval against the three replicate
 * outputs' own values, worked by hand here (sd over N - 1; Student's t_{0.975,2} from the closed form of the
 * t CDF for 2 degrees of freedom, t = sqrt(2 (0.95^2) / (1 - 0.95^2)) = 4.3027); the replicates of both
 * variants share their seeds (common random numbers); the plots are drawn with bands and error bars. */
Test(compare_cli, replicates_give_each_variant_a_mean_and_a_95_percent_interval, .timeout = 240)
{
    char *d = fresh_dir(), out[512], path[1024], *err = NULL;
    snprintf(out, sizeof out, "%s/out", d);
    cr_assert_eq(run(&err,
                     MH_BIN " compare --vary device.needle_length_mm=0.5,1.0 configs/default.ini " TINY
                            " --replicates 3 -o %s -j 2%s",
                     out, ""),
                 0, "%s", err);
    cr_assert(strstr(err, "6 runs, 0 complete, 6 to run") != NULL, "two variants of 3 replicates: %s", err);
    free(err);
    csv_row rows[3];
    cr_assert_eq(read_rows(out, rows, 3), 2);
    const double t = sqrt(2.0 * 0.95 * 0.95 / (1.0 - 0.95 * 0.95));
    const int metrics[] = {MH_MET_GAIN_END, MH_MET_BLEEDING};
    const char *datasets[] = {"/summary/dermis/collagen_total", "/summary/bleeding"};
    for (int v = 0; v < 2; v++) {
        cr_assert_str_eq(rows[v].field[3], "3");
        cr_assert_str_eq(rows[v].field[5], "ok");
        for (int m = 0; m < 2; m++) {
            double x[3], sum = 0.0, ss = 0.0;
            for (int r = 0; r < 3; r++) {
                size_t n = 0;
                snprintf(path, sizeof path, "%s/points/p%06d.h5", out, 3 * v + r);
                double *y = mh_test_read_doubles(path, datasets[m], &n);
                /* the gain at the end is the last of the dermis' values (days 42, 90, 180, end), minus 1 */
                x[r] = m == 0 ? y[n - 1] - 1.0 : y[0];
                sum += x[r];
                free(y);
            }
            const double mean = sum / 3.0;
            for (int r = 0; r < 3; r++)
                ss += (x[r] - mean) * (x[r] - mean);
            const double sd = sqrt(ss / 2.0), half = t * sd / sqrt(3.0);
            const double want[4] = {mean, sd, mean - half, mean + half};
            cr_assert(sd > 0.0, "variant %d: the replicates differ", v);
            for (int j = 0; j < 4; j++) /* CSV numbers read back exactly; t from GSL to ~1e-12 */
                cr_assert_float_eq(row_stat(&rows[v], metrics[m], j), want[j], 1e-9 * fabs(want[j]) + 1e-15,
                                   "variant %d, %s, statistic %d: %.17g, by hand %.17g", v,
                                   mh_sweep_metric_name((mh_sweep_metric)metrics[m]), j,
                                   row_stat(&rows[v], metrics[m], j), want[j]);
        }
    }
    /* replicate r of both variants has the same seed: the base's, then mt19937's stream from it */
    snprintf(path, sizeof path, "%s/compare.h5", out);
    char cmd[8192];
    for (int r = 0; r < 3; r++) {
        snprintf(cmd, sizeof cmd,
                 "a=$(h5dump -a /seed %s/points/p%06d.h5 | grep '(0)'); b=$(h5dump -a /seed %s/points/p%06d.h5 | grep "
                 "'(0)'); [ -n \"$a\" ] && [ \"$a\" = \"$b\" ]",
                 out, r, out, 3 + r);
        cr_assert_eq(system(cmd), 0, "replicate %d: the variants' seeds differ", r);
    }
    size_t n = 0;
    double *seeds = mh_test_read_doubles(path, "/variants/1/ensemble/seeds", &n);
    cr_assert(n == 3 && seeds[0] == 42.0 && seeds[1] == 1608637542.0, "seeds of variant 1");
    free(seeds);
    double *mean = mh_test_read_doubles(path, "/outcomes/metrics/bleeding/mean", &n);
    cr_assert_eq(n, 2u);
    cr_assert_eq(mean[1], metric(&rows[1], MH_MET_BLEEDING), "compare.h5 and compare.csv agree");
    free(mean);
    snprintf(path, sizeof path, "%s/healing_curves.png", out);
    mh_test_is_png(path);
    snprintf(path, sizeof path, "%s/outcome_bleeding.png", out);
    mh_test_is_png(path);
    /* the curves' table has a band: ci_lo below the mean somewhere after day 0 */
    snprintf(path, sizeof path, "%s/healing_curves.dat", out);
    char *dat = mh_test_read_file(path);
    bool band = false;
    for (char *line = dat; line != NULL && *line != '\0'; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
        double tt, c, lo, hi;
        if (sscanf(line, "%lf %lf %lf %lf", &tt, &c, &lo, &hi) == 4 && tt > 1.0)
            band = band || (lo < c && c < hi);
    }
    cr_assert(band, "no interval around the collagen curve in %s", path);
    free(dat);
    mh_test_sh_fails(MH_BIN " compare --vary device.needle_length_mm=0.5,1.0 configs/default.ini --replicates 0 -o "
                            "/tmp/never",
                     2, "--replicates");
    mh_test_sh_fails(MH_BIN " compare --vary device.needle_length_mm=0.5,1.0 configs/default.ini --replicates x -o "
                            "/tmp/never",
                     2, "--replicates");
    free(d);
}

/* A replicate that fails fails its variant (status failed, its message), the other variant stays ok, and
 * the failed variant's statistics are nan: a mean over the replicates that did run is not a mean over N. */
Test(compare_cli, a_failed_replicate_fails_its_variant, .timeout = 240)
{
    char *d = fresh_dir(), out[512], cmd[2048], *err = NULL;
    snprintf(out, sizeof out, "%s/out", d);
    /* a folder where run 1's output (variant 0, replicate 1) should go: its rename fails */
    snprintf(cmd, sizeof cmd, "mkdir -p %s/points/p000001.h5/x", out);
    cr_assert_eq(system(cmd), 0);
    cr_assert_eq(run(&err,
                     MH_BIN " compare --vary device.needle_length_mm=0.5,1.0 configs/default.ini " TINY
                            " --replicates 2 -o %s --no-plots%s",
                     out, ""),
                 1, "%s", err);
    free(err);
    csv_row rows[3];
    cr_assert_eq(read_rows(out, rows, 3), 2);
    cr_assert_str_eq(rows[0].field[5], "failed");
    cr_assert_str_eq(rows[1].field[5], "ok");
    cr_assert(isnan(metric(&rows[0], MH_MET_BLEEDING)) && !isnan(metric(&rows[1], MH_MET_BLEEDING)));
    cr_assert(strstr(rows[0].field[NFIELDS - 1], "p000001.h5") != NULL, "the message names the run: %s",
              rows[0].field[NFIELDS - 1]);
    free(d);
}

/* Modification time of DIR/points/pNNNNNN.h5 in nanoseconds. */
static long long point_mtime(const char *dir, int i)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/points/p%06d.h5", dir, i);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0, "no %s", path);
    return (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
}

Test(compare_cli, a_rerun_reuses_complete_variants_and_runs_only_new_ones, .timeout = 240)
{
    char *d = fresh_dir(), out[512], *err = NULL;
    snprintf(out, sizeof out, "%s/out", d);
    const char *cmd = MH_BIN " compare --vary %s configs/default.ini " TINY " -o %s -j 2 --no-plots";
    cr_assert_eq(run(&err, cmd, "device.needle_length_mm=0.5,1.0", out), 0, "%s", err);
    free(err);
    const long long m0 = point_mtime(out, 0), m1 = point_mtime(out, 1);
    cr_assert_eq(run(&err, cmd, "device.needle_length_mm=0.5,1.0", out), 0, "%s", err);
    cr_assert(strstr(err, "2 variants, 2 complete, 0 to run") != NULL, "%s", err);
    free(err);
    /* a third value: the first two are reused, byte for byte untouched */
    cr_assert_eq(run(&err, cmd, "device.needle_length_mm=0.5,1.0,1.5", out), 0, "%s", err);
    cr_assert(strstr(err, "3 variants, 2 complete, 1 to run") != NULL, "%s", err);
    cr_assert(strstr(err, "variant 2 complete") != NULL, "%s", err);
    free(err);
    cr_assert_eq(point_mtime(out, 0), m0);
    cr_assert_eq(point_mtime(out, 1), m1);
    csv_row rows[4];
    cr_assert_eq(read_rows(out, rows, 4), 3);
    free(d);
}

Test(compare_cli, bad_input_exits_2_names_the_key_and_writes_nothing)
{
    static const struct {
        const char *args, *want;
    } cases[] = {
        {"--vary no.such_key=1,2 configs/default.ini", "no.such_key: unknown parameter"},
        {"--vary schedule.days=1,2 configs/default.ini", "schedule.days: a list-valued key"},
        {"--vary device.needle_length_mm=0.5,9 configs/default.ini", "device.needle_length_mm: 9 is out of range"},
        {"--vary device.needle_length_mm=0.5,deep configs/default.ini", "device.needle_length_mm: 'deep'"},
        {"--vary device.type=pen,blade configs/default.ini", "device.type: 'blade'"},
        {"--vary device.needle_length_mm=1,1.0 configs/default.ini", "give the same configuration"},
        {"--vary device.needle_length_mm=1,1 configs/default.ini", "listed twice"},
        {"--vary device.needle_length_mm=1 configs/default.ini", "a comparison needs two or more"},
        {"--vary device.needle_length_mm configs/default.ini", "not KEY=VALUE"},
        {"--vary simulation.days=2,3 --set simulation.days=3 configs/default.ini", "also in [set] at --set #1"},
        {"--set device.needle_length_mm=9 configs/default.ini configs/default.ini", "device.needle_length_mm: 9"},
        {"configs/default.ini configs/default.ini", "give the same configuration"},
        {"configs/default.ini no/such/file.ini", "no/such/file.ini"},
        {"--vary device.needle_length_mm=1,2 configs/default.ini configs/default.ini", "--vary takes one BASE.ini"},
        {"configs/default.ini", "a comparison needs two or more"},
    };
    char *d = fresh_dir(), out[512], *err = NULL;
    snprintf(out, sizeof out, "%s/out", d);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_assert_eq(run(&err, MH_BIN " compare %s -o %s", cases[i].args, out), 2, "%s: %s", cases[i].args, err);
        cr_assert(strstr(err, cases[i].want) != NULL, "%s: '%s' lacks '%s'", cases[i].args, err, cases[i].want);
        free(err);
        cr_assert_neq(access(out, F_OK), 0, "%s: %s was created", cases[i].args, out);
    }
    cr_assert_eq(run(&err, MH_BIN " compare configs/default.ini%s%s", "", ""), 2);
    cr_assert(strstr(err, "missing -o DIR") != NULL, "%s", err);
    free(err);
    /* a sweep's folder is another plan's */
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "mkdir -p %s && touch %s/sweep.ini", out, out);
    cr_assert_eq(system(cmd), 0);
    cr_assert_eq(run(&err, MH_BIN " compare --vary device.needle_length_mm=0.5,1 configs/default.ini -o %s%s", out, ""),
                 2);
    cr_assert(strstr(err, "a sweep's folder") != NULL, "%s", err);
    free(err);
    free(d);
}

Test(compare_cli, help_lists_the_command_and_every_metric)
{
    char *out = NULL, *path = mh_test_write_ini("");
    cr_assert_eq(run(NULL, MH_BIN " compare --help > %s%s", path, ""), 0);
    out = mh_test_read_file(path);
    cr_assert(strstr(out, "usage: microheal compare A.ini B.ini") != NULL && strstr(out, "--vary KEY=V1,V2") != NULL,
              "%s", out);
    for (int k = 0; k < MH_MET_COUNT; k++)
        cr_assert(strstr(out, mh_sweep_metric_name((mh_sweep_metric)k)) != NULL, "--help lacks %s",
                  mh_sweep_metric_name((mh_sweep_metric)k));
    free(out);
    cr_assert_eq(run(NULL, MH_BIN " --help | grep -q '^  compare '%s%s", "", ""), 0, "microheal --help lacks compare");
    unlink(path);
    free(path);
}
