/* src/engine: the numerical engine, on plain parameter structs; no configuration, no HDF5, no printing. */
/* mh_insert: insertion mechanics of a needle array in layered skin (papers/insertion.md).
 *
 * A needle's tip pushes the skin down (tenting) until the force reaches its puncture force
 *   F_p = 2 pi R J_c,           J_c = J_ref (h_SC / h_ref)^m          (toughness over the tip's rim)
 * with the tenting force at indentation delta, contact radius a = min(d_n/2, R + delta tan alpha),
 *   F_t(delta) = delta [2 kappa_t E*(a, t) a + k_m(a)]                (Sneddon's flat punch, membrane)
 * E*(a, t) the layered plane-strain modulus at the contact's scale (Gao, Chiu & Lee 1992's weight, layer by
 * layer from the substrate up), times the standard linear solid's ramp factor g(t) at the loading time
 * t = delta / v; k_m = 2 pi T / ln(b / a) the in-plane tension T = (sigma_0 + E_m eps_pre) h_skin of a
 * membrane of radius b = a + h_skin. Each needle dimples the skin over a zone of radius b_z = c_z h_epi
 * (h_epi: stratum corneum and viable epidermis);
 * where the zones of two needles overlap, the skin between them is pushed down by both, so a needle's hub
 * travels
 *   u_p = delta_p (1 + O_i),    O_i = sum_j phi(rho_ij / b_z)      (phi: overlap of two discs / one disc)
 * before it punctures; a needle whose hub would have to travel further than its stroke fails (the "bed of
 * nails"). After puncture the tip widens the hole against F_r(d) = rho_c 2 pi r(d) J_c + tau_f pi d_n d
 * (r(d): the cone's radius at depth d) and the skin stays dimpled by delta_r(F_r), the tenting that carries
 * F_r, shared as before:
 *   stroke (hub seated): d = s - delta_r(F_r(d)) (1 + O_i);   force f per needle: d_f with F_r(d_f) = f,
 *   unless the hub seats first (then as the stroke). s = L + dL + h (length and surface scatter). */
#include "mh_insert.h"

#include <gsl/gsl_errno.h> /* GSL_SUCCESS; the handler is off (mh_ctx_init) */
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_roots.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MPA 1e6 /* Pa per MPa */
#define KPA 1e3
#define MM 1e-3 /* m per mm */
#define UM 1e-6

/* Seed of the fixed sample behind mh_insert_result (not the run's seed: the summary is a property of the
 * device and the skin). */
#define MH_INSERT_SUMMARY_SEED 20211206UL

/* Gao, Chiu & Lee (1992)'s weight I_0 of a layer t = h / a thick over a half-space, for Poisson's ratio nu:
 * 0 at t = 0, 1 as t grows without bound. */
static double gao_weight(double t, double nu)
{
    if (!(t > 0.0))
        return 0.0;
    if (!isfinite(t))
        return 1.0;
    double t2 = t * t;
    double w = M_2_PI * atan(t) + ((1.0 - 2.0 * nu) * t * log1p(1.0 / t2) - t / (1.0 + t2)) / (2.0 * M_PI * (1.0 - nu));
    return fmin(1.0, fmax(0.0, w));
}

/* The standard linear solid's secant modulus over a ramp of duration t, relative to the relaxed one:
 * 1 + (r_v - 1) (tau_v / t) (1 - exp(-t / tau_v)); r_v at t -> 0, 1 as t grows. */
static double rate_factor(const mh_insert_skin *s, double t_s)
{
    if (!(s->relaxation_s > 0.0) || !(t_s < INFINITY))
        return 1.0; /* an elastic skin, or a quasi-static load */
    if (!(t_s > 0.0))
        return s->instant_ratio;
    double x = t_s / s->relaxation_s;
    return 1.0 + (s->instant_ratio - 1.0) * (-expm1(-x)) / x;
}

