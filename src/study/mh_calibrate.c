/* src/study: what runs many simulations: sweeps and their designs, targets, calibration, sensitivity. */
/* mh_calibrate: weighted least squares of log-parameters against targets (GSL trust region).
 *
 * Parameters x_j = ln(p_j / p_j,start) (x = 0 at the start, a step in x is a relative change of p);
 * residuals r_i = mh_target_residual(target_i, model_i(p)); Jacobian by forward differences in x
 * (step fd_step, backward where the forward point is rejected). Method: gsl_multifit_nlinear_trust with
 * GSL's default parameters (Levenberg-Marquardt subproblem, More scaling, QR solver), one accepted step
 * per iteration, our own stopping tests on the relative step, the chi^2 decrease and the gradient.
 * Covariance of x: (J^T J)^-1 from gsl_multifit_nlinear_covar at the last accepted point. */
#include "mh_calibrate.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit_nlinear.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Residual given to every target at a rejected trial point: far above any real chi^2, so the trust
 * region refuses the step (the solver rejects any step that does not lower ||f||). */
#define PENALTY_RESIDUAL 1e6
/* Relative tolerance for a parameter sitting on its table bound. */
#define BOUND_RTOL 1e-3

void mh_calibrate_options_default(mh_calibrate_options *o)
{
    memset(o, 0, sizeof *o);
    o->max_iter = 30;
    o->xtol = 1e-3;
    o->gtol = 1e-6;
    o->ftol = 1e-6;
    o->fd_step = 1e-3;
}

void mh_calibration_destroy(mh_calibration **cp)
{
    if (cp == NULL || *cp == NULL)
        return;
    mh_calibration *c = *cp;
    for (int j = 0; c->param_keys != NULL && j < c->nparams; j++)
        free(c->param_keys[j]);
    free(c->param_keys);
    free(c->start);
    free(c->value);
    free(c->sigma);
    free(c->sigma_scaled);
    free(c->sigma_log);
    free(c->covar_log);
    free(c->at_bound);
    free(c->target);
    free(c->model_start);
    free(c->model_fit);
    free(c->resid_start);
    free(c->resid_fit);
    free(c);
    *cp = NULL;
}

static mh_calibration *calibration_alloc(int np, int nt)
{
    mh_calibration *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->nparams = np;
    c->ntargets = nt;
    const size_t p = (size_t)np, n = (size_t)nt;
    c->param_keys = calloc(p, sizeof *c->param_keys);
    c->start = calloc(p, sizeof(double));
    c->value = calloc(p, sizeof(double));
    c->sigma = calloc(p, sizeof(double));
    c->sigma_scaled = calloc(p, sizeof(double));
    c->sigma_log = calloc(p, sizeof(double));
    c->covar_log = calloc(p * p, sizeof(double));
    c->at_bound = calloc(p, sizeof(int));
    c->target = calloc(n, sizeof(int));
    c->model_start = calloc(n, sizeof(double));
    c->model_fit = calloc(n, sizeof(double));
    c->resid_start = calloc(n, sizeof(double));
    c->resid_fit = calloc(n, sizeof(double));
    if (!c->param_keys || !c->start || !c->value || !c->sigma || !c->sigma_scaled || !c->sigma_log || !c->covar_log ||
        !c->at_bound || !c->target || !c->model_start || !c->model_fit || !c->resid_start || !c->resid_fit)
        mh_calibration_destroy(&c);
    return c;
}

typedef struct {
    mh_targets *t;
    const mh_calibrate_options *o;
    int np, nt;
    const int *target;
    int *id; /* [np] parameter table rows */
    const double *start;
    const char **sets; /* user settings, then the np parameter settings, then NULL */
    char (*param_set)[160];
    double *model;  /* [nt] model values of the last evaluated point */
    int nrep;       /* replicates per target and point (o->replicates, at least 1) */
    double *values; /* [nt * nrep] their values, target i's replicate r at i * nrep + r; NULL when nrep = 1 */
    int rejected;
    char last_rejection[MH_MSG_LEN];
    mh_status fatal; /* out of memory inside a GSL callback */
    char fatal_msg[MH_MSG_LEN];
} fit_state;

