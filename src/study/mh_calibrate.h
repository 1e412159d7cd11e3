/* src/study: what runs many simulations: sweeps and their designs, targets, calibration, sensitivity. */
/* mh_calibrate: fits named real parameters to targets by weighted nonlinear least squares
 * (GSL gsl_multifit_nlinear, trust region) in log-parameters.
 *
 * Only calibration targets are fitted (mh_targets.h, role): a validation target is held out and reaches
 * neither the residuals, nor the start values, nor the checks of the parameters.
 *
 * Minimises chi^2 = sum_i r_i^2 over x_j = ln(p_j / p_j,start), with r_i = mh_target_residual (model - datum)
 * / sigma, or the distance outside the band / sigma for a target that has a sigma but no datum. Working
 * in ln p keeps every parameter positive and makes a step a relative change. The Jacobian is a forward
 * difference in x of step fd_step (a backward one where the forward point fails or leaves the table's
 * range). A trial point outside the parameter table's [min, max], or where a simulation fails, is given a
 * very large chi^2, so the trust region rejects the step and shrinks: the fit never clamps a value.
 *
 * With o->replicates = N >= 2, model_i is the mean of target i's N replicates (mh_targets.h, "Ensembles"):
 * each point costs N times the runs, and the residuals no longer carry one seed's puncture pattern.
 *
 * Uncertainties: C = (J^T J)^-1 at the optimum (gsl_multifit_nlinear_covar) is the covariance of ln p
 * when the sigmas are the data's standard errors (not scaled by chi^2/dof); sigma_p = p sqrt(C_jj)
 * (first order in sqrt(C_jj)). The scaled value multiplies by sqrt(chi^2 / dof) when dof > 0.
 *
 * GSL's failures come back as mh_status with a message (mh_ctx_init turns GSL's aborting handler off). */
#ifndef MH_CALIBRATE_H
#define MH_CALIBRATE_H

#include "mh_targets.h"

typedef struct {
    const char *const *params; /* keys of MH_T_REAL parameters to fit */
    int nparams;
    /* names of the targets to fit, each a calibration target with a sigma; NULL = every calibration target
     * with a sigma. Validation targets (role = validation) are never fitted: naming one is an error. */
    const char *const *only;
    int nonly;
    const char *const *extra_sets; /* NULL-terminated "key=value" applied to every scenario, or NULL */
    int max_iter;                  /* iterations (accepted steps) at most */
    double xtol;                   /* stop when no parameter changes by more than this fraction in a step */
    double gtol;                   /* stop when max_j |dchi^2/dx_j| / 2 <= gtol * max(chi^2 / 2, 1) */
    double ftol;                   /* stop when chi^2 falls by less than ftol * chi^2 in a step */
    double fd_step;                /* forward-difference step in ln p */
    /* replicates per target and point (mh_targets_evaluate_replicate): 2 or more fit the ensembles' means,
     * with the same seeds at every point (they derive from the scenarios' base seed, which the fitted
     * parameters do not change); 0 or 1: each scenario's own seed, as mh_targets_evaluate */
    int replicates;
    /* Called at the start (iter 0) and after each accepted step with the parameters reached (may be NULL). */
    void (*progress)(void *user, int iter, double chi2, int nparams, const double *values);
    void *user;
} mh_calibrate_options;

/* Defaults: max_iter 30, xtol 1e-3, gtol 1e-6, ftol 1e-6, fd_step 1e-3, everything else empty (one seed). The
 * simulations' outputs are not smooth below the step-control noise (papers/sensitivity.md: relative
 * changes of order 1e-4 to 1e-3 per 1 % parameter change), so tighter tolerances only add iterations. */
void mh_calibrate_options_default(mh_calibrate_options *o);

/* Result of a fit (arrays owned by the object). */
typedef struct {
    int nparams, ntargets;
    char **param_keys;               /* [nparams] */
    double *start, *value;           /* [nparams] */
    double *sigma;                   /* [nparams] sqrt of the unscaled covariance, in parameter units */
    double *sigma_scaled;            /* [nparams] sigma * sqrt(chi2 / dof); NaN when dof = 0 */
    double *sigma_log;               /* [nparams] sqrt(C_jj): relative uncertainty; NaN if not identifiable */
    double *covar_log;               /* [nparams * nparams] C, row-major */
    int *at_bound;                   /* [nparams] -1 at the table's minimum, +1 at its maximum, 0 inside */
    int *target;                     /* [ntargets] indices into the targets */
    double *model_start, *model_fit; /* [ntargets] model values before and after */
    double *resid_start, *resid_fit; /* [ntargets] weighted residuals before and after */
    double chi2_start, chi2;
    int dof;        /* ntargets - nparams */
    int iterations; /* accepted steps */
    bool converged; /* stopped by xtol, gtol or ftol (not by max_iter or lack of progress) */
    const char *stop_reason;
    long runs;                       /* simulations run */
    int rejected_points;             /* trial points out of range or where a simulation failed */
    char last_rejection[MH_MSG_LEN]; /* why the last such point was rejected ("" if none) */
} mh_calibration;

/* Fits o->params to the chosen targets of t. Errors (nothing is fitted): MH_ERR_INPUT for replicates
 * outside [0, MH_ENSEMBLE_MAX], an unknown, non-real or 'auto' parameter ("--fit: KEY: ..."), a parameter a
 * target sets itself or whose start value differs between targets, a start value of 0, an unknown --only name, a chosen
 * target of the validation set or without a sigma, no calibration target with a sigma, or fewer targets than
 * parameters; MH_ERR_NUMERIC for a model value that is not a number at the
 * start or when GSL fails; the errors of mh_targets_evaluate at the start point; MH_ERR_NOMEM. Free *out with
 * mh_calibration_destroy. */
mh_status mh_calibrate_fit(mh_targets *t, const mh_calibrate_options *o, mh_ctx *ctx, mh_calibration **out);
void mh_calibration_destroy(mh_calibration **c);

#endif
