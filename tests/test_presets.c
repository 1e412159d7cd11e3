/* test_presets: the device presets (configs/devices) and indication presets (configs/indications):
 * every file loads, validates and builds a simulation (mh_build_sim, as `microheal check` does before
 * it probes the first step); every value carries a comment (its source); every indication
 * includes a device preset and runs; the published protocol facts they encode hold; papers/presets.md
 * and the README list them. The directories are read, so a new preset is tested without a change here. */
#include "helpers.h"

#include <dirent.h>

#define DEVICES "configs/devices"
#define INDICATIONS "configs/indications"
#define MAX_PRESETS 64

typedef struct {
    char path[MAX_PRESETS][256];
    int n;
} preset_list;

static int by_name(const void *a, const void *b) { return strcmp(a, b); }

/* The .ini files of dir, sorted by name. */
static preset_list list_presets(const char *dir)
{
    preset_list l = {.n = 0};
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "no %s", dir);
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < 5 || strcmp(e->d_name + len - 4, ".ini") != 0)
            continue;
        cr_assert(l.n < MAX_PRESETS);
        snprintf(l.path[l.n++], sizeof l.path[0], "%s/%s", dir, e->d_name);
    }
    closedir(d);
    qsort(l.path, (size_t)l.n, sizeof l.path[0], by_name);
    return l;
}

static mh_config *load_preset(const char *path)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_config *cfg = NULL;
    cr_assert_eq(mh_config_create(&ctx, &cfg), MH_OK);
    cr_assert_eq(mh_config_load(cfg, path, &ctx), MH_OK, "%s", ctx.msg);
    return cfg;
}

/* Whether key id (the base value) was given in the file at path (its origin is "path:LINE"). */
static bool given_in(const mh_config *cfg, mh_param_id id, const char *path)
{
    const char *o = mh_config_origin(cfg, id);
    size_t n = strlen(path);
    return strncmp(o, path, n) == 0 && o[n] == ':';
}

/* The simulation of cfg, created (which validates), loaded from path; caller destroys. */
static mh_sim *create_sim(const mh_config *cfg, const char *path)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_sim *sim = NULL;
    cr_assert_eq(mh_build_sim(cfg, &ctx, &sim), MH_OK, "%s: %s", path, ctx.msg);
    return sim;
}

/* Loads, validates and builds the simulation of (mh_build_sim) every preset of dir; at least min of them. */
static void check_all(const char *dir, int min, bool device)
{
    preset_list l = list_presets(dir);
    cr_assert(l.n >= min, "%s holds %d presets, expected at least %d", dir, l.n, min);
    for (int i = 0; i < l.n; i++) {
        mh_config *cfg = load_preset(l.path[i]);
        mh_sim *sim = create_sim(cfg, l.path[i]);
        mh_sim_destroy(&sim);
        const char *type_origin = mh_config_origin(cfg, MH_P_DEV_TYPE);
        if (device) /* a device preset sets [device] keys only, and the type */
            for (int k = 0; k < MH_P_COUNT; k++)
                cr_assert(!given_in(cfg, (mh_param_id)k, l.path[i]) ||
                              strncmp(mh_param_table()[k].key, "device.", 7) == 0,
                          "%s sets %s, not a device key", l.path[i], mh_param_table()[k].key);
        cr_assert(strncmp(type_origin, DEVICES "/", strlen(DEVICES) + 1) == 0,
                  "%s: device.type comes from %s, not from a device preset", l.path[i], type_origin);
        mh_config_destroy(&cfg);
    }
}

Test(presets, every_device_preset_loads_validates_and_sets_up) { check_all(DEVICES, 5, true); }

Test(presets, every_indication_includes_a_device_preset_and_sets_up) { check_all(INDICATIONS, 9, false); }

/* Every "key = value" line carries a comment, inline or on the comment lines right above it: its source,
 * or ASSUMPTION, or what it is for. */
