/* mh_cli_util: helpers shared by the microheal commands (see mh_cli_util.h). */
#include "mh_cli_util.h"

#include "mh_file.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int mh_cli_exit_code(mh_status st)
{
    if (st == MH_OK)
        return 0;
    return (st == MH_ERR_INPUT || st == MH_ERR_CONTRA) ? 2 : 1;
}

int mh_cli_fail(const mh_ctx *ctx)
{
    fprintf(stderr, "microheal: %s\n", ctx->msg[0] ? ctx->msg : mh_status_name(ctx->status));
    return mh_cli_exit_code(ctx->status);
}

int mh_cli_usage_error(const char *usage, const char *fmt, const char *arg)
{
    fprintf(stderr, "microheal: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", usage);
    return 2;
}

bool mh_cli_wants_help(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    return false;
}

bool mh_cli_fmt(char *out, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, len, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < len)
        return true;
    fprintf(stderr, "microheal: path or command too long: %.60s...\n", out);
    return false;
}

bool mh_cli_parse_double(const char *s, double *v)
{
    char *end = NULL;
    errno = 0;
    *v = strtod(s, &end);
    return end != s && *end == '\0' && errno == 0 && isfinite(*v);
}

long mh_cli_whole(const char *usage, const char *opt, const char *s, long lo, long hi)
{
    double x;
    if (!mh_cli_parse_double(s, &x) || x != (double)(long)x || x < lo || x > hi) {
        char msg[160];
        snprintf(msg, sizeof msg, "%s: '%%s' is not a whole number in [%ld, %ld]", opt, lo, hi);
        mh_cli_usage_error(usage, msg, s);
        return -1;
    }
    return (long)x;
}

bool mh_cli_mkdirs(const char *path)
{
    char *p = strdup(path);
    if (p == NULL) {
        fprintf(stderr, "microheal: out of memory\n");
        return false;
    }
    bool ok = true;
    for (char *s = p + 1; ok; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "microheal: %s: cannot create: %s\n", p, strerror(errno));
            ok = false;
        }
        *s = c;
        if (c == '\0')
            break;
    }
    free(p);
    return ok;
}

bool mh_cli_scripts_dir(const char *given, char *out, size_t len)
{
    int w;
    if (given != NULL) {
        w = snprintf(out, len, "%s", given);
        return w > 0 && (size_t)w < len;
    }
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash != NULL) {
            *slash = '\0';
            w = snprintf(out, len, "%s/scripts", exe);
            if (w > 0 && (size_t)w < len && access(out, R_OK) == 0)
                return true;
        }
    }
    w = snprintf(out, len, "scripts");
    return w > 0 && (size_t)w < len;
}

bool mh_cli_have_program(const char *name)
{
    const char *path = getenv("PATH");
    for (const char *p = path; p != NULL && *p != '\0';) {
        const char *colon = strchr(p, ':');
        const int n = colon != NULL ? (int)(colon - p) : (int)strlen(p);
        char file[4096];
        /* an empty entry is the working directory */
        const int w =
            n > 0 ? snprintf(file, sizeof file, "%.*s/%s", n, p, name) : snprintf(file, sizeof file, "./%s", name);
        if (w > 0 && (size_t)w < sizeof file && access(file, X_OK) == 0)
            return true;
        p = colon != NULL ? colon + 1 : NULL;
    }
    return false;
}

bool mh_cli_run_gnuplot(const char *script, const char *vars)
{
    fflush(NULL);
    FILE *log = tmpfile(); /* gnuplot's messages, shown when it fails (NULL: straight to stderr) */
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "microheal: cannot start gnuplot: %s\n", strerror(errno));
        if (log != NULL)
            fclose(log);
        return false;
    }
    if (pid == 0) {
        if (log != NULL)
            dup2(fileno(log), STDERR_FILENO);
        execlp("gnuplot", "gnuplot", "-e", vars, script, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!ok && log != NULL) {
        rewind(log);
        char buf[4096];
        for (size_t n; (n = fread(buf, 1, sizeof buf, log)) > 0;)
            fwrite(buf, 1, n, stderr);
    }
    if (log != NULL)
        fclose(log);
    if (ok)
        return true;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        fprintf(stderr, "microheal: gnuplot not found (install gnuplot-nox, or run make deps)\n");
    else
        fprintf(stderr, "microheal: gnuplot %s failed\n", script);
    return false;
}

int mh_cli_check_output(const char *usage, const char *opt, const char *path, bool is_file)
{
    if (path != NULL && path[0] == '\0') {
        if (usage != NULL)
            return mh_cli_usage_error(usage, "%s: the name is empty", opt);
        fprintf(stderr, "microheal: %s: the name is empty\n", opt);
        return 2;
    }
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    if (is_file && path != NULL && mh_file_check_output(path, &ctx) != MH_OK)
        return mh_cli_fail(&ctx);
    return 0;
}

FILE *mh_cli_text_open(const char *path, char **tmp, int *rc)
{
    *tmp = NULL;
    if ((*rc = mh_cli_check_output(NULL, "output", path, true)) != 0)
        return NULL;
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    FILE *f = mh_file_temp_open(path, tmp, &ctx);
    if (f == NULL)
        *rc = mh_cli_fail(&ctx);
    return f;
}

int mh_cli_text_close(FILE *f, char *tmp, const char *path)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    const mh_status st = mh_file_finish(f, tmp, path, &ctx);
    free(tmp);
    return st == MH_OK ? 0 : mh_cli_fail(&ctx);
}

bool mh_cli_write_table(const char *path, void (*fill)(FILE *, const void *), const void *user)
{
    char *tmp = NULL;
    int rc = 0;
    FILE *f = mh_cli_text_open(path, &tmp, &rc);
    if (f == NULL)
        return false;
    fill(f, user);
    return mh_cli_text_close(f, tmp, path) == 0;
}

bool mh_cli_draw(const char *script, const char *dat, const char *vars, const char *png)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%.4000s.tmp.png", png);
    size_t n = strlen(dat) + strlen(tmp) + strlen(vars) + 32;
    char *all = malloc(n);
    if (all == NULL) {
        fprintf(stderr, "microheal: out of memory\n");
        return false;
    }
    snprintf(all, n, "dat='%s'; out='%s'; %s", dat, tmp, vars);
    const bool ok = mh_cli_run_gnuplot(script, all) && rename(tmp, png) == 0;
    if (!ok)
        remove(tmp);
    free(all);
    return ok;
}

int mh_cli_split_list(char *s, const char **items, int max)
{
    int n = 0;
    for (char *tok = s;;) {
        char *comma = strchr(tok, ',');
        if (comma != NULL)
            *comma = '\0';
        while (*tok == ' ' || *tok == '\t')
            tok++;
        char *end = tok + strlen(tok);
        while (end > tok && (end[-1] == ' ' || end[-1] == '\t'))
            *--end = '\0';
        if (*tok == '\0' || n >= max)
            return -1;
        items[n++] = tok;
        if (comma == NULL)
            return n;
        tok = comma + 1;
    }
}

double mh_cli_now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

mh_lock *mh_cli_lock_dir(const char *dir, bool shared)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    char path[4200], what[4200];
    mh_lock *lock = NULL;
    if (!mh_cli_fmt(path, sizeof path, "%s/.lock", dir) || !mh_cli_fmt(what, sizeof what, "folder %s", dir))
        return NULL;
    if (mh_lock_acquire(path, shared, what, &ctx, &lock) != MH_OK)
        mh_cli_fail(&ctx);
    return lock;
}
