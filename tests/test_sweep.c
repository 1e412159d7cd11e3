/* test_sweep: sweep files, the four designs, point configurations, Sobol indices (Ishigami), and
 * `microheal sweep` run locally: summary, resume after a kill, failed points. */
#include "helpers.h"
#include "mh_sweep.h"
#include "mh_sweep_io.h"

#include <gsl/gsl_qrng.h>
#include <math.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

/* A sweep file in a fresh temporary folder (base = the repository's default config); path malloc'ed. */
static char *sweep_file(const char *body)
{
    char dir[200];
    mh_test_mkdtemp(dir, sizeof dir, "sweep");
    char cwd[4096];
    cr_assert(getcwd(cwd, sizeof cwd) != NULL);
    size_t n = strlen(dir) + 16;
    char *path = malloc(n);
    snprintf(path, n, "%s/sweep.ini", dir);
    FILE *f = fopen(path, "w");
    cr_assert(f != NULL);
    fprintf(f, "[sweep]\nbase = %s/configs/default.ini\n%s", cwd, body);
    fclose(f);
    return path;
}

static mh_sweep *load_ok(const char *body)
{
    char *p = sweep_file(body);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_sweep *s = NULL;
    cr_assert_eq(mh_sweep_load(p, &ctx, &s), MH_OK, "%s", ctx.msg);
    free(p);
    return s;
}

/* Loading body fails with a message that holds want (and, unless NULL, want2). */
static void load_fails(const char *body, const char *want, const char *want2)
{
    char *p = sweep_file(body);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_sweep *s = NULL;
    mh_status st = mh_sweep_load(p, &ctx, &s);
    if (st == MH_OK)
        st = mh_sweep_check(s, &ctx);
    cr_assert_neq(st, MH_OK, "accepted: %s", body);
    cr_assert(strstr(ctx.msg, want) != NULL, "message '%s' lacks '%s'", ctx.msg, want);
    cr_assert(want2 == NULL || strstr(ctx.msg, want2) != NULL, "message '%s' lacks '%s'", ctx.msg, want2);
    mh_sweep_destroy(&s);
    free(p);
}

static double point_real(const mh_sweep *s, int point, mh_param_id id)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_config *c = NULL;
    cr_assert_eq(mh_sweep_point_config(s, point, &ctx, &c), MH_OK, "%s", ctx.msg);
    double v = mh_config_real(c, id);
    mh_config_destroy(&c);
    return v;
}

Test(sweep, grid_rows_are_every_combination_first_axis_slowest)
{
    mh_sweep *s = load_ok("replicates = 2\n[axes]\ndevice.needle_length_mm = 0.5, 1.0, 1.5\n"
                          "device.density_per_cm2 = range(100, 400, 2)\n[set]\nsimulation.days = 100\n");
    cr_assert_eq(mh_sweep_nrows(s), 6);
    cr_assert_eq(mh_sweep_npoints(s), 12);
    const char *want[6][2] = {{"0.5", "100"}, {"0.5", "400"}, {"1.0", "100"},
                              {"1.0", "400"}, {"1.5", "100"}, {"1.5", "400"}};
    for (int r = 0; r < 6; r++)
        for (int a = 0; a < 2; a++)
            cr_assert_str_eq(mh_sweep_value_text(s, r, a), want[r][a]);
    /* point = row x replicates + replicate; replicate 0 runs the base seed (default.ini: 42), replicate 1
     * the first output of mt19937 seeded with it (std::mt19937(42)() = 1608637542, test_ensemble.c) */
    cr_assert_eq(mh_sweep_row(s, 7), 3);
    cr_assert_eq(mh_sweep_replicate(s, 7), 1);
    cr_assert_eq(mh_sweep_seed(s, 6), 42);
    cr_assert_eq(mh_sweep_seed(s, 7), 1608637542ul);
    cr_assert_float_eq(point_real(s, 7, MH_P_DEV_LENGTH), 1.0, 0);
    cr_assert_float_eq(point_real(s, 7, MH_P_DEV_DENSITY), 400.0, 0);
    cr_assert_float_eq(point_real(s, 7, MH_P_SIM_DAYS), 100.0, 0); /* [set] */
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_config *c = NULL;
    cr_assert_eq(mh_sweep_point_config(s, 7, &ctx, &c), MH_OK);
    cr_assert_eq(mh_config_int(c, MH_P_SEED), 1608637542l);
    mh_config_destroy(&c);
    mh_sweep_destroy(&s);
}

Test(sweep, logrange_spacing_and_exact_ends)
{
    mh_sweep *s = load_ok("[axes]\nmodel.k_D = logrange(0.01, 1, 3)\n");
    cr_assert_eq(mh_sweep_nrows(s), 3);
    cr_assert_float_eq(mh_sweep_value(s, 0, 0), 0.01, 0);
    cr_assert_float_eq(mh_sweep_value(s, 1, 0), 0.1, 1e-15);
    cr_assert_float_eq(mh_sweep_value(s, 2, 0), 1.0, 0);
    mh_sweep_destroy(&s);
}

