/* src/config: the parameter table, INI files, rules between keys, and the engine's structs built from them. */
/* mh_config: parameter table, INI loading through libinih, --set overrides and value checks; the rules
 * between keys and the contraindications are in mh_rules.c.
 *
 * Every key lives in mh_params.def (key, type, unit, default, range, help, source).
 * A file and a --set assignment go through the same validator: a value out of
 * range is rejected with "FILE:LINE: section.key: what is wrong", never clamped.
 * Line numbers come from mh_ini (a counting reader handed to ini_parse_stream). */
#include "mh_config.h"

#include "mh_config_internal.h"
#include "mh_ini.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define MH_KEY_LEN 224 /* a key as given (at most 199 characters), with "session.N." or "device." before it */

static const mh_param_info param_table[MH_P_COUNT] = {
#define MH_PARAM(id, key, type, unit, def, lo, hi, flags, help, src) {key, unit, def, help, src, type, lo, hi, flags},
#include "mh_params.def"
#undef MH_PARAM
};

const mh_param_info *mh_param_table(void) { return param_table; }

int mh_param_find(const char *key)
{
    for (int i = 0; i < MH_P_COUNT; i++)
        if (strcmp(param_table[i].key, key) == 0)
            return i;
    return -1;
}

/* ---------- value parsing ---------- */

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    size_t k = 0;
    while (s[k] != '\0' && isspace((unsigned char)s[k]))
        k++;
    if (k > 0)
        memmove(s, s + k, n - k + 1);
}

/* Copies choice number `which` (0 = the default) of a "def|a|b" spec into out; false if absent. */
static bool choice_at(const char *spec, int which, char *out, size_t len)
{
    const char *p = spec;
    for (int i = 0; i < which; i++) {
        p = strchr(p, '|');
        if (p == NULL)
            return false;
        p++;
    }
    size_t n = strcspn(p, "|");
    if (n + 1 > len)
        return false;
    memcpy(out, p, n);
    out[n] = '\0';
    return true;
}

static bool parse_real(const char *s, double *out)
{
    double v;
    if (!mh_ini_number(s, &v) || !isfinite(v))
        return false;
    *out = v;
    return true;
}

/* How many values the list of row info holds: schedule.days one per session, and a simulation has
 * room for MH_MAX_SESSIONS. */
static int list_max(const mh_param_info *info)
{
    return info == &param_table[MH_P_SCHED_DAYS] ? MH_MAX_SESSIONS : MH_MAX_LIST;
}

/* A number of a real or whole-number row (the text trimmed, in buf) into v->num; false with the
 * reason in why. */
static bool parse_number(const mh_param_info *info, const char *buf, mh_value *v, char *why, size_t wlen)
{
    double x;
    if (!parse_real(buf, &x)) {
        snprintf(why, wlen, "'%s' is not a number", buf);
        return false;
    }
    if (info->type == MH_T_INT && x != floor(x)) {
        snprintf(why, wlen, "'%s' is not a whole number", buf);
        return false;
    }
    if (x < info->lo || x > info->hi) {
        snprintf(why, wlen, "%s is out of range [%g, %g] %s", buf, info->lo, info->hi, info->unit);
        return false;
    }
    v->num = x;
    return true;
}

/* A boolean (true/yes/on/1 or false/no/off/0, any case) into v->num; false with the reason in why. */
static bool parse_bool(const char *buf, mh_value *v, char *why, size_t wlen)
{
    static const char *yes[] = {"true", "yes", "on", "1"}, *no[] = {"false", "no", "off", "0"};
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(buf, yes[i]) == 0) {
            v->num = 1;
            return true;
        }
        if (strcasecmp(buf, no[i]) == 0) {
            v->num = 0;
            return true;
        }
    }
    snprintf(why, wlen, "'%s' is not a boolean (true or false)", buf);
    return false;
}

/* One of the row's choices into v->choice; false with the reason in why. */
static bool parse_choice(const mh_param_info *info, const char *buf, mh_value *v, char *why, size_t wlen)
{
    char c[MH_CHOICE_LEN];
    for (int i = 1; choice_at(info->def, i, c, sizeof c); i++) {
        if (strcmp(c, buf) == 0) {
            strcpy(v->choice, c);
            return true;
        }
    }
    snprintf(why, wlen, "'%s' is not one of %s", buf, strchr(info->def, '|') + 1);
    return false;
}

