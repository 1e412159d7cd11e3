/* src/study: what runs many simulations: sweeps and their designs, targets, calibration, sensitivity. */
/* mh_targets: targets file (libinih through mh_ini), scenario configurations, cached runs and observables.
 *
 * The file format and the observables are described in mh_targets.h and papers/calibration.md.
 * A run is cached under its resolved configuration text (every key, defaults included), so two
 * targets whose settings resolve to the same configuration share one simulation. The cache keeps a
 * copy of the run's time series and summary, at most MH_TARGETS_CACHE runs, oldest dropped first. */
#include "mh_targets.h"

#include "mh_build.h"

#include "mh_ini.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---------- observables ---------- */

typedef enum { OBS_METRIC, OBS_VALUE, OBS_GAIN, OBS_INCREMENT, OBS_PEAK_DAY, OBS_PEAK } obs_kind;

typedef struct {
    obs_kind kind;
    int metric; /* OBS_METRIC: index into mh_summary_fields */
    int col;    /* series column otherwise */
    double day; /* OBS_VALUE, OBS_GAIN, OBS_INCREMENT */
} obs_spec;

/* The metrics a target may name: the summary's per-session arrays (mh_summary_fields). */
static const double *metric_array(const mh_summary *m, int metric) { return mh_summary_array(m, metric); }

static const struct {
    const char *prefix;
    obs_kind kind;
} obs_prefixes[] = {{"value", OBS_VALUE},
                    {"gain", OBS_GAIN},
                    {"increment", OBS_INCREMENT},
                    {"peak_day", OBS_PEAK_DAY},
                    {"peak", OBS_PEAK}};

/* Parses an observable; on failure writes the reason into why. */
static bool parse_observable(const char *text, obs_spec *o, char *why, size_t wlen)
{
    memset(o, 0, sizeof *o);
    const char *colon = strchr(text, ':');
    if (colon == NULL) {
        int nm = 0;
        const mh_summary_field *metrics = mh_summary_fields(&nm);
        /* the per-session outcomes: every field but the first, session_days (a time, not an outcome) */
        for (int i = 1; i < nm; i++)
            if (strcmp(text, metrics[i].name) == 0) {
                o->kind = OBS_METRIC;
                o->metric = i;
                return true;
            }
        size_t u = (size_t)snprintf(why, wlen, "'%s': unknown observable (a per-session summary value:", text);
        for (int i = 1; i < nm && u < wlen; i++)
            u += (size_t)snprintf(why + u, wlen - u, " %s,", metrics[i].name);
        if (u < wlen)
            snprintf(why + u, wlen - u, " or value:|gain:|increment:COLUMN@day=D, peak_day:|peak:COLUMN)");
        return false;
    }
    size_t plen = (size_t)(colon - text);
    bool found = false;
    for (size_t i = 0; i < sizeof obs_prefixes / sizeof obs_prefixes[0]; i++)
        if (strlen(obs_prefixes[i].prefix) == plen && strncmp(text, obs_prefixes[i].prefix, plen) == 0) {
            o->kind = obs_prefixes[i].kind;
            found = true;
        }
    if (!found) {
        snprintf(why, wlen, "'%.*s': unknown kind of observable (value, gain, increment, peak_day, peak)", (int)plen,
                 text);
        return false;
    }
    const char *colname = colon + 1;
    const char *at = strchr(colname, '@');
    bool at_day = o->kind == OBS_VALUE || o->kind == OBS_GAIN || o->kind == OBS_INCREMENT;
    if (at_day && (at == NULL || strncmp(at, "@day=", 5) != 0)) {
        snprintf(why, wlen, "'%s': needs @day=D after the column", text);
        return false;
    }
    if (!at_day && at != NULL) {
        snprintf(why, wlen, "'%s': %.*s takes no @day (it looks over the session)", text, (int)plen, text);
        return false;
    }
    size_t clen = at != NULL ? (size_t)(at - colname) : strlen(colname);
    o->col = -1;
    for (int c = MH_OBS_ERYTHEMA; c < MH_OBS_COUNT; c++)
        if (strlen(mh_observe_name(c)) == clen && strncmp(colname, mh_observe_name(c), clen) == 0)
            o->col = c;
    if (o->col < 0) {
        snprintf(why, wlen, "'%.*s': unknown series column (e.g. erythema, dermis/collagen_total)", (int)clen, colname);
        return false;
    }
    if ((o->kind == OBS_GAIN || o->kind == OBS_INCREMENT) && o->col < MH_OBS_LAYER0) {
        snprintf(why, wlen, "'%s': gain and increment need a per-layer column (e.g. papillary_dermis/collagen_I)",
                 text);
        return false;
    }
    if (at_day) {
        if (!mh_ini_number(at + 5, &o->day) || !isfinite(o->day) || o->day < 0) {
            snprintf(why, wlen, "'%s': day must be a number >= 0", at + 5);
            return false;
        }
    }
    return true;
}

