/* test_model: untreated steady state, positivity under steep punctures, age factor. */
#include "helpers.h"

#include "mh_step.h"

#include "mh_diffusion.h"
#include "mh_model.h"

#include <gsl/gsl_rng.h>

#include <math.h>

Test(model, age_factor_follows_varani)
{
    cr_assert_float_eq(mh_model_age_factor(20, 23.5, 85, 0.68), 1.0, 0.0);
    cr_assert_float_eq(mh_model_age_factor(85, 23.5, 85, 0.68), 0.68, 1e-15);
    cr_assert_float_eq(mh_model_age_factor(90, 23.5, 85, 0.68), 0.68, 1e-15);
    cr_assert_float_eq(mh_model_age_factor(54.25, 23.5, 85, 0.68), 0.84, 1e-12);
}

/* Grid, parameters and baseline fields of default.ini with overrides; strip_mm as for mh_grid_create. */
typedef struct {
    mh_config *cfg;
    mh_grid *g;
    mh_model_params p;
    mh_fields *f;
} mh_model_fixture;

static mh_model_fixture fixture(const char *const *sets, double strip_mm)
{
    mh_model_fixture x;
    memset(&x, 0, sizeof x);
    x.cfg = mh_test_config(sets);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_skin skin;
    cr_assert_eq(mh_build_skin(x.cfg, &skin, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_build_grid(x.cfg, &skin, strip_mm, &ctx, &x.g), MH_OK, "%s", ctx.msg);
    mh_build_model(x.cfg, &x.p);
    cr_assert_eq(mh_fields_create(x.g->ncell, &ctx, &x.f), MH_OK);
    mh_model_baseline(x.g, x.f);
    return x;
}

static void fixture_free(mh_model_fixture *x)
{
    mh_fields_destroy(&x->f);
    mh_grid_destroy(&x->g);
    mh_config_destroy(&x->cfg);
}

/* Every field of untreated skin after 365 days of the full operator (reactions, chemotaxis, diffusion). */
Test(model, untreated_skin_is_a_steady_state, .timeout = 120)
{
    mh_model_fixture x = fixture((const char *const[]){"grid.dx_um=20", NULL}, 1.0);
    mh_grid *g = x.g;
    mh_model_params p = x.p;
    mh_fields *f = x.f, *f0 = NULL;
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_fields_create(g->ncell, &ctx, &f0), MH_OK);
    mh_fields_copy(f0, f);
    mh_model_aux aux = {mh_alloc_doubles(g->ncell), mh_alloc_doubles(g->ncell)};
    /* the simulator's step: diffusing species are those with a non-zero profile */
    double *D[MH_NSPECIES];
    cr_assert_eq(mh_model_diffusion_profiles(&p, g, D, &ctx), MH_OK);
    mh_stepper *st = NULL;
    cr_assert_eq(mh_step_create(g, (const double *const *)D, &ctx, &st), MH_OK);
    for (int step = 0; step < 730; step++) /* 365 days at 0.5 day */
        cr_assert_eq(mh_step_advance(st, &p, &aux, f, 0.5, &ctx), MH_OK, "%s", ctx.msg);
    for (int s = 0; s < MH_NSPECIES; s++)
        /* Science item 1 asks for 0.5 %; the baseline is a steady state of the equations themselves (every
         * production balances its loss at K = e, F = C3 = C1 = E = m), so what is left is rounding: a few
         * ulps per step (2.2e-16 each) over 730 steps, measured at most 3.1e-14 (fibroblasts). The bound,
         * 1e-12 relative (absolute for zero fields), is 30 times that and 5e9 times tighter than 0.5 %. */
        for (size_t q = 0; q < g->ncell; q++)
            cr_assert(fabs(f->u[s][q] - f0->u[s][q]) <= 1e-12 * fmax(1.0, fabs(f0->u[s][q])),
                      "%s drifted at cell %zu: %g -> %g", mh_species_name((mh_species)s), q, f0->u[s][q], f->u[s][q]);
    mh_free(aux.k_close);
    mh_free(aux.w_open);
    mh_model_diffusion_profiles_clear(D);
    mh_step_destroy(&st);
    mh_fields_destroy(&f0);
    fixture_free(&x);
}

