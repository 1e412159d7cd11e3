/* verify: prints the manufactured-solution convergence tables of papers/verification.md
 * (make verify). Space: dt ~ dx^2 over three or four grid levels; time: fixed grid, dt halved,
 * Richardson differences between successive step counts. */
#include "mms.h"

#include <stdio.h>

static int space_table(int dims, bool periodic, const int *levels, int nlev, int steps0, double T)
{
    printf("\n### Space, %d-D, %s lateral boundaries (T = %g day, dt = T/%d at n = %d, dt ~ dx^2, "
           "extrapolated in time)\n\n",
           dims, periodic ? "periodic" : "zero-flux", T, steps0, levels[0]);
    printf("| n | dx (um) | steps | RMS error | order | max error | order | F (chemotaxis) RMS | order |\n"
           "|---|---|---|---|---|---|---|---|---|\n");
    double prev_rms = 0, prev_max = 0, prev_F = 0;
    for (int l = 0; l < nlev; l++) {
        int r = levels[l] / levels[0];
        mms_setup su = {dims, levels[l], periodic, T, steps0 * r * r};
        mms_error e;
        mh_ctx ctx;
        mh_ctx_init(&ctx);
        if (mms_space_error(&su, &e, &ctx) != MH_OK) {
            fprintf(stderr, "verify: %s\n", ctx.msg);
            return 1;
        }
        double ratio = l > 0 ? (double)levels[l] / levels[l - 1] : 1.0;
        if (l == 0)
            printf("| %d | %.2f | %d | %.3e | | %.3e | | %.3e | |\n", su.n, 1e3 / su.n, su.steps, e.rms_all, e.max_all,
                   e.rms[MH_S_F]);
        else
            printf("| %d | %.2f | %d | %.3e | %.2f | %.3e | %.2f | %.3e | %.2f |\n", su.n, 1e3 / su.n, su.steps,
                   e.rms_all, mms_order(prev_rms, e.rms_all, ratio), e.max_all, mms_order(prev_max, e.max_all, ratio),
                   e.rms[MH_S_F], mms_order(prev_F, e.rms[MH_S_F], ratio));
        prev_rms = e.rms_all;
        prev_max = e.max_all;
        prev_F = e.rms[MH_S_F];
    }
    return 0;
}

static int time_table(int dims, int n, double T, const int *steps, int ns)
{
    printf("\n### Time, %d-D, n = %d, periodic (T = %g day; difference of successive solutions)\n\n", dims, n, T);
    printf("| steps | dt (h) | RMS difference to 2x steps | order |\n|---|---|---|---|\n");
    mh_fields *f[8] = {0};
    int rc = 0;
    for (int l = 0; l < ns && l < 8; l++) {
        mms_setup su = {dims, n, true, T, steps[l]};
        mh_ctx ctx;
        mh_ctx_init(&ctx);
        if (mms_run(&su, &f[l], NULL, &ctx) != MH_OK) {
            fprintf(stderr, "verify: %s\n", ctx.msg);
            rc = 1;
            break;
        }
    }
    for (int l = 0; rc == 0 && l + 1 < ns; l++) {
        double d = mms_difference(f[l], f[l + 1]);
        if (l == 0)
            printf("| %d | %.3f | %.3e | |\n", steps[l], 24 * T / steps[l], d);
        else
            printf("| %d | %.3f | %.3e | %.2f |\n", steps[l], 24 * T / steps[l], d,
                   mms_order(mms_difference(f[l - 1], f[l]), d, 2.0));
    }
    for (int l = 0; l < ns && l < 8; l++)
        mh_fields_destroy(&f[l]);
    return rc;
}

int main(void)
{
    static const int lev2[] = {16, 32, 64, 128}, lev3[] = {8, 16, 32}, steps[] = {5, 10, 20, 40, 80};
    int rc = 0;
    printf("## Method of manufactured solutions (tests/mms.c)\n");
    rc |= space_table(2, true, lev2, 4, 40, 0.1);
    rc |= space_table(2, false, lev2, 4, 40, 0.1);
    rc |= space_table(3, true, lev3, 3, 16, 0.1);
    rc |= space_table(3, false, lev3, 3, 16, 0.1);
    rc |= time_table(2, 32, 0.25, steps, 5);
    return rc;
}