/* ---------- the object ---------- */

typedef struct {
    char *text;  /* "key=value" */
    char *where; /* "FILE:LINE" */
} setting;

typedef struct {
    setting *v;
    int n, cap;
} setting_list;

enum {
    K_SOURCE,
    K_ROLE,
    K_ITEM,
    K_CONFIG,
    K_OBS,
    K_SESSION,
    K_RATIO_OBS,
    K_VALUE,
    K_SIGMA,
    K_BAND,
    K_SET,
    K_RATIO_SET,
    K_N
};
static const char *key_names[K_N] = {"source",           "role",  "item",  "config", "observable", "session",
                                     "ratio_observable", "value", "sigma", "band",   "set",        "ratio_set"};

/* The values of role, in the order of mh_target_role. */
static const char *const role_names[MH_TARGET_ROLES] = {"calibration", "validation"};

const char *mh_target_role_name(mh_target_role role)
{
    return (unsigned)role < MH_TARGET_ROLES ? role_names[role] : "?";
}

typedef struct {
    mh_target_info info;
    char *name, *where, *source, *item, *observable, *ratio_observable, *config;
    int line[K_N]; /* line where each key was given (0 = not given) */
    setting_list sets, ratio_sets;
    obs_spec obs, ratio_obs;
    bool is_ratio;
} target;

typedef struct {
    char *key; /* resolved configuration text */
    mh_series series;
    mh_summary summary;
} run_entry;

struct mh_targets {
    char *path, *dir; /* dir: folder of the file, "" for the current one */
    target *tg;
    int n, cap;
    char *default_config;
    int default_config_line;
    setting_list default_sets;
    run_entry cache[MH_TARGETS_CACHE];
    int ncache, next_slot;
    long runs, hits;
    int current; /* parse state: target of the section being read, -1 for [defaults] */
};