/* Steep punctures and steps far above what the controller would take: nothing turns negative. */
Test(model, fields_stay_non_negative_under_large_steps, .timeout = 120)
{
    mh_config *cfg = mh_test_config(
        (const char *const[]){"grid.dx_um=20", "device.density_per_cm2=2000", "device.needle_length_mm=2.5", NULL});
    mh_test_wounded w = mh_test_wound(cfg, 0.3, 7);
    cr_assert_gt(w.npunct, 0);
    cr_assert_gt(w.surface_cells, 0);
    w.p.chi *= 50.0; /* steep chemotaxis as well: fibroblasts pushed hard up the fresh gradients */
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    const double dts[] = {1e-4, 0.01, 0.5, 3.0, 10.0};
    for (int r = 0; r < 5; r++) {
        /* the full split step, at the requested step or the chemotaxis limit that mh_sim applies */
        double dt = fmin(dts[r], mh_model_chemotaxis_dt_limit(w.g, &w.p, w.f));
        cr_assert_eq(mh_step_advance(w.st, &w.p, &w.aux, w.f, dt, &ctx), MH_OK);
        for (int s = 0; s < MH_NSPECIES; s++)
            for (size_t q = 0; q < w.g->ncell; q++)
                cr_assert(w.f->u[s][q] >= 0.0 && isfinite(w.f->u[s][q]), "%s = %g after dt %g at cell %zu of %d x %d",
                          mh_species_name((mh_species)s), w.f->u[s][q], dt, q, w.g->nx, w.g->nz);
    }
    mh_test_wounded_free(&w);
    mh_config_destroy(&cfg);
}

/* Chemotaxis moves fibroblasts but conserves them, and only inside the dermis. */
Test(model, chemotaxis_conserves_fibroblasts)
{
    mh_model_fixture x = fixture((const char *const[]){"grid.dx_um=20", NULL}, 1.0);
    mh_grid *g = x.g;
    mh_model_params p = x.p;
    mh_fields *f = x.f;
    for (int k = 0; k < g->nz; k++)
        for (int i = 0; i < g->nx; i++)
            f->u[MH_S_G][mh_idx(g, i, 0, k)] = exp(-pow((i - g->nx / 2) * g->dx_mm / 0.2, 2));
    double *tmp = mh_alloc_doubles(g->ncell);
    double before = 0, after = 0;
    for (size_t q = 0; q < g->ncell; q++)
        before += f->u[MH_S_F][q];
    double dt = fmin(1.0, mh_model_chemotaxis_dt_limit(g, &p, f));
    mh_model_chemotaxis(g, &p, dt, f->u[MH_S_F], f->u[MH_S_G], tmp);
    memcpy(f->u[MH_S_F], tmp, g->ncell * sizeof *tmp);
    for (size_t q = 0; q < g->ncell; q++)
        after += f->u[MH_S_F][q];
    cr_assert_float_eq(after, before, 1e-12 * before);
    int centre = g->nx / 2, k = g->nz / 2;
    cr_assert_gt(f->u[MH_S_F][mh_idx(g, centre, 0, k)], 1.0, "fibroblasts must gather at the source");
    for (int kk = 0; kk < g->nz; kk++)
        if (g->dermal[kk] == 0.0)
            for (int i = 0; i < g->nx; i++)
                cr_assert_float_eq(f->u[MH_S_F][mh_idx(g, i, 0, kk)], 0.0, 0.0);
    mh_free(tmp);
    fixture_free(&x);
}

/* The optimised chemotaxis kernels give the reference kernels' bits: random F and G (with ties and
 * plateaus, where the limiter switches), dermis in some rows only, both lateral boundary kinds,
 * short and long rows (the ends of a row take a separate path), 2-D and 3-D. */
