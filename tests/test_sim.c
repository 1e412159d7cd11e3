/* test_sim: thread-count independence of the bits, step control, summary, and sim lifecycle. */
#include "helpers.h"

#include <math.h>
#include <omp.h>

static const char *const short_run[] = {"grid.dx_um=20", "simulation.days=30", "schedule.sessions=2",
                                        "schedule.interval_days=14", NULL};

Test(sim, output_is_bit_identical_for_1_and_2_threads, .timeout = 300)
{
    mh_config *cfg = mh_test_config(short_run);
    omp_set_num_threads(1);
    mh_sim *a = mh_test_run(cfg);
    omp_set_num_threads(2);
    mh_sim *b = mh_test_run(cfg);
    const mh_series *sa = mh_sim_series(a), *sb = mh_sim_series(b);
    cr_assert_eq(sa->nt, sb->nt, "step counts differ: %zu vs %zu", sa->nt, sb->nt);
    cr_assert(memcmp(sa->data, sb->data, sa->nt * MH_OBS_COUNT * sizeof(double)) == 0, "series differ");
    const mh_fields *fa = mh_sim_fields(a), *fb = mh_sim_fields(b);
    for (int s = 0; s < MH_NSPECIES; s++)
        cr_assert(memcmp(fa->u[s], fb->u[s], fa->n * sizeof(double)) == 0, "field %s differs",
                  mh_species_name((mh_species)s));
    mh_sim_destroy(&a);
    mh_sim_destroy(&b);
    mh_config_destroy(&cfg);
}

Test(sim, steps_adapt_from_seconds_to_hours, .timeout = 120)
{
    mh_config *cfg = mh_test_config(short_run);
    mh_sim *sim = mh_test_run(cfg);
    const mh_series *s = mh_sim_series(sim);
    double first = INFINITY, late = 0;
    for (size_t r = 1; r < s->nt; r++) {
        double t = s->data[r * MH_OBS_COUNT + MH_OBS_T], dt = s->data[r * MH_OBS_COUNT + MH_OBS_DT];
        if (t < 0.01 && dt > 0)
            first = fmin(first, dt);
        if (t > 20 && t < 27)
            late = fmax(late, dt);
    }
    /* seconds after a session (solver.dt_initial_s; 0.2 s observed at the defaults), not hours */
    cr_assert_leq(first * 86400, 120.0, "first steps after a session should be seconds (%g s)", first * 86400);
    /* the brief's requirement read literally: "hours" during remodelling means at least one hour
     * (about 1.6 h is observed with solver.tol 0.02) */
    cr_assert_geq(late * 24, 1.0, "remodelling steps should be hours (%g h)", late * 24);
    /* sessions land exactly on their days and the run ends exactly at simulation.days */
    int found = 0;
    for (size_t r = 0; r < s->nt; r++)
        found |= s->data[r * MH_OBS_COUNT + MH_OBS_T] == 14.0;
    cr_assert(found);
    cr_assert_eq(s->data[(s->nt - 1) * MH_OBS_COUNT + MH_OBS_T], 30.0);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_sim_run(sim, NULL, &ctx), MH_ERR_STATE, "a sim runs once");
    mh_sim_destroy(&sim);
    cr_assert_null(sim);
    mh_config_destroy(&cfg);
}

/* Events (snapshots, sessions, the end) are reached without an abrupt cut of the step: an accepted
 * step is at least 0.45 of the one before (the controller's own floor after a step within 2 tol),
 * except the restart after a session, and the run rejects few steps. Cutting the step to land on an
 * event shifted the quasi-steady state of the fast mediator H and set off rejection cascades
 * (papers/performance.md, "Time-step control"). */
Test(sim, events_are_reached_without_step_cuts, .timeout = 120)
{
    const char *const sets[] = {"grid.dx_um=20",
                                "simulation.days=30",
                                "schedule.sessions=2",
                                "schedule.interval_days=14",
                                "output.snapshot_days=0,0.25,1,2,7,14,14.5,30",
                                NULL};
    mh_config *cfg = mh_test_config(sets);
    mh_sim *sim = mh_test_run(cfg);
    const mh_series *s = mh_sim_series(sim);
    double prev = 0.0;
    for (size_t r = 0; r < s->nt; r++) {
        const double t = s->data[r * MH_OBS_COUNT + MH_OBS_T], dt = s->data[r * MH_OBS_COUNT + MH_OBS_DT];
        if (dt == 0.0) { /* a session's record: the step restarts */
            prev = 0.0;
            continue;
        }
        cr_assert(prev == 0.0 || dt >= 0.45 * prev, "step cut from %g to %g day at t = %g day", prev, dt, t);
        prev = dt;
    }
    long accepted = 0, rejected = 0;
    mh_sim_steps(sim, &accepted, &rejected);
    cr_assert_lt(rejected, accepted / 100 + 5, "%ld rejected of %ld", rejected, accepted);
    mh_sim_destroy(&sim);
    mh_config_destroy(&cfg);
}