/* Layered Young's modulus (Pa, relaxed) at the scale a (m). */
static double layered_pa(const mh_insert_skin *s, double a_m)
{
    double e = s->substrate_mpa * MPA;
    for (int l = MH_MECH_LAYERS - 1; l >= 0; l--)
        e += (s->modulus_mpa[l] * MPA - e) * gao_weight(s->thickness_mm[l] * MM / a_m, s->poisson);
    return e;
}

double mh_insert_modulus(const mh_insert_skin *skin, double a_mm, double t_s)
{
    double t = t_s > 0.0 ? t_s : INFINITY;
    return rate_factor(skin, t) * layered_pa(skin, a_mm * MM) / (1.0 - skin->poisson * skin->poisson) / MPA;
}

/* Everything a needle's solution needs, in SI units. */
typedef struct {
    const mh_insert_skin *s;
    double R, rs, tan_a, dn; /* tip radius, shaft radius, tan(alpha), shaft diameter (m) */
    double v;                /* m/s; 0: quasi-static */
    double J;                /* J_c (J/m^2) */
    double h_skin;           /* SC + VE + dermis (m) */
    double h_epi;            /* SC + VE (m) */
    double T;                /* in-plane tension (N/m) */
    double target;           /* a force (N) the root finders match */
    double share;            /* 1 + O_i: the dimple's share with the neighbours */
    double jfac;             /* this needle's scatter of the toughness */
} needle_ctx;

static double loading_time(const needle_ctx *c, double delta) { return c->v > 0.0 ? delta / c->v : INFINITY; }

/* The tenting force (N) at indentation delta (m). */
static double tent_force(double delta, void *p)
{
    const needle_ctx *c = p;
    if (!(delta > 0.0))
        return 0.0;
    double a = fmin(c->rs, c->R + delta * c->tan_a);
    double e = rate_factor(c->s, loading_time(c, delta)) * layered_pa(c->s, a) / (1.0 - c->s->poisson * c->s->poisson);
    double km = c->T > 0.0 ? 2.0 * M_PI * c->T / log((a + c->h_skin) / a) : 0.0;
    return delta * (2.0 * c->s->tenting_gain * e * a + km);
}

static double tent_residual(double delta, void *p) { return tent_force(delta, p) - ((const needle_ctx *)p)->target; }

/* The root of f (increasing, f(lo) < 0 < f(hi)) by GSL's Brent solver, to a relative 1e-10 of the bracket. */
static double brent(double (*f)(double, void *), void *p, double lo, double hi)
{
    gsl_function fn = {f, p};
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (s == NULL || gsl_root_fsolver_set(s, &fn, lo, hi) != GSL_SUCCESS) {
        gsl_root_fsolver_free(s);
        return 0.5 * (lo + hi);
    }
    double x = 0.5 * (lo + hi);
    for (int it = 0; it < 200; it++) {
        if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS)
            break;
        x = gsl_root_fsolver_root(s);
        double a = gsl_root_fsolver_x_lower(s), b = gsl_root_fsolver_x_upper(s);
        if (gsl_root_test_interval(a, b, 0.0, 1e-10) == GSL_SUCCESS)
            break;
    }
    gsl_root_fsolver_free(s);
    return x;
}

/* The indentation (m) at which the tenting carries force F (N): the first crossing, bracketed on a geometric
 * scan from 1 nm (F_t rises with delta), then refined. */
static double tent_at(needle_ctx *c, double F)
{
    if (!(F > 0.0))
        return 0.0;
    c->target = F;
    double lo = 0.0, hi = 1e-9;
    while (tent_residual(hi, c) < 0.0) {
        lo = hi;
        hi *= 2.0;
        if (hi > 10.0) /* 10 m: a force no skin carries; the needle never punctures */
            return INFINITY;
    }
    return brent(tent_residual, c, lo, hi);
}

/* Radius (m) of the cone at distance d (m) behind the tip. */
static double cone_radius(const needle_ctx *c, double d) { return fmin(c->rs, c->R + d * c->tan_a); }