Test(model, chemotaxis_matches_reference)
{
    static const struct {
        int dims, nx, ny, nz;
        bool periodic;
    } cases[] = {{2, 37, 1, 9, true},  {2, 37, 1, 9, false},  {2, 3, 1, 7, true},  {2, 4, 1, 7, false},
                 {2, 5, 1, 7, true},   {2, 6, 1, 7, false},   {2, 1, 1, 7, false}, {2, 2, 1, 7, false},
                 {3, 19, 11, 8, true}, {3, 19, 11, 8, false}, {3, 3, 4, 6, true},  {3, 5, 3, 6, false}};
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        mh_grid *g = NULL;
        cr_assert_eq(mh_grid_create_uniform(cases[c].dims, cases[c].nx, cases[c].ny, cases[c].nz, 0.01,
                                            cases[c].periodic, &ctx, &g),
                     MH_OK, "%s", ctx.msg);
        for (int k = 0; k < g->nz; k++) /* epidermis above, a non-dermal row inside, hypodermis below */
            g->dermal[k] = (k == 0 || k == 3 || k == g->nz - 1) ? 0.0 : 1.0;
        mh_fields *f = NULL;
        cr_assert_eq(mh_fields_create(g->ncell, &ctx, &f), MH_OK);
        for (size_t q = 0; q < g->ncell; q++) {
            f->u[MH_S_F][q] = gsl_rng_uniform(rng) < 0.2 ? 1.0 : 2.0 * gsl_rng_uniform(rng);
            f->u[MH_S_G][q] = gsl_rng_uniform(rng) < 0.2 ? 0.5 : gsl_rng_uniform(rng);
        }
        mh_model_params p;
        memset(&p, 0, sizeof p);
        p.chi = 3e-3; /* mm^2/day, 3 x the default model.chi: steep enough for the limiter to switch */
        const double lim = mh_model_chemotaxis_dt_limit(g, &p, f);
        cr_assert_eq(lim, mh_model_chemotaxis_dt_limit_reference(g, &p, f), "case %zu: step limit", c);
        cr_assert(isfinite(lim) && lim > 0.0, "case %zu: limit %g", c, lim);
        double *a = mh_alloc_doubles(g->ncell), *b = mh_alloc_doubles(g->ncell);
        mh_model_chemotaxis(g, &p, lim, f->u[MH_S_F], f->u[MH_S_G], a);
        mh_model_chemotaxis_reference(g, &p, lim, f->u[MH_S_F], f->u[MH_S_G], b);
        for (size_t q = 0; q < g->ncell; q++)
            cr_assert(a[q] == b[q], "case %zu: cell %zu: %.17g vs reference %.17g", c, q, a[q], b[q]);
        mh_free(a);
        mh_free(b);
        mh_fields_destroy(&f);
        mh_grid_destroy(&g);
    }
    gsl_rng_free(rng);
}

/* The species listed in mh_model_uniform_loss have a loss rate that depends on neither the state
 * nor the cell's closure rate and lumen weight, only on the parameters and the depth profiles of its
 * row (the stepper forms their reciprocal once per block of a row), and the others do depend on the
 * state or the cell: a wrong entry either way fails. Rows of random profiles, random states within. */
Test(model, uniform_loss_list_matches_the_rates)
{
    mh_model_fixture x = fixture(NULL, 1.0);
    mh_model_params p = x.p;
    /* a compound on the skin (its loss depends on the open lumen, the vessels and the top row) */
    p.a_on = 1.0;
    p.c_film = 1.0;
    p.k_ex = 1440.0;
    p.k_clr = 24.0;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    bool varies[MH_NSPECIES] = {false};
    for (int row = 0; row < 5; row++) {
        const double m = gsl_rng_uniform(rng), e = gsl_rng_uniform(rng), v = gsl_rng_uniform(rng);
        const double s_top = 100.0 * gsl_rng_uniform(rng);
        double L0[MH_NSPECIES];
        for (int trial = 0; trial < 40; trial++) {
            double u[MH_NSPECIES], P[MH_NSPECIES], L[MH_NSPECIES];
            for (int s = 0; s < MH_NSPECIES; s++)
                u[s] = 3.0 * gsl_rng_uniform(rng);
            mh_model_rates(&p, m, e, v, s_top, 10.0 * gsl_rng_uniform(rng), gsl_rng_uniform(rng), u, P, L);
            for (int s = 0; s < MH_NSPECIES; s++) {
                if (trial == 0)
                    L0[s] = L[s];
                varies[s] |= L[s] != L0[s];
            }
        }
    }
    for (int s = 0; s < MH_NSPECIES; s++)
        cr_assert_eq(varies[s], !mh_model_uniform_loss[s], "%s: loss rate %s within a row but listed as %s",
                     mh_species_name((mh_species)s), varies[s] ? "varies" : "is uniform",
                     mh_model_uniform_loss[s] ? "uniform" : "varying");
    gsl_rng_free(rng);
    fixture_free(&x);
}

