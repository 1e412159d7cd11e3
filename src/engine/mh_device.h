/* src/engine: the numerical engine, on plain parameter structs; no configuration, no HDF5, no printing. */
/* mh_device: needle devices (pen, roller, stamp, patch), effective depth, density and puncture patterns. */
#ifndef MH_DEVICE_H
#define MH_DEVICE_H

#include "mh_grid.h"
#include "mh_insert.h"

/* Most sessions of one run. */
#define MH_MAX_SESSIONS 50
/* Most punctures per cm^2 of a session, given or derived from a device's settings. */
#define MH_MAX_DENSITY_PER_CM2 20000.0

/* MH_DEV_NONE: no needles (a session that only applies a compound to intact skin). */
typedef enum { MH_DEV_PEN = 0, MH_DEV_ROLLER, MH_DEV_STAMP, MH_DEV_PATCH, MH_DEV_NONE } mh_device_type;
typedef enum { MH_PAT_GRID = 0, MH_PAT_HEX, MH_PAT_RANDOM } mh_pattern;

/* A device as resolved for one session. */
typedef struct {
    mh_device_type type;
    mh_pattern pattern;
    double needle_length_mm, needle_diameter_mm;
    double penetration_fraction; /* resolved: the insertion model's depth_mean / length, or as given */
    double depth_mm;             /* effective channel depth: the mean over the needles, or fraction x length */
    double surface_radius_mm;    /* min(needle radius, depth tan(half-angle)) */
    bool inserted;               /* true: the depths come from the insertion model (mech, arr, ins) */
    mh_insert_skin mech;         /* the skin's mechanics and the array as the model saw them */
    mh_insert_array arr;
    mh_insert_result ins;   /* depth spread, forces, failed needles (0 when not inserted) */
    double depth_max_mm;    /* the deepest any puncture of the session reaches */
    double density_per_cm2; /* requested (given or derived from the device) */
    double wear_time_days;  /* the needles stay in the skin this long (a patch), channels held open */
    int needles, passes;
} mh_device;

/* One puncture: centre (mm), effective depth, surface radius, 1-based session. section_mm: in a 2-D
 * section, the strip its session's section stands for (mh_device_strip_mm; its injury weight, papers/
 * model.md "2-D sections"); 0 in 3-D and where not known (then the grid's length is the strip). */
typedef struct {
    double x_mm, y_mm, depth_mm, radius_mm;
    int session;
    double section_mm;
} mh_puncture;

/* A device's settings for one session, as given. NAN in a member marked "auto" asks for its automatic
 * value (mh_device_resolve). Units as named; sources of the defaults: papers/model.md, "Devices". */
typedef struct {
    mh_device_type type;
    mh_pattern pattern;
    double needle_length_mm, needle_diameter_mm;
    double tip_half_angle_deg;   /* the cone of the tip */
    double penetration_fraction; /* auto: the insertion model (mh_insert), with mech below */
    double tip_radius_um;        /* radius of the needle's blunt tip */
    double needle_spacing_mm;    /* auto: the device's (mh_device_spacing_mm) */
    double roller_load_n, roller_radius_mm, roller_width_mm; /* a roller's drum and the hand's load */
    double press_force_n;        /* stamp, patch: auto (NAN) pressed home; a force drives them */
    double insertion_speed_mm_s; /* auto: pen pi L f, roller and stamp/patch mh_device_speed_mm_s */
    double length_sd_um;         /* standard deviation of the needles' lengths */
    double surface_sd_um;        /* standard deviation of the skin's height under the array */
    double puncture_sd;          /* standard deviation of ln F_p between needles */
    mh_insert_skin mech;         /* the skin's mechanics (mh_insert_skin; mh_build from the config) */
    double density_per_cm2;      /* auto: derived from the settings below */
    double wear_time_min;        /* auto: 20 min for a patch, else 0 */
    int needles, passes;
    double roller_density_per_pass_per_cm2;                           /* a roller's punctures per pass */
    double pen_rate_hz, pen_glide_speed_cm_s, pen_cartridge_width_mm; /* a pen's stamping */
    double stamp_area_cm2;                                            /* a stamp's or a patch's needle area */
} mh_device_params;

/* The insertion model's array for the settings p: the needles that meet the skin at once (a roller: those
 * of the drum's arc within a needle's length of the skin), their spacing and their drive
 * (papers/insertion.md, "Devices"). */