/* Model values at x into s->model; MH_OK, or the reason in ctx. */
static mh_status eval_point(fit_state *s, const gsl_vector *x, mh_ctx *ctx)
{
    const mh_param_info *table = mh_param_table();
    for (int j = 0; j < s->np; j++) {
        const mh_param_info *pi = &table[s->id[j]];
        double p = s->start[j] * exp(gsl_vector_get(x, (size_t)j));
        if (!(p >= pi->lo && p <= pi->hi))
            return MH_ERROR(ctx, MH_ERR_INPUT, "%s = %.6g is outside its range [%g, %g]", pi->key, p, pi->lo, pi->hi);
        snprintf(s->param_set[j], sizeof s->param_set[j], "%s=%.17g", pi->key, p);
    }
    /* replicate by replicate, so that targets sharing a scenario share its run at each replicate */
    for (int r = 0; s->values != NULL && r < s->nrep; r++)
        for (int i = 0; i < s->nt; i++) {
            mh_status st =
                mh_targets_evaluate_replicate(s->t, s->target[i], s->sets, r, &s->values[i * s->nrep + r], ctx);
            if (st != MH_OK)
                return st;
        }
    for (int i = 0; i < s->nt; i++) {
        mh_status st = s->values != NULL ? MH_OK : mh_targets_evaluate(s->t, s->target[i], s->sets, &s->model[i], ctx);
        if (st != MH_OK)
            return st;
        if (s->values != NULL)
            s->model[i] = mh_ensemble_stats_of(&s->values[i * s->nrep], 1, s->nrep).mean;
        if (isnan(s->model[i])) {
            const mh_target_info *ti = mh_targets_info(s->t, s->target[i]);
            return MH_ERROR(ctx, MH_ERR_NUMERIC,
                            "%s: target %s: the model value is not a number (not reached within simulation.days%s, "
                            "or a ratio over 0)",
                            ti->where, ti->name, s->values != NULL ? " in a replicate" : "");
        }
    }
    return MH_OK;
}

/* Residuals at x into f; a point that cannot be evaluated gets PENALTY_RESIDUAL everywhere (false). */
static bool try_point(fit_state *s, const gsl_vector *x, gsl_vector *f)
{
    mh_ctx local;
    mh_ctx_init(&local);
    mh_status st = eval_point(s, x, &local);
    if (st == MH_OK) {
        for (int i = 0; i < s->nt; i++)
            gsl_vector_set(f, (size_t)i, mh_target_residual(mh_targets_info(s->t, s->target[i]), s->model[i]));
        return true;
    }
    if (st == MH_ERR_NOMEM && s->fatal == MH_OK) {
        s->fatal = st;
        snprintf(s->fatal_msg, sizeof s->fatal_msg, "%s", local.msg);
    }
    s->rejected++;
    snprintf(s->last_rejection, sizeof s->last_rejection, "%s", local.msg);
    gsl_vector_set_all(f, PENALTY_RESIDUAL);
    return false;
}

static int fit_f(const gsl_vector *x, void *params, gsl_vector *f)
{
    fit_state *s = params;
    try_point(s, x, f);
    return s->fatal == MH_OK ? GSL_SUCCESS : GSL_ENOMEM;
}

/* Forward differences in ln(parameter), written here rather than GSL's built-in finite-difference
 * Jacobian (df = NULL) because a step that leaves the parameter table's range, or whose run fails,
 * must fall back to a backward step; GSL's would difference against the penalty residual. */
static int fit_df(const gsl_vector *x, void *params, gsl_matrix *J)
{
    fit_state *s = params;
    gsl_vector *f0 = gsl_vector_alloc((size_t)s->nt), *f1 = gsl_vector_alloc((size_t)s->nt);
    gsl_vector *xh = gsl_vector_alloc((size_t)s->np);
    int status = GSL_SUCCESS;
    if (f0 == NULL || f1 == NULL || xh == NULL)
        status = GSL_ENOMEM;
    else if (!try_point(s, x, f0)) /* cached runs: x has just been evaluated */
        status = GSL_EFAILED;
    for (int j = 0; status == GSL_SUCCESS && j < s->np; j++) {
        double h = s->o->fd_step, xj = gsl_vector_get(x, (size_t)j);
        gsl_vector_memcpy(xh, x);
        gsl_vector_set(xh, (size_t)j, xj + h);
        if (!try_point(s, xh, f1)) {
            h = -h;
            gsl_vector_set(xh, (size_t)j, xj + h);
            if (!try_point(s, xh, f1))
                status = GSL_EFAILED;
        }
        for (int i = 0; status == GSL_SUCCESS && i < s->nt; i++)
            gsl_matrix_set(J, (size_t)i, (size_t)j,
                           (gsl_vector_get(f1, (size_t)i) - gsl_vector_get(f0, (size_t)i)) / h);
    }
    gsl_vector_free(f0);
    gsl_vector_free(f1);
    gsl_vector_free(xh);
    return s->fatal != MH_OK ? GSL_ENOMEM : status;
}

