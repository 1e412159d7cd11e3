/* test_file: mh_file, the library's handling of untrusted paths: inputs that are not regular files,
 * outputs that may not be replaced, temporaries, the removal of dead writers' temporaries, and locks
 * (papers/reliability.md, "Hostile files"). */
#include "helpers.h"

#include "mh_file.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

static void touch(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

Test(file, inputs_must_be_regular_files_of_bounded_size)
{
    char dir[256], fifo[300], reg[300], big[300];
    mh_test_mkdtemp(dir, sizeof dir, "file_in");
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    snprintf(reg, sizeof reg, "%s/a.ini", dir);
    snprintf(big, sizeof big, "%s/big.ini", dir);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    touch(reg, "[grid]\n");
    int fd = open(big, O_WRONLY | O_CREAT, 0600); /* sparse: 1 GiB that takes no room */
    cr_assert(fd >= 0 && ftruncate(fd, (off_t)1 << 30) == 0);
    close(fd);

    mh_ctx ctx;
    off_t size = -1;
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_file_check_input(reg, "configuration", 100, &size, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_eq(size, 7); /* "[grid]\n" */
    const struct {
        const char *path, *says;
    } bad[] = {{dir, "a directory"}, {fifo, "a FIFO"}, {"/dev/null", "a character device"}, {big, "more than the"}};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        mh_ctx_init(&ctx);
        cr_assert_eq(mh_file_check_input(bad[k].path, "configuration", 1 << 20, NULL, &ctx), MH_ERR_INPUT, "%s",
                     bad[k].path);
        cr_assert(strstr(ctx.msg, bad[k].says) && strstr(ctx.msg, bad[k].path), "%s", ctx.msg);
        /* opening must refuse it as well, without waiting for a writer of the FIFO */
        mh_ctx_init(&ctx);
        const time_t t0 = time(NULL);
        FILE *f = mh_file_open_input(bad[k].path, "configuration", 1 << 20, &ctx);
        cr_assert_null(f, "%s was opened", bad[k].path);
        cr_assert_eq(ctx.status, MH_ERR_INPUT);
        cr_assert_leq(time(NULL) - t0, 2, "opening %s waited", bad[k].path);
    }
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_file_check_input("", "configuration", 0, NULL, &ctx), MH_ERR_INPUT);
    mh_ctx_init(&ctx);
    FILE *f = mh_file_open_input(reg, "configuration", 0, &ctx);
    cr_assert_not_null(f, "%s", ctx.msg);
    char line[16] = "";
    cr_assert_not_null(fgets(line, sizeof line, f));
    cr_assert_str_eq(line, "[grid]\n");
    fclose(f);
}

Test(file, outputs_replace_only_regular_files)
{
    char dir[256], path[300], link[300], fifo[300];
    mh_test_mkdtemp(dir, sizeof dir, "file_out");
    mh_ctx ctx;
    snprintf(path, sizeof path, "%s/new.h5", dir);
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_file_check_output(path, &ctx), MH_OK, "a missing file may be written: %s", ctx.msg);
    touch(path, "x");
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_file_check_output(path, &ctx), MH_OK, "a regular file may be replaced: %s", ctx.msg);
    snprintf(link, sizeof link, "%s/link.h5", dir);
    cr_assert_eq(symlink("new.h5", link), 0);
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_file_check_output(link, &ctx), MH_OK, "a link to a regular file: %s", ctx.msg);
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    const char *refused[] = {dir, fifo, "/dev/null", ""};
    for (size_t k = 0; k < sizeof refused / sizeof refused[0]; k++) {
        mh_ctx_init(&ctx);
        cr_assert_eq(mh_file_check_output(refused[k], &ctx), MH_ERR_INPUT, "'%s' accepted", refused[k]);
    }
    cr_assert(strstr(ctx.msg, "empty") != NULL, "%s", ctx.msg);
    snprintf(link, sizeof link, "%s/to_fifo", dir);
    cr_assert_eq(symlink("fifo", link), 0);
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_file_check_output(link, &ctx), MH_ERR_INPUT, "a link to a FIFO accepted");
    cr_assert(strstr(ctx.msg, "FIFO") != NULL, "%s", ctx.msg);
    /* and what is not a regular file (or a link) is never removed */
    cr_assert_not(mh_file_remove_regular(dir));
    cr_assert_not(mh_file_remove_regular(fifo));
    cr_assert(mh_test_exists(dir) && mh_test_exists(fifo));
    cr_assert(mh_file_remove_regular(path) && !mh_test_exists(path));
    cr_assert(mh_file_remove_regular(path), "a missing file is fine");
}

