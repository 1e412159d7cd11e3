/* mh_skin: layered skin column from body-site presets, with dermal thinning by age.
 *
 * Layers from the surface: stratum corneum, viable epidermis, papillary dermis
 * (the top skin.papillary_dermis_mm of the dermis), reticular dermis and the top
 * grid.hypodermis_mm of the hypodermis. The dermis of a site preset holds at
 * skin.reference_age_years and thins by skin.dermal_thinning_per_decade
 * (Branchet et al. 1990). Values and sources: papers/model.md, "Site presets". */
#include "mh_skin.h"

#include <math.h>
#include <string.h>

typedef struct {
    const char *site;
    double sc_um, ve_um, dermis_mm;
} mh_site_row;

/* Sources per row in papers/model.md (site table). */
static const mh_site_row sites[] = {
    {"face", 15.0, 60.0, 1.0},     /* cheek: Iyengar 2018; Meng 2022 (zygoma 0.87-1.14 mm) */
    {"forehead", 15.0, 65.0, 1.0}, /* Meng 2022: 0.86-1.17 mm */
    {"neck", 15.0, 70.0, 1.0},     /* Meng 2022: 0.98-0.99 mm (histology 1.3-1.6, Lee & Hwang 2002) */
    {"scalp", 15.0, 65.0, 1.6},    /* Sung: 1.71 mm whole skin (ultrasound); Oltulu: epidermis 66 um */
    {"abdomen", 15.0, 75.0, 1.8},  /* Laurent 2007: 1.91 mm epidermis + dermis at the waist */
    {"thigh", 15.0, 70.0, 1.5},    /* Laurent 2007: 1.55 mm */
    {"back", 11.0, 70.0, 2.4},     /* Laurent 2007: 2.54 mm suprascapular; Sandby-Moller 2003 (shoulder) */
};

mh_status mh_skin_site_preset(const char *site, double *sc_um, double *ve_um, double *dermis_mm)
{
    for (size_t i = 0; i < sizeof sites / sizeof sites[0]; i++)
        if (strcmp(sites[i].site, site) == 0) {
            *sc_um = sites[i].sc_um;
            *ve_um = sites[i].ve_um;
            *dermis_mm = sites[i].dermis_mm;
            return MH_OK;
        }
    return MH_ERR_INPUT;
}

int mh_skin_depth_keys(const mh_param_id **ids)
{
    static const mh_param_id keys[MH_SKIN_DEPTH_KEYS] = {MH_P_GRID_HYPO, MH_P_SKIN_DERMIS,  MH_P_SKIN_SITE,
                                                         MH_P_PAT_AGE,   MH_P_SKIN_REF_AGE, MH_P_SKIN_THINNING,
                                                         MH_P_SKIN_SC,   MH_P_SKIN_VE};
    *ids = keys;
    return MH_SKIN_DEPTH_KEYS;
}

mh_status mh_skin_from_config(const mh_config *cfg, mh_skin *skin, mh_ctx *ctx)
{
    double sc_um, ve_um, dermis_mm;
    const char *site = mh_config_choice(cfg, MH_P_SKIN_SITE);
    if (mh_skin_site_preset(site, &sc_um, &ve_um, &dermis_mm) != MH_OK)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: skin.site: unknown site '%s'", mh_config_origin(cfg, MH_P_SKIN_SITE),
                        site);
    if (!mh_config_is_auto(cfg, MH_P_SKIN_SC))
        sc_um = mh_config_real(cfg, MH_P_SKIN_SC);
    if (!mh_config_is_auto(cfg, MH_P_SKIN_VE))
        ve_um = mh_config_real(cfg, MH_P_SKIN_VE);
    if (!mh_config_is_auto(cfg, MH_P_SKIN_DERMIS))
        dermis_mm = mh_config_real(cfg, MH_P_SKIN_DERMIS);

    double decades = (mh_config_real(cfg, MH_P_PAT_AGE) - mh_config_real(cfg, MH_P_SKIN_REF_AGE)) / 10.0;
    double scale = 1.0 - mh_config_real(cfg, MH_P_SKIN_THINNING) * decades;
    double pd_mm = mh_config_real(cfg, MH_P_SKIN_PAPILLARY);
    dermis_mm *= scale;
    if (scale <= 0.0 || dermis_mm <= pd_mm) {
        /* the message points at the first setting given of those that set the two thicknesses */
        static const mh_param_id rule[] = {MH_P_PAT_AGE,     MH_P_SKIN_THINNING,  MH_P_SKIN_REF_AGE,
                                           MH_P_SKIN_DERMIS, MH_P_SKIN_PAPILLARY, MH_P_SKIN_SITE};
        mh_param_id c = mh_config_culprit(cfg, 0, rule, (int)(sizeof rule / sizeof rule[0]));
        return MH_ERROR(ctx, MH_ERR_INPUT,
                        "%s: %s: dermis thinned to %.3f mm at patient.age_years = %g, not thicker than the papillary "
                        "dermis (%.3f mm); check skin.dermal_thinning_per_decade and skin.dermis_mm",
                        mh_config_origin(cfg, c), mh_param_table()[c].key, dermis_mm, mh_config_real(cfg, MH_P_PAT_AGE),
                        pd_mm);
    }

    skin->thickness_mm[MH_LAYER_SC] = sc_um * 1e-3;
    skin->thickness_mm[MH_LAYER_VE] = ve_um * 1e-3;
    skin->thickness_mm[MH_LAYER_PD] = pd_mm;
    skin->thickness_mm[MH_LAYER_RD] = dermis_mm - pd_mm;
    skin->thickness_mm[MH_LAYER_HD] = mh_config_real(cfg, MH_P_GRID_HYPO);
    skin->top_mm[0] = 0.0;
    for (int l = 0; l < MH_LAYER_COUNT; l++)
        skin->top_mm[l + 1] = skin->top_mm[l] + skin->thickness_mm[l];
    skin->vascular[MH_LAYER_SC] = 0.0;
    skin->vascular[MH_LAYER_VE] = 0.0;
    skin->vascular[MH_LAYER_PD] = 1.0;
    skin->vascular[MH_LAYER_RD] = mh_config_real(cfg, MH_P_SKIN_V_RD);
    skin->vascular[MH_LAYER_HD] = mh_config_real(cfg, MH_P_SKIN_V_HD);
    return MH_OK;
}

mh_layer mh_skin_layer_at(const mh_skin *skin, double z_mm)
{
    for (int l = 0; l < MH_LAYER_COUNT - 1; l++)
        if (z_mm < skin->top_mm[l + 1])
            return (mh_layer)l;
    return MH_LAYER_HD;
}

const char *mh_layer_name(mh_layer l)
{
    static const char *names[MH_LAYER_COUNT] = {"stratum_corneum", "viable_epidermis", "papillary_dermis",
                                                "reticular_dermis", "hypodermis"};
    return (l >= 0 && l < MH_LAYER_COUNT) ? names[l] : "unknown";
}
