/* src/engine: the numerical engine, on plain parameter structs; no configuration, no HDF5, no printing. */
/* mh_insert: how deep a needle really goes. Insertion mechanics of a needle array in layered skin:
 * tenting before puncture, puncture at a toughness criterion, the array's shared deflection, and the
 * depth the needle reaches with what is left of its stroke or its force (papers/insertion.md). */
#ifndef MH_INSERT_H
#define MH_INSERT_H

#include "mh_ctx.h"

#include <gsl/gsl_rng.h>

#include <stddef.h>

/* The layers of the mechanical column, top down; below the last lies a half-space (the substrate). */
typedef enum { MH_MECH_SC = 0, MH_MECH_VE, MH_MECH_DERMIS, MH_MECH_FAT, MH_MECH_LAYERS } mh_mech_layer;

/* The skin as a layered, linear viscoelastic foundation, and its fracture. Units as named; symbols of
 * papers/insertion.md. */
typedef struct {
    double thickness_mm[MH_MECH_LAYERS]; /* stratum corneum, viable epidermis, dermis, subcutaneous fat, h_i */
    double modulus_mpa[MH_MECH_LAYERS];  /* relaxed (long-time) Young's modulus of each layer, E_i */
    double substrate_mpa;                /* Young's modulus of what lies below the fat (muscle), E_sub */
    double poisson;                      /* Poisson's ratio nu of every layer */
    double toughness_j_m2;               /* fracture toughness J_ref of skin whose stratum corneum is sc_ref_um */
    double sc_ref_um;                    /* h_ref */
    double sc_exponent;                  /* m: J_c = J_ref (h_SC / h_ref)^m */
    double tenting_gain;                 /* kappa_t: large-strain stiffening of the skin under a needle */
    double instant_ratio;                /* instantaneous / relaxed modulus, r_v = E_0 / E_inf (>= 1) */
    double relaxation_s;                 /* relaxation time tau_v of the standard linear solid */
    double tension_kpa;                  /* natural (pre-)stress of the skin in its plane, sigma_0 */
    double membrane_mpa;                 /* in-plane modulus of the skin at small strain, E_m */
    double prestretch;                   /* in-plane strain eps_pre the operator adds by stretching the skin */
    double zone_factor;                  /* c_z: a needle's dimple spreads over b_z = c_z h_epi */
    double friction_kpa;                 /* shear stress tau_f between the shaft and the tissue */
    double cut_ratio;                    /* rho_c: force to widen the hole / force to open it (per length) */
} mh_insert_skin;

/* How the needles are driven into the skin. */
typedef enum {
    MH_DRIVE_STROKE = 0, /* the hub travels to the skin surface (pen, a stamp or patch pressed home) */
    MH_DRIVE_FORCE       /* a force is applied to the needles that meet the skin (roller, stamp, patch) */
} mh_insert_drive;

/* One needle array and its drive. Units as named. */
typedef struct {
    double length_mm;         /* nominal length L */
    double shaft_diameter_mm; /* d_n */
    double tip_radius_um;     /* radius R of the blunt tip */
    double tip_half_angle_deg;
    int needles;       /* needles that meet the skin at once, in a square lattice */
    double spacing_mm; /* the lattice's pitch p */
    mh_insert_drive drive;
    double force_n;       /* MH_DRIVE_FORCE: force on the needles that meet the skin, P */
    double speed_mm_s;    /* speed of the tip into the skin, v (0: quasi-static) */
    double length_sd_um;  /* standard deviation of the needles' lengths, sigma_L */
    double surface_sd_um; /* standard deviation of the skin's height under the array, sigma_h */
    double puncture_sd;   /* standard deviation of ln F_p between needles, sigma_F */
} mh_insert_array;

/* What one needle does. */
typedef struct {
    double depth_mm;         /* depth of the channel below the local surface (0 when it failed) */
    double radius_mm;        /* the channel's surface radius, min(d_n / 2, depth tan alpha) */
    double puncture_force_n; /* its puncture force F_p */
    double tent_mm;          /* its tip's indentation of the skin when it punctured, delta_p */
    double hub_travel_mm;    /* the hub's travel when it punctured, u_p = delta_p (1 + O_i) */
    int punctured;           /* 0: the needle did not break the skin */
} mh_insert_needle;

/* What an array does: over a fixed sample of needles (MH_INSERT_SAMPLE draws of the scatter, which do not
 * depend on the run's seed), and for the nominal needle (no scatter) at the array's centre. */
typedef struct {
    double depth_mean_mm, depth_sd_mm; /* over the needles that punctured */
    double depth_max_mm;               /* the deepest any draw can reach (every scatter at its bound) */
    double radius_mean_mm;
    double fraction;         /* depth_mean / length */
    double fail_fraction;    /* of the needles that did not puncture */
    double puncture_force_n; /* nominal needle's F_p */
    double array_force_n;    /* force for every needle of the array to puncture, N F_p */
    double tent_mm;          /* nominal needle's delta_p */
    double hub_travel_mm;    /* nominal needle's u_p at the array's centre */
    double applied_force_n;  /* the drive's force on one needle (MH_DRIVE_FORCE; else the force at the
                                nominal needle's end of travel) */
} mh_insert_result;

/* Draws of the scatter behind mh_insert_result; truncation of every scatter (standard deviations). */
#define MH_INSERT_SAMPLE 512
#define MH_INSERT_TRUNC 3.0

/* MH_ERR_INPUT, naming the member, when a member of skin or arr is out of its physical range. */
mh_status mh_insert_check(const mh_insert_skin *skin, const mh_insert_array *arr, mh_ctx *ctx);

/* The effective plane-strain modulus E* (MPa) of the layered skin felt by a contact of radius a_mm,
 * loaded over t_s seconds (t_s <= 0 or infinite: relaxed). */
double mh_insert_modulus(const mh_insert_skin *skin, double a_mm, double t_s);

/* One needle of arr: ix, iy its place in the lattice (0-based; the array's centre is the nominal needle),
 * z[3] its standard-normal scatter draws (length, surface height, puncture force; clipped to
 * +-MH_INSERT_TRUNC), or NULL for none. */
void mh_insert_needle_solve(const mh_insert_skin *skin, const mh_insert_array *arr, int ix, int iy, const double *z,
                            mh_insert_needle *out);

/* The array's result. MH_ERR_INPUT (mh_insert_check) on bad input; MH_ERR_NOMEM. */
mh_status mh_insert_solve(const mh_insert_skin *skin, const mh_insert_array *arr, mh_insert_result *res, mh_ctx *ctx);

/* Draws of needles of one array: the per-puncture depths of a run. The zone overlap O_i of each needle is
 * computed when it is first drawn and kept. */
typedef struct mh_insert_sampler mh_insert_sampler;
/* MH_ERR_INPUT (mh_insert_check); MH_ERR_NOMEM. skin and arr are copied. */
mh_status mh_insert_sampler_create(const mh_insert_skin *skin, const mh_insert_array *arr, mh_ctx *ctx,
                                   mh_insert_sampler **out);
/* One needle, drawn from rng in a fixed order: which needle of the lattice (uniform), then the standard-normal
 * scatter of its length, the surface under it and its puncture force. */
void mh_insert_sampler_draw(mh_insert_sampler *s, gsl_rng *rng, mh_insert_needle *out);
/* Accepts NULL; sets *s to NULL. */
void mh_insert_sampler_destroy(mh_insert_sampler **s);

/* Columns x rows of the lattice of n needles: the smallest square that holds them, filled row by row. */
void mh_insert_lattice(int n, int *cols, int *rows);

#endif