Test(file, temporaries_are_fresh_files_with_the_writers_pid)
{
    char dir[256], path[300];
    mh_test_mkdtemp(dir, sizeof dir, "file_tmp");
    snprintf(path, sizeof path, "%s/out.dat", dir);
    char prefix[400];
    snprintf(prefix, sizeof prefix, "%s.tmp.%ld.", path, (long)getpid());
    char *names[32];
    for (int k = 0; k < 32; k++) {
        mh_ctx ctx;
        mh_ctx_init(&ctx);
        FILE *f = mh_file_temp_open(path, &names[k], &ctx);
        cr_assert_not_null(f, "%s", ctx.msg);
        cr_assert(strncmp(names[k], prefix, strlen(prefix)) == 0 && strlen(names[k]) == strlen(prefix) + 6,
                  "%s does not read %sXXXXXX", names[k], prefix);
        for (int j = 0; j < k; j++)
            cr_assert_str_neq(names[j], names[k], "two temporaries share a name");
        struct stat st;
        cr_assert(lstat(names[k], &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0);
        fclose(f);
    }
    /* mh_file_finish makes one final: content, under the final name, nothing left beside it */
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    char *tmp = NULL;
    FILE *f = mh_file_temp_open(path, &tmp, &ctx);
    cr_assert_not_null(f);
    fputs("hello\n", f);
    cr_assert_eq(mh_file_finish(f, tmp, path, &ctx), MH_OK, "%s", ctx.msg);
    char *text = mh_test_read_file(path);
    cr_assert_str_eq(text, "hello\n");
    cr_assert_not(mh_test_exists(tmp));
    free(text);
    free(tmp);
    for (int k = 0; k < 32; k++) {
        unlink(names[k]);
        free(names[k]);
    }
}

/* Temporaries of a dead writer go, those of a live process, of other outputs, folders and FIFOs stay. */
Test(file, only_the_temporaries_of_dead_writers_are_removed)
{
    char dir[256], out[300], f[32][400];
    mh_test_mkdtemp(dir, sizeof dir, "file_stale");
    snprintf(out, sizeof out, "%s/run.h5", dir);
    const long dead = mh_test_dead_pid(), live = (long)getppid(), self = (long)getpid();
    int n = 0;
    snprintf(f[n++], 400, "%s.tmp.%ld", out, dead);         /* 0: old form, dead: removed */
    snprintf(f[n++], 400, "%s.tmp.%ld.ab12cd", out, dead);  /* 1: dead: removed */
    snprintf(f[n++], 400, "%s.tmp.%ld.ab12cd", out, live);  /* 2: a live process's: kept */
    snprintf(f[n++], 400, "%s.tmp.%ld.x", out, self);       /* 3: this process's own: kept */
    snprintf(f[n++], 400, "%s/run.h5x.tmp.%ld", dir, dead); /* 4: another output's: kept */
    snprintf(f[n++], 400, "%s.tmp.png", out);               /* 5: not a pid: kept */
    snprintf(f[n++], 400, "%s.tmp.%ldz", out, dead);        /* 6: not a pid: kept */
    for (int k = 0; k < n; k++)
        touch(f[k], "partial");
    char link[400], sub[400], fifo[400];
    snprintf(link, sizeof link, "%s.tmp.%ld.link", out, dead); /* a link: removed, not what it names */
    cr_assert_eq(symlink(f[5], link), 0);
    snprintf(sub, sizeof sub, "%s.tmp.%ld.dir", out, dead); /* a folder of that name: kept */
    cr_assert_eq(mkdir(sub, 0700), 0);
    snprintf(fifo, sizeof fifo, "%s.tmp.%ld.fifo", out, dead); /* a FIFO: kept */
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    cr_assert_eq(mh_file_remove_stale(out), 3);
    const bool kept[] = {false, false, true, true, true, true, true};
    for (int k = 0; k < n; k++)
        cr_assert_eq(mh_test_exists(f[k]), kept[k], "%s %s", f[k], kept[k] ? "removed" : "left");
    struct stat st;
    cr_assert_neq(lstat(link, &st), 0, "the link is left");
    cr_assert(mh_test_exists(sub) && mh_test_exists(fifo));
}

/* Runs in a child process: tries the lock of path (shared or not) and exits 0 if it got it, 3 if it was
 * refused with a message that names want (unless NULL), 4 otherwise. */
static int try_lock_in_child(const char *path, bool shared, const char *want)
{
    fflush(NULL);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        mh_ctx ctx;
        mh_ctx_init(&ctx);
        mh_lock *l = NULL;
        mh_status st = mh_lock_acquire(path, shared, "output x.h5", &ctx, &l);
        mh_lock_release(&l);
        if (st == MH_OK)
            _exit(0);
        _exit(st == MH_ERR_IO && (want == NULL || strstr(ctx.msg, want) != NULL) ? 3 : 4);
    }
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status));
    return WEXITSTATUS(status);
}

