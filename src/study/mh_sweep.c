/* src/study: what runs many simulations: sweeps and their designs, targets, calibration, sensitivity. */
/* mh_sweep: the plan of a parameter sweep: sweep file, designs, point configurations, metrics, Sobol indices.
 *
 * The designs and the Sobol estimators are described in mh_sweep.h and papers/sweeps.md. */
#include "mh_sweep.h"
#include "mh_ensemble.h"

#include "mh_ini.h"

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LIST_ITEMS 1000
#define MAX_SETS 256
#define WHERE_LEN 288

typedef struct {
    mh_sweep_axis pub;
    char key[64], where[WHERE_LEN];
    char *text;
    char (*items)[MH_SWEEP_VALUE_LEN]; /* list items */
} axis_store;

typedef struct {
    char *name, *value;
    char where[WHERE_LEN];
} set_entry;

/* A [sweep] key as read: its value and line. */
typedef struct {
    char *value;
    char where[WHERE_LEN];
} sweep_key;

enum { K_BASE = 0, K_DESIGN, K_SAMPLES, K_REPLICATES, K_SEED, K_COUNT };
static const char *const sweep_keys[K_COUNT] = {"base", "design", "samples", "replicates", "seed"};
static const char *const design_names[] = {"grid", "oat", "lhs", "sobol", "list"};

struct mh_sweep {
    char *path;
    sweep_key k[K_COUNT];
    mh_sweep_design design;
    int samples, replicates;
    unsigned long design_seed, base_seed;
    int naxes;
    axis_store ax[MH_SWEEP_MAX_AXES];
    int nsets;
    set_entry sets[MAX_SETS];
    mh_config *base;     /* base file + [set] (NULL for design list) */
    char *base_text;     /* resolved text of the base file, before [set] */
    int nconfigs;        /* design list: rows */
    mh_config **configs; /* design list: row r's configuration (its file + [set]) */
    char **labels;       /* design list: row r's label (its file's name) */
    int nrows;
    char (*vtext)[MH_SWEEP_VALUE_LEN]; /* nrows x naxes */
    double *vnum;                      /* nrows x naxes */
    int *oat_axis;                     /* nrows (oat) */
};

const char *mh_sweep_design_name(mh_sweep_design d) { return design_names[d]; }

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

/* Blanks around s removed, in place. */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

/* ---- reading the sweep file ---- */

/* Axis name = value given at where (a [axes] line, or --vary). */
static mh_status add_axis(mh_sweep *s, const char *name, const char *value, const char *where, mh_ctx *ctx)
{
    for (int a = 0; a < s->naxes; a++)
        if (strcmp(s->ax[a].key, name) == 0)
            return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: axis given twice (first at %s)", where, name, s->ax[a].where);
    if (s->naxes == MH_SWEEP_MAX_AXES)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: more than %d axes", where, name, MH_SWEEP_MAX_AXES);
    axis_store *ax = &s->ax[s->naxes];
    if (strlen(name) >= sizeof ax->key)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %.63s...: unknown parameter", where, name);
    if ((ax->text = dup_str(value)) == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
    snprintf(ax->key, sizeof ax->key, "%s", name);
    snprintf(ax->where, sizeof ax->where, "%s", where);
    s->naxes++;
    return MH_OK;
}

/* Assignment name = value given at where (a [set] line, or --set). */
static mh_status add_set(mh_sweep *s, const char *name, const char *value, const char *where, mh_ctx *ctx)
{
    if (s->nsets == MAX_SETS)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: more than %d keys in [set]", where, name, MAX_SETS);
    set_entry *e = &s->sets[s->nsets];
    e->name = dup_str(name);
    e->value = dup_str(value);
    snprintf(e->where, sizeof e->where, "%s", where);
    s->nsets++;
    if (e->name == NULL || e->value == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
    return MH_OK;
}

static mh_status on_key(void *user, const char *section, const char *name, const char *value, const mh_ini_pos *pos,
                        mh_ctx *ctx)
{
    mh_sweep *s = user;
    char where[WHERE_LEN];
    snprintf(where, sizeof where, "%.255s:%d", pos->path, pos->continues ? pos->continues : pos->line);
    if (pos->continues)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: a value goes on one line in a sweep file (line %d is indented)",
                        where, name, pos->line);
    if (strcmp(section, "sweep") == 0) {
        for (int i = 0; i < K_COUNT; i++)
            if (strcmp(name, sweep_keys[i]) == 0) {
                if (s->k[i].value != NULL)
                    return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: given twice (first at %s)", where, name, s->k[i].where);
                if ((s->k[i].value = dup_str(value)) == NULL)
                    return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
                snprintf(s->k[i].where, sizeof s->k[i].where, "%s", where);
                return MH_OK;
            }
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: unknown key in [sweep] (base, design, samples, replicates, seed)",
                        where, name);
    }
    if (strcmp(section, "axes") == 0)
        return add_axis(s, name, value, where, ctx);
    if (strcmp(section, "set") == 0)
        return add_set(s, name, value, where, ctx);
    return MH_ERROR(ctx, MH_ERR_INPUT, "%s: [%s]: unknown section (a sweep file has [sweep], [axes] and [set])", where,
                    section);
}