Test(sweep, oat_varies_one_axis_at_a_time_and_drops_the_base_repeated)
{
    /* default.ini: needle 1.5 mm, 3 sessions; 1.50 in the list would repeat the base row */
    mh_sweep *s = load_ok("design = oat\n[axes]\ndevice.needle_length_mm = 0.5, 1.50, 2\n"
                          "schedule.sessions = 1, 2\n");
    cr_assert_eq(mh_sweep_nrows(s), 1 + 2 + 2);
    cr_assert_eq(mh_sweep_oat_axis(s, 0), -1);
    cr_assert_str_eq(mh_sweep_value_text(s, 0, 0), "1.5");
    cr_assert_str_eq(mh_sweep_value_text(s, 0, 1), "3");
    for (int r = 1; r < 5; r++) {
        int a = mh_sweep_oat_axis(s, r), other = 1 - a;
        cr_assert_str_eq(mh_sweep_value_text(s, r, other), mh_sweep_value_text(s, 0, other), "row %d", r);
        cr_assert_str_neq(mh_sweep_value_text(s, r, a), mh_sweep_value_text(s, 0, a), "row %d", r);
    }
    mh_sweep_destroy(&s);
}

Test(sweep, lhs_hits_every_stratum_once_and_follows_its_seed)
{
    const int n = 16;
    char body[256];
    snprintf(body, sizeof body,
             "design = lhs\nsamples = %d\nseed = 7\n[axes]\nmodel.k_D = range(0.2, 0.6)\n"
             "schedule.sessions = range(1, 4)\n",
             n);
    mh_sweep *s = load_ok(body), *same = load_ok(body);
    cr_assert_eq(mh_sweep_nrows(s), n);
    int hit[16] = {0}, sessions[5] = {0};
    for (int r = 0; r < n; r++) {
        double x = mh_sweep_value(s, r, 0);
        cr_assert(x >= 0.2 && x < 0.6);
        hit[(int)floor((x - 0.2) / 0.4 * n)]++;
        double k = mh_sweep_value(s, r, 1); /* integer: each of 1..4 on a quarter of the strata */
        cr_assert(k == floor(k) && k >= 1 && k <= 4, "sessions %g", k);
        sessions[(int)k]++;
        cr_assert_str_eq(mh_sweep_value_text(s, r, 0), mh_sweep_value_text(same, r, 0));
    }
    for (int i = 0; i < n; i++)
        cr_assert_eq(hit[i], 1, "stratum %d hit %d times", i, hit[i]);
    for (int k = 1; k <= 4; k++)
        cr_assert_eq(sessions[k], n / 4);
    snprintf(body, sizeof body,
             "design = lhs\nsamples = %d\nseed = 8\n[axes]\nmodel.k_D = range(0.2, 0.6)\n"
             "schedule.sessions = range(1, 4)\n",
             n);
    mh_sweep *other = load_ok(body);
    int differ = 0;
    for (int r = 0; r < n; r++)
        differ += strcmp(mh_sweep_value_text(s, r, 0), mh_sweep_value_text(other, r, 0)) != 0;
    cr_assert_gt(differ, n / 2);
    mh_sweep_destroy(&s);
    mh_sweep_destroy(&same);
    mh_sweep_destroy(&other);
}

Test(sweep, sobol_rows_follow_the_saltelli_scheme)
{
    mh_sweep *s = load_ok("design = sobol\nsamples = 8\n[axes]\nmodel.k_D = range(0.2, 0.6)\n"
                          "device.needle_length_mm = range(0.5, 2)\ndevice.type = pen, roller, stamp\n");
    const int k = 3;
    cr_assert_eq(mh_sweep_nrows(s), 8 * (k + 2));
    for (int j = 0; j < 8; j++) {
        const int r0 = j * (k + 2);
        bool a_ne_b = false;
        for (int a = 0; a < k; a++)
            a_ne_b |= strcmp(mh_sweep_value_text(s, r0, a), mh_sweep_value_text(s, r0 + 1, a)) != 0;
        cr_assert(a_ne_b, "A_%d = B_%d", j, j);
        for (int i = 0; i < k; i++)
            for (int a = 0; a < k; a++)
                cr_assert_str_eq(mh_sweep_value_text(s, r0 + 2 + i, a), mh_sweep_value_text(s, r0 + (a == i), a),
                                 "AB_%d^%d axis %d", j, i, a);
    }
    mh_sweep_destroy(&s);
}

/* Ishigami function (Ishigami & Homma 1990), a = 7, b = 0.1, on [-pi, pi]^3. Analytic indices:
 * V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2; V1 = (1 + b pi^4/5)^2 / 2, V2 = a^2/8, V13 = b^2 pi^8 (1/18 - 1/50);
 * S1 = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437). */
static double ishigami(const double *x) { return sin(x[0]) + 7.0 * pow(sin(x[1]), 2) + 0.1 * pow(x[2], 4) * sin(x[0]); }