Test(sim, channel_deeper_than_domain_is_refused)
{
    mh_config *cfg =
        mh_test_config((const char *const[]){"device.needle_length_mm=5", "device.penetration_fraction=1", NULL});
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_sim *sim = NULL;
    cr_assert_eq(mh_build_sim(cfg, &ctx, &sim), MH_ERR_INPUT);
    cr_assert(strstr(ctx.msg, "device.needle_length_mm") != NULL, "%s", ctx.msg);
    cr_assert_null(sim);
    mh_config_destroy(&cfg);
}

Test(sim, tiny_step_floor_stops_with_location)
{
    /* a floor above every possible step makes the first rejected step fatal, with a clear message */
    mh_config *cfg = mh_test_config((const char *const[]){"grid.dx_um=20", "simulation.days=1", "schedule.sessions=1",
                                                          "solver.tol=0.00001", "solver.dt_min_s=29",
                                                          "solver.dt_initial_s=30", NULL});
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_sim *sim = NULL;
    cr_assert_eq(mh_build_sim(cfg, &ctx, &sim), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_sim_run(sim, NULL, &ctx), MH_ERR_NUMERIC);
    cr_assert(strstr(ctx.msg, "solver.dt_min_s") && strstr(ctx.msg, "depth =") && strstr(ctx.msg, "t ="), "%s",
              ctx.msg);
    mh_sim_destroy(&sim);
    mh_config_destroy(&cfg);
}

/* A 3-D patch runs end to end; one centred grid puncture gives a wound symmetric in x and y. */
Test(sim, three_d_patch_with_a_symmetric_puncture, .timeout = 120)
{
    mh_config *cfg = mh_test_config((const char *const[]){
        "simulation.dims=3", "grid.dx_um=40", "grid.width_mm=1", "grid.length_mm=1", "simulation.days=2",
        "schedule.sessions=1", "device.pattern=grid", "device.density_per_cm2=100", NULL});
    mh_sim *sim = mh_test_run(cfg);
    size_t np = 0;
    const mh_puncture *p = mh_sim_punctures(sim, &np);
    cr_assert_eq(np, 1);
    cr_assert_float_eq(p[0].x_mm, 0.5, 1e-12);
    cr_assert_float_eq(p[0].y_mm, 0.5, 1e-12);
    const mh_grid *g = mh_sim_grid(sim);
    const mh_fields *f = mh_sim_fields(sim);
    cr_assert_eq(g->ny, 25);
    for (int s = 0; s < MH_NSPECIES; s++)
        for (int k = 0; k < g->nz; k += 3)
            for (int j = 0; j < g->ny; j++)
                for (int i = 0; i < g->nx; i++) {
                    double a = f->u[s][mh_idx(g, i, j, k)];
                    /* mirror in x, and transpose x <-> y (the puncture sits on the diagonal); LOD sweeps x before y,
                     * so x <-> y holds up to the splitting error, observed below 1e-9 here */
                    cr_assert_float_eq(a, f->u[s][mh_idx(g, g->nx - 1 - i, j, k)], 1e-9 * (1 + fabs(a)),
                                       "%s not mirror-symmetric", mh_species_name((mh_species)s));
                    cr_assert_float_eq(a, f->u[s][mh_idx(g, j, i, k)], 1e-9 * (1 + fabs(a)),
                                       "%s not symmetric in x and y", mh_species_name((mh_species)s));
                }
    cr_assert_gt(mh_sim_summary(sim)->bleeding[0], 0.0);
    mh_sim_destroy(&sim);
    mh_config_destroy(&cfg);
}

/* ---------- resumable state (the core of checkpoint and resume) ---------- */