/* A list of numbers in range, strictly increasing, at most list_max, into v->list and v->nlist (buf
 * is cut at its commas); false with the reason in why (v->list may then hold the items read). */
static bool parse_list(const mh_param_info *info, char *buf, mh_value *v, char *why, size_t wlen)
{
    const int max_n = list_max(info);
    int n = 0;
    /* items between commas; an empty one is refused ("1,,2", ", 1": a value left out), except after
     * a last comma ("1, 2," as a list that goes on over the next line may end) */
    for (char *tok = buf;;) {
        char *comma = strchr(tok, ',');
        if (comma != NULL)
            *comma = '\0';
        trim(tok);
        if (tok[0] == '\0' && comma == NULL)
            break;
        if (tok[0] == '\0') {
            snprintf(why, wlen, "empty item (a value left out between commas or before the first)");
            return false;
        }
        double x;
        if (!parse_real(tok, &x)) {
            snprintf(why, wlen, "'%s' is not a number", tok);
            return false;
        }
        if (x < info->lo || x > info->hi) {
            snprintf(why, wlen, "%g is out of range [%g, %g] %s", x, info->lo, info->hi, info->unit);
            return false;
        }
        if (n >= max_n) {
            snprintf(why, wlen, "more than %d values", max_n);
            return false;
        }
        if (n > 0 && x <= v->list[n - 1]) {
            snprintf(why, wlen, "values must increase strictly (%g after %g)", x, v->list[n - 1]);
            return false;
        }
        v->list[n++] = x;
        if (comma == NULL)
            break;
        tok = comma + 1;
    }
    if (n == 0) {
        snprintf(why, wlen, "empty list");
        return false;
    }
    v->nlist = n;
    return true;
}

/* Parses text for row `info` into v; on failure writes the reason into why. */
static bool parse_value(const mh_param_info *info, const char *text, mh_value *v, char *why, size_t wlen)
{
    char buf[1024];
    if (strlen(text) >= sizeof buf) {
        snprintf(why, wlen, "value is too long");
        return false;
    }
    strcpy(buf, text);
    trim(buf);
    v->is_auto = false;
    if (strcmp(buf, "auto") == 0) {
        if (!(info->flags & MH_F_AUTO)) {
            snprintf(why, wlen, "'auto' is not allowed here");
            return false;
        }
        v->is_auto = true;
        v->nlist = 0;
        return true;
    }
    if ((info->flags & MH_F_NONE) && strcmp(buf, "none") == 0) {
        v->nlist = 0;
        return true;
    }
    const bool hash = strchr(buf, '#') != NULL; /* before parse_list cuts buf at its commas */
    bool ok = false;
    switch (info->type) {
    case MH_T_REAL:
    case MH_T_INT:
        ok = parse_number(info, buf, v, why, wlen);
        break;
    case MH_T_BOOL:
        ok = parse_bool(buf, v, why, wlen);
        break;
    case MH_T_CHOICE:
        ok = parse_choice(info, buf, v, why, wlen);
        break;
    case MH_T_LIST:
        ok = parse_list(info, buf, v, why, wlen);
        break;
    default:
        snprintf(why, wlen, "internal: unknown type");
        break;
    }
    /* "12 # twelve": '#' starts a comment only at the start of a line; after a value it is part of it */
    if (!ok && hash) {
        size_t n = strlen(why);
        if (n + 1 < wlen)
            snprintf(why + n, wlen - n, "; a comment after a value starts with ' ;' ('#' only at the start of a line)");
    }
    return ok;
}

/* ---------- create / destroy ---------- */

/* An empty configuration with room for every session override; NULL when memory runs out. */
static mh_config *config_alloc(void)
{
    mh_config *cfg = calloc(1, sizeof *cfg);
    if (cfg != NULL)
        cfg->overrides = calloc(MH_MAX_OVERRIDES, sizeof *cfg->overrides);
    if (cfg != NULL && cfg->overrides == NULL)
        mh_config_destroy(&cfg);
    return cfg;
}