Test(sweep, sobol_indices_of_the_ishigami_function)
{
    const int k = 3, n = 1 << 14;
    double *fA = malloc(sizeof(double) * n * (k + 2)), *fB = fA + n, *fAB = fA + 2 * n;
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, 6);
    double v[6], x[3];
    gsl_qrng_get(q, v);
    for (int j = 0; j < n; j++) {
        gsl_qrng_get(q, v);
        for (int a = 0; a < k; a++)
            v[a] = -M_PI + 2 * M_PI * v[a], v[k + a] = -M_PI + 2 * M_PI * v[k + a];
        fA[j] = ishigami(v);
        fB[j] = ishigami(v + k);
        for (int i = 0; i < k; i++) {
            for (int a = 0; a < k; a++)
                x[a] = a == i ? v[k + a] : v[a];
            fAB[i * n + j] = ishigami(x);
        }
    }
    gsl_qrng_free(q);
    double S1[3], ST[3];
    mh_sobol_indices(k, n, fA, fB, fAB, S1, ST);
    const double pi4 = pow(M_PI, 4), pi8 = pow(M_PI, 8);
    const double V = 49.0 / 8 + 0.1 * pi4 / 5 + 0.01 * pi8 / 18 + 0.5;
    const double V1 = 0.5 * pow(1 + 0.1 * pi4 / 5, 2), V2 = 49.0 / 8, V13 = 0.01 * pi8 * (1.0 / 18 - 1.0 / 50);
    const double s1[3] = {V1 / V, V2 / V, 0}, st[3] = {(V1 + V13) / V, V2 / V, V13 / V};
    /* 2^14 quasi-random base samples: published convergence studies of these estimators on Ishigami
     * (Saltelli et al. 2010, fig. 2) reach errors near 1e-2 by N = 2^12; 0.02 leaves room, and a wrong
     * estimator (e.g. S1 and ST swapped, or V from fA only) misses by 0.1 or more */
    for (int i = 0; i < 3; i++) {
        cr_assert_float_eq(S1[i], s1[i], 0.02, "S1[%d] = %g, analytic %g", i, S1[i], s1[i]);
        cr_assert_float_eq(ST[i], st[i], 0.02, "ST[%d] = %g, analytic %g", i, ST[i], st[i]);
    }
    fA[5] = NAN; /* a failed point: no index rather than a wrong one */
    mh_sobol_indices(k, n, fA, fB, fAB, S1, ST);
    cr_assert(isnan(S1[0]) && isnan(ST[2]));
    free(fA);
}

Test(sweep, bad_sweep_files_name_file_line_and_key)
{
    load_fails("design = grid\n[axes]\nnot.a_key = 1, 2\n", "sweep.ini:5: not.a_key: unknown parameter", NULL);
    load_fails("desing = grid\n[axes]\nseed = 1\n", "sweep.ini:3: desing: unknown key in [sweep]", NULL);
    load_fails("design = latin\n[axes]\ndevice.needle_length_mm = 1\n", "sweep.ini:3: design: 'latin'", NULL);
    load_fails("[axes]\ndevice.needle_length_mm = 1\ndevice.needle_length_mm = 2\n", "sweep.ini:5:", "given twice");
    load_fails("[axes]\ndevice.needle_length_mm = 1, , 2\n", "sweep.ini:4:", "value 2 of the list is empty");
    load_fails("[axes]\ndevice.needle_length_mm = range(1, 2)\n", "sweep.ini:4:", "range(a, b, n)");
    load_fails("[axes]\ndevice.needle_length_mm = range(1, 2, 1.5)\n", "sweep.ini:4:", "whole n");
    load_fails("[axes]\ndevice.needle_length_mm = logrange(0, 2, 3)\n", "sweep.ini:4:", "positive bounds");
    load_fails("[axes]\ndevice.type = range(1, 2, 3)\n", "sweep.ini:4: device.type", "numeric key");
    load_fails("design = lhs\n[axes]\ndevice.needle_length_mm = range(1, 2)\n", "sweep.ini:3: samples", NULL);
    load_fails("samples = 4\n[axes]\ndevice.needle_length_mm = 1, 2\n", "sweep.ini:3: samples", "takes no samples");
    load_fails("replicates = 0\n[axes]\ndevice.needle_length_mm = 1\n", "sweep.ini:3: replicates", NULL);
    load_fails("[axes]\nseed = 1, 2\n", "sweep.ini:4: seed", "replicates");
    load_fails("[axes]\nschedule.days = 1, 2\n", "sweep.ini:4: schedule.days", "list-valued");
    load_fails("[axes]\n", "[axes]: no axis", NULL);
    load_fails("[axes]\nsimulation.days = 10, 20\n[set]\nsimulation.days = 30\n", "sweep.ini:4: simulation.days",
               "also in [set] at");
    load_fails("[axes]\ndevice.needle_length_mm = 1\n[other]\nx = 1\n", "sweep.ini:6: [other]: unknown section", NULL);
    load_fails("[axes]\ndevice.needle_length_mm = 1\n[set]\ngrid.dx_um = -3\n", "sweep.ini:6: grid.dx_um", NULL);
    /* a value its key's validator rejects: the axis's line and the point's values */
    load_fails("[axes]\nschedule.sessions = 1, 2.5\n", "sweep.ini:4: schedule.sessions", "point 1");
    load_fails("[axes]\ndevice.needle_length_mm = 0.5, 99\n", "sweep.ini:4: device.needle_length_mm", NULL);
    /* 1000 x 1000 x 2 > MH_SWEEP_MAX_POINTS */
    load_fails(
        "replicates = 2\n[axes]\nmodel.k_D = range(0.1, 1, 1000)\ndevice.needle_length_mm = range(0.5, 2, 1000)\n",
        "more than 1000000 points", NULL);
    char *p = sweep_file("[axes]\ndevice.needle_length_mm = 1\n");
    FILE *f = fopen(p, "w");
    fputs("[sweep]\nbase = no/such/base.ini\n[axes]\ndevice.needle_length_mm = 1\n", f);
    fclose(f);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_sweep *s = NULL;
    cr_assert_neq(mh_sweep_load(p, &ctx, &s), MH_OK);
    cr_assert(strstr(ctx.msg, "sweep.ini:2: base:") != NULL && strstr(ctx.msg, "no/such/base.ini") != NULL, "%s",
              ctx.msg);
    free(p);
}