static void settings_free(setting_list *l)
{
    for (int k = 0; k < l->n; k++) {
        free(l->v[k].text);
        free(l->v[k].where);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

static void run_entry_free(run_entry *r)
{
    free(r->key);
    mh_series_clear(&r->series);
    mh_summary_clear(&r->summary);
    memset(r, 0, sizeof *r);
}

void mh_targets_destroy(mh_targets **tp)
{
    if (tp == NULL || *tp == NULL)
        return;
    mh_targets *t = *tp;
    for (int i = 0; i < t->n; i++) {
        target *g = &t->tg[i];
        free(g->name);
        free(g->where);
        free(g->source);
        free(g->item);
        free(g->observable);
        free(g->ratio_observable);
        free(g->config);
        settings_free(&g->sets);
        settings_free(&g->ratio_sets);
    }
    free(t->tg);
    free(t->path);
    free(t->dir);
    free(t->default_config);
    settings_free(&t->default_sets);
    for (int k = 0; k < t->ncache; k++)
        run_entry_free(&t->cache[k]);
    free(t);
    *tp = NULL;
}

/* ---------- parsing ---------- */

static char *dup_trimmed(const char *s, size_t n)
{
    while (n > 0 && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    char *d = malloc(n + 1);
    if (d != NULL) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* Appends the ';'-separated assignments of value to l. */
static mh_status add_settings(setting_list *l, const char *value, const mh_ini_pos *pos, const char *key, mh_ctx *ctx)
{
    const char *p = value;
    for (;;) {
        size_t n = strcspn(p, ";");
        char *text = dup_trimmed(p, n);
        if (text == NULL)
            return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory reading %s", pos->path);
        if (text[0] != '\0') {
            if (strchr(text, '=') == NULL || text[0] == '=') {
                MH_ERROR(ctx, MH_ERR_INPUT, "%s:%d: %s: '%s' is not section.key=value", pos->path, pos->line, key,
                         text);
                free(text);
                return MH_ERR_INPUT;
            }
            if (l->n == l->cap) {
                int cap = l->cap ? 2 * l->cap : 8;
                setting *v = realloc(l->v, (size_t)cap * sizeof *v);
                if (v == NULL) {
                    free(text);
                    return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory reading %s", pos->path);
                }
                l->v = v;
                l->cap = cap;
            }
            char where[512];
            snprintf(where, sizeof where, "%s:%d", pos->path, pos->line);
            l->v[l->n].text = text;
            l->v[l->n].where = strdup(where);
            if (l->v[l->n].where == NULL) {
                free(text);
                return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory reading %s", pos->path);
            }
            l->n++;
        } else {
            free(text);
        }
        if (p[n] == '\0')
            return MH_OK;
        p += n + 1;
    }
}

/* "lo, hi" with optional '(' / '[' before and ')' / ']' after; -inf and inf allowed. */
static bool parse_band(const char *text, mh_target_info *ti, char *why, size_t wlen)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", text);
    char *s = buf;
    size_t n = strlen(s);
    ti->lo_open = ti->hi_open = false;
    if (n > 0 && (s[0] == '(' || s[0] == '[')) {
        ti->lo_open = s[0] == '(';
        s++;
        n--;
    }
    if (n > 0 && (s[n - 1] == ')' || s[n - 1] == ']')) {
        ti->hi_open = s[n - 1] == ')';
        s[--n] = '\0';
    }
    char *comma = strchr(s, ',');
    if (comma == NULL || strchr(comma + 1, ',') != NULL) {
        snprintf(why, wlen, "'%s': expected two numbers 'lo, hi' (e.g. '9, 15', '(0, inf)', '-inf, 5')", text);
        return false;
    }
    *comma = '\0';
    if (!mh_ini_number(s, &ti->band_lo) || !mh_ini_number(comma + 1, &ti->band_hi) || isnan(ti->band_lo) ||
        isnan(ti->band_hi)) {
        snprintf(why, wlen, "'%s': expected two numbers 'lo, hi' (e.g. '9, 15', '(0, inf)', '-inf, 5')", text);
        return false;
    }
    if (ti->band_lo > ti->band_hi || (ti->band_lo == ti->band_hi && (ti->lo_open || ti->hi_open))) {
        snprintf(why, wlen, "'%s': the band is empty", text);
        return false;
    }
    return true;
}

static int find_key(const char *name)
{
    for (int k = 0; k < K_N; k++)
        if (strcmp(name, key_names[k]) == 0)
            return k;
    return -1;
}

/* Starts a new target for section "target.NAME", or finds the one being read. */
static mh_status section_target(mh_targets *t, const char *section, const mh_ini_pos *pos, mh_ctx *ctx)
{
    const char *name = section + 7;
    if (t->current >= 0 && strcmp(t->tg[t->current].name, name) == 0)
        return MH_OK;
    if (name[0] == '\0')
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s:%d: [%s]: a target needs a name ([target.NAME])", pos->path,
                        pos->section_line, section);
    for (const char *c = name; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-' && *c != '.')
            return MH_ERROR(ctx, MH_ERR_INPUT, "%s:%d: [%s]: target names use letters, digits, '_', '-' and '.'",
                            pos->path, pos->section_line, section);
    int prev = mh_targets_find(t, name);
    if (prev >= 0)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s:%d: [%s]: defined twice (first at %s)", pos->path, pos->section_line,
                        section, t->tg[prev].where);
    if (t->n == t->cap) {
        int cap = t->cap ? 2 * t->cap : 16;
        target *v = realloc(t->tg, (size_t)cap * sizeof *v);
        if (v == NULL)
            return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory reading %s", pos->path);
        t->tg = v;
        t->cap = cap;
    }
    target *g = &t->tg[t->n];
    memset(g, 0, sizeof *g);
    char where[512];
    snprintf(where, sizeof where, "%s:%d", pos->path, pos->section_line);
    g->name = strdup(name);
    g->where = strdup(where);
    g->item = strdup("");
    t->current = t->n++;
    if (g->name == NULL || g->where == NULL || g->item == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory reading %s", pos->path);
    g->info.session = 1;
    return MH_OK;
}

/* Stores a text value (source continues over several lines: they are joined with a blank). */
static mh_status set_text(char **slot, const char *value, bool append, const mh_ini_pos *pos, mh_ctx *ctx)
{
    size_t old = append && *slot != NULL ? strlen(*slot) : 0;
    char *s = malloc(old + strlen(value) + 2);
    if (s == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory reading %s", pos->path);
    if (old > 0)
        snprintf(s, old + strlen(value) + 2, "%s %s", *slot, value);
    else
        strcpy(s, value);
    free(*slot);
    *slot = s;
    return MH_OK;
}

static mh_status defaults_key(mh_targets *t, const char *name, const char *value, const mh_ini_pos *pos, mh_ctx *ctx)
{
    if (strcmp(name, "set") == 0)
        return add_settings(&t->default_sets, value, pos, "set", ctx);
    if (strcmp(name, "config") == 0) {
        if (t->default_config != NULL)
            return MH_ERROR(ctx, MH_ERR_INPUT, "%s:%d: config: given twice (first at line %d)", pos->path, pos->line,
                            t->default_config_line);
        t->default_config_line = pos->line;
        return set_text(&t->default_config, value, false, pos, ctx);
    }
    if (strcmp(name, "role") == 0)
        return MH_ERROR(ctx, MH_ERR_INPUT,
                        "%s:%d: role: not allowed in [defaults]: each [target.NAME] states its own role "
                        "(calibration or validation)",
                        pos->path, pos->line);
    return MH_ERROR(ctx, MH_ERR_INPUT, "%s:%d: %s: unknown key in [defaults] (config, set)", pos->path, pos->line,
                    name);
}

static mh_status targets_key(void *user, const char *section, const char *name, const char *value,
                             const mh_ini_pos *pos, mh_ctx *ctx)
{
    mh_targets *t = user;
    if (strcmp(section, "defaults") == 0) {
        t->current = -1;
        return defaults_key(t, name, value, pos, ctx);
    }
    if (strncmp(section, "target.", 7) != 0)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s:%d: [%s]: unknown section (expected [defaults] or [target.NAME])",
                        pos->path, pos->section_line, section);
    mh_status st = section_target(t, section, pos, ctx);
    if (st != MH_OK)
        return st;
    target *g = &t->tg[t->current];
    int k = find_key(name);
    if (k < 0)
        return MH_ERROR(ctx, MH_ERR_INPUT,
                        "%s:%d: %s: unknown key (source, role, item, config, set, observable, session, ratio_set, "
                        "ratio_observable, value, sigma, band)",
                        pos->path, pos->line, name);
    bool continued = g->line[k] > 0 && (k == K_SOURCE || k == K_SET || k == K_RATIO_SET);
    if (g->line[k] > 0 && !continued)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s:%d: %s: given twice (first at line %d)", pos->path, pos->line, name,
                        g->line[k]);
    if (g->line[k] == 0)
        g->line[k] = pos->line;
    char why[512];
    switch (k) {
    case K_SOURCE:
        return set_text(&g->source, value, continued, pos, ctx);
    case K_ROLE:
        for (int r = 0; r < MH_TARGET_ROLES; r++)
            if (strcmp(value, role_names[r]) == 0) {
                g->info.role = (mh_target_role)r;
                return MH_OK;
            }
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s:%d: role: '%s': expected calibration or validation", pos->path,
                        pos->line, value);
    case K_ITEM:
        return set_text(&g->item, value, false, pos, ctx);
    case K_CONFIG:
        return set_text(&g->config, value, false, pos, ctx);
    case K_SET:
        return add_settings(&g->sets, value, pos, name, ctx);
    case K_RATIO_SET:
        g->is_ratio = true;
        return add_settings(&g->ratio_sets, value, pos, name, ctx);
    case K_OBS:
    case K_RATIO_OBS: {
        g->is_ratio = g->is_ratio || k == K_RATIO_OBS;
        if (!parse_observable(value, k == K_OBS ? &g->obs : &g->ratio_obs, why, sizeof why))
            return MH_ERROR(ctx, MH_ERR_INPUT, "%s:%d: %s: %s", pos->path, pos->line, name, why);
        return set_text(k == K_OBS ? &g->observable : &g->ratio_observable, value, false, pos, ctx);
    }
    case K_SESSION: {
        double s;
        if (!mh_ini_number(value, &s) || s != floor(s) || s < 1 || s > MH_MAX_SESSIONS)
            return MH_ERROR(ctx, MH_ERR_INPUT, "%s:%d: session: '%s' is not a session number (1 to %d)", pos->path,
                            pos->line, value, MH_MAX_SESSIONS);
        g->info.session = (int)s;
        return MH_OK;
    }
    case K_VALUE:
    case K_SIGMA: {
        double v;
        if (!mh_ini_number(value, &v) || !isfinite(v))
            return MH_ERROR(ctx, MH_ERR_INPUT, "%s:%d: %s: '%s' is not a finite number", pos->path, pos->line, name,
                            value);
        if (k == K_SIGMA && v <= 0)
            return MH_ERROR(ctx, MH_ERR_INPUT, "%s:%d: sigma: %g must be positive", pos->path, pos->line, v);
        if (k == K_VALUE) {
            g->info.value = v;
            g->info.has_value = true;
        } else {
            g->info.sigma = v;
            g->info.has_sigma = true;
        }
        return MH_OK;
    }
    case K_BAND:
        if (!parse_band(value, &g->info, why, sizeof why))
            return MH_ERROR(ctx, MH_ERR_INPUT, "%s:%d: band: %s", pos->path, pos->line, why);
        return MH_OK;
    }
    return MH_ERROR(ctx, MH_ERR_STATE, "internal: key %s", name);
}

/* ---------- scenarios ---------- */

/* Path of a config named in the targets file: absolute, or relative to the file's folder. */
static char *config_path(const mh_targets *t, const char *name)
{
    size_t n = strlen(t->dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p == NULL)
        return NULL;
    if (name[0] == '/' || t->dir[0] == '\0')
        snprintf(p, n, "%s", name);
    else
        snprintf(p, n, "%s/%s", t->dir, name);
    return p;
}

static mh_status apply_settings(mh_config *cfg, const setting_list *l, mh_ctx *ctx)
{
    for (int k = 0; k < l->n; k++) {
        mh_status st = mh_config_set(cfg, l->v[k].text, l->v[k].where, ctx);
        if (st != MH_OK)
            return st;
    }
    return MH_OK;
}

/* Target i's scenario as mh_targets_config builds it, then seed_set ("seed=N", origin "replicate R"; NULL:
 * none) last, after ratio_set too, so that both parts of a ratio run with the replicate's seed. */
static mh_status scenario_config(const mh_targets *t, int i, const char *const *extra_sets, bool denominator,
                                 const char *seed_set, const char *seed_origin, mh_config **out, mh_ctx *ctx)
{
    *out = NULL;
    if (i < 0 || i >= t->n)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: no target number %d", t->path, i);
    const target *g = &t->tg[i];
    const char *name = g->config != NULL ? g->config : t->default_config;
    int line = g->config != NULL ? g->line[K_CONFIG] : t->default_config_line;
    char *path = config_path(t, name);
    if (path == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
    mh_config *cfg = NULL;
    mh_status st = MH_OK;
    if (access(path, R_OK) != 0)
        st = MH_ERROR(ctx, MH_ERR_INPUT, "%s:%d: config: cannot open %s: %s", t->path, line, path, strerror(errno));
    if (st == MH_OK)
        st = mh_config_create(ctx, &cfg);
    if (st == MH_OK)
        st = mh_config_load(cfg, path, ctx);
    if (st == MH_OK)
        st = apply_settings(cfg, &t->default_sets, ctx);
    if (st == MH_OK)
        st = apply_settings(cfg, &g->sets, ctx);
    for (int k = 0; st == MH_OK && extra_sets != NULL && extra_sets[k] != NULL; k++) {
        char origin[32];
        snprintf(origin, sizeof origin, "--set #%d", k + 1);
        st = mh_config_set(cfg, extra_sets[k], origin, ctx);
    }
    if (st == MH_OK && denominator)
        st = apply_settings(cfg, &g->ratio_sets, ctx);
    if (st == MH_OK && seed_set != NULL)
        st = mh_config_set(cfg, seed_set, seed_origin, ctx);
    if (st == MH_OK)
        st = mh_config_validate(cfg, ctx);
    free(path);
    if (st != MH_OK) {
        mh_config_destroy(&cfg);
        return st;
    }
    *out = cfg;
    return MH_OK;
}

mh_status mh_targets_config(const mh_targets *t, int i, const char *const *extra_sets, bool denominator,
                            mh_config **out, mh_ctx *ctx)
{
    return scenario_config(t, i, extra_sets, denominator, NULL, NULL, out, ctx);
}

/* Checks that the scenario has the observable's session and day. */
static mh_status check_scenario(const mh_targets *t, const target *g, const obs_spec *o, int obs_key,
                                const mh_config *cfg, mh_ctx *ctx)
{
    const double *sd = NULL;
    int ns = mh_config_list(cfg, MH_P_SCHED_DAYS, &sd);
    if (ns == 0)
        ns = (int)mh_config_int(cfg, MH_P_SCHED_SESSIONS);
    bool per_session = o->kind == OBS_METRIC || o->kind == OBS_PEAK_DAY || o->kind == OBS_PEAK;
    if (per_session && g->info.session > ns)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s:%d: session: %d, but the scenario has %d session%s", t->path,
                        g->line[K_SESSION] ? g->line[K_SESSION] : g->line[obs_key], g->info.session, ns,
                        ns == 1 ? "" : "s");
    double days = mh_config_real(cfg, MH_P_SIM_DAYS);
    if (!per_session && o->day > days)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s:%d: %s: day %g is after simulation.days = %g", t->path, g->line[obs_key],
                        key_names[obs_key], o->day, days);
    return MH_OK;
}

