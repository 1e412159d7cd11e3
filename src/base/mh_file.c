/* src/base: what every layer needs (status, error context, units, version, untrusted files); no other layer. */
/* mh_file: inputs, outputs, temporaries and locks, with every path treated as untrusted (see mh_file.h).
 *
 * What each function defends against (papers/reliability.md, "Hostile files"):
 * - an input that is a FIFO, a device or a huge file: the type and size are checked on the opened
 *   descriptor, which was opened with O_NONBLOCK (opening a FIFO for reading does not wait then);
 * - an output name that is a device node or a directory: refused before anything is renamed or removed;
 * - a symbolic link planted where a temporary file will be created: temporaries get unpredictable
 *   names and are created with O_CREAT | O_EXCL | O_NOFOLLOW, which fail on any existing entry;
 * - a lock file swapped or removed while it is being taken: the lock is taken on the descriptor and
 *   then checked to be the file that the name still names. */
#define _DEFAULT_SOURCE /* flock, getrandom */
#include "mh_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* What a file of mode m is, for messages ("a directory"). */
static const char *kind_of(mode_t m)
{
    return S_ISDIR(m)    ? "a directory"
           : S_ISCHR(m)  ? "a character device"
           : S_ISBLK(m)  ? "a block device"
           : S_ISFIFO(m) ? "a FIFO (named pipe)"
           : S_ISSOCK(m) ? "a socket"
           : S_ISLNK(m)  ? "a symbolic link"
                         : "not a regular file";
}

/* The checks of an input on its status st. */
static mh_status input_fits(const char *path, const char *what, off_t max_bytes, const struct stat *st, mh_ctx *ctx)
{
    if (!S_ISREG(st->st_mode))
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: the %s is %s, not a regular file", path, what, kind_of(st->st_mode));
    if (max_bytes > 0 && st->st_size > max_bytes)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: the %s has %lld bytes, more than the %lld a %s may have", path, what,
                        (long long)st->st_size, (long long)max_bytes, what);
    return MH_OK;
}

mh_status mh_file_check_input(const char *path, const char *what, off_t max_bytes, off_t *size, mh_ctx *ctx)
{
    struct stat st;
    if (path == NULL || path[0] == '\0')
        return MH_ERROR(ctx, MH_ERR_INPUT, "the %s's name is empty", what);
    if (stat(path, &st) != 0)
        return MH_ERROR(ctx, errno == ENOENT || errno == ENOTDIR ? MH_ERR_INPUT : MH_ERR_IO, "%s: cannot open: %s",
                        path, strerror(errno));
    mh_status s = input_fits(path, what, max_bytes, &st, ctx);
    if (s == MH_OK && size != NULL)
        *size = st.st_size;
    return s;
}

FILE *mh_file_open_input(const char *path, const char *what, off_t max_bytes, mh_ctx *ctx)
{
    if (path == NULL || path[0] == '\0') {
        MH_ERROR(ctx, MH_ERR_INPUT, "the %s's name is empty", what);
        return NULL;
    }
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        MH_ERROR(ctx, errno == ENOENT || errno == ENOTDIR ? MH_ERR_INPUT : MH_ERR_IO, "%s: cannot open: %s", path,
                 strerror(errno));
        return NULL;
    }
    struct stat st;
    mh_status s = fstat(fd, &st) != 0 ? MH_ERROR(ctx, MH_ERR_IO, "%s: cannot examine: %s", path, strerror(errno))
                                      : input_fits(path, what, max_bytes, &st, ctx);
    int flags = s == MH_OK ? fcntl(fd, F_GETFL) : -1;
    if (s == MH_OK && (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0))
        s = MH_ERROR(ctx, MH_ERR_IO, "%s: cannot read: %s", path, strerror(errno));
    FILE *f = s == MH_OK ? fdopen(fd, "r") : NULL;
    if (s == MH_OK && f == NULL)
        MH_ERROR(ctx, MH_ERR_NOMEM, "%s: cannot read: %s", path, strerror(errno));
    if (f == NULL)
        close(fd);
    return f;
}

mh_status mh_file_check_output(const char *path, mh_ctx *ctx)
{
    if (path == NULL || path[0] == '\0')
        return MH_ERROR(ctx, MH_ERR_INPUT, "an output's name is empty");
    const size_t n = strlen(path);
    if (path[n - 1] == '/')
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: an output's name cannot end in '/' (it names a folder)", path);
    struct stat st;
    if (lstat(path, &st) != 0)
        return MH_OK; /* nothing there (or its folder is missing or closed: creating the file will say so) */
    if (S_ISLNK(st.st_mode) && stat(path, &st) != 0)
        return MH_OK; /* a dangling link: the rename replaces the link itself */
    if (!S_ISREG(st.st_mode))
        return MH_ERROR(ctx, MH_ERR_INPUT,
                        "%s: exists and is %s; an output may replace only a regular file (choose another name)", path,
                        kind_of(st.st_mode));
    return MH_OK;
}