static void check_comments(const char *dir)
{
    preset_list l = list_presets(dir);
    for (int i = 0; i < l.n; i++) {
        FILE *f = fopen(l.path[i], "r");
        cr_assert_not_null(f);
        char line[512];
        bool comment_above = false;
        for (int no = 1; fgets(line, sizeof line, f) != NULL; no++) {
            const bool comment = line[0] == ';' || line[0] == '#';
            const bool key = !comment && line[0] != '[' && strchr(line, '=') != NULL;
            cr_assert(!key || comment_above || strstr(line, " ;") != NULL, "%s:%d: a value without a comment: %s",
                      l.path[i], no, line);
            comment_above = comment;
        }
        fclose(f);
    }
}

Test(presets, every_value_carries_a_comment)
{
    check_comments(DEVICES);
    check_comments(INDICATIONS);
}

/* Each indication runs its whole schedule and one day past its last session on a coarse grid (40 um;
 * the preset's own grid takes minutes): it must set up and run without a numerical fault. */
Test(presets, every_indication_runs_a_short_simulation, .timeout = 600)
{
    preset_list l = list_presets(INDICATIONS);
    for (int i = 0; i < l.n; i++) {
        mh_config *cfg = load_preset(l.path[i]);
        mh_sim *sim = create_sim(cfg, l.path[i]);
        int ns = 0;
        const double *days = mh_sim_session_days(sim, &ns);
        char set[3][64];
        snprintf(set[0], sizeof set[0], "simulation.days=%.17g", days[ns - 1] + 1.0);
        snprintf(set[1], sizeof set[1], "grid.dx_um=40");
        snprintf(set[2], sizeof set[2], "output.snapshot_days=0");
        mh_sim_destroy(&sim);
        mh_ctx ctx;
        mh_ctx_init(&ctx);
        for (int k = 0; k < 3; k++)
            cr_assert_eq(mh_config_set(cfg, set[k], "test", &ctx), MH_OK, "%s: %s", l.path[i], ctx.msg);
        sim = mh_test_run(cfg);
        const mh_summary *m = mh_sim_summary(sim);
        cr_assert_eq(m->nsessions, ns, "%s", l.path[i]);
        for (int s = 0; s < ns; s++)
            cr_assert(isfinite(m->bleeding[s]) && isfinite(m->erythema_peak[s]), "%s: session %d", l.path[i], s + 1);
        cr_assert(isfinite(m->gain[MH_OL_DERMIS][MH_OQ_CT][MH_GAIN_DAYS]), "%s", l.path[i]);
        mh_sim_destroy(&sim);
        mh_config_destroy(&cfg);
    }
}

/* ---- the protocols: what the sources of each preset say (papers/presets.md) ---- */

typedef struct {
    const char *name, *site, *device; /* indication, skin.site, device preset it includes */
    double length_mm;                 /* device.needle_length_mm */
    int sessions;
    double interval_days;
} protocol;

static const protocol protocols[] = {
    {"fine_lines", "face", "pen_12", 1.0, 6, 14},               /* El-Domyati 2015; Mohamed 2018 */
    {"acne_scars_rolling", "face", "roller_192", 1.5, 2, 28},   /* Fabbrocini 2009; Kaftan 2015; Harris 2015 */
    {"acne_scars_boxcar", "face", "pen_12", 2.0, 6, 14},        /* El-Domyati 2015 (depth: ASSUMPTION) */
    {"stretch_marks_abdomen", "abdomen", "pen_36", 2.0, 5, 30}, /* Naspolini 2019 (depth: ASSUMPTION) */
    {"stretch_marks_thigh", "thigh", "roller_192", 1.5, 3, 28}, /* Park 2012; Nassar 2016; Schwarz 2011 */
    {"hyperpigmentation", "face", "roller_192", 1.5, 2, 30},    /* Lima 2017 */
    {"enlarged_pores", "face", "stamp", 0.5, 3, 28},            /* ASSUMPTION after Kwon 2018 */
    {"scalp_alopecia", "scalp", "roller_192", 1.5, 12, 7},      /* Dhurat 2013; Kumar 2018 */
    {"neck", "neck", "pen_12", 1.0, 4, 28},                     /* Pajak 2022; Ablon 2018 */
};

