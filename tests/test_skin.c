/* test_skin: site presets, layer lookup, age thinning. */
#include "helpers.h"

#include "mh_grid.h"
#include "mh_skin.h"

Test(skin, layer_lookup_follows_thicknesses)
{
    mh_config *cfg = mh_test_config(NULL); /* face: SC 15 um, VE 60 um, dermis 1.0 mm at age 40 */
    mh_skin s;
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_build_skin(cfg, &s, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_skin_layer_at(&s, 0.0), MH_LAYER_SC);
    cr_assert_eq(mh_skin_layer_at(&s, 0.0149), MH_LAYER_SC);
    cr_assert_eq(mh_skin_layer_at(&s, 0.0151), MH_LAYER_VE);
    cr_assert_eq(mh_skin_layer_at(&s, 0.0749), MH_LAYER_VE);
    cr_assert_eq(mh_skin_layer_at(&s, 0.0751), MH_LAYER_PD);
    cr_assert_eq(mh_skin_layer_at(&s, 0.374), MH_LAYER_PD);
    cr_assert_eq(mh_skin_layer_at(&s, 0.376), MH_LAYER_RD);
    cr_assert_eq(mh_skin_layer_at(&s, 1.074), MH_LAYER_RD);
    cr_assert_eq(mh_skin_layer_at(&s, 1.076), MH_LAYER_HD);
    cr_assert_eq(mh_skin_layer_at(&s, 99.0), MH_LAYER_HD);
    cr_assert_float_eq(s.top_mm[MH_LAYER_COUNT], 0.015 + 0.060 + 1.0 + 0.3, 1e-12);
    cr_assert_float_eq(s.vascular[MH_LAYER_VE], 0.0, 0.0);
    cr_assert_float_eq(s.vascular[MH_LAYER_PD], 1.0, 0.0);
    mh_config_destroy(&cfg);
}

Test(skin, every_site_has_a_preset_and_back_is_thicker_than_face)
{
    const char *sites[] = {"face", "forehead", "neck", "scalp", "abdomen", "thigh", "back"};
    double sc, ve, d_face = 0, d_back = 0;
    for (int i = 0; i < 7; i++) {
        double d;
        cr_assert_eq(mh_skin_site_preset(sites[i], &sc, &ve, &d), MH_OK, "%s", sites[i]);
        cr_assert(sc > 5 && sc < 30 && ve > 20 && ve < 150 && d > 0.5 && d < 4, "%s implausible", sites[i]);
        if (i == 0)
            d_face = d;
        if (i == 6)
            d_back = d;
    }
    cr_assert_gt(d_back, d_face);
    cr_assert_eq(mh_skin_site_preset("elbow", &sc, &ve, &d_face), MH_ERR_INPUT);
}

Test(skin, dermis_thins_with_age)
{
    mh_config *young = mh_test_config((const char *const[]){"patient.age_years=20", NULL});
    mh_config *old = mh_test_config((const char *const[]){"patient.age_years=80", NULL});
    mh_skin a, b;
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_build_skin(young, &a, &ctx), MH_OK);
    cr_assert_eq(mh_build_skin(old, &b, &ctx), MH_OK);
    double da = a.thickness_mm[MH_LAYER_PD] + a.thickness_mm[MH_LAYER_RD];
    double db = b.thickness_mm[MH_LAYER_PD] + b.thickness_mm[MH_LAYER_RD];
    /* 6 % per decade about age 40 (Branchet 1990): 1.12 and 0.76 of 1.0 mm */
    cr_assert_float_eq(da, 1.12, 1e-12);
    cr_assert_float_eq(db, 0.76, 1e-12);
    mh_config_destroy(&young);
    mh_config_destroy(&old);
}

Test(skin, grid_profiles_match_layers)
{
    mh_config *cfg = mh_test_config(NULL);
    mh_skin s;
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_build_skin(cfg, &s, &ctx), MH_OK);
    mh_grid *g = NULL;
    cr_assert_eq(mh_build_grid(cfg, &s, 0.8, &ctx, &g), MH_OK, "%s", ctx.msg);
    cr_assert_eq(g->nx, 200);
    cr_assert_eq(g->nz, 138); /* ceil(1.375 mm / 10 um) */
    for (int k = 0; k < g->nz; k++) {
        mh_layer l = mh_skin_layer_at(&s, (k + 0.5) * g->dx_mm);
        cr_assert_eq(g->layer[k], l);
        cr_assert_float_eq(g->dermal[k], (l == MH_LAYER_PD || l == MH_LAYER_RD) ? 1.0 : 0.0, 0.0);
    }
    mh_grid_destroy(&g);
    cr_assert_null(g);
    mh_grid_destroy(&g); /* destroy accepts NULL */
    mh_config_destroy(&cfg);
}
