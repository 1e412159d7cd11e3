/* test_config: loading, --set, validation messages with FILE:LINE, contraindications, resolved text. */
#include "helpers.h"

#include <errno.h>
#include <sys/stat.h>

/* Loads text, then validates it (set_up: creates the simulation, as `microheal check` does). */
static mh_status load_text_as(const char *text, bool set_up, mh_ctx *ctx, mh_config **cfg, char **path)
{
    mh_ctx_init(ctx);
    cr_assert_eq(mh_config_create(ctx, cfg), MH_OK);
    *path = mh_test_write_ini(text);
    mh_status st = mh_config_load(*cfg, *path, ctx);
    if (st == MH_OK && !set_up)
        st = mh_config_validate(*cfg, ctx);
    if (st == MH_OK && set_up) {
        mh_sim *sim = NULL;
        st = mh_build_sim(*cfg, ctx, &sim);
        mh_sim_destroy(&sim);
    }
    return st;
}

static mh_status load_text(const char *text, mh_ctx *ctx, mh_config **cfg, char **path)
{
    return load_text_as(text, false, ctx, cfg, path);
}

/* ctx's message must start with "PATH:LINE: " and then start. */
static void expect_message(const mh_ctx *ctx, const char *path, int line, const char *start)
{
    char prefix[512];
    snprintf(prefix, sizeof prefix, "%s:%d: %s", path, line, start);
    cr_assert(strncmp(ctx->msg, prefix, strlen(prefix)) == 0, "message '%s' does not start with '%s'", ctx->msg,
              prefix);
}

/* The message must start with "PATH:LINE: KEY:" */
static void expect_error_as(const char *text, bool set_up, int line, const char *key, const char *why)
{
    mh_ctx ctx;
    mh_config *cfg = NULL;
    char *path = NULL;
    mh_status st = load_text_as(text, set_up, &ctx, &cfg, &path);
    cr_assert_neq(st, MH_OK, "accepted: %s", text);
    char start[256];
    snprintf(start, sizeof start, "%s:", key);
    expect_message(&ctx, path, line, start);
    cr_assert(strstr(ctx.msg, why) != NULL, "message '%s' lacks '%s'", ctx.msg, why);
    unlink(path);
    free(path);
    mh_config_destroy(&cfg);
}

static void expect_error(const char *text, int line, const char *key, const char *why)
{
    expect_error_as(text, false, line, key, why);
}

