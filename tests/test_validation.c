/* test_validation: configs/validation/targets.ini scored by `microheal validate` on the means of ensembles of 8
 * replicates (papers/calibration.md, "Ensembles"), read back from the validation.csv and validation.md it
 * writes. Every target of the calibration set (role = calibration: the targets the parameters were set
 * against) lies within its acceptance band. The validation set (role = validation: held out) is scored, not
 * required to pass: the count line validate reports for it ("validation: K of N within band (P %)") must
 * equal this file's own recount from the CSV's columns (each mean against band_lo, band_hi, lo_open and
 * hi_open, read here, not through mh_target_in_band). And the verdicts do not hang on the seed: base seeds
 * 42, 1 and 2 give every target the same verdict (issue 19). Bands come from the literature, stated in the
 * file; item 1 is in test_model.c. Scenarios run at grid.dx_um = 20 (the file's [defaults]).
 *
 * One test per base seed runs validate once (208 runs: 26 scenarios x 8 replicates, about 9 minutes on one
 * core) and checks each item's targets. Each test writes its verdicts to a file of this suite run's own
 * (VERDICTS_DIR) and compares them with the verdicts of the seeds already written there: Criterion runs each
 * test in a process of its own, and whichever seed finishes last sees the other two, so the comparison is
 * complete when all three have run, and no ensemble is computed twice. make check runs base seed 42 alone
 * (three ensembles took a third of its time on two cores); make validate runs all three
 * (MH_VALIDATION_SEEDS=all). Under AddressSanitizer (make check-asan, about 3 times slower; it is there for
 * memory errors) only seed 42 runs.
 *
 * The three seeds' tests are the suite's longest (about 9 minutes each on one core; timeout 3600 s, room for
 * the 3 times slower AddressSanitizer build and a loaded machine) and form a suite of
 * their own, ensemble_validation: Criterion starts suites in the order of their names, and this name
 * starts them a third of the way through the suite, where they overlap the other tests, instead of at
 * its end (as "validation" did), where the last of them ran alone on one core. */
#include "helpers.h"

#include <errno.h>
#include <math.h>
#include <sys/stat.h>

#define TARGETS_FILE "configs/validation/targets.ini"
#define REPLICATES 8

#if defined(__SANITIZE_ADDRESS__)
#define MH_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MH_TEST_ASAN 1
#endif
#endif

static const char *const tested_items[] = {"2", "3", "4", "5", "6", "7", "8", "9"};
static const unsigned long base_seeds[] = {42, 1, 2};
#define NSEEDS ((int)(sizeof base_seeds / sizeof base_seeds[0]))

/* The folder of this suite run's verdict files: in MH_TEST_TMP (tests/run.sh makes one per run), named
 * after the test runner's process (the parent of every test's process), so that two runs never meet. */