static mh_status check_target(const mh_targets *t, int i, mh_ctx *ctx)
{
    const target *g = &t->tg[i];
    static const int required[] = {K_SOURCE, K_ROLE, K_OBS, K_BAND};
    for (size_t r = 0; r < sizeof required / sizeof required[0]; r++)
        if (g->line[required[r]] == 0)
            return MH_ERROR(ctx, MH_ERR_INPUT, "%s: [target.%s]: missing key '%s'", g->where, g->name,
                            key_names[required[r]]);
    if (g->config == NULL && t->default_config == NULL)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: [target.%s]: missing key 'config' (here or in [defaults])", g->where,
                        g->name);
    if (g->info.has_value && !mh_target_in_band(&g->info, g->info.value))
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s:%d: value: %g is outside the band", t->path, g->line[K_VALUE],
                        g->info.value);
    for (int d = 0; d <= (g->is_ratio ? 1 : 0); d++) {
        mh_config *cfg = NULL;
        mh_status st = mh_targets_config(t, i, NULL, d == 1, &cfg, ctx);
        if (st == MH_OK)
            st = d == 0 ? check_scenario(t, g, &g->obs, K_OBS, cfg, ctx)
                        : check_scenario(t, g, &g->ratio_obs, g->line[K_RATIO_OBS] ? K_RATIO_OBS : K_OBS, cfg, ctx);
        mh_config_destroy(&cfg);
        if (st != MH_OK)
            return st;
    }
    return MH_OK;
}

