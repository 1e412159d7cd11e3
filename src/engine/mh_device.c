/* src/engine: the numerical engine, on plain parameter structs; no configuration, no HDF5, no printing. */
/* mh_device: resolving device settings per session and generating puncture patterns (GSL RNG).
 *
 * Effective depth: from the insertion model (mh_insert) of the device's needles, drive and the skin's
 * mechanics, a depth per puncture; or d = f L for a given penetration fraction f of needle length L. The
 * channel is a cone of surface radius r_s = min(needle radius, d tan(alpha)). Density is given, or derived:
 *   roller: passes x density per pass;  pen: passes x rate x needles / (glide speed x width);
 *   stamp/patch: presses x needles / area.
 * Patterns: grid (square lattice), hex (triangular lattice), random (Poisson number,
 * uniform positions). Sources of the defaults: papers/model.md, "Devices". */
#include "mh_device.h"

#include "mh_units.h"

#include <gsl/gsl_math.h>
#include <gsl/gsl_rng.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The largest density (20000 / cm^2) over the largest patch (50 x 50 mm = 25 cm^2) gives 5e5
 * punctures; anything far beyond is a unit mistake, refused before allocating for it. */
#define MH_MAX_PUNCTURES 5000000

bool mh_device_type_from_name(const char *s, mh_device_type *out)
{
    static const char *const names[] = {[MH_DEV_PEN] = "pen",
                                        [MH_DEV_ROLLER] = "roller",
                                        [MH_DEV_STAMP] = "stamp",
                                        [MH_DEV_PATCH] = "patch",
                                        [MH_DEV_NONE] = "none"};
    for (size_t t = 0; t < sizeof names / sizeof names[0]; t++)
        if (strcmp(s, names[t]) == 0) {
            *out = (mh_device_type)t;
            return true;
        }
    return false;
}

bool mh_device_pattern_from_name(const char *s, mh_pattern *out)
{
    static const char *const names[] = {[MH_PAT_GRID] = "grid", [MH_PAT_HEX] = "hex", [MH_PAT_RANDOM] = "random"};
    for (size_t t = 0; t < sizeof names / sizeof names[0]; t++)
        if (strcmp(s, names[t]) == 0) {
            *out = (mh_pattern)t;
            return true;
        }
    return false;
}

/* The density (1/cm^2) that a device's settings give when none is given. */
static double derived_density(const mh_device_params *p)
{
    switch (p->type) {
    case MH_DEV_ROLLER:
        return p->passes * p->roller_density_per_pass_per_cm2;
    case MH_DEV_PEN:
        return p->passes * p->pen_rate_hz * p->needles / (p->pen_glide_speed_cm_s * 0.1 * p->pen_cartridge_width_mm);
    case MH_DEV_STAMP:
    case MH_DEV_PATCH:
    case MH_DEV_NONE:
        break;
    }
    return p->passes * p->needles / p->stamp_area_cm2;
}

void mh_device_insert_array(const mh_device_params *p, mh_insert_array *arr)
{
    memset(arr, 0, sizeof *arr);
    arr->length_mm = p->needle_length_mm;
    arr->shaft_diameter_mm = p->needle_diameter_mm;
    arr->tip_radius_um = p->tip_radius_um;
    arr->tip_half_angle_deg = p->tip_half_angle_deg;
    arr->length_sd_um = p->length_sd_um;
    arr->surface_sd_um = p->surface_sd_um;
    arr->puncture_sd = p->puncture_sd;
    arr->needles = p->needles > 0 ? p->needles : 1;
    arr->drive = MH_DRIVE_STROKE;
    double v = p->insertion_speed_mm_s, spacing = p->needle_spacing_mm;
    switch (p->type) {
    case MH_DEV_ROLLER: {
        /* the needles of the drum's arc whose tips reach the skin: half-angle acos(R / (R + L)) each side */
        double R = p->roller_radius_mm, half = acos(R / (R + p->needle_length_mm));
        int engaged = (int)lround(p->needles * half / M_PI);
        arr->needles = engaged < 1 ? 1 : engaged;
        arr->drive = MH_DRIVE_FORCE;
        arr->force_n = p->roller_load_n;
        if (isnan(spacing)) /* the drum's needles spread evenly over its surface */
            spacing = sqrt(2.0 * M_PI * R * p->roller_width_mm / (p->needles > 0 ? p->needles : 1));
        if (isnan(v)) /* ASSUMPTION (papers/insertion.md): the tip enters at 10 mm/s */
            v = 10.0;
        break;
    }
    case MH_DEV_PEN:
        if (isnan(spacing)) /* the cartridge's needles on a square lattice across its width */
            spacing = p->pen_cartridge_width_mm / ceil(sqrt((double)arr->needles));
        if (isnan(v)) /* the peak speed of a sinusoidal stroke of the needle's length at the stamping rate */
            v = M_PI * p->needle_length_mm * p->pen_rate_hz;
        break;
    case MH_DEV_STAMP:
    case MH_DEV_PATCH:
    case MH_DEV_NONE:
        if (isnan(spacing)) /* the array's needles spread evenly over its area */
            spacing = sqrt(p->stamp_area_cm2 * 100.0 / arr->needles);
        if (!isnan(p->press_force_n)) {
            arr->drive = MH_DRIVE_FORCE;
            arr->force_n = p->press_force_n;
        }
        if (isnan(v)) /* ASSUMPTION (papers/insertion.md): pressed by hand at 1 mm/s */
            v = 1.0;
        break;
    }
    arr->spacing_mm = spacing;
    arr->speed_mm_s = v;
}