/* Reads a whole integer in [lo, hi] from [sweep] key i, or leaves *v at its default when absent. */
static mh_status sweep_int(const mh_sweep *s, int i, double lo, double hi, double *v, mh_ctx *ctx)
{
    if (s->k[i].value == NULL)
        return MH_OK;
    double x;
    if (!mh_ini_number(s->k[i].value, &x) || x != floor(x) || x < lo || x > hi)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: '%s' is not a whole number in [%.0f, %.0f]", s->k[i].where,
                        sweep_keys[i], s->k[i].value, lo, hi);
    *v = x;
    return MH_OK;
}

/* "range(a, b[, n])" or "logrange(...)": true with its numbers if text has that form (*bad: wrong inside). */
static bool parse_range(const char *text, const char *fn, double *a, double *b, int *n, bool *bad)
{
    size_t fl = strlen(fn), tl = strlen(text);
    if (strncmp(text, fn, fl) != 0 || text[fl] != '(' || tl < fl + 2 || text[tl - 1] != ')')
        return false;
    char buf[256];
    *bad = true;
    if (tl - fl - 2 >= sizeof buf)
        return true;
    memcpy(buf, text + fl + 1, tl - fl - 2);
    buf[tl - fl - 2] = '\0';
    char *parts[4];
    int np = 0;
    for (char *p = buf, *c; np < 4; p = c + 1) {
        parts[np++] = p;
        if ((c = strchr(p, ',')) == NULL)
            break;
        *c = '\0';
    }
    if (np < 2 || np > 3 || strchr(parts[np - 1], ',') != NULL)
        return true;
    double nv = 0;
    if (!mh_ini_number(parts[0], a) || !mh_ini_number(parts[1], b) || !isfinite(*a) || !isfinite(*b) || *a == *b)
        return true;
    if (np == 3 && (!mh_ini_number(parts[2], &nv) || nv != floor(nv) || nv < 2 || nv > MAX_LIST_ITEMS))
        return true;
    *n = (int)nv;
    *bad = false;
    return true;
}

/* Checks axis ax's key: a parameter of the table, not a list, not the seed, not in [set], and not
 * overridden by a session of the base; its table row into ax->pub.param. */
static mh_status check_axis_key(const mh_sweep *s, axis_store *ax, mh_ctx *ctx)
{
    mh_sweep_axis *p = &ax->pub;
    p->param = mh_param_find(ax->key);
    if (p->param < 0)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: unknown parameter (an axis is a key of the configuration table)",
                        ax->where, ax->key);
    const mh_param_info *info = &mh_param_table()[p->param];
    if (info->type == MH_T_LIST)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: a list-valued key cannot be an axis", ax->where, ax->key);
    if (p->param == MH_P_SEED)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: seed: not an axis; [sweep] replicates gives each row several seeds",
                        ax->where);
    for (int i = 0; i < s->nsets; i++)
        if (strcmp(s->sets[i].name, ax->key) == 0)
            return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: an axis and also in [set] at %s", ax->where, ax->key,
                            s->sets[i].where);
    int session = mh_config_override_session(s->base, (mh_param_id)p->param);
    if (session > 0)
        return MH_ERROR(ctx, MH_ERR_INPUT,
                        "%s: %s: overridden in [session.%d] of the base; the axis would not reach "
                        "that session",
                        ax->where, ax->key, session);
    return MH_OK;
}

/* The kind of axis ax: range(...) or logrange(...), checked against its key and the design, with its
 * bounds and count; anything else is a list (MH_AXIS_LIST, its values not read here). */
static mh_status parse_axis_range(const mh_sweep *s, axis_store *ax, mh_ctx *ctx)
{
    mh_sweep_axis *p = &ax->pub;
    bool bad = false;
    if (parse_range(ax->text, "range", &p->lo, &p->hi, &p->nvalues, &bad)) {
        p->kind = MH_AXIS_RANGE;
    } else if (parse_range(ax->text, "logrange", &p->lo, &p->hi, &p->nvalues, &bad)) {
        p->kind = MH_AXIS_LOGRANGE;
        if (!bad && (p->lo <= 0 || p->hi <= 0))
            return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: logrange needs positive bounds", ax->where, ax->key);
    } else {
        p->kind = MH_AXIS_LIST;
    }
    if (bad)
        return MH_ERROR(ctx, MH_ERR_INPUT,
                        "%s: %s: '%s': a range is range(a, b[, n]) or logrange(a, b[, n]) with finite a != b and "
                        "whole n in [2, %d]",
                        ax->where, ax->key, ax->text, MAX_LIST_ITEMS);
    if (p->kind == MH_AXIS_LIST)
        return MH_OK;
    if (!p->numeric)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: a range needs a numeric key; list the values", ax->where, ax->key);
    if (p->nvalues == 0 && (s->design == MH_SWEEP_GRID || s->design == MH_SWEEP_OAT))
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: design %s needs the number of values: %s(a, b, n)", ax->where,
                        ax->key, design_names[s->design], p->kind == MH_AXIS_RANGE ? "range" : "logrange");
    return MH_OK;
}

/* The values of list axis ax, split at commas and trimmed, into ax->items (owned by ax): none empty,
 * none too long, none twice, at most MAX_LIST_ITEMS. */
