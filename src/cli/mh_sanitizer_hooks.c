/* src/cli: the microheal command: parse the arguments, call the library, report, exit code. */
/* mh_sanitizer_hooks: settings that AddressSanitizer and LeakSanitizer read at start-up, for the
 * executables that call MPI (microheal, tests/mpi/farm_check) when built with them (make check-asan);
 * ordinary functions that nothing calls otherwise.
 *
 * Open MPI 4.1 keeps for ever much of what MPI_Init_thread allocates (about 120 kB in 3,300 blocks per
 * rank), partly from MCA components that MPI_Finalize has dlclose'd. Leaks whose allocation stack passes
 * through Open MPI's libraries are therefore suppressed (quietly: make check-asan fails on any report
 * file). Open MPI is built without frame pointers, where the fast unwinder stops, so malloc stacks are
 * unwound in full for the suppressions to see those libraries. (Always: the environment cannot tell
 * here whether an MPI launcher started the process, as getenv does not see it yet when ASan reads
 * these options; tried and seen to fail.) A leak of microheal's own code is still reported. */

const char *__asan_default_options(void);
const char *__lsan_default_options(void);
const char *__lsan_default_suppressions(void);

const char *__asan_default_options(void) { return "fast_unwind_on_malloc=0"; }

const char *__lsan_default_options(void) { return "print_suppressions=0"; }

const char *__lsan_default_suppressions(void)
{
    return "leak:libmpi.so\nleak:libopen-pal.so\nleak:libopen-rte.so\nleak:libpmix.so\nleak:libhwloc.so\n"
           "leak:libevent\n";
}