/* Loads the sweep file p into *s, freezes it into the fresh, empty folder dir, twice (the
 * second finds the same plan), and loads the frozen copy back into *t, in the folder resume_in unless it
 * is NULL (the working folder is restored); every point of both has the same configuration. */
static void freeze_and_reload(const char *p, char *dir, const char *resume_in, mh_sweep **s, mh_sweep **t)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_sweep_load(p, &ctx, s), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_sweep_dir_prepare(*s, dir, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_sweep_dir_prepare(*s, dir, &ctx), MH_OK, "a second prepare of the same sweep: %s", ctx.msg);
    char cwd[4096];
    cr_assert(getcwd(cwd, sizeof cwd) != NULL);
    cr_assert(resume_in == NULL || chdir(resume_in) == 0);
    cr_assert_eq(mh_sweep_dir_load(dir, &ctx, t), MH_OK, "%s", ctx.msg);
    cr_assert_eq(chdir(cwd), 0);
    cr_assert_eq(mh_sweep_npoints(*t), mh_sweep_npoints(*s));
    for (int i = 0; i < mh_sweep_npoints(*s); i++) {
        mh_config *a = NULL, *b = NULL;
        cr_assert_eq(mh_sweep_point_config(*s, i, &ctx, &a), MH_OK, "%s", ctx.msg);
        cr_assert_eq(mh_sweep_point_config(*t, i, &ctx, &b), MH_OK, "%s", ctx.msg);
        cr_assert_str_eq(mh_config_text(a), mh_config_text(b), "point %d", i);
        mh_config_destroy(&a);
        mh_config_destroy(&b);
    }
}

Test(sweep, frozen_copy_plans_the_same_points)
{
    char *p = sweep_file("design = lhs\nsamples = 6\nreplicates = 2\n[axes]\nmodel.k_D = logrange(0.1, 1)\n"
                         "device.type = pen, roller\n[set]\nsimulation.days = 60\n");
    mh_sweep *s = NULL, *t = NULL;
    char dir[200];
    mh_test_mkdtemp(dir, sizeof dir, "sweep_dir");
    freeze_and_reload(p, dir, NULL, &s, &t);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    /* the frozen text is the caller's: a second one leaves the first as it was */
    char *f1 = NULL, *f2 = NULL;
    cr_assert_eq(mh_sweep_frozen_text(s, "base.ini", &ctx, &f1), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_sweep_frozen_text(s, "other.ini", &ctx, &f2), MH_OK, "%s", ctx.msg);
    cr_assert(strstr(f1, "\nbase = base.ini\n") != NULL && strstr(f2, "\nbase = other.ini\n") != NULL, "%s\n%s", f1,
              f2);
    free(f1);
    free(f2);
    /* another sweep into the same folder is refused, naming the line that differs */
    mh_sweep *u = load_ok("design = lhs\nsamples = 7\nreplicates = 2\n[axes]\nmodel.k_D = logrange(0.1, 1)\n"
                          "device.type = pen, roller\n[set]\nsimulation.days = 60\n");
    cr_assert_eq(mh_sweep_dir_prepare(u, dir, &ctx), MH_ERR_INPUT);
    cr_assert(strstr(ctx.msg,
                     "sweep.ini:5: this folder holds another sweep ('samples = 6' there, 'samples = 7' now)") != NULL,
              "%s", ctx.msg);
    mh_sweep_destroy(&s);
    mh_sweep_destroy(&t);
    mh_sweep_destroy(&u);
    free(p);
}

/* ---- the command ---- */

/* A small, fast sweep: 3 needle lengths x 2 replicates, 3 days at dx 40 um, one session. */
static const char *small_sweep = "replicates = 2\n[axes]\ndevice.needle_length_mm = 0.5, 1.0, 1.5\n[set]\n"
                                 "simulation.days = 3\ngrid.dx_um = 40\nschedule.sessions = 1\n"
                                 "output.snapshot_days = 0, 1\n";