/* Checks the parameters and reads their start values from the targets' configurations. */
static mh_status check_params(mh_targets *t, const mh_calibrate_options *o, const int *target, int nt, int *id,
                              double *start, mh_ctx *ctx)
{
    for (int j = 0; j < o->nparams; j++) {
        const char *key = o->params[j];
        mh_status st = mh_config_check_varied(NULL, key, "--fit", "", &id[j], ctx);
        if (st != MH_OK)
            return st;
        for (int k = 0; k < j; k++)
            if (id[k] == id[j])
                return MH_ERROR(ctx, MH_ERR_INPUT, "--fit: %s: given twice", key);
        for (int i = 0; i < nt; i++) {
            const char *where = NULL;
            if (mh_targets_sets_key(t, target[i], key, &where))
                return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: target %s sets the fitted parameter itself", where, key,
                                mh_targets_info(t, target[i])->name);
        }
    }
    for (int i = 0; i < nt; i++) {
        mh_config *cfg = NULL;
        mh_status st = mh_targets_config(t, target[i], o->extra_sets, false, &cfg, ctx);
        if (st != MH_OK)
            return st;
        char where[160];
        snprintf(where, sizeof where, " in target %s", mh_targets_info(t, target[i])->name);
        for (int j = 0; j < o->nparams && st == MH_OK; j++) {
            double v = mh_config_real(cfg, (mh_param_id)id[j]);
            int same;
            if ((st = mh_config_check_varied(cfg, o->params[j], "--fit", where, &same, ctx)) != MH_OK)
                break;
            if (i == 0 && !(v > 0))
                st = MH_ERROR(ctx, MH_ERR_INPUT,
                              "--fit: %s: starts at %g; a fit in log-parameters needs a positive start (use --set)",
                              o->params[j], v);
            else if (i == 0)
                start[j] = v;
            else if (v != start[j])
                st = MH_ERROR(ctx, MH_ERR_INPUT,
                              "--fit: %s: start value differs between targets %s (%g) and %s (%g); give one with --set",
                              o->params[j], mh_targets_info(t, target[0])->name, start[j],
                              mh_targets_info(t, target[i])->name, v);
        }
        mh_config_destroy(&cfg);
        if (st != MH_OK)
            return st;
    }
    return MH_OK;
}

/* Indices of the targets to fit: o->only, or every calibration target with a sigma. A validation target
 * is never among them: it is refused when named, and left out otherwise. */
static mh_status select_targets(const mh_targets *t, const mh_calibrate_options *o, int *target, int *nt, mh_ctx *ctx)
{
    *nt = 0;
    if (o->only != NULL && o->nonly > 0) {
        for (int k = 0; k < o->nonly; k++) {
            int i = mh_targets_find(t, o->only[k]);
            if (i < 0)
                return MH_ERROR(ctx, MH_ERR_INPUT, "--only: %s: no such target in %s", o->only[k], mh_targets_path(t));
            if (mh_targets_info(t, i)->role != MH_TARGET_CALIBRATION)
                return MH_ERROR(ctx, MH_ERR_INPUT,
                                "--only: %s: target of the validation set (role = validation at %s): held out, "
                                "never fitted; only calibration targets can be",
                                o->only[k], mh_targets_info(t, i)->where);
            if (!mh_targets_info(t, i)->has_sigma)
                return MH_ERROR(ctx, MH_ERR_INPUT, "%s: target %s has no sigma and cannot be fitted",
                                mh_targets_info(t, i)->where, o->only[k]);
            for (int m = 0; m < *nt; m++)
                if (target[m] == i)
                    return MH_ERROR(ctx, MH_ERR_INPUT, "--only: %s: given twice", o->only[k]);
            target[(*nt)++] = i;
        }
    } else {
        for (int i = 0; i < mh_targets_count(t); i++)
            if (mh_targets_info(t, i)->role == MH_TARGET_CALIBRATION && mh_targets_info(t, i)->has_sigma)
                target[(*nt)++] = i;
        if (*nt == 0)
            return MH_ERROR(ctx, MH_ERR_INPUT,
                            "%s:0: no calibration target (role = calibration) has a sigma: nothing "
                            "to fit",
                            mh_targets_path(t));
    }
    if (*nt < o->nparams)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%d target%s cannot determine %d parameters", *nt, *nt == 1 ? "" : "s",
                        o->nparams);
    return MH_OK;
}

