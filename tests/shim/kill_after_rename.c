/* kill_after_rename: an LD_PRELOAD shim for the tests of what a killed run leaves behind. It wraps
 * rename(2): when $MH_KILL_AFTER_RENAME is set and the new name ends with it, the process kills its
 * whole process group with SIGKILL right after that rename, as a kill between two renames would,
 * deterministically (helpers.h: mh_test_sh_killed_after_rename starts the command in a group of its
 * own). Built without sanitizers: it only forwards to libc. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

int rename(const char *from, const char *to)
{
    int (*real)(const char *, const char *) = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
    if (real == NULL)
        abort();
    const int rc = real(from, to);
    const char *suffix = getenv("MH_KILL_AFTER_RENAME");
    if (rc == 0 && suffix != NULL && *suffix != '\0') {
        const size_t n = strlen(to), m = strlen(suffix);
        if (n >= m && strcmp(to + n - m, suffix) == 0)
            kill(0, SIGKILL);
    }
    return rc;
}