/* Runs cmd (a format with the sweep file and the folder); its exit status. */
/* A base that includes a device preset freezes as its resolved text: DIR/base.ini has no include and
 * stands alone, and the sweep loaded from DIR in another working folder plans the same points. */
Test(sweep, a_base_with_an_include_freezes_self_contained)
{
    char cwd[4096];
    cr_assert(getcwd(cwd, sizeof cwd) != NULL);
    char body[4200];
    snprintf(body, sizeof body,
             "[sweep]\nbase = %s/configs/indications/acne_scars_rolling.ini\n[axes]\n"
             "device.needle_length_mm = 1.0, 2.0\n",
             cwd);
    char *p = mh_test_write_ini(body);
    mh_sweep *s = NULL, *t = NULL;
    char dir[200];
    mh_test_mkdtemp(dir, sizeof dir, "sweep_inc");
    freeze_and_reload(p, dir, "/", &s, &t);
    char base[256];
    snprintf(base, sizeof base, "%s/base.ini", dir);
    char *frozen = mh_test_read_file(base);
    cr_assert(strstr(frozen, "include") == NULL, "DIR/base.ini holds an include:\n%s", frozen);
    cr_assert(strstr(frozen, "type = roller") != NULL, "the preset's device is not in DIR/base.ini");
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_config *alone = NULL, *last = NULL;
    cr_assert_eq(mh_config_create(&ctx, &alone), MH_OK);
    cr_assert_eq(mh_config_load(alone, base, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_str_eq(mh_config_text(alone), mh_sweep_base_text(s));
    cr_assert_eq(mh_sweep_point_config(t, 1, &ctx, &last), MH_OK, "%s", ctx.msg);
    cr_assert_str_eq(mh_config_choice(last, MH_P_DEV_TYPE), "roller");
    cr_assert_eq(mh_config_real(last, MH_P_DEV_LENGTH), 2.0);
    mh_config_destroy(&alone);
    mh_config_destroy(&last);
    mh_sweep_destroy(&s);
    mh_sweep_destroy(&t);
    free(frozen);
    unlink(p);
    free(p);
}

static int sweep_cmd(const char *fmt, const char *sweep, const char *dir, char **err)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, fmt, sweep, dir);
    return mh_test_sh(cmd, err);
}

static void same_file(const char *a, const char *b)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", a, b);
    cr_assert_eq(system(cmd), 0, "%s and %s differ", a, b);
}

Test(sweep_cli, local_pool_writes_points_and_summary, .timeout = 300)
{
    char *p = sweep_file(small_sweep);
    char dir[200];
    mh_test_mkdtemp(dir, sizeof dir, "sweep_out");
    char *err = NULL;
    int rc = sweep_cmd(MH_BIN " sweep %s -o %s -j 2", p, dir, &err);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
    char path[512];
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    char *csv = mh_test_read_file(path);
    cr_assert(csv != NULL);
    const char *head = "point,row,replicate,seed,status,config_sha256,device.needle_length_mm,collagen_gain_d42,"
                       "collagen_gain_d90,collagen_gain_d180,collagen_gain_end,erythema_days,closure_hours,"
                       "bleeding,downtime_days,delivered,pih_index,infection_index,message\n";
    cr_assert(strncmp(csv, head, strlen(head)) == 0, "%s", csv);
    int rows = 0;
    double closure[6];
    for (char *line = strchr(csv, '\n') + 1; *line; line = strchr(line, '\n') + 1, rows++) {
        int point, row, rep;
        unsigned long seed;
        char status[16], sha[80], len[16];
        double g42, g90, g180, gend, ery, clo, bleed;
        cr_assert_eq(sscanf(line, "%d,%d,%d,%lu,%15[^,],%79[^,],%15[^,],%lf,%lf,%lf,%lf,%lf,%lf,%lf,", &point, &row,
                            &rep, &seed, status, sha, len, &g42, &g90, &g180, &gend, &ery, &clo, &bleed),
                     14, "%s", line);
        cr_assert_eq(point, rows);
        cr_assert_eq(row, rows / 2);
        cr_assert_eq(seed, rows % 2 == 0 ? 42ul : 1608637542ul); /* mt19937(42)'s first output: test_ensemble.c */
        cr_assert_str_eq(status, "ok");
        cr_assert_eq(strlen(sha), 64);
        cr_assert(isnan(g42) && isfinite(gend) && gend > 0, "gain beyond 3 days is NaN; at the end > 0");
        cr_assert(clo > 0 && bleed >= 0);
        closure[rows] = clo;
        snprintf(path, sizeof path, "%s/points/p%06d.h5", dir, point);
        cr_assert_eq(access(path, F_OK), 0);
    }
    cr_assert_eq(rows, 6);
    cr_assert_lt(closure[0], closure[4], "deeper channels close later");
    free(csv);
    free(p);
}

/* Starts the sweep in its own process group; returns the group's id. */
static pid_t start_sweep(const char *sweep, const char *dir)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "exec " MH_BIN " sweep %s -o %s -j 1 -q 2>/dev/null", sweep, dir);
    return mh_test_spawn_group(cmd, NULL);
}