Test(config, defaults_load_and_validate)
{
    mh_config *cfg = mh_test_config(NULL);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_config_validate(cfg, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_float_eq(mh_config_real(cfg, MH_P_DEV_LENGTH), 1.5, 1e-15);
    cr_assert_str_eq(mh_config_choice(cfg, MH_P_SKIN_SITE), "face");
    cr_assert_eq(mh_config_int(cfg, MH_P_SCHED_SESSIONS), 3);
    cr_assert_float_eq(mh_config_real(cfg, MH_P_SCHED_INTERVAL), 28.0, 1e-15);
    mh_config_destroy(&cfg);
}

Test(config, unknown_key_names_file_line_and_suggests)
{
    expect_error("[grid]\ndx_um = 10\n\nwidht_mm = 2\n", 4, "grid.widht_mm", "did you mean grid.width_mm");
}

Test(config, unknown_section) { expect_error("; comment\n[gird]\ndx_um = 10\n", 3, "gird.dx_um", "unknown key"); }

Test(config, bad_values_rejected_not_clamped)
{
    expect_error("[grid]\ndx_um = abc\n", 2, "grid.dx_um", "not a number");
    expect_error("[grid]\ndx_um = 0.5\n", 2, "grid.dx_um", "out of range");
    expect_error("[simulation]\ndims = 2.5\n", 2, "simulation.dims", "not a whole number");
    expect_error("[device]\ntype = laser\n", 2, "device.type", "not one of");
    expect_error("[patient]\nanticoagulants = maybe\n", 2, "patient.anticoagulants", "not a boolean");
    expect_error("[schedule]\ndays = 0, 30, 20\n", 2, "schedule.days", "increase");
    expect_error("[grid]\ndx_um = auto\n", 2, "grid.dx_um", "'auto' is not allowed");
    expect_error("[device]\nneedle_length_mm = nan\n", 2, "device.needle_length_mm", "not a number");
}

/* "12 # twelve": '#' after a value is part of it; the message says how a comment is written (issue 22) */
Test(config, hash_after_a_value_says_how_comments_are_written)
{
    const char *hint = "a comment after a value starts with ' ;'";
    expect_error("[device]\nneedles = 12 # twelve\n", 2, "device.needles", hint);
    expect_error("[device]\ntype = roller # a drum\n", 2, "device.type", hint);
    expect_error("[schedule]\ndays = 0, 30 # monthly\n", 2, "schedule.days", hint);
    expect_error("[patient]\nanticoagulants = yes # on warfarin\n", 2, "patient.anticoagulants", hint);
    /* no '#': no hint */
    mh_ctx ctx;
    mh_config *cfg = NULL;
    char *path = NULL;
    cr_assert_neq(load_text("[device]\nneedles = twelve\n", &ctx, &cfg, &path), MH_OK);
    cr_assert(strstr(ctx.msg, "comment") == NULL, "%s", ctx.msg);
    unlink(path);
    free(path);
    mh_config_destroy(&cfg);
    /* the inline comment that works */
    cr_assert_eq(load_text("[device]\nneedles = 12 ; twelve\n", &ctx, &cfg, &path), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_config_int(cfg, MH_P_DEV_NEEDLES), 12);
    unlink(path);
    free(path);
    mh_config_destroy(&cfg);
}

/* A value left out of a list is refused, not skipped ("0,,14" was read as 0, 14); one comma may end a
 * list. */
Test(config, list_with_an_empty_item_rejected)
{
    expect_error("[schedule]\ndays = 0,, 14\n", 2, "schedule.days", "empty item");
    expect_error("[output]\nsnapshot_days = , 1\n", 2, "output.snapshot_days", "empty item");
    expect_error("[output]\nsnapshot_days = 1, 2,  ,\n", 2, "output.snapshot_days", "empty item");
    expect_error("[output]\nsnapshot_days = ,\n", 2, "output.snapshot_days", "empty item");
    expect_error("[output]\nsnapshot_days =\n", 2, "output.snapshot_days", "empty list");
    mh_config *cfg = mh_test_config((const char *const[]){"output.snapshot_days=1, 2,", NULL});
    const double *v = NULL;
    cr_assert_eq(mh_config_list(cfg, MH_P_OUT_SNAP, &v), 2);
    mh_config_destroy(&cfg);
}

Test(config, duplicate_key_names_first_line)
{
    expect_error("[grid]\ndx_um = 10\ndx_um = 20\n", 3, "grid.dx_um", "given twice");
}

Test(config, syntax_error_has_line)
{
    mh_ctx ctx;
    mh_config *cfg = NULL;
    char *path = NULL;
    cr_assert_neq(load_text("[grid]\ndx_um = 10\nthis line has no equals sign\n", &ctx, &cfg, &path), MH_OK);
    expect_message(&ctx, path, 3, "");
    unlink(path);
    free(path);
    mh_config_destroy(&cfg);
}

Test(config, missing_file)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_config *cfg = NULL;
    cr_assert_eq(mh_config_create(&ctx, &cfg), MH_OK);
    cr_assert_eq(mh_config_load(cfg, "/nonexistent/dir/x.ini", &ctx), MH_ERR_INPUT);
    cr_assert(strstr(ctx.msg, "/nonexistent/dir/x.ini: cannot open: No such file") == ctx.msg, "%s", ctx.msg);
    mh_config_destroy(&cfg);
}

Test(config, set_overrides_and_reports_origin)
{
    mh_config *cfg = mh_test_config(NULL);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_config_set(cfg, "device.needle_length_mm=0.5", "--set #1", &ctx), MH_OK);
    cr_assert_float_eq(mh_config_real(cfg, MH_P_DEV_LENGTH), 0.5, 1e-15);
    cr_assert_eq(mh_config_set(cfg, "grid.dx_um=-3", "--set #2", &ctx), MH_ERR_INPUT);
    cr_assert(strncmp(ctx.msg, "--set #2: grid.dx_um:", 21) == 0, "%s", ctx.msg);
    mh_config_destroy(&cfg);
}