mh_status mh_config_create(mh_ctx *ctx, mh_config **out)
{
    *out = NULL;
    mh_config *cfg = config_alloc();
    if (cfg == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory creating the configuration");
    for (int i = 0; i < MH_P_COUNT; i++) {
        const mh_param_info *info = &param_table[i];
        char why[256], def[MH_CHOICE_LEN];
        const char *text = info->def;
        if (info->type == MH_T_CHOICE) {
            choice_at(info->def, 0, def, sizeof def);
            text = def;
        }
        if (!parse_value(info, text, &cfg->base[i], why, sizeof why)) {
            MH_ERROR(ctx, MH_ERR_STATE, "internal: default of %s: %s", info->key, why);
            mh_config_destroy(&cfg);
            return MH_ERR_STATE;
        }
        strcpy(cfg->base[i].origin, "default");
    }
    *out = cfg;
    return MH_OK;
}

mh_status mh_config_clone(const mh_config *src, mh_ctx *ctx, mh_config **out)
{
    *out = NULL;
    mh_config *cfg = config_alloc();
    if (cfg == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory copying the configuration");
    memcpy(cfg->base, src->base, sizeof cfg->base);
    memcpy(cfg->overrides, src->overrides, (size_t)src->noverrides * sizeof *cfg->overrides);
    cfg->noverrides = src->noverrides;
    *out = cfg;
    return MH_OK;
}

void mh_config_destroy(mh_config **cfg)
{
    if (cfg == NULL || *cfg == NULL)
        return;
    free((*cfg)->overrides);
    free((*cfg)->text);
    free(*cfg);
    *cfg = NULL;
}

/* ---------- assignment ---------- */

#define MH_QUOTE_CHARS 40 /* of a name read from a file that a message quotes */

/* name as a message quotes it: its first MH_QUOTE_CHARS printable characters, "..." where it goes on
 * (an unknown key may be the first line of any file that an include names, a password file's: the
 * message must not hand that file over). out holds MH_QUOTE_CHARS + 4 bytes; returns out. */
static const char *quoted(const char *name, char *out)
{
    size_t n = 0;
    for (; n < MH_QUOTE_CHARS && name[n] != '\0' && isprint((unsigned char)name[n]); n++)
        out[n] = name[n];
    snprintf(out + n, 4, "%s", name[n] != '\0' ? "..." : "");
    return out;
}

static int edit_distance(const char *a, const char *b)
{
    int la = (int)strlen(a), lb = (int)strlen(b);
    if (la > 63 || lb > 63)
        return 99;
    int d[64][64];
    for (int i = 0; i <= la; i++)
        d[i][0] = i;
    for (int j = 0; j <= lb; j++)
        d[0][j] = j;
    for (int i = 1; i <= la; i++)
        for (int j = 1; j <= lb; j++) {
            int c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            int del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
            d[i][j] = c < del ? (c < ins ? c : ins) : (del < ins ? del : ins);
        }
    return d[la][lb];
}

static void suggest(const char *key, char *out, size_t len)
{
    int best = 4, bi = -1;
    for (int i = 0; i < MH_P_COUNT; i++) {
        int dd = edit_distance(key, param_table[i].key);
        if (dd < best) {
            best = dd;
            bi = i;
        }
    }
    if (bi >= 0)
        snprintf(out, len, " (did you mean %s?)", param_table[bi].key);
    else
        out[0] = '\0';
}

/* The table row of key (session > 0: a device key of [session.N] or session.N.key), or -1; its name
 * for messages ("section.key" or "session.N.key") into name. */
static int key_row(int session, const char *key, char *name, size_t len)
{
    char full[MH_KEY_LEN];
    snprintf(full, sizeof full, "%s%s", session > 0 ? "device." : "", key);
    if (session > 0)
        snprintf(name, len, "session.%d.%s", session, key);
    else
        snprintf(name, len, "%s", full);
    return mh_param_find(full);
}

/* Assigns value to key; session 0 = base. where = "FILE:LINE" for messages. seen (NULL for --set): the
 * keys the file being read has given so far, by session; a key it gives twice is refused, and a key
 * given is marked. A value from an earlier file (one this file includes) is overridden. */
static mh_status assign(mh_config *cfg, int session, const char *key, const char *value, const char *where,
                        unsigned char (*seen)[MH_P_COUNT], mh_ctx *ctx)
{
    char keyname[MH_KEY_LEN];
    int id = key_row(session, key, keyname, sizeof keyname);
    if (id < 0) {
        char hint[128], q[MH_QUOTE_CHARS + 4];
        suggest(keyname, hint, sizeof hint);
        if (session > 0)
            return MH_ERROR(ctx, MH_ERR_INPUT, "%s: session.%d.%s: unknown key (a session overrides device keys only)",
                            where, session, quoted(key, q));
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: unknown key%s", where, quoted(key, q), hint);
    }
    const mh_param_info *info = &param_table[id];
    if (session > 0 && !(info->flags & MH_F_SESSION))
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: session.%d.%s: cannot be set per session", where, session, key);

    /* the value to change: the base, a session's override, or a new override (kept only if the value is valid) */
    mh_value *slot = NULL, fresh;
    if (session == 0) {
        slot = &cfg->base[id];
    } else {
        for (int k = 0; k < cfg->noverrides; k++)
            if (cfg->overrides[k].session == session && cfg->overrides[k].id == id)
                slot = &cfg->overrides[k].v;
        if (slot == NULL) {
            if (cfg->noverrides >= MH_MAX_OVERRIDES)
                return MH_ERROR(ctx, MH_ERR_INPUT, "%s: too many session overrides (at most %d)", where,
                                MH_MAX_OVERRIDES);
            memset(&fresh, 0, sizeof fresh);
            strcpy(fresh.origin, "default");
            slot = &fresh;
        }
    }
    if (seen != NULL && seen[session][id])
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: given twice (first at %s)", where, keyname, slot->origin);
    mh_value v = *slot;
    char why[400];
    if (!parse_value(info, value, &v, why, sizeof why))
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: %s", where, keyname, why);
    snprintf(v.origin, sizeof v.origin, "%s", where);
    if (slot == &fresh)
        cfg->overrides[cfg->noverrides++] = (mh_override){session, id, v};
    else
        *slot = v;
    if (seen != NULL)
        seen[session][id] = 1;
    free(cfg->text);
    cfg->text = NULL;
    return MH_OK;
}

/* An indented line after a key, which libinih hands over as more of that key's value (key_line: the
 * key's line): more values of a list; any other value is one line. The values continue the list's
 * rules (numbers in range, strictly increasing, at most list_max). */
static mh_status continue_list(mh_config *cfg, int session, const char *key, const char *value, const char *where,
                               int key_line, mh_ctx *ctx)
{
    char keyname[MH_KEY_LEN];
    int id = key_row(session, key, keyname, sizeof keyname);
    const mh_param_info *info = id >= 0 ? &param_table[id] : NULL;
    if (info == NULL || info->type != MH_T_LIST || session > 0)
        return MH_ERROR(ctx, MH_ERR_INPUT,
                        "%s: %s: an indented line continues the value of line %d, and only a list goes on over "
                        "several lines (remove the indentation)",
                        where, keyname, key_line);
    mh_value *v = &cfg->base[id], more = *v;
    char why[400];
    if (v->is_auto)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: 'auto' (line %d) takes no more values", where, keyname, key_line);
    if (!parse_value(info, value, &more, why, sizeof why))
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: %s", where, keyname, why);
    if (more.is_auto)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: 'auto' cannot continue a list", where, keyname);
    if (v->nlist + more.nlist > list_max(info))
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: more than %d values", where, keyname, list_max(info));
    if (more.list[0] <= v->list[v->nlist - 1])
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: values must increase strictly (%g after %g)", where, keyname,
                        more.list[0], v->list[v->nlist - 1]);
    memcpy(v->list + v->nlist, more.list, (size_t)more.nlist * sizeof *v->list);
    v->nlist += more.nlist;
    free(cfg->text);
    cfg->text = NULL;
    return MH_OK;
}

/* Splits "session.N.key" into N and key; returns 0 when not a session key, -1 when malformed. */
static int session_of(const char *section, const char **rest)
{
    if (strncmp(section, "session.", 8) != 0)
        return 0;
    const char *p = section + 8;
    if (!isdigit((unsigned char)*p)) /* strtol would also take " 2", "+2" */
        return -1;
    char *end = NULL;
    long n = strtol(p, &end, 10);
    if (end == p || n < 1 || n > MH_MAX_SESSIONS)
        return -1;
    if (rest != NULL)
        *rest = (*end == '.') ? end + 1 : end;
    return (int)n;
}

/* ---------- INI loading ---------- */

#define MH_INCLUDE_DEPTH 8 /* files in one chain of includes, the first one counted */

/* A file being read: what the key handler needs. A file that includes another reads it with a fresh
 * record whose parent is its own, so the chain of includers is there for cycles and messages. */
typedef struct mh_loading {
    mh_config *cfg;
    const struct mh_loading *parent; /* the file that includes this one; NULL for the file given */
    const char *path;                /* as opened: an included file resolved against its includer's folder */
    bool known;                      /* dev, ino hold the file's identity (stat succeeded) */
    dev_t dev;
    ino_t ino;
    int depth;                                           /* 1 for the file given */
    int first_key_line;                                  /* line of the file's first key, 0 before it */
    unsigned char seen[MH_MAX_SESSIONS + 1][MH_P_COUNT]; /* keys the file has given, by session */
} mh_loading;

static mh_status config_key(void *user, const char *section, const char *name, const char *value, const mh_ini_pos *pos,
                            mh_ctx *ctx);

/* A record for reading path (not copied: it must outlive the record); NULL when memory runs out. */
static mh_loading *loading_create(mh_config *cfg, const mh_loading *parent, const char *path)
{
    mh_loading *ld = calloc(1, sizeof *ld);
    if (ld == NULL)
        return NULL;
    ld->cfg = cfg;
    ld->parent = parent;
    ld->path = path;
    ld->depth = parent != NULL ? parent->depth + 1 : 1;
    struct stat sb;
    if (stat(path, &sb) == 0) {
        ld->known = true;
        ld->dev = sb.st_dev;
        ld->ino = sb.st_ino;
    }
    return ld;
}

/* "include = FILE" at the top of the file of ld (where: "FILE:LINE"): reads FILE, named relative to
 * the including file's folder, into the configuration, as a file of its own (its keys may be given
 * again by the including file, which overrides them). Refused after the file's first key, deeper than
 * MH_INCLUDE_DEPTH files, for a file that is not a regular file, and for a file already in the chain
 * of includers (a cycle). An error inside FILE names FILE and its line, then "(included from where)". */
static mh_status include_file(mh_loading *ld, const char *value, const char *where, mh_ctx *ctx)
{
    char rel[MH_KEY_LEN];
    snprintf(rel, sizeof rel, "%s", value); /* a value holds at most 197 characters (one line) */
    trim(rel);
    if (rel[0] == '\0')
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: include: no file named", where);
    if (ld->first_key_line > 0)
        return MH_ERROR(ctx, MH_ERR_INPUT,
                        "%s: include: %s: must come before the file's own keys (line %d gives one), so that "
                        "they override what it includes",
                        where, rel, ld->first_key_line);
    if (ld->depth >= MH_INCLUDE_DEPTH)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: include: %s: includes nested more than %d files deep", where, rel,
                        MH_INCLUDE_DEPTH);
    char *path = mh_ini_resolve(ld->path, rel);
    if (path == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "%s: include: out of memory", where);
    mh_status st = MH_OK;
    mh_loading *child = NULL;
    struct stat sb;
    if (stat(path, &sb) != 0) {
        st = MH_ERROR(ctx, MH_ERR_INPUT, "%s: include: %s: %s", where, rel, strerror(errno));
    } else if (!S_ISREG(sb.st_mode)) {
        st = MH_ERROR(ctx, MH_ERR_INPUT, "%s: include: %s: not a regular file", where, rel);
    } else {
        const mh_loading *chain[MH_INCLUDE_DEPTH];
        int n = 0;
        bool cycle = false;
        for (const mh_loading *p = ld; p != NULL && n < MH_INCLUDE_DEPTH; p = p->parent) {
            chain[n++] = p;
            cycle |= p->known && p->dev == sb.st_dev && p->ino == sb.st_ino;
        }
        if (cycle) {
            char files[MH_MSG_LEN] = "";
            size_t used = 0;
            for (int i = n - 1; i >= 0 && used < sizeof files; i--)
                used += (size_t)snprintf(files + used, sizeof files - used, "%s -> ", chain[i]->path);
            st = MH_ERROR(ctx, MH_ERR_INPUT, "%s: include: %s: include cycle (%s%s)", where, rel, files, path);
        } else if ((child = loading_create(ld->cfg, ld, path)) == NULL) {
            st = MH_ERROR(ctx, MH_ERR_NOMEM, "%s: include: out of memory", where);
        } else if ((st = mh_ini_parse(path, "configuration", config_key, child, ctx)) != MH_OK) {
            const size_t used = strlen(ctx->msg); /* say which line brought the file in */
            snprintf(ctx->msg + used, sizeof ctx->msg - used, " (included from %s)", where);
        }
    }
    free(child);
    free(path);
    return st;
}