/* Runs the small sweep locally into a fresh folder (the reference); returns the folder (malloc'ed). */
static char *reference_sweep(const char *sweep)
{
    char *ref = mh_test_temp_dir("sweep_ref");
    cr_assert_eq(sweep_cmd(MH_BIN " sweep %s -o %s -q -j 2", sweep, ref, NULL), 0);
    return ref;
}

static void same_summary(const char *ref, const char *dir)
{
    char a[512], b[512];
    snprintf(a, sizeof a, "%s/summary.csv", ref);
    snprintf(b, sizeof b, "%s/summary.csv", dir);
    same_file(a, b);
    snprintf(a, sizeof a, "%s/summary.h5", ref);
    snprintf(b, sizeof b, "%s/summary.h5", dir);
    same_file(a, b);
    /* the rows' ensemble statistics (2 replicates each): per replicate the same bits, so the same table */
    snprintf(a, sizeof a, "%s/ensemble.csv", ref);
    snprintf(b, sizeof b, "%s/ensemble.csv", dir);
    same_file(a, b);
}

/* Reruns the killed sweep p in dir: it must end with the summary of the uninterrupted sweep in ref, byte
 * for byte, no temporary file and an XDMF file beside each of the 6 outputs; returns how many points
 * the rerun found complete. */
static int resume_killed(const char *p, const char *ref, const char *dir)
{
    char path[512], *err = NULL;
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    cr_assert_not(mh_test_exists(path), "a killed sweep has no summary");
    cr_assert_eq(sweep_cmd(MH_BIN " sweep %s -o %s", p, dir, &err), 0, "%s", err);
    int complete = -1;
    const char *c = strstr(err, "points, ");
    cr_assert(c != NULL && sscanf(c, "points, %d complete", &complete) == 1, "%s", err);
    free(err);
    snprintf(path, sizeof path, "%s/points", dir);
    cr_assert_eq(mh_test_count_files(path, ".tmp."), 0, "a temporary file was left in %s", path);
    cr_assert_eq(mh_test_count_files(path, ".xmf"), 6);
    same_summary(ref, dir);
    return complete;
}

Test(sweep_cli, killed_sweep_loses_only_points_in_flight_and_resumes_to_the_same_summary, .timeout = 300)
{
    char *p = sweep_file(small_sweep), *ref = reference_sweep(p), dir[200];
    mh_test_mkdtemp(dir, sizeof dir, "sweep_kill");
    /* SIGKILL the whole sweep (parent and its point processes) once two points are complete */
    pid_t pg = start_sweep(p, dir);
    char p1[512];
    snprintf(p1, sizeof p1, "%s/points/p000001.h5", dir);
    for (int i = 0; i < 1200 && access(p1, F_OK) != 0; i++)
        nanosleep(&(struct timespec){0, 50000000}, NULL);
    cr_assert_eq(access(p1, F_OK), 0, "point 1 never completed");
    kill(-pg, SIGKILL);
    waitpid(pg, NULL, 0);
    /* the rerun keeps what was complete and redoes the rest */
    const int complete = resume_killed(p, ref, dir);
    cr_assert(complete >= 2 && complete < 6, "%d points were complete", complete);
    free(ref);
    free(p);
}

/* A kill between the renames of a point's two files (its XDMF file, then its output) leaves the output
 * with its XDMF file or neither, never a complete output with a temporary file beside it that no rerun
 * would clean (the race that a kill at a random moment can hit). */
Test(sweep_cli, killed_right_after_an_output_is_renamed_resumes_with_no_temporary_file, .timeout = 300)
{
    char *p = sweep_file(small_sweep), *ref = reference_sweep(p), dir[200];
    mh_test_mkdtemp(dir, sizeof dir, "sweep_kill");
    char cmd[2048], path[512];
    snprintf(cmd, sizeof cmd, "exec " MH_BIN " sweep %s -o %s -j 1 -q 2>/dev/null", p, dir);
    cr_assert(mh_test_sh_killed_after_rename(cmd, "/p000001.h5"), "the sweep was not killed by the shim");
    snprintf(path, sizeof path, "%s/points/p000001.xmf", dir);
    cr_assert(mh_test_exists(path), "the output p000001.h5 is there without its XDMF file");
    cr_assert_eq(resume_killed(p, ref, dir), 2, "points 0 and 1 were complete");
    free(ref);
    free(p);
}

