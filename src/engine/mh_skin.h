/* src/engine: the numerical engine, on plain parameter structs; no configuration, no HDF5, no printing. */
/* mh_skin: layered skin column (site presets, age thinning) and layer lookup by depth. */
#ifndef MH_SKIN_H
#define MH_SKIN_H

#include "mh_ctx.h"

typedef enum {
    MH_LAYER_SC = 0, /* stratum corneum */
    MH_LAYER_VE,     /* viable epidermis */
    MH_LAYER_PD,     /* papillary dermis */
    MH_LAYER_RD,     /* reticular dermis */
    MH_LAYER_HD,     /* hypodermis */
    MH_LAYER_COUNT
} mh_layer;

typedef struct {
    double thickness_mm[MH_LAYER_COUNT]; /* simulated thickness of each layer */
    double top_mm[MH_LAYER_COUNT + 1];   /* depth of each layer's top; [COUNT] = domain depth */
    double vascular[MH_LAYER_COUNT];     /* relative capillary density v (papillary = 1) */
} mh_skin;

/* What sets the column: a site's thicknesses (mh_skin_site_preset, or given), the papillary dermis,
 * the simulated hypodermis, and the dermis's thinning with age (Branchet et al. 1990). Units as named. */
typedef struct {
    double sc_um, ve_um;  /* stratum corneum, viable epidermis */
    double dermis_mm;     /* dermis (papillary and reticular) at reference_age_years */
    double papillary_mm;  /* the papillary dermis: the top of the dermis */
    double hypodermis_mm; /* the simulated top of the hypodermis */
    double age_years, reference_age_years;
    double thinning_per_decade;       /* relative loss of dermis per decade beyond the reference age */
    double v_reticular, v_hypodermis; /* capillary density relative to the papillary dermis */
} mh_skin_params;

/* The dermis (mm) of p after thinning: dermis_mm (1 - thinning_per_decade (age - reference age) / 10). */
double mh_skin_dermis_mm(const mh_skin_params *p);

/* Builds the column of p into *skin. MH_ERR_INPUT when the thinned dermis (mh_skin_dermis_mm) is not
 * thicker than the papillary dermis, or a thickness is not positive (hypodermis: not negative). */
mh_status mh_skin_column(const mh_skin_params *p, mh_skin *skin, mh_ctx *ctx);

/* Layer containing depth z_mm (0 = surface); depths beyond the domain map to the hypodermis. */
mh_layer mh_skin_layer_at(const mh_skin *skin, double z_mm);

/* Short name ("stratum_corneum", ..., "hypodermis"). */
const char *mh_layer_name(mh_layer l);

/* Preset thicknesses of a site: stratum corneum (um), viable epidermis (um), dermis (mm).
 * Returns MH_ERR_INPUT for an unknown site. */
mh_status mh_skin_site_preset(const char *site, double *sc_um, double *ve_um, double *dermis_mm);
/* Preset thickness (mm) of a site's subcutaneous fat, for the insertion mechanics (not simulated: the grid
 * holds grid.hypodermis_mm of it). MH_ERR_INPUT for an unknown site. */
mh_status mh_skin_site_fat(const char *site, double *fat_mm);

#endif