/* A step's reported change is exactly (bits, species, cell) the largest relative change
 * |new - old| / (|old| + atol) over the state before and after it, as computed here by plain
 * division: the stepper screens blocks without dividing, which must not lose the maximum. */
Test(model, step_change_is_the_largest_relative_change, .timeout = 120)
{
    mh_config *cfg = mh_test_config((const char *const[]){"grid.dx_um=20", NULL});
    mh_test_wounded w = mh_test_wound(cfg, 0.3, 11);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_fields *old = NULL;
    cr_assert_eq(mh_fields_create(w.g->ncell, &ctx, &old), MH_OK);
    const double dts[] = {1e-4, 0.003, 0.02, 0.2}, atols[] = {1e-3, 1e-9, 1.0, 1e-3};
    for (int r = 0; r < 4; r++) {
        const double dt = fmin(dts[r], mh_model_chemotaxis_dt_limit(w.g, &w.p, w.f)), atol = atols[r];
        mh_fields_copy(old, w.f);
        mh_change ch;
        cr_assert_eq(mh_step_try(w.st, &w.p, &w.aux, w.f, dt, atol, &ch, &ctx), MH_OK);
        cr_assert_eq(mh_step_accept(w.st, w.f, &ctx), MH_OK);
        mh_change best = {0.0, 0, 0};
        for (int s = 0; s < MH_NSPECIES; s++)
            for (size_t q = 0; q < w.g->ncell; q++) {
                double c = fabs(w.f->u[s][q] - old->u[s][q]) / (fabs(old->u[s][q]) + atol);
                if (c > best.value)
                    best = (mh_change){c, s, q};
            }
        cr_assert_gt(best.value, 0.0);
        cr_assert(ch.value == best.value, "step %d: change %.17g, plain maximum %.17g", r, ch.value, best.value);
        cr_assert_eq(ch.species, best.species, "step %d", r);
        cr_assert_eq(ch.cell, best.cell, "step %d", r);
    }
    mh_fields_destroy(&old);
    mh_test_wounded_free(&w);
    mh_config_destroy(&cfg);
}

/* Without a compound (p.compound false) the reaction kernel leaves Q out: a NaN in Q is neither read
 * (the other species stay finite) nor written, and the other species get the same bits as with the
 * compound's kernel run on Q = 0 with its coefficients 0. A compound that diffuses in such a run is
 * refused. */
