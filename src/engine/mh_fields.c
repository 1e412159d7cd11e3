/* src/engine: the numerical engine, on plain parameter structs; no configuration, no HDF5, no printing. */
/* mh_fields: allocation, copy and naming of the species fields. */
#include "mh_fields.h"

#include <stdlib.h>
#include <string.h>

mh_status mh_fields_create(size_t n, mh_ctx *ctx, mh_fields **out)
{
    *out = NULL;
    mh_fields *f = calloc(1, sizeof *f);
    if (f == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (fields)");
    f->n = n;
    for (int s = 0; s < MH_NSPECIES; s++) {
        f->u[s] = mh_alloc_doubles(n);
        if (f->u[s] == NULL) {
            mh_fields_destroy(&f);
            return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (%zu cells per field)", n);
        }
    }
    *out = f;
    return MH_OK;
}

void mh_fields_destroy(mh_fields **f)
{
    if (f == NULL || *f == NULL)
        return;
    for (int s = 0; s < MH_NSPECIES; s++)
        mh_free((*f)->u[s]);
    free(*f);
    *f = NULL;
}

void mh_fields_copy(mh_fields *dst, const mh_fields *src)
{
    for (int s = 0; s < MH_NSPECIES; s++)
        memcpy(dst->u[s], src->u[s], src->n * sizeof(double));
}

static const char *names[MH_NSPECIES] = {"damage",       "open_channel",        "epidermis",     "blood",
                                         "mediator",     "inflammatory_cells",  "growth_factor", "fibroblasts",
                                         "collagen_III", "collagen_I_mature",   "elastin",       "collagen_I_new",
                                         "mmp",          "latent_tgf",          "barrier_loss",  "new_vessels",
                                         "kgf",          "epidermal_thickness", "flare",         "compound"};
static const char *units[MH_NSPECIES] = {"1 (0 = intact, 1 = destroyed)",
                                         "1 (open lumen fraction of the cell)",
                                         "1 (1 = intact epidermis)",
                                         "1 (volume fraction of blood)",
                                         "1 (relative)",
                                         "1 (relative)",
                                         "1 (units of half-saturation K_G)",
                                         "1 (relative to untreated dermis)",
                                         "1 (relative to untreated dermis)",
                                         "1 (relative to untreated dermal collagen I)",
                                         "1 (relative to untreated dermis)",
                                         "1 (relative to untreated dermal collagen I)",
                                         "1 (degradation rate per unit susceptibility, 0 = untreated)",
                                         "1 (relative to the untreated store)",
                                         "1 (0 = intact barrier, 1 = open)",
                                         "1 (relative to the untreated vascular density)",
                                         "1 (units of its half-saturation)",
                                         "1 (relative to untreated, 1 = untreated)",
                                         "1 (mediator-equivalent: units of the mediator H in the vasodilation)",
                                         "1 (relative to the applied concentration)"};

const char *mh_species_name(mh_species s) { return (s >= 0 && s < MH_NSPECIES) ? names[s] : "unknown"; }
const char *mh_species_unit(mh_species s) { return (s >= 0 && s < MH_NSPECIES) ? units[s] : "?"; }

const char *mh_outfield_name(int f)
{
    if (f >= 0 && f < MH_NSPECIES)
        return names[f];
    return f == MH_NSPECIES ? "collagen_I" : f == MH_NSPECIES + 1 ? "collagen_total" : "unknown";
}

const char *mh_outfield_unit(int f)
{
    if (f >= 0 && f < MH_NSPECIES)
        return units[f];
    return f == MH_NSPECIES       ? "1 (new + mature, relative to untreated dermal collagen I)"
           : f == MH_NSPECIES + 1 ? "1 ((1 - w_3) collagen_I + w_3 collagen_III, relative to untreated dermis)"
                                  : "?";
}

double mh_outfield_value(int f, double w_3, const mh_fields *u, size_t q)
{
    if (f < MH_NSPECIES)
        return u->u[f][q];
    const double c1 = u->u[MH_S_C1][q] + u->u[MH_S_N][q];
    return f == MH_NSPECIES ? c1 : (1.0 - w_3) * c1 + w_3 * u->u[MH_S_C3][q];
}
