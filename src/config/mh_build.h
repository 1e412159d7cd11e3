/* src/config: the parameter table, INI files, rules between keys, and the engine's structs built from them. */
/* mh_build: the one translation of a loaded configuration into the engine's parameter structs.
 *
 * config layer: the engine (src/engine) never sees an mh_config; this module reads every key it
 * needs, turns "auto" into NAN, and checks the rules between keys whose messages must name the key
 * and the file line to change ("FILE:LINE: key: ..."; mh_config_culprit). The engine checks the same
 * physics again on its own, with messages that name its structs' members. */
#ifndef MH_BUILD_H
#define MH_BUILD_H

#include "mh_config.h"
#include "mh_sim.h"

/* Fills *p from cfg after mh_config_validate and the rules of the engine's resolvers (a device's
 * derived density, the dermis's thinning, a channel deeper than the column, the grid's cell count),
 * each reported with the key to change. MH_ERR_INPUT (a contraindication too: mh_config_validate). */
mh_status mh_build_params(const mh_config *cfg, mh_sim_params *p, mh_ctx *ctx);

/* mh_build_params, then mh_sim_create: a simulation of cfg (which need not outlive it). */
mh_status mh_build_sim(const mh_config *cfg, mh_ctx *ctx, mh_sim **out);

/* mh_sim_probe of sim (made from cfg by mh_build_sim), with the message of a run that would stop naming
 * the key to change: MH_OK when the run takes its first step after the first session; MH_ERR_INPUT
 * when it would stop there; other codes as mh_sim_probe. */
mh_status mh_build_probe(const mh_config *cfg, mh_sim *sim, mh_ctx *ctx);

/* The pieces of mh_build_params on their own (for tests and tools): the skin column, the device of
 * session s (1-based), the grid over skin (strip_mm: the strip of a 2-D section), the model's rates
 * with the patient's modifiers (the compound's members 0). Errors as mh_build_params. */
mh_status mh_build_skin(const mh_config *cfg, mh_skin *skin, mh_ctx *ctx);
mh_status mh_build_device(const mh_config *cfg, int session, mh_device *dev, mh_ctx *ctx);
/* The settings of session's device as given (with the skin's insertion mechanics), after validating cfg
 * (mh_config_validate); for a caller that varies them before mh_device_resolve (microheal insert). */
mh_status mh_build_device_params(const mh_config *cfg, int session, mh_device_params *dp, mh_ctx *ctx);
/* Resolves dp (settings of cfg's session, perhaps varied) as mh_build_device does: MH_OK, or the error with
 * the file, line and key of the setting to change. */
mh_status mh_build_device_check(const mh_config *cfg, int session, const mh_device_params *dp, mh_ctx *ctx);
mh_status mh_build_grid(const mh_config *cfg, const mh_skin *skin, double strip_mm, mh_ctx *ctx, mh_grid **out);
void mh_build_model(const mh_config *cfg, mh_model_params *p);

#endif
