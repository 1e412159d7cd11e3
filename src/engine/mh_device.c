/* mh_device: resolving device settings per session and generating puncture patterns (GSL RNG).
 *
 * Effective depth d = f L (penetration fraction f of needle length L); the channel is a cone
 * of surface radius r_s = min(needle radius, d tan(alpha)). Density is given, or derived:
 *   roller: passes x density per pass;  pen: passes x rate x needles / (glide speed x width);
 *   stamp/patch: presses x needles / area.
 * Patterns: grid (square lattice), hex (triangular lattice), random (Poisson number,
 * uniform positions). Sources of the defaults: papers/model.md, "Devices". */
#include "mh_device.h"

#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
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
    case MH_DEV_ROLLER: return 0.25; /* Kalluri 2011 (~20%, rat) and Lam 2008 (<50%, pig) */
    case MH_DEV_PEN: return 0.30;    /* ASSUMPTION: perpendicular motorised stamping, above a roller */
    case MH_DEV_STAMP: return 0.30;  /* ASSUMPTION: as the pen */
    case MH_DEV_PATCH: return 0.77;  /* Donnelly et al. 2010: 600 um -> ~460 um in human skin in vivo */
    case MH_DEV_NONE: return 0.0;    /* no needles */
    }
    return 0.3;
}

static mh_device_type type_of(const char *s)
{
    if (strcmp(s, "roller") == 0)
        return MH_DEV_ROLLER;
    if (strcmp(s, "stamp") == 0)
        return MH_DEV_STAMP;
    if (strcmp(s, "patch") == 0)
        return MH_DEV_PATCH;
    if (strcmp(s, "none") == 0)
        return MH_DEV_NONE;
    return MH_DEV_PEN;
}

static mh_pattern pattern_of(const char *s)
{
    if (strcmp(s, "grid") == 0)
        return MH_PAT_GRID;
    if (strcmp(s, "hex") == 0)
        return MH_PAT_HEX;
    return MH_PAT_RANDOM;
}

