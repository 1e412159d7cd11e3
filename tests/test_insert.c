/* test_insert: the insertion model (papers/insertion.md) against hand derivations written here, its trends
 * in the directions the sources give, and its calibration data within their bands. */
#include "helpers.h"

#include "mh_device.h"
#include "mh_insert.h"

#include <gsl/gsl_math.h>
#include <math.h>

/* A skin whose layers all have one modulus E (MPa) and no tension, viscosity or friction: the tenting force
 * is then 2 kappa E/(1 - nu^2) a delta by hand. */
static mh_insert_skin uniform_skin(double e_mpa)
{
    mh_insert_skin s = {.thickness_mm = {0.015, 0.06, 1.0, 2.0},
                        .modulus_mpa = {e_mpa, e_mpa, e_mpa, e_mpa},
                        .substrate_mpa = e_mpa,
                        .poisson = 0.45,
                        .toughness_j_m2 = 1000.0,
                        .sc_ref_um = 15.0,
                        .sc_exponent = 1.0,
                        .tenting_gain = 1.0,
                        .instant_ratio = 1.0,
                        .relaxation_s = 0.0,
                        .tension_kpa = 0.0,
                        .membrane_mpa = 0.0,
                        .prestretch = 0.0,
                        .zone_factor = 1.0,
                        .friction_kpa = 0.0,
                        .cut_ratio = 0.5};
    return s;
}

static mh_insert_array single_needle(double length_mm)
{
    mh_insert_array a = {.length_mm = length_mm,
                         .shaft_diameter_mm = 0.2,
                         .tip_radius_um = 5.0,
                         .tip_half_angle_deg = 15.0,
                         .needles = 1,
                         .spacing_mm = 1.0,
                         .drive = MH_DRIVE_STROKE};
    return a;
}

Test(insert, modulus_of_uniform_and_layered_skin)
{
    mh_insert_skin s = uniform_skin(0.3);
    const double es = 0.3 / (1.0 - 0.45 * 0.45);
    for (double a = 1e-3; a < 10.0; a *= 3.0) /* equal layers: every weighting gives the one modulus */
        cr_assert_float_eq(mh_insert_modulus(&s, a, 0.0), es, 1e-12 * es, "a = %g mm", a);
    /* a stratum corneum 1000x stiffer: felt fully by a contact far narrower than it, not at all far wider */
    s.modulus_mpa[MH_MECH_SC] = 300.0;
    s.thickness_mm[MH_MECH_SC] = 0.1;
    cr_assert_float_eq(mh_insert_modulus(&s, 1e-5, 0.0), 300.0 / (1.0 - 0.45 * 0.45), 0.01 * 300.0);
    cr_assert(mh_insert_modulus(&s, 1e4, 0.0) < 1.05 * es, "a wide contact feels the soft layers");
    /* the standard linear solid over a ramp of t: r_v at t -> 0, 1 at t -> infinity, 1 + (r_v - 1)(1 - 1/e) at
     * t = tau */
    s = uniform_skin(0.3);
    s.instant_ratio = 4.0;
    s.relaxation_s = 0.2;
    cr_assert_float_eq(mh_insert_modulus(&s, 0.1, 1e-9) / es, 4.0, 1e-6);
    cr_assert_float_eq(mh_insert_modulus(&s, 0.1, 1e9) / es, 1.0, 1e-6);
    cr_assert_float_eq(mh_insert_modulus(&s, 0.1, 0.2) / es, 1.0 + 3.0 * (1.0 - exp(-1.0)), 1e-12);
}

/* The tenting force of a uniform skin at indentation delta (m), by hand: flat punch 2 E* a delta with the
 * contact radius a = min(shaft radius, R + delta tan alpha). */
static double hand_tent_force(double e_star_pa, const mh_insert_array *a, double delta)
{
    double r = fmin(0.5 * a->shaft_diameter_mm * 1e-3,
                    a->tip_radius_um * 1e-6 + delta * tan(a->tip_half_angle_deg * M_PI / 180.0));
    return 2.0 * e_star_pa * r * delta;
}

