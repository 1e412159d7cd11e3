/* criterion.h for make check-tsan: the part of Criterion's API the tests use, run in one process.
 *
 * Criterion cannot run under ThreadSanitizer: BoxFort maps its inheritable arena with MAP_FIXED at a
 * random address in 0x2000'0000'0000 to 0x7f00'0000'0000, nearly all of which TSan reserves (shadow,
 * metadata, protected gaps), so the runner stops with "Could not initialize inheritable arena" or
 * crashes. make check-tsan compiles the unchanged test files with -Itests/tsan, so that they include
 * this header instead, and links tests/tsan/runner.c, which runs the chosen tests one after another in
 * its own process. Same meaning as Criterion's macros: a failed cr_assert* ends the test, a failed
 * cr_expect* marks it failed and goes on; the optional trailing arguments are a printf format and its
 * values (the trailing "" the macros add is ignored by the format). Test options (.timeout) are ignored. */
#ifndef MH_TSAN_CRITERION_H
#define MH_TSAN_CRITERION_H

#include <string.h>

struct criterion_test;
/* The running Criterion test; always NULL here (tests/lsan_runner.c reads it). */
extern const struct criterion_test *const criterion_current_test;

typedef void mh_shim_test_fn(void);
void mh_shim_register(const char *suite, const char *name, mh_shim_test_fn *fn);
/* Records a check at file:line: nothing when ok; else prints what failed and the message, and ends the
 * test when fatal (longjmp back to the runner). */
void mh_shim_check(const char *file, int line, int fatal, int ok, const char *what, const char *fmt, ...);
int mh_shim_near(double actual, double expected, double eps);
void mh_shim_log(const char *fmt, ...);

/* Test(suite, name) or Test(suite, name, options): the trailing empty argument gives the options'
 * '...' an argument either way (ISO C before C23 wants one). */
#define Test(...) MH_SHIM_TEST_(__VA_ARGS__, )
#define MH_SHIM_TEST_(suite, name, ...)                                                                                \
    static void suite##_##name##_impl(void);                                                                           \
    __attribute__((constructor)) static void suite##_##name##_reg(void)                                                \
    {                                                                                                                  \
        mh_shim_register(#suite, #name, suite##_##name##_impl);                                                        \
    }                                                                                                                  \
    static void suite##_##name##_impl(void)

#define MH_SHIM_IF_(fatal, c, ...) mh_shim_check(__FILE__, __LINE__, fatal, (c) ? 1 : 0, #c, __VA_ARGS__)
#define MH_SHIM_NOT_(fatal, c, ...) mh_shim_check(__FILE__, __LINE__, fatal, (c) ? 0 : 1, "!(" #c ")", __VA_ARGS__)
#define MH_SHIM_OP_(fatal, op, a, b, ...)                                                                              \
    mh_shim_check(__FILE__, __LINE__, fatal, ((a)op(b)) ? 1 : 0, #a " " #op " " #b, __VA_ARGS__)
#define MH_SHIM_NULL_(fatal, op, p, ...)                                                                               \
    mh_shim_check(__FILE__, __LINE__, fatal, ((p)op NULL) ? 1 : 0, #p " " #op " NULL", __VA_ARGS__)
#define MH_SHIM_STR_(fatal, op, a, b, ...)                                                                             \
    mh_shim_check(__FILE__, __LINE__, fatal, (strcmp((a), (b)) op 0) ? 1 : 0, #a " " #op " " #b, __VA_ARGS__)
#define MH_SHIM_NEAR_(fatal, a, b, eps, ...)                                                                           \
    mh_shim_check(__FILE__, __LINE__, fatal, mh_shim_near((a), (b), (eps)), #a " == " #b " +- " #eps, __VA_ARGS__)

#define cr_assert(...) MH_SHIM_IF_(1, __VA_ARGS__, "")
#define cr_assert_not(...) MH_SHIM_NOT_(1, __VA_ARGS__, "")
#define cr_expect(...) MH_SHIM_IF_(0, __VA_ARGS__, "")
#define cr_assert_eq(...) MH_SHIM_OP_(1, ==, __VA_ARGS__, "")
#define cr_assert_neq(...) MH_SHIM_OP_(1, !=, __VA_ARGS__, "")
#define cr_assert_lt(...) MH_SHIM_OP_(1, <, __VA_ARGS__, "")
#define cr_assert_leq(...) MH_SHIM_OP_(1, <=, __VA_ARGS__, "")
#define cr_assert_gt(...) MH_SHIM_OP_(1, >, __VA_ARGS__, "")
#define cr_assert_geq(...) MH_SHIM_OP_(1, >=, __VA_ARGS__, "")
#define cr_expect_lt(...) MH_SHIM_OP_(0, <, __VA_ARGS__, "")
#define cr_expect_eq(...) MH_SHIM_OP_(0, ==, __VA_ARGS__, "")
#define cr_expect_neq(...) MH_SHIM_OP_(0, !=, __VA_ARGS__, "")
#define cr_expect_leq(...) MH_SHIM_OP_(0, <=, __VA_ARGS__, "")
#define cr_expect_geq(...) MH_SHIM_OP_(0, >=, __VA_ARGS__, "")
#define cr_expect_gt(...) MH_SHIM_OP_(0, >, __VA_ARGS__, "")
#define cr_assert_null(...) MH_SHIM_NULL_(1, ==, __VA_ARGS__, "")
#define cr_assert_not_null(...) MH_SHIM_NULL_(1, !=, __VA_ARGS__, "")
#define cr_expect_null(...) MH_SHIM_NULL_(0, ==, __VA_ARGS__, "")
#define cr_expect_not_null(...) MH_SHIM_NULL_(0, !=, __VA_ARGS__, "")
#define cr_assert_str_eq(...) MH_SHIM_STR_(1, ==, __VA_ARGS__, "")
#define cr_assert_str_neq(...) MH_SHIM_STR_(1, !=, __VA_ARGS__, "")
#define cr_expect_str_eq(...) MH_SHIM_STR_(0, ==, __VA_ARGS__, "")
#define cr_assert_float_eq(...) MH_SHIM_NEAR_(1, __VA_ARGS__, "")
#define cr_expect_float_eq(...) MH_SHIM_NEAR_(0, __VA_ARGS__, "")
#define cr_log_info(...) mh_shim_log(__VA_ARGS__)
#define cr_log_warn(...) mh_shim_log(__VA_ARGS__)
/* Ends the test as passed after logging why it was skipped; only in the body of a Test (it returns). */
#define cr_skip_test(...)                                                                                              \
    do {                                                                                                               \
        mh_shim_log(__VA_ARGS__);                                                                                      \
        return;                                                                                                        \
    } while (0)

#endif