static void verdicts_dir(char *dir, size_t len)
{
    snprintf(dir, len, "%s/mh_validation_verdicts_%ld", mh_test_tmp(), (long)getppid());
    cr_assert(mkdir(dir, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", dir, strerror(errno));
}

/* The verdict file of base seed seed in dir into path (PATH_MAX bytes). */
static void verdicts_path(char *path, const char *dir, unsigned long seed)
{
    const int n = snprintf(path, PATH_MAX, "%.*s/seed_%lu.txt", PATH_MAX - 64, dir, seed);
    cr_assert(n > 0 && n < PATH_MAX, "the name is too long for its buffer");
}

/* Writes "NAME yes|no MEAN" per target to DIR/seed_S.txt (through a temporary file renamed when complete,
 * so that a reader sees all of it or nothing). */
static void write_verdicts(const char *dir, unsigned long seed, const mh_targets *t, const bool *in, const double *mean)
{
    char path[PATH_MAX], tmp[PATH_MAX + 8];
    verdicts_path(path, dir, seed);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    cr_assert_not_null(f, "%s: %s", tmp, strerror(errno));
    for (int i = 0; i < mh_targets_count(t); i++)
        fprintf(f, "%s %s %.6g\n", mh_targets_info(t, i)->name, in[i] ? "yes" : "no", mean[i]);
    cr_assert_eq(fclose(f), 0);
    cr_assert_eq(rename(tmp, path), 0, "rename %s: %s", tmp, strerror(errno));
}

/* Compares this seed's verdicts with those of every other seed written to dir so far. */
static void compare_verdicts(const char *dir, unsigned long seed, const mh_targets *t, const bool *in,
                             const double *mean)
{
    for (int k = 0; k < NSEEDS; k++) {
        if (base_seeds[k] == seed)
            continue;
        char path[PATH_MAX], name[128], verdict[8];
        verdicts_path(path, dir, base_seeds[k]);
        FILE *f = fopen(path, "r");
        if (f == NULL) /* not run yet (it will compare with this one), filtered out, or skipped */
            continue;
        double other = NAN;
        int n = 0;
        while (fscanf(f, "%127s %7s %lf", name, verdict, &other) == 3) {
            const int i = mh_targets_find(t, name);
            cr_assert_geq(i, 0, "%s: unknown target %s", path, name);
            cr_expect_eq(in[i], strcmp(verdict, "yes") == 0,
                         "%s: mean %g is %s its band with base seed %lu, but %g is %s it with base seed %lu", name,
                         mean[i], in[i] ? "within" : "outside", seed, other, in[i] ? "outside" : "within",
                         base_seeds[k]);
            n++;
        }
        fclose(f);
        cr_expect_eq(n, mh_targets_count(t), "%s: %d verdicts for %d targets", path, n, mh_targets_count(t));
        fprintf(stderr, "validation: base seed %lu: verdicts compared with base seed %lu's\n", seed, base_seeds[k]);
    }
}

/* The number of distinct scenarios (numerators and denominators) of t with the extra settings sets. */
static int distinct_scenarios(const mh_targets *t, const char *const *sets)
{
    const int n = mh_targets_count(t);
    char **texts = calloc((size_t)(2 * n), sizeof *texts);
    cr_assert_not_null(texts);
    int nd = 0;
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    for (int i = 0; i < n; i++)
        for (int d = 0; d <= (mh_targets_info(t, i)->ratio_observable != NULL ? 1 : 0); d++) {
            mh_config *cfg = NULL;
            cr_assert_eq(mh_targets_config(t, i, sets, d == 1, &cfg, &ctx), MH_OK, "%s", ctx.msg);
            const char *text = mh_config_text(cfg);
            cr_assert_not_null(text);
            bool seen = false;
            for (int k = 0; k < nd && !seen; k++)
                seen = strcmp(texts[k], text) == 0;
            if (!seen)
                cr_assert_not_null(texts[nd++] = strdup(text));
            mh_config_destroy(&cfg);
        }
    for (int k = 0; k < nd; k++)
        free(texts[k]);
    free(texts);
    return nd;
}

/* Whether m lies in the band of a CSV row: lo <= m <= hi, strictly at an open end; false for NaN. The
 * band's reading of papers/calibration.md, written here again so that the recount does not rest on
 * mh_target_in_band. */
static bool csv_in_band(double m, double lo, double hi, bool lo_open, bool hi_open)
{
    return !isnan(m) && (lo_open ? m > lo : m >= lo) && (hi_open ? m < hi : m <= hi);
}

/* The columns of validation.csv this test reads, found by name in its header. */
enum {
    C_TARGET,
    C_ROLE,
    C_BAND_LO,
    C_BAND_HI,
    C_LO_OPEN,
    C_HI_OPEN,
    C_REPLICATES,
    C_MEAN,
    C_CI_LO,
    C_CI_HI,
    C_WITHIN,
    NC
};
static const char *const column_names[NC] = {"target",     "role", "band_lo", "band_hi", "lo_open",    "hi_open",
                                             "replicates", "mean", "ci_lo",   "ci_hi",   "within_band"};

#define MAX_FIELDS 64

/* The time course of Kenkel 2021's scenario (timecourse_kenkel_epidermal_density_3_months.dat and .png): one
 * row per target of that scenario read at a day from a series column (the four below; the ratio target
 * kenkel_dermis_no_decay_1_to_3_months is no such target), each with the target's day and band (1e30 for an
 * end at infinity) and the ensemble mean that validation.csv reports (mean[i], target i). */
static void check_timecourse(const char *dir, const mh_targets *t, const double *mean)
{
    static const char *const want[] = {"kenkel_epidermal_density_3_months", "kenkel_dermal_density_up_3_months",
                                       "kenkel_perfusion_below_baseline_3_months", "kenkel_elastin_unchanged_3_months"};
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/timecourse_kenkel_epidermal_density_3_months.png", dir);
    struct stat sb;
    cr_expect(stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0, "no time-course figure %s", path);
    snprintf(path, sizeof path, "%s/timecourse_kenkel_epidermal_density_3_months.dat", dir);
    FILE *f = fopen(path, "r");
    cr_assert(f != NULL, "no time-course table %s", path);
    char line[1024], column[256], name[256];
    int rows = 0, found = 0, panel, within;
    double day, lo, hi, datum, sigma, m, cl, ch;
    while (fgets(line, sizeof line, f) != NULL) {
        if (line[0] == '#')
            continue;
        rows++;
        cr_assert_eq(sscanf(line, "%d \"%255[^\"]\" %lf %lf %lf %lf %lf %lf %lf %lf %d \"%255[^\"]\"", &panel, column,
                            &day, &lo, &hi, &datum, &sigma, &m, &cl, &ch, &within, name),
                     12, "%s: row %d: %s", path, rows, line);
        for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
            if (strcmp(name, want[k]) != 0)
                continue;
            found++;
            const int i = mh_targets_find(t, name);
            const mh_target_info *ti = mh_targets_info(t, i);
            cr_expect_eq(day, 180.0, "%s: %s at day %g, not 180", path, name, day);
            cr_expect_eq(lo, isfinite(ti->band_lo) ? ti->band_lo : -1e30, "%s: %s band_lo %g", path, name, lo);
            cr_expect_eq(hi, isfinite(ti->band_hi) ? ti->band_hi : 1e30, "%s: %s band_hi %g", path, name, hi);
            cr_expect_lt(fabs(m - mean[i]), 1e-8 * fmax(1.0, fabs(mean[i])), "%s: %s mean %.10g, csv %.10g", path, name,
                         m, mean[i]);
            cr_expect(strstr(ti->observable, column) != NULL, "%s: %s panel of column %s, observable %s", path, name,
                      column, ti->observable);
        }
    }
    fclose(f);
    cr_expect_eq(rows, 4, "%s: %d rows, not 4", path, rows);
    cr_expect_eq(found, 4, "%s: %d of the 4 Kenkel targets", path, found);
}

/* Runs microheal validate on the targets file with base seed seed; checks every calibration target within
 * its band and the reported counts against a recount from validation.csv, says which are within, and
 * compares the verdicts with the other seeds'. */
static void check_seed(unsigned long seed)
{
    mh_targets *t = mh_test_targets(TARGETS_FILE);
    char set[32];
    snprintf(set, sizeof set, "seed=%lu", seed);
    const char *const sets[] = {set, NULL};
    char *dir = mh_test_temp_dir("validation"), cmd[2 * PATH_MAX + 256], path[PATH_MAX + 32];
    snprintf(cmd, sizeof cmd, "( " MH_BIN " validate " TARGETS_FILE " -o %s --replicates %d --set %s 2>%s/stderr.txt )",
             dir, REPLICATES, set, dir);
    const int rc = mh_test_sh(cmd, NULL);
    snprintf(path, sizeof path, "%s/stderr.txt", dir);
    char *log = mh_test_read_file(path);
    snprintf(path, sizeof path, "%s/validation.md", dir);
    char *md = mh_test_read_file(path);
    snprintf(path, sizeof path, "%s/validation.csv", dir);
    char *csv = mh_test_read_file(path);
    cr_assert(log != NULL && md != NULL && csv != NULL, "validate (exit %d) wrote no tables in %s", rc, dir);
    const int n = mh_targets_count(t);
    bool *in = calloc((size_t)n, sizeof *in), *seen = calloc((size_t)n, sizeof *seen);
    double *mean = calloc((size_t)n, sizeof *mean);
    cr_assert(in != NULL && seen != NULL && mean != NULL);
    /* the header: this test's columns by name */
    char *p = csv, *f[MAX_FIELDS];
    int nf = mh_test_csv_record(&p, f, MAX_FIELDS), col[NC];
    cr_assert(nf > 0 && nf <= MAX_FIELDS, "validation.csv: header of %d fields", nf);
    const int ncols = nf;
    for (int c = 0; c < NC; c++) {
        col[c] = -1;
        for (int k = 0; k < ncols; k++)
            if (strcmp(f[k], column_names[c]) == 0)
                col[c] = k;
        cr_assert_geq(col[c], 0, "validation.csv has no column %s", column_names[c]);
    }
    /* each row: the recount against the band's columns */
    int nrole[MH_TARGET_ROLES] = {0, 0}, nin[MH_TARGET_ROLES] = {0, 0}, rows = 0;
    char within[4096] = "", outside[4096] = "";
    while ((nf = mh_test_csv_record(&p, f, MAX_FIELDS)) > 0) {
        cr_assert_eq(nf, ncols, "validation.csv row %d: %d fields, not %d", rows + 1, nf, ncols);
        rows++;
        const int i = mh_targets_find(t, f[col[C_TARGET]]);
        cr_assert(i >= 0 && !seen[i], "validation.csv: target %s unknown or given twice", f[col[C_TARGET]]);
        seen[i] = true;
        const mh_target_info *ti = mh_targets_info(t, i);
        cr_expect_str_eq(f[col[C_ROLE]], ti->role == MH_TARGET_CALIBRATION ? "calibration" : "validation",
                         "%s: the role of the targets file", ti->name);
        cr_expect_eq(atoi(f[col[C_REPLICATES]]), REPLICATES, "%s", ti->name);
        mean[i] = strtod(f[col[C_MEAN]], NULL);
        in[i] = csv_in_band(mean[i], strtod(f[col[C_BAND_LO]], NULL), strtod(f[col[C_BAND_HI]], NULL),
                            strcmp(f[col[C_LO_OPEN]], "1") == 0, strcmp(f[col[C_HI_OPEN]], "1") == 0);
        cr_expect_str_eq(f[col[C_WITHIN]], in[i] ? "yes" : "no", "%s: mean %g against its band", ti->name, mean[i]);
        nrole[ti->role]++;
        nin[ti->role] += in[i];
        cr_expect(in[i] || ti->role == MH_TARGET_VALIDATION,
                  "item %s: calibration target %s (%s), base seed %lu: mean of %d replicates %g (95 %% CI [%s, %s]) "
                  "outside %s%g, %g%s; source: %s",
                  ti->item, ti->name, ti->observable, seed, REPLICATES, mean[i], f[col[C_CI_LO]], f[col[C_CI_HI]],
                  ti->lo_open ? "(" : "[", ti->band_lo, ti->band_hi, ti->hi_open ? ")" : "]", ti->source);
        char *list = in[i] ? within : outside;
        snprintf(list + strlen(list), sizeof within - strlen(list), "%s%s", list[0] ? ", " : "", ti->name);
    }
    cr_assert_eq(nf, 0, "validation.csv: text after a closing quote in row %d", rows + 1);
    cr_expect_eq(rows, n, "validation.csv: %d rows for %d targets", rows, n);
    /* the count lines validate reported, on standard error and in validation.md, against the recount */
    char want[2][128];
    snprintf(want[0], sizeof want[0], "\ncalibration: %d of %d within band\n", nin[MH_TARGET_CALIBRATION],
             nrole[MH_TARGET_CALIBRATION]);
    snprintf(want[1], sizeof want[1], "\nvalidation: %d of %d within band (%.1f %%)\n", nin[MH_TARGET_VALIDATION],
             nrole[MH_TARGET_VALIDATION], 100.0 * nin[MH_TARGET_VALIDATION] / nrole[MH_TARGET_VALIDATION]);
    for (int k = 0; k < 2; k++) {
        cr_expect(strstr(log, want[k]) != NULL, "standard error lacks '%s':\n%s", want[k] + 1, log);
        cr_expect(strstr(md, want[k]) != NULL, "validation.md lacks '%s'", want[k] + 1);
    }
    cr_expect_gt(nrole[MH_TARGET_VALIDATION], 0, "no validation set in %s", TARGETS_FILE);
    /* exit 0: every calibration target within (validation misses do not fail it) */
    cr_expect_eq(rc, nin[MH_TARGET_CALIBRATION] == nrole[MH_TARGET_CALIBRATION] ? 0 : 1, "validate exited %d:\n%s", rc,
                 log);
    for (size_t k = 0; k < sizeof tested_items / sizeof tested_items[0]; k++) {
        int m = 0;
        for (int i = 0; i < n; i++)
            m += strcmp(mh_targets_info(t, i)->item, tested_items[k]) == 0;
        cr_expect_gt(m, 0, "no target for item %s in %s", tested_items[k], TARGETS_FILE);
    }
    /* no run repeated: each scenario ran once per replicate, every other evaluation was a cache hit */
    const char *sims = strstr(log, " replicates; ");
    long runs = -1, hits = -1;
    cr_assert(sims != NULL && sscanf(sims, " replicates; %ld simulations (%ld shared)", &runs, &hits) == 2,
              "no count of simulations:\n%s", log);
    const int nd = distinct_scenarios(t, sets);
    cr_expect_eq(runs, (long)nd * REPLICATES, "%ld runs for %d scenarios x %d replicates", runs, nd, REPLICATES);
    fprintf(stderr,
            "validation: base seed %lu, %d replicates, %ld runs, %ld cache hits; calibration %d of %d, validation %d "
            "of %d within: %s; outside: %s\n",
            seed, REPLICATES, runs, hits, nin[MH_TARGET_CALIBRATION], nrole[MH_TARGET_CALIBRATION],
            nin[MH_TARGET_VALIDATION], nrole[MH_TARGET_VALIDATION], within[0] ? within : "none",
            outside[0] ? outside : "none");
    char vdir[PATH_MAX];
    verdicts_dir(vdir, sizeof vdir);
    write_verdicts(vdir, seed, t, in, mean);
    compare_verdicts(vdir, seed, t, in, mean);
    check_timecourse(dir, t, mean);
    free(in);
    free(seen);
    free(mean);
    free(log);
    free(md);
    free(csv);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(mh_test_sh(cmd, NULL), 0);
    free(dir);
    mh_targets_destroy(&t);
}

/* Under AddressSanitizer only seed 42 runs (see the top of this file). */
static void skip_under_asan(void)
{
#ifdef MH_TEST_ASAN
    cr_skip_test("AddressSanitizer build: only base seed 42's ensemble runs here (the build is for memory "
                 "errors, and an ensemble costs 3 times as much under it); make validate compares the seeds");
#endif
}

/* Base seeds 1 and 2 run where MH_VALIDATION_SEEDS=all (make validate sets it): three ensembles are a third of
 * make check's time on two cores, so make check runs base seed 42's alone and make validate compares the three. */
static void skip_unless_all_seeds(void)
{
    skip_under_asan();
    const char *all = getenv("MH_VALIDATION_SEEDS");
    if (all == NULL || strcmp(all, "all") != 0)
        cr_skip_test("base seeds 1 and 2 are compared by make validate (MH_VALIDATION_SEEDS=all); make check runs "
                     "base seed 42's ensemble");
}

/* Each: every calibration target's mean within its band, the validation set's count as recounted, and the
 * seeds' verdicts alike. */
Test(ensemble_validation, base_seed_42, .timeout = 3600) { check_seed(42); }
Test(ensemble_validation, base_seed_1, .timeout = 3600)
{
    skip_unless_all_seeds();
    check_seed(1);
}
Test(ensemble_validation, base_seed_2, .timeout = 3600)
{
    skip_unless_all_seeds();
    check_seed(2);
}

/* Every target belongs to an item this file scores (tested_items, each of which the seeds' tests require a
 * target for), and has a source: a target of another item would be scored without anyone having said what it
 * tests. */
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

/* The calibration set is exactly the targets papers/validation.md lists under "Targets the parameters were
 * set against" (Fit 2's five, the closure targets of model.tau0_close_h and model.v_close_um_h, the
 * keratinocyte targets of model.D_K and model.r_K (Schmitt's two and Wessollek's), Gupta's unoccluded barrier
 * bound of model.tau_barrier_h, Lotfi's epidermis of model.r_T); every other target is held out. */
Test(validation, calibration_set_is_the_targets_the_parameters_were_set_against)
{
    static const char *const calibration[] = {"kalluri_370um",
                                              "kalluri_770um",
                                              "schmitt_reepithelialised_1.5mm",
                                              "schmitt_reepithelialised_2.5mm",
                                              "erythema_days_0.5mm",
                                              "erythema_days_1.5mm",
                                              "erythema_days_2.5mm",
                                              "lotfi_papillary_collagen",
                                              "varani_age_ratio",
                                              "gupta_barrier_unoccluded",
                                              "wessollek_reepithelialised",
                                              "lotfi_epidermis"};
    const int ncal = (int)(sizeof calibration / sizeof calibration[0]);
    mh_targets *t = mh_test_targets(TARGETS_FILE);
    for (int k = 0; k < ncal; k++)
        cr_expect_geq(mh_targets_find(t, calibration[k]), 0, "no target %s in %s", calibration[k], TARGETS_FILE);
    for (int i = 0; i < mh_targets_count(t); i++) {
        const mh_target_info *ti = mh_targets_info(t, i);
        bool listed = false;
        for (int k = 0; k < ncal; k++)
            listed = listed || strcmp(ti->name, calibration[k]) == 0;
        cr_expect_eq(ti->role, listed ? MH_TARGET_CALIBRATION : MH_TARGET_VALIDATION, "%s: role = %s", ti->name,
                     mh_target_role_name(ti->role));
    }
    mh_targets_destroy(&t);
}