Test(config, session_overrides)
{
    mh_config *cfg = mh_test_config((const char *const[]){"session.2.needle_length_mm=0.5", NULL});
    cr_assert_float_eq(mh_config_real_s(cfg, MH_P_DEV_LENGTH, 1), 1.5, 1e-15);
    cr_assert_float_eq(mh_config_real_s(cfg, MH_P_DEV_LENGTH, 2), 0.5, 1e-15);
    cr_assert_float_eq(mh_config_real_s(cfg, MH_P_DEV_LENGTH, 3), 1.5, 1e-15);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_config_set(cfg, "session.2.dx_um=5", "--set #1", &ctx), MH_ERR_INPUT);
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_config_set(cfg, "session.9.needle_length_mm=1", "--set #2", &ctx), MH_OK);
    cr_assert_eq(mh_config_validate(cfg, &ctx), MH_ERR_INPUT, "a session beyond the schedule must be refused");
    cr_assert(strstr(ctx.msg, "only 3 sessions") != NULL, "%s", ctx.msg);
    mh_config_destroy(&cfg);
    expect_error("[schedule]\nsessions = 2\n[session.1]\nneedle_length_mm = 9\n", 4, "session.1.needle_length_mm",
                 "out of range");
}

Test(config, sessions_must_fit_in_the_run)
{
    expect_error("[simulation]\ndays = 60\n[schedule]\nsessions = 3\ninterval_days = 30\n", 4, "schedule.sessions",
                 "not before simulation.days");
}

Test(config, contraindication_refused_unless_overridden)
{
    expect_error("[patient]\nage_years = 30\ncold_sores = true\n", 3, "patient.cold_sores", "herpes");
    mh_ctx ctx;
    mh_config *cfg = NULL;
    char *path = NULL;
    cr_assert_eq(load_text("[patient]\nchemotherapy = yes\noverride_contraindications = true\n", &ctx, &cfg, &path),
                 MH_OK, "%s", ctx.msg);
    unlink(path);
    free(path);
    mh_config_destroy(&cfg);
}

/* Loads the resolved text of a into a new configuration, which must resolve to the same text. */
static mh_config *reload_resolved(mh_config *a)
{
    char *path = mh_test_write_ini(mh_config_text(a));
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_config *b = NULL;
    cr_assert_eq(mh_config_create(&ctx, &b), MH_OK);
    cr_assert_eq(mh_config_load(b, path, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_str_eq(mh_config_text(a), mh_config_text(b));
    unlink(path);
    free(path);
    return b;
}

Test(config, resolved_text_round_trips)
{
    mh_config *a = mh_test_config(
        (const char *const[]){"device.needle_length_mm=0.7", "schedule.days=0, 14.5", "session.2.pattern=hex", NULL});
    mh_config *b = reload_resolved(a);
    mh_config_destroy(&a);
    mh_config_destroy(&b);
}

Test(config, clone_is_an_independent_copy)
{
    mh_config *a = mh_test_config((const char *const[]){"model.k_D=0.7", "session.2.needle_length_mm=0.5", NULL});
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_config *b = NULL;
    cr_assert_eq(mh_config_clone(a, &ctx, &b), MH_OK);
    cr_assert_str_eq(mh_config_text(a), mh_config_text(b));
    cr_assert_str_eq(mh_config_origin(b, MH_P_M_K_D), "test");
    cr_assert_float_eq(mh_config_real_s(b, MH_P_DEV_LENGTH, 2), 0.5, 1e-15);
    /* changing the copy leaves the original as it was, and the other way round */
    cr_assert_eq(mh_config_set(b, "model.k_D=0.9", "copy", &ctx), MH_OK);
    cr_assert_eq(mh_config_set(a, "session.2.needle_length_mm=0.8", "original", &ctx), MH_OK);
    cr_assert_eq(mh_config_real(a, MH_P_M_K_D), 0.7);
    cr_assert_eq(mh_config_real_s(b, MH_P_DEV_LENGTH, 2), 0.5);
    cr_assert_str_neq(mh_config_text(a), mh_config_text(b));
    mh_config_destroy(&a);
    mh_config_destroy(&b);
    cr_assert_null(b);
}

/* Creating a configuration parses every default through the validator, so a default outside its
 * own range fails here; every row must also carry a unit, a help text and a source ("-" if none). */
Test(config, every_default_is_inside_its_range)
{
    const mh_param_info *t = mh_param_table();
    mh_config *cfg = NULL;
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_config_create(&ctx, &cfg), MH_OK, "%s", ctx.msg);
    for (int i = 0; i < MH_P_COUNT; i++) {
        cr_assert(t[i].unit[0] != '\0' && t[i].help[0] != '\0' && t[i].source[0] != '\0', "%s lacks docs", t[i].key);
        cr_assert_eq(mh_param_find(t[i].key), i);
    }
    mh_config_destroy(&cfg);
}

/* The README's configuration reference must name every key of the table. */
Test(config, readme_documents_every_key)
{
    FILE *f = fopen("README.md", "r");
    cr_assert_not_null(f);
    static char text[1 << 20];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    const mh_param_info *t = mh_param_table();
    for (int i = 0; i < MH_P_COUNT; i++) {
        char want[128];
        snprintf(want, sizeof want, "| `%s` |", t[i].key);
        cr_assert(strstr(text, want) != NULL, "README.md lacks %s", t[i].key);
    }
}

/* A rejected value leaves the configuration as it was: a per-session override that failed to parse
 * is not kept (it was, zeroed: session 2 got device type "" and 0 mm needles). Found by make fuzz. */
Test(config, rejected_session_override_leaves_no_trace)
{
    mh_config *cfg = mh_test_config(NULL);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_config_set(cfg, "session.2.type=laser", "--set #1", &ctx), MH_ERR_INPUT);
    cr_assert_eq(mh_config_set(cfg, "session.2.needle_length_mm=9", "--set #2", &ctx), MH_ERR_INPUT);
    cr_assert_str_eq(mh_config_choice_s(cfg, MH_P_DEV_TYPE, 2), "pen");
    cr_assert_float_eq(mh_config_real_s(cfg, MH_P_DEV_LENGTH, 2), 1.5, 1e-15);
    mh_config *copy = NULL;
    cr_assert_eq(mh_config_clone(cfg, &ctx, &copy), MH_OK);
    cr_assert_null(strstr(mh_config_text(copy), "[session.2]"), "%s", mh_config_text(copy));
    mh_config_destroy(&copy);
    mh_config_destroy(&cfg);
}

