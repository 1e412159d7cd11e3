/* test_mms: order of accuracy of the full reaction-diffusion-chemotaxis system by the method of
 * manufactured solutions (tests/mms.h), in 2-D and 3-D, with periodic and zero-flux lateral
 * boundaries and zero-flux top and bottom (3-D zero flux is tabled by make verify, not asserted). Space: three grid
 * levels with dt ~ dx^2, time error removed by extrapolation; asserted order 2 (1.8-2.3) overall and for every
 * transported species. Time: successive halvings of dt on one grid; asserted order 1 (0.9-1.1). */
#include "helpers.h"

#include "mms.h"

static void space_orders(int dims, bool periodic, int n0, int steps0, double max_bound)
{
    mms_error e[3];
    for (int l = 0; l < 3; l++) {
        mms_setup su = {dims, n0 << l, periodic, 0.1, steps0 << (2 * l)};
        mh_ctx ctx;
        mh_ctx_init(&ctx);
        cr_assert_eq(mms_space_error(&su, &e[l], &ctx), MH_OK, "%s", ctx.msg);
    }
    double o = mms_order(e[1].rms_all, e[2].rms_all, 2.0);
    cr_expect(o > 1.8 && o < 2.3, "%d-D %s: overall order %.3f (errors %.3e %.3e %.3e)", dims,
              periodic ? "periodic" : "zero flux", o, e[0].rms_all, e[1].rms_all, e[2].rms_all);
    static const mh_species transported[] = {MH_S_K, MH_S_H, MH_S_I, MH_S_G, MH_S_F};
    for (int i = 0; i < 5; i++) {
        mh_species s = transported[i];
        double os = mms_order(e[1].rms[s], e[2].rms[s], 2.0);
        cr_expect(os > 1.8 && os < 2.3, "%d-D: %s order %.3f (%.3e -> %.3e)", dims, mh_species_name(s), os, e[1].rms[s],
                  e[2].rms[s]);
    }
    /* converging to the right solution, not only converging: the largest error at the finest level,
     * as a fraction of each amplitude, below about 3x its measured value (max_bound, per case) */
    cr_expect(e[2].max_all < max_bound, "max error %.3e of the amplitude at the finest level (bound %.1e)",
              e[2].max_all, max_bound);
}

/* max error measured 7.6e-5, 9.4e-6 and 1.05e-3 of the amplitude (2-D periodic, zero flux, 3-D) */
Test(mms, space_order_2d_periodic) { space_orders(2, true, 16, 40, 2.5e-4); }
Test(mms, space_order_2d_zero_flux) { space_orders(2, false, 16, 80, 3e-5); }
Test(mms, space_order_3d_periodic) { space_orders(3, true, 6, 16, 3e-3); }

Test(mms, time_order_first)
{
    mh_fields *f[4] = {0};
    for (int l = 0; l < 4; l++) {
        mms_setup su = {2, 16, true, 0.25, 10 << l};
        mh_ctx ctx;
        mh_ctx_init(&ctx);
        cr_assert_eq(mms_run(&su, &f[l], NULL, &ctx), MH_OK, "%s", ctx.msg);
    }
    double d01 = mms_difference(f[0], f[1]), d12 = mms_difference(f[1], f[2]), d23 = mms_difference(f[2], f[3]);
    double o1 = mms_order(d01, d12, 2.0), o2 = mms_order(d12, d23, 2.0);
    cr_expect(o1 > 0.9 && o1 < 1.1, "time order %.3f (differences %.3e %.3e)", o1, d01, d12);
    cr_expect(o2 > 0.9 && o2 < 1.1, "time order %.3f (differences %.3e %.3e)", o2, d12, d23);
    for (int l = 0; l < 4; l++)
        mh_fields_destroy(&f[l]);
}