static mh_status parse_axis_list(axis_store *ax, mh_ctx *ctx)
{
    char buf[4096];
    if (strlen(ax->text) >= sizeof buf)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: the list is too long", ax->where, ax->key);
    snprintf(buf, sizeof buf, "%s", ax->text);
    int n = 1;
    for (const char *c = buf; *c; c++)
        n += *c == ',';
    if (n > MAX_LIST_ITEMS)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: more than %d values", ax->where, ax->key, MAX_LIST_ITEMS);
    if ((ax->items = calloc((size_t)n, sizeof *ax->items)) == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
    char *save = buf;
    for (int i = 0; i < n; i++) {
        char *c = strchr(save, ',');
        if (c != NULL)
            *c = '\0';
        char *item = trim(save);
        if (*item == '\0')
            return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: value %d of the list is empty", ax->where, ax->key, i + 1);
        if (strlen(item) >= MH_SWEEP_VALUE_LEN)
            return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: value %d is longer than %d characters", ax->where, ax->key,
                            i + 1, MH_SWEEP_VALUE_LEN - 1);
        snprintf(ax->items[i], MH_SWEEP_VALUE_LEN, "%s", item);
        for (int j = 0; j < i; j++)
            if (strcmp(ax->items[j], item) == 0)
                return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: value '%s' is listed twice", ax->where, ax->key, item);
        save = c ? c + 1 : save + strlen(save);
    }
    ax->pub.nvalues = n;
    return MH_OK;
}

/* Checks axis a's key and parses its values. */
static mh_status parse_axis(mh_sweep *s, axis_store *ax, mh_ctx *ctx)
{
    mh_sweep_axis *p = &ax->pub;
    p->key = ax->key;
    p->where = ax->where;
    p->text = ax->text;
    mh_status st = check_axis_key(s, ax, ctx);
    if (st != MH_OK)
        return st;
    const mh_param_info *info = &mh_param_table()[p->param];
    p->integer = info->type == MH_T_INT;
    p->numeric = info->type == MH_T_REAL || info->type == MH_T_INT;
    if ((st = parse_axis_range(s, ax, ctx)) != MH_OK || p->kind != MH_AXIS_LIST)
        return st;
    return parse_axis_list(ax, ctx);
}

/* ---- values of an axis ---- */

/* Row r, axis a: the value text given to the configuration and its number (NaN if not numeric). */
static void put_value(mh_sweep *s, int r, int a, const char *text, double num)
{
    snprintf(s->vtext[(size_t)r * s->naxes + a], MH_SWEEP_VALUE_LEN, "%s", text);
    s->vnum[(size_t)r * s->naxes + a] = num;
}

static void put_number(mh_sweep *s, int r, int a, double x)
{
    char t[MH_SWEEP_VALUE_LEN];
    if (s->ax[a].pub.integer)
        snprintf(t, sizeof t, "%.0f", x);
    else
        mh_config_format_real(t, sizeof t, x);
    put_value(s, r, a, t, x);
}

/* Level i of a grid or oat axis. */
static void put_level(mh_sweep *s, int r, int a, int i)
{
    const axis_store *ax = &s->ax[a];
    const mh_sweep_axis *p = &ax->pub;
    if (p->kind == MH_AXIS_LIST) {
        double x;
        put_value(s, r, a, ax->items[i], p->numeric && mh_ini_number(ax->items[i], &x) ? x : NAN);
        return;
    }
    double f = (double)i / (p->nvalues - 1);
    double x = p->kind == MH_AXIS_RANGE ? p->lo + f * (p->hi - p->lo) : p->lo * pow(p->hi / p->lo, f);
    if (i == p->nvalues - 1)
        x = p->hi; /* the end exactly, not its rounding */
    put_number(s, r, a, x);
}

/* Coordinate u in [0, 1) of the lhs or sobol unit cube onto axis a. */
static void put_unit(mh_sweep *s, int r, int a, double u)
{
    const mh_sweep_axis *p = &s->ax[a].pub;
    if (p->kind == MH_AXIS_LIST) {
        int i = (int)floor(u * p->nvalues);
        put_level(s, r, a, i < p->nvalues ? i : p->nvalues - 1);
        return;
    }
    double x;
    if (p->kind == MH_AXIS_LOGRANGE) {
        x = p->lo * pow(p->hi / p->lo, u);
        if (p->integer)
            x = nearbyint(x);
    } else if (p->integer) { /* each whole number of [min, max] on an equal share of the interval */
        const double l = fmin(p->lo, p->hi), h = fmax(p->lo, p->hi);
        x = fmin(floor(l + u * (h + 1.0 - l)), h);
    } else {
        x = p->lo + u * (p->hi - p->lo);
    }
    put_number(s, r, a, x);
}

/* The base's value of axis a into row r (oat). */
static void put_base(mh_sweep *s, int r, int a)
{
    char t[MH_SWEEP_VALUE_LEN]; /* a real, integer, bool or choice: short */
    mh_config_value_text(s->base, (mh_param_id)s->ax[a].pub.param, t, sizeof t);
    double x;
    put_value(s, r, a, t, s->ax[a].pub.numeric && mh_ini_number(t, &x) ? x : NAN);
}

static mh_status alloc_rows(mh_sweep *s, long nrows, mh_ctx *ctx)
{
    if (nrows < 1 || nrows * s->replicates > MH_SWEEP_MAX_POINTS)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: the design has %ld rows x %d replicates, more than %d points", s->path,
                        nrows, s->replicates, MH_SWEEP_MAX_POINTS);
    s->nrows = (int)nrows;
    s->vtext = calloc((size_t)nrows * s->naxes + 1, sizeof *s->vtext); /* + 1: a list has no axes */
    s->vnum = calloc((size_t)nrows * s->naxes + 1, sizeof *s->vnum);
    s->oat_axis = calloc((size_t)nrows, sizeof *s->oat_axis);
    if (s->vtext == NULL || s->vnum == NULL || s->oat_axis == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
    for (int r = 0; r < s->nrows; r++)
        s->oat_axis[r] = -1;
    return MH_OK;
}

