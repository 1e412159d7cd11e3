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

static const char *names[MH_NSPECIES] = {"damage",       "open_channel",       "epidermis",     "blood",
                                         "mediator",     "inflammatory_cells", "growth_factor", "fibroblasts",
                                         "collagen_III", "collagen_I",         "elastin",       "compound"};
static const char *units[MH_NSPECIES] = {"1 (0 = intact, 1 = destroyed)",
                                         "1 (open lumen fraction of the cell)",
                                         "1 (1 = intact epidermis)",
                                         "1 (volume fraction of blood)",
                                         "1 (relative)",
                                         "1 (relative)",
                                         "1 (units of half-saturation K_G)",
                                         "1 (relative to untreated dermis)",
                                         "1 (relative to untreated dermis)",
                                         "1 (relative to untreated dermis)",
                                         "1 (relative to untreated dermis)",
                                         "1 (relative to the applied concentration)"};

const char *mh_species_name(mh_species s) { return (s >= 0 && s < MH_NSPECIES) ? names[s] : "unknown"; }
const char *mh_species_unit(mh_species s) { return (s >= 0 && s < MH_NSPECIES) ? units[s] : "?"; }