/* A rule between keys names the first of them that was given, at its line, not one left at its
 * default ("default: schedule.sessions: ..." when simulation.days was the value given). Found by make fuzz. */
Test(config, rule_between_keys_names_the_line_given)
{
    expect_error("[simulation]\ndays = 30\n", 2, "simulation.days", "not before simulation.days = 30");
    expect_error("[model]\nage_old_years = 20\n", 2, "model.age_old_years", "must be below");
    /* the rules mh_sim_create checks: derived density, needle depth (a session's own line), grid size,
     * dermal thinning */
    expect_error_as("[device]\npasses = 100\n", true, 2, "device.passes", "punctures/cm^2");
    expect_error_as("[schedule]\nsessions = 2\n[session.2]\nneedle_length_mm = 5\n", true, 4, "device.needle_length_mm",
                    "session 2 reaches");
    expect_error_as("[simulation]\ndims = 3\n[grid]\nwidth_mm = 50\nlength_mm = 50\n", true, 4, "grid.width_mm",
                    "too many");
    /* a grid lattice of 150/cm^2 (spacing 0.8165 mm) on 2 x 2 mm: 2 x 2 punctures, 100/cm^2 (-33 %) */
    expect_error_as("[simulation]\ndims = 3\n[grid]\ndx_um = 40\nwidth_mm = 2\nlength_mm = 2\n[device]\npattern = "
                    "grid\ndensity_per_cm2 = 150\n",
                    true, 5, "grid.width_mm", "realise 100.0/cm^2 (-33.3 %");
    expect_error_as("[skin]\ndermal_thinning_per_decade = 0.2\n[patient]\nage_years = 100\n", true, 4,
                    "patient.age_years", "dermis thinned");
}

/* schedule.days gives one session per value, and a simulation holds at most MH_MAX_SESSIONS: 51 days
 * were accepted (a --set has no line limit) and mh_sim_create wrote past its session arrays. */
Test(config, schedule_days_at_most_max_sessions)
{
    mh_config *cfg = mh_test_config((const char *const[]){"simulation.days=3650", NULL});
    char set[1024] = "schedule.days=0";
    for (int k = 1; k < MH_MAX_SESSIONS; k++)
        snprintf(set + strlen(set), sizeof set - strlen(set), ",%d", 7 * k);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_config_set(cfg, set, "--set #1", &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_config_list(cfg, MH_P_SCHED_DAYS, &(const double *){NULL}), MH_MAX_SESSIONS);
    strcat(set, ",3000");
    cr_assert_eq(mh_config_set(cfg, set, "--set #2", &ctx), MH_ERR_INPUT, "%d days accepted", MH_MAX_SESSIONS + 1);
    cr_assert(strstr(ctx.msg, "--set #2: schedule.days: more than 50 values") == ctx.msg, "%s", ctx.msg);
    mh_config_destroy(&cfg);
}

