/* src/engine: the numerical engine, on plain parameter structs; no configuration, no HDF5, no printing. */
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
#include "mh_units.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MH_LAND_AHEAD 8.0 /* steps before an event from which the steps are evened out */
/* The step controller (the header above; papers/performance.md, "Time-step control"). */
#define MH_REJECT_FACTOR 2.0 /* a step whose change exceeds this x tol is rejected */
#define MH_SAFETY 0.9        /* the next step aims at this x tol */
#define MH_SHRINK_MIN 0.2    /* a step shrinks to no less than this x itself */
#define MH_GROW_MAX 2.0      /* and grows to no more than this */
#define MH_LAND_STRETCH 1.05 /* the steps that land on an event: at most this x the controller's */

struct mh_sim {
    mh_sim_params p; /* as given to mh_sim_create */
    mh_grid *grid;
    mh_model_params par;
    double *D[MH_NSPECIES]; /* diffusivity profiles, until mh_sim_setup hands them to the stepper */
    size_t cell_bytes;
    /* per-cell arrays (mh_sim_setup) */
    mh_fields *u;
    mh_stepper *stepper;
    mh_model_aux aux;
    double *obs_work; /* mh_observe's per-row sums */
    int nsessions;
    double session_days[MH_MAX_SESSIONS];
    mh_device dev[MH_MAX_SESSIONS];
    mh_delivery del; /* the applied compound and when it is on the skin */
    mh_puncture *punct;
    size_t npunct;
    mh_series series;
    mh_sim_state st; /* time, controller, events passed, step counts, observables' reference */
    mh_sim_fault fault;
    mh_summary summary;
    bool set_up, started, have_fault, have_summary;
};

/* The applied compound: its coefficients in the model's parameters (they need the grid's stratum
 * corneum rows). */
static mh_status setup_delivery(mh_sim *s, mh_ctx *ctx)
{
    mh_status st = mh_delivery_resolve(&s->p.delivery, s->session_days, s->dev, s->nsessions, s->par.s_GB, s->par.k_G,
                                       &s->del, ctx);
    if (st != MH_OK)
        return st;
    int n_sc = 0;
    while (n_sc < s->grid->nz && s->grid->layer[n_sc] == MH_LAYER_SC)
        n_sc++;
    mh_model_params *p = &s->par;
    p->compound = s->del.compound != MH_CMP_NONE;
    p->D_Q = s->del.compound == MH_CMP_NONE ? 0.0 : s->del.D_tissue_cm2_s * MH_MM2_PER_CM2 * MH_SECONDS_PER_DAY;
    mh_delivery_sc(&s->del, s->grid->dx_mm, n_sc, &p->D_Q_sc, &p->s_top);
    p->k_ex = s->del.k_ex_per_day;
    p->k_clr = s->del.k_clr_per_day;
    p->k_deg = s->del.k_deg_per_day;
    p->g_prp = s->del.g_prp_per_day;
    return MH_OK;
}

/* Sets the parameters that change with time for a step over (t0, t1): whether the compound is on
 * the skin and whether needles hold the channels open (steps land on the times where either
 * changes, so the midpoint decides). */
static void set_step_flags(mh_sim *s, double t0, double t1)
{
    const double mid = 0.5 * (t0 + t1);
    s->par.a_on = mh_delivery_on(&s->del, t0, t1) ? 1.0 : 0.0;
    /* the film's concentration: what is left of its dose after what entered since it was applied (at
     * the start of the step, from the series: explicit in time) */
    s->par.c_film = 0.0;
    for (int k = 0; k < s->del.nsessions && s->par.a_on > 0.0; k++)
        if (s->del.on_days[k] <= mid && mid < s->del.off_days[k]) {
            const double in = mh_series_at(&s->series, MH_OBS_Q_DELIVERED, t0) -
                              mh_series_at(&s->series, MH_OBS_Q_DELIVERED, s->del.on_days[k]);
            s->par.c_film = isnan(in) ? 1.0 : fmax(0.0, 1.0 - in / s->del.dose_ug_cm2);
        }
    s->par.hold = 0.0;
    s->par.occl = 0.0;
    for (int k = 0; k < s->nsessions; k++) {
        if (s->session_days[k] <= mid && mid < s->session_days[k] + s->dev[k].wear_time_days)
            s->par.hold = s->par.occl = 1.0; /* a patch occludes while it is worn */
        if (s->session_days[k] <= mid && mid < s->session_days[k] + s->p.occlusion_days)
            s->par.occl = 1.0;
    }
}