/* Resolved text of the base with row r's axis values (no seed change); NULL: see ctx. */
static char *row_text(const mh_sweep *s, int r, mh_ctx *ctx);

static mh_status plan_grid(mh_sweep *s, mh_ctx *ctx)
{
    long n = 1;
    for (int a = 0; a < s->naxes; a++)
        if ((n *= s->ax[a].pub.nvalues) > MH_SWEEP_MAX_POINTS)
            break;
    mh_status st = alloc_rows(s, n, ctx);
    for (int r = 0; st == MH_OK && r < s->nrows; r++) {
        int rest = r;
        for (int a = s->naxes - 1; a >= 0; a--) {
            put_level(s, r, a, rest % s->ax[a].pub.nvalues);
            rest /= s->ax[a].pub.nvalues;
        }
        s->oat_axis[r] = -1;
    }
    return st;
}

static mh_status plan_oat(mh_sweep *s, mh_ctx *ctx)
{
    long n = 1;
    for (int a = 0; a < s->naxes; a++)
        n += s->ax[a].pub.nvalues;
    mh_status st = alloc_rows(s, n, ctx);
    if (st != MH_OK)
        return st;
    for (int a = 0; a < s->naxes; a++)
        put_base(s, 0, a);
    s->oat_axis[0] = -1;
    char *base = row_text(s, 0, ctx);
    if (base == NULL)
        return ctx->status;
    int r = 1;
    for (int a = 0; a < s->naxes && st == MH_OK; a++)
        for (int i = 0; i < s->ax[a].pub.nvalues && st == MH_OK; i++) {
            for (int b = 0; b < s->naxes; b++)
                if (b != a)
                    put_base(s, r, b);
            put_level(s, r, a, i);
            s->oat_axis[r] = a;
            char *t = row_text(s, r, ctx);
            if (t == NULL)
                st = ctx->status;
            else if (strcmp(t, base) != 0)
                r++; /* else: the base row again, left out */
            free(t);
        }
    free(base);
    s->nrows = r;
    return st;
}

static mh_status plan_lhs(mh_sweep *s, mh_ctx *ctx)
{
    mh_status st = alloc_rows(s, s->samples, ctx);
    if (st != MH_OK)
        return st;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    size_t *perm = malloc((size_t)s->samples * sizeof *perm);
    if (rng == NULL || perm == NULL)
        st = MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
    else
        gsl_rng_set(rng, s->design_seed);
    for (int a = 0; st == MH_OK && a < s->naxes; a++) {
        for (int j = 0; j < s->samples; j++)
            perm[j] = (size_t)j;
        gsl_ran_shuffle(rng, perm, (size_t)s->samples, sizeof *perm);
        for (int j = 0; j < s->samples; j++)
            put_unit(s, j, a, ((double)perm[j] + gsl_rng_uniform(rng)) / s->samples);
    }
    for (int j = 0; st == MH_OK && j < s->samples; j++)
        s->oat_axis[j] = -1;
    free(perm);
    gsl_rng_free(rng);
    return st;
}

static mh_status plan_sobol(mh_sweep *s, mh_ctx *ctx)
{
    const int k = s->naxes;
    mh_status st = alloc_rows(s, (long)s->samples * (k + 2), ctx);
    if (st != MH_OK)
        return st;
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)(2 * k));
    if (q == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
    double v[2 * MH_SWEEP_MAX_AXES];
    gsl_qrng_get(q, v); /* skipped: GSL's first point is 0.5 in every dimension, so there A_j = B_j */
    for (int j = 0; j < s->samples; j++) {
        gsl_qrng_get(q, v);
        const int r0 = j * (k + 2);
        for (int a = 0; a < k; a++) {
            put_unit(s, r0, a, v[a]);         /* A_j */
            put_unit(s, r0 + 1, a, v[k + a]); /* B_j */
            for (int i = 0; i < k; i++)       /* AB_j^(i) */
                put_unit(s, r0 + 2 + i, a, a == i ? v[k + a] : v[a]);
        }
        for (int r = r0; r < r0 + k + 2; r++)
            s->oat_axis[r] = -1;
    }
    gsl_qrng_free(q);
    return MH_OK;
}

/* ---- configurations ---- */

