/* mh_sim: the time loop. Each step is one Lie-split step (mh_step): chemotaxis (explicit, limited
 * upwind), reactions (Patankar-Euler), then LOD diffusion of K, H, I, G and F. The step adapts to the largest
 * relative change of any field, max |u_new - u| / (|u| + atol), aimed at solver.tol:
 * a step above 2 tol is rejected and the state left untouched; the next step is
 * dt * clamp(0.9 tol / change, 0.2, 2). Steps land exactly on sessions and snapshots, reached in
 * even steps over the last MH_LAND_AHEAD steps (an abrupt cut of the step shifts the split scheme's
 * quasi-steady states of fast-diffusing species and is rejected, then cut again: a cascade);
 * they restart at solver.dt_initial_s after each session and never exceed solver.dt_max_h. */
#include "mh_sim.h"

#include "mh_step.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MH_LAND_AHEAD 8.0 /* steps before an event from which the steps are evened out */

struct mh_sim {
    const mh_config *cfg;
    mh_grid *grid;
    mh_model_params par;
    mh_fields *u;
    mh_stepper *stepper;
    mh_model_aux aux;
    double *obs_work; /* mh_observe's per-row sums */
    int nsessions;
    double session_days[MH_MAX_SESSIONS];
    mh_device dev[MH_MAX_SESSIONS];
    mh_puncture *punct;
    size_t npunct;
    mh_series series;
    mh_obs_ref ref;
    mh_summary summary;
    bool ran, have_summary;
    long accepted, rejected;
};

