/* runner: runs the tests of tests/test_*.c in one process, for make check-tsan (see criterion/criterion.h). */
#include "criterion/criterion.h"

#include <fnmatch.h>
#include <omp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MH_SHIM_MAX_TESTS 512

const struct criterion_test *const criterion_current_test = NULL;

typedef struct {
    const char *suite, *name;
    mh_shim_test_fn *fn;
} shim_test;

static shim_test tests[MH_SHIM_MAX_TESTS];
static int ntests;
static jmp_buf test_end; /* a failed cr_assert* jumps here */
static int test_failed;

void mh_shim_register(const char *suite, const char *name, mh_shim_test_fn *fn)
{
    if (ntests == MH_SHIM_MAX_TESTS) {
        fprintf(stderr, "runner: more than %d tests; raise MH_SHIM_MAX_TESTS\n", MH_SHIM_MAX_TESTS);
        exit(2);
    }
    tests[ntests++] = (shim_test){suite, name, fn};
}

void mh_shim_check(const char *file, int line, int fatal, int ok, const char *what, const char *fmt, ...)
{
    if (ok)
        return;
    fprintf(stderr, "[----] %s:%d: %s failed: %s", file, line, fatal ? "assertion" : "expectation", what);
    if (fmt[0] != '\0') {
        va_list ap;
        va_start(ap, fmt);
        fputs(": ", stderr);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
    }
    fputc('\n', stderr);
    test_failed = 1;
    if (fatal)
        longjmp(test_end, 1);
}

int mh_shim_near(double actual, double expected, double eps)
{
    return expected - actual <= eps && actual - expected <= eps;
}

void mh_shim_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("[LOG ] ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static int by_name(const void *a, const void *b)
{
    const shim_test *x = a, *y = b;
    int c = strcmp(x->suite, y->suite);
    return c != 0 ? c : strcmp(x->name, y->name);
}

/* Usage: run_tests [--list] [PATTERN...]: the tests whose suite/name matches a PATTERN (fnmatch, as
 * Criterion's --filter), all without one, sorted by name. Each starts with omp_get_max_threads() as
 * the runner found it (a test may set another count). Exits 0 when every test passed, 1 when one
 * failed, 2 when no test matched. */
int main(int argc, char **argv)
{
    int list = argc > 1 && strcmp(argv[1], "--list") == 0;
    char **pat = argv + 1 + list;
    int npat = argc - 1 - list;
    qsort(tests, (size_t)ntests, sizeof tests[0], by_name);
    const int threads = omp_get_max_threads();
    int run = 0, failed = 0;
    for (int t = 0; t < ntests; t++) {
        char full[256];
        snprintf(full, sizeof full, "%s/%s", tests[t].suite, tests[t].name);
        int match = npat == 0;
        for (int p = 0; p < npat && !match; p++)
            match = fnmatch(pat[p], full, 0) == 0;
        if (!match)
            continue;
        if (list) {
            printf("%s\n", full);
            continue;
        }
        run++;
        omp_set_num_threads(threads);
        test_failed = 0;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        if (setjmp(test_end) == 0)
            tests[t].fn();
        clock_gettime(CLOCK_MONOTONIC, &t1);
        failed += test_failed;
        fprintf(stderr, "[%s] %s::%s: (%.2fs)\n", test_failed ? "FAIL" : "PASS", tests[t].suite, tests[t].name,
                (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
    }
    if (list)
        return 0;
    fprintf(stderr, "[====] Synthesis: Tested: %d | Passing: %d | Failing: %d (%d threads)\n", run, run - failed,
            failed, threads);
    return run == 0 ? 2 : failed > 0;
}
