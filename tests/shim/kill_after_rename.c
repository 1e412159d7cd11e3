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

typedef int rename_fn(const char *, const char *);
_Static_assert(sizeof(rename_fn *) == sizeof(void *), "dlsym's pointer holds a function pointer");

int rename(const char *from, const char *to)
{
    /* ISO C converts no object pointer (dlsym's) to a function pointer; POSIX says it holds one: its bytes */
    void *sym = dlsym(RTLD_NEXT, "rename");
    if (sym == NULL)
        abort();
    rename_fn *real;
    memcpy(&real, &sym, sizeof real);
    const int rc = real(from, to);
    const char *suffix = getenv("MH_KILL_AFTER_RENAME");
    if (rc == 0 && suffix != NULL && *suffix != '\0') {
        const size_t n = strlen(to), m = strlen(suffix);
        if (n >= m && strcmp(to + n - m, suffix) == 0)
            kill(0, SIGKILL);
    }
    return rc;
}
