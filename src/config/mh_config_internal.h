/* src/config: the parameter table, INI files, rules between keys, and the engine's structs built from them. */
/* mh_config_internal: the configuration's store of values, shared by mh_config.c and mh_rules.c only; config layer. */
#ifndef MH_CONFIG_INTERNAL_H
#define MH_CONFIG_INTERNAL_H

#include "mh_config.h"

#define MH_ORIGIN_LEN 256 /* "FILE:LINE"; a longer path is cut short (in messages only) */
#define MH_CHOICE_LEN 32
#define MH_MAX_OVERRIDES 512

typedef struct {
    bool is_auto;
    double num;                 /* MH_T_REAL, MH_T_INT, MH_T_BOOL */
    char choice[MH_CHOICE_LEN]; /* MH_T_CHOICE */
    int nlist;                  /* MH_T_LIST */
    double list[MH_MAX_LIST];
    char origin[MH_ORIGIN_LEN]; /* "FILE:LINE" or "default" */
} mh_value;

typedef struct {
    int session;
    int id;
    mh_value v;
} mh_override;

struct mh_config {
    mh_value base[MH_P_COUNT];
    mh_override *overrides; /* MH_MAX_OVERRIDES slots */
    int noverrides;
    char *text;
};

#endif