/* libinih takes an indented line after a key as more of its value: a list goes on there, any other
 * key refuses it with a message that says so (it was "given twice", naming the key above). */
Test(config, indented_lines_continue_a_list_only)
{
    mh_ctx ctx;
    mh_config *cfg = NULL;
    char *path = NULL;
    cr_assert_eq(load_text("[schedule]\ndays = 0, 14\n    30, 60 ; more sessions\n\n[simulation]\ndays = 90\n", &ctx,
                           &cfg, &path),
                 MH_OK, "%s", ctx.msg);
    const double *d = NULL;
    cr_assert_eq(mh_config_list(cfg, MH_P_SCHED_DAYS, &d), 4);
    cr_assert(d[0] == 0 && d[1] == 14 && d[2] == 30 && d[3] == 60);
    cr_assert_float_eq(mh_config_real(cfg, MH_P_SIM_DAYS), 90.0, 0.0);
    unlink(path);
    free(path);
    mh_config_destroy(&cfg);
    expect_error("[device]\ntype = pen\n  needle_length_mm = 1.0\n", 3, "device.type",
                 "an indented line continues the value of line 2");
    expect_error("[schedule]\ndays = 0, 14\n  10\n", 3, "schedule.days", "increase strictly (10 after 14)");
    expect_error("[schedule]\ndays = auto\n  10\n", 3, "schedule.days", "takes no more values");
}

/* The resolved text of every valid configuration loads back as itself: a list too long for one line
 * of a file (a --set has no line limit) goes on over indented lines; it was one line that the loader
 * refused ("line is too long"). Found by make fuzz. */
Test(config, resolved_text_of_a_long_list_round_trips)
{
    char set[1024] = "output.snapshot_days=0.123456789";
    for (int k = 1; k < MH_MAX_LIST; k++)
        snprintf(set + strlen(set), sizeof set - strlen(set), ",%d.123456789", k);
    mh_config *a = mh_test_config((const char *const[]){set, NULL});
    mh_config *b = reload_resolved(a);
    const double *v = NULL;
    cr_assert_eq(mh_config_list(b, MH_P_OUT_SNAP, &v), MH_MAX_LIST);
    mh_config_destroy(&a);
    mh_config_destroy(&b);
}

/* A NUL byte cuts a line short for libinih: it is refused as what it is (it was "line is too long"). */
Test(config, nul_byte_named_as_such)
{
    static const char text[] = "[grid]\ndx_um = 1\0"
                               "0\nwidth_mm = 2\n";
    char *path = mh_test_write_ini("");
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fwrite(text, 1, sizeof text - 1, f);
    fclose(f);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_config *cfg = NULL;
    cr_assert_eq(mh_config_create(&ctx, &cfg), MH_OK);
    cr_assert_eq(mh_config_load(cfg, path, &ctx), MH_ERR_INPUT);
    expect_message(&ctx, path, 2, "NUL byte");
    unlink(path);
    free(path);
    mh_config_destroy(&cfg);
}

/* A session number is digits: "[session. 2]" and "session.+2.key" were taken as session 2. */
Test(config, session_number_is_digits)
{
    expect_error("[session. 2]\nneedles = 3\n", 2, "[session. 2]", "bad session section");
    mh_config *cfg = mh_test_config(NULL);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_config_set(cfg, "session.+2.needles=3", "--set #1", &ctx), MH_ERR_INPUT);
    cr_assert(strstr(ctx.msg, "--set #1: session.+2.needles: bad session key") == ctx.msg, "%s", ctx.msg);
    cr_assert_eq(mh_config_set(cfg, "session.02.needles=3", "--set #2", &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_config_int_s(cfg, MH_P_DEV_NEEDLES, 2), 3);
    mh_config_destroy(&cfg);
}

/* The first step after a session lies within the step limits: one above solver.dt_max_h was cut to it
 * without a word, one below solver.dt_min_s started under the floor. */
Test(config, initial_step_within_the_step_limits)
{
    expect_error("[solver]\ndt_initial_s = 86400\n", 2, "solver.dt_initial_s", "must lie between");
    expect_error("[solver]\ndt_max_h = 0.001\n", 2, "solver.dt_max_h", "solver.dt_initial_s = 30 s must lie");
    expect_error("[solver]\ndt_min_s = 60\n", 2, "solver.dt_min_s", "must lie between");
}

