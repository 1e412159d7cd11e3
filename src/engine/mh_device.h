/* mh_device: needle devices (pen, roller, stamp, patch), effective depth, density and puncture patterns. */
#ifndef MH_DEVICE_H
#define MH_DEVICE_H

#include "mh_config.h"
#include "mh_grid.h"

/* MH_DEV_NONE: no needles (a session that only applies a compound to intact skin). */
typedef enum { MH_DEV_PEN = 0, MH_DEV_ROLLER, MH_DEV_STAMP, MH_DEV_PATCH, MH_DEV_NONE } mh_device_type;
typedef enum { MH_PAT_GRID = 0, MH_PAT_HEX, MH_PAT_RANDOM } mh_pattern;

/* A device as resolved for one session. */
typedef struct {
    mh_device_type type;
    mh_pattern pattern;
    double needle_length_mm, needle_diameter_mm;
    double penetration_fraction; /* resolved: device default or config */
    double depth_mm;             /* effective channel depth = fraction x length */
    double surface_radius_mm;    /* min(needle radius, depth tan(half-angle)) */
    double density_per_cm2;      /* requested (given or derived from the device) */
    double wear_time_days;       /* the needles stay in the skin this long (a patch), channels held open */
    int needles, passes;
} mh_device;

/* One puncture: centre (mm), effective depth, surface radius, 1-based session. */
typedef struct {
    double x_mm, y_mm, depth_mm, radius_mm;
    int session;
} mh_puncture;

/* Default penetration fraction of a device type (sources in papers/model.md). */
double mh_device_default_penetration(mh_device_type t);

/* Resolves the device of session s (1-based) from device.* and its [session.s] overrides. */
mh_status mh_device_resolve(const mh_config *cfg, int session, mh_device *dev, mh_ctx *ctx);

/* Strip width (mm) that a 2-D cross-section represents for areal density n (1/cm^2): 1/sqrt(n);
 * 10 mm (as for one puncture per cm^2) for n = 0, a session without needles. */
double mh_device_strip_mm(double density_per_cm2);

/* Generates the punctures of one session over [0, width) x [0, length) mm,
 * reproducibly from seed and session. *out is malloc'ed (caller frees), *n its count.
 * Lattice patterns of session 1 are centred; later sessions shift them by a random offset. */
mh_status mh_device_punctures(const mh_device *dev, double width_mm, double length_mm, unsigned long seed,
                              int session, mh_ctx *ctx, mh_puncture **out, size_t *n);

#endif