/* Field, series and step-count bits of two simulations agree. */
static void assert_same_run(const mh_sim *a, const mh_sim *b)
{
    const mh_series *sa = mh_sim_series(a), *sb = mh_sim_series(b);
    cr_assert_eq(sa->nt, sb->nt, "series lengths differ: %zu vs %zu", sa->nt, sb->nt);
    cr_assert(memcmp(sa->data, sb->data, sa->nt * MH_OBS_COUNT * sizeof(double)) == 0, "series differ");
    const mh_fields *fa = mh_sim_fields(a), *fb = mh_sim_fields(b);
    for (int s = 0; s < MH_NSPECIES; s++)
        cr_assert(memcmp(fa->u[s], fb->u[s], fa->n * sizeof(double)) == 0, "field %s differs",
                  mh_species_name((mh_species)s));
    long aa, ar, ba, br;
    mh_sim_steps(a, &aa, &ar);
    mh_sim_steps(b, &ba, &br);
    cr_assert(aa == ba && ar == br, "steps %ld/%ld vs %ld/%ld", aa, ar, ba, br);
}

/* mh_sink.step that stops the run once it has passed day *user (then disarms itself). */
static mh_status stop_after(void *user, const mh_sim *sim, mh_ctx *ctx)
{
    double *day = user;
    mh_sim_state st;
    mh_sim_get_state(sim, &st);
    if (*day > 0 && st.t_days >= *day) {
        *day = -1;
        return MH_ERROR(ctx, MH_ERR_STOPPED, "stop at day %g", st.t_days);
    }
    return MH_OK;
}

/* A run stopped by its step callback (across a session and before a snapshot time) and continued,
 * and a second simulation restored from the stopped one's state, both end with the bits of an
 * uninterrupted run. */
Test(sim, stopped_continued_and_restored_runs_match_an_uninterrupted_one, .timeout = 240)
{
    mh_config *cfg = mh_test_config(short_run);
    mh_sim *ref = mh_test_run(cfg);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_sim *a = NULL, *b = NULL;
    cr_assert_eq(mh_build_sim(cfg, &ctx, &a), MH_OK, "%s", ctx.msg);
    double day = 16.0; /* after session 2 (day 14) and snapshot day 14, before 28 */
    mh_sink sink = {NULL, stop_after, &day};
    cr_assert_eq(mh_sim_run(a, &sink, &ctx), MH_ERR_STOPPED);
    mh_sim_state st;
    mh_sim_get_state(a, &st);
    cr_assert(st.t_days >= 16.0 && st.t_days < 17.0 && st.sessions_done == 2, "t %g, sessions %d", st.t_days,
              st.sessions_done);

    /* restore a fresh simulation from a's state (copies: a goes on below) */
    cr_assert_eq(mh_build_sim(cfg, &ctx, &b), MH_OK, "%s", ctx.msg);
    size_t np = 0;
    const mh_puncture *p = mh_sim_punctures(a, &np);
    const mh_series *s = mh_sim_series(a);
    cr_assert_eq(mh_sim_restore(b, &st, (const double *const *)mh_sim_fields(a)->u, mh_sim_closure_rates(a),
                                mh_sim_lumen_weights(a), p, np, s->data, s->nt, "test", &ctx),
                 MH_OK, "%s", ctx.msg);
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_sim_run(a, &sink, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_sim_run(b, NULL, &ctx), MH_OK, "%s", ctx.msg);
    assert_same_run(ref, a);
    assert_same_run(ref, b);
    cr_assert_eq(mh_sim_run(a, NULL, &ctx), MH_ERR_STATE, "a finished run cannot run again");
    mh_sim_destroy(&a);
    mh_sim_destroy(&b);
    mh_sim_destroy(&ref);
    mh_config_destroy(&cfg);
}

/* A saved state that does not fit the configuration is refused with a message, and the
 * simulation is left as it was (it still runs to the uninterrupted result). */