static mh_status config_key(void *user, const char *section, const char *name, const char *value, const mh_ini_pos *pos,
                            mh_ctx *ctx)
{
    mh_loading *ld = user;
    mh_config *cfg = ld->cfg;
    char where[MH_ORIGIN_LEN];
    snprintf(where, sizeof where, "%s:%d", pos->path, pos->line);
    char q[MH_QUOTE_CHARS + 4];
    if (strcmp(name, "include") == 0) {
        if (section[0] != '\0')
            return MH_ERROR(ctx, MH_ERR_INPUT,
                            "%s: %s.include: include stands at the top of the file, before any [section]", where,
                            quoted(section, q));
        if (pos->continues > 0)
            return MH_ERROR(ctx, MH_ERR_INPUT,
                            "%s: include: an indented line continues the include of line %d; an include names one "
                            "file (remove the indentation, or give another include line)",
                            where, pos->continues);
        return include_file(ld, value, where, ctx);
    }
    const bool first = ld->first_key_line == 0;
    if (first)
        ld->first_key_line = pos->line;
    const char *rest = NULL;
    int session = session_of(section, &rest);
    if (session < 0 || (session > 0 && *rest != '\0'))
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: [%s]: bad session section (use [session.N], N = 1..%d)", where,
                        quoted(section, q), MH_MAX_SESSIONS);
    char key[200];
    if (session > 0)
        snprintf(key, sizeof key, "%s", name);
    else if (section[0] == '\0')
        snprintf(key, sizeof key, "%s", name);
    else
        snprintf(key, sizeof key, "%s.%s", section, name);
    if (pos->continues > 0)
        return continue_list(cfg, session, key, value, where, pos->continues, ctx);
    char keyname[MH_KEY_LEN];
    if (first && ld->parent != NULL && key_row(session, key, keyname, sizeof keyname) < 0)
        return MH_ERROR(ctx, MH_ERR_INPUT,
                        "%s: %s: unknown key, and the file's first: %s is not a microheal configuration", where,
                        quoted(keyname, q), pos->path);
    return assign(cfg, session, key, value, where, ld->seen, ctx);
}