/* The force (N) at the needle after puncture, its tip d (m) deep. */
static double resist_force(const needle_ctx *c, double d)
{
    return c->s->cut_ratio * 2.0 * M_PI * cone_radius(c, d) * c->J * c->jfac +
           c->s->friction_kpa * KPA * M_PI * c->dn * d;
}

typedef struct {
    needle_ctx *c;
    double stroke; /* m */
} seat_ctx;

/* d + delta_r(F_r(d)) - stroke: zero at the seated depth. */
static double seat_residual(double d, void *p)
{
    seat_ctx *sc = p;
    return d + tent_at(sc->c, resist_force(sc->c, d)) * sc->c->share - sc->stroke;
}

static double force_residual(double d, void *p)
{
    const needle_ctx *c = p;
    return resist_force(c, d) - c->target;
}

void mh_insert_lattice(int n, int *cols, int *rows)
{
    int c = (int)ceil(sqrt((double)(n > 0 ? n : 1)));
    while ((c - 1) * (c - 1) >= n && c > 1)
        c--;
    *cols = c;
    *rows = (n + c - 1) / c;
}

static void needle_setup(const mh_insert_skin *skin, const mh_insert_array *arr, needle_ctx *c)
{
    memset(c, 0, sizeof *c);
    c->s = skin;
    c->R = arr->tip_radius_um * UM;
    c->rs = fmax(0.5 * arr->shaft_diameter_mm * MM, c->R);
    c->dn = arr->shaft_diameter_mm * MM;
    c->tan_a = tan(arr->tip_half_angle_deg * M_PI / 180.0);
    c->v = arr->speed_mm_s > 0.0 ? arr->speed_mm_s * MM : 0.0;
    c->J = skin->toughness_j_m2 * pow(skin->thickness_mm[MH_MECH_SC] * 1e3 / skin->sc_ref_um, skin->sc_exponent);
    c->h_skin =
        (skin->thickness_mm[MH_MECH_SC] + skin->thickness_mm[MH_MECH_VE] + skin->thickness_mm[MH_MECH_DERMIS]) * MM;
    c->h_epi = (skin->thickness_mm[MH_MECH_SC] + skin->thickness_mm[MH_MECH_VE]) * MM;
    c->T = (skin->tension_kpa * KPA + skin->membrane_mpa * MPA * skin->prestretch) * c->h_skin;
    c->jfac = 1.0;
}

/* The area two discs of radius 1 whose centres lie x apart share, over the area of one: 1 at x = 0, 0 from
 * x = 2 on. */
static double disc_overlap(double x)
{
    if (!(x < 2.0))
        return 0.0;
    double h = 0.5 * x;
    return (2.0 * acos(h) - x * sqrt(1.0 - h * h)) / M_PI;
}

/* O_i of the needle at (ix, iy): the overlaps of its zone with its neighbours' (papers/insertion.md). */
static double zone_overlap(const needle_ctx *c, const mh_insert_array *arr, int ix, int iy)
{
    int cols, rows;
    mh_insert_lattice(arr->needles, &cols, &rows);
    double bz = c->s->zone_factor * c->h_epi, O = 0.0;
    for (int j = 0; j < arr->needles; j++) {
        int jx = j % cols, jy = j / cols;
        if (jx == ix && jy == iy)
            continue;
        O += disc_overlap(arr->spacing_mm * MM * hypot((double)(jx - ix), (double)(jy - iy)) / bz);
    }
    return O;
}