mh_status mh_sim_create(const mh_config *cfg, mh_ctx *ctx, mh_sim **out)
{
    *out = NULL;
    mh_status st = mh_config_validate(cfg, ctx);
    if (st != MH_OK)
        return st;
    mh_sim *s = calloc(1, sizeof *s);
    if (s == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (simulation)");
    s->cfg = cfg;

    const double *days = NULL;
    int nd = mh_config_list(cfg, MH_P_SCHED_DAYS, &days);
    if (nd > 0) {
        s->nsessions = nd;
        memcpy(s->session_days, days, (size_t)nd * sizeof *days);
    } else {
        s->nsessions = (int)mh_config_int(cfg, MH_P_SCHED_SESSIONS);
        for (int k = 0; k < s->nsessions; k++)
            s->session_days[k] = k * mh_config_real(cfg, MH_P_SCHED_INTERVAL);
    }
    for (int k = 0; k < s->nsessions; k++)
        if ((st = mh_device_resolve(cfg, k + 1, &s->dev[k], ctx)) != MH_OK)
            goto fail;

    mh_skin skin;
    if ((st = mh_skin_from_config(cfg, &skin, ctx)) != MH_OK)
        goto fail;
    for (int k = 0; k < s->nsessions; k++)
        if (s->dev[k].depth_mm >= skin.top_mm[MH_LAYER_COUNT]) {
            st = MH_ERROR(ctx, MH_ERR_INPUT,
                          "%s: device.needle_length_mm: session %d reaches %.3f mm, below the simulated skin "
                          "(%.3f mm); increase grid.hypodermis_mm",
                          mh_config_origin(cfg, MH_P_DEV_LENGTH), k + 1, s->dev[k].depth_mm,
                          skin.top_mm[MH_LAYER_COUNT]);
            goto fail;
        }
    if ((st = mh_grid_create(cfg, &skin, mh_device_strip_mm(s->dev[0].density_per_cm2), ctx, &s->grid)) != MH_OK)
        goto fail;
    if ((st = mh_model_params_from_config(cfg, &s->par, ctx)) != MH_OK)
        goto fail;
    if ((st = mh_fields_create(s->grid->ncell, ctx, &s->u)) != MH_OK)
        goto fail;
    s->aux.k_close = mh_alloc_doubles(s->grid->ncell);
    s->obs_work = mh_alloc_doubles(mh_observe_work_size(s->grid));
    if (s->aux.k_close == NULL || s->obs_work == NULL) {
        st = MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (work arrays)");
        goto fail;
    }
    double *D[MH_NSPECIES];
    if ((st = mh_model_diffusion_profiles(&s->par, s->grid, D, ctx)) != MH_OK)
        goto fail;
    st = mh_stepper_create(s->grid, (const double *const *)D, ctx, &s->stepper); /* copies D */
    mh_model_diffusion_profiles_free(D);
    if (st != MH_OK)
        goto fail;
    mh_model_baseline(s->grid, s->u);
    *out = s;
    return MH_OK;
fail:
    mh_sim_destroy(&s);
    return st;
}

void mh_sim_destroy(mh_sim **sim)
{
    if (sim == NULL || *sim == NULL)
        return;
    mh_sim *s = *sim;
    mh_grid_destroy(&s->grid);
    mh_fields_destroy(&s->u);
    mh_stepper_destroy(&s->stepper);
    mh_free(s->aux.k_close);
    mh_free(s->obs_work);
    free(s->punct);
    mh_series_free(&s->series);
    mh_summary_free(&s->summary);
    free(s);
    *sim = NULL;
}

/* Session k (0-based): generate its punctures and wound the tissue. */
static mh_status apply_session(mh_sim *s, int k, mh_ctx *ctx)
{
    const mh_grid *g = s->grid;
    double length = g->dims == 3 ? g->length_mm : mh_device_strip_mm(s->dev[k].density_per_cm2);
    mh_puncture *p = NULL;
    size_t n = 0;
    unsigned long seed = (unsigned long)mh_config_int(s->cfg, MH_P_SEED);
    mh_status st = mh_device_punctures(&s->dev[k], g->width_mm, length, seed, k + 1, ctx, &p, &n);
    if (st != MH_OK)
        return st;
    mh_puncture *all = realloc(s->punct, (s->npunct + n + 1) * sizeof *all);
    if (all == NULL) {
        free(p);
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (punctures)");
    }
    if (n > 0)
        memcpy(all + s->npunct, p, n * sizeof *p);
    s->punct = all;
    s->npunct += n;
    mh_model_wound(g, &s->par, p, n, s->u, &s->aux, &s->ref.surface_cells);
    s->ref.deficit = mh_observe_deficit(g, s->u);
    free(p);
    return MH_OK;
}

static mh_status record(mh_sim *s, double t, double dt, mh_ctx *ctx)
{
    double row[MH_OBS_COUNT];
    row[MH_OBS_T] = t;
    row[MH_OBS_DT] = dt;
    mh_observe(s->grid, &s->par, s->u, &s->ref, s->obs_work, row);
    return mh_series_append(&s->series, row, ctx);
}

mh_status mh_sim_run(mh_sim *s, const mh_sink *sink, mh_ctx *ctx)
{
    if (s->ran)
        return MH_ERROR(ctx, MH_ERR_STATE, "mh_sim_run called twice on one simulation");
    s->ran = true;
    const mh_config *cfg = s->cfg;
    const double t_end = mh_config_real(cfg, MH_P_SIM_DAYS);
    const double tol = mh_config_real(cfg, MH_P_SOLV_TOL), atol = mh_config_real(cfg, MH_P_SOLV_ATOL);
    const double dt_init = mh_config_real(cfg, MH_P_SOLV_DT0) / 86400.0;
    const double dt_min = mh_config_real(cfg, MH_P_SOLV_DTMIN) / 86400.0;
    const double dt_max = mh_config_real(cfg, MH_P_SOLV_DTMAX) / 24.0;
    const double *snap = NULL;
    int nsnap = mh_config_list(cfg, MH_P_OUT_SNAP, &snap);
    int next_session = 0, next_snap = 0;
    double t = 0.0, dt = dt_init;
    mh_status st;

    for (;;) {
        /* events at time t: sessions first, then the snapshot of the wounded state */
        bool event = false;
        while (next_session < s->nsessions && s->session_days[next_session] <= t) {
            if ((st = apply_session(s, next_session, ctx)) != MH_OK)
                return st;
            next_session++;
            dt = dt_init;
            event = true;
        }
        if (s->series.nt == 0 || event)
            if ((st = record(s, t, 0.0, ctx)) != MH_OK)
                return st;
        while (next_snap < nsnap && snap[next_snap] <= t) {
            if (snap[next_snap] <= t_end && sink != NULL && sink->snapshot != NULL)
                if ((st = sink->snapshot(sink->user, t, s->grid, &s->par, s->u, ctx)) != MH_OK)
                    return st;
            next_snap++;
        }
        if (t >= t_end)
            break;

        double t_next = t_end;
        if (next_session < s->nsessions && s->session_days[next_session] < t_next)
            t_next = s->session_days[next_session];
        if (next_snap < nsnap && snap[next_snap] < t_next)
            t_next = snap[next_snap];

        /* the largest step allowed: dt_max and the chemotaxis limit of the current state (which a
         * rejected attempt leaves as it was) */
        const double h_max = fmin(dt_max, mh_model_chemotaxis_dt_limit(s->grid, &s->par, s->u));
        for (;;) { /* attempt steps until one is accepted */
            double h = fmin(dt, h_max);
            bool lands = false;
            /* Approach the event in equal steps: within MH_LAND_AHEAD steps of it, the n steps left
             * are (t_next - t) / n each, at most 5 % longer than the controller's and never beyond
             * h_max (the chemotaxis positivity bound). A step cut short at once would be rejected
             * more often than not: the split step's quasi-steady states of fast species depend on
             * the step, so an abrupt cut alone changes them by more than 2 tol (papers/performance.md,
             * "Time-step control"). */
            const double rest = t_next - t, h_cap = fmin(1.05 * h, h_max);
            if (rest <= MH_LAND_AHEAD * h_cap) {
                const double n = ceil(rest / h_cap);
                lands = n <= 1.0;
                h = lands ? rest : rest / n;
            }
            mh_change ch;
            if ((st = mh_stepper_try(s->stepper, &s->par, &s->aux, s->u, h, atol, &ch, ctx)) != MH_OK)
                return st;
            const double change = ch.value;
            const size_t cell = ch.cell;
            const int sp = ch.species;
            if (change > 2.0 * tol) {
                s->rejected++;
                if (h <= dt_min * (1.0 + 1e-12)) {
                    const mh_grid *g = s->grid;
                    size_t plane = (size_t)g->nx * (size_t)g->ny;
                    int i = (int)(cell % (size_t)g->nx), j = (int)((cell / (size_t)g->nx) % (size_t)g->ny);
                    int k = (int)(cell / plane);
                    return MH_ERROR(ctx, MH_ERR_NUMERIC,
                                    "%s in field %s at x = %.4f mm, y = %.4f mm, depth = %.4f mm, t = %.6f day",
                                    isfinite(change) ? "time step fell below solver.dt_min_s" : "non-finite value",
                                    mh_species_name((mh_species)sp), (i + 0.5) * g->dx_mm,
                                    g->dims == 3 ? (j + 0.5) * g->dx_mm : 0.0, (k + 0.5) * g->dx_mm, t);
                }
                dt = fmax(dt_min, h * fmax(0.2, 0.9 * tol / change));
                continue;
            }
            if ((st = mh_stepper_accept(s->stepper, s->u, ctx)) != MH_OK)
                return st;
            s->accepted++;
            t = lands ? t_next : t + h;
            /* the next step scales from this one, also after an event reached in even steps (a jump
             * back to a longer step would shift the quasi-steady states as a cut does) */
            dt = change > 0.0 ? h * fmin(2.0, fmax(0.2, 0.9 * tol / change)) : 2.0 * h;
            if ((st = record(s, t, h, ctx)) != MH_OK)
                return st;
            break;
        }
    }
    st = mh_summary_compute(&s->series, s->session_days, s->nsessions, mh_config_real(cfg, MH_P_OUT_CLOSURE),
                            mh_config_real(cfg, MH_P_OUT_ERY_VIS), mh_config_real(cfg, MH_P_OUT_REEPI), &s->summary,
                            ctx);
    if (st == MH_OK)
        s->have_summary = true;
    return st;
}

const mh_grid *mh_sim_grid(const mh_sim *s) { return s->grid; }
const mh_fields *mh_sim_fields(const mh_sim *s) { return s->u; }
const mh_model_params *mh_sim_params(const mh_sim *s) { return &s->par; }
const mh_series *mh_sim_series(const mh_sim *s) { return &s->series; }
const mh_summary *mh_sim_summary(const mh_sim *s) { return s->have_summary ? &s->summary : NULL; }
const mh_device *mh_sim_devices(const mh_sim *s) { return s->dev; }

const mh_puncture *mh_sim_punctures(const mh_sim *s, size_t *n)
{
    *n = s->npunct;
    return s->punct;
}

const double *mh_sim_session_days(const mh_sim *s, int *n)
{
    *n = s->nsessions;
    return s->session_days;
}

size_t mh_sim_cell_bytes(const mh_sim *s)
{
    /* state (MH_NSPECIES fields), the stepper's per-cell buffers, the closure rates */
    return (MH_NSPECIES + 1) * s->grid->ncell * sizeof(double) + mh_stepper_cell_bytes(s->stepper);
}

void mh_sim_steps(const mh_sim *s, long *accepted, long *rejected)
{
    *accepted = s->accepted;
    *rejected = s->rejected;
}