mh_status mh_config_load(mh_config *cfg, const char *path, mh_ctx *ctx)
{
    mh_loading *ld = loading_create(cfg, NULL, path);
    if (ld == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "%s: out of memory", path);
    mh_status st = mh_ini_parse(path, "configuration", config_key, ld, ctx);
    free(ld);
    return st;
}

mh_status mh_config_set(mh_config *cfg, const char *assignment, const char *origin, mh_ctx *ctx)
{
    const char *eq = strchr(assignment, '=');
    if (eq == NULL || eq == assignment)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: '%s': expected section.key=value", origin, assignment);
    char key[200];
    size_t n = (size_t)(eq - assignment);
    if (n >= sizeof key)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: key is too long", origin);
    memcpy(key, assignment, n);
    key[n] = '\0';
    trim(key);
    const char *rest = NULL;
    int session = session_of(key, &rest);
    if (session < 0 || (session > 0 && *rest == '\0'))
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: bad session key (use session.N.key)", origin, key);
    if (strcmp(key, "include") == 0)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: include: only a configuration file includes another (at its top)",
                        origin);
    return assign(cfg, session, session > 0 ? rest : key, eq + 1, origin, NULL, ctx);
}

/* ---------- accessors ---------- */

static const mh_value *value_s(const mh_config *cfg, mh_param_id id, int session)
{
    if (session > 0)
        for (int k = 0; k < cfg->noverrides; k++)
            if (cfg->overrides[k].session == session && cfg->overrides[k].id == (int)id)
                return &cfg->overrides[k].v;
    return &cfg->base[id];
}

