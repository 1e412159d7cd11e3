/* src/engine: the numerical engine, on plain parameter structs; no configuration, no HDF5, no printing. */
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
    double fat_mm; /* subcutaneous fat, for the insertion mechanics (papers/insertion.md, sites) */
} mh_site_row;

/* Sources per row in papers/model.md (site table). */
static const mh_site_row sites[] = {
    {"face", 15.0, 60.0, 1.0, 4.0},     /* cheek: Iyengar 2018; Meng 2022 (zygoma 0.87-1.14 mm) */
    {"forehead", 15.0, 65.0, 1.0, 2.0}, /* Meng 2022: 0.86-1.17 mm; fat ~2 mm (Iyengar 2018) */
    {"neck", 15.0, 70.0, 1.0, 3.0},     /* Meng 2022: 0.98-0.99 mm (histology 1.3-1.6, Lee & Hwang 2002) */
    {"scalp", 15.0, 65.0, 1.6, 3.0},    /* Sung: 1.71 mm whole skin (ultrasound); Oltulu: epidermis 66 um */
    {"abdomen", 15.0, 75.0, 1.8, 15.0}, /* Laurent 2007: 1.91 mm epidermis + dermis at the waist */
    {"thigh", 15.0, 70.0, 1.5, 10.0},   /* Laurent 2007: 1.55 mm */
    {"back", 11.0, 70.0, 2.4, 10.0},    /* Laurent 2007: 2.54 mm suprascapular; Sandby-Moller 2003 (shoulder) */
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

mh_status mh_skin_site_fat(const char *site, double *fat_mm)
{
    for (size_t i = 0; i < sizeof sites / sizeof sites[0]; i++)
        if (strcmp(sites[i].site, site) == 0) {
            *fat_mm = sites[i].fat_mm;
            return MH_OK;
        }
    return MH_ERR_INPUT;
}

double mh_skin_dermis_mm(const mh_skin_params *p)
{
    const double decades = (p->age_years - p->reference_age_years) / 10.0;
    return p->dermis_mm * (1.0 - p->thinning_per_decade * decades);
}

mh_status mh_skin_column(const mh_skin_params *p, mh_skin *skin, mh_ctx *ctx)
{
    const double sc_um = p->sc_um, ve_um = p->ve_um, pd_mm = p->papillary_mm;
    const double dermis_mm = mh_skin_dermis_mm(p);
    if (!(sc_um > 0.0 && ve_um > 0.0 && pd_mm > 0.0 && p->hypodermis_mm >= 0.0) || !isfinite(dermis_mm) ||
        !isfinite(sc_um + ve_um + p->hypodermis_mm))
        return MH_ERROR(ctx, MH_ERR_INPUT,
                        "skin: stratum corneum %g um, viable epidermis %g um, papillary dermis %g mm, hypodermis %g "
                        "mm: a thickness is not positive",
                        sc_um, ve_um, pd_mm, p->hypodermis_mm);
    if (!(dermis_mm > pd_mm))
        return MH_ERROR(ctx, MH_ERR_INPUT,
                        "dermis thinned to %.3f mm at the age of %g years, not thicker than the papillary dermis "
                        "(%.3f mm)",
                        dermis_mm, p->age_years, pd_mm);
    skin->thickness_mm[MH_LAYER_SC] = sc_um * 1e-3;
    skin->thickness_mm[MH_LAYER_VE] = ve_um * 1e-3;
    skin->thickness_mm[MH_LAYER_PD] = pd_mm;
    skin->thickness_mm[MH_LAYER_RD] = dermis_mm - pd_mm;
    skin->thickness_mm[MH_LAYER_HD] = p->hypodermis_mm;
    skin->top_mm[0] = 0.0;
    for (int l = 0; l < MH_LAYER_COUNT; l++)
        skin->top_mm[l + 1] = skin->top_mm[l] + skin->thickness_mm[l];
    skin->vascular[MH_LAYER_SC] = 0.0;
    skin->vascular[MH_LAYER_VE] = 0.0;
    skin->vascular[MH_LAYER_PD] = 1.0;
    skin->vascular[MH_LAYER_RD] = p->v_reticular;
    skin->vascular[MH_LAYER_HD] = p->v_hypodermis;
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