Test(sweep_cli, rerun_redoes_missing_and_foreign_outputs_only, .timeout = 300)
{
    char *p = sweep_file(small_sweep);
    char dir[200];
    mh_test_mkdtemp(dir, sizeof dir, "sweep_redo");
    cr_assert_eq(sweep_cmd(MH_BIN " sweep %s -o %s -q", p, dir, NULL), 0);
    char sum[512], cmd[2048];
    snprintf(sum, sizeof sum, "%s/summary.csv", dir);
    char *before = mh_test_read_file(sum);
    /* point 2 removed, point 4's output replaced by point 5's (another seed: another config hash) */
    snprintf(cmd, sizeof cmd, "rm %s/points/p000002.h5 && cp %s/points/p000005.h5 %s/points/p000004.h5", dir, dir, dir);
    cr_assert_eq(system(cmd), 0);
    char *err = NULL;
    cr_assert_eq(sweep_cmd(MH_BIN " sweep %s -o %s", p, dir, &err), 0, "%s", err);
    cr_assert(strstr(err, "6 points, 4 complete, 2 to run") != NULL, "%s", err);
    cr_assert(strstr(err, "point 2 complete") != NULL && strstr(err, "point 4 complete") != NULL, "%s", err);
    free(err);
    char *after = mh_test_read_file(sum);
    cr_assert_str_eq(after, before);
    /* --collect alone gives the same summary */
    cr_assert_eq(sweep_cmd(MH_BIN " sweep --collect %s%s -q", dir, "", NULL), 0);
    free(after);
    after = mh_test_read_file(sum);
    cr_assert_str_eq(after, before);
    free(before);
    free(after);
    free(p);
}

Test(sweep_cli, a_failed_point_is_a_row_with_its_message_and_exit_1, .timeout = 300)
{
    char *p = sweep_file(small_sweep);
    char dir[200];
    mh_test_mkdtemp(dir, sizeof dir, "sweep_fail");
    char cmd[1024];
    /* a folder where point 3's output should go: its rename fails */
    snprintf(cmd, sizeof cmd, "mkdir -p %s/points/p000003.h5/x", dir);
    cr_assert_eq(system(cmd), 0);
    char *err = NULL;
    cr_assert_eq(sweep_cmd(MH_BIN " sweep %s -o %s", p, dir, &err), 1, "%s", err);
    cr_assert(strstr(err, "6 points: 5 complete, 1 failed, 0 missing") != NULL, "%s", err);
    free(err);
    char sum[512];
    snprintf(sum, sizeof sum, "%s/summary.csv", dir);
    char *csv = mh_test_read_file(sum);
    char *row3 = strstr(csv, "\n3,1,1,1608637542,failed,"); /* replicate 1 of seed 42 (test_ensemble.c) */
    cr_assert(row3 != NULL, "%s", csv);
    cr_assert(strstr(row3, ",nan,nan,nan,nan,nan,nan,nan,") != NULL, "%s", row3);
    cr_assert(strstr(row3, "p000003.h5") != NULL, "the message names the file: %s", row3);
    free(csv);
    free(p);
}

Test(sweep_cli, bad_arguments_and_files_exit_2_with_a_message)
{
    char *err = NULL;
    mh_test_sh_fails(MH_BIN " sweep", 2, "missing SWEEP.ini");
    char *p = sweep_file("[axes]\ndevice.needle_length_mm = 0.5, 9\n");
    cr_assert_eq(sweep_cmd(MH_BIN " sweep --check %s%s", p, "", &err), 2);
    cr_assert(strstr(err, "sweep.ini:4: device.needle_length_mm") != NULL, "%s", err);
    free(err);
    cr_assert_eq(sweep_cmd(MH_BIN " sweep %s%s", p, "", &err), 2);
    cr_assert(strstr(err, "missing -o DIR") != NULL, "%s", err);
    free(err);
    mh_test_sh_fails(MH_BIN " sweep --collect /nonexistent/dir", 2, "no sweep here");
    mh_test_sh_fails(MH_BIN " sweep --task 3 --of 2 /tmp", 2, "--task");
    free(p);
}

/* ---- the same summary under MPI and Slurm ---- */

/* Open MPI as root (this machine's tests) and more ranks than cores. */
#define MPIRUN                                                                                                         \
    "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 timeout 240 mpirun"

Test(sweep_cli, mpirun_with_2_and_3_ranks_gives_the_local_summary, .timeout = 600)
{
    if (system("command -v mpirun >/dev/null") != 0)
        cr_skip_test("mpirun is not installed (scripts/install-deps.sh installs Open MPI)");
    char *p = sweep_file(small_sweep);
    char *ref = reference_sweep(p);
    for (int np = 2; np <= 3; np++) {
        char dir[200];
        mh_test_mkdtemp(dir, sizeof dir, "sweep_mpi");
        char cmd[2048], *err = NULL;
        snprintf(cmd, sizeof cmd, MPIRUN " -np %d " MH_BIN " sweep %s -o %s", np, p, dir);
        int rc = mh_test_sh(cmd, &err);
        if (rc == 2 && strstr(err, "built without MPI") != NULL)
            cr_skip_test("this microheal was built without MPI (make MPI=1)");
        cr_assert_eq(rc, 0, "-np %d: %s", np, err);
        char want[64];
        snprintf(want, sizeof want, "6 to run on %d ranks", np);
        cr_assert(strstr(err, want) != NULL, "%s", err);
        free(err);
        same_summary(ref, dir);
        /* a rerun under MPI finds every point complete */
        rc = mh_test_sh(cmd, &err);
        cr_assert_eq(rc, 0, "%s", err);
        cr_assert(strstr(err, "0 to run") != NULL, "%s", err);
        free(err);
        same_summary(ref, dir);
    }
    free(ref);
    free(p);
}

