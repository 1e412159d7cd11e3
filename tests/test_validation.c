/* test_validation: every target of configs/validation/targets.ini lies within its acceptance band, one test
 * per behaviour item of shared/science/README.md (bands come from the literature, stated in the file;
 * item 1 is in test_model.c). Scenarios run at grid.dx_um = 20 (the file's [defaults]). */
#include "helpers.h"

#include <math.h>

#define TARGETS_FILE "configs/validation/targets.ini"

static const char *const tested_items[] = {"2", "3", "4", "5", "6", "7", "8", "9"};

/* Evaluates the targets of one item (one run serves the targets that share a scenario). */
static void check_item(const char *item)
{
    mh_targets *t = mh_test_targets(TARGETS_FILE);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    int n = 0;
    for (int i = 0; i < mh_targets_count(t); i++) {
        const mh_target_info *ti = mh_targets_info(t, i);
        if (strcmp(ti->item, item) != 0)
            continue;
        double v = NAN;
        cr_assert_eq(mh_targets_evaluate(t, i, NULL, &v, &ctx), MH_OK, "%s: %s", ti->name, ctx.msg);
        cr_expect(mh_target_in_band(ti, v), "%s (%s): model %g outside %s%g, %g%s; source: %s", ti->name,
                  ti->observable, v, ti->lo_open ? "(" : "[", ti->band_lo, ti->band_hi, ti->hi_open ? ")" : "]",
                  ti->source);
        n++;
    }
    cr_assert_gt(n, 0, "no target for item %s in %s", item, TARGETS_FILE);
    mh_targets_destroy(&t);
}

Test(validation, item2_channels_close_within_hours, .timeout = 120) { check_item("2"); }
Test(validation, item3_reepithelialised_by_day_5, .timeout = 120) { check_item("3"); }
Test(validation, item4_erythema_hours_to_days, .timeout = 120) { check_item("4"); }
Test(validation, item5_bleeding_only_below_the_epidermis, .timeout = 120) { check_item("5"); }
Test(validation, item6_collagen_III_then_I, .timeout = 120) { check_item("6"); }
Test(validation, item7_lotfi_five_roller_sessions, .timeout = 120) { check_item("7"); }
Test(validation, item8_dose_response, .timeout = 120) { check_item("8"); }
Test(validation, item9_age_and_keloid, .timeout = 120) { check_item("9"); }

/* A target of an item missing from the list above would never be checked. */
Test(validation, every_target_belongs_to_a_tested_item)
{
    mh_targets *t = mh_test_targets(TARGETS_FILE);
    for (int i = 0; i < mh_targets_count(t); i++) {
        const mh_target_info *ti = mh_targets_info(t, i);
        bool found = false;
        for (size_t k = 0; k < sizeof tested_items / sizeof tested_items[0]; k++)
            found = found || strcmp(ti->item, tested_items[k]) == 0;
        cr_expect(found, "%s: item '%s' has no test in test_validation.c", ti->name, ti->item);
        cr_expect(ti->source != NULL && strlen(ti->source) > 10, "%s: no source", ti->name);
    }
    mh_targets_destroy(&t);
}
