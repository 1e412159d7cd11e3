/* signal_at_open: an LD_PRELOAD shim for the tests of signals that come at awkward moments. It wraps
 * open(2): when $MH_SIGNAL_AT_OPEN is "SIG:SUFFIX" and a file whose name ends with SUFFIX is opened, the
 * process sends itself signal SIG, once, right after that open, as a SIGTERM or SIGHUP arriving while
 * a checkpoint is read back would (tests/test_checkpoint.c). Built without sanitizers: it only
 * forwards to libc. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static int sent = 0;

static void maybe_signal(const char *path)
{
    const char *spec = getenv("MH_SIGNAL_AT_OPEN");
    const char *colon = spec != NULL ? strchr(spec, ':') : NULL;
    if (sent || colon == NULL || path == NULL)
        return;
    const size_t n = strlen(path), m = strlen(colon + 1);
    if (m > 0 && n >= m && strcmp(path + n - m, colon + 1) == 0) {
        sent = 1;
        raise(atoi(spec));
    }
}

typedef int open_fn(const char *, int, ...);
_Static_assert(sizeof(open_fn *) == sizeof(void *), "dlsym's pointer holds a function pointer");

/* The next definition of name (libc's); aborts when there is none. ISO C converts no object pointer
 * (dlsym's) to a function pointer; POSIX says it holds one, so its bytes are copied. */
static open_fn *next_open(const char *name)
{
    void *sym = dlsym(RTLD_NEXT, name);
    if (sym == NULL)
        abort();
    open_fn *fn;
    memcpy(&fn, &sym, sizeof fn);
    return fn;
}

#define WRAP(name)                                                                                                     \
    int name(const char *path, int flags, ...)                                                                         \
    {                                                                                                                  \
        open_fn *real = next_open(#name);                                                                              \
        mode_t mode = 0;                                                                                               \
        if (flags & O_CREAT) {                                                                                         \
            va_list ap;                                                                                                \
            va_start(ap, flags);                                                                                       \
            mode = (mode_t)va_arg(ap, int);                                                                            \
            va_end(ap);                                                                                                \
        }                                                                                                              \
        const int fd = real(path, flags, mode);                                                                        \
        if (fd >= 0)                                                                                                   \
            maybe_signal(path);                                                                                        \
        return fd;                                                                                                     \
    }

WRAP(open)
WRAP(open64)
