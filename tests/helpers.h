/* helpers.h: small utilities shared by the test files (temporary configs, building sims). */
#ifndef MH_TEST_HELPERS_H
#define MH_TEST_HELPERS_H

#include "mh_config.h"
#include "mh_sim.h"
#include "mh_targets.h"

#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Writes text to a fresh temporary .ini file; returns its malloc'ed path. */
static inline char *mh_test_write_ini(const char *text)
{
    char *path = strdup("/tmp/mh_test_XXXXXX");
    int fd = mkstemp(path);
    cr_assert(fd >= 0, "mkstemps failed");
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

/* Loads configs/default.ini, then applies each "key=value" of sets (NULL-terminated). */
static inline mh_config *mh_test_config(const char *const *sets)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_config *cfg = NULL;
    cr_assert_eq(mh_config_create(&ctx, &cfg), MH_OK);
    cr_assert_eq(mh_config_load(cfg, "configs/default.ini", &ctx), MH_OK, "%s", ctx.msg);
    for (int i = 0; sets != NULL && sets[i] != NULL; i++)
        cr_assert_eq(mh_config_set(cfg, sets[i], "test", &ctx), MH_OK, "%s", ctx.msg);
    return cfg;
}

/* Runs a simulation of cfg to the end (no output sink); caller destroys. */
static inline mh_sim *mh_test_run(const mh_config *cfg)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_sim *sim = NULL;
    cr_assert_eq(mh_sim_create(cfg, &ctx, &sim), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_sim_run(sim, NULL, &ctx), MH_OK, "%s", ctx.msg);
    return sim;
}

/* Runs default.ini with overrides and returns the summary copied out (gains and session-1 metrics). */
typedef struct {
    double closure_h, erythema_days, erythema_peak_h, reepi_days, bleeding;
    double gain[MH_OL_COUNT][MH_OQ_COUNT][MH_GAIN_DAYS + 1];
} mh_test_outcome;

static inline mh_test_outcome mh_test_outcome_of(const char *const *sets)
{
    mh_config *cfg = mh_test_config(sets);
    mh_sim *sim = mh_test_run(cfg);
    const mh_summary *m = mh_sim_summary(sim);
    mh_test_outcome o;
    o.closure_h = m->closure_hours[0];
    o.erythema_days = m->erythema_days[0];
    o.erythema_peak_h = m->erythema_peak_hours[0];
    o.reepi_days = m->reepithelialized_days[0];
    o.bleeding = m->bleeding[0];
    memcpy(o.gain, m->gain, sizeof o.gain);
    mh_sim_destroy(&sim);
    mh_config_destroy(&cfg);
    return o;
}

/* Loads a targets file, asserting success; caller destroys. */
static inline mh_targets *mh_test_targets(const char *path)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_targets *t = NULL;
    cr_assert_eq(mh_targets_load(path, &ctx, &t), MH_OK, "%s", ctx.msg);
    return t;
}

#endif