bool mh_file_remove_regular(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT;
    if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
        return false;
    return unlink(path) == 0 || errno == ENOENT;
}

char *mh_file_temp_name(const char *path)
{
    static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    unsigned char r[6];
    if (getrandom(r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) { /* no entropy yet: the clock will do */
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        unsigned long x = (unsigned long)t.tv_nsec ^ ((unsigned long)t.tv_sec << 20) ^ (unsigned long)getpid();
        for (size_t k = 0; k < sizeof r; k++, x >>= 5)
            r[k] = (unsigned char)x;
    }
    char suffix[sizeof r + 1];
    for (size_t k = 0; k < sizeof r; k++)
        suffix[k] = digits[r[k] % 36];
    suffix[sizeof r] = '\0';
    size_t len = strlen(path) + 48;
    char *tmp = malloc(len);
    if (tmp != NULL)
        snprintf(tmp, len, "%s.tmp.%ld.%s", path, (long)getpid(), suffix);
    return tmp;
}

FILE *mh_file_temp_open(const char *path, char **tmp, mh_ctx *ctx)
{
    *tmp = NULL;
    for (int attempt = 0; attempt < 64; attempt++) {
        char *name = mh_file_temp_name(path);
        if (name == NULL) {
            MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (temporary file of %s)", path);
            return NULL;
        }
        int fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0666);
        if (fd < 0 && errno == EEXIST) {
            free(name);
            continue;
        }
        FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (f == NULL) {
            MH_ERROR(ctx, MH_ERR_IO, "%s: cannot write: %s", name, strerror(errno));
            if (fd >= 0) {
                close(fd);
                unlink(name);
            }
            free(name);
            return NULL;
        }
        *tmp = name;
        return f;
    }
    MH_ERROR(ctx, MH_ERR_IO, "%s: cannot find a free name for a temporary file beside it", path);
    return NULL;
}

/* fsync of the file or folder at path (not following a symbolic link); false on failure. */
static bool sync_path(const char *path, int flags)
{
    int fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return false;
    bool ok = fsync(fd) == 0 || errno == EINVAL; /* some file systems cannot sync a folder */
    return close(fd) == 0 && ok;
}

mh_status mh_file_commit(const char *tmp, const char *path, mh_ctx *ctx)
{
    mh_status s = mh_file_check_output(path, ctx);
    if (s != MH_OK) {
        unlink(tmp);
        return s;
    }
    int err = 0;
    if (!sync_path(tmp, O_RDONLY) || rename(tmp, path) != 0)
        err = errno;
    if (err != 0) {
        unlink(tmp);
        return MH_ERROR(ctx, MH_ERR_IO, "%s: cannot finish the file: %s", path, strerror(err));
    }
    /* the rename itself is durable once the folder is synced */
    const char *slash = strrchr(path, '/');
    char dir[4096];
    snprintf(dir, sizeof dir, "%.*s",
             slash == NULL   ? 1
             : slash == path ? 1
                             : (int)(slash - path),
             slash == NULL ? "." : path);
    sync_path(dir, O_RDONLY | O_DIRECTORY);
    return MH_OK;
}

mh_status mh_file_finish(FILE *f, const char *tmp, const char *path, mh_ctx *ctx)
{
    bool ok = fflush(f) == 0 && ferror(f) == 0;
    ok = ok && (fsync(fileno(f)) == 0 || errno == EINVAL);
    const int err = ok ? 0 : errno;
    ok = fclose(f) == 0 && ok;
    if (!ok) {
        unlink(tmp);
        return MH_ERROR(ctx, MH_ERR_IO, "%s: cannot write (disk full?): %s", path, strerror(err ? err : errno));
    }
    return mh_file_commit(tmp, path, ctx);
}

/* The pid in a temporary's name after "<base>.tmp.": digits, then the end or '.'; 0 when it is not one. */
static long temp_pid(const char *name, const char *base, size_t nbase)
{
    if (strncmp(name, base, nbase) != 0 || strncmp(name + nbase, ".tmp.", 5) != 0)
        return 0;
    const char *p = name + nbase + 5;
    long pid = 0;
    size_t k = 0;
    for (; p[k] >= '0' && p[k] <= '9' && k < 9; k++)
        pid = 10 * pid + (p[k] - '0');
    return k > 0 && (p[k] == '\0' || p[k] == '.') ? pid : 0;
}