/* A needle with scatter z (or none) and zone overlap O. */
static void solve_needle(needle_ctx *c, const mh_insert_array *arr, const double *z, double O, mh_insert_needle *out)
{
    double zl = 0.0, zh = 0.0, zf = 0.0;
    if (z != NULL) {
        zl = fmax(-MH_INSERT_TRUNC, fmin(MH_INSERT_TRUNC, z[0]));
        zh = fmax(-MH_INSERT_TRUNC, fmin(MH_INSERT_TRUNC, z[1]));
        zf = fmax(-MH_INSERT_TRUNC, fmin(MH_INSERT_TRUNC, z[2]));
    }
    memset(out, 0, sizeof *out);
    c->share = 1.0 + O;
    c->jfac = exp(arr->puncture_sd * zf);
    const double Fp = 2.0 * M_PI * c->R * c->J * c->jfac;
    const double L = fmax(0.0, arr->length_mm * MM + arr->length_sd_um * UM * zl);
    const double stroke = L + arr->surface_sd_um * UM * zh;
    const double dp = tent_at(c, Fp);
    out->puncture_force_n = Fp;
    out->tent_mm = dp / MM;
    out->hub_travel_mm = dp * c->share / MM;
    if (!(stroke > 0.0) || !(dp * c->share < stroke))
        return; /* the hub seats (or the skin carries it) before the tip breaks through */
    if (arr->drive == MH_DRIVE_FORCE && !(arr->force_n / arr->needles >= Fp))
        return; /* the force on one needle never reaches its puncture force */
    /* depth with the hub seated: d + delta_r(F_r(d)) = stroke */
    seat_ctx sc = {c, stroke};
    double d = 0.0;
    if (seat_residual(0.0, &sc) < 0.0)
        d = seat_residual(stroke, &sc) <= 0.0 ? stroke : brent(seat_residual, &sc, 0.0, stroke);
    if (arr->drive == MH_DRIVE_FORCE) {
        /* the hub floats where the resistance takes up the force, if that comes before it seats */
        double f = arr->force_n / arr->needles;
        c->target = f;
        if (force_residual(0.0, c) >= 0.0)
            d = 0.0;
        else if (force_residual(stroke, c) > 0.0) {
            double df = brent(force_residual, c, 0.0, stroke);
            if (df + tent_at(c, f) * c->share < stroke)
                d = fmin(d, df);
        }
    }
    d = fmin(d, L);
    if (!(d > 0.0))
        return;
    out->punctured = 1;
    out->depth_mm = d / MM;
    out->radius_mm = fmin(0.5 * arr->shaft_diameter_mm, out->depth_mm * c->tan_a);
}

void mh_insert_needle_solve(const mh_insert_skin *skin, const mh_insert_array *arr, int ix, int iy, const double *z,
                            mh_insert_needle *out)
{
    needle_ctx c;
    needle_setup(skin, arr, &c);
    solve_needle(&c, arr, z, zone_overlap(&c, arr, ix, iy), out);
}

#define CHECK(cond, what)                                                                                              \
    do {                                                                                                               \
        if (!(cond))                                                                                                   \
            return MH_ERROR(ctx, MH_ERR_INPUT, "insertion: %s", what);                                                 \
    } while (0)

