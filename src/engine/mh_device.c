/* src/engine: the numerical engine, on plain parameter structs; no configuration, no HDF5, no printing. */
/* mh_device: resolving device settings per session and generating puncture patterns (GSL RNG).
 *
 * Effective depth d = f L (penetration fraction f of needle length L); the channel is a cone
 * of surface radius r_s = min(needle radius, d tan(alpha)). Density is given, or derived:
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

double mh_device_default_penetration(mh_device_type t)
{
    switch (t) {
    case MH_DEV_ROLLER:
        return 0.25; /* Kalluri 2011 (~20%, rat) and Lam 2008 (<50%, pig) */
    case MH_DEV_PEN:
        return 0.30; /* ASSUMPTION: perpendicular motorised stamping, above a roller */
    case MH_DEV_STAMP:
        return 0.30; /* ASSUMPTION: as the pen */
    case MH_DEV_PATCH:
        return 0.77; /* Donnelly et al. 2010: 600 um -> ~460 um in human skin in vivo */
    case MH_DEV_NONE:
        return 0.0; /* no needles */
    }
    return 0.3;
}

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

mh_status mh_device_resolve(const mh_device_params *p, mh_device *dev, mh_ctx *ctx)
{
    memset(dev, 0, sizeof *dev);
    dev->type = p->type;
    dev->pattern = p->pattern;
    dev->needle_length_mm = p->needle_length_mm;
    dev->needle_diameter_mm = p->needle_diameter_mm;
    dev->needles = p->needles;
    dev->passes = p->passes;
    dev->penetration_fraction =
        isnan(p->penetration_fraction) ? mh_device_default_penetration(dev->type) : p->penetration_fraction;
    dev->depth_mm = dev->penetration_fraction * dev->needle_length_mm;
    double tan_a = tan(p->tip_half_angle_deg * M_PI / 180.0);
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
        p[q].depth_mm = dev->depth_mm;
        p[q].radius_mm = dev->surface_radius_mm;
        p[q].session = session;
    }
    gsl_rng_free(rng);
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
    *out = p;
    *n = count;
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