mh_status mh_device_resolve(const mh_device_params *p, mh_device *dev, mh_ctx *ctx)
{
    memset(dev, 0, sizeof *dev);
    dev->type = p->type;
    dev->pattern = p->pattern;
    dev->needle_length_mm = p->needle_length_mm;
    dev->needle_diameter_mm = p->needle_diameter_mm;
    dev->needles = p->needles;
    dev->passes = p->passes;
    double tan_a = tan(p->tip_half_angle_deg * M_PI / 180.0);
    if (isnan(p->penetration_fraction) && dev->type != MH_DEV_NONE) {
        dev->inserted = true;
        dev->mech = p->mech;
        mh_device_insert_array(p, &dev->arr);
        mh_status st = mh_insert_solve(&dev->mech, &dev->arr, &dev->ins, ctx);
        if (st != MH_OK)
            return st;
        dev->depth_mm = dev->ins.depth_mean_mm;
        dev->penetration_fraction = dev->ins.fraction;
        dev->depth_max_mm = dev->ins.depth_max_mm;
    } else {
        dev->penetration_fraction = dev->type == MH_DEV_NONE ? 0.0 : p->penetration_fraction;
        dev->depth_mm = dev->penetration_fraction * dev->needle_length_mm;
        dev->depth_max_mm = dev->depth_mm;
    }
    dev->surface_radius_mm = fmin(0.5 * dev->needle_diameter_mm, dev->depth_mm * tan_a);
    /* a patch is worn 20 min (Rouphael et al. 2017); the other devices are withdrawn at once */
    dev->wear_time_days =
        (isnan(p->wear_time_min) ? (dev->type == MH_DEV_PATCH ? 20.0 : 0.0) : p->wear_time_min) / MH_MINUTES_PER_DAY;
    if (dev->type == MH_DEV_NONE) {
        dev->density_per_cm2 = 0.0; /* no punctures (mh_device_punctures) */
        return MH_OK;
    }
    dev->density_per_cm2 = isnan(p->density_per_cm2) ? derived_density(p) : p->density_per_cm2;
    if (!(dev->density_per_cm2 <= MH_MAX_DENSITY_PER_CM2))
        return MH_ERROR(ctx, MH_ERR_INPUT, "the device settings give %.0f punctures/cm^2 (more than %.0f)",
                        dev->density_per_cm2, MH_MAX_DENSITY_PER_CM2);
    return MH_OK;
}

size_t mh_device_section_count(double density_per_cm2, double width_mm)
{
    if (!(density_per_cm2 > 0.0) || !(width_mm > 0.0))
        return 0;
    /* n/100 per mm^2 over width x the nominal strip 10/sqrt(n) mm */
    double expected = width_mm * sqrt(density_per_cm2) / MH_MM_PER_CM;
    if (!(expected < (double)MH_MAX_PUNCTURES))
        return (size_t)MH_MAX_PUNCTURES + 1;
    long c = lround(expected);
    return c < 1 ? 1 : (size_t)c;
}

double mh_device_strip_mm(double density_per_cm2, double width_mm)
{
    size_t count = mh_device_section_count(density_per_cm2, width_mm);
    if (count == 0)
        return MH_MM_PER_CM; /* the strip of one puncture per cm^2 */
    return (double)count / (density_per_cm2 / MH_MM2_PER_CM2 * width_mm);
}

/* The random stream of a session: one per session, so that a session's pattern does not depend on
 * the others'. NULL when out of memory. */
static gsl_rng *session_rng(unsigned long seed, int session)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (rng != NULL)
        gsl_rng_set(rng, seed * 1000003UL + (unsigned long)session);
    return rng;
}

/* Lattice points: `count` rows/columns fitted to the extent, so periodic domains tile exactly. */
static int lattice_count(double extent, double spacing)
{
    long c = lround(extent / spacing);
    return c < 1 ? 1 : (int)c;
}