double mh_config_real(const mh_config *cfg, mh_param_id id) { return cfg->base[id].num; }
double mh_config_real_s(const mh_config *cfg, mh_param_id id, int s) { return value_s(cfg, id, s)->num; }
long mh_config_int(const mh_config *cfg, mh_param_id id) { return (long)cfg->base[id].num; }
long mh_config_int_s(const mh_config *cfg, mh_param_id id, int s) { return (long)value_s(cfg, id, s)->num; }
bool mh_config_bool(const mh_config *cfg, mh_param_id id) { return cfg->base[id].num != 0; }
const char *mh_config_choice(const mh_config *cfg, mh_param_id id) { return cfg->base[id].choice; }
const char *mh_config_choice_s(const mh_config *cfg, mh_param_id id, int s) { return value_s(cfg, id, s)->choice; }
bool mh_config_is_auto(const mh_config *cfg, mh_param_id id) { return cfg->base[id].is_auto; }
bool mh_config_is_auto_s(const mh_config *cfg, mh_param_id id, int s) { return value_s(cfg, id, s)->is_auto; }
const char *mh_config_origin(const mh_config *cfg, mh_param_id id) { return cfg->base[id].origin; }
const char *mh_config_origin_s(const mh_config *cfg, mh_param_id id, int s) { return value_s(cfg, id, s)->origin; }