mh_status mh_targets_load(const char *path, mh_ctx *ctx, mh_targets **out)
{
    *out = NULL;
    mh_targets *t = calloc(1, sizeof *t);
    if (t == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory reading %s", path);
    t->current = -1;
    t->path = strdup(path);
    const char *slash = strrchr(path, '/');
    t->dir = slash != NULL ? strndup(path, (size_t)(slash - path) + (slash == path ? 1 : 0)) : strdup("");
    if (t->path == NULL || t->dir == NULL) {
        mh_targets_destroy(&t);
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory reading %s", path);
    }
    mh_status st = mh_ini_parse(path, "targets file", targets_key, t, ctx);
    if (st == MH_OK && t->n == 0)
        st = MH_ERROR(ctx, MH_ERR_INPUT, "%s:0: no [target.NAME] sections", path);
    for (int i = 0; st == MH_OK && i < t->n; i++) {
        target *g = &t->tg[i];
        g->info.name = g->name;
        g->info.where = g->where;
        g->info.source = g->source;
        g->info.item = g->item;
        g->info.observable = g->observable;
        g->info.ratio_observable = g->is_ratio ? (g->ratio_observable ? g->ratio_observable : g->observable) : NULL;
        if (g->is_ratio && g->line[K_RATIO_OBS] == 0)
            g->ratio_obs = g->obs;
        st = check_target(t, i, ctx);
    }
    if (st != MH_OK) {
        mh_targets_destroy(&t);
        return st;
    }
    *out = t;
    return MH_OK;
}

int mh_targets_count(const mh_targets *t) { return t->n; }
const mh_target_info *mh_targets_info(const mh_targets *t, int i) { return &t->tg[i].info; }
const char *mh_targets_path(const mh_targets *t) { return t->path; }

int mh_targets_find(const mh_targets *t, const char *name)
{
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->tg[i].name, name) == 0)
            return i;
    return -1;
}

