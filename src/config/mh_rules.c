/* src/config: the parameter table, INI files, rules between keys, and the engine's structs built from them. */
/* mh_rules: the rules between keys and the contraindications, checked once every value is in; config layer. */
#include "mh_config.h"

#include "mh_config_internal.h"
#include "mh_units.h"

/* The patient keys that refuse a treatment unless patient.override_contraindications is set. */
static const struct {
    mh_param_id id;
    const char *why;
} contraindications[] = {
    {MH_P_PAT_ACNE, "active acne (risk of spreading infection)"},
    {MH_P_PAT_ECZEMA, "eczema (impaired barrier, flare-ups)"},
    {MH_P_PAT_PSORIASIS, "psoriasis (Koebner phenomenon)"},
    {MH_P_PAT_COLDSORES, "cold sores (herpes simplex reactivation)"},
    {MH_P_PAT_CHEMO, "chemotherapy (impaired healing and immunity)"},
    {MH_P_PAT_RADIO, "radiotherapy (impaired healing of irradiated skin)"},
};

/* The first contraindication that is set: MH_ERR_INPUT (a configuration that is refused), unless overridden. */
static mh_status check_contraindications(const mh_config *cfg, mh_ctx *ctx)
{
    if (mh_config_bool(cfg, MH_P_PAT_OVERRIDE))
        return MH_OK;
    for (size_t i = 0; i < sizeof contraindications / sizeof contraindications[0]; i++)
        if (mh_config_bool(cfg, contraindications[i].id))
            return MH_ERROR(ctx, MH_ERR_INPUT,
                            "%s: %s: contraindication: %s; microneedling refused "
                            "(set patient.override_contraindications = true to run anyway)",
                            mh_config_origin(cfg, contraindications[i].id),
                            mh_param_table()[contraindications[i].id].key, contraindications[i].why);
    return MH_OK;
}

/* The last session (schedule.days, or schedule.sessions at schedule.interval_days) comes before the
 * end of the simulation; the number of sessions into *ns. */
static mh_status check_schedule(const mh_config *cfg, int *ns, mh_ctx *ctx)
{
    double days = mh_config_real(cfg, MH_P_SIM_DAYS);
    const double *sd = NULL;
    *ns = mh_config_list(cfg, MH_P_SCHED_DAYS, &sd);
    if (*ns > 0) {
        if (sd[*ns - 1] >= days)
            return MH_ERROR(ctx, MH_ERR_INPUT,
                            "%s: schedule.days: session on day %g is not before simulation.days = %g",
                            mh_config_origin(cfg, MH_P_SCHED_DAYS), sd[*ns - 1], days);
        return MH_OK;
    }
    *ns = (int)mh_config_int(cfg, MH_P_SCHED_SESSIONS);
    double last = (*ns - 1) * mh_config_real(cfg, MH_P_SCHED_INTERVAL);
    if (last >= days) {
        static const mh_param_id rule[] = {MH_P_SCHED_SESSIONS, MH_P_SCHED_INTERVAL, MH_P_SIM_DAYS};
        mh_param_id c = mh_config_culprit(cfg, 0, rule, 3);
        return MH_ERROR(ctx, MH_ERR_INPUT,
                        "%s: %s: session %d on day %g (schedule.sessions, schedule.interval_days) is not before "
                        "simulation.days = %g",
                        mh_config_origin(cfg, c), mh_param_table()[c].key, *ns, last, days);
    }
    return MH_OK;
}

/* Every [session.N] override names one of the ns sessions. */
static mh_status check_session_overrides(const mh_config *cfg, int ns, mh_ctx *ctx)
{
    for (int k = 0; k < cfg->noverrides; k++)
        if (cfg->overrides[k].session > ns)
            return MH_ERROR(ctx, MH_ERR_INPUT, "%s: session.%d: there are only %d sessions", cfg->overrides[k].v.origin,
                            cfg->overrides[k].session, ns);
    return MH_OK;
}

/* The grid spans at least 4 cells across (and along, in 3-D). */
static mh_status check_grid_extents(const mh_config *cfg, mh_ctx *ctx)
{
    double dx_mm = mh_config_real(cfg, MH_P_GRID_DX) * MH_MM_PER_UM;
    if (mh_config_real(cfg, MH_P_GRID_WIDTH) < 4 * dx_mm)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: grid.width_mm: must span at least 4 cells of grid.dx_um",
                        mh_config_origin(cfg, MH_P_GRID_WIDTH));
    if (mh_config_int(cfg, MH_P_SIM_DIMS) == 3 && mh_config_real(cfg, MH_P_GRID_LENGTH) < 4 * dx_mm)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: grid.length_mm: must span at least 4 cells of grid.dx_um",
                        mh_config_origin(cfg, MH_P_GRID_LENGTH));
    return MH_OK;
}

