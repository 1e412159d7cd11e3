/* src/bench: the benchmark program (make bench), on the library. */
/* bench: microheal's benchmark (make bench): memory bandwidth, the diffusion kernels, a model step and
 * whole runs, with a strong-scaling table; prints a table and writes a flat JSON object.
 *
 * Problems (papers/performance.md):
 * - STREAM triad a = b + s c over three arrays of 2^25 doubles (768 MiB, far beyond the caches),
 *   bytes counted as STREAM does (24 per element, no write-allocate).
 * - One implicit LOD diffusion-decay step of all fields, BioFVM's benchmark problem: 2-D 500 x 300
 *   with 7 fields and 3-D 100^3 with 4 fields, dx = 20 um, dt = 0.01 min, zero flux, D = 1e5 um^2/min
 *   and decay 0.1 / min (BioFVM's oxygen defaults). Optimised kernel (all fields, all threads) and
 *   the serial GSL reference kernel (one field at a time). Traffic model of the optimised kernel:
 *   mh_diffusion_step_bytes (16 or 32 bytes per cell and field, by the path that steps the field).
 * - One model step (chemotaxis step limit, trial step, acceptance) on the default 2-D grid
 *   (configs/default.ini) one day after a session, at dt = 0.01 day.
 * - Whole runs without file output: the default 2-D face config with four sessions over 180 days,
 *   and the same on a 3-D periodic unit cell of a grid pattern (0.8 mm x 0.8 mm, one channel).
 * Each figure is the median of repeated measurements; the JSON records how many. */
#include "mh_build.h"
#include "mh_config.h"
#include "mh_diffusion.h"
#include "mh_file.h"
#include "mh_sim.h"
#include "mh_step.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <omp.h>

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAXKEYS 96

typedef struct {
    char key[96];
    double value;
    int is_int;
} kv;

static kv keys[MAXKEYS];
static int nkeys;

