/* src/base: what every layer needs (status, error context, units, version, untrusted files); no other layer. */
/* mh_file: files as untrusted things: inputs that must be regular files of bounded size, outputs that
 * may replace only a regular file, temporaries that cannot be redirected, advisory locks, and the
 * removal of temporaries that dead processes left (papers/reliability.md, "Hostile files"). */
#ifndef MH_FILE_H
#define MH_FILE_H

#include "mh_ctx.h"

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

/* The largest configuration file (INI) that is read: a configuration is a few kB; a larger file is
 * refused before it is read (a 1 GB sparse file took 18 s to refuse line by line). */
#define MH_FILE_MAX_CONFIG_BYTES ((off_t)4 << 20)

/* Checks that path names an existing regular file (symbolic links followed) of at most max_bytes
 * (max_bytes <= 0: any size) without opening it for reading (a FIFO is never opened, so it cannot
 * hang), and gives its size in *size unless size is NULL. what names the file's role in messages
 * ("configuration", "output"). MH_ERR_INPUT naming path: missing, a directory, a device, a FIFO, a
 * socket, or too large; MH_ERR_IO when it cannot be examined. */
mh_status mh_file_check_input(const char *path, const char *what, off_t max_bytes, off_t *size, mh_ctx *ctx);

/* Opens path for reading ("r" or "rb" semantics) after the checks of mh_file_check_input, made on the
 * opened file itself (O_NONBLOCK while opening, so a FIFO swapped in between does not hang; no TOCTOU
 * window). NULL with the error in ctx. */
FILE *mh_file_open_input(const char *path, const char *what, off_t max_bytes, mh_ctx *ctx);

/* Checks that path may be written as an output (by renaming a temporary file onto it): it does not
 * exist, or it is a regular file (a symbolic link is followed to what it names: a link to a regular
 * file is replaced by the new file, a link to anything else is refused). MH_ERR_INPUT naming path and
 * what it is ("a directory", "a character device", ...) otherwise, or when path is empty or ends in
 * '/'. */
mh_status mh_file_check_output(const char *path, mh_ctx *ctx);

/* Removes path if it is a regular file or a symbolic link (never a directory, device or FIFO);
 * missing is fine. Returns true when nothing of that kind is left under the name. */
bool mh_file_remove_regular(const char *path);

/* Name of a fresh temporary file beside path: "<path>.tmp.<pid>.<6 random characters>", malloc'ed
 * (NULL when memory runs out). The name is not created: open it with O_CREAT | O_EXCL (mh_file_temp_open)
 * or H5F_ACC_EXCL, which fail on any existing entry, a planted symbolic link included; take a new
 * name when it exists. The pid lets mh_file_remove_stale tell a dead writer's temporaries. */
char *mh_file_temp_name(const char *path);

/* Creates a fresh temporary file beside path (mh_file_temp_name; O_CREAT | O_EXCL | O_NOFOLLOW, mode
 * 0666 less the umask, retried with new names while one exists) and opens it for writing as a stream.
 * Its malloc'ed name goes to *tmp. NULL with MH_ERR_IO in ctx on failure (nothing created). */
FILE *mh_file_temp_open(const char *path, char **tmp, mh_ctx *ctx);

/* Finishes a temporary file written through a stream: fflush, fsync, fclose (f is closed in every
 * case), then mh_file_commit. On any failure the temporary file is removed and MH_ERR_IO returned,
 * naming path ("disk full?"); an older file at path is then untouched. */
mh_status mh_file_finish(FILE *f, const char *tmp, const char *path, mh_ctx *ctx);

/* Makes a finished (closed) temporary file final: mh_file_check_output, fsync, rename onto path, fsync
 * of the folder. On failure the temporary file is removed; an older file at path is untouched. */
mh_status mh_file_commit(const char *tmp, const char *path, mh_ctx *ctx);

/* Removes the temporary files of path ("<path>.tmp.<pid>[.<anything>]", regular files and symbolic
 * links only) whose writer is no longer running (no process <pid>). Call it while holding path's
 * lock, so that no live writer of the same output can be mistaken for a dead one. Returns the number
 * removed. */
int mh_file_remove_stale(const char *path);

/* An advisory lock (flock) on a lock file: one writer of an output or of a sweep's folder at a time. */
typedef struct mh_lock mh_lock;

/* Takes the lock of lock_path (created if missing: a regular file, O_NOFOLLOW; it holds the holder's
 * pid) without waiting: exclusive, or shared (several shared holders at once, no exclusive one).
 * what names what the lock guards in messages ("output x.h5"). MH_ERR_IO naming the holder's pid when
 * another process holds it, or when the lock file cannot be made or locked; MH_ERR_INPUT when
 * lock_path is a symbolic link or not a regular file. The lock
 * file is removed when the last exclusive holder releases it. */
mh_status mh_lock_acquire(const char *lock_path, bool shared, const char *what, mh_ctx *ctx, mh_lock **out);
/* Releases the lock (and, for an exclusive lock, removes its file); accepts NULL. A child process that
 * inherited the lock (fork) only closes its descriptor. */
void mh_lock_release(mh_lock **lock);

#endif