/* ---- include ---- */

/* A temporary folder of files that include one another: the paths written, kept for the test. */
typedef struct {
    char dir[256];
    char path[16][512];
    int n;
} test_dir;

static test_dir dir_new(void)
{
    test_dir d = {0};
    mh_test_mkdtemp(d.dir, sizeof d.dir, "include");
    return d;
}

static void dir_remove(test_dir *d)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", d->dir);
    cr_assert_eq(system(cmd), 0);
}

/* Writes text to DIR/NAME, creating NAME's folder (one level) if it has one; returns the path. */
static const char *put_file(test_dir *d, const char *name, const char *text)
{
    cr_assert(d->n < 16);
    char path[sizeof d->path[0]];
    snprintf(path, sizeof path, "%s/%s", d->dir, name);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    cr_assert(mkdir(path, 0700) == 0 || errno == EEXIST, "mkdir %s", path);
    *slash = '/';
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
    return strcpy(d->path[d->n++], path);
}

/* Loads path into a new configuration; the status, the configuration in *cfg (caller destroys). */
static mh_status load_file(const char *path, mh_ctx *ctx, mh_config **cfg)
{
    mh_ctx_init(ctx);
    cr_assert_eq(mh_config_create(ctx, cfg), MH_OK);
    return mh_config_load(*cfg, path, ctx);
}

/* origin of key id (session s) must be "DIR/NAME:LINE". */
static void expect_origin(const mh_config *cfg, mh_param_id id, int s, const char *dir, const char *name, int line)
{
    char want[512];
    snprintf(want, sizeof want, "%s/%s:%d", dir, name, line);
    cr_assert_str_eq(mh_config_origin_s(cfg, id, s), want, "origin of %s", mh_param_table()[id].key);
}

/* The included file is read first; the including file's values then override it (no "given twice"),
 * also per session; every origin names the file and line of the value in effect, the included file's
 * path without the "ind/.." detour; the resolved text is flat (no include line) and loads back as
 * itself. */