void mh_device_lattice_spacing(const mh_device *dev, double *along_mm, double *between_mm)
{
    double n_mm2 = dev->density_per_cm2 / MH_MM2_PER_CM2;
    double a = dev->pattern == MH_PAT_HEX ? sqrt(2.0 / (sqrt(3.0) * n_mm2)) : 1.0 / sqrt(n_mm2);
    *along_mm = a;
    *between_mm = dev->pattern == MH_PAT_HEX ? a * sqrt(3.0) / 2.0 : a;
}

/* The lattice of a grid or hex pattern fitted to width x length mm: cx columns, cy rows. */
static void lattice_shape(const mh_device *dev, double width_mm, double length_mm, int *cx, int *cy)
{
    double a, row;
    mh_device_lattice_spacing(dev, &a, &row);
    *cx = lattice_count(width_mm, a);
    *cy = lattice_count(length_mm, row);
}

size_t mh_device_patch_count(const mh_device *dev, double width_mm, double length_mm)
{
    if (dev->type == MH_DEV_NONE || !(dev->density_per_cm2 > 0.0))
        return 0;
    if (dev->pattern == MH_PAT_RANDOM) {
        double expected = dev->density_per_cm2 / MH_MM2_PER_CM2 * width_mm * length_mm;
        return expected < (double)MH_MAX_PUNCTURES ? (size_t)lround(expected) : (size_t)MH_MAX_PUNCTURES + 1;
    }
    int cx, cy;
    lattice_shape(dev, width_mm, length_mm, &cx, &cy);
    return (size_t)cx * (size_t)cy;
}

double mh_device_realised_density(const mh_device *dev, int dims, double width_mm, double length_mm)
{
    if (dev->type == MH_DEV_NONE || !(dev->density_per_cm2 > 0.0))
        return 0.0;
    if (dims == 2) /* the strip is chosen so that the section's count is n per area */
        return dev->density_per_cm2;
    return (double)mh_device_patch_count(dev, width_mm, length_mm) / (width_mm * length_mm) * MH_MM2_PER_CM2;
}

/* The depths and radii of the m punctures p of a session: dev's for every one, or, from the insertion model,
 * one needle drawn per puncture from a stream of its own (seeded from seed and session, apart from the
 * positions' stream, which stays as it was); a needle that failed to break the skin leaves no puncture (p
 * is compacted, *m its new count). */
static mh_status assign_depths(const mh_device *dev, unsigned long seed, int session, mh_ctx *ctx, mh_puncture *p,
                               size_t *m)
{
    if (!dev->inserted) {
        for (size_t q = 0; q < *m; q++) {
            p[q].depth_mm = dev->depth_mm;
            p[q].radius_mm = dev->surface_radius_mm;
        }
        return MH_OK;
    }
    mh_insert_sampler *smp = NULL;
    mh_status st = mh_insert_sampler_create(&dev->mech, &dev->arr, ctx, &smp);
    if (st != MH_OK)
        return st;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (rng == NULL) {
        mh_insert_sampler_destroy(&smp);
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (random number generator)");
    }
    gsl_rng_set(rng, (seed * 1000003UL + (unsigned long)session) ^ 0x9E3779B97F4A7C15UL);
    size_t k = 0;
    for (size_t q = 0; q < *m; q++) {
        mh_insert_needle nd;
        mh_insert_sampler_draw(smp, rng, &nd);
        if (!nd.punctured)
            continue;
        p[k] = p[q];
        p[k].depth_mm = nd.depth_mm;
        p[k].radius_mm = nd.radius_mm;
        k++;
    }
    *m = k;
    gsl_rng_free(rng);
    mh_insert_sampler_destroy(&smp);
    return MH_OK;
}

