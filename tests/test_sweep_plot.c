/* test_sweep_plot: `microheal sweep --plot`: the response and heat-map data blocks against statistics
 * computed here from summary.csv, the PNGs, and the usage errors. */
#include "helpers.h"

#include <math.h>

/* A sweep file (base = the repository's default config, a 3-day run) in a fresh folder, and a fresh
 * output folder; both malloc'ed. */
static void sweep_setup(const char *body, char **sweep, char **out)
{
    char dir[200];
    mh_test_mkdtemp(dir, sizeof dir, "splot");
    char cwd[4096];
    cr_assert(getcwd(cwd, sizeof cwd) != NULL);
    size_t n = strlen(dir) + 16;
    *sweep = malloc(n);
    snprintf(*sweep, n, "%s/sweep.ini", dir);
    *out = malloc(n);
    snprintf(*out, n, "%s/out", dir);
    FILE *f = fopen(*sweep, "w");
    cr_assert(f != NULL);
    fprintf(f,
            "[sweep]\nbase = %s/configs/default.ini\n%s[set]\nsimulation.days = 3\ngrid.dx_um = 40\n"
            "schedule.sessions = 1\noutput.snapshot_days = 0, 1\n",
            cwd, body);
    fclose(f);
}

static int sh(char **err, const char *fmt, const char *a, const char *b)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, fmt, a, b);
    return mh_test_sh(cmd, err);
}

/* Runs the sweep and its plots (both must exit 0). */
static void run_and_plot(const char *sweep, const char *out)
{
    char *err = NULL;
    cr_assert_eq(sh(&err, MH_BIN " sweep %s -o %s -j 2 -q", sweep, out), 0, "%s", err);
    free(err);
    cr_assert_eq(sh(&err, MH_BIN " sweep --plot %s%s", out, ""), 0, "%s", err);
    free(err);
}

/* Data rows (lines that start with a digit or '-') of each block of a gnuplot .dat file: counts[block]. */
static int blocks_of(const char *path, int *counts, int max)
{
    FILE *f = fopen(path, "r");
    cr_assert(f != NULL, "%s missing", path);
    char line[1024];
    int nb = 0, blank = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        if (line[0] == '\n') {
            blank++;
            continue;
        }
        if (line[0] == '#') /* comments (a block's names its other axes) keep the count of blank lines */
            continue;
        if (line[0] == '"') { /* a block's title row */
            cr_assert(nb == 0 || blank == 2, "%s: blocks not two blank lines apart", path);
            cr_assert(nb < max);
            counts[nb++] = 0;
        } else {
            cr_assert(nb > 0, "%s: a data row before a title row", path);
            counts[nb - 1]++;
        }
        blank = 0;
    }
    fclose(f);
    return nb;
}

static const char *grid_body = "replicates = 2\n[axes]\ndevice.needle_length_mm = 0.5, 1.5\n"
                               "device.density_per_cm2 = 100, 200\n";

