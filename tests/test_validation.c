/* test_validation: every target of configs/validation/targets.ini, scored on the mean of an ensemble of 8
 * replicates (mh_targets_evaluate_ensemble), lies within its acceptance band, and the verdicts do not hang
 * on the seed: base seeds 42, 1 and 2 give every target the same verdict (issue 19). Bands come from the
 * literature, stated in the file; item 1 is in test_model.c. Scenarios run at grid.dx_um = 20 (the file's
 * [defaults]).
 *
 * One test per base seed evaluates every target once (136 runs: 17 scenarios x 8 replicates, about 2-4
 * minutes on one core) and checks each item's targets. Each test writes its verdicts to a file of this
 * suite run's own (VERDICTS_DIR) and compares them with the verdicts of the seeds already written there:
 * Criterion runs each test in a process of its own, and whichever seed finishes last sees the other two,
 * so the comparison is complete when all three have run, and no ensemble is computed twice. Under
 * AddressSanitizer (make check-asan, about 3 times slower; it is there for memory errors) only seed 42
 * runs.
 *
 * The three seeds' tests are the suite's longest (about 3 minutes each on one core) and form a suite of
 * their own, ensemble_validation: Criterion starts suites in the order of their names, and this name
 * starts them a third of the way through the suite, where they overlap the other tests, instead of at
 * its end (as "validation" did), where the last of them ran alone on one core. */
#include "helpers.h"

#include <errno.h>
#include <math.h>

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

/* Evaluates every target's ensemble with base seed seed, checks each item's targets against their bands,
 * says which are within, and compares the verdicts with the other seeds'. */
static void check_seed(unsigned long seed)
{
    mh_targets *t = mh_test_targets(TARGETS_FILE);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    char set[32];
    snprintf(set, sizeof set, "seed=%lu", seed);
    const char *const sets[] = {set, NULL};
    const int n = mh_targets_count(t);
    bool *in = calloc((size_t)n, sizeof *in);
    double *mean = calloc((size_t)n, sizeof *mean), values[REPLICATES];
    cr_assert(in != NULL && mean != NULL);
    char within[4096] = "", outside[4096] = "";
    for (int i = 0; i < n; i++) {
        const mh_target_info *ti = mh_targets_info(t, i);
        mh_ensemble_stats st;
        cr_assert_eq(mh_targets_evaluate_ensemble(t, i, sets, REPLICATES, values, &st, &ctx), MH_OK, "%s: %s", ti->name,
                     ctx.msg);
        mean[i] = st.mean;
        in[i] = mh_target_in_band(ti, st.mean);
        cr_expect(in[i],
                  "item %s: %s (%s), base seed %lu: mean of %d replicates %g (95 %% CI [%g, %g]) outside %s%g, %g%s; "
                  "source: %s",
                  ti->item, ti->name, ti->observable, seed, REPLICATES, st.mean, st.ci_lo, st.ci_hi,
                  ti->lo_open ? "(" : "[", ti->band_lo, ti->band_hi, ti->hi_open ? ")" : "]", ti->source);
        char *list = in[i] ? within : outside;
        snprintf(list + strlen(list), sizeof within - strlen(list), "%s%s", list[0] ? ", " : "", ti->name);
    }
    for (size_t k = 0; k < sizeof tested_items / sizeof tested_items[0]; k++) {
        int m = 0;
        for (int i = 0; i < n; i++)
            m += strcmp(mh_targets_info(t, i)->item, tested_items[k]) == 0;
        cr_expect_gt(m, 0, "no target for item %s in %s", tested_items[k], TARGETS_FILE);
    }
    /* no run repeated: each scenario ran once per replicate, every other evaluation was a cache hit */
    long runs = 0, hits = 0;
    mh_targets_stats(t, &runs, &hits);
    const int nd = distinct_scenarios(t, sets);
    cr_expect_eq(runs, (long)nd * REPLICATES, "%ld runs for %d scenarios x %d replicates", runs, nd, REPLICATES);
    fprintf(stderr, "validation: base seed %lu, %d replicates, %ld runs, %ld cache hits: within: %s; outside: %s\n",
            seed, REPLICATES, runs, hits, within[0] ? within : "none", outside[0] ? outside : "none");
    char dir[PATH_MAX];
    verdicts_dir(dir, sizeof dir);
    write_verdicts(dir, seed, t, in, mean);
    compare_verdicts(dir, seed, t, in, mean);
    free(in);
    free(mean);
    mh_targets_destroy(&t);
}

/* Under AddressSanitizer only seed 42 runs (see the top of this file). */
static void skip_under_asan(void)
{
#ifdef MH_TEST_ASAN
    cr_skip_test("AddressSanitizer build: only base seed 42's ensemble runs here (the build is for memory "
                 "errors, and an ensemble costs 3 times as much under it); make check compares the seeds");
#endif
}

/* Each: every target's mean within its band, and the same verdicts as the other seeds' (see above). */
Test(ensemble_validation, base_seed_42, .timeout = 1800) { check_seed(42); }
Test(ensemble_validation, base_seed_1, .timeout = 1800)
{
    skip_under_asan();
    check_seed(1);
}
Test(ensemble_validation, base_seed_2, .timeout = 1800)
{
    skip_under_asan();
    check_seed(2);
}

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