bool mh_target_in_band(const mh_target_info *ti, double v)
{
    if (isnan(v) || v < ti->band_lo || v > ti->band_hi)
        return false;
    return !((ti->lo_open && v == ti->band_lo) || (ti->hi_open && v == ti->band_hi));
}

double mh_target_residual(const mh_target_info *ti, double model)
{
    if (!ti->has_sigma || isnan(model))
        return NAN;
    if (ti->has_value)
        return (model - ti->value) / ti->sigma;
    if (model < ti->band_lo)
        return (model - ti->band_lo) / ti->sigma;
    if (model > ti->band_hi)
        return (model - ti->band_hi) / ti->sigma;
    return 0.0;
}

static bool list_sets_key(const setting_list *l, const char *key, const char **where)
{
    size_t n = strlen(key);
    for (int k = 0; k < l->n; k++) {
        const char *s = l->v[k].text;
        const char *eq = strchr(s, '=');
        size_t m = (size_t)(eq - s);
        while (m > 0 && isspace((unsigned char)s[m - 1]))
            m--;
        if (m == n && strncmp(s, key, n) == 0) {
            *where = l->v[k].where;
            return true;
        }
    }
    return false;
}

bool mh_targets_sets_key(const mh_targets *t, int i, const char *key, const char **where)
{
    const target *g = &t->tg[i];
    return list_sets_key(&t->default_sets, key, where) || list_sets_key(&g->sets, key, where) ||
           list_sets_key(&g->ratio_sets, key, where);
}

void mh_targets_stats(const mh_targets *t, long *runs, long *hits)
{
    *runs = t->runs;
    *hits = t->hits;
}

/* ---------- runs ---------- */

static double *copy_doubles(const double *src, size_t n)
{
    double *d = malloc((n > 0 ? n : 1) * sizeof *d);
    if (d != NULL && n > 0)
        memcpy(d, src, n * sizeof *d);
    return d;
}