/* The first time after t at which set_step_flags changes its answer (INFINITY if none). */
static double next_flag_change(const mh_sim *s, double t)
{
    double next = mh_delivery_next_event(&s->del, t);
    for (int k = 0; k < s->nsessions; k++) {
        const double end = s->session_days[k] + s->dev[k].wear_time_days;
        if (s->dev[k].wear_time_days > 0.0 && end > t && end < next)
            next = end;
        const double off = s->session_days[k] + s->p.occlusion_days;
        if (s->p.occlusion_days > 0.0 && off > t && off < next)
            next = off;
    }
    return next;
}

/* The first thing wrong with the values of p that no resolver below checks, or NULL. */
static const char *bad_params(const mh_sim_params *p)
{
    if (!(p->days > 0.0 && isfinite(p->days)))
        return "days: not positive and finite";
    if (p->nsessions < 1 || p->nsessions > MH_MAX_SESSIONS)
        return "nsessions: not 1 to MH_MAX_SESSIONS";
    for (int k = 0; k < p->nsessions; k++)
        if (!(isfinite(p->session_days[k]) && p->session_days[k] >= (k > 0 ? p->session_days[k - 1] : 0.0)))
            return "session_days: not finite, non-negative and non-decreasing";
    if (p->nsnapshots < 0 || p->nsnapshots > MH_MAX_DAYS)
        return "nsnapshots: not 0 to MH_MAX_DAYS";
    for (int k = 0; k < p->nsnapshots; k++)
        if (!(isfinite(p->snapshot_days[k]) && p->snapshot_days[k] >= (k > 0 ? p->snapshot_days[k - 1] : 0.0)))
            return "snapshot_days: not finite, non-negative and increasing";
    const mh_solver_params *v = &p->solver;
    if (!(v->tol > 0.0 && v->atol > 0.0 && v->dt_min_s > 0.0 && v->dt_initial_s >= v->dt_min_s &&
          v->dt_max_h * MH_SECONDS_PER_HOUR >= v->dt_initial_s && isfinite(v->tol + v->atol + v->dt_max_h)))
        return "solver: not 0 < dt_min_s <= dt_initial_s <= dt_max_h, with tol and atol positive";
    if (!(p->occlusion_days >= 0.0 && isfinite(p->occlusion_days)))
        return "occlusion_days: not finite and non-negative";
    const mh_summary_params *m = &p->summary;
    if (m->n_sun < 0 || m->n_sun > MH_MAX_DAYS || m->n_water < 0 || m->n_water > MH_MAX_DAYS)
        return "summary: n_sun or n_water not 0 to MH_MAX_DAYS";
    return NULL;
}

/* Every session with needles realises its requested density within MH_DENSITY_TOLERANCE on the grid. */
static mh_status check_density(const mh_sim *s, mh_ctx *ctx)
{
    const mh_grid *g = s->grid;
    mh_status st = MH_OK;
    for (int k = 0; k < s->nsessions && st == MH_OK; k++)
        st = mh_device_check_density(&s->dev[k], k + 1, g->dims, g->width_mm, g->length_mm, ctx);
    return st;
}