Test(sim, restore_rejects_a_state_that_does_not_fit, .timeout = 240)
{
    mh_config *cfg = mh_test_config(short_run);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_sim *a = NULL, *b = NULL;
    cr_assert_eq(mh_build_sim(cfg, &ctx, &a), MH_OK, "%s", ctx.msg);
    double day = 3.0;
    mh_sink sink = {NULL, stop_after, &day};
    cr_assert_eq(mh_sim_run(a, &sink, &ctx), MH_ERR_STOPPED);
    mh_sim_state good;
    mh_sim_get_state(a, &good);
    size_t np = 0;
    const mh_puncture *p = mh_sim_punctures(a, &np);
    const mh_series *s = mh_sim_series(a);
    const double *const *u = (const double *const *)mh_sim_fields(a)->u;
    const double *kc = mh_sim_closure_rates(a);
    const double *wo = mh_sim_lumen_weights(a);
    cr_assert_eq(mh_build_sim(cfg, &ctx, &b), MH_OK, "%s", ctx.msg);

    struct {
        const char *what;
        mh_sim_state st;
        size_t nt;
    } bad[] = {
        {"sessions", good, s->nt},     {"snapshots", good, s->nt},
        {"time outside", good, s->nt}, {"series does not end", good, s->nt - 1},
        {"next step", good, s->nt},
    };
    bad[0].st.sessions_done = 2; /* session 2 is on day 14 */
    bad[1].st.snapshots_done = 0;
    bad[2].st.t_days = 31.0;
    bad[4].st.dt_days = -1.0;
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        mh_ctx_init(&ctx);
        cr_assert_eq(mh_sim_restore(b, &bad[k].st, u, kc, wo, p, np, s->data, bad[k].nt, "ckpt.h5", &ctx), MH_ERR_INPUT,
                     "case %zu accepted", k);
        cr_assert(strstr(ctx.msg, "ckpt.h5") && strstr(ctx.msg, bad[k].what), "case %zu: %s", k, ctx.msg);
    }
    /* a NaN in a field */
    double *f0 = malloc(mh_sim_grid(a)->ncell * sizeof *f0);
    memcpy(f0, u[0], mh_sim_grid(a)->ncell * sizeof *f0);
    f0[7] = NAN;
    const double *u2[MH_NSPECIES];
    for (int sp = 0; sp < MH_NSPECIES; sp++)
        u2[sp] = sp == 0 ? f0 : u[sp];
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_sim_restore(b, &good, u2, kc, wo, p, np, s->data, s->nt, "ckpt.h5", &ctx), MH_ERR_INPUT);
    cr_assert(strstr(ctx.msg, "non-finite"), "%s", ctx.msg);
    free(f0);
    /* b was left untouched: it runs from day 0 to the result of an uninterrupted run */
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_sim_run(b, NULL, &ctx), MH_OK, "%s", ctx.msg);
    mh_sim *ref = mh_test_run(cfg);
    assert_same_run(ref, b);
    mh_sim_destroy(&ref);
    mh_sim_destroy(&a);
    mh_sim_destroy(&b);
    mh_config_destroy(&cfg);
}

/* A NaN in the state stops the run at once (no step shortening) with the field, place and time,
 * and the fault record points at the cell. */
Test(sim, nan_in_a_field_stops_the_run_with_its_location, .timeout = 60)
{
    mh_config *cfg = mh_test_config(short_run);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_sim *sim = NULL;
    cr_assert_eq(mh_build_sim(cfg, &ctx, &sim), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_sim_setup(sim, &ctx), MH_OK, "%s", ctx.msg);
    const mh_grid *g = mh_sim_grid(sim);
    size_t cell = mh_idx(g, 37, 0, 50); /* reticular dermis, x = 0.75 mm, depth = 1.01 mm */
    /* fault injection: the fields struct is const, the arrays it points to are not */
    mh_sim_fields(sim)->u[MH_S_C1][cell] = NAN;
    cr_assert_eq(mh_sim_run(sim, NULL, &ctx), MH_ERR_NUMERIC);
    const mh_sim_fault *f = mh_sim_get_fault(sim);
    cr_assert_not_null(f);
    cr_assert(f->non_finite);
    cr_assert_float_eq(f->t_days, 0.0, 0.0);
    cr_assert_eq(f->cell, cell, "fault at cell %zu, injected at %zu", f->cell, cell);
    long acc, rej;
    mh_sim_steps(sim, &acc, &rej);
    cr_assert(acc == 0 && rej == 0, "%ld accepted, %ld rejected", acc, rej);
    cr_assert(strstr(ctx.msg, "non-finite") && strstr(ctx.msg, mh_species_name((mh_species)f->species)) &&
                  strstr(ctx.msg, "x = 0.7500 mm") && strstr(ctx.msg, "depth = 1.0100 mm") &&
                  strstr(ctx.msg, "t = 0.000000 day"),
              "%s", ctx.msg);
    mh_sim_destroy(&sim);
    mh_config_destroy(&cfg);
}