mh_param_id mh_config_culprit(const mh_config *cfg, int session, const mh_param_id *ids, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(mh_config_origin_s(cfg, ids[i], session), "default") != 0)
            return ids[i];
    return ids[0];
}

int mh_config_list(const mh_config *cfg, mh_param_id id, const double **vals)
{
    *vals = cfg->base[id].list;
    return cfg->base[id].is_auto ? 0 : cfg->base[id].nlist;
}

/* ---------- validation ---------- */

mh_status mh_config_check_varied(const mh_config *cfg, const char *key, const char *who, const char *where, int *id,
                                 mh_ctx *ctx)
{
    *id = mh_param_find(key);
    if (*id < 0)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: unknown parameter", who, key);
    const mh_param_info *info = &mh_param_table()[*id];
    if (info->type != MH_T_REAL)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: not a real-valued parameter (only real keys can be varied)", who,
                        key);
    if (cfg == NULL)
        return MH_OK;
    const mh_param_id p = (mh_param_id)*id;
    if (mh_config_is_auto(cfg, p))
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s: is 'auto'%s; give it a value (--set)", who, key, where);
    if (info->flags & MH_F_SESSION)
        for (int s = 1; s <= MH_MAX_SESSIONS; s++)
            if (mh_config_real_s(cfg, p, s) != mh_config_real(cfg, p) || mh_config_is_auto_s(cfg, p, s))
                return MH_ERROR(ctx, MH_ERR_INPUT,
                                "%s: %s: overridden in [session.%d]%s; the varied value would not reach that "
                                "session",
                                who, key, s, where);
    return MH_OK;
}

/* ---------- resolved text ---------- */

void mh_config_format_real(char *out, size_t len, double x)
{
    for (int prec = 6; prec <= 17; prec++) {
        snprintf(out, len, "%.*g", prec, x);
        if (strtod(out, NULL) == x)
            return;
    }
}

/* A list in the resolved text goes on over indented lines (which the loader reads back as more of
 * it) rather than pass this width; the loader's lines hold at most 197 characters. */
#define MH_TEXT_WIDTH 100