/* The young age of the model's age scaling is below the old one. */
static mh_status check_age_bounds(const mh_config *cfg, mh_ctx *ctx)
{
    if (mh_config_real(cfg, MH_P_M_AGE_LO) >= mh_config_real(cfg, MH_P_M_AGE_HI)) {
        static const mh_param_id rule[] = {MH_P_M_AGE_LO, MH_P_M_AGE_HI};
        mh_param_id c = mh_config_culprit(cfg, 0, rule, 2);
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: model.age_young_years = %g must be below model.age_old_years = %g",
                        mh_config_origin(cfg, c), mh_param_table()[c].key, mh_config_real(cfg, MH_P_M_AGE_LO),
                        mh_config_real(cfg, MH_P_M_AGE_HI));
    }
    return MH_OK;
}

/* The aftercare's pigmentation weights give one value per Fitzpatrick type. */
static mh_status check_aftercare_weights(const mh_config *cfg, mh_ctx *ctx)
{
    const double *w = NULL;
    const int nw = mh_config_list(cfg, MH_P_AFT_PIH_W, &w);
    if (nw != 6)
        return MH_ERROR(ctx, MH_ERR_INPUT,
                        "%s: aftercare.pih_weight_by_type: needs 6 values (Fitzpatrick types I to VI), not %d",
                        mh_config_origin(cfg, MH_P_AFT_PIH_W), nw);
    return MH_OK;
}

/* The solver's smallest step is below its largest, and its first step lies between them. */
static mh_status check_solver_steps(const mh_config *cfg, mh_ctx *ctx)
{
    if (mh_config_real(cfg, MH_P_SOLV_DTMIN) >= mh_config_real(cfg, MH_P_SOLV_DTMAX) * MH_SECONDS_PER_HOUR) {
        static const mh_param_id rule[] = {MH_P_SOLV_DTMIN, MH_P_SOLV_DTMAX};
        mh_param_id c = mh_config_culprit(cfg, 0, rule, 2);
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: solver.dt_min_s = %g s must be below solver.dt_max_h = %g h",
                        mh_config_origin(cfg, c), mh_param_table()[c].key, mh_config_real(cfg, MH_P_SOLV_DTMIN),
                        mh_config_real(cfg, MH_P_SOLV_DTMAX));
    }
    const double dt0_s = mh_config_real(cfg, MH_P_SOLV_DT0);
    if (dt0_s < mh_config_real(cfg, MH_P_SOLV_DTMIN) ||
        dt0_s > mh_config_real(cfg, MH_P_SOLV_DTMAX) * MH_SECONDS_PER_HOUR) {
        /* the stepper would silently take dt_max_h instead (or start below its floor) */
        static const mh_param_id rule[] = {MH_P_SOLV_DT0, MH_P_SOLV_DTMIN, MH_P_SOLV_DTMAX};
        mh_param_id c = mh_config_culprit(cfg, 0, rule, 3);
        return MH_ERROR(ctx, MH_ERR_INPUT,
                        "%s: %s: solver.dt_initial_s = %g s must lie between solver.dt_min_s = %g s and "
                        "solver.dt_max_h = %g h",
                        mh_config_origin(cfg, c), mh_param_table()[c].key, dt0_s, mh_config_real(cfg, MH_P_SOLV_DTMIN),
                        mh_config_real(cfg, MH_P_SOLV_DTMAX));
    }
    return MH_OK;
}

mh_status mh_config_validate(const mh_config *cfg, mh_ctx *ctx)
{
    int ns = 0;
    mh_status st = check_contraindications(cfg, ctx);
    if (st == MH_OK)
        st = check_schedule(cfg, &ns, ctx);
    if (st == MH_OK)
        st = check_session_overrides(cfg, ns, ctx);
    if (st == MH_OK)
        st = check_grid_extents(cfg, ctx);
    if (st == MH_OK)
        st = check_age_bounds(cfg, ctx);
    if (st == MH_OK)
        st = check_aftercare_weights(cfg, ctx);
    if (st == MH_OK)
        st = check_solver_steps(cfg, ctx);
    return st;
}