static void put(const char *key, double v, int is_int)
{
    if (nkeys < MAXKEYS) {
        snprintf(keys[nkeys].key, sizeof keys[nkeys].key, "%s", key);
        keys[nkeys].value = v;
        keys[nkeys].is_int = is_int;
        nkeys++;
    }
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double median(double *x, size_t n)
{
    gsl_sort(x, 1, n);
    return gsl_stats_median_from_sorted_data(x, 1, n);
}

static int fail(const char *what, const mh_ctx *ctx)
{
    fprintf(stderr, "bench: %s: %s\n", what, ctx ? ctx->msg : strerror(errno));
    return 1;
}

/* STREAM triad, median of reps, GB/s (1e9 bytes). */
static double triad_gbs(size_t n, int reps)
{
    double *a = mh_alloc_doubles(n), *b = mh_alloc_doubles(n), *c = mh_alloc_doubles(n);
    if (a == NULL || b == NULL || c == NULL) {
        mh_free(a), mh_free(b), mh_free(c);
        return NAN;
    }
    long ln = (long)n;
#pragma omp parallel for schedule(static)
    for (long i = 0; i < ln; i++) { /* first touch by the thread that will use the page */
        a[i] = 0.0;
        b[i] = 1.0;
        c[i] = 2.0;
    }
    double t[64];
    const double s = 3.0;
    for (int r = 0; r <= reps; r++) {
        double t0 = now_s();
#pragma omp parallel for schedule(static)
        for (long i = 0; i < ln; i++)
            a[i] = b[i] + s * c[i];
        double dt = now_s() - t0;
        if (r > 0)
            t[r - 1] = dt; /* the first pass is a warm-up */
    }
    double check = a[n / 2];
    mh_free(a), mh_free(b), mh_free(c);
    if (check != 7.0)
        return NAN;
    return 24.0 * (double)n / median(t, (size_t)reps) / 1e9;
}

typedef struct {
    mh_grid *g;
    int nf;
    double *u[8];
    double *D;
    mh_diffusion_field f[8];
    mh_diffusion *w;
} diff_problem;

static void diff_free(diff_problem *p)
{
    for (int s = 0; s < p->nf; s++)
        mh_free(p->u[s]);
    mh_free(p->D);
    mh_diffusion_destroy(&p->w);
    mh_grid_destroy(&p->g);
}

/* BioFVM's problem on an nx x ny x nz grid with nf fields. */
static mh_status diff_setup(diff_problem *p, int dims, int nx, int ny, int nz, int nf, mh_ctx *ctx)
{
    memset(p, 0, sizeof *p);
    const double D = 1e5 * 1e-6 * 1440.0, mu = 0.1 * 1440.0; /* um^2/min -> mm^2/day, 1/min -> 1/day */
    mh_status st = mh_grid_create_uniform(dims, nx, ny, nz, 0.02, false, ctx, &p->g);
    if (st != MH_OK)
        return st;
    p->nf = nf;
    p->D = mh_alloc_doubles((size_t)nz);
    if (p->D == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (bench)");
    for (int k = 0; k < nz; k++)
        p->D[k] = D;
    for (int s = 0; s < nf; s++) {
        if ((p->u[s] = mh_alloc_doubles(p->g->ncell)) == NULL)
            return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (bench)");
        for (size_t q = 0; q < p->g->ncell; q++)
            p->u[s][q] = 1.0 + (double)((q * 7919 + (size_t)s) % 101) / 100.0;
        p->f[s] = (mh_diffusion_field){p->u[s], p->D, mu};
    }
    return mh_diffusion_create(p->g, ctx, &p->w);
}

/* Median ms per step of the optimised kernel over reps timed steps (after 3 warm-up steps). */
static double diff_time(diff_problem *p, int reps, mh_ctx *ctx)
{
    const double dt = 0.01 / 1440.0;
    double t[256];
    for (int r = -3; r < reps; r++) {
        double t0 = now_s();
        if (mh_diffusion_step(p->w, p->nf, p->f, dt, ctx) != MH_OK)
            return NAN;
        if (r >= 0)
            t[r] = now_s() - t0;
    }
    return 1e3 * median(t, (size_t)reps);
}

/* Median ms per step (all fields) of the serial GSL reference kernel. */
static double diff_time_ref(diff_problem *p, int reps, mh_ctx *ctx)
{
    const double dt = 0.01 / 1440.0;
    double t[64];
    for (int r = -1; r < reps; r++) {
        double t0 = now_s();
        for (int s = 0; s < p->nf; s++)
            if (mh_diffusion_step_reference(p->g, &p->f[s], dt, ctx) != MH_OK)
                return NAN;
        if (r >= 0)
            t[r] = now_s() - t0;
    }
    return 1e3 * median(t, (size_t)reps);
}

/* A config: default.ini plus overrides. */
static mh_status load(const char *dir, const char *const *sets, mh_ctx *ctx, mh_config **out)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/default.ini", dir);
    mh_status st = mh_config_create(ctx, out);
    if (st == MH_OK)
        st = mh_config_load(*out, path, ctx);
    for (int i = 0; st == MH_OK && sets != NULL && sets[i] != NULL; i++)
        st = mh_config_set(*out, sets[i], "bench", ctx);
    return st;
}

/* Wall time of a whole run (create + run, no output); its step counts and per-cell bytes. */
static double run_time(const mh_config *cfg, long *steps, size_t *ncell, size_t *cell_bytes, mh_ctx *ctx)
{
    double t0 = now_s();
    mh_sim *sim = NULL;
    if (mh_build_sim(cfg, ctx, &sim) != MH_OK || mh_sim_run(sim, NULL, ctx) != MH_OK) {
        mh_sim_destroy(&sim);
        return NAN;
    }
    double t = now_s() - t0;
    long acc, rej;
    mh_sim_steps(sim, &acc, &rej);
    *steps = acc + rej;
    *ncell = mh_sim_grid(sim)->ncell;
    *cell_bytes = mh_sim_cell_bytes(sim);
    mh_sim_destroy(&sim);
    return t;
}

/* Median ms of one model step on the default 2-D grid one day after a session (dt = 0.01 day). */
static double model_step_time(const char *cfgdir, int reps, mh_ctx *ctx)
{
    mh_config *cfg = NULL;
    const char *const sets[] = {"simulation.days=1", "schedule.sessions=1", NULL};
    mh_sim *sim = NULL;
    double res = NAN;
    if (load(cfgdir, sets, ctx, &cfg) != MH_OK || mh_build_sim(cfg, ctx, &sim) != MH_OK ||
        mh_sim_run(sim, NULL, ctx) != MH_OK)
        goto done;
    /* a copy of the state one day after the session, stepped by the simulator's stepper */
    const mh_grid *g = mh_sim_grid(sim);
    const mh_model_params *p = mh_sim_model_params(sim);
    mh_fields *u = NULL;
    mh_stepper *st = NULL;
    double *D[MH_NSPECIES] = {0};
    mh_model_aux aux = {mh_alloc_doubles(g->ncell), mh_alloc_doubles(g->ncell)};
    if (aux.k_close == NULL || aux.w_open == NULL || mh_fields_create(g->ncell, ctx, &u) != MH_OK)
        goto free_all;
    mh_fields_copy(u, mh_sim_fields(sim));
    if (mh_model_diffusion_profiles(p, g, D, ctx) != MH_OK)
        goto free_all;
    if (mh_step_create(g, (const double *const *)D, ctx, &st) != MH_OK)
        goto free_all;
    double t[256];
    for (int r = -3; r < reps; r++) {
        double t0 = now_s();
        double h = fmin(0.01, mh_model_chemotaxis_dt_limit(g, p, u));
        mh_change ch;
        if (mh_step_try(st, p, &aux, u, h, 1e-3, &ch, ctx) != MH_OK || mh_step_accept(st, u, ctx) != MH_OK)
            goto free_all;
        if (r >= 0)
            t[r] = now_s() - t0;
    }
    res = 1e3 * median(t, (size_t)reps);
free_all:
    mh_step_destroy(&st);
    mh_model_diffusion_profiles_clear(D);
    mh_free(aux.k_close);
    mh_free(aux.w_open);
    mh_fields_destroy(&u);
done:
    mh_sim_destroy(&sim);
    mh_config_destroy(&cfg);
    return res;
}

static void usage(void)
{
    printf("usage: bench [-o FILE.json] [--configs DIR] [--quick]\n"
           "  Measures on this machine with OMP_NUM_THREADS threads (default: all) and writes a flat JSON\n"
           "  object (default results/bench.json). --quick: fewer repetitions, no whole runs.\n");
}

/* What the benchmark was asked for, and how many repetitions that means. */
typedef struct {
    const char *out, *cfgdir;
    int quick, reps, run_reps, nthreads;
} bench_opts;

/* The options of argv into *o: 0 to go on, else the exit status (0 after --help, 2 on a usage error). */
static int parse_args(int argc, char **argv, bench_opts *o)
{
    static const struct option longs[] = {{"configs", required_argument, NULL, 'c'},
                                          {"quick", no_argument, NULL, 'q'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    *o = (bench_opts){.out = "results/bench.json", .cfgdir = "configs"};
    int c;
    opterr = 1;
    while ((c = getopt_long(argc, argv, "o:h", longs, NULL)) != -1)
        switch (c) {
        case 'o':
            o->out = optarg;
            break;
        case 'c':
            o->cfgdir = optarg;
            break;
        case 'q':
            o->quick = 1;
            break;
        case 'h':
            usage();
            return -1;
        default:
            usage();
            return 2;
        }
    if (optind < argc) {
        fprintf(stderr, "bench: unexpected argument %s\n", argv[optind]);
        usage();
        return 2;
    }
    o->reps = o->quick ? 5 : 21;
    o->run_reps = o->quick ? 0 : 3;
    o->nthreads = omp_get_max_threads();
    return 0;
}

/* The diffusion kernels on a 2-D and a 3-D problem against the bandwidth gbs, and the GSL reference. */
static int bench_diffusion(const bench_opts *o, diff_problem *d2, diff_problem *d3, double gbs, mh_ctx *ctx)
{
    const double cells2 = (double)d2->g->ncell * d2->nf, cells3 = (double)d3->g->ncell * d3->nf;
    double t2 = diff_time(d2, o->reps, ctx), t3 = diff_time(d3, o->reps, ctx);
    double r2 = diff_time_ref(d2, o->quick ? 1 : 3, ctx), r3 = diff_time_ref(d3, o->quick ? 1 : 3, ctx);
    if (!isfinite(t2) || !isfinite(t3) || !isfinite(r2) || !isfinite(r3))
        return fail("diffusion", ctx);
    const double bytes2 = mh_diffusion_step_bytes(d2->w, d2->nf), bytes3 = mh_diffusion_step_bytes(d3->w, d3->nf);
    double bw2 = bytes2 / (t2 * 1e-3) / 1e9, bw3 = bytes3 / (t3 * 1e-3) / 1e9;
    put("diffusion_2d_500x300x7_ms_per_step", t2, 0);
    put("diffusion_3d_100x100x100x4_ms_per_step", t3, 0);
    put("diffusion_2d_reference_ms_per_step", r2, 0);
    put("diffusion_3d_reference_ms_per_step", r3, 0);
    put("diffusion_2d_bytes_per_cell_field", bytes2 / cells2, 0);
    put("diffusion_3d_bytes_per_cell_field", bytes3 / cells3, 0);
    put("diffusion_2d_gbs", bw2, 0);
    put("diffusion_3d_gbs", bw3, 0);
    put("diffusion_2d_fraction_of_bandwidth", bw2 / gbs, 0);
    put("diffusion_3d_fraction_of_bandwidth", bw3 / gbs, 0);
    put("diffusion_fraction_of_bandwidth", fmin(bw2, bw3) / gbs, 0);
    put("diffusion_2d_cell_updates_per_s", cells2 / (t2 * 1e-3), 0);
    put("diffusion_3d_cell_updates_per_s", cells3 / (t3 * 1e-3), 0);
    printf("%-44s %10.3f ms  (%.2e cell-field updates/s, %.1f GB/s = %.2f x triad; GSL reference %.2f ms)\n",
           "diffusion 2-D 500x300, 7 fields, per step", t2, cells2 / (t2 * 1e-3), bw2, bw2 / gbs, r2);
    printf("%-44s %10.3f ms  (%.2e cell-field updates/s, %.1f GB/s = %.2f x triad; GSL reference %.2f ms)\n",
           "diffusion 3-D 100^3, 4 fields, per step", t3, cells3 / (t3 * 1e-3), bw3, bw3 / gbs, r3);
    return 0;
}

/* Strong scaling: 1, 2, 4, ... threads up to the maximum (and the maximum itself). */
static int bench_scaling(const bench_opts *o, diff_problem *d2, diff_problem *d3, mh_ctx *ctx)
{
    printf("\nstrong scaling (median ms; speed-up over 1 thread)\n%8s %18s %18s %18s\n", "threads", "diffusion 2-D",
           "diffusion 3-D", "model step 2-D");
    double base[3] = {0};
    for (int nt = 1;; nt = nt * 2 > o->nthreads && nt < o->nthreads ? o->nthreads : nt * 2) {
        omp_set_num_threads(nt);
        double a = diff_time(d2, o->reps, ctx), b = diff_time(d3, o->reps, ctx);
        double c = model_step_time(o->cfgdir, o->reps, ctx);
        if (!isfinite(a) || !isfinite(b) || !isfinite(c))
            return fail("strong scaling", ctx);
        if (nt == 1)
            base[0] = a, base[1] = b, base[2] = c;
        printf("%8d %10.3f (%4.2fx) %10.3f (%4.2fx) %10.3f (%4.2fx)\n", nt, a, base[0] / a, b, base[1] / b, c,
               base[2] / c);
        char k[96];
        snprintf(k, sizeof k, "scaling_diffusion_2d_ms_t%d", nt);
        put(k, a, 0);
        snprintf(k, sizeof k, "scaling_diffusion_3d_ms_t%d", nt);
        put(k, b, 0);
        snprintf(k, sizeof k, "scaling_model_step_2d_ms_t%d", nt);
        put(k, c, 0);
        if (nt >= o->nthreads)
            break;
    }
    omp_set_num_threads(o->nthreads);
    return 0;
}

/* Whole runs: the 180-day four-session face run in 2-D and on a 3-D unit cell. */
static int bench_runs(const bench_opts *o, mh_ctx *ctx)
{
    const char *const face[] = {"schedule.sessions=4", NULL};
    const char *const cell[] = {"schedule.sessions=4",
                                "simulation.dims=3",
                                "grid.width_mm=0.8",
                                "grid.length_mm=0.8",
                                "grid.lateral_bc=periodic",
                                "device.pattern=grid",
                                "device.density_per_cm2=156.25",
                                NULL};
    const char *const *which[2] = {face, cell};
    const char *names[2] = {"protocol_2d_face_180d_s", "unit_cell_3d_180d_s"};
    const char *labels[2] = {"180-day 4-session face run, 2-D", "the same, 3-D unit cell 0.8 x 0.8 mm"};
    for (int w = 0; w < 2; w++) {
        mh_config *cfg = NULL;
        if (load(o->cfgdir, which[w], ctx, &cfg) != MH_OK)
            return fail("config", ctx);
        double t[8];
        long steps = 0;
        size_t ncell = 0, cb = 0;
        int n = w == 0 ? o->run_reps : 1;
        for (int r = 0; r < n; r++)
            if (!isfinite(t[r] = run_time(cfg, &steps, &ncell, &cb, ctx))) {
                mh_config_destroy(&cfg);
                return fail(names[w], ctx);
            }
        mh_config_destroy(&cfg);
        double tm = median(t, (size_t)n);
        put(names[w], tm, 0);
        char k[96];
        snprintf(k, sizeof k, "%s_steps", names[w]);
        put(k, (double)steps, 1);
        snprintf(k, sizeof k, "%s_cells", names[w]);
        put(k, (double)ncell, 1);
        snprintf(k, sizeof k, "%s_repetitions", names[w]);
        put(k, n, 1);
        printf("%-44s %10.2f s   (%ld steps, %zu cells, %.0f bytes per cell)\n", labels[w], tm, steps, ncell,
               (double)cb / (double)ncell);
        if (w == 1)
            put("bytes_per_cell", (double)cb / (double)ncell, 0);
    }
    return 0;
}

/* The measurements as a flat JSON object in out, through a fresh temporary file renamed onto out when
 * complete. */
static int write_json(const char *out)
{
    mh_ctx fctx;
    mh_ctx_init(&fctx);
    char *tmp = NULL;
    FILE *fp = mh_file_temp_open(out, &tmp, &fctx);
    if (fp == NULL)
        return fail(out, &fctx);
    fprintf(fp, "{\n");
    for (int i = 0; i < nkeys; i++)
        fprintf(fp, keys[i].is_int ? "  \"%s\": %.0f%s\n" : "  \"%s\": %.6g%s\n", keys[i].key, keys[i].value,
                i + 1 < nkeys ? "," : "");
    fprintf(fp, "}\n");
    const mh_status fst = mh_file_finish(fp, tmp, out, &fctx);
    free(tmp);
    if (fst != MH_OK)
        return fail(out, &fctx);
    printf("\nwrote %s\n", out);
    return 0;
}

int main(int argc, char **argv)
{
    bench_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc != 0)
        return rc < 0 ? 0 : rc;
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    printf("microheal bench: %d threads, medians of %d repetitions (whole runs: %d)\n\n", o.nthreads, o.reps,
           o.run_reps);
    put("threads", o.nthreads, 1);
    put("repetitions", o.reps, 1);
    put("run_repetitions", o.run_reps, 1);

    double gbs = triad_gbs((size_t)1 << 25, o.quick ? 3 : 10);
    if (!isfinite(gbs))
        return fail("stream triad", NULL);
    put("stream_triad_gbs", gbs, 0);
    printf("%-44s %10.1f GB/s\n", "STREAM triad (3 x 256 MiB)", gbs);

    diff_problem d2 = {0}, d3 = {0};
    if (diff_setup(&d2, 2, 500, 1, 300, 7, &ctx) != MH_OK || diff_setup(&d3, 3, 100, 100, 100, 4, &ctx) != MH_OK)
        rc = fail("diffusion set-up", &ctx);
    if (rc == 0)
        rc = bench_diffusion(&o, &d2, &d3, gbs, &ctx);
    if (rc == 0) {
        double ms = model_step_time(o.cfgdir, o.reps, &ctx);
        if (!isfinite(ms))
            rc = fail("model step", &ctx);
        put("model_step_2d_ms", ms, 0);
        if (rc == 0)
            printf("%-44s %10.3f ms\n", "model step, default 2-D grid", ms);
    }
    if (rc == 0)
        rc = bench_scaling(&o, &d2, &d3, &ctx);
    diff_free(&d2);
    diff_free(&d3);
    if (rc == 0 && o.run_reps > 0)
        rc = bench_runs(&o, &ctx);
    return rc != 0 ? rc : write_json(o.out);
}