/* The indentation (m) that carries force F on a uniform skin, by bisection. */
static double hand_tent_at(double e_star_pa, const mh_insert_array *a, double F)
{
    double lo = 0.0, hi = 1.0;
    for (int i = 0; i < 200; i++) {
        double mid = 0.5 * (lo + hi);
        if (hand_tent_force(e_star_pa, a, mid) < F)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

Test(insert, single_needle_by_hand)
{
    const mh_insert_skin s = uniform_skin(0.3);
    const mh_insert_array a = single_needle(1.0);
    const double es = 0.3e6 / (1.0 - 0.45 * 0.45);
    mh_insert_needle n;
    mh_insert_needle_solve(&s, &a, 0, 0, NULL, &n);
    /* puncture force: the toughness over the tip's rim, 2 pi R J */
    const double Fp = 2.0 * M_PI * 5e-6 * 1000.0;
    cr_assert_float_eq(n.puncture_force_n, Fp, 1e-12 * Fp);
    /* tenting at puncture: 2 E* a delta_p = F_p */
    cr_assert_float_eq(n.tent_mm, hand_tent_at(es, &a, Fp) * 1e3, 1e-6 * n.tent_mm);
    cr_assert_float_eq(n.hub_travel_mm, n.tent_mm, 1e-12, "one needle shares its dimple with none");
    /* seated depth: d + delta_r(F_r(d)) = L, F_r = rho_c 2 pi r(d) J (no friction) */
    cr_assert(n.punctured);
    const double d = n.depth_mm * 1e-3;
    const double r = fmin(1e-4, 5e-6 + d * tan(15.0 * M_PI / 180.0));
    const double Fr = 0.5 * 2.0 * M_PI * r * 1000.0;
    cr_assert_float_eq(d + hand_tent_at(es, &a, Fr), 1e-3, 1e-9, "depth %g mm does not solve the seat", n.depth_mm);
    cr_assert_float_eq(n.radius_mm, fmin(0.1, n.depth_mm * tan(15.0 * M_PI / 180.0)), 1e-12);
    /* a thicker stratum corneum is tougher in proportion (sc_exponent 1): twice the puncture force */
    mh_insert_skin thick = s;
    thick.thickness_mm[MH_MECH_SC] = 0.030;
    mh_insert_needle_solve(&thick, &a, 0, 0, NULL, &n);
    cr_assert_float_eq(n.puncture_force_n, 2.0 * Fp, 1e-12 * Fp);
}

Test(insert, force_drive_by_hand)
{
    mh_insert_skin s = uniform_skin(30.0); /* stiff: the dimple stays small, the hub floats */
    s.friction_kpa = 100.0;
    mh_insert_array a = single_needle(2.0);
    a.drive = MH_DRIVE_FORCE;
    const double Fp = 2.0 * M_PI * 5e-6 * 1000.0;
    mh_insert_needle n;
    a.force_n = 0.99 * Fp; /* below the puncture force: the skin never breaks */
    mh_insert_needle_solve(&s, &a, 0, 0, NULL, &n);
    cr_assert(!n.punctured && n.depth_mm == 0.0);
    /* above it, the needle stops where the hole's widening and the shaft's friction take up the force:
     * rho_c 2 pi r(d) J + tau_f pi d_n d = f, before the hub seats */
    a.force_n = 0.2;
    mh_insert_needle_solve(&s, &a, 0, 0, NULL, &n);
    cr_assert(n.punctured);
    const double d = n.depth_mm * 1e-3, r = fmin(1e-4, 5e-6 + d * tan(15.0 * M_PI / 180.0));
    const double F = 0.5 * 2.0 * M_PI * r * 1000.0 + 100e3 * M_PI * 0.2e-3 * d;
    cr_assert_float_eq(F, 0.2, 1e-8, "force at %g mm is %g N", n.depth_mm, F);
    cr_assert(n.depth_mm < 2.0 - 0.1, "force-limited, short of the stroke");
}

/* The lens that two discs of radius 1 at distance x share, over one disc's area (by hand). */
static double lens(double x) { return x >= 2.0 ? 0.0 : (2.0 * acos(x / 2.0) - x * sqrt(1.0 - x * x / 4.0)) / M_PI; }

Test(insert, overlapping_zones_and_the_bed_of_nails)
{
    const mh_insert_skin s = uniform_skin(0.3);
    mh_insert_array a = single_needle(1.0);
    const double bz = 0.075; /* zone: 1 x (stratum corneum + viable epidermis) */
    mh_insert_needle one, two;
    mh_insert_needle_solve(&s, &a, 0, 0, NULL, &one);
    a.needles = 2;
    a.spacing_mm = 0.1; /* x = 0.1 / 0.075 */
    mh_insert_needle_solve(&s, &a, 0, 0, NULL, &two);
    cr_assert_float_eq(two.hub_travel_mm, one.tent_mm * (1.0 + lens(0.1 / bz)), 1e-9);
    cr_assert(two.depth_mm < one.depth_mm, "the shared dimple costs depth");
    a.spacing_mm = 0.2; /* beyond 2 b_z: no overlap */
    mh_insert_needle_solve(&s, &a, 0, 0, NULL, &two);
    cr_assert_float_eq(two.hub_travel_mm, one.tent_mm, 1e-12);
    /* a dense array whose shared dimple exceeds the stroke: no needle breaks the skin */
    a.needles = 400;
    a.spacing_mm = 0.02;
    a.length_mm = 0.3;
    mh_insert_needle_solve(&s, &a, 10, 10, NULL, &two);
    cr_assert(!two.punctured, "hub travel %g mm for a %g mm needle", two.hub_travel_mm, a.length_mm);
}

Test(insert, summary_is_reproducible_and_bounded)
{
    mh_insert_skin s = uniform_skin(0.3);
    mh_insert_array a = single_needle(1.0);
    a.needles = 12;
    a.length_sd_um = 10.0;
    a.surface_sd_um = 20.0;
    a.puncture_sd = 0.2;
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_insert_result r1, r2;
    cr_assert_eq(mh_insert_solve(&s, &a, &r1, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_insert_solve(&s, &a, &r2, &ctx), MH_OK);
    cr_assert(memcmp(&r1, &r2, sizeof r1) == 0, "the summary's fixed sample gives the same bits");
    cr_assert(r1.depth_sd_mm > 0.0 && r1.depth_mean_mm > 0.0 && r1.depth_max_mm >= r1.depth_mean_mm);
    cr_assert(r1.depth_max_mm <= 1.0 + MH_INSERT_TRUNC * 0.010 + MH_INSERT_TRUNC * 0.020 + 1e-12);
    cr_assert_float_eq(r1.fraction, r1.depth_mean_mm, 1e-12);
    cr_assert_float_eq(r1.array_force_n, 12 * r1.puncture_force_n, 1e-12);
    /* bad input is refused, naming what */
    a.tip_radius_um = 200.0; /* wider than the 0.2 mm shaft */
    cr_assert_eq(mh_insert_solve(&s, &a, &r1, &ctx), MH_ERR_INPUT);
    cr_assert(strstr(ctx.msg, "tip radius") != NULL, "%s", ctx.msg);
}

/* The session-1 insertion of configs/default.ini with sets. */
static mh_device device_of(const char *const *sets)
{
    mh_config *cfg = mh_test_config(sets);
    mh_device d;
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_build_device(cfg, 1, &d, &ctx), MH_OK, "%s", ctx.msg);
    mh_config_destroy(&cfg);
    cr_assert(d.inserted);
    return d;
}

#define DEPTH(...) device_of((const char *const[]){__VA_ARGS__, NULL}).depth_mm
#define FRACTION(...) device_of((const char *const[]){__VA_ARGS__, NULL}).penetration_fraction

Test(insert, trends_in_the_sourced_directions)
{
    /* longer needles go deeper, pen and roller */
    double prev = 0.0;
    for (double L = 0.25; L <= 2.01; L += 0.25) {
        char set[64];
        snprintf(set, sizeof set, "device.needle_length_mm=%g", L);
        double d = DEPTH(set);
        cr_assert(d > prev, "pen %g mm: %g mm deep, not deeper than %g", L, d, prev);
        prev = d;
    }
    cr_assert(DEPTH("device.type=roller", "device.needles=192", "device.needle_length_mm=0.5") <
              DEPTH("device.type=roller", "device.needles=192", "device.needle_length_mm=1.0"));
    /* a roller pressed by hand goes a smaller fraction of longer needles: more of them share the load */
    cr_assert(FRACTION("device.type=roller", "device.needles=192", "device.needle_length_mm=2.5") <
              FRACTION("device.type=roller", "device.needles=192", "device.needle_length_mm=1.0"));
    /* a stroke-driven pen buries a larger fraction of a longer stroke (Lam et al. 2008: < 50 % below 1 mm) */
    cr_assert(FRACTION("device.needle_length_mm=2.0") > FRACTION("device.needle_length_mm=0.5"));
    /* a blunter tip: a larger puncture force and more tenting, shallower (Roemgens 2014, Davis 2004) */
    cr_assert(DEPTH("device.tip_radius_um=20") < DEPTH("device.tip_radius_um=4"));
    cr_assert(DEPTH("device.type=roller", "device.needles=192", "device.tip_radius_um=20") <
              DEPTH("device.type=roller", "device.needles=192"));
    /* denser needles share their dimples (the bed of nails; Olatunji et al. 2013), shallower */
    cr_assert(DEPTH("device.needle_spacing_mm=0.1", "device.needles=36") <
              DEPTH("device.needle_spacing_mm=1.0", "device.needles=36"));
    /* stiffer skin dimples less under the same force: deeper (stroke) */
    cr_assert(DEPTH("mechanics.dermis_modulus_mpa=0.26") > DEPTH("mechanics.dermis_modulus_mpa=0.13"));
    /* older skin is stiffer (Agache et al. 1980; Diridollou et al. 2001) and its dermis thinner */
    cr_assert(DEPTH("patient.age_years=70") > DEPTH("patient.age_years=25"));
    /* a thicker stratum corneum is tougher: a larger puncture force, shallower */
    cr_assert(DEPTH("skin.stratum_corneum_um=30") < DEPTH("skin.stratum_corneum_um=15"));
    /* stretching the skin tensions it: less tenting, deeper */
    cr_assert(DEPTH("mechanics.prestretch=0.2") > DEPTH("mechanics.prestretch=0"));
    /* faster insertion meets the stiffer instantaneous skin (Verbaan et al. 2008: impact beats the hand) */
    cr_assert(DEPTH("device.type=stamp", "device.insertion_speed_mm_s=3000") >
              DEPTH("device.type=stamp", "device.insertion_speed_mm_s=1"));
}

Test(insert, calibration_data_within_their_bands)
{
    /* Roemgens et al. 2014: puncture force 20 to 167 mN for tip diameters 5 to 37 um (mechanics.toughness_j_m2
     * fitted by least squares through the origin: within 15 % of both ends) */
    mh_config *cfg = mh_test_config(NULL);
    mh_device_params dp;
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_build_device_params(cfg, 1, &dp, &ctx), MH_OK, "%s", ctx.msg);
    mh_config_destroy(&cfg);
    const double tips[2] = {2.5, 18.5}, force[2] = {0.020, 0.167};
    for (int i = 0; i < 2; i++) {
        mh_insert_array a = single_needle(1.5);
        a.tip_radius_um = tips[i];
        mh_insert_needle n;
        mh_insert_needle_solve(&dp.mech, &a, 0, 0, NULL, &n);
        cr_assert(fabs(n.puncture_force_n / force[i] - 1.0) < 0.15, "tip %g um: %g N, measured %g N", 2 * tips[i],
                  n.puncture_force_n, force[i]);
    }
    /* Kalluri et al. 2011: 770 um roller needles, 152.5 +- 9.6 um channels in hairless rat (mechanics.cut_ratio
     * fitted): the mean within one standard deviation of the data */
    cfg = NULL;
    cr_assert_eq(mh_config_create(&ctx, &cfg), MH_OK);
    cr_assert_eq(mh_config_load(cfg, "configs/insertion/kalluri_2011_rat_roller.ini", &ctx), MH_OK, "%s", ctx.msg);
    mh_device d;
    cr_assert_eq(mh_build_device(cfg, 1, &d, &ctx), MH_OK, "%s", ctx.msg);
    mh_config_destroy(&cfg);
    cr_assert(fabs(d.depth_mm - 0.1525) <= 0.0096, "Kalluri: %g mm", d.depth_mm);
}

Test(insert, punctures_carry_their_own_depths)
{
    mh_device d = device_of((const char *const[]){"device.pattern=random", NULL});
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_puncture *p = NULL, *q = NULL;
    size_t n = 0, m = 0;
    cr_assert_eq(mh_device_punctures(&d, 20.0, 20.0, 42, 1, &ctx, &p, &n), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_device_punctures(&d, 20.0, 20.0, 42, 1, &ctx, &q, &m), MH_OK);
    cr_assert(n > 100 && n == m);
    for (size_t k = 0; k < n; k++)
        cr_assert(p[k].x_mm == q[k].x_mm && p[k].y_mm == q[k].y_mm && p[k].depth_mm == q[k].depth_mm &&
                      p[k].radius_mm == q[k].radius_mm,
                  "the same seed gives the same punctures");
    double lo = INFINITY, hi = 0.0;
    for (size_t k = 0; k < n; k++) {
        lo = fmin(lo, p[k].depth_mm);
        hi = fmax(hi, p[k].depth_mm);
        cr_assert(p[k].depth_mm > 0.0 && p[k].depth_mm <= d.depth_max_mm + 1e-12);
        cr_assert_float_eq(p[k].radius_mm, fmin(0.125, p[k].depth_mm * tan(13.0 * M_PI / 180.0)), 1e-12);
    }
    cr_assert(hi > lo, "the depths scatter among needles");
    free(q);
    /* another seed moves them; the positions' stream is the one it was */
    cr_assert_eq(mh_device_punctures(&d, 20.0, 20.0, 43, 1, &ctx, &q, &m), MH_OK);
    cr_assert(m == n && (q[0].depth_mm != p[0].depth_mm || q[0].x_mm != p[0].x_mm));
    free(p);
    free(q);
}

/* microheal insert: the tables and the picture for two configurations, and clear errors on bad input. */
Test(insert, command_tables_picture_and_errors, .timeout = 120)
{
    char *dir = mh_test_temp_dir("insert");
    char cmd[PATH_MAX + 256], path[PATH_MAX + 64];
    snprintf(cmd, sizeof cmd,
             "./microheal insert configs/default.ini configs/devices/roller_192.ini --lengths 0.5,1.5 "
             "--spacings 0.2,1 -o %s/out > %s/stdout",
             dir, dir);
    char *err = NULL;
    cr_assert_eq(mh_test_sh(cmd, &err), 0, "%s", err);
    free(err);
    snprintf(path, sizeof path, "%s/out/insertion.png", dir);
    mh_test_is_png(path);
    snprintf(path, sizeof path, "%s/out/insertion_length.dat", dir);
    char *t = mh_test_read_file(path);
    cr_assert_not_null(t);
    /* two data sets of two rows; the default pen's row at 1.5 mm is its session's insertion */
    int rows = 0;
    double first_depth = NAN;
    for (char *line = strtok(t, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        if (line[0] == '#')
            continue;
        int k;
        double L, d;
        cr_assert_eq(sscanf(line, "%d %lf %lf", &k, &L, &d), 3, "%s", line);
        if (k == 0 && L == 1.5)
            first_depth = d;
        rows++;
    }
    cr_assert_eq(rows, 4);
    mh_device pen = device_of((const char *const[]){NULL});
    cr_assert_float_eq(first_depth, pen.depth_mm, 1e-6 * pen.depth_mm);
    free(t);
    snprintf(path, sizeof path, "%s/stdout", dir);
    t = mh_test_read_file(path);
    cr_assert(t != NULL && strstr(t, "configs/devices/roller_192.ini: session 1: roller") != NULL);
    free(t);
    mh_test_sh_fails("./microheal insert configs/default.ini --lengths 0.5,x", 2, "--lengths: 'x' is not a number");
    mh_test_sh_fails("./microheal insert configs/default.ini --lengths 9", 2, "--lengths: '9' is not a number in");
    mh_test_sh_fails("./microheal insert /nonexistent/x.ini", 2, "/nonexistent/x.ini"); /* as run and check */
    mh_test_sh_fails("./microheal insert configs/default.ini --set device.tip_radius_um=400", 2,
                     "device.tip_radius_um");
    mh_test_sh_fails("./microheal insert", 2, "missing CONFIG");
    free(dir);
}
