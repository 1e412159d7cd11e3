/* src/study: what runs many simulations: sweeps and their designs, targets, calibration, sensitivity. */
/* mh_sensitivity: plans, runs and evaluates one-at-a-time and Morris screenings (see mh_sensitivity.h).
 *
 * The plan is a table of runs x screened parameters holding the value of every screened parameter
 * in every run; a run sets, on a copy of the base configuration, the values that differ from the
 * base. Run 0 is the base run. oat: runs 2i-1, 2i (at most) change parameter i. morris: trajectory
 * t occupies runs 1 + t (k + 1) ... (t + 1)(k + 1), its start point first, then one parameter
 * changed per run. Indices are computed after all runs, in a fixed order. */
#include "mh_sensitivity.h"

#include "mh_build.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mh_sensitivity {
    mh_config *base;
    mh_sensitivity_options opt; /* opt.keys points at keys */
    const char **keys;          /* nparams table keys */
    int nparams;
    mh_sensitivity_param *par;
    int nruns;
    mh_sensitivity_record *rec;
    double *value;        /* nruns x nparams */
    int *run_lo, *run_hi; /* oat: run of the (1 - delta) and (1 + delta) sides, 0 (base) if none */
    int ntraj_runs;       /* morris: runs per trajectory, k + 1 (k = parameters not skipped) */
    int nfailed;
    bool ran;
    double y0[MH_SENS_NOBS];
};

static const struct {
    const char *name, *unit;
    double days;
} obs_info[MH_SENS_NOBS] = {
    {"collagen_gain_d42", "1 (dermis total collagen at day 42 relative to untreated, minus 1)", 42.0},
    {"collagen_gain_d180", "1 (dermis total collagen at day 180 relative to untreated, minus 1)", 180.0},
    {"erythema_days", "day (session 1)", 0.0},
    {"closure_hours", "h (session 1)", 0.0},
    {"reepithelialized_days", "day (session 1)", 0.0},
};

const char *mh_sensitivity_method_name(mh_sensitivity_method m) { return m == MH_SENS_MORRIS ? "morris" : "oat"; }
const char *mh_sensitivity_obs_name(mh_sensitivity_obs o)
{
    return (o >= 0 && o < MH_SENS_NOBS) ? obs_info[o].name : "unknown";
}
const char *mh_sensitivity_obs_unit(mh_sensitivity_obs o)
{
    return (o >= 0 && o < MH_SENS_NOBS) ? obs_info[o].unit : "?";
}
double mh_sensitivity_obs_days(mh_sensitivity_obs o) { return (o >= 0 && o < MH_SENS_NOBS) ? obs_info[o].days : 0.0; }

void mh_sensitivity_options_default(mh_sensitivity_options *o)
{
    memset(o, 0, sizeof *o);
    o->method = MH_SENS_OAT;
    o->obs[0] = MH_SENS_GAIN42;
    o->obs[1] = MH_SENS_GAIN180;
    o->obs[2] = MH_SENS_ERYTHEMA;
    o->nobs = 3;
    o->delta = 0.1;
    o->trajectories = 4;
    o->levels = 4;
    o->range = 0.5;
}

/* ---------- checks ---------- */