mh_status mh_device_resolve(const mh_config *cfg, int s, mh_device *dev, mh_ctx *ctx)
{
    memset(dev, 0, sizeof *dev);
    dev->type = type_of(mh_config_choice_s(cfg, MH_P_DEV_TYPE, s));
    dev->pattern = pattern_of(mh_config_choice_s(cfg, MH_P_DEV_PATTERN, s));
    dev->needle_length_mm = mh_config_real_s(cfg, MH_P_DEV_LENGTH, s);
    dev->needle_diameter_mm = mh_config_real_s(cfg, MH_P_DEV_DIAM, s);
    dev->needles = (int)mh_config_int_s(cfg, MH_P_DEV_NEEDLES, s);
    dev->passes = (int)mh_config_int_s(cfg, MH_P_DEV_PASSES, s);
    dev->penetration_fraction = mh_config_is_auto_s(cfg, MH_P_DEV_PENFRAC, s)
                                    ? mh_device_default_penetration(dev->type)
                                    : mh_config_real_s(cfg, MH_P_DEV_PENFRAC, s);
    dev->depth_mm = dev->penetration_fraction * dev->needle_length_mm;
    double tan_a = tan(mh_config_real_s(cfg, MH_P_DEV_ANGLE, s) * M_PI / 180.0);
    dev->surface_radius_mm = fmin(0.5 * dev->needle_diameter_mm, dev->depth_mm * tan_a);
    /* a patch is worn 20 min (Rouphael et al. 2017); the other devices are withdrawn at once */
    dev->wear_time_days = (mh_config_is_auto_s(cfg, MH_P_DEV_WEAR, s) ? (dev->type == MH_DEV_PATCH ? 20.0 : 0.0)
                                                                      : mh_config_real_s(cfg, MH_P_DEV_WEAR, s)) /
                          1440.0;

    if (dev->type == MH_DEV_NONE) {
        dev->density_per_cm2 = 0.0; /* no punctures (mh_device_punctures) */
        return MH_OK;
    }
    if (!mh_config_is_auto_s(cfg, MH_P_DEV_DENSITY, s)) {
        dev->density_per_cm2 = mh_config_real_s(cfg, MH_P_DEV_DENSITY, s);
    } else {
        switch (dev->type) {
        case MH_DEV_ROLLER:
            dev->density_per_cm2 = dev->passes * mh_config_real_s(cfg, MH_P_DEV_ROLLER_PP, s);
            break;
        case MH_DEV_PEN:
            dev->density_per_cm2 = dev->passes * mh_config_real_s(cfg, MH_P_DEV_PEN_RATE, s) * dev->needles /
                                   (mh_config_real_s(cfg, MH_P_DEV_PEN_SPEED, s) *
                                    0.1 * mh_config_real_s(cfg, MH_P_DEV_PEN_WIDTH, s));
            break;
        case MH_DEV_STAMP:
        case MH_DEV_PATCH:
        case MH_DEV_NONE:
            dev->density_per_cm2 = dev->passes * dev->needles / mh_config_real_s(cfg, MH_P_DEV_STAMP_AREA, s);
            break;
        }
        const double max_density = mh_param_table()[MH_P_DEV_DENSITY].hi; /* the same limit as a given density */
        if (dev->density_per_cm2 > max_density) {
            /* the message points at the first setting given of those that made the density */
            static const mh_param_id roller[] = {MH_P_DEV_PASSES, MH_P_DEV_ROLLER_PP, MH_P_DEV_TYPE, MH_P_DEV_DENSITY},
                                     pen[] = {MH_P_DEV_PASSES,    MH_P_DEV_PEN_RATE,  MH_P_DEV_NEEDLES,
                                              MH_P_DEV_PEN_SPEED, MH_P_DEV_PEN_WIDTH, MH_P_DEV_TYPE,
                                              MH_P_DEV_DENSITY},
                                     stamp[] = {MH_P_DEV_PASSES, MH_P_DEV_NEEDLES, MH_P_DEV_STAMP_AREA, MH_P_DEV_TYPE,
                                                MH_P_DEV_DENSITY};
            mh_param_id c = dev->type == MH_DEV_ROLLER ? mh_config_culprit(cfg, s, roller, 4)
                            : dev->type == MH_DEV_PEN  ? mh_config_culprit(cfg, s, pen, 7)
                                                       : mh_config_culprit(cfg, s, stamp, 5);
            return MH_ERROR(ctx, MH_ERR_INPUT,
                            "%s: %s: the device settings of session %d give %.0f punctures/cm^2 (more than %.0f); "
                            "set device.density_per_cm2 or fewer passes",
                            mh_config_origin_s(cfg, c, s), mh_param_table()[c].key, s, dev->density_per_cm2,
                            max_density);
        }
    }
    return MH_OK;
}

double mh_device_strip_mm(double density_per_cm2) { return 10.0 / sqrt(density_per_cm2 > 0.0 ? density_per_cm2 : 1.0); }

/* Lattice points: `count` rows/columns fitted to the extent, so periodic domains tile exactly. */
static int lattice_count(double extent, double spacing)
{
    long c = lround(extent / spacing);
    return c < 1 ? 1 : (int)c;
}

mh_status mh_device_punctures(const mh_device *dev, double width_mm, double length_mm, unsigned long seed,
                              int session, mh_ctx *ctx, mh_puncture **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (dev->type == MH_DEV_NONE)
        return MH_OK;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (rng == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (random number generator)");
    /* One stream per session, so a session's pattern does not depend on the others'. */
    gsl_rng_set(rng, seed * 1000003UL + (unsigned long)session);

    double n_mm2 = dev->density_per_cm2 / 100.0; /* punctures per mm^2 */
    double area = width_mm * length_mm;
    size_t cap = 0;
    int cx = 0, cy = 0;
    double ax = 0, ay = 0;
    if (dev->pattern == MH_PAT_RANDOM) {
        cap = gsl_ran_poisson(rng, n_mm2 * area);
    } else {
        double a = dev->pattern == MH_PAT_GRID ? 1.0 / sqrt(n_mm2) : sqrt(2.0 / (sqrt(3.0) * n_mm2));
        double row = dev->pattern == MH_PAT_GRID ? a : a * sqrt(3.0) / 2.0;
        cx = lattice_count(width_mm, a);
        cy = lattice_count(length_mm, row);
        ax = width_mm / cx;
        ay = length_mm / cy;
        cap = (size_t)cx * (size_t)cy;
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