/* Deep copy of a run's series and summary into e (e->key set by the caller). */
static bool copy_results(const mh_sim *sim, run_entry *e)
{
    const mh_series *s = mh_sim_series(sim);
    const mh_summary *m = mh_sim_summary(sim);
    e->series.data = copy_doubles(s->data, s->nt * MH_OBS_COUNT);
    e->series.nt = e->series.cap = s->nt;
    return e->series.data != NULL && mh_summary_copy(m, &e->summary);
}

/* Finds cfg's run in the cache or runs it. *out stays valid until the next run is added. */
static mh_status run_scenario(mh_targets *t, mh_config *cfg, const run_entry **out, mh_ctx *ctx)
{
    const char *text = mh_config_text(cfg);
    if (text == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (resolved configuration)");
    for (int k = 0; k < t->ncache; k++)
        if (t->cache[k].key != NULL && strcmp(t->cache[k].key, text) == 0) {
            t->hits++;
            *out = &t->cache[k];
            return MH_OK;
        }
    mh_sim *sim = NULL;
    mh_status st = mh_build_sim(cfg, ctx, &sim);
    if (st == MH_OK)
        st = mh_sim_run(sim, NULL, ctx);
    if (st != MH_OK) {
        mh_sim_destroy(&sim);
        return st;
    }
    t->runs++;
    int slot = t->ncache < MH_TARGETS_CACHE ? t->ncache++ : t->next_slot;
    t->next_slot = (slot + 1) % MH_TARGETS_CACHE;
    run_entry *e = &t->cache[slot];
    run_entry_free(e);
    e->key = strdup(text);
    bool ok = e->key != NULL && copy_results(sim, e);
    mh_sim_destroy(&sim);
    if (!ok) {
        run_entry_free(e); /* an empty slot (key NULL) matches no configuration */
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (cached run)");
    }
    *out = e;
    return MH_OK;
}

static mh_status observe(const mh_targets *t, const target *g, const obs_spec *o, int obs_key, const run_entry *r,
                         double *v, mh_ctx *ctx)
{
    const mh_summary *m = &r->summary;
    const mh_series *s = &r->series;
    const int k = g->info.session - 1;
    const int line = g->line[obs_key];
    switch (o->kind) {
    case OBS_METRIC:
    case OBS_PEAK_DAY:
    case OBS_PEAK: {
        if (k >= m->nsessions)
            return MH_ERROR(ctx, MH_ERR_INPUT, "%s:%d: %s: session %d, but the run has %d", t->path, line,
                            key_names[obs_key], g->info.session, m->nsessions);
        if (o->kind == OBS_METRIC) {
            *v = metric_array(m, o->metric)[k];
            return MH_OK;
        }
        const double t0 = m->session_days[k], t1 = k + 1 < m->nsessions ? m->session_days[k + 1] : INFINITY;
        double best = -INFINITY, tbest = NAN;
        for (size_t row = 0; row < s->nt; row++) {
            const double *x = s->data + row * MH_OBS_COUNT;
            if (x[MH_OBS_T] >= t0 && x[MH_OBS_T] < t1 && x[o->col] > best) {
                best = x[o->col];
                tbest = x[MH_OBS_T];
            }
        }
        *v = o->kind == OBS_PEAK ? (isfinite(best) ? best : NAN) : tbest - t0;
        return MH_OK;
    }
    case OBS_VALUE:
    case OBS_GAIN:
    case OBS_INCREMENT: {
        /* per-layer columns are relative to untreated skin (1.0 at day 0), as mh_summary's gains */
        double x = mh_series_at(s, o->col, o->day);
        if (isnan(x))
            return MH_ERROR(ctx, MH_ERR_INPUT, "%s:%d: %s: day %g is outside the run", t->path, line,
                            key_names[obs_key], o->day);
        *v = o->kind == OBS_INCREMENT ? x - 1.0 : x;
        return MH_OK;
    }
    }
    return MH_ERROR(ctx, MH_ERR_STATE, "internal: observable kind %d", (int)o->kind);
}

/* A seed assignment applied last to a scenario (scenario_config), and its origin for messages. */
typedef struct {
    char set[40];    /* "seed=N" */
    char origin[32]; /* "replicate R" */
} seed_override;

/* Value of the numerator (d = 0) or denominator (d = 1) of target i, with seed's seed (NULL: the scenario's). */
static mh_status evaluate_part(mh_targets *t, int i, const char *const *extra_sets, const seed_override *seed, int d,
                               double *v, const run_entry **run, mh_ctx *ctx)
{
    const target *g = &t->tg[i];
    mh_config *cfg = NULL;
    const run_entry *r = NULL;
    mh_status st = scenario_config(t, i, extra_sets, d == 1, seed != NULL ? seed->set : NULL,
                                   seed != NULL ? seed->origin : NULL, &cfg, ctx);
    if (st == MH_OK)
        st = run_scenario(t, cfg, &r, ctx);
    if (st == MH_OK && v != NULL)
        st = d == 0 ? observe(t, g, &g->obs, K_OBS, r, v, ctx)
                    : observe(t, g, &g->ratio_obs, g->line[K_RATIO_OBS] ? K_RATIO_OBS : K_OBS, r, v, ctx);
    mh_config_destroy(&cfg);
    if (run != NULL)
        *run = r;
    return st;
}

/* Model value of target i (numerator / denominator for a ratio), with seed's seed (NULL: the scenario's). */
static mh_status evaluate_value(mh_targets *t, int i, const char *const *extra_sets, const seed_override *seed,
                                double *model_value, mh_ctx *ctx)
{
    *model_value = NAN;
    if (i < 0 || i >= t->n)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: no target number %d", t->path, i);
    double num = NAN, den = NAN;
    mh_status st = evaluate_part(t, i, extra_sets, seed, 0, &num, NULL, ctx);
    if (st != MH_OK || !t->tg[i].is_ratio) {
        *model_value = num;
        return st;
    }
    st = evaluate_part(t, i, extra_sets, seed, 1, &den, NULL, ctx);
    if (st == MH_OK)
        *model_value = den != 0.0 ? num / den : NAN;
    return st;
}

mh_status mh_targets_evaluate(mh_targets *t, int i, const char *const *extra_sets, double *model_value, mh_ctx *ctx)
{
    return evaluate_value(t, i, extra_sets, NULL, model_value, ctx);
}

mh_status mh_targets_base_seed(const mh_targets *t, int i, const char *const *extra_sets, unsigned long *seed,
                               mh_ctx *ctx)
{
    mh_config *cfg = NULL;
    mh_status st = mh_targets_config(t, i, extra_sets, false, &cfg, ctx);
    *seed = st == MH_OK ? (unsigned long)mh_config_int(cfg, MH_P_SEED) : 0;
    mh_config_destroy(&cfg);
    return st;
}

/* Replicate r of target i with base seed base (mh_ensemble_seed). */
static mh_status evaluate_replicate(mh_targets *t, int i, const char *const *extra_sets, unsigned long base, int r,
                                    double *value, mh_ctx *ctx)
{
    seed_override seed;
    snprintf(seed.set, sizeof seed.set, "seed=%lu", mh_ensemble_seed(base, r));
    snprintf(seed.origin, sizeof seed.origin, "replicate %d", r);
    return evaluate_value(t, i, extra_sets, &seed, value, ctx);
}

mh_status mh_targets_evaluate_replicate(mh_targets *t, int i, const char *const *extra_sets, int r, double *value,
                                        mh_ctx *ctx)
{
    *value = NAN;
    if (r < 0 || r >= MH_ENSEMBLE_MAX)
        return MH_ERROR(ctx, MH_ERR_INPUT, "replicate %d is not in [0, %d)", r, MH_ENSEMBLE_MAX);
    unsigned long base = 0;
    mh_status st = mh_targets_base_seed(t, i, extra_sets, &base, ctx);
    return st == MH_OK ? evaluate_replicate(t, i, extra_sets, base, r, value, ctx) : st;
}

mh_status mh_targets_evaluate_ensemble(mh_targets *t, int i, const char *const *extra_sets, int nrep, double *values,
                                       mh_ensemble_stats *st, mh_ctx *ctx)
{
    *st = (mh_ensemble_stats){nrep, NAN, NAN, NAN, NAN};
    if (nrep < 1 || nrep > MH_ENSEMBLE_MAX)
        return MH_ERROR(ctx, MH_ERR_INPUT, "replicates: %d is not in [1, %d]", nrep, MH_ENSEMBLE_MAX);
    for (int r = 0; r < nrep; r++)
        values[r] = NAN;
    unsigned long base = 0;
    mh_status s = mh_targets_base_seed(t, i, extra_sets, &base, ctx);
    for (int r = 0; s == MH_OK && r < nrep; r++)
        s = evaluate_replicate(t, i, extra_sets, base, r, &values[r], ctx);
    if (s == MH_OK)
        *st = mh_ensemble_stats_of(values, 1, nrep);
    return s;
}

mh_status mh_targets_run(mh_targets *t, int i, const char *const *extra_sets, const mh_series **series,
                         const mh_summary **summary, mh_ctx *ctx)
{
    if (i < 0 || i >= t->n)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: no target number %d", t->path, i);
    const run_entry *r = NULL;
    mh_status st = evaluate_part(t, i, extra_sets, NULL, 0, NULL, &r, ctx);
    if (st == MH_OK) {
        *series = &r->series;
        *summary = &r->summary;
    }
    return st;
}