static double sum_squares(const gsl_vector *f)
{
    double s = 0.0;
    gsl_blas_ddot(f, f, &s);
    return s;
}

/* Runs the trust-region iterations; fills iterations, converged and stop_reason. */
static mh_status iterate(gsl_multifit_nlinear_workspace *w, fit_state *s, mh_calibration *c, mh_ctx *ctx)
{
    const mh_calibrate_options *o = s->o;
    const size_t np = (size_t)s->np;
    gsl_vector *xprev = gsl_vector_alloc(np), *g = gsl_vector_alloc(np);
    double *p = malloc(np * sizeof *p);
    mh_status st = MH_OK;
    if (xprev == NULL || g == NULL || p == NULL)
        st = MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (fit)");
    double chi2 = c->chi2_start;
    c->stop_reason = "iteration limit (max_iter) reached";
    c->converged = false;
    for (int it = 1; st == MH_OK && it <= o->max_iter; it++) {
        gsl_vector_memcpy(xprev, gsl_multifit_nlinear_position(w));
        int gs = gsl_multifit_nlinear_iterate(w);
        if (gs == GSL_ENOPROG) {
            c->stop_reason = "no further progress (15 trial steps in a row failed to lower chi^2)";
            break;
        }
        if (gs != GSL_SUCCESS) {
            if (s->fatal != MH_OK)
                st = MH_ERROR(ctx, s->fatal, "%s", s->fatal_msg);
            else
                st = MH_ERROR(ctx, MH_ERR_NUMERIC, "fit failed in iteration %d: %s%s%s", it, gsl_strerror(gs),
                              s->last_rejection[0] ? "; last rejected point: " : "", s->last_rejection);
            break;
        }
        c->iterations = it;
        const gsl_vector *x = gsl_multifit_nlinear_position(w);
        const double chi2_new = sum_squares(gsl_multifit_nlinear_residual(w));
        double maxdx = 0.0;
        for (size_t j = 0; j < np; j++) {
            maxdx = fmax(maxdx, fabs(gsl_vector_get(x, j) - gsl_vector_get(xprev, j)));
            p[j] = s->start[j] * exp(gsl_vector_get(x, j));
        }
        if (o->progress != NULL)
            o->progress(o->user, it, chi2_new, s->np, p);
        /* g = J^T f = (1/2) dchi^2/dx */
        gsl_blas_dgemv(CblasTrans, 1.0, gsl_multifit_nlinear_jac(w), gsl_multifit_nlinear_residual(w), 0.0, g);
        const double chi2_old = chi2;
        chi2 = chi2_new;
        if (maxdx <= o->xtol) {
            c->stop_reason = "converged: no parameter changed by more than xtol (relative)";
            c->converged = true;
            break;
        }
        if (chi2_old - chi2 <= o->ftol * chi2_old) {
            c->stop_reason = "converged: chi^2 fell by less than ftol (relative)";
            c->converged = true;
            break;
        }
        if (fabs(gsl_vector_get(g, gsl_blas_idamax(g))) <= o->gtol * fmax(chi2 / 2, 1)) {
            c->stop_reason = "converged: gradient below gtol";
            c->converged = true;
            break;
        }
    }
    gsl_vector_free(xprev);
    gsl_vector_free(g);
    free(p);
    return st;
}

