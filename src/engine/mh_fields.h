/* src/engine: the numerical engine, on plain parameter structs; no configuration, no HDF5, no printing. */
/* mh_fields: the model's species as struct-of-arrays fields (one aligned array each). */
#ifndef MH_FIELDS_H
#define MH_FIELDS_H

#include "mh_ctx.h"

#include <stddef.h>

/* Symbols as in papers/model.md. */
typedef enum {
    MH_S_D = 0, /* tissue damage */
    MH_S_O,     /* open channel (barrier breach) */
    MH_S_K,     /* epidermal integrity (keratinocytes) */
    MH_S_B,     /* blood / clot */
    MH_S_H,     /* pro-inflammatory mediator */
    MH_S_I,     /* inflammatory cells */
    MH_S_G,     /* growth factor */
    MH_S_F,     /* fibroblasts */
    MH_S_C3,    /* collagen III */
    MH_S_C1,    /* mature (cross-linked) collagen I */
    MH_S_E,     /* elastin */
    MH_S_N,     /* new (immature) collagen I */
    MH_S_M,     /* active matrix metalloproteinase (net of TIMP) */
    MH_S_L,     /* matrix-bound (latent) TGF-beta store */
    MH_S_W,     /* barrier loss (transepidermal water loss relative to an open channel) */
    MH_S_A,     /* new superficial vessels (angiogenesis), relative vascular density */
    MH_S_X,     /* keratinocyte growth factor (KGF, FGF-7) */
    MH_S_T,     /* epidermal thickness relative to untreated */
    MH_S_Y,     /* neurogenic flare: axon-reflex vasodilator (CGRP-, substance P-like), mediator-equivalent */
    MH_S_Q,     /* a compound applied after needling (mh_delivery) */
    MH_NSPECIES
} mh_species;

typedef struct {
    size_t n;               /* cells per field */
    double *u[MH_NSPECIES]; /* one contiguous 64-byte aligned array per species */
} mh_fields;

/* Allocates zeroed fields of n cells. */
mh_status mh_fields_create(size_t n, mh_ctx *ctx, mh_fields **out);
void mh_fields_destroy(mh_fields **f);
/* dst = src (same size). */
void mh_fields_copy(mh_fields *dst, const mh_fields *src);

/* Dataset name ("damage", ..., "elastin") and unit of a species. */
const char *mh_species_name(mh_species s);
const char *mh_species_unit(mh_species s);

/* The fields of an output's snapshots: the species, then the derived collagen_I (new + mature) and
 * collagen_total ((1 - w_3) collagen_I + w_3 collagen_III). */
#define MH_NOUTFIELDS (MH_NSPECIES + 2)
const char *mh_outfield_name(int f);
const char *mh_outfield_unit(int f);
/* Value of output field f in cell q; w_3 is the collagen III mass fraction of baseline collagen. */
double mh_outfield_value(int f, double w_3, const mh_fields *u, size_t q);

#endif