/* Sets key = value in cfg (where: for messages), through the same validator as --set. */
static mh_status set_key(mh_config *cfg, const char *key, const char *value, const char *where, mh_ctx *ctx)
{
    size_t n = strlen(key) + strlen(value) + 2;
    char *assign = malloc(n);
    if (assign == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
    snprintf(assign, n, "%s=%s", key, value);
    mh_status st = mh_config_set(cfg, assign, where, ctx);
    free(assign);
    return st;
}

/* Applies row r's axis values to cfg. */
static mh_status apply_row(const mh_sweep *s, int r, mh_config *cfg, mh_ctx *ctx)
{
    mh_status st = MH_OK;
    for (int a = 0; a < s->naxes && st == MH_OK; a++)
        st = set_key(cfg, s->ax[a].key, s->vtext[(size_t)r * s->naxes + a], s->ax[a].where, ctx);
    return st;
}

/* What row r's axis values apply to: the base, or (design list) the row's own configuration. */
static const mh_config *row_base(const mh_sweep *s, int r) { return s->configs != NULL ? s->configs[r] : s->base; }

static char *row_text(const mh_sweep *s, int r, mh_ctx *ctx)
{
    mh_config *c = NULL;
    char *t = NULL;
    if (mh_config_clone(row_base(s, r), ctx, &c) == MH_OK && apply_row(s, r, c, ctx) == MH_OK) {
        const char *x = mh_config_text(c);
        if (x == NULL || (t = dup_str(x)) == NULL)
            MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
    }
    mh_config_destroy(&c);
    return t;
}

mh_status mh_sweep_point_config(const mh_sweep *s, int point, mh_ctx *ctx, mh_config **out)
{
    *out = NULL;
    if (point < 0 || point >= mh_sweep_npoints(s))
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: no point %d (the sweep has %d)", s->path, point, mh_sweep_npoints(s));
    mh_config *c = NULL;
    mh_status st = mh_config_clone(row_base(s, mh_sweep_row(s, point)), ctx, &c);
    if (st == MH_OK)
        st = apply_row(s, mh_sweep_row(s, point), c, ctx);
    if (st == MH_OK) {
        char assign[64], origin[64];
        snprintf(assign, sizeof assign, "seed=%lu", mh_sweep_seed(s, point));
        snprintf(origin, sizeof origin, "replicate %d", mh_sweep_replicate(s, point));
        st = mh_config_set(c, assign, origin, ctx);
    }
    if (st == MH_OK)
        st = mh_config_validate(c, ctx);
    if (st != MH_OK)
        mh_config_destroy(&c);
    *out = c;
    return st;
}

mh_status mh_sweep_check(const mh_sweep *s, mh_ctx *ctx)
{
    for (int i = 0; i < mh_sweep_npoints(s); i++) {
        mh_config *c = NULL;
        mh_ctx pc;
        mh_ctx_init(&pc);
        mh_status st = mh_sweep_point_config(s, i, &pc, &c);
        mh_config_destroy(&c);
        if (st != MH_OK) {
            char label[512];
            mh_sweep_row_label(s, mh_sweep_row(s, i), label, sizeof label);
            return MH_ERROR(ctx, st, "point %d (%s): %s", i, label, pc.msg);
        }
    }
    return MH_OK;
}

mh_status mh_sweep_check_distinct(const mh_sweep *s, mh_ctx *ctx)
{
    const int n = mh_sweep_npoints(s);
    char **text = calloc((size_t)n, sizeof *text);
    mh_status st = text == NULL ? MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory") : MH_OK;
    for (int i = 0; st == MH_OK && i < n; i++) {
        mh_config *c = NULL;
        st = mh_sweep_point_config(s, i, ctx, &c);
        const char *t = st == MH_OK ? mh_config_text(c) : NULL;
        if (st == MH_OK && (t == NULL || (text[i] = dup_str(t)) == NULL))
            st = MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
        mh_config_destroy(&c);
        for (int j = 0; st == MH_OK && j < i; j++)
            if (strcmp(text[j], text[i]) == 0) {
                char a[512], b[512];
                mh_sweep_row_label(s, mh_sweep_row(s, j), a, sizeof a);
                mh_sweep_row_label(s, mh_sweep_row(s, i), b, sizeof b);
                st =
                    MH_ERROR(ctx, MH_ERR_INPUT, "%s and %s give the same configuration (points %d and %d)", a, b, j, i);
            }
    }
    for (int i = 0; text != NULL && i < n; i++)
        free(text[i]);
    free(text);
    return st;
}

/* ---- load ---- */

/* Applies [set] to cfg. */
static mh_status apply_sets(const mh_sweep *s, mh_config *cfg, mh_ctx *ctx)
{
    mh_status st = MH_OK;
    for (int i = 0; i < s->nsets && st == MH_OK; i++)
        st = set_key(cfg, s->sets[i].name, s->sets[i].value, s->sets[i].where, ctx);
    return st;
}

/* *cfg: the configuration file at path, and (unless text is NULL) its resolved text, malloc'ed into *text. */
static mh_status load_config(const char *path, mh_config **cfg, char **text, mh_ctx *ctx)
{
    mh_status st = mh_config_create(ctx, cfg);
    if (st == MH_OK)
        st = mh_config_load(*cfg, path, ctx);
    const char *t = st == MH_OK ? mh_config_text(*cfg) : NULL;
    if (st == MH_OK && text != NULL && (t == NULL || (*text = dup_str(t)) == NULL))
        st = MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
    return st;
}

static mh_status load_base(mh_sweep *s, mh_ctx *ctx)
{
    if (s->k[K_BASE].value == NULL || s->k[K_BASE].value[0] == '\0')
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s:0: base: missing in [sweep] (the base configuration file)", s->path);
    char *bp = mh_ini_resolve(s->path, s->k[K_BASE].value); /* relative to the sweep file's folder */
    if (bp == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
    mh_status st = load_config(bp, &s->base, &s->base_text, ctx);
    if (st != MH_OK) {
        char msg[MH_MSG_LEN];
        snprintf(msg, sizeof msg, "%s", ctx->msg);
        mh_ctx_init(ctx);
        st = MH_ERROR(ctx, st, "%s: base: %s", s->k[K_BASE].where, msg);
    }
    free(bp);
    if (st == MH_OK)
        st = apply_sets(s, s->base, ctx);
    if (st == MH_OK)
        s->base_seed = (unsigned long)mh_config_int(s->base, MH_P_SEED);
    return st;
}

/* Checks the axes and plans the rows of s's design. */
static mh_status plan(mh_sweep *s, mh_ctx *ctx)
{
    mh_status st = MH_OK;
    for (int a = 0; st == MH_OK && a < s->naxes; a++)
        st = parse_axis(s, &s->ax[a], ctx);
    if (st == MH_OK) {
        switch (s->design) {
        case MH_SWEEP_GRID:
            st = plan_grid(s, ctx);
            break;
        case MH_SWEEP_OAT:
            st = plan_oat(s, ctx);
            break;
        case MH_SWEEP_LHS:
            st = plan_lhs(s, ctx);
            break;
        case MH_SWEEP_SOBOL:
            st = plan_sobol(s, ctx);
            break;
        case MH_SWEEP_LIST:
            st = alloc_rows(s, s->nconfigs, ctx);
            break;
        }
    }
    return st;
}

/* The end of a load or create: the axes checked and the rows planned into *out when st is MH_OK; s
 * destroyed otherwise. */
static mh_status finish(mh_sweep *s, mh_status st, mh_ctx *ctx, mh_sweep **out)
{
    if (st == MH_OK)
        st = plan(s, ctx);
    if (st != MH_OK) {
        mh_sweep_destroy(&s);
        return st;
    }
    *out = s;
    return MH_OK;
}

static mh_sweep *sweep_alloc(const char *path, mh_ctx *ctx)
{
    mh_sweep *s = calloc(1, sizeof *s);
    if (s == NULL || (s->path = dup_str(path)) == NULL) {
        free(s);
        MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
        return NULL;
    }
    s->replicates = 1;
    return s;
}

mh_status mh_sweep_load(const char *path, mh_ctx *ctx, mh_sweep **out)
{
    *out = NULL;
    mh_sweep *s = sweep_alloc(path, ctx);
    if (s == NULL)
        return ctx->status;
    mh_status st = mh_ini_parse(path, "sweep file", on_key, s, ctx);
    if (st == MH_OK)
        st = load_base(s, ctx);
    if (st == MH_OK && s->k[K_DESIGN].value != NULL) {
        int d = -1;
        for (int i = 0; i < 4; i++)
            if (strcmp(s->k[K_DESIGN].value, design_names[i]) == 0)
                d = i;
        if (d < 0)
            st = MH_ERROR(ctx, MH_ERR_INPUT, "%s: design: '%s' is not one of grid, oat, lhs, sobol",
                          s->k[K_DESIGN].where, s->k[K_DESIGN].value);
        s->design = (mh_sweep_design)(d < 0 ? 0 : d);
    }
    double samples = 0, reps = 1, seed = (double)s->base_seed;
    if (st == MH_OK)
        st = sweep_int(s, K_SAMPLES, 1, MH_SWEEP_MAX_POINTS, &samples, ctx);
    if (st == MH_OK)
        st = sweep_int(s, K_REPLICATES, 1, MH_ENSEMBLE_MAX, &reps, ctx);
    if (st == MH_OK)
        st = sweep_int(s, K_SEED, 0, 4294967295.0, &seed, ctx);
    s->samples = (int)samples;
    s->replicates = (int)reps;
    s->design_seed = (unsigned long)seed;
    const bool sampled = s->design == MH_SWEEP_LHS || s->design == MH_SWEEP_SOBOL;
    if (st == MH_OK && sampled && s->k[K_SAMPLES].value == NULL)
        st = MH_ERROR(ctx, MH_ERR_INPUT,
                      "%s: samples: design %s needs samples (rows for lhs, base samples N for "
                      "sobol)",
                      s->k[K_DESIGN].where, design_names[s->design]);
    if (st == MH_OK && !sampled && s->k[K_SAMPLES].value != NULL)
        st = MH_ERROR(ctx, MH_ERR_INPUT, "%s: samples: design %s takes no samples (the axes give its rows)",
                      s->k[K_SAMPLES].where, design_names[s->design]);
    if (st == MH_OK && s->naxes == 0)
        st = MH_ERROR(ctx, MH_ERR_INPUT, "%s:0: [axes]: no axis (give at least one key with its values)", path);
    return finish(s, st, ctx, out);
}

/* The name of the file at path (what follows its last '/'). */
static const char *file_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

/* Design list: row r is configuration file paths[r] with [set], labelled with the file's name (with the paths
 * as given when two names are the same). */
static mh_status load_list(mh_sweep *s, const char *const *paths, int n, mh_ctx *ctx)
{
    s->design = MH_SWEEP_LIST;
    s->configs = calloc((size_t)n, sizeof *s->configs);
    s->labels = calloc((size_t)n, sizeof *s->labels);
    if (s->configs == NULL || s->labels == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
    s->nconfigs = n;
    bool same_names = false;
    for (int r = 0; r < n; r++)
        for (int q = 0; q < r; q++)
            same_names = same_names || strcmp(file_name(paths[r]), file_name(paths[q])) == 0;
    mh_status st = MH_OK;
    for (int r = 0; st == MH_OK && r < n; r++) {
        st = load_config(paths[r], &s->configs[r], NULL, ctx);
        if (st == MH_OK)
            st = apply_sets(s, s->configs[r], ctx);
        if (st == MH_OK && (s->labels[r] = dup_str(same_names ? paths[r] : file_name(paths[r]))) == NULL)
            st = MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
    }
    return st;
}

mh_status mh_sweep_create(const char *const *configs, int nconfigs, const mh_sweep_assign *sets, int nsets,
                          const mh_sweep_assign *axis, mh_ctx *ctx, mh_sweep **out)
{
    *out = NULL;
    if (nconfigs < 1 || (axis != NULL && nconfigs > 1))
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: an axis varies one configuration file (%d given)",
                        axis != NULL ? axis->where : "sweep", nconfigs);
    mh_sweep *s = sweep_alloc(axis != NULL ? axis->where : "the list of configurations", ctx);
    if (s == NULL)
        return ctx->status;
    mh_status st = MH_OK;
    for (int i = 0; st == MH_OK && i < nsets; i++)
        st = add_set(s, sets[i].key, sets[i].value, sets[i].where, ctx);
    if (st == MH_OK && axis == NULL)
        st = load_list(s, configs, nconfigs, ctx);
    if (st == MH_OK && axis != NULL) {
        st = add_axis(s, axis->key, axis->value, axis->where, ctx);
        if (st == MH_OK)
            st = load_config(configs[0], &s->base, &s->base_text, ctx);
        if (st == MH_OK)
            st = apply_sets(s, s->base, ctx);
        if (st == MH_OK)
            s->design_seed = s->base_seed = (unsigned long)mh_config_int(s->base, MH_P_SEED);
    }
    return finish(s, st, ctx, out);
}

void mh_sweep_destroy(mh_sweep **sp)
{
    if (sp == NULL || *sp == NULL)
        return;
    mh_sweep *s = *sp;
    for (int i = 0; i < K_COUNT; i++)
        free(s->k[i].value);
    for (int a = 0; a < MH_SWEEP_MAX_AXES; a++) {
        free(s->ax[a].text);
        free(s->ax[a].items);
    }
    for (int i = 0; i < s->nsets; i++) {
        free(s->sets[i].name);
        free(s->sets[i].value);
    }
    mh_config_destroy(&s->base);
    free(s->base_text);
    for (int r = 0; r < s->nconfigs; r++) {
        mh_config_destroy(&s->configs[r]);
        free(s->labels[r]);
    }
    free(s->configs);
    free(s->labels);
    free(s->vtext);
    free(s->vnum);
    free(s->oat_axis);
    free(s->path);
    free(s);
    *sp = NULL;
}

/* ---- accessors ---- */

mh_sweep_design mh_sweep_get_design(const mh_sweep *s) { return s->design; }
int mh_sweep_naxes(const mh_sweep *s) { return s->naxes; }
const mh_sweep_axis *mh_sweep_axis_at(const mh_sweep *s, int a) { return &s->ax[a].pub; }
int mh_sweep_nrows(const mh_sweep *s) { return s->nrows; }
int mh_sweep_replicates(const mh_sweep *s) { return s->replicates; }
int mh_sweep_samples(const mh_sweep *s) { return s->samples; }
int mh_sweep_npoints(const mh_sweep *s) { return s->nrows * s->replicates; }
int mh_sweep_row(const mh_sweep *s, int point) { return point / s->replicates; }
int mh_sweep_replicate(const mh_sweep *s, int point) { return point % s->replicates; }
unsigned long mh_sweep_seed(const mh_sweep *s, int point)
{
    const unsigned long base =
        s->configs != NULL ? (unsigned long)mh_config_int(s->configs[mh_sweep_row(s, point)], MH_P_SEED) : s->base_seed;
    return mh_ensemble_seed(base, mh_sweep_replicate(s, point));
}

mh_status mh_sweep_set_replicates(mh_sweep *s, int n, mh_ctx *ctx)
{
    if (n < 1 || n > MH_ENSEMBLE_MAX)
        return MH_ERROR(ctx, MH_ERR_INPUT, "replicates: %d is not in [1, %d]", n, MH_ENSEMBLE_MAX);
    if ((long)s->nrows * n > MH_SWEEP_MAX_POINTS)
        return MH_ERROR(ctx, MH_ERR_INPUT, "replicates: %d rows x %d replicates is more than %d points", s->nrows, n,
                        MH_SWEEP_MAX_POINTS);
    s->replicates = n;
    return MH_OK;
}

void mh_sweep_row_label(const mh_sweep *s, int row, char *buf, size_t len)
{
    if (s->labels != NULL) {
        snprintf(buf, len, "%s", s->labels[row]);
        return;
    }
    size_t used = 0;
    buf[0] = '\0';
    for (int a = 0; a < s->naxes && used < len; a++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s=%s", a ? ", " : "", s->ax[a].key,
                                 mh_sweep_value_text(s, row, a));
}
const char *mh_sweep_value_text(const mh_sweep *s, int row, int a) { return s->vtext[(size_t)row * s->naxes + a]; }
double mh_sweep_value(const mh_sweep *s, int row, int a) { return s->vnum[(size_t)row * s->naxes + a]; }
int mh_sweep_oat_axis(const mh_sweep *s, int row) { return s->oat_axis[row]; }
const char *mh_sweep_base_text(const mh_sweep *s) { return s->base_text; }

mh_status mh_sweep_frozen_text(const mh_sweep *s, const char *base_name, mh_ctx *ctx, char **out)
{
    *out = NULL;
    if (s->design == MH_SWEEP_LIST)
        return MH_ERROR(ctx, MH_ERR_INPUT, "design list has no sweep file to freeze");
    size_t cap = 1024 + strlen(base_name);
    for (int a = 0; a < s->naxes; a++)
        cap += strlen(s->ax[a].key) + strlen(s->ax[a].text) + 8;
    for (int i = 0; i < s->nsets; i++)
        cap += strlen(s->sets[i].name) + strlen(s->sets[i].value) + 8;
    char *text = malloc(cap);
    if (text == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
    size_t u = (size_t)snprintf(text, cap,
                                "; microheal sweep, copied with the resolved base configuration %s beside it\n"
                                "[sweep]\nbase = %s\ndesign = %s\n",
                                base_name, base_name, design_names[s->design]);
    if (s->design == MH_SWEEP_LHS || s->design == MH_SWEEP_SOBOL)
        u += (size_t)snprintf(text + u, cap - u, "samples = %d\n", s->samples);
    u += (size_t)snprintf(text + u, cap - u, "replicates = %d\nseed = %lu\n\n[axes]\n", s->replicates, s->design_seed);
    for (int a = 0; a < s->naxes; a++)
        u += (size_t)snprintf(text + u, cap - u, "%s = %s\n", s->ax[a].key, s->ax[a].text);
    if (s->nsets > 0)
        u += (size_t)snprintf(text + u, cap - u, "\n[set]\n");
    for (int i = 0; i < s->nsets; i++)
        u += (size_t)snprintf(text + u, cap - u, "%s = %s\n", s->sets[i].name, s->sets[i].value);
    *out = text;
    return MH_OK;
}

/* ---- metrics ---- */

static const struct {
    const char *name, *unit;
} metric_info[MH_MET_COUNT] = {
    {"collagen_gain_d42", "1"}, {"collagen_gain_d90", "1"}, {"collagen_gain_d180", "1"}, {"collagen_gain_end", "1"},
    {"erythema_days", "day"},   {"closure_hours", "h"},     {"bleeding", "uL/cm^2"},     {"downtime_days", "day"},
    {"delivered", "ug/cm^2"},   {"pih_index", "1"},         {"infection_index", "%.h"},
};

const char *mh_sweep_metric_name(mh_sweep_metric m) { return metric_info[m].name; }
const char *mh_sweep_metric_unit(mh_sweep_metric m) { return metric_info[m].unit; }

void mh_sweep_metrics(const mh_summary *sum, double out[MH_MET_COUNT])
{
    for (int d = 0; d <= MH_GAIN_DAYS; d++)
        out[MH_MET_GAIN42 + d] = sum->gain[MH_OL_DERMIS][MH_OQ_CT][d] - 1.0;
    const bool one = sum->nsessions > 0;
    out[MH_MET_ERYTHEMA] = one ? sum->erythema_days[0] : NAN;
    out[MH_MET_CLOSURE] = one ? sum->closure_hours[0] : NAN;
    out[MH_MET_BLEEDING] = one ? sum->bleeding[0] : NAN;
    out[MH_MET_DOWNTIME] = one ? sum->downtime_days[0] : NAN;
    out[MH_MET_DELIVERED] = one ? sum->delivered[0] : NAN;
    out[MH_MET_PIH] = one ? sum->pih_index[0] : NAN;
    out[MH_MET_INFECTION] = one ? sum->infection_index[0] : NAN;
}

/* ---- Sobol indices ---- */

void mh_sobol_indices(int k, int n, const double *fA, const double *fB, const double *fAB, double *S1, double *ST)
{
    double mean = 0.0;
    bool finite = n > 1;
    for (int j = 0; j < n; j++) {
        mean += fA[j] + fB[j];
        finite = finite && isfinite(fA[j]) && isfinite(fB[j]);
    }
    mean /= 2.0 * n;
    double var = 0.0;
    for (int j = 0; j < n; j++)
        var += (fA[j] - mean) * (fA[j] - mean) + (fB[j] - mean) * (fB[j] - mean);
    var /= 2.0 * n - 1.0;
    for (int i = 0; i < k; i++) {
        const double *fi = fAB + (size_t)i * n;
        double s1 = 0.0, st = 0.0;
        bool ok = finite && var > 0.0;
        for (int j = 0; j < n && ok; j++) {
            ok = isfinite(fi[j]);
            s1 += fB[j] * (fi[j] - fA[j]);
            st += (fA[j] - fi[j]) * (fA[j] - fi[j]);
        }
        S1[i] = ok ? s1 / n / var : NAN;
        ST[i] = ok ? st / (2.0 * n) / var : NAN;
    }
}

mh_status mh_sweep_sobol(const mh_sweep *s, const double *y, double *S1, double *ST, mh_ctx *ctx)
{
    if (s->design != MH_SWEEP_SOBOL)
        return MH_ERROR(ctx, MH_ERR_STATE, "Sobol indices need design = sobol (this sweep is %s)",
                        design_names[s->design]);
    const int k = s->naxes, n = s->samples;
    double *fA = malloc((size_t)n * (k + 2) * sizeof *fA);
    if (fA == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
    double *fB = fA + n, *fAB = fA + 2 * n;
    for (int j = 0; j < n; j++) {
        const double *r = y + (size_t)j * (k + 2);
        fA[j] = r[0];
        fB[j] = r[1];
        for (int i = 0; i < k; i++)
            fAB[(size_t)i * n + j] = r[2 + i];
    }
    mh_sobol_indices(k, n, fA, fB, fAB, S1, ST);
    free(fA);
    return MH_OK;
}