/* Whether process pid runs: it exists and is not a zombie (a killed process whose parent died too waits,
 * for a moment, to be reaped by init; its files are as dead as it is). */
static bool process_runs(long pid)
{
    if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
        return false;
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return true; /* no /proc: trust kill */
    const size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *end = strrchr(buf, ')'); /* "pid (comm) S ...": comm may hold blanks and parentheses */
    return end == NULL || end[1] != ' ' || end[2] != 'Z';
}

int mh_file_remove_stale(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash == NULL ? path : slash + 1;
    char dir[4096];
    const int w = slash == NULL ? snprintf(dir, sizeof dir, ".")
                                : snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    if (w <= 0 || (size_t)w >= sizeof dir || base[0] == '\0')
        return 0;
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    const size_t nbase = strlen(base);
    int removed = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        const long pid = temp_pid(e->d_name, base, nbase);
        if (pid <= 0 || pid == (long)getpid() || process_runs(pid))
            continue; /* not a temporary of path, or its writer (or a process of that pid) runs */
        char file[8192];
        if (snprintf(file, sizeof file, "%s/%s", dir, e->d_name) < (int)sizeof file && mh_file_remove_regular(file))
            removed++;
    }
    closedir(d);
    return removed;
}

/* ---------- locks ---------- */

struct mh_lock {
    int fd;
    bool shared;
    pid_t owner; /* the process that took it: only it removes the lock file */
    char *path;
};

/* The pid written in the lock file of fd, or 0 when it holds none. */
static long holder_of(int fd)
{
    char buf[32] = {0};
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return 0;
    char *end = NULL;
    long pid = strtol(buf, &end, 10);
    return end != buf && pid > 0 ? pid : 0;
}

mh_status mh_lock_acquire(const char *lock_path, bool shared, const char *what, mh_ctx *ctx, mh_lock **out)
{
    *out = NULL;
    for (int attempt = 0; attempt < 16; attempt++) {
        int fd = open(lock_path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0666);
        if (fd < 0)
            return MH_ERROR(ctx, errno == ELOOP ? MH_ERR_INPUT : MH_ERR_IO, "%s: cannot make the lock file of %s: %s",
                            lock_path, what, errno == ELOOP ? "it is a symbolic link" : strerror(errno));
        struct stat a, b;
        if (fstat(fd, &a) != 0 || !S_ISREG(a.st_mode)) {
            close(fd);
            return MH_ERROR(ctx, MH_ERR_INPUT, "%s: the lock file of %s is not a regular file", lock_path, what);
        }
        if (flock(fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0) {
            const int err = errno;
            const long pid = holder_of(fd);
            close(fd);
            if (err != EWOULDBLOCK)
                return MH_ERROR(ctx, MH_ERR_IO, "%s: cannot lock %s: %s", lock_path, what, strerror(err));
            if (pid > 0)
                return MH_ERROR(ctx, MH_ERR_IO,
                                "%s is in use: process %ld holds its lock %s (wait for it to end, or "
                                "write elsewhere)",
                                what, pid, lock_path);
            return MH_ERROR(ctx, MH_ERR_IO, "%s is in use: another process holds its lock %s", what, lock_path);
        }
        /* the name may have been removed (by a holder releasing it) or replaced since it was opened */
        if (stat(lock_path, &b) != 0 || a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
            close(fd);
            continue;
        }
        if (!shared) {
            char pid[32];
            const int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
            if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
                const int err = errno;
                close(fd);
                return MH_ERROR(ctx, MH_ERR_IO, "%s: cannot write the lock file of %s: %s", lock_path, what,
                                strerror(err));
            }
        }
        mh_lock *l = malloc(sizeof *l);
        char *p = strdup(lock_path);
        if (l == NULL || p == NULL) {
            free(l);
            free(p);
            close(fd);
            return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (lock of %s)", what);
        }
        *l = (mh_lock){fd, shared, getpid(), p};
        *out = l;
        return MH_OK;
    }
    return MH_ERROR(ctx, MH_ERR_IO, "%s: its lock file keeps being replaced; cannot lock %s", lock_path, what);
}

void mh_lock_release(mh_lock **lp)
{
    if (lp == NULL || *lp == NULL)
        return;
    mh_lock *l = *lp;
    struct stat a, b;
    /* removed while still held, so that a process waiting on this file finds it gone and starts over */
    if (!l->shared && l->owner == getpid() && fstat(l->fd, &a) == 0 && lstat(l->path, &b) == 0 &&
        a.st_dev == b.st_dev && a.st_ino == b.st_ino)
        unlink(l->path);
    close(l->fd);
    free(l->path);
    free(l);
    *lp = NULL;
}
