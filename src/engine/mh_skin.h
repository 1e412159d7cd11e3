/* mh_skin: layered skin column (site presets, age thinning) and layer lookup by depth. */
#ifndef MH_SKIN_H
#define MH_SKIN_H

#include "mh_config.h"

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

/* Builds the column from skin.*, patient.age_years and grid.hypodermis_mm. */
mh_status mh_skin_from_config(const mh_config *cfg, mh_skin *skin, mh_ctx *ctx);

/* The keys that set the depth of the column (for mh_config_culprit), most direct first: points *ids
 * at static storage and returns their count (at most MH_SKIN_DEPTH_KEYS). */
#define MH_SKIN_DEPTH_KEYS 8
int mh_skin_depth_keys(const mh_param_id **ids);

/* Layer containing depth z_mm (0 = surface); depths beyond the domain map to the hypodermis. */
mh_layer mh_skin_layer_at(const mh_skin *skin, double z_mm);

/* Short name ("stratum_corneum", ..., "hypodermis"). */
const char *mh_layer_name(mh_layer l);

/* Preset thicknesses of a site: stratum corneum (um), viable epidermis (um), dermis (mm).
 * Returns MH_ERR_INPUT for an unknown site. */
mh_status mh_skin_site_preset(const char *site, double *sc_um, double *ve_um, double *dermis_mm);

#endif