Test(config, include_loads_first_and_the_including_file_overrides)
{
    test_dir dir = dir_new();
    put_file(&dir, "devices/dev.ini",
             "; a device\n[device]\ntype = roller\nneedles = 192\nneedle_length_mm = 1.0\n"
             "[session.2]\nneedle_length_mm = 0.5\npattern = hex\n");
    const char *top = put_file(&dir, "ind/top.ini",
                               "; an indication\ninclude = ../devices/dev.ini\n\n[device]\nneedle_length_mm = 2.0\n"
                               "[session.2]\nneedle_length_mm = 0.7\n");
    mh_ctx ctx;
    mh_config *cfg = NULL;
    cr_assert_eq(load_file(top, &ctx, &cfg), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_config_validate(cfg, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_str_eq(mh_config_choice(cfg, MH_P_DEV_TYPE), "roller");
    cr_assert_eq(mh_config_int(cfg, MH_P_DEV_NEEDLES), 192);
    cr_assert_eq(mh_config_real(cfg, MH_P_DEV_LENGTH), 2.0);
    cr_assert_eq(mh_config_real_s(cfg, MH_P_DEV_LENGTH, 2), 0.7);
    cr_assert_str_eq(mh_config_choice_s(cfg, MH_P_DEV_PATTERN, 2), "hex");
    expect_origin(cfg, MH_P_DEV_TYPE, 0, dir.dir, "devices/dev.ini", 3);
    expect_origin(cfg, MH_P_DEV_NEEDLES, 0, dir.dir, "devices/dev.ini", 4);
    expect_origin(cfg, MH_P_DEV_LENGTH, 0, dir.dir, "ind/top.ini", 5);
    expect_origin(cfg, MH_P_DEV_LENGTH, 2, dir.dir, "ind/top.ini", 7);
    expect_origin(cfg, MH_P_DEV_PATTERN, 2, dir.dir, "devices/dev.ini", 8);
    cr_assert_str_eq(mh_config_origin(cfg, MH_P_SEED), "default");
    const char *text = mh_config_text(cfg);
    cr_assert(strstr(text, "include") == NULL, "the resolved text holds an include:\n%s", text);
    mh_config *back = reload_resolved(cfg);
    mh_config_destroy(&back);
    mh_config_destroy(&cfg);
    dir_remove(&dir);
}

/* Includes nest (a path is relative to the file that names it), a file may include several, and a
 * later include overrides an earlier one, as the including file overrides both. */
Test(config, include_nests_and_a_later_include_overrides_an_earlier_one)
{
    test_dir dir = dir_new();
    put_file(&dir, "sub/c.ini", "[device]\nneedles = 5\npasses = 3\npattern = hex\n");
    put_file(&dir, "sub/b.ini", "include = c.ini\n[device]\npasses = 4\n");
    put_file(&dir, "d.ini", "[device]\npattern = grid\n");
    const char *a = put_file(&dir, "a.ini", "include = sub/b.ini\ninclude = d.ini\n[grid]\ndx_um = 20\n");
    mh_ctx ctx;
    mh_config *cfg = NULL;
    cr_assert_eq(load_file(a, &ctx, &cfg), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_config_int(cfg, MH_P_DEV_NEEDLES), 5);
    cr_assert_eq(mh_config_int(cfg, MH_P_DEV_PASSES), 4);
    cr_assert_str_eq(mh_config_choice(cfg, MH_P_DEV_PATTERN), "grid");
    cr_assert_eq(mh_config_real(cfg, MH_P_GRID_DX), 20);
    expect_origin(cfg, MH_P_DEV_NEEDLES, 0, dir.dir, "sub/c.ini", 2);
    expect_origin(cfg, MH_P_DEV_PASSES, 0, dir.dir, "sub/b.ini", 3);
    expect_origin(cfg, MH_P_DEV_PATTERN, 0, dir.dir, "d.ini", 2);
    expect_origin(cfg, MH_P_GRID_DX, 0, dir.dir, "a.ini", 4);
    mh_config_destroy(&cfg);
    dir_remove(&dir);
}

/* Loading file load fails with a message that starts with "AT:LINE: " and start (AT: the file that holds
 * the faulty line) and holds also and also2 (each may be NULL). */
static void expect_fault(const char *load, const char *at, int line, const char *start, const char *also,
                         const char *also2)
{
    mh_ctx ctx;
    mh_config *cfg = NULL;
    cr_assert_neq(load_file(load, &ctx, &cfg), MH_OK, "%s was accepted", load);
    expect_message(&ctx, at, line, start);
    cr_assert(also == NULL || strstr(ctx.msg, also) != NULL, "message '%s' lacks '%s'", ctx.msg, also);
    cr_assert(also2 == NULL || strstr(ctx.msg, also2) != NULL, "message '%s' lacks '%s'", ctx.msg, also2);
    mh_config_destroy(&cfg);
}

/* Writes text to DIR/NAME; loading it fails at its line line with a message that starts with start. */
static void expect_file_fault(test_dir *d, const char *name, const char *text, int line, const char *start)
{
    const char *path = put_file(d, name, text);
    expect_fault(path, path, line, start, NULL, NULL);
}

Test(config, include_cycle_is_refused_naming_the_files)
{
    test_dir dir = dir_new();
    const char *x = put_file(&dir, "x.ini", "include = y.ini\n");
    const char *y = put_file(&dir, "y.ini", "; y\ninclude = x.ini\n");
    const char *self = put_file(&dir, "self.ini", "include = ./self.ini\n");
    char want[1024], from[512];
    snprintf(want, sizeof want, "include cycle (%s -> %s -> %s)", x, y, x);
    snprintf(from, sizeof from, "(included from %s:1)", x);
    /* raised where x is included again, reached through x */
    expect_fault(x, y, 2, "include: x.ini: ", want, from);
    snprintf(want, sizeof want, "include cycle (%s -> %s)", self, self);
    expect_fault(self, self, 1, "include: ./self.ini: ", want, NULL);
    dir_remove(&dir);
}

/* A missing file, a folder, an empty name and an error inside an included file all name the file and
 * line of the fault; the last also says which line included that file. */
Test(config, include_errors_name_file_line_and_key)
{
    test_dir dir = dir_new();
    expect_file_fault(&dir, "ind/miss.ini", "; one\n; two\ninclude = ../devices/nope.ini\n", 3,
                      "include: ../devices/nope.ini: No such file or directory");
    expect_file_fault(&dir, "ind/folder.ini", "include = ..\n", 1, "include: ..: not a regular file");
    expect_file_fault(&dir, "ind/empty.ini", "include =\n", 1, "include: no file named");
    const char *bad = put_file(&dir, "devices/bad.ini", "[device]\nneedles = 3\nneedle_length_mm = 99\n");
    const char *top = put_file(&dir, "ind/top.ini", "include = ../devices/bad.ini\n");
    char from[512];
    snprintf(from, sizeof from, "(included from %s:1)", top);
    expect_fault(bad, bad, 3, "device.needle_length_mm: 99 is out of range", NULL, NULL);
    expect_fault(top, bad, 3, "device.needle_length_mm: 99 is out of range", from, NULL);
    dir_remove(&dir);
}

/* include stands at the top of a file: after a key (which it would then override) or inside a section
 * it is refused, and so is an indented line after it; --set cannot include. */
Test(config, include_stands_at_the_top_of_a_file)
{
    test_dir dir = dir_new();
    put_file(&dir, "dev.ini", "[device]\nneedles = 3\n");
    expect_file_fault(&dir, "late.ini", "seed = 7\ninclude = dev.ini\n", 2,
                      "include: dev.ini: must come before the file's own keys (line 1 gives one)");
    expect_file_fault(&dir, "inside.ini", "[device]\ninclude = dev.ini\n", 2,
                      "device.include: include stands at the top of the file");
    expect_file_fault(&dir, "session.ini", "[schedule]\nsessions = 2\n[session.2]\ninclude = dev.ini\n", 4,
                      "session.2.include: include stands at the top");
    expect_file_fault(&dir, "indented.ini", "include = dev.ini\n  dev.ini\n", 2,
                      "include: an indented line continues the include of line 1");
    mh_config *cfg = mh_test_config(NULL);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_config_set(cfg, "include=dev.ini", "--set #1", &ctx), MH_ERR_INPUT);
    cr_assert(strstr(ctx.msg, "--set #1: include: only a configuration file includes another") == ctx.msg, "%s",
              ctx.msg);
    mh_config_destroy(&cfg);
    dir_remove(&dir);
}

/* A key given twice in one file is still refused, in an included file and in the including one, also
 * in a session section; the first place named is in the same file. */
Test(config, a_key_twice_in_one_file_stays_an_error)
{
    test_dir dir = dir_new();
    const char *twice = put_file(&dir, "twice.ini", "[device]\nneedles = 3\nneedles = 4\n");
    const char *top = put_file(&dir, "top.ini", "include = twice.ini\n");
    char first[512];
    snprintf(first, sizeof first, "given twice (first at %s:2)", twice);
    expect_fault(top, twice, 3, "device.needles: ", first, NULL);
    put_file(&dir, "dev.ini", "[device]\nneedles = 3\n[session.2]\nneedles = 5\n");
    const char *again = put_file(&dir, "again.ini", "include = dev.ini\n[device]\nneedles = 4\nneedles = 6\n");
    snprintf(first, sizeof first, "given twice (first at %s:3)", again);
    expect_fault(again, again, 4, "device.needles: ", first, NULL);
    const char *sess = put_file(&dir, "sess.ini",
                                "include = dev.ini\n[schedule]\nsessions = 2\n[session.2]\nneedles = 6\nneedles = 7\n");
    expect_fault(sess, sess, 6, "session.2.needles: given twice", NULL, NULL);
    dir_remove(&dir);
}

/* A chain of MH_INCLUDE_DEPTH (8) files loads; one file more is refused where it would be included. */
Test(config, include_depth_is_limited)
{
    test_dir dir = dir_new();
    char name[512], text[64];
    for (int i = 0; i <= 8; i++) {
        snprintf(name, sizeof name, "f%d.ini", i);
        if (i < 8)
            snprintf(text, sizeof text, "include = f%d.ini\n[device]\nneedles = %d\n", i + 1, i + 1);
        else
            snprintf(text, sizeof text, "[device]\npasses = 9\n");
        put_file(&dir, name, text);
    }
    snprintf(name, sizeof name, "%s/f1.ini", dir.dir); /* f1 .. f8: 8 files */
    mh_ctx ctx;
    mh_config *cfg = NULL;
    cr_assert_eq(load_file(name, &ctx, &cfg), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_config_int(cfg, MH_P_DEV_PASSES), 9);
    cr_assert_eq(mh_config_int(cfg, MH_P_DEV_NEEDLES), 2);
    mh_config_destroy(&cfg);
    snprintf(name, sizeof name, "%s/f0.ini", dir.dir); /* f0 .. f8: 9 files */
    char f7[512];
    snprintf(f7, sizeof f7, "%s/f7.ini", dir.dir);
    expect_fault(name, f7, 1, "include: f8.ini: includes nested more than 8 files deep", NULL, NULL);
    dir_remove(&dir);
}