void mh_device_insert_array(const mh_device_params *p, mh_insert_array *arr);

/* Resolves the settings p of a session into *dev (effective depth, surface radius, density, wear time):
 * with penetration_fraction auto, by the insertion model (mh_insert_solve; a session whose needles all fail
 * to break the skin has depth 0 and no punctures); else depth = fraction x length for every puncture.
 * MH_ERR_INPUT when the derived density exceeds MH_MAX_DENSITY_PER_CM2 (dev is filled all the same). */
mh_status mh_device_resolve(const mh_device_params *p, mh_device *dev, mh_ctx *ctx);

/* The device type or pattern named s ("pen", "roller", "stamp", "patch", "none"; "grid", "hex",
 * "random"): true and *out set when s names one. */
bool mh_device_type_from_name(const char *s, mh_device_type *out);
bool mh_device_pattern_from_name(const char *s, mh_pattern *out);

/* The punctures per session of a 2-D section width_mm wide at areal density n (1/cm^2): the
 * expected count of its nominal strip 1/sqrt(n), width x sqrt(n) / 10, rounded to the nearest
 * integer and at least 1; 0 for n = 0 (papers/model.md, "2-D sections"). */
size_t mh_device_section_count(double density_per_cm2, double width_mm);
/* Strip width (mm) that a 2-D cross-section width_mm wide represents at areal density n (1/cm^2):
 * N / (n width), N = mh_device_section_count, so that the section's N punctures are exactly n per
 * area (1/sqrt(n) times the rounding of the count); 10 mm for n = 0, a session without needles. */
double mh_device_strip_mm(double density_per_cm2, double width_mm);

/* The punctures of one session of dev over a 3-D patch width x length mm: random, the expected
 * count n x area rounded to the nearest integer; grid and hex, the lattice fitted to the extents
 * (columns x rows); 0 without needles. */
size_t mh_device_patch_count(const mh_device *dev, double width_mm, double length_mm);
/* The density (1/cm^2) that a session of dev realises: a 2-D section (dims 2), the requested one by
 * construction of its strip (mh_device_strip_mm); a 3-D patch width x length mm, mh_device_patch_count
 * over the area. */
double mh_device_realised_density(const mh_device *dev, int dims, double width_mm, double length_mm);
/* The spacing of the lattice of a grid or hex pattern at dev's density, before it is fitted to a
 * domain: along a row and between rows (mm); 1/sqrt(n) for both in a grid; a = sqrt(2/(sqrt(3) n))
 * and a sqrt(3)/2 in a hex (a triangular lattice). */
void mh_device_lattice_spacing(const mh_device *dev, double *along_mm, double *between_mm);
/* Most relative difference between the realised and the requested density that a run accepts. */
#define MH_DENSITY_TOLERANCE 0.02

/* MH_ERR_INPUT, with what to change, when session (1-based) of d realises a density more than
 * MH_DENSITY_TOLERANCE off the requested one on a grid of dims and the lateral extents given. */
mh_status mh_device_check_density(const mh_device *d, int session, int dims, double width_mm, double length_mm,
                                  mh_ctx *ctx);

/* Generates the punctures of one session over [0, width) x [0, length) mm (a 3-D patch: random,
 * mh_device_patch_count of them at uniform positions),
 * reproducibly from seed and session. *out is malloc'ed (caller frees), *n its count.
 * Lattice patterns of session 1 are centred; later sessions shift them by a random offset. */
mh_status mh_device_punctures(const mh_device *dev, double width_mm, double length_mm, unsigned long seed, int session,
                              mh_ctx *ctx, mh_puncture **out, size_t *n);
/* The punctures of one session in a 2-D section [0, width) mm wide, reproducibly from seed and
 * session: exactly mh_device_section_count of them, one in each of as many equal strata of the width
 * (random: uniform inside its stratum; grid and hex: at the same place in every stratum, centred in
 * session 1 and shifted by one random offset in later ones), each carrying its strip (section_mm).
 * *out is malloc'ed (caller frees), *n its count. */
mh_status mh_device_section_punctures(const mh_device *dev, double width_mm, unsigned long seed, int session,
                                      mh_ctx *ctx, mh_puncture **out, size_t *n);

#endif