/* Writes v as text; col: the column where it starts (for wrapping a list). */
static size_t fmt_value(const mh_param_info *info, const mh_value *v, size_t col, char *out, size_t len)
{
    if (v->is_auto)
        return (size_t)snprintf(out, len, "auto");
    switch (info->type) {
    case MH_T_BOOL:
        return (size_t)snprintf(out, len, "%s", v->num != 0 ? "true" : "false");
    case MH_T_CHOICE:
        return (size_t)snprintf(out, len, "%s", v->choice);
    case MH_T_LIST: {
        if (v->nlist == 0)
            return (size_t)snprintf(out, len, "none");
        size_t used = 0;
        out[0] = '\0';
        for (int i = 0; i < v->nlist && used + 32 < len; i++) {
            char num[40];
            mh_config_format_real(num, sizeof num, v->list[i]);
            const bool wrap = i > 0 && col + 2 + strlen(num) > MH_TEXT_WIDTH;
            int n = snprintf(out + used, len - used, "%s%s", i == 0 ? "" : wrap ? "\n    " : ", ", num);
            used += (size_t)n;
            col = wrap ? 4 + strlen(num) : col + (size_t)n;
        }
        return used;
    }
    default:
        mh_config_format_real(out, len, v->num);
        return strlen(out);
    }
}

void mh_config_value_text(const mh_config *cfg, mh_param_id id, char *buf, size_t len)
{
    fmt_value(&param_table[id], &cfg->base[id], 0, buf, len);
}

int mh_config_override_session(const mh_config *cfg, mh_param_id id)
{
    int first = 0;
    for (int k = 0; k < cfg->noverrides; k++)
        if (cfg->overrides[k].id == (int)id && (first == 0 || cfg->overrides[k].session < first))
            first = cfg->overrides[k].session;
    return first;
}

typedef struct {
    char *t;
    size_t used, cap;
} mh_text;

/* Appends formatted text, growing the buffer; false (buffer freed) when memory runs out. */
static bool text_appendf(mh_text *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool text_appendf(mh_text *x, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(x->t + x->used, x->cap - x->used, fmt, ap);
        va_end(ap);
        if (n < 0)
            break;
        if ((size_t)n < x->cap - x->used) {
            x->used += (size_t)n;
            return true;
        }
        char *nt = realloc(x->t, 2 * x->cap + (size_t)n);
        if (nt == NULL)
            break;
        x->t = nt;
        x->cap = 2 * x->cap + (size_t)n;
    }
    free(x->t);
    x->t = NULL;
    return false;
}

const char *mh_config_text(mh_config *cfg)
{
    if (cfg->text != NULL)
        return cfg->text;
    mh_text x = {malloc(16384), 0, 16384};
    if (x.t == NULL || !text_appendf(&x, "; microheal resolved configuration (every key)\n"))
        return NULL;
    char prev[64] = "";
    for (int i = 0; i < MH_P_COUNT; i++) {
        const mh_param_info *info = &param_table[i];
        const char *dot = strchr(info->key, '.');
        char sec[64] = "";
        if (dot != NULL)
            snprintf(sec, sizeof sec, "%.*s", (int)(dot - info->key), info->key);
        if (strcmp(sec, prev) != 0) {
            if (!text_appendf(&x, "\n[%s]\n", sec))
                return NULL;
            strcpy(prev, sec);
        }
        char val[MH_MAX_LIST * 28];
        const char *name = dot ? dot + 1 : info->key;
        fmt_value(info, &cfg->base[i], strlen(name) + 3, val, sizeof val);
        if (!text_appendf(&x, "%s = %s ; %s\n", name, val, info->unit))
            return NULL;
    }
    for (int s = 1; s <= MH_MAX_SESSIONS; s++) {
        bool header = false;
        for (int k = 0; k < cfg->noverrides; k++) {
            if (cfg->overrides[k].session != s)
                continue;
            if (!header && !text_appendf(&x, "\n[session.%d]\n", s))
                return NULL;
            header = true;
            const mh_param_info *info = &param_table[cfg->overrides[k].id];
            char val[MH_MAX_LIST * 28];
            fmt_value(info, &cfg->overrides[k].v, 0, val, sizeof val);
            if (!text_appendf(&x, "%s = %s\n", strchr(info->key, '.') + 1, val))
                return NULL;
        }
    }
    cfg->text = x.t;
    return x.t;
}