Test(presets, indications_encode_their_published_protocols)
{
    const int n = (int)(sizeof protocols / sizeof protocols[0]);
    cr_assert_eq(list_presets(INDICATIONS).n, n, "an indication preset without a row in protocols[] (or gone)");
    for (int i = 0; i < n; i++) {
        const protocol *p = &protocols[i];
        char path[256], device[256];
        snprintf(path, sizeof path, INDICATIONS "/%s.ini", p->name);
        snprintf(device, sizeof device, DEVICES "/%s.ini", p->device);
        mh_config *cfg = load_preset(path);
        cr_assert_str_eq(mh_config_choice(cfg, MH_P_SKIN_SITE), p->site, "%s", p->name);
        cr_assert(given_in(cfg, MH_P_DEV_TYPE, device), "%s does not include %s", p->name, device);
        cr_assert_eq(mh_config_real(cfg, MH_P_DEV_LENGTH), p->length_mm, "%s: needle length", p->name);
        cr_assert_eq(mh_config_int(cfg, MH_P_SCHED_SESSIONS), p->sessions, "%s: sessions", p->name);
        cr_assert_eq(mh_config_real(cfg, MH_P_SCHED_INTERVAL), p->interval_days, "%s: interval", p->name);
        const double *d = NULL;
        cr_assert_eq(mh_config_list(cfg, MH_P_SCHED_DAYS, &d), 0, "%s: explicit days hide the schedule", p->name);
        /* the outcome is seen at least 8 weeks after the last session */
        const double last = (p->sessions - 1) * p->interval_days;
        cr_assert(mh_config_real(cfg, MH_P_SIM_DAYS) >= last + 56,
                  "%s: simulation.days ends before 8 weeks after day %g", p->name, last);
        mh_config_destroy(&cfg);
    }
}