Test(model, a_run_without_a_compound_leaves_q_out_and_changes_no_other_bit, .timeout = 120)
{
    mh_config *cfg = mh_test_config((const char *const[]){"grid.dx_um=20", NULL});
    mh_test_wounded off = mh_test_wound(cfg, 0.3, 11), on = mh_test_wound(cfg, 0.3, 11);
    cr_assert_not(off.p.compound, "no compound in the default config");
    on.p.compound = true;
    for (size_t q = 0; q < off.g->ncell; q++)
        off.f->u[MH_S_Q][q] = NAN;
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    const double dts[] = {1e-4, 0.003, 0.02, 0.2};
    for (int r = 0; r < 4; r++) {
        const double dt = fmin(dts[r], mh_model_chemotaxis_dt_limit(on.g, &on.p, on.f));
        mh_change a, b;
        cr_assert_eq(mh_step_try(off.st, &off.p, &off.aux, off.f, dt, 1e-3, &a, &ctx), MH_OK, "%s", ctx.msg);
        cr_assert_eq(mh_step_accept(off.st, off.f, &ctx), MH_OK);
        cr_assert_eq(mh_step_try(on.st, &on.p, &on.aux, on.f, dt, 1e-3, &b, &ctx), MH_OK, "%s", ctx.msg);
        cr_assert_eq(mh_step_accept(on.st, on.f, &ctx), MH_OK);
        cr_assert(a.value == b.value && a.species == b.species && a.cell == b.cell, "step %d", r);
        cr_assert_neq(a.species, MH_S_Q);
        for (int s = 0; s < MH_S_Q; s++)
            cr_assert_eq(memcmp(off.f->u[s], on.f->u[s], off.g->ncell * sizeof(double)), 0, "%s differs after step %d",
                         mh_species_name((mh_species)s), r);
        for (size_t q = 0; q < off.g->ncell; q++)
            cr_assert(isnan(off.f->u[MH_S_Q][q]) && on.f->u[MH_S_Q][q] == 0.0, "Q at cell %zu", q);
    }
    /* a stepper that diffuses Q, stepped without a compound */
    mh_model_params p = off.p;
    p.D_Q = p.D_Q_sc = 0.1;
    double *D[MH_NSPECIES];
    mh_stepper *st = NULL;
    cr_assert_eq(mh_model_diffusion_profiles(&p, off.g, D, &ctx), MH_OK);
    cr_assert_not_null(D[MH_S_Q]);
    cr_assert_eq(mh_step_create(off.g, (const double *const *)D, &ctx, &st), MH_OK);
    mh_model_diffusion_profiles_clear(D);
    mh_change c;
    cr_assert_eq(mh_step_try(st, &p, &off.aux, on.f, 1e-4, 1e-3, &c, &ctx), MH_ERR_STATE);
    cr_assert(strstr(ctx.msg, "without one") != NULL, "%s", ctx.msg);
    mh_step_destroy(&st);
    mh_test_wounded_free(&off);
    mh_test_wounded_free(&on);
    mh_config_destroy(&cfg);
}

/* The flare of hand-placed punctures (mh_model_flare; papers/model.md, "Neurogenic flare") on a grid of cfg's
 * settings sets; returns the grid and the fields (caller frees both). */
static void flare_of(const char *const *sets, const mh_puncture *pu, size_t n, double y_F, double sigma, mh_grid **g,
                     mh_fields **f)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_config *cfg = mh_test_config(sets);
    mh_skin skin;
    cr_assert_eq(mh_build_skin(cfg, &skin, &ctx), MH_OK);
    cr_assert_eq(mh_build_grid(cfg, &skin, 0.5, &ctx, g), MH_OK);
    mh_model_params p;
    mh_build_model(cfg, &p);
    p.y_F = y_F;
    p.sigma_Y = sigma;
    cr_assert_eq(mh_fields_create((*g)->ncell, &ctx, f), MH_OK);
    mh_model_flare(*g, &p, pu, n, *f);
    mh_config_destroy(&cfg);
}

/* Mean of Y over depth row k, and whether Y is 0 in every row of another layer than the papillary dermis. */
static double flare_row_mean(const mh_grid *g, const mh_fields *f, int k)
{
    const size_t row = (size_t)g->nx * (size_t)g->ny;
    double s = 0.0;
    for (size_t q = row * (size_t)k; q < row * (size_t)(k + 1); q++)
        s += f->u[MH_S_Y][q];
    return s / (double)row;
}

static bool flare_only_in_the_papillary_dermis(const mh_grid *g, const mh_fields *f)
{
    const size_t row = (size_t)g->nx * (size_t)g->ny;
    bool any_pd = false;
    for (int k = 0; k < g->nz; k++) {
        const bool pd = g->layer[k] == MH_LAYER_PD;
        any_pd = any_pd || pd;
        for (size_t q = row * (size_t)k; q < row * (size_t)(k + 1) && !pd; q++)
            if (f->u[MH_S_Y][q] != 0.0)
                return false;
    }
    return any_pd;
}

/* 3-D: a puncture adds y_F exp(-d^2 / (2 sigma^2)) at lateral distance d (hand values at two cells), in the
 * papillary dermis only; each row's mean is y_F 2 pi sigma^2 / (W L) per puncture (the Gaussian's integral;
 * sampled at h = 0.4 sigma the sum equals it to exp(-2 pi^2 sigma^2 / h^2), and the cut at 5 sigma loses
 * exp(-12.5) = 4e-6), also where sigma is wider than the domain and the periodic images carry it. */
