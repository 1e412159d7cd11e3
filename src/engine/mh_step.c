/* src/engine: the numerical engine, on plain parameter structs; no configuration, no HDF5, no printing. */
/* mh_step: Lie splitting of chemotaxis, reactions and diffusion, tried then accepted (mh_step.h). */
#include "mh_step.h"

#include "mh_diffusion.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct mh_stepper {
    const mh_grid *g;
    mh_diffusion *diff;
    int nd;                    /* diffusing species */
    int dsp[MH_NSPECIES];      /* their ids, in species order */
    double *D[MH_NSPECIES];    /* copied profiles; NULL for a species that does not diffuse */
    double *next[MH_NSPECIES]; /* trial values of every species (Q's only with a compound) */
    double *Fc;                /* F after chemotaxis */
    double *rowmax;            /* nz x MH_NSPECIES per-row maxima of the change */
    const mh_fields *tried;    /* state of the last successful try (NULL: none) */
    const mh_model_params *p;  /* and its parameters, closure rates and step */
    const mh_model_aux *aux;
    double dt;
};

mh_status mh_step_create(const mh_grid *g, const double *const D[MH_NSPECIES], mh_ctx *ctx, mh_stepper **out)
{
    *out = NULL;
    mh_stepper *s = calloc(1, sizeof *s);
    if (s == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (stepper)");
    s->g = g;
    mh_status st = mh_diffusion_create(g, ctx, &s->diff);
    if (st != MH_OK)
        goto fail;
    for (int sp = 0; sp < MH_NSPECIES; sp++) {
        s->next[sp] = mh_alloc_doubles(g->ncell);
        if (s->next[sp] == NULL)
            goto nomem;
        if (D[sp] == NULL)
            continue;
        s->D[sp] = mh_alloc_doubles((size_t)g->nz);
        if (s->D[sp] == NULL)
            goto nomem;
        memcpy(s->D[sp], D[sp], (size_t)g->nz * sizeof(double));
        s->dsp[s->nd++] = sp;
    }
    s->Fc = mh_alloc_doubles(g->ncell);
    s->rowmax = mh_alloc_doubles((size_t)g->nz * MH_NSPECIES);
    if (s->Fc == NULL || s->rowmax == NULL)
        goto nomem;
    *out = s;
    return MH_OK;
nomem:
    st = MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (stepper buffers, %zu cells)", g->ncell);
fail:
    mh_step_destroy(&s);
    return st;
}

void mh_step_destroy(mh_stepper **sp)
{
    if (sp == NULL || *sp == NULL)
        return;
    mh_stepper *s = *sp;
    mh_diffusion_destroy(&s->diff);
    for (int k = 0; k < MH_NSPECIES; k++) {
        mh_free(s->D[k]);
        mh_free(s->next[k]);
    }
    mh_free(s->Fc);
    mh_free(s->rowmax);
    free(s);
    *sp = NULL;
}

size_t mh_step_cell_bytes(const mh_grid *g, const double *const D[MH_NSPECIES])
{
    size_t nd = 0;
    for (int sp = 0; sp < MH_NSPECIES; sp++)
        nd += D[sp] != NULL;
    /* the trial values of every species, F after chemotaxis, and nd depth profiles per cell row */
    return (MH_NSPECIES + 1) * g->ncell * sizeof(double) + nd * (size_t)g->nz * sizeof(double);
}

/* Relative change of one value, |new - old| / (|old| + atol); INFINITY where new is not finite
 * (the old state is finite). Written without a branch so that the loops below vectorise. */
static inline double rel_change(double old, double new, double atol)
{
    const double c = fabs(new - old) / (fabs(old) + atol);
    return c <= DBL_MAX ? c : INFINITY;
}

/* Raises *cmax to the largest relative change from a[i] to b[i], i < n (vectorised). */
static void max_change(const double *restrict a, const double *restrict b, int n, double atol, double *cmax)
{
    double v = *cmax;
#pragma omp simd reduction(max : v)
    for (int i = 0; i < n; i++) {
        const double c = rel_change(a[i], b[i], atol);
        v = c > v ? c : v;
    }
    *cmax = v;
}

/* The first i < n with a relative change from a[i] to b[i] equal to v, or -1. */
static int find_change(const double *a, const double *b, int n, double atol, double v)
{
    for (int i = 0; i < n; i++)
        if (rel_change(a[i], b[i], atol) == v)
            return i;
    return -1;
}

#define MH_CHUNK 256 /* cells per block of the reaction and change loops (12 x 2 KiB of output stay in L1) */

_Static_assert(MH_S_Q == MH_NSPECIES - 1, "the compound is the last species (react_block leaves it out)");

/* Reaction update (Patankar-Euler, u <- (u + dt P) / (1 + dt L)) of the n <= MH_CHUNK cells from q0
 * on, all in depth row k, from the old state u with F after chemotaxis (Fc): species s's new values
 * go to out[s][0 .. n) (arrays other than u's). Divisions bound this loop (one per species and the one in
 * mh_model_rates), so it multiplies by reciprocals: 1 / (1 + dt L) of the species with a uniform loss rate
 * (mh_model_uniform_loss) is formed once per call, those of the others but Q by one division per
 * cell. The compound Q, the last species, has a division of its own, so that with_q (a compound in
 * the run) leaves the other species' bits as they are: without one, Q is neither read nor written
 * and out[MH_S_Q] is left as it was (w_open is read either way: it weights the epidermal mediator). Each reciprocal is
 * within a few ulps of the quotient it replaces. Inlined into its two callers, once for each value of with_q. */
static inline __attribute__((always_inline)) void react_block(const mh_grid *g, const mh_model_params *p,
                                                              const mh_model_aux *aux, const mh_fields *u,
                                                              const double *Fc, int k, size_t q0, int n, double dt,
                                                              double *const out[MH_NSPECIES], const bool with_q)
{
    enum { NS = MH_NSPECIES - 1 }; /* the species in the batch: all but Q */
    const double *in[MH_NSPECIES];
    for (int sp = 0; sp < MH_NSPECIES; sp++)
        in[sp] = (sp == MH_S_F ? Fc : u->u[sp]) + q0;
    const double *kc = aux->k_close + q0, *wo = aux->w_open + q0;
    const double m = g->dermal[k], e = g->epidermal[k], v = g->vascular[k], st = k == 0 ? p->s_top : 0.0;
    const mh_model_params pl = *p; /* a local copy: the stores to out cannot alias it */
    double inv[MH_NSPECIES];       /* 1 / (1 + dt L) of the uniform-loss species (any state gives L) */
    {
        double x[MH_NSPECIES] = {0}, P[MH_NSPECIES], L[MH_NSPECIES];
        mh_model_rates(&pl, m, e, v, st, 0.0, 0.0, x, P, L);
        for (int sp = 0; sp < NS; sp++)
            inv[sp] = 1.0 / (1.0 + dt * L[sp]);
    }
    /* no loop-carried dependence (an in-place out[s] is read and written at the same i): ivdep
     * spares the run-time alias checks that stop GCC from vectorising ('#pragma omp simd' would
     * privatise x, P and L into per-lane arrays that GCC 12 does not vectorise) */
#pragma GCC ivdep
    for (int i = 0; i < n; i++) {
        double x[MH_NSPECIES], P[MH_NSPECIES], L[MH_NSPECIES];
#pragma GCC unroll 32
        for (int sp = 0; sp < NS; sp++)
            x[sp] = in[sp][i];
        x[MH_S_Q] = with_q ? in[MH_S_Q][i] : 0.0;
        mh_model_rates(&pl, m, e, v, st, kc[i], wo[i], x, P, L);
        /* the other divisors by one division (batch inversion): prefix products, the reciprocal
         * of the whole product, then 1/d_s = (1/(d_0 .. d_s)) (d_0 .. d_{s-1}) from the last down;
         * d_s = 1 (exact, folded away) for the uniform-loss species; every d_s >= 1 */
        double d[NS], pre[NS], ic[NS], prod = 1.0;
#pragma GCC unroll 32
        for (int sp = 0; sp < NS; sp++) {
            d[sp] = mh_model_uniform_loss[sp] ? 1.0 : 1.0 + dt * L[sp];
            pre[sp] = prod;
            prod *= d[sp];
        }
        double r = 1.0 / prod;
#pragma GCC unroll 32
        for (int sp = NS - 1; sp >= 0; sp--) {
            ic[sp] = r * pre[sp];
            r *= d[sp];
        }
#pragma GCC unroll 32
        for (int sp = 0; sp < NS; sp++)
            out[sp][i] = (x[sp] + dt * P[sp]) * (mh_model_uniform_loss[sp] ? inv[sp] : ic[sp]);
        if (with_q)
            out[MH_S_Q][i] = (x[MH_S_Q] + dt * P[MH_S_Q]) / (1.0 + dt * L[MH_S_Q]);
        /* G and its store: the linear pair solved together (mh_model_bound_exchange), in place of the
         * two Patankar values above */
        mh_model_bound_exchange(&pl, m, x[MH_S_M], out[MH_S_M][i], dt, x[MH_S_G], x[MH_S_L], P[MH_S_G], &out[MH_S_G][i],
                                &out[MH_S_L][i]);
        /* maturation hands C1 what N loses in the step: C1's production with the new N */
        out[MH_S_C1][i] = mh_model_matured(&pl, dt, x[MH_S_C1], P[MH_S_C1], x[MH_S_N], out[MH_S_N][i], ic[MH_S_C1]);
    }
}

static void react_cells_q(const mh_grid *g, const mh_model_params *p, const mh_model_aux *aux, const mh_fields *u,
                          const double *Fc, int k, size_t q0, int n, double dt, double *const out[MH_NSPECIES])
{
    react_block(g, p, aux, u, Fc, k, q0, n, dt, out, true);
}

static void react_cells_no_q(const mh_grid *g, const mh_model_params *p, const mh_model_aux *aux, const mh_fields *u,
                             const double *Fc, int k, size_t q0, int n, double dt, double *const out[MH_NSPECIES])
{
    react_block(g, p, aux, u, Fc, k, q0, n, dt, out, false);
}

/* react_block for the run: with Q when p has a compound. */
static void react_cells(const mh_grid *g, const mh_model_params *p, const mh_model_aux *aux, const mh_fields *u,
                        const double *Fc, int k, size_t q0, int n, double dt, double *const out[MH_NSPECIES])
{
    (p->compound ? react_cells_q : react_cells_no_q)(g, p, aux, u, Fc, k, q0, n, dt, out);
}

/* Length of the block of at most MH_CHUNK cells from q0 in a row that ends at end. */
static inline int block_len(size_t q0, size_t end) { return end - q0 < MH_CHUNK ? (int)(end - q0) : MH_CHUNK; }

mh_status mh_step_try(mh_stepper *s, const mh_model_params *p, const mh_model_aux *aux, const mh_fields *u, double dt,
                      double atol, mh_change *change, mh_ctx *ctx)
{
    const mh_grid *g = s->g;
    const size_t row = (size_t)g->nx * (size_t)g->ny;
    s->tried = NULL;
    if (!p->compound && s->D[MH_S_Q] != NULL)
        return MH_ERROR(ctx, MH_ERR_STATE, "the compound diffuses (D_Q > 0) in a run without one");
    const int ns = p->compound ? MH_NSPECIES : MH_S_Q; /* the species stepped: Q only with a compound */
    mh_model_chemotaxis(g, p, dt, u->u[MH_S_F], u->u[MH_S_G], s->Fc);
    /* reactions: the trial values of every species (those that do not diffuse are final; the
     * diffusing ones are diffused below); the change of those that do not diffuse */
#pragma omp parallel for schedule(static)
    for (int k = 0; k < g->nz; k++) {
        double *cmax = s->rowmax + (size_t)k * MH_NSPECIES;
        for (int sp = 0; sp < MH_NSPECIES; sp++)
            cmax[sp] = 0.0;
        for (size_t q0 = row * (size_t)k; q0 < row * (size_t)(k + 1); q0 += MH_CHUNK) {
            const int n = block_len(q0, row * (size_t)(k + 1));
            double *out[MH_NSPECIES];
            for (int sp = 0; sp < MH_NSPECIES; sp++)
                out[sp] = s->next[sp] + q0;
            react_cells(g, p, aux, u, s->Fc, k, q0, n, dt, out);
            for (int sp = 0; sp < ns; sp++)
                if (s->D[sp] == NULL)
                    max_change(u->u[sp] + q0, out[sp], n, atol, &cmax[sp]);
        }
    }
    mh_diffusion_field df[MH_NSPECIES];
    for (int d = 0; d < s->nd; d++) /* the model's decay terms are reactions: mu = 0 */
        df[d] = (mh_diffusion_field){s->next[s->dsp[d]], s->D[s->dsp[d]], 0.0};
    mh_status st = mh_diffusion_step(s->diff, s->nd, df, dt, ctx);
    if (st != MH_OK)
        return st;
#pragma omp parallel for schedule(static)
    for (int k = 0; k < g->nz; k++) {
        double *cmax = s->rowmax + (size_t)k * MH_NSPECIES;
        for (int d = 0; d < s->nd; d++) {
            const int sp = s->dsp[d];
            for (size_t q0 = row * (size_t)k; q0 < row * (size_t)(k + 1); q0 += MH_CHUNK)
                max_change(u->u[sp] + q0, s->next[sp] + q0, block_len(q0, row * (size_t)(k + 1)), atol, &cmax[sp]);
        }
    }
    /* combine in a fixed order: species, then rows by depth (the max is exact in any order) */
    mh_change best = {0.0, 0, 0};
    int best_k = -1;
    for (int sp = 0; sp < MH_NSPECIES; sp++)
        for (int k = 0; k < g->nz; k++) {
            double c = s->rowmax[(size_t)k * MH_NSPECIES + sp];
            if (c > best.value) {
                best.value = c;
                best.species = sp;
                best_k = k;
            }
        }
    /* the cell: the first of its row with that change (the row's new values once more; one row) */
    for (size_t q0 = row * (size_t)best_k; best_k >= 0 && q0 < row * (size_t)(best_k + 1); q0 += MH_CHUNK) {
        const int n = block_len(q0, row * (size_t)(best_k + 1)), sp = best.species;
        const int i = find_change(u->u[sp] + q0, s->next[sp] + q0, n, atol, best.value);
        if (i >= 0) {
            best.cell = q0 + (size_t)i;
            break;
        }
    }
    *change = best;
    s->tried = u;
    s->p = p;
    s->aux = aux;
    s->dt = dt;
    return MH_OK;
}

mh_status mh_step_accept(mh_stepper *s, mh_fields *u, mh_ctx *ctx)
{
    if (s->tried != u)
        return MH_ERROR(ctx, MH_ERR_STATE, "mh_step_accept without a successful mh_step_try on this state");
    /* the trial values become the state: every species the try stepped (Q only with a compound) */
    const int ns = s->p->compound ? MH_NSPECIES : MH_S_Q;
    for (int sp = 0; sp < ns; sp++) {
        double *t = u->u[sp];
        u->u[sp] = s->next[sp];
        s->next[sp] = t;
    }
    s->tried = NULL;
    return MH_OK;
}

mh_status mh_step_advance(mh_stepper *s, const mh_model_params *p, const mh_model_aux *aux, mh_fields *u, double dt,
                          mh_ctx *ctx)
{
    mh_change c; /* not used: a fixed step is always accepted */
    mh_status st = mh_step_try(s, p, aux, u, dt, 1.0, &c, ctx);
    return st != MH_OK ? st : mh_step_accept(s, u, ctx);
}