static mh_status check_options(const mh_sensitivity_options *o, const mh_config *base, mh_ctx *ctx)
{
    if (o->method != MH_SENS_OAT && o->method != MH_SENS_MORRIS)
        return MH_ERROR(ctx, MH_ERR_INPUT, "sensitivity: unknown method %d", (int)o->method);
    if (!(o->delta > 0.0 && o->delta < 1.0))
        return MH_ERROR(ctx, MH_ERR_INPUT, "sensitivity: delta = %g: must lie in (0, 1)", o->delta);
    if (o->trajectories < 2 || o->trajectories > 1000) /* sigma needs two elementary effects */
        return MH_ERROR(ctx, MH_ERR_INPUT, "sensitivity: trajectories = %d: must lie in [2, 1000]", o->trajectories);
    if (o->levels < 2 || o->levels > 100 || o->levels % 2 != 0)
        return MH_ERROR(ctx, MH_ERR_INPUT, "sensitivity: levels = %d: must be even, in [2, 100]", o->levels);
    if (!(o->range > 0.0 && o->range < 1.0))
        return MH_ERROR(ctx, MH_ERR_INPUT, "sensitivity: range = %g: must lie in (0, 1)", o->range);
    if (o->nobs < 1 || o->nobs > MH_SENS_NOBS)
        return MH_ERROR(ctx, MH_ERR_INPUT, "sensitivity: %d observables: give 1 to %d", o->nobs, MH_SENS_NOBS);
    if (o->keys != NULL && (o->nkeys < 1 || o->nkeys > MH_P_COUNT))
        return MH_ERROR(ctx, MH_ERR_INPUT, "sensitivity: %d parameters: give 1 to %d", o->nkeys, MH_P_COUNT);
    const double days = mh_config_real(base, MH_P_SIM_DAYS);
    for (int i = 0; i < o->nobs; i++) {
        if (o->obs[i] < 0 || o->obs[i] >= MH_SENS_NOBS)
            return MH_ERROR(ctx, MH_ERR_INPUT, "sensitivity: unknown observable %d", (int)o->obs[i]);
        for (int j = 0; j < i; j++)
            if (o->obs[j] == o->obs[i])
                return MH_ERROR(ctx, MH_ERR_INPUT, "sensitivity: observable %s given twice",
                                mh_sensitivity_obs_name(o->obs[i]));
        if (mh_sensitivity_obs_days(o->obs[i]) > days)
            return MH_ERROR(ctx, MH_ERR_INPUT, "%s: simulation.days = %g: observable %s needs at least %g days",
                            mh_config_origin(base, MH_P_SIM_DAYS), days, mh_sensitivity_obs_name(o->obs[i]),
                            mh_sensitivity_obs_days(o->obs[i]));
    }
    return MH_OK;
}

/* ---------- planning ---------- */

static double *run_values(const mh_sensitivity *s, int run) { return s->value + (size_t)run * (size_t)s->nparams; }

static bool in_table_range(const mh_param_info *info, double v) { return v >= info->lo && v <= info->hi; }

/* Sets up record `run`: copies the base values and labels it; the caller changes values. */
static void plan_run(mh_sensitivity *s, int run, int param)
{
    memcpy(run_values(s, run), run_values(s, 0), (size_t)s->nparams * sizeof(double));
    s->rec[run].param = param;
    s->rec[run].status = MH_OK;
    for (int o = 0; o < MH_SENS_NOBS; o++)
        s->rec[run].y[o] = NAN;
}

static void label_change(mh_sensitivity *s, int run, const char *prefix)
{
    int i = s->rec[run].param;
    snprintf(s->rec[run].label, sizeof s->rec[run].label, "%s%s = %.6g", prefix, s->par[i].key, run_values(s, run)[i]);
}