mh_status mh_insert_check(const mh_insert_skin *s, const mh_insert_array *a, mh_ctx *ctx)
{
    for (int l = 0; l < MH_MECH_LAYERS; l++) {
        CHECK(s->thickness_mm[l] >= 0.0 && s->thickness_mm[l] < 1e3, "a layer's thickness is not in [0, 1000) mm");
        CHECK(s->modulus_mpa[l] > 0.0 && s->modulus_mpa[l] < 1e6, "a layer's modulus is not in (0, 1e6) MPa");
    }
    CHECK(s->thickness_mm[MH_MECH_SC] > 0.0, "the stratum corneum has no thickness");
    CHECK(s->substrate_mpa > 0.0 && s->substrate_mpa < 1e6, "the substrate's modulus is not in (0, 1e6) MPa");
    CHECK(s->poisson >= 0.0 && s->poisson < 0.5, "Poisson's ratio is not in [0, 0.5)");
    CHECK(s->toughness_j_m2 > 0.0 && s->toughness_j_m2 < 1e7, "the toughness is not in (0, 1e7) J/m^2");
    CHECK(s->sc_ref_um > 0.0 && isfinite(s->sc_ref_um), "the reference stratum corneum is not positive");
    CHECK(s->sc_exponent >= 0.0 && s->sc_exponent <= 4.0, "the stratum corneum exponent is not in [0, 4]");
    CHECK(s->tenting_gain > 0.0 && s->tenting_gain < 1e4, "the tenting gain is not in (0, 1e4)");
    CHECK(s->instant_ratio >= 1.0 && s->instant_ratio < 1e3, "the instantaneous/relaxed ratio is not in [1, 1000)");
    CHECK(s->relaxation_s >= 0.0 && s->relaxation_s < 1e6, "the relaxation time is not in [0, 1e6) s");
    CHECK(s->tension_kpa >= 0.0 && s->tension_kpa < 1e4, "the natural tension is not in [0, 1e4) kPa");
    CHECK(s->membrane_mpa >= 0.0 && s->membrane_mpa < 1e4, "the membrane modulus is not in [0, 1e4) MPa");
    CHECK(s->prestretch >= 0.0 && s->prestretch <= 1.0, "the pre-stretch is not in [0, 1]");
    CHECK(s->zone_factor >= 0.0 && s->zone_factor < 100.0, "the zone factor is not in [0, 100)");
    CHECK(s->friction_kpa >= 0.0 && s->friction_kpa < 1e5, "the friction is not in [0, 1e5) kPa");
    CHECK(s->cut_ratio >= 0.0 && s->cut_ratio <= 10.0, "the cut ratio is not in [0, 10]");
    CHECK(a->length_mm > 0.0 && a->length_mm < 100.0, "the needle length is not in (0, 100) mm");
    CHECK(a->shaft_diameter_mm > 0.0 && a->shaft_diameter_mm < 10.0, "the shaft diameter is not in (0, 10) mm");
    CHECK(a->tip_radius_um > 0.0 && a->tip_radius_um <= 500.0 * a->shaft_diameter_mm,
          "the tip radius is not in (0, shaft radius]");
    CHECK(a->tip_half_angle_deg > 0.0 && a->tip_half_angle_deg < 90.0, "the tip half-angle is not in (0, 90) deg");
    CHECK(a->needles >= 1 && a->needles <= 100000, "the needles that meet the skin are not in [1, 100000]");
    CHECK(a->spacing_mm > 0.0 && a->spacing_mm < 1e3, "the spacing is not in (0, 1000) mm");
    CHECK(a->drive == MH_DRIVE_STROKE || (a->force_n > 0.0 && a->force_n < 1e5), "the force is not in (0, 1e5) N");
    CHECK(a->speed_mm_s >= 0.0 && a->speed_mm_s < 1e6, "the speed is not in [0, 1e6) mm/s");
    CHECK(a->length_sd_um >= 0.0 && a->length_sd_um < 1e3, "the length scatter is not in [0, 1000) um");
    CHECK(a->surface_sd_um >= 0.0 && a->surface_sd_um < 1e3, "the surface scatter is not in [0, 1000) um");
    CHECK(a->puncture_sd >= 0.0 && a->puncture_sd < 3.0, "the puncture-force scatter is not in [0, 3)");
    return MH_OK;
}

struct mh_insert_sampler {
    mh_insert_skin skin;
    mh_insert_array arr;
    needle_ctx c;
    int cols, rows;
    double *O; /* zone overlap of each needle, NAN until first drawn */
};

mh_status mh_insert_sampler_create(const mh_insert_skin *skin, const mh_insert_array *arr, mh_ctx *ctx,
                                   mh_insert_sampler **out)
{
    *out = NULL;
    mh_status st = mh_insert_check(skin, arr, ctx);
    if (st != MH_OK)
        return st;
    mh_insert_sampler *s = calloc(1, sizeof *s);
    if (s == NULL || (s->O = malloc((size_t)arr->needles * sizeof *s->O)) == NULL) {
        free(s);
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (insertion of %d needles)", arr->needles);
    }
    s->skin = *skin;
    s->arr = *arr;
    needle_setup(&s->skin, &s->arr, &s->c);
    mh_insert_lattice(arr->needles, &s->cols, &s->rows);
    for (int j = 0; j < arr->needles; j++)
        s->O[j] = NAN;
    *out = s;
    return MH_OK;
}