/* Covariance of ln p and the parameter uncertainties at the last accepted point. */
static mh_status uncertainties(gsl_multifit_nlinear_workspace *w, mh_calibration *c, mh_ctx *ctx)
{
    const size_t np = (size_t)c->nparams;
    gsl_matrix *cov = gsl_matrix_alloc(np, np);
    if (cov == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (covariance)");
    /* epsrel 0: no column is dropped; a parameter the targets do not determine gives a zero or
     * non-finite variance, reported as NaN below */
    int gs = gsl_multifit_nlinear_covar(gsl_multifit_nlinear_jac(w), 0.0, cov);
    const double scale = c->dof > 0 ? sqrt(c->chi2 / c->dof) : NAN;
    for (size_t j = 0; j < np; j++) {
        for (size_t k = 0; k < np; k++)
            c->covar_log[j * np + k] = gs == GSL_SUCCESS ? gsl_matrix_get(cov, j, k) : NAN;
        double v = c->covar_log[j * np + j];
        c->sigma_log[j] = (isfinite(v) && v > 0) ? sqrt(v) : NAN;
        c->sigma[j] = c->value[j] * c->sigma_log[j];
        c->sigma_scaled[j] = c->sigma[j] * scale;
    }
    gsl_matrix_free(cov);
    return MH_OK;
}

/* Checks the options that need no targets: a parameter to fit, fd_step > 0, max_iter >= 1. */
static mh_status check_options(const mh_calibrate_options *o, mh_ctx *ctx)
{
    if (o->nparams < 1 || o->params == NULL)
        return MH_ERROR(ctx, MH_ERR_INPUT, "--fit: no parameter to fit");
    if (!(o->fd_step > 0) || o->max_iter < 1)
        return MH_ERROR(ctx, MH_ERR_INPUT, "calibration options: fd_step must be > 0 and max_iter >= 1");
    if (o->replicates < 0 || o->replicates > MH_ENSEMBLE_MAX)
        return MH_ERROR(ctx, MH_ERR_INPUT, "replicates: %d is not in [0, %d]", o->replicates, MH_ENSEMBLE_MAX);
    return MH_OK;
}

/* The start point x (all zeros) evaluated, with its errors reported as such; its model values,
 * residuals and chi^2, the parameters' keys and start values and the degrees of freedom into c. */
static mh_status record_start(fit_state *s, const gsl_vector *x, mh_calibration *c, mh_ctx *ctx)
{
    mh_status st = eval_point(s, x, ctx);
    if (st != MH_OK)
        return st;
    for (int i = 0; i < s->nt; i++) {
        c->target[i] = s->target[i];
        c->model_start[i] = s->model[i];
        c->resid_start[i] = mh_target_residual(mh_targets_info(s->t, s->target[i]), s->model[i]);
        c->chi2_start += c->resid_start[i] * c->resid_start[i];
    }
    for (int j = 0; j < s->np; j++) {
        c->param_keys[j] = strdup(s->o->params[j]);
        c->start[j] = s->start[j];
        if (c->param_keys[j] == NULL)
            return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (fit)");
    }
    c->dof = s->nt - s->np;
    if (s->o->progress != NULL)
        s->o->progress(s->o->user, 0, c->chi2_start, s->np, s->start);
    return MH_OK;
}

/* The end point, the solver's position, into x and evaluated: its model values, residuals, chi^2,
 * parameter values, bounds, uncertainties and rejected points into c. */
static mh_status record_end(fit_state *s, gsl_multifit_nlinear_workspace *w, gsl_vector *x, mh_calibration *c,
                            mh_ctx *ctx)
{
    gsl_vector_memcpy(x, gsl_multifit_nlinear_position(w));
    mh_status st = eval_point(s, x, ctx);
    if (st != MH_OK)
        return st;
    c->chi2 = 0.0;
    for (int i = 0; i < s->nt; i++) {
        c->model_fit[i] = s->model[i];
        c->resid_fit[i] = mh_target_residual(mh_targets_info(s->t, s->target[i]), s->model[i]);
        c->chi2 += c->resid_fit[i] * c->resid_fit[i];
    }
    const mh_param_info *table = mh_param_table();
    for (int j = 0; j < s->np; j++) {
        c->value[j] = s->start[j] * exp(gsl_vector_get(x, (size_t)j));
        const mh_param_info *pi = &table[s->id[j]];
        c->at_bound[j] = c->value[j] <= pi->lo * (1 + BOUND_RTOL) ? -1 : c->value[j] >= pi->hi * (1 - BOUND_RTOL);
    }
    if ((st = uncertainties(w, c, ctx)) != MH_OK)
        return st;
    c->rejected_points = s->rejected;
    snprintf(c->last_rejection, sizeof c->last_rejection, "%s", s->last_rejection);
    return MH_OK;
}

/* Runs the trust region from x (the start point, recorded) and records its end point (record_end);
 * the GSL workspace lives and dies here. */
static mh_status run_fit(fit_state *s, gsl_vector *x, mh_calibration *c, mh_ctx *ctx)
{
    gsl_multifit_nlinear_fdf fdf = {
        .f = fit_f, .df = fit_df, .fvv = NULL, .n = (size_t)s->nt, .p = (size_t)s->np, .params = s};
    gsl_multifit_nlinear_parameters fp = gsl_multifit_nlinear_default_parameters();
    gsl_multifit_nlinear_workspace *w =
        gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &fp, (size_t)s->nt, (size_t)s->np);
    if (w == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (GSL workspace)");
    mh_status st = MH_OK;
    int gs = gsl_multifit_nlinear_init(x, &fdf, w);
    if (gs != GSL_SUCCESS)
        st = s->fatal != MH_OK ? MH_ERROR(ctx, s->fatal, "%s", s->fatal_msg)
                               : MH_ERROR(ctx, MH_ERR_NUMERIC, "fit could not start: %s%s%s", gsl_strerror(gs),
                                          s->last_rejection[0] ? "; " : "", s->last_rejection);
    else if ((st = iterate(w, s, c, ctx)) == MH_OK)
        st = record_end(s, w, x, c, ctx);
    gsl_multifit_nlinear_free(w);
    return st;
}

mh_status mh_calibrate_fit(mh_targets *t, const mh_calibrate_options *o, mh_ctx *ctx, mh_calibration **out)
{
    *out = NULL;
    mh_status st = check_options(o, ctx);
    if (st != MH_OK)
        return st;
    const int ntot = mh_targets_count(t), np = o->nparams;
    int nuser = 0;
    while (o->extra_sets != NULL && o->extra_sets[nuser] != NULL)
        nuser++;
    int *target = calloc((size_t)ntot, sizeof *target), *id = calloc((size_t)np, sizeof *id);
    double *start = calloc((size_t)np, sizeof *start), *model = calloc((size_t)ntot, sizeof *model);
    const int nrep = o->replicates > 1 ? o->replicates : 1;
    double *values = nrep > 1 ? calloc((size_t)ntot * (size_t)nrep, sizeof *values) : NULL;
    const char **sets = calloc((size_t)(nuser + np + 1), sizeof *sets);
    char(*param_set)[160] = calloc((size_t)np, sizeof *param_set);
    gsl_vector *x = gsl_vector_calloc((size_t)np);
    mh_calibration *c = NULL;
    int nt = 0;
    long runs0 = 0, hits = 0;
    mh_targets_stats(t, &runs0, &hits);
    if (!target || !id || !start || !model || !sets || !param_set || !x || (nrep > 1 && !values)) {
        st = MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (fit)");
        goto done;
    }
    if ((st = select_targets(t, o, target, &nt, ctx)) != MH_OK)
        goto done;
    if ((st = check_params(t, o, target, nt, id, start, ctx)) != MH_OK)
        goto done;
    for (int k = 0; k < nuser; k++)
        sets[k] = o->extra_sets[k];
    for (int j = 0; j < np; j++)
        sets[nuser + j] = param_set[j];
    fit_state s = {t, o, np, nt, target, id, start, sets, param_set, model, nrep, values, 0, "", MH_OK, ""};
    if ((c = calibration_alloc(np, nt)) == NULL) {
        st = MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (fit)");
        goto done;
    }
    if ((st = record_start(&s, x, c, ctx)) != MH_OK || (st = run_fit(&s, x, c, ctx)) != MH_OK)
        goto done;
    long runs1 = 0;
    mh_targets_stats(t, &runs1, &hits);
    c->runs = runs1 - runs0;

done:
    gsl_vector_free(x);
    free(target);
    free(id);
    free(start);
    free(model);
    free(values);
    free(sets);
    free(param_set);
    if (st != MH_OK)
        mh_calibration_destroy(&c);
    *out = c;
    return st;
}