/* Facts across presets that an edit must not lose. */
Test(presets, protocol_facts_hold)
{
    mh_config *scalp = load_preset(INDICATIONS "/scalp_alopecia.ini");
    cr_assert_eq(mh_config_real(scalp, MH_P_SCHED_INTERVAL), 7, "alopecia needling is weekly (Dhurat 2013)");
    cr_assert_eq(mh_config_int(scalp, MH_P_SCHED_SESSIONS) * 7, 84, "for 12 weeks (Dhurat 2013)");
    mh_config_destroy(&scalp);
    const char *striae[] = {INDICATIONS "/stretch_marks_abdomen.ini", INDICATIONS "/stretch_marks_thigh.ini"};
    for (int i = 0; i < 2; i++) {
        mh_config *c = load_preset(striae[i]);
        cr_assert(mh_config_real(c, MH_P_DEV_LENGTH) >= 1.5, "%s: striae need needles of 1.5 mm or more", striae[i]);
        mh_config_destroy(&c);
    }
    /* boxcar scars are needled deeper than rolling scars, and more often */
    mh_config *rolling = load_preset(INDICATIONS "/acne_scars_rolling.ini");
    mh_config *boxcar = load_preset(INDICATIONS "/acne_scars_boxcar.ini");
    cr_assert_gt(mh_config_real(boxcar, MH_P_DEV_LENGTH), mh_config_real(rolling, MH_P_DEV_LENGTH));
    cr_assert_gt(mh_config_int(boxcar, MH_P_SCHED_SESSIONS), mh_config_int(rolling, MH_P_SCHED_SESSIONS));
    mh_config_destroy(&rolling);
    mh_config_destroy(&boxcar);
    /* the roller: 192 needles of 0.25 mm, 15 passes ~ 250 holes/cm^2 (Schwarz & Laaff 2011; Fernandes 2005) */
    mh_config *roller = load_preset(DEVICES "/roller_192.ini");
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_device dev;
    cr_assert_eq(mh_build_device(roller, 1, &dev, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_eq(dev.type, MH_DEV_ROLLER);
    cr_assert_eq(dev.needles, 192);
    cr_assert_eq(dev.needle_diameter_mm, 0.25);
    cr_assert_float_eq(dev.density_per_cm2, 250.0, 1.0, "15 passes give %g/cm^2", dev.density_per_cm2);
    mh_config_destroy(&roller);
    const struct {
        const char *file;
        mh_device_type type;
        int needles;
    } devices[] = {{DEVICES "/pen_12.ini", MH_DEV_PEN, 12},
                   {DEVICES "/pen_36.ini", MH_DEV_PEN, 36},
                   {DEVICES "/stamp.ini", MH_DEV_STAMP, 36},
                   {DEVICES "/patch.ini", MH_DEV_PATCH, 100}};
    for (int i = 0; i < 4; i++) {
        mh_config *c = load_preset(devices[i].file);
        cr_assert_eq(mh_build_device(c, 1, &dev, &ctx), MH_OK, "%s", ctx.msg);
        cr_assert_eq(dev.type, devices[i].type, "%s", devices[i].file);
        cr_assert_eq(dev.needles, devices[i].needles, "%s", devices[i].file);
        /* each device punctures at a clinical density: ~100 (patch, one application) to 300 per cm^2 */
        cr_assert(dev.density_per_cm2 >= 100 && dev.density_per_cm2 <= 300, "%s: %g/cm^2", devices[i].file,
                  dev.density_per_cm2);
        mh_config_destroy(&c);
    }
    mh_config *patch = load_preset(DEVICES "/patch.ini");
    cr_assert_eq(mh_config_real(patch, MH_P_DEV_LENGTH), 0.65, "the patch's needles (Rouphael 2017)");
    mh_config_destroy(&patch);
}

/* papers/presets.md has a row for every preset, and the README's Presets section names each indication. */
Test(presets, papers_and_readme_list_every_preset)
{
    static char paper[1 << 16], readme[1 << 20];
    const struct {
        const char *file;
        char *text;
        size_t cap;
    } docs[] = {{"papers/presets.md", paper, sizeof paper}, {"README.md", readme, sizeof readme}};
    for (int k = 0; k < 2; k++) {
        FILE *f = fopen(docs[k].file, "r");
        cr_assert_not_null(f, "no %s", docs[k].file);
        size_t n = fread(docs[k].text, 1, docs[k].cap - 1, f);
        docs[k].text[n] = '\0';
        fclose(f);
    }
    const char *dirs[] = {DEVICES, INDICATIONS};
    for (int k = 0; k < 2; k++) {
        preset_list l = list_presets(dirs[k]);
        for (int i = 0; i < l.n; i++) {
            char want[300];
            snprintf(want, sizeof want, "`%s`", l.path[i]);
            cr_assert(strstr(paper, want) != NULL, "papers/presets.md lacks %s", want);
            cr_assert(k == 0 || strstr(readme, want) != NULL, "README.md lacks %s", want);
        }
    }
}

/* The README's way to give an indication another device: a file that includes the indication, then the
 * device (which overrides the indication's device), then sets the depth again. */
Test(presets, an_indication_takes_another_device_by_a_later_include)
{
    char cwd[4096];
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    char text[8400];
    snprintf(text, sizeof text,
             "include = %s/" INDICATIONS "/acne_scars_rolling.ini\ninclude = %s/" DEVICES
             "/pen_36.ini\n[device]\nneedle_length_mm = 1.5\n",
             cwd, cwd);
    char *path = mh_test_write_ini(text);
    mh_config *cfg = load_preset(path);
    cr_assert_str_eq(mh_config_choice(cfg, MH_P_DEV_TYPE), "pen");
    cr_assert_eq(mh_config_int(cfg, MH_P_DEV_NEEDLES), 36);
    cr_assert_eq(mh_config_real(cfg, MH_P_DEV_DENSITY), 250);
    cr_assert_eq(mh_config_real(cfg, MH_P_DEV_LENGTH), 1.5);
    cr_assert_eq(mh_config_int(cfg, MH_P_SCHED_SESSIONS), 2, "the indication's schedule stays");
    cr_assert_str_eq(mh_config_choice(cfg, MH_P_SKIN_SITE), "face");
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_config_validate(cfg, &ctx), MH_OK, "%s", ctx.msg);
    mh_config_destroy(&cfg);
    unlink(path);
    free(path);
}
