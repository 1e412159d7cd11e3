/* lsan_runner: LeakSanitizer (make check-asan) checks the test processes, not the Criterion runner. */
#include <criterion/criterion.h>

/* Called by LeakSanitizer at the exit of a process, which it skips when this returns 1 (an ordinary
 * function in builds without the sanitizer). Criterion runs each test in a process of its own, where
 * criterion_current_test names the test; in the runner that starts them it is NULL. The runner runs
 * no microheal code, and libcriterion 2.4.1 leaks there the 48-byte requests of its timeout watchdog
 * (BoxFort's bxfi_push_timeout, for tests with a .timeout; 5 or 6 of them in a run of the suite). */
int __lsan_is_turned_off(void);
int __lsan_is_turned_off(void) { return criterion_current_test == NULL; }