static mh_status plan_oat(mh_sensitivity *s, mh_ctx *ctx)
{
    s->run_lo = calloc((size_t)s->nparams, sizeof *s->run_lo);
    s->run_hi = calloc((size_t)s->nparams, sizeof *s->run_hi);
    if (s->run_lo == NULL || s->run_hi == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (sensitivity plan)");
    const double d = s->opt.delta;
    int run = 1;
    for (int i = 0; i < s->nparams; i++) {
        mh_sensitivity_param *p = &s->par[i];
        if (p->skipped != NULL)
            continue;
        const mh_param_info *info = &mh_param_table()[p->id];
        const double side[2] = {p->base * (1.0 - d), p->base * (1.0 + d)};
        int *slot[2] = {&s->run_lo[i], &s->run_hi[i]};
        for (int k = 0; k < 2; k++) {
            if (!in_table_range(info, side[k]))
                continue; /* this side uses the base run (one-sided difference) */
            plan_run(s, run, i);
            run_values(s, run)[i] = side[k];
            label_change(s, run, "");
            *slot[k] = run++;
        }
        if (s->run_lo[i] == 0 && s->run_hi[i] == 0)
            p->skipped = "both steps leave the table's range";
    }
    s->nruns = run;
    return MH_OK;
}

/* Value of grid level l (0 .. levels-1) on [lo, hi]; the top level is hi exactly. */
static double level_value(double lo, double hi, int l, int levels)
{
    return l == levels - 1 ? hi : lo + (hi - lo) * (double)l / (double)(levels - 1);
}

static mh_status plan_morris(mh_sensitivity *s, mh_ctx *ctx)
{
    const int P = s->opt.levels, jump = P / 2; /* Delta = P / (2 (P - 1)) of the range = P/2 levels */
    const size_t n = (size_t)s->nparams + 1;
    int *active = malloc(n * sizeof *active), *order = malloc(n * sizeof *order), *level = malloc(n * sizeof *level);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    mh_status st = MH_OK;
    if (active == NULL || order == NULL || level == NULL || rng == NULL) {
        st = MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (sensitivity plan)");
        goto done;
    }
    gsl_rng_set(rng, (unsigned long)mh_config_int(s->base, MH_P_SEED));
    int k = 0;
    for (int i = 0; i < s->nparams; i++) {
        mh_sensitivity_param *p = &s->par[i];
        if (p->skipped != NULL)
            continue;
        const mh_param_info *info = &mh_param_table()[p->id];
        double a = p->base * (1.0 - s->opt.range), b = p->base * (1.0 + s->opt.range);
        p->lo = fmax(info->lo, fmin(a, b));
        p->hi = fmin(info->hi, fmax(a, b));
        if (!(p->hi > p->lo))
            p->skipped = "empty range after clipping to the table's range";
        else
            active[k++] = i;
    }
    s->ntraj_runs = k + 1;
    int run = 1;
    for (int t = 0; t < s->opt.trajectories && k > 0; t++) {
        for (int j = 0; j < k; j++)
            level[active[j]] = (int)gsl_rng_uniform_int(rng, (unsigned long)P);
        memcpy(order, active, (size_t)k * sizeof *order); /* the order of trajectory t */
        gsl_ran_shuffle(rng, order, (size_t)k, sizeof *order);
        plan_run(s, run, -1);
        for (int j = 0; j < k; j++) {
            mh_sensitivity_param *p = &s->par[order[j]];
            run_values(s, run)[order[j]] = level_value(p->lo, p->hi, level[order[j]], P);
        }
        snprintf(s->rec[run].label, sizeof s->rec[run].label, "trajectory %d start", t + 1);
        run++;
        for (int j = 0; j < k; j++) {
            int i = order[j];
            level[i] += level[i] < jump ? jump : -jump;
            plan_run(s, run, i);
            memcpy(run_values(s, run), run_values(s, run - 1), (size_t)s->nparams * sizeof(double));
            run_values(s, run)[i] = level_value(s->par[i].lo, s->par[i].hi, level[i], P);
            char prefix[64];
            snprintf(prefix, sizeof prefix, "trajectory %d step %d: ", t + 1, j + 1);
            label_change(s, run, prefix);
            run++;
        }
    }
    s->nruns = run;
done:
    free(active);
    free(order);
    free(level);
    if (rng != NULL)
        gsl_rng_free(rng);
    return st;
}

mh_status mh_sensitivity_create(const mh_config *base, const mh_sensitivity_options *opt, mh_ctx *ctx,
                                mh_sensitivity **out)
{
    *out = NULL;
    mh_status st = check_options(opt, base, ctx);
    if (st != MH_OK)
        return st;
    if ((st = mh_config_validate(base, ctx)) != MH_OK)
        return st;
    const mh_param_info *tab = mh_param_table();
    mh_sensitivity *s = calloc(1, sizeof *s);
    if (s == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (sensitivity)");
    s->opt = *opt;
    int n = 0;
    if (opt->keys != NULL) {
        n = opt->nkeys;
    } else {
        for (int i = 0; i < MH_P_COUNT; i++)
            n += tab[i].type == MH_T_REAL && strncmp(tab[i].key, "model.", 6) == 0;
    }
    s->nparams = n;
    s->keys = calloc((size_t)(n > 0 ? n : 1), sizeof *s->keys);
    s->par = calloc((size_t)(n > 0 ? n : 1), sizeof *s->par);
    if (s->keys == NULL || s->par == NULL) {
        st = MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (sensitivity)");
        goto fail;
    }
    for (int i = 0, j = 0; i < MH_P_COUNT && opt->keys == NULL; i++)
        if (tab[i].type == MH_T_REAL && strncmp(tab[i].key, "model.", 6) == 0)
            s->keys[j++] = tab[i].key;
    for (int i = 0; i < n; i++) {
        int id;
        if ((st = mh_config_check_varied(base, opt->keys != NULL ? opt->keys[i] : s->keys[i], "sensitivity", "", &id,
                                         ctx)) != MH_OK)
            goto fail;
        for (int j = 0; j < i; j++)
            if (s->par[j].id == id) {
                st = MH_ERROR(ctx, MH_ERR_INPUT, "sensitivity: parameter '%s' given twice", tab[id].key);
                goto fail;
            }
        mh_sensitivity_param *p = &s->par[i];
        s->keys[i] = tab[id].key;
        p->key = tab[id].key;
        p->id = id;
        p->base = mh_config_real(base, (mh_param_id)id);
        p->lo = p->hi = p->overall = NAN;
        for (int o = 0; o < MH_SENS_NOBS; o++)
            p->index[o] = p->mu[o] = p->sigma[o] = NAN;
        if (p->base == 0.0)
            p->skipped = "base value is 0: a relative step and a normalised index do not exist";
    }
    s->opt.keys = s->keys;
    s->opt.nkeys = n;
    for (int o = 0; o < MH_SENS_NOBS; o++)
        s->y0[o] = NAN;
    if ((st = mh_config_clone(base, ctx, &s->base)) != MH_OK)
        goto fail;

    /* upper bound of the number of runs, then the plan */
    size_t cap = opt->method == MH_SENS_OAT ? 1 + 2 * (size_t)n : 1 + (size_t)(n + 1) * (size_t)opt->trajectories;
    s->rec = calloc(cap, sizeof *s->rec);
    s->value = calloc(cap * (size_t)(n > 0 ? n : 1), sizeof *s->value);
    if (s->rec == NULL || s->value == NULL) {
        st = MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (sensitivity plan of %zu runs)", cap);
        goto fail;
    }
    for (int i = 0; i < n; i++)
        s->value[i] = s->par[i].base;
    plan_run(s, 0, -1);
    snprintf(s->rec[0].label, sizeof s->rec[0].label, "base");
    st = opt->method == MH_SENS_OAT ? plan_oat(s, ctx) : plan_morris(s, ctx);
    if (st != MH_OK)
        goto fail;
    *out = s;
    return MH_OK;
fail:
    mh_sensitivity_destroy(&s);
    return st;
}

void mh_sensitivity_destroy(mh_sensitivity **sp)
{
    if (sp == NULL || *sp == NULL)
        return;
    mh_sensitivity *s = *sp;
    mh_config_destroy(&s->base);
    free(s->keys);
    free(s->par);
    free(s->rec);
    free(s->value);
    free(s->run_lo);
    free(s->run_hi);
    free(s);
    *sp = NULL;
}

/* ---------- running ---------- */

/* Dermis total collagen relative to untreated at `day` (one of m->gain_days), minus 1; NaN if the
 * summary has no such day. */
static double gain_increment(const mh_summary *m, double day)
{
    for (int d = 0; d < MH_GAIN_DAYS; d++)
        if (m->gain_days[d] == day)
            return m->gain[MH_OL_DERMIS][MH_OQ_CT][d] - 1.0;
    return NAN;
}

static void observe(const mh_summary *m, double *y)
{
    y[MH_SENS_GAIN42] = gain_increment(m, obs_info[MH_SENS_GAIN42].days);
    y[MH_SENS_GAIN180] = gain_increment(m, obs_info[MH_SENS_GAIN180].days);
    y[MH_SENS_ERYTHEMA] = m->erythema_days[0];
    y[MH_SENS_CLOSURE] = m->closure_hours[0];
    y[MH_SENS_REEPI] = m->reepithelialized_days[0];
}

/* Runs record `run` into s->rec[run]; a non-OK return is a failure of the screening itself
 * (memory for the configuration copy), a failed simulation is only recorded. */
static mh_status execute(mh_sensitivity *s, int run, mh_ctx *ctx)
{
    mh_sensitivity_record *r = &s->rec[run];
    mh_config *cfg = NULL;
    mh_status st = mh_config_clone(s->base, ctx, &cfg);
    if (st != MH_OK)
        return st;
    mh_ctx rctx;
    mh_ctx_init(&rctx);
    const double *v = run_values(s, run);
    for (int i = 0; i < s->nparams && r->status == MH_OK; i++) {
        if (v[i] == s->par[i].base)
            continue;
        char a[256];
        snprintf(a, sizeof a, "%s=%.17g", s->par[i].key, v[i]);
        r->status = mh_config_set(cfg, a, "sensitivity", &rctx);
    }
    mh_sim *sim = NULL;
    if (r->status == MH_OK)
        r->status = mh_build_sim(cfg, &rctx, &sim);
    if (r->status == MH_OK)
        r->status = mh_sim_run(sim, NULL, &rctx);
    if (r->status == MH_OK)
        observe(mh_sim_summary(sim), r->y);
    else
        snprintf(r->message, sizeof r->message, "%s", rctx.msg[0] ? rctx.msg : mh_status_name(r->status));
    mh_sim_destroy(&sim);
    mh_config_destroy(&cfg);
    if (s->opt.progress != NULL)
        s->opt.progress(s->opt.progress_user, run, s->nruns, r->label, r->status, r->message);
    return MH_OK;
}

/* Normalised difference ((ya - yb) / y0) / ((va - vb) / p0); NaN where it does not exist. */
static double norm_diff(double ya, double yb, double y0, double va, double vb, double p0)
{
    if (!isfinite(ya) || !isfinite(yb) || !isfinite(y0) || y0 == 0.0 || va == vb)
        return NAN;
    return ((ya - yb) / y0) / ((va - vb) / p0);
}

static void evaluate_oat(mh_sensitivity *s)
{
    for (int i = 0; i < s->nparams; i++) {
        mh_sensitivity_param *p = &s->par[i];
        if (p->skipped != NULL)
            continue;
        int lo = s->run_lo[i], hi = s->run_hi[i];
        p->nfailed = (lo > 0 && s->rec[lo].status != MH_OK) + (hi > 0 && s->rec[hi].status != MH_OK);
        if (lo > 0 && s->rec[lo].status != MH_OK)
            lo = 0;
        if (hi > 0 && s->rec[hi].status != MH_OK)
            hi = 0;
        p->one_sided = lo == 0 || hi == 0;
        p->lo = run_values(s, lo)[i];
        p->hi = run_values(s, hi)[i];
        p->neffects = lo != hi;
        for (int o = 0; o < MH_SENS_NOBS; o++) {
            p->index[o] = norm_diff(s->rec[hi].y[o], s->rec[lo].y[o], s->y0[o], p->hi, p->lo, p->base);
            p->mu[o] = p->index[o];
        }
    }
}

static void evaluate_morris(mh_sensitivity *s)
{
    const int r = s->opt.trajectories, m = s->ntraj_runs;
    for (int i = 0; i < s->nparams; i++) {
        mh_sensitivity_param *p = &s->par[i];
        if (p->skipped != NULL)
            continue;
        double sum[MH_SENS_NOBS] = {0}, sabs[MH_SENS_NOBS] = {0}, ssq[MH_SENS_NOBS] = {0};
        int cnt[MH_SENS_NOBS] = {0};
        /* pass 1: counts and means; pass 2: squared deviations (fixed order, two passes for accuracy) */
        for (int pass = 0; pass < 2; pass++)
            for (int t = 0; t < r; t++)
                for (int j = 1; j < m; j++) {
                    int b = 1 + t * m + j, a = b - 1;
                    if (s->rec[b].param != i)
                        continue;
                    if (pass == 0)
                        p->nfailed += s->rec[b].status != MH_OK;
                    if (s->rec[a].status != MH_OK || s->rec[b].status != MH_OK)
                        continue;
                    if (pass == 0)
                        p->neffects++;
                    for (int o = 0; o < MH_SENS_NOBS; o++) {
                        double ee = norm_diff(s->rec[b].y[o], s->rec[a].y[o], s->y0[o], run_values(s, b)[i],
                                              run_values(s, a)[i], p->base);
                        if (isnan(ee))
                            continue;
                        if (pass == 0) {
                            sum[o] += ee;
                            sabs[o] += fabs(ee);
                            cnt[o]++;
                        } else {
                            double dev = ee - sum[o] / cnt[o];
                            ssq[o] += dev * dev;
                        }
                    }
                }
        for (int o = 0; o < MH_SENS_NOBS; o++) {
            p->index[o] = cnt[o] > 0 ? sabs[o] / cnt[o] : NAN;
            p->mu[o] = cnt[o] > 0 ? sum[o] / cnt[o] : NAN;
            p->sigma[o] = cnt[o] > 1 ? sqrt(ssq[o] / (cnt[o] - 1)) : NAN;
        }
    }
}

mh_status mh_sensitivity_run(mh_sensitivity *s, mh_ctx *ctx)
{
    if (s->ran)
        return MH_ERROR(ctx, MH_ERR_STATE, "mh_sensitivity_run called twice on one screening");
    s->ran = true;
    for (int run = 0; run < s->nruns; run++) {
        mh_status st = execute(s, run, ctx);
        if (st != MH_OK)
            return st;
        if (run == 0 && s->rec[0].status != MH_OK)
            return MH_ERROR(ctx, s->rec[0].status, "base run: %s", s->rec[0].message);
        s->nfailed += s->rec[run].status != MH_OK;
    }
    memcpy(s->y0, s->rec[0].y, sizeof s->y0);
    if (s->opt.method == MH_SENS_OAT)
        evaluate_oat(s);
    else
        evaluate_morris(s);
    for (int i = 0; i < s->nparams; i++) {
        mh_sensitivity_param *p = &s->par[i];
        p->overall = NAN;
        for (int k = 0; k < s->opt.nobs; k++) {
            double x = fabs(p->index[s->opt.obs[k]]);
            if (!isnan(x) && (isnan(p->overall) || x > p->overall))
                p->overall = x;
        }
    }
    return MH_OK;
}

/* ---------- accessors ---------- */

int mh_sensitivity_nruns(const mh_sensitivity *s) { return s->nruns; }
int mh_sensitivity_nfailed(const mh_sensitivity *s) { return s->nfailed; }
const mh_sensitivity_record *mh_sensitivity_record_at(const mh_sensitivity *s, int i)
{
    return (i >= 0 && i < s->nruns) ? &s->rec[i] : NULL;
}
const double *mh_sensitivity_values(const mh_sensitivity *s, int i)
{
    return (i >= 0 && i < s->nruns) ? run_values(s, i) : NULL;
}
int mh_sensitivity_nparams(const mh_sensitivity *s) { return s->nparams; }
const mh_sensitivity_param *mh_sensitivity_param_at(const mh_sensitivity *s, int i)
{
    return (i >= 0 && i < s->nparams) ? &s->par[i] : NULL;
}
const mh_sensitivity_options *mh_sensitivity_settings(const mh_sensitivity *s) { return &s->opt; }
double mh_sensitivity_base_y(const mh_sensitivity *s, mh_sensitivity_obs o)
{
    return (o >= 0 && o < MH_SENS_NOBS) ? s->y0[o] : NAN;
}

/* Sort key of parameter i: |index[o]|, or overall when o < 0; -1 for skipped or NaN (ranked last). */
static double rank_key(const mh_sensitivity *s, int o, int i)
{
    const mh_sensitivity_param *p = &s->par[i];
    double x = o < 0 ? p->overall : fabs(p->index[o]);
    return (p->skipped != NULL || isnan(x)) ? -1.0 : x;
}

/* Stable insertion sort by decreasing key (k is at most the table size). */
static void rank_by(const mh_sensitivity *s, int o, int *order)
{
    for (int i = 0; i < s->nparams; i++) {
        int j = i;
        double key = rank_key(s, o, i);
        while (j > 0 && rank_key(s, o, order[j - 1]) < key) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
}

void mh_sensitivity_rank(const mh_sensitivity *s, mh_sensitivity_obs o, int *order)
{
    rank_by(s, (o >= 0 && o < MH_SENS_NOBS) ? (int)o : -1, order);
}
void mh_sensitivity_rank_overall(const mh_sensitivity *s, int *order) { rank_by(s, -1, order); }