Test(file, a_lock_refuses_a_second_writer_naming_the_first)
{
    char dir[256], path[300], me[64];
    mh_test_mkdtemp(dir, sizeof dir, "file_lock");
    snprintf(path, sizeof path, "%s/out.lock", dir);
    snprintf(me, sizeof me, "process %ld holds", (long)getpid());
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_lock *a = NULL;
    cr_assert_eq(mh_lock_acquire(path, false, "output x.h5", &ctx, &a), MH_OK, "%s", ctx.msg);
    cr_assert_eq(try_lock_in_child(path, false, me), 3, "a second exclusive holder, or no pid named");
    cr_assert_eq(try_lock_in_child(path, true, me), 3, "a shared holder beside an exclusive one");
    mh_lock_release(&a);
    cr_assert_null(a);
    cr_assert_not(mh_test_exists(path), "the lock file is removed with the lock");
    cr_assert_eq(try_lock_in_child(path, false, NULL), 0, "free again");
    /* shared holders coexist, and keep an exclusive one out */
    mh_lock *s = NULL;
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_lock_acquire(path, true, "folder d", &ctx, &s), MH_OK, "%s", ctx.msg);
    cr_assert_eq(try_lock_in_child(path, true, NULL), 0);
    cr_assert_eq(try_lock_in_child(path, false, "another process holds"), 3);
    mh_lock_release(&s);
    mh_lock_release(&s); /* NULL is fine */
    /* a lock file that is a link or a FIFO is refused, not followed or opened for waiting */
    char link[300], victim[300];
    snprintf(link, sizeof link, "%s/l.lock", dir);
    snprintf(victim, sizeof victim, "%s/victim", dir);
    touch(victim, "keep me");
    cr_assert_eq(symlink(victim, link), 0);
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_lock_acquire(link, false, "output y.h5", &ctx, &a), MH_ERR_INPUT);
    cr_assert(strstr(ctx.msg, "symbolic link") != NULL, "%s", ctx.msg);
    char *text = mh_test_read_file(victim);
    cr_assert_str_eq(text, "keep me");
    free(text);
    snprintf(link, sizeof link, "%s/f.lock", dir);
    cr_assert_eq(mkfifo(link, 0600), 0);
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_lock_acquire(link, false, "output z.h5", &ctx, &a), MH_ERR_INPUT);
    cr_assert_null(a);
}

/* A child that inherited a lock (fork) does not remove the lock file when it lets go of it. */
Test(file, a_forked_child_does_not_release_its_parents_lock)
{
    char dir[256], path[300];
    mh_test_mkdtemp(dir, sizeof dir, "file_fork");
    snprintf(path, sizeof path, "%s/d.lock", dir);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_lock *a = NULL;
    cr_assert_eq(mh_lock_acquire(path, false, "folder d", &ctx, &a), MH_OK);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        mh_lock_release(&a);
        _exit(0);
    }
    cr_assert_eq(waitpid(pid, NULL, 0), pid);
    cr_assert(mh_test_exists(path), "the child removed its parent's lock file");
    cr_assert_eq(try_lock_in_child(path, false, NULL), 3, "the parent's lock is gone");
    mh_lock_release(&a);
}