Test(sweep_cli, slurm_job_array_on_a_real_single_node_cluster_gives_the_local_summary, .timeout = 600)
{
    if (system("command -v slurmctld >/dev/null && command -v sbatch >/dev/null") != 0)
        cr_skip_test("Slurm is not installed (scripts/install-deps.sh installs slurmctld, slurmd, slurm-client)");
    cr_assert_eq(geteuid(), 0, "the throwaway Slurm cluster of tests/slurm/cluster.sh needs root");
    char *p = sweep_file(small_sweep);
    char *ref = reference_sweep(p);
    char dir[200], cl[200];
    mh_test_mkdtemp(dir, sizeof dir, "sweep_slurm");
    mh_test_mkdtemp(cl, sizeof cl, "slurm_cluster");
    /* a 4-task array (--array-max 4) of 1-CPU tasks for 6 points, then the summary job after it;
     * every wait bounded; the cluster is stopped whatever happens */
    char cmd[4096], *err = NULL;
    snprintf(cmd, sizeof cmd,
             "bash -c 'set -e; trap \"tests/slurm/cluster.sh stop %s >/dev/null 2>&1\" EXIT; "
             "eval \"$(tests/slurm/cluster.sh start %s)\"; " MH_BIN
             " sweep --slurm %s -o %s --submit --array-max 4 --cpus-per-task 1 --time 10; "
             "for i in $(seq 1800); do [ -e %s/summary.csv ] && break; sleep 0.1; done; "
             "[ -e %s/summary.csv ] || { echo no summary after 180 s >&2; cat %s/slurm/*.out >&2; exit 1; }'",
             cl, cl, p, dir, dir, dir, dir);
    int rc = mh_test_sh(cmd, &err);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
    same_summary(ref, dir);
    /* each task ran its share (points t, t + 4) with SLURM_CPUS_PER_TASK = 1 thread */
    char log[512];
    snprintf(log, sizeof log, "%s/slurm/task-1.out", dir);
    char *t1 = mh_test_read_file(log);
    cr_assert(t1 != NULL, "no %s", log);
    cr_assert(strstr(t1, "point 1 complete") != NULL && strstr(t1, "point 5 complete") != NULL, "%s", t1);
    cr_assert(strstr(t1, "task 1 of 4: 2 points run, 0 failed (1 threads)") != NULL, "%s", t1);
    free(t1);
    snprintf(log, sizeof log, "%s/slurm/sweep.sbatch", dir);
    char *script = mh_test_read_file(log);
    cr_assert(strstr(script, "#SBATCH --array=0-3\n") != NULL && strstr(script, "#SBATCH --time=10\n") != NULL, "%s",
              script);
    free(script);
    free(ref);
    free(p);
}

Test(sweep_cli, the_example_sweeps_are_valid)
{
    const char *files[] = {"configs/sweeps/needle_length.ini", "configs/sweeps/sobol_device.ini",
                           "configs/sweeps/throughput.ini"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *err = NULL;
        cr_assert_eq(sweep_cmd(MH_BIN " sweep --check %s%s", files[i], "", &err), 0, "%s: %s", files[i], err);
        free(err);
    }
}

/* Two sweeps into one folder: the second is refused while the first runs, naming the first one's pid
 * (it holds DIR/.lock), and the first completes every point. (Before: the second deleted the first's
 * temporary files, and the first one's points failed.) */
Test(hostile, a_second_sweep_into_the_same_folder_is_refused_naming_the_first, .timeout = 300)
{
    static const char *body = "replicates = 4\n[axes]\ndevice.needle_length_mm = 0.5, 1.0, 1.5\n[set]\n"
                              "simulation.days = 3\ngrid.dx_um = 40\nschedule.sessions = 1\n"
                              "output.snapshot_days = 0, 1\n";
    char *p = sweep_file(body), dir[200], first[512], want[64], *err = NULL;
    mh_test_mkdtemp(dir, sizeof dir, "sweep_twice");
    pid_t pid = start_sweep(p, dir);
    snprintf(first, sizeof first, "%s/points/p000000.h5", dir);
    for (int i = 0; i < 2400 && access(first, F_OK) != 0; i++)
        nanosleep(&(struct timespec){0, 25000000}, NULL);
    cr_assert_eq(access(first, F_OK), 0, "the first sweep never completed a point");
    snprintf(want, sizeof want, "process %ld holds its lock", (long)pid);
    int rc = sweep_cmd(MH_BIN " sweep %s -o %s -q -j 2", p, dir, &err);
    cr_assert_eq(rc, 1, "the second sweep: exit %d: %s", rc, err);
    cr_assert(strstr(err, want) != NULL, "the holder is not named: %s", err);
    free(err);
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the first sweep failed (status %d)", status);
    char path[512];
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    char *csv = mh_test_read_file(path);
    cr_assert_not_null(csv);
    cr_assert_null(strstr(csv, ",failed,"), "a point of the first sweep failed: %s", csv);
    free(csv);
    snprintf(path, sizeof path, "%s/points", dir);
    cr_assert_eq(mh_test_count_files(path, ".lock"), 0, "point locks outlived the sweep");
    cr_assert_eq(mh_test_count_files(path, ".tmp."), 0);
    free(p);
}