Test(model, flare_of_a_puncture_in_3d)
{
    const char *sets[] = {"simulation.dims=3",        "grid.dx_um=40",
                          "grid.width_mm=1.6",        "grid.length_mm=1.6",
                          "grid.lateral_bc=periodic", NULL};
    const mh_puncture pu = {.x_mm = 0.8, .y_mm = 0.8, .depth_mm = 0.3, .radius_mm = 0.05, .session = 1};
    mh_grid *g;
    mh_fields *f;
    flare_of(sets, &pu, 1, 0.3, 0.1, &g, &f);
    cr_assert(flare_only_in_the_papillary_dermis(g, f));
    int kpd = 0;
    while (g->layer[kpd] != MH_LAYER_PD)
        kpd++;
    /* cell (20, 19): centre (0.82, 0.78) mm, d^2 = 2 x 0.02^2 = 8e-4: 0.3 exp(-8e-4 / 0.02) = 0.3 exp(-0.04) */
    cr_expect_float_eq(f->u[MH_S_Y][mh_idx(g, 20, 19, kpd)], 0.3 * exp(-0.04), 1e-14);
    /* cell (25, 20): centre (1.02, 0.82), d^2 = 0.22^2 + 0.02^2 = 0.0488: 0.3 exp(-2.44) */
    cr_expect_float_eq(f->u[MH_S_Y][mh_idx(g, 25, 20, kpd)], 0.3 * exp(-2.44), 1e-14);
    const double want = 0.3 * 2.0 * M_PI * 0.01 / (1.6 * 1.6);
    cr_expect_float_eq(flare_row_mean(g, f, kpd), want, 1e-5 * want);
    mh_fields_destroy(&f);
    mh_grid_destroy(&g);
    /* sigma 0.5 mm: the 5 sigma reach spans the 1.6 mm period 3 times; the images keep the mean */
    flare_of(sets, &pu, 1, 0.3, 0.5, &g, &f);
    const double wide = 0.3 * 2.0 * M_PI * 0.25 / (1.6 * 1.6);
    cr_expect_float_eq(flare_row_mean(g, f, kpd), wide, 1e-5 * wide);
    mh_fields_destroy(&f);
    mh_grid_destroy(&g);
}

/* 2-D: a section puncture standing for a strip s = 0.5 mm adds y_F sqrt(2 pi) sigma / s exp(-d^2 / (2 sigma^2))
 * (the mean over y of the 3-D field), so the row's mean is the 3-D patch's, y_F 2 pi sigma^2 / (W s); a
 * zero-flux domain mirrors what crosses its walls back (the same mean for a puncture near the wall). */
Test(model, flare_of_a_section_puncture_in_2d)
{
    const char *sets[] = {"simulation.dims=2", "grid.dx_um=20", "grid.width_mm=2", "grid.lateral_bc=zeroflux", NULL};
    const mh_puncture pu = {.x_mm = 0.15, .depth_mm = 0.3, .radius_mm = 0.05, .session = 1, .section_mm = 0.5};
    mh_grid *g;
    mh_fields *f;
    flare_of(sets, &pu, 1, 0.2, 0.3, &g, &f);
    cr_assert(flare_only_in_the_papillary_dermis(g, f));
    int kpd = 0;
    while (g->layer[kpd] != MH_LAYER_PD)
        kpd++;
    /* cell 27: centre 0.55 mm, d = 0.4 from the puncture and 0.7 from its mirror image at -0.15 mm:
     * 0.2 sqrt(2 pi) 0.3 / 0.5 (exp(-0.16 / 0.18) + exp(-0.49 / 0.18)) */
    cr_expect_float_eq(f->u[MH_S_Y][mh_idx(g, 27, 0, kpd)],
                       0.2 * sqrt(2.0 * M_PI) * 0.6 * (exp(-0.16 / 0.18) + exp(-0.49 / 0.18)), 1e-14);
    const double want = 0.2 * 2.0 * M_PI * 0.09 / (2.0 * 0.5);
    cr_expect_float_eq(flare_row_mean(g, f, kpd), want, 1e-5 * want);
    mh_fields_destroy(&f);
    mh_grid_destroy(&g);
}