mh_status mh_sim_create(const mh_sim_params *p, mh_ctx *ctx, mh_sim **out)
{
    *out = NULL;
    const char *bad = bad_params(p);
    if (bad != NULL)
        return MH_ERROR(ctx, MH_ERR_INPUT, "simulation parameters: %s", bad);
    mh_sim *s = calloc(1, sizeof *s);
    if (s == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (simulation)");
    s->p = *p;
    mh_status st;
    s->nsessions = p->nsessions;
    memcpy(s->session_days, p->session_days, (size_t)p->nsessions * sizeof *p->session_days);
    for (int k = 0; k < s->nsessions; k++)
        if ((st = mh_device_resolve(&p->device[k], &s->dev[k], ctx)) != MH_OK) {
            mh_ctx_prefix(ctx, "session %d: ", k + 1);
            goto fail;
        }

    mh_skin skin;
    if ((st = mh_skin_column(&p->skin, &skin, ctx)) != MH_OK)
        goto fail;
    for (int k = 0; k < s->nsessions; k++)
        if (s->dev[k].depth_mm >= skin.top_mm[MH_LAYER_COUNT]) {
            st = MH_ERROR(ctx, MH_ERR_INPUT,
                          "session %d reaches %.3f mm (needle length x penetration fraction), below the simulated "
                          "skin (%.3f mm)",
                          k + 1, s->dev[k].depth_mm, skin.top_mm[MH_LAYER_COUNT]);
            goto fail;
        }
    int nx = 0, ny = 0, nz = 0;
    double cells = 0.0;
    (void)mh_grid_shape(&p->grid, &skin, &nx, &ny, &nz, &cells); /* its faults: mh_grid_create's */
    const double width = nx * (p->grid.dx_um * MH_MM_PER_UM);    /* as mh_grid_create sets it */
    if ((st = mh_grid_create(&p->grid, &skin, mh_sim_strip_mm(s->dev, s->nsessions, width), ctx, &s->grid)) != MH_OK)
        goto fail;
    if ((st = check_density(s, ctx)) != MH_OK)
        goto fail;
    s->par = p->model;
    if ((st = setup_delivery(s, ctx)) != MH_OK)
        goto fail;
    if ((st = mh_model_diffusion_profiles(&s->par, s->grid, s->D, ctx)) != MH_OK)
        goto fail;
    /* state (MH_NSPECIES fields), the closure rates and lumen weights, the stepper's per-cell buffers */
    s->cell_bytes =
        (MH_NSPECIES + 2) * s->grid->ncell * sizeof(double) + mh_step_cell_bytes(s->grid, (const double *const *)s->D);
    s->st.dt_days = p->solver.dt_initial_s / MH_SECONDS_PER_DAY;
    *out = s;
    return MH_OK;
fail:
    mh_sim_destroy(&s);
    return st;
}

double mh_sim_strip_mm(const mh_device *dev, int nsessions, double width_mm)
{
    int first = 0; /* the first session with needles sets the strip of a 2-D section */
    while (first + 1 < nsessions && dev[first].type == MH_DEV_NONE)
        first++;
    return mh_device_strip_mm(dev[first].density_per_cm2, width_mm);
}

mh_status mh_sim_setup(mh_sim *s, mh_ctx *ctx)
{
    if (s->set_up)
        return MH_OK;
    mh_fields *u = NULL;
    mh_stepper *stepper = NULL;
    double *k_close = mh_alloc_doubles(s->grid->ncell), *w_open = mh_alloc_doubles(s->grid->ncell);
    double *obs_work = mh_alloc_doubles(mh_observe_work_size(s->grid));
    mh_status st = k_close != NULL && w_open != NULL && obs_work != NULL
                       ? MH_OK
                       : MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (work arrays)");
    if (st == MH_OK)
        st = mh_fields_create(s->grid->ncell, ctx, &u);
    if (st == MH_OK)
        st = mh_step_create(s->grid, (const double *const *)s->D, ctx, &stepper); /* copies D */
    if (st != MH_OK) {
        mh_free(k_close);
        mh_free(w_open);
        mh_free(obs_work);
        mh_fields_destroy(&u);
        return st;
    }
    mh_model_diffusion_profiles_clear(s->D);
    s->u = u;
    s->stepper = stepper;
    s->aux.k_close = k_close;
    s->aux.w_open = w_open;
    s->obs_work = obs_work;
    mh_model_baseline(s->grid, s->u);
    s->set_up = true;
    return MH_OK;
}

void mh_sim_destroy(mh_sim **sim)
{
    if (sim == NULL || *sim == NULL)
        return;
    mh_sim *s = *sim;
    mh_grid_destroy(&s->grid);
    mh_model_diffusion_profiles_clear(s->D);
    mh_fields_destroy(&s->u);
    mh_step_destroy(&s->stepper);
    mh_free(s->aux.k_close);
    mh_free(s->aux.w_open);
    mh_free(s->obs_work);
    free(s->punct);
    mh_series_clear(&s->series);
    mh_summary_clear(&s->summary);
    free(s);
    *sim = NULL;
}

/* Session k (0-based): generate its punctures and wound the tissue. */
static mh_status apply_session(mh_sim *s, int k, mh_ctx *ctx)
{
    const mh_grid *g = s->grid;
    mh_puncture *p = NULL;
    size_t n = 0;
    mh_status st = g->dims == 3
                       ? mh_device_punctures(&s->dev[k], g->width_mm, g->length_mm, s->p.seed, k + 1, ctx, &p, &n)
                       : mh_device_section_punctures(&s->dev[k], g->width_mm, s->p.seed, k + 1, ctx, &p, &n);
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
    mh_model_wound(g, &s->par, p, n, s->u, &s->aux, &s->st.ref.surface_cells);
    s->st.ref.deficit = mh_observe_deficit(g, s->u);
    free(p);
    return MH_OK;
}

static mh_status record(mh_sim *s, double t, double dt, mh_ctx *ctx)
{
    double row[MH_OBS_COUNT];
    row[MH_OBS_T] = t;
    row[MH_OBS_DT] = dt;
    mh_observe(s->grid, &s->par, &s->aux, s->u, &s->st.ref, s->del.c0_mg_ml, s->obs_work, row);
    /* the running integrals: the step's rates at its end (the reaction step is implicit in Q) */
    const double *prev = s->series.nt > 0 ? s->series.data + (s->series.nt - 1) * MH_OBS_COUNT : NULL;
    row[MH_OBS_Q_DELIVERED] = (prev != NULL ? prev[MH_OBS_Q_DELIVERED] : 0.0) + dt * row[MH_OBS_Q_INFLUX];
    row[MH_OBS_Q_REMOVED] = (prev != NULL ? prev[MH_OBS_Q_REMOVED] : 0.0) + dt * row[MH_OBS_Q_LOSS];
    return mh_series_append(&s->series, row, ctx);
}

/* Records a numerical fault at cell of species sp (the last accepted state is at s->st.t_days) and
 * returns its MH_ERR_NUMERIC with the message. */
static mh_status fault(mh_sim *s, bool non_finite, int sp, size_t cell, double h, mh_ctx *ctx)
{
    const mh_grid *g = s->grid;
    size_t plane = (size_t)g->nx * (size_t)g->ny;
    int i = (int)(cell % (size_t)g->nx), j = (int)((cell / (size_t)g->nx) % (size_t)g->ny);
    int k = (int)(cell / plane);
    s->fault = (mh_sim_fault){
        non_finite,           sp,           cell, (i + 0.5) * g->dx_mm, g->dims == 3 ? (j + 0.5) * g->dx_mm : 0.0,
        (k + 0.5) * g->dx_mm, s->st.t_days, h};
    s->have_fault = true;
    const mh_sim_fault *f = &s->fault;
    return MH_ERROR(ctx, MH_ERR_NUMERIC,
                    "%s in field %s at x = %.4f mm, y = %.4f mm, depth = %.4f mm, t = %.6f day (step of %.3g s)",
                    non_finite ? "non-finite value (NaN or Inf)" : "time step fell below solver.dt_min_s",
                    mh_species_name((mh_species)sp), f->x_mm, f->y_mm, f->depth_mm, f->t_days, h * MH_SECONDS_PER_DAY);
}

/* The events at the state's time: the sessions due (each restarts the step at dt_initial_s), the row
 * of the series recorded at them, then the snapshots due. */
static mh_status apply_events(mh_sim *s, const mh_sink *sink, mh_ctx *ctx)
{
    mh_sim_state *c = &s->st;
    const double *snap = s->p.snapshot_days;
    mh_status st;
    /* sessions first, then the snapshot of the wounded state */
    bool event = false;
    while (c->sessions_done < s->nsessions && s->session_days[c->sessions_done] <= c->t_days) {
        if ((st = apply_session(s, c->sessions_done, ctx)) != MH_OK)
            return st;
        c->sessions_done++;
        c->dt_days = s->p.solver.dt_initial_s / MH_SECONDS_PER_DAY;
        event = true;
    }
    set_step_flags(s, c->t_days, c->t_days); /* the rates of the row recorded at the events */
    if (s->series.nt == 0 || event)
        if ((st = record(s, c->t_days, 0.0, ctx)) != MH_OK)
            return st;
    while (c->snapshots_done < s->p.nsnapshots && snap[c->snapshots_done] <= c->t_days) {
        if (snap[c->snapshots_done] <= s->p.days && sink != NULL && sink->snapshot != NULL)
            if ((st = sink->snapshot(sink->user, c->t_days, s->grid, &s->par, s->u, ctx)) != MH_OK)
                return st;
        c->snapshots_done++;
    }
    return MH_OK;
}

/* The time of the next event after the state's: the end, a session, a snapshot, or a change of the
 * compound's or the needles' presence. */
static double next_event(const mh_sim *s)
{
    const mh_sim_state *c = &s->st;
    double t_next = s->p.days;
    if (c->sessions_done < s->nsessions && s->session_days[c->sessions_done] < t_next)
        t_next = s->session_days[c->sessions_done];
    if (c->snapshots_done < s->p.nsnapshots && s->p.snapshot_days[c->snapshots_done] < t_next)
        t_next = s->p.snapshot_days[c->snapshots_done];
    return fmin(t_next, next_flag_change(s, c->t_days));
}

/* Attempts steps towards t_next until one is accepted (the header's controller), and records it. A
 * rejected attempt leaves the state as it was; MH_ERR_NUMERIC (fault) on a non-finite value or when
 * a step of dt_min_s is rejected. */
static mh_status take_step(mh_sim *s, double t_next, mh_ctx *ctx)
{
    const mh_solver_params *sp = &s->p.solver;
    const double tol = sp->tol, atol = sp->atol;
    const double dt_min = sp->dt_min_s / MH_SECONDS_PER_DAY, dt_max = sp->dt_max_h / MH_HOURS_PER_DAY;
    mh_sim_state *c = &s->st; /* the loop's state lives in the simulation, so that a stopped run goes on */
    mh_status st;
    /* the largest step allowed: dt_max and the chemotaxis limit of the current state (which a
     * rejected attempt leaves as it was) */
    const double h_max = fmin(dt_max, mh_model_chemotaxis_dt_limit(s->grid, &s->par, s->u));
    for (;;) {
        double h = fmin(c->dt_days, h_max);
        bool lands = false;
        /* Approach the event in equal steps: within MH_LAND_AHEAD steps of it, the n steps left
         * are (t_next - t) / n each, at most 5 % longer than the controller's and never beyond
         * h_max (the chemotaxis positivity bound). A step cut short at once would be rejected
         * more often than not: the split step's quasi-steady states of fast species depend on
         * the step, so an abrupt cut alone changes them by more than 2 tol (papers/performance.md,
         * "Time-step control"). */
        const double rest = t_next - c->t_days, h_cap = fmin(MH_LAND_STRETCH * h, h_max);
        if (rest <= MH_LAND_AHEAD * h_cap) {
            const double n = ceil(rest / h_cap);
            lands = n <= 1.0;
            h = lands ? rest : rest / n;
        }
        set_step_flags(s, c->t_days, lands ? t_next : c->t_days + h);
        mh_change ch;
        if ((st = mh_step_try(s->stepper, &s->par, &s->aux, s->u, h, atol, &ch, ctx)) != MH_OK)
            return st;
        const double change = ch.value;
        /* a non-finite value is a fault, not a step to shorten: the Patankar and implicit
         * sub-steps keep finite non-negative data finite for any step */
        if (!isfinite(change))
            return fault(s, true, ch.species, ch.cell, h, ctx);
        if (change > MH_REJECT_FACTOR * tol) {
            c->rejected++;
            if (h <= dt_min * (1.0 + 1e-12))
                return fault(s, false, ch.species, ch.cell, h, ctx);
            c->dt_days = fmax(dt_min, h * fmax(MH_SHRINK_MIN, MH_SAFETY * tol / change));
            continue;
        }
        if ((st = mh_step_accept(s->stepper, s->u, ctx)) != MH_OK)
            return st;
        c->accepted++;
        c->t_days = lands ? t_next : c->t_days + h;
        /* the next step scales from this one, also after an event reached in even steps (a jump
         * back to a longer step would shift the quasi-steady states as a cut does) */
        c->dt_days =
            change > 0.0 ? h * fmin(MH_GROW_MAX, fmax(MH_SHRINK_MIN, MH_SAFETY * tol / change)) : MH_GROW_MAX * h;
        return record(s, c->t_days, h, ctx);
    }
}

/* The summary of the finished run (mh_summary_compute). */
static mh_status summarise(mh_sim *s, mh_ctx *ctx)
{
    const mh_summary_params *m = &s->p.summary;
    const mh_summary_settings set = {.closure_fraction = m->closure_fraction,
                                     .erythema_visible = m->erythema_visible,
                                     .reepi_fraction = m->reepi_fraction,
                                     .delivery_end = s->del.nsessions > 0 ? s->del.off_days : NULL,
                                     .sun_days = m->sun_days,
                                     .n_sun = m->n_sun,
                                     .sun_dose_med = m->sun_dose_med,
                                     .pih_weight = m->pih_weight,
                                     .water_days = m->water_days,
                                     .n_water = m->n_water,
                                     .water_hours = m->water_hours};
    mh_status st = mh_summary_compute(&s->series, s->session_days, s->nsessions, &set, &s->summary, ctx);
    if (st == MH_OK)
        s->have_summary = true;
    return st;
}

mh_status mh_sim_run(mh_sim *s, const mh_sink *sink, mh_ctx *ctx)
{
    if (s->have_summary)
        return MH_ERROR(ctx, MH_ERR_STATE, "mh_sim_run: the run has already ended");
    mh_status st = mh_sim_setup(s, ctx);
    if (st != MH_OK)
        return st;
    s->started = true;
    s->have_fault = false;
    for (;;) {
        if ((st = apply_events(s, sink, ctx)) != MH_OK)
            return st;
        if (s->st.t_days >= s->p.days)
            return summarise(s, ctx);
        if ((st = take_step(s, next_event(s), ctx)) != MH_OK)
            return st;
        if (sink != NULL && sink->step != NULL && (st = sink->step(sink->user, s, ctx)) != MH_OK)
            return st;
    }
}

/* mh_sink.step of mh_sim_probe: stops the run at its first step accepted after the first session. The
 * status is returned bare (no message recorded): it is the probe's own stop, not an error. */
static mh_status probe_step(void *user, const mh_sim *s, mh_ctx *ctx)
{
    (void)user;
    (void)ctx;
    return s->st.sessions_done > 0 ? MH_ERR_STOPPED : MH_OK;
}

mh_status mh_sim_probe(mh_sim *s, mh_ctx *ctx)
{
    if (s->started)
        return MH_ERROR(ctx, MH_ERR_STATE, "mh_sim_probe: the run has started");
    const mh_sink sink = {NULL, probe_step, NULL};
    const mh_status st = mh_sim_run(s, &sink, ctx);
    return st == MH_ERR_STOPPED ? MH_OK : st;
}

void mh_sim_get_state(const mh_sim *s, mh_sim_state *out) { *out = s->st; }
const double *mh_sim_closure_rates(const mh_sim *s) { return s->aux.k_close; }
const double *mh_sim_lumen_weights(const mh_sim *s) { return s->aux.w_open; }
const mh_sim_fault *mh_sim_get_fault(const mh_sim *s) { return s->have_fault ? &s->fault : NULL; }

/* True when every one of n values is finite and, if nonneg, not negative. */
static bool all_finite(const double *v, size_t n, bool nonneg)
{
    bool ok = true;
    for (size_t q = 0; q < n; q++)
        ok &= isfinite(v[q]) && (!nonneg || v[q] >= 0.0);
    return ok;
}

/* The first k in [0, n) with x[k] > t (x increasing), i.e. how many entries are at or before t. */
static int count_upto(const double *x, int n, double t)
{
    int k = 0;
    while (k < n && x[k] <= t)
        k++;
    return k;
}

mh_status mh_sim_restore(mh_sim *s, const mh_sim_state *st, const double *const u[MH_NSPECIES], const double *k_close,
                         const double *w_open, const mh_puncture *p, size_t np, const double *series, size_t nt,
                         const char *origin, mh_ctx *ctx)
{
    if (s->started)
        return MH_ERROR(ctx, MH_ERR_STATE, "mh_sim_restore: the simulation has already run");
    const double t = st->t_days, t_end = s->p.days;
    const double *snap = s->p.snapshot_days;
    const int nsnap = s->p.nsnapshots;
    const size_t ncell = s->grid->ncell;
    /* sessions and snapshots passed: those strictly before t always, one at t when the state is
     * before the events at t (a checkpoint after the step that reached it) or after them */
    const int ses_lo = count_upto(s->session_days, s->nsessions, nextafter(t, -INFINITY));
    const int ses_hi = count_upto(s->session_days, s->nsessions, t);
    const int snap_lo = count_upto(snap, nsnap, nextafter(t, -INFINITY)), snap_hi = count_upto(snap, nsnap, t);
    const char *bad = NULL;
    if (!(isfinite(t) && t >= 0.0 && t <= t_end))
        bad = "time outside [0, simulation.days]";
    else if (!(isfinite(st->dt_days) && st->dt_days > 0.0))
        bad = "next step not positive";
    else if (st->sessions_done < ses_lo || st->sessions_done > ses_hi)
        bad = "sessions applied do not match the schedule at its time";
    else if (st->snapshots_done < snap_lo || st->snapshots_done > snap_hi)
        bad = "snapshots taken do not match output.snapshot_days at its time";
    else if (st->accepted < 0 || st->rejected < 0)
        bad = "negative step counts";
    else if (!(isfinite(st->ref.deficit) && st->ref.deficit >= 0.0) || st->ref.surface_cells > ncell)
        bad = "observables' reference out of range";
    else if (!all_finite(k_close, ncell, true))
        bad = "closure rates not finite and non-negative";
    else if (!all_finite(w_open, ncell, true))
        bad = "lumen weights not finite and non-negative";
    else if (nt == 0 ? st->sessions_done > 0 || t > 0.0 : series[(nt - 1) * MH_OBS_COUNT + MH_OBS_T] != t)
        bad = "series does not end at its time";
    for (int sp = 0; sp < MH_NSPECIES && bad == NULL; sp++)
        if (!all_finite(u[sp], ncell, false))
            bad = "a field with a non-finite value";
    for (size_t r = 0; r < nt && bad == NULL; r++) {
        double tr = series[r * MH_OBS_COUNT + MH_OBS_T];
        if (!isfinite(tr) || (r > 0 && tr < series[(r - 1) * MH_OBS_COUNT + MH_OBS_T]))
            bad = "series times not finite and increasing";
    }
    for (size_t q = 0; q < np && bad == NULL; q++)
        if (p[q].session < 1 || p[q].session > st->sessions_done || (q > 0 && p[q].session < p[q - 1].session) ||
            !(isfinite(p[q].x_mm) && isfinite(p[q].y_mm) && p[q].depth_mm > 0.0 && p[q].radius_mm > 0.0 &&
              isfinite(p[q].depth_mm) && isfinite(p[q].radius_mm)))
            bad = "punctures do not match the sessions applied";
    if (bad != NULL)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: the saved state does not fit this configuration: %s (t = %g day)",
                        origin, bad, t);

    mh_puncture *pc = malloc((np + 1) * sizeof *pc);
    double *sd = malloc((nt + 1) * MH_OBS_COUNT * sizeof *sd);
    mh_status rc =
        pc != NULL && sd != NULL ? mh_sim_setup(s, ctx) : MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (restore)");
    if (rc != MH_OK) {
        free(pc);
        free(sd);
        return rc;
    }
    for (int sp = 0; sp < MH_NSPECIES; sp++)
        memcpy(s->u->u[sp], u[sp], ncell * sizeof(double));
    memcpy(s->aux.k_close, k_close, ncell * sizeof(double));
    memcpy(s->aux.w_open, w_open, ncell * sizeof(double));
    if (np > 0)
        memcpy(pc, p, np * sizeof *p);
    if (nt > 0)
        memcpy(sd, series, nt * MH_OBS_COUNT * sizeof *sd);
    free(s->punct);
    s->punct = pc;
    s->npunct = np;
    mh_series_clear(&s->series);
    s->series = (mh_series){nt, nt + 1, sd};
    s->st = *st;
    return MH_OK;
}

const mh_grid *mh_sim_grid(const mh_sim *s) { return s->grid; }
const mh_fields *mh_sim_fields(const mh_sim *s) { return s->u; }
const mh_model_params *mh_sim_model_params(const mh_sim *s) { return &s->par; }
const mh_series *mh_sim_series(const mh_sim *s) { return &s->series; }
const mh_summary *mh_sim_summary(const mh_sim *s) { return s->have_summary ? &s->summary : NULL; }
const mh_device *mh_sim_devices(const mh_sim *s) { return s->dev; }
const mh_sim_params *mh_sim_get_params(const mh_sim *s) { return &s->p; }

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

size_t mh_sim_cell_bytes(const mh_sim *s) { return s->cell_bytes; }

void mh_sim_steps(const mh_sim *s, long *accepted, long *rejected)
{
    *accepted = s->st.accepted;
    *rejected = s->st.rejected;
}
