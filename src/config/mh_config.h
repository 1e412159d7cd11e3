/* src/config: the parameter table, INI files, rules between keys, and the engine's structs built from them. */
/* mh_config: the parameter table, loading INI files (libinih), --set overrides and validation. */
#ifndef MH_CONFIG_H
#define MH_CONFIG_H

#include "mh_ctx.h"
#include "mh_device.h" /* MH_MAX_SESSIONS */

#include <stdbool.h>
#include <stddef.h>

typedef enum { MH_T_REAL, MH_T_INT, MH_T_BOOL, MH_T_CHOICE, MH_T_LIST } mh_param_type;

#define MH_F_AUTO 1u
#define MH_F_SESSION 2u
#define MH_F_NONE 4u /* a list that may be empty, written "none" */

typedef enum {
#define MH_PARAM(id, key, type, unit, def, lo, hi, flags, help, src) MH_P_##id,
#include "mh_params.def"
#undef MH_PARAM
    MH_P_COUNT
} mh_param_id;

/* One row of the table (read-only, static storage). */
typedef struct {
    const char *key, *unit, *def, *help, *source;
    mh_param_type type;
    double lo, hi;
    unsigned flags;
} mh_param_info;

#define MH_MAX_LIST 64

typedef struct mh_config mh_config;

const mh_param_info *mh_param_table(void);
/* Index of a key or -1. */
int mh_param_find(const char *key);

/* Creates a configuration holding every default. Free with mh_config_destroy. */
mh_status mh_config_create(mh_ctx *ctx, mh_config **out);
void mh_config_destroy(mh_config **cfg);
/* Creates an independent copy of src (every value, origin and session override; the resolved
 * text is not copied). Fails only when memory runs out (*out = NULL). Free with mh_config_destroy. */
mh_status mh_config_clone(const mh_config *src, mh_ctx *ctx, mh_config **out);

/* Reads an INI file. Unknown sections or keys, duplicates, bad values and
 * unreadable files fail with "FILE:LINE: key: what is wrong" in ctx.
 * "include = OTHER.ini" lines at the top of a file (before any key or [section]) read OTHER.ini first,
 * named relative to the including file's folder; the including file's own values then override those,
 * while a key given twice within one file stays an error. Includes nest up to 8 files deep; a cycle, a
 * missing or non-regular file fails with "FILE:LINE: include: OTHER.ini: ...", and an error inside an
 * included file names that file and line, then "(included from FILE:LINE)". Every value's origin names
 * the file and line it came from; the resolved text (mh_config_text) holds the values, not the includes.
 * On failure cfg holds the values read up to the fault. */
mh_status mh_config_load(mh_config *cfg, const char *path, mh_ctx *ctx);
/* Applies "section.key=value" (origin names it in messages, e.g. "--set #2"). */
mh_status mh_config_set(mh_config *cfg, const char *assignment, const char *origin, mh_ctx *ctx);
/* Checks cross-key rules and contraindications after all values are in (mh_rules.c): MH_ERR_INPUT for
 * a contraindication (unless patient.override_contraindications is set; the message says
 * "contraindication: ...") or a broken rule, with "ORIGIN: key: ..." in ctx for the first one found;
 * MH_OK otherwise. */
mh_status mh_config_validate(const mh_config *cfg, mh_ctx *ctx);

/* Accessors. session = 0 is the base; 1..N return that session's override if any. */
double mh_config_real(const mh_config *cfg, mh_param_id id);
double mh_config_real_s(const mh_config *cfg, mh_param_id id, int session);
long mh_config_int(const mh_config *cfg, mh_param_id id);
long mh_config_int_s(const mh_config *cfg, mh_param_id id, int session);
bool mh_config_bool(const mh_config *cfg, mh_param_id id);
const char *mh_config_choice(const mh_config *cfg, mh_param_id id);
const char *mh_config_choice_s(const mh_config *cfg, mh_param_id id, int session);
bool mh_config_is_auto(const mh_config *cfg, mh_param_id id);
bool mh_config_is_auto_s(const mh_config *cfg, mh_param_id id, int session);
/* List values; returns the count and points *vals at internal storage. */
int mh_config_list(const mh_config *cfg, mh_param_id id, const double **vals);
/* "FILE:LINE" (or the origin given to mh_config_set) where a key was set, or "default"; _s: for
 * session s, where its override was set if it has one, else the base's. */
const char *mh_config_origin(const mh_config *cfg, mh_param_id id);
const char *mh_config_origin_s(const mh_config *cfg, mh_param_id id, int session);
/* Of the n keys ids (n >= 1), the first whose value in session s (0: the base) was given rather than
 * left at its default, or ids[0] if none was: the key that a message about a rule between them names,
 * with mh_config_origin_s for where it was given, so that the message points at the user's line. */
mh_param_id mh_config_culprit(const mh_config *cfg, int session, const mh_param_id *ids, int n);

/* Checks for a parameter that a fit or a screening varies: key must name a real-valued parameter
 * (its table row in *id), and in cfg (unless NULL) it must have a value of its own, not 'auto', and
 * no per-session override (which would keep the varied value out of that session). Errors are
 * MH_ERR_INPUT, prefixed with who and the key ("who: key: ..."); where (may be "") is appended
 * to the configuration errors, e.g. " in target x". */
mh_status mh_config_check_varied(const mh_config *cfg, const char *key, const char *who, const char *where, int *id,
                                 mh_ctx *ctx);

/* x with the fewest significant digits (6 to 17) that read back as x ("0.1", not "0.10000000000000001"). */
void mh_config_format_real(char *out, size_t len, double x);
/* The base value of key id as the configuration text writes it ("1.5", "roller", "auto"; a list
 * with ", " between its items, wrapped onto continuation lines when long). */
void mh_config_value_text(const mh_config *cfg, mh_param_id id, char *buf, size_t len);
/* The first session (1..MH_MAX_SESSIONS) with an override of key id, or 0 if none has one. */
int mh_config_override_session(const mh_config *cfg, mh_param_id id);

/* The resolved configuration as INI text (every key, defaults included);
 * a NUL-terminated string owned by cfg, valid until the next change; NULL if memory ran out. */
const char *mh_config_text(mh_config *cfg);

#endif