void mh_insert_sampler_destroy(mh_insert_sampler **s)
{
    if (s == NULL || *s == NULL)
        return;
    free((*s)->O);
    free(*s);
    *s = NULL;
}

/* Zone overlap of needle j, computed once. */
static double sampler_O(mh_insert_sampler *s, int j)
{
    if (isnan(s->O[j]))
        s->O[j] = zone_overlap(&s->c, &s->arr, j % s->cols, j / s->cols);
    return s->O[j];
}

/* The needle at the lattice's centre (the nominal one). */
static int centre_needle(const mh_insert_sampler *s)
{
    int j = ((s->rows - 1) / 2) * s->cols + (s->cols - 1) / 2;
    return j < s->arr.needles ? j : 0;
}

void mh_insert_sampler_draw(mh_insert_sampler *s, gsl_rng *rng, mh_insert_needle *out)
{
    /* a fixed order of draws: the needle, then its length, surface and puncture-force scatter */
    int j = (int)gsl_rng_uniform_int(rng, (unsigned long)s->arr.needles);
    double z[3];
    for (int k = 0; k < 3; k++)
        z[k] = gsl_ran_gaussian(rng, 1.0);
    solve_needle(&s->c, &s->arr, z, sampler_O(s, j), out);
}

mh_status mh_insert_solve(const mh_insert_skin *skin, const mh_insert_array *arr, mh_insert_result *res, mh_ctx *ctx)
{
    memset(res, 0, sizeof *res);
    mh_insert_sampler *s = NULL;
    mh_status st = mh_insert_sampler_create(skin, arr, ctx, &s);
    if (st != MH_OK)
        return st;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (rng == NULL) {
        mh_insert_sampler_destroy(&s);
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (random number generator)");
    }
    const int n = arr->needles, centre = centre_needle(s);
    mh_insert_needle nom, deep;
    solve_needle(&s->c, arr, NULL, sampler_O(s, centre), &nom);
    res->puncture_force_n = nom.puncture_force_n;
    res->tent_mm = nom.tent_mm;
    res->hub_travel_mm = nom.hub_travel_mm;
    res->array_force_n = n * nom.puncture_force_n;
    res->applied_force_n = arr->drive == MH_DRIVE_FORCE ? arr->force_n / n : resist_force(&s->c, nom.depth_mm * MM);
    /* the deepest a draw can reach: every scatter at its bound, towards depth, on the least loaded needle
     * (a corner of the lattice) */
    const double zmax[3] = {MH_INSERT_TRUNC, MH_INSERT_TRUNC, -MH_INSERT_TRUNC};
    solve_needle(&s->c, arr, zmax, sampler_O(s, 0), &deep);
    res->depth_max_mm = fmax(deep.depth_mm, nom.depth_mm);

    gsl_rng_set(rng, MH_INSERT_SUMMARY_SEED);
    double sum = 0.0, sum2 = 0.0, rsum = 0.0;
    int ok = 0;
    for (int k = 0; k < MH_INSERT_SAMPLE; k++) {
        mh_insert_needle nd;
        mh_insert_sampler_draw(s, rng, &nd);
        if (!nd.punctured)
            continue;
        ok++;
        sum += nd.depth_mm;
        sum2 += nd.depth_mm * nd.depth_mm;
        rsum += nd.radius_mm;
        res->depth_max_mm = fmax(res->depth_max_mm, nd.depth_mm);
    }
    res->fail_fraction = 1.0 - (double)ok / MH_INSERT_SAMPLE;
    if (ok > 0) {
        res->depth_mean_mm = sum / ok;
        res->depth_sd_mm = ok > 1 ? sqrt(fmax(0.0, (sum2 - sum * sum / ok) / (ok - 1))) : 0.0;
        res->radius_mean_mm = rsum / ok;
    }
    res->fraction = res->depth_mean_mm / arr->length_mm;
    mh_insert_sampler_destroy(&s);
    gsl_rng_free(rng);
    return MH_OK;
}
