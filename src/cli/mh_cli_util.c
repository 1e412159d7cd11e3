/* src/cli: the microheal command: parse the arguments, call the library, report, exit code. */
/* mh_cli_util: helpers shared by the microheal commands (see mh_cli_util.h). */
#include "mh_cli_util.h"
#include "mh_file.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
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
    return st == MH_ERR_INPUT ? 2 : 1;
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

bool mh_cli_parse_long(const char *s, long *v)
{
    char *end = NULL;
    errno = 0;
    *v = strtol(s, &end, 10);
    /* strtol would skip blanks in front, and take "" for 0 */
    return s[0] != '\0' && !isspace((unsigned char)s[0]) && *end == '\0' && errno == 0;
}

long mh_cli_whole(const char *usage, const char *opt, const char *s, long lo, long hi)
{
    long x;
    if (!mh_cli_parse_long(s, &x) || x < lo || x > hi) {
        char msg[160];
        snprintf(msg, sizeof msg, "%s: '%%s' is not a whole number in [%ld, %ld]", opt, lo, hi);
        mh_cli_usage_error(usage, msg, s);
        return -1;
    }
    return x;
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

/* Runs gnuplot with argv (argv[0] "gnuplot"), its stderr held back in a temporary file and shown when it
 * fails; script names it in the message. */
static bool run_gnuplot(char *const *argv, const char *script)
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
        execvp("gnuplot", argv);
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

bool mh_cli_gnuplot_path(const char *path, char *out, size_t len)
{
    if (path == NULL || path[0] == '\0') {
        fprintf(stderr, "microheal: an empty path cannot be handed to gnuplot\n");
        return false;
    }
    return mh_cli_fmt(out, len, "%s%s", path[0] == '/' ? "" : "./", path);
}

bool mh_gp_init(mh_gp *g)
{
    memset(g, 0, sizeof *g);
    g->e = open_memstream(&g->e_text, &g->e_len);
    if (g->e == NULL) {
        fprintf(stderr, "microheal: out of memory\n");
        g->failed = true;
        return false;
    }
    return true;
}

void mh_gp_clear(mh_gp *g)
{
    if (g->e != NULL)
        fclose(g->e);
    g->e = NULL;
    free(g->e_text);
    g->e_text = NULL;
    for (int i = 0; i < g->nargs; i++)
        free(g->arg[i]);
    g->nargs = 0;
}

/* Marks g failed with a message (a program error: a bad name, a non-finite number, too many ARGs). */
static void gp_fail(mh_gp *g, const char *what, const char *name)
{
    fprintf(stderr, "microheal: gnuplot arguments: %s: %s\n", what, name);
    g->failed = true;
}

/* Whether name is a gnuplot identifier: a letter or '_', then letters, digits and '_'. */
static bool gp_name_ok(const char *name)
{
    if (!(isalpha((unsigned char)name[0]) || name[0] == '_'))
        return false;
    for (const char *c = name; *c != '\0'; c++)
        if (!(isalnum((unsigned char)*c) || *c == '_'))
            return false;
    return true;
}

void mh_gp_num_(mh_gp *g, const char *name, double v)
{
    if (!gp_name_ok(name) || !isfinite(v))
        gp_fail(g, !gp_name_ok(name) ? "not a variable name" : "not a finite number", name);
    else if (g->e != NULL)
        fprintf(g->e, "%s=%.17g; ", name, v);
}

void mh_gp_array_(mh_gp *g, const char *name, const double *v, int n)
{
    bool ok = gp_name_ok(name) && n >= 1;
    for (int i = 0; ok && i < n; i++)
        ok = isfinite(v[i]);
    if (!ok) {
        gp_fail(g, "not a variable name, an empty array or a non-finite number", name);
        return;
    }
    if (g->e == NULL)
        return;
    fprintf(g->e, "array %s[%d] = [", name, n);
    for (int i = 0; i < n; i++)
        fprintf(g->e, "%s%.17g", i > 0 ? ", " : "", v[i]);
    fputs("]; ", g->e);
}

/* Appends a copy of s as the next ARG. */
static void gp_arg(mh_gp *g, char *copy)
{
    if (copy == NULL) {
        fprintf(stderr, "microheal: out of memory\n");
        g->failed = true;
    } else if (g->nargs == MH_GP_MAX_ARGS) {
        gp_fail(g, "more than 9 ARGs", copy);
        free(copy);
    } else {
        g->arg[g->nargs++] = copy;
    }
}

void mh_gp_path(mh_gp *g, const char *path)
{
    const size_t len = path != NULL ? strlen(path) + 3 : 1;
    char *safe = malloc(len);
    if (safe != NULL && !mh_cli_gnuplot_path(path, safe, len)) {
        free(safe);
        g->failed = true;
        return;
    }
    gp_arg(g, safe);
}

void mh_gp_text(mh_gp *g, const char *text) { gp_arg(g, strdup(text)); }

bool mh_gp_run(mh_gp *g, const char *script)
{
    /* execvp takes char *const argv[]: every entry is writable storage of this call or of g */
    char safe[PATH_MAX + 8], prog[] = "gnuplot", opt_e[] = "-e", opt_c[] = "-c";
    char *argv[4 + MH_GP_MAX_ARGS + 2];
    int n = 0;
    bool ok = !g->failed && g->e != NULL && fflush(g->e) == 0 && mh_cli_gnuplot_path(script, safe, sizeof safe);
    if (ok) {
        argv[n++] = prog;
        if (g->e_len > 0) {
            argv[n++] = opt_e;
            argv[n++] = g->e_text;
        }
        argv[n++] = opt_c;
        argv[n++] = safe;
        for (int i = 0; i < g->nargs; i++)
            argv[n++] = g->arg[i];
        argv[n] = NULL;
    }
    ok = ok && run_gnuplot(argv, script);
    mh_gp_clear(g);
    return ok;
}

char *mh_gp_out_open(const char *png)
{
    char *tmp = NULL;
    int rc = 0;
    FILE *made = mh_cli_text_open(png, &tmp, &rc);
    if (made == NULL)
        return NULL;
    fclose(made);
    return tmp;
}

bool mh_gp_out_close(char *tmp, const char *png, bool drawn)
{
    if (tmp == NULL)
        return false;
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    bool ok = drawn;
    if (drawn && mh_file_commit(tmp, png, &ctx) != MH_OK) { /* the temporary file is removed then */
        mh_cli_fail(&ctx);
        ok = false;
    } else if (!drawn) {
        mh_file_remove_regular(tmp);
    }
    free(tmp);
    return ok;
}

bool mh_gp_draw(mh_gp *g, const char *script, const char *dat, const char *png)
{
    char *tmp = g->failed ? NULL : mh_gp_out_open(png);
    bool ok = tmp != NULL;
    if (ok && g->nargs + 2 > MH_GP_MAX_ARGS) {
        gp_fail(g, "more than 9 ARGs", script);
        ok = false;
    }
    if (ok) { /* ARG1 = dat, ARG2 = tmp, then the others */
        const int n = g->nargs;
        g->nargs = 0;
        char *rest[MH_GP_MAX_ARGS];
        memcpy(rest, g->arg, (size_t)n * sizeof *rest);
        mh_gp_path(g, dat);
        mh_gp_path(g, tmp);
        for (int i = 0; i < n; i++)
            g->arg[g->nargs++] = rest[i];
    }
    if (!ok)
        g->failed = true; /* mh_gp_run then only frees g */
    ok = mh_gp_run(g, script) && ok;
    return mh_gp_out_close(tmp, png, ok) && ok;
}

void mh_gp_put_data_text(FILE *f, const char *text)
{
    fputc('"', f);
    for (const char *c = text; *c != '\0'; c++)
        fputc(*c == '"' ? '\'' : iscntrl((unsigned char)*c) ? ' ' : *c, f);
    fputc('"', f);
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

int mh_cli_split_assign(const char *usage, const char *opt, char *text, const char *where, mh_sweep_assign *as)
{
    char *eq = strchr(text, '=');
    if (eq == NULL || eq == text) {
        char msg[160];
        snprintf(msg, sizeof msg, "%s: '%%s' is not KEY=VALUE", opt);
        return mh_cli_usage_error(usage, msg, text);
    }
    *eq = '\0';
    *as = (mh_sweep_assign){text, eq + 1, where};
    return 0;
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

void mh_cli_print_insertion(FILE *out, const mh_device *d, const char *indent)
{
    const mh_insert_result *r = &d->ins;
    fprintf(out,
            "%sinsertion: depth %.0f +- %.0f um (fraction %.3f, deepest %.0f um), %.1f %% of needles fail to "
            "puncture\n",
            indent, r->depth_mean_mm * 1e3, r->depth_sd_mm * 1e3, r->fraction, r->depth_max_mm * 1e3,
            100.0 * r->fail_fraction);
    const bool force = d->arr.drive == MH_DRIVE_FORCE;
    fprintf(out,
            "%s  %s: %.3f N per needle to puncture, %.2f N for the %d needles that meet the skin; %.3f N %s; "
            "tenting %.0f um, hub travel %.0f um at puncture; %.0f mm/s, pitch %.2f mm\n",
            indent, force ? "force" : "stroke", r->puncture_force_n, r->array_force_n, d->arr.needles,
            r->applied_force_n, force ? "applied per needle" : "per needle at full depth", r->tent_mm * 1e3,
            r->hub_travel_mm * 1e3, d->arr.speed_mm_s, d->arr.spacing_mm);
}