mh_status mh_device_punctures(const mh_device *dev, double width_mm, double length_mm, unsigned long seed, int session,
                              mh_ctx *ctx, mh_puncture **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (dev->type == MH_DEV_NONE)
        return MH_OK;
    gsl_rng *rng = session_rng(seed, session);
    if (rng == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (random number generator)");

    const size_t cap = mh_device_patch_count(dev, width_mm, length_mm);
    int cx = 0, cy = 0;
    double ax = 0, ay = 0;
    if (dev->pattern != MH_PAT_RANDOM) {
        lattice_shape(dev, width_mm, length_mm, &cx, &cy);
        ax = width_mm / cx;
        ay = length_mm / cy;
    }
    if (cap > MH_MAX_PUNCTURES) {
        gsl_rng_free(rng);
        return MH_ERROR(ctx, MH_ERR_INPUT, "device.density_per_cm2: %zu punctures in one session exceed %zu", cap,
                        (size_t)MH_MAX_PUNCTURES);
    }
    mh_puncture *p = malloc((cap ? cap : 1) * sizeof *p);
    if (p == NULL) {
        gsl_rng_free(rng);
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (%zu punctures)", cap);
    }
    size_t m = 0;
    if (dev->pattern == MH_PAT_RANDOM) {
        for (size_t q = 0; q < cap; q++) {
            p[m].x_mm = gsl_rng_uniform(rng) * width_mm;
            p[m].y_mm = gsl_rng_uniform(rng) * length_mm;
            m++;
        }
    } else {
        double ox = 0.5, oy = 0.5; /* session 1: lattice centred in its cells */
        if (session > 1) {
            ox = gsl_rng_uniform(rng);
            oy = gsl_rng_uniform(rng);
        }
        for (int r = 0; r < cy; r++)
            for (int c = 0; c < cx; c++) {
                double shift = (dev->pattern == MH_PAT_HEX && (r % 2)) ? 0.5 : 0.0;
                double x = fmod((c + ox + shift) * ax, width_mm);
                p[m].x_mm = x;
                p[m].y_mm = (r + oy) * ay;
                m++;
            }
    }
    for (size_t q = 0; q < m; q++) {
        p[q].session = session;
        p[q].section_mm = 0.0; /* a 3-D patch: no strip (it was left unset before issue 21) */
    }
    gsl_rng_free(rng);
    mh_status st = assign_depths(dev, seed, session, ctx, p, &m);
    if (st != MH_OK) {
        free(p);
        return st;
    }
    *out = p;
    *n = m;
    return MH_OK;
}

mh_status mh_device_section_punctures(const mh_device *dev, double width_mm, unsigned long seed, int session,
                                      mh_ctx *ctx, mh_puncture **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (dev->type == MH_DEV_NONE)
        return MH_OK;
    const size_t count = mh_device_section_count(dev->density_per_cm2, width_mm);
    if (count > MH_MAX_PUNCTURES)
        return MH_ERROR(ctx, MH_ERR_INPUT, "device.density_per_cm2: %zu punctures in one session exceed %zu", count,
                        (size_t)MH_MAX_PUNCTURES);
    if (count == 0)
        return MH_OK;
    const double strip = mh_device_strip_mm(dev->density_per_cm2, width_mm), stratum = width_mm / (double)count;
    gsl_rng *rng = session_rng(seed, session);
    mh_puncture *p = malloc(count * sizeof *p);
    if (rng == NULL || p == NULL) {
        gsl_rng_free(rng);
        free(p);
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (%zu punctures)", count);
    }
    double offset = 0.5; /* lattices: centred in session 1 */
    if (dev->pattern != MH_PAT_RANDOM && session > 1)
        offset = gsl_rng_uniform(rng);
    for (size_t q = 0; q < count; q++) {
        double u = dev->pattern == MH_PAT_RANDOM ? gsl_rng_uniform(rng) : offset;
        p[q] = (mh_puncture){.x_mm = fmin(((double)q + u) * stratum, nextafter(width_mm, 0.0)),
                             .y_mm = 0.5 * strip,
                             .depth_mm = dev->depth_mm,
                             .radius_mm = dev->surface_radius_mm,
                             .session = session,
                             .section_mm = strip};
    }
    gsl_rng_free(rng);
    size_t m = count;
    mh_status st = assign_depths(dev, seed, session, ctx, p, &m);
    if (st != MH_OK) {
        free(p);
        return st;
    }
    *out = p;
    *n = m;
    return MH_OK;
}

mh_status mh_device_check_density(const mh_device *d, int session, int dims, double width_mm, double length_mm,
                                  mh_ctx *ctx)
{
    if (d->type == MH_DEV_NONE)
        return MH_OK;
    double got = mh_device_realised_density(d, dims, width_mm, length_mm);
    double off = 100.0 * (got / d->density_per_cm2 - 1.0);
    if (fabs(off) <= 100.0 * MH_DENSITY_TOLERANCE)
        return MH_OK;
    if (d->pattern == MH_PAT_RANDOM)
        return MH_ERROR(ctx, MH_ERR_INPUT,
                        "session %d: %.0f punctures/cm^2 on the %g x %g mm patch realise %.1f/cm^2 (%+.1f %%, more "
                        "than %.0f %% off); choose a larger grid.width_mm and grid.length_mm",
                        session, d->density_per_cm2, width_mm, length_mm, got, off, 100.0 * MH_DENSITY_TOLERANCE);
    double a = 0.0, row = 0.0;
    mh_device_lattice_spacing(d, &a, &row);
    return MH_ERROR(ctx, MH_ERR_INPUT,
                    "session %d: %.0f punctures/cm^2 on the %g x %g mm patch realise %.1f/cm^2 (%+.1f %%, more than "
                    "%.0f %% off); choose grid.width_mm near a multiple of %.4f mm and grid.length_mm near a "
                    "multiple of %.4f mm (the lattice's spacing)",
                    session, d->density_per_cm2, width_mm, length_mm, got, off, 100.0 * MH_DENSITY_TOLERANCE, a, row);
}