Test(sweep_plot, grid_blocks_spread_and_pngs, .timeout = 240)
{
    char *sweep, *out, path[1024];
    sweep_setup(grid_body, &sweep, &out);
    run_and_plot(sweep, out);
    /* response to the needle length: one block per density (2), one row per length (2) */
    int counts[8];
    snprintf(path, sizeof path, "%s/plots/response_device.needle_length_mm.dat", out);
    cr_assert_eq(blocks_of(path, counts, 8), 2);
    cr_assert_eq(counts[0], 2);
    cr_assert_eq(counts[1], 2);
    snprintf(path, sizeof path, "%s/plots/response_device.density_per_cm2.dat", out);
    cr_assert_eq(blocks_of(path, counts, 8), 2);
    cr_assert_eq(counts[0], 2);
    cr_assert_eq(counts[1], 2);
    snprintf(path, sizeof path, "%s/plots/heatmap_device.needle_length_mm_device.density_per_cm2.dat", out);
    FILE *f = fopen(path, "r");
    char line[1024];
    int cells = 0;
    while (fgets(line, sizeof line, f) != NULL)
        cells += line[0] >= '0' && line[0] <= '9';
    fclose(f);
    cr_assert_eq(cells, 4);

    /* the group (length 1.5, density 200): rows of summary.csv with those values; no days >= 42 in a 3-day
     * run, so the metric is collagen_gain_end (column 11) */
    snprintf(path, sizeof path, "%s/summary.csv", out);
    f = fopen(path, "r");
    cr_assert(f != NULL);
    cr_assert(fgets(line, sizeof line, f) != NULL); /* header */
    double v[4];
    int n = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        char len[32], dens[32], status[16], d42[32];
        double gend;
        cr_assert_eq(sscanf(line, "%*d,%*d,%*d,%*u,%15[^,],%*[^,],%31[^,],%31[^,],%31[^,],%*[^,],%*[^,],%lf", status,
                            len, dens, d42, &gend),
                     5, "%s", line);
        cr_assert_str_eq(status, "ok");
        cr_assert_str_eq(d42, "nan");
        if (strcmp(len, "1.5") == 0 && strcmp(dens, "200") == 0)
            v[n++] = gend;
    }
    fclose(f);
    cr_assert_eq(n, 2);
    const double mean = (v[0] + v[1]) / 2, sd = fabs(v[0] - v[1]) / sqrt(2.0); /* n - 1 = 1 */
    snprintf(path, sizeof path, "%s/plots/response_device.needle_length_mm.dat", out);
    f = fopen(path, "r");
    bool in_block = false, found = false;
    while (fgets(line, sizeof line, f) != NULL) {
        if (line[0] == '"')
            in_block = strstr(line, "device.density_per_cm2 = 200") != NULL;
        double x, m, s, lo, hi;
        int cnt;
        if (in_block && sscanf(line, "%lf %lf %lf %lf %lf %d", &x, &m, &s, &lo, &hi, &cnt) == 6 && x == 1.5) {
            /* written with 10 significant digits */
            cr_assert_float_eq(m, mean, 1e-9 * fabs(mean));
            cr_assert_float_eq(s, sd, 1e-9 * fabs(sd) + 1e-15);
            cr_assert_float_eq(lo, fmin(v[0], v[1]), 1e-9 * fabs(lo));
            cr_assert_float_eq(hi, fmax(v[0], v[1]), 1e-9 * fabs(hi));
            cr_assert_eq(cnt, 2);
            found = true;
        }
    }
    fclose(f);
    cr_assert(found, "no row for length 1.5 in the density 200 block");

    const char *pngs[] = {"response_device.needle_length_mm", "response_device.density_per_cm2",
                          "heatmap_device.needle_length_mm_device.density_per_cm2"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/plots/%s.png", out, pngs[i]);
        mh_test_is_png(path);
    }

    /* an unknown metric is a usage error naming the metrics */
    char *err = NULL;
    cr_assert_eq(sh(&err, MH_BIN " sweep --plot %s --metric bogus%s", out, ""), 2);
    cr_assert(strstr(err, "bogus") != NULL && strstr(err, "collagen_gain_end") != NULL, "%s", err);
    free(err);
    free(sweep);
    free(out);
}

Test(sweep_plot, no_sweep_in_folder_is_bad_input)
{
    char dir[200];
    mh_test_mkdtemp(dir, sizeof dir, "splot_empty");
    char *err = NULL;
    cr_assert_eq(sh(&err, MH_BIN " sweep --plot %s%s", dir, ""), 2);
    cr_assert(strstr(err, "no sweep here") != NULL, "%s", err);
    free(err);
}

Test(sweep_plot, lhs_is_one_scatter_block_of_the_complete_points, .timeout = 240)
{
    char *sweep, *out, path[1024];
    sweep_setup("design = lhs\nsamples = 4\n[axes]\ndevice.needle_length_mm = range(0.5, 1.5)\n"
                "device.density_per_cm2 = range(100, 200)\n",
                &sweep, &out);
    run_and_plot(sweep, out);
    int counts[8];
    snprintf(path, sizeof path, "%s/plots/response_device.needle_length_mm.dat", out);
    cr_assert_eq(blocks_of(path, counts, 8), 1);
    cr_assert_eq(counts[0], 4);
    snprintf(path, sizeof path, "%s/plots/response_device.needle_length_mm.png", out);
    mh_test_is_png(path);
    snprintf(path, sizeof path, "%s/plots/heatmap_device.needle_length_mm_device.density_per_cm2.dat", out);
    cr_assert(access(path, F_OK) != 0, "a heat map for lhs");
    free(sweep);
    free(out);
}
