/* fuzz_config: libFuzzer target for the configuration path of `microheal check` (INI file, then --set).
 *
 * Input: the text of the INI file, then optionally a separator line "%%set" and one --set
 * assignment per line:
 *
 *     [grid]
 *     dx_um = 20
 *     %%set
 *     device.needle_length_mm=0.5
 *     session.2.pattern=hex
 *
 * The first line that is exactly "%%set" (no blanks, "\n" or end of input after it) separates the two;
 * the file text is everything before that line, its newline included. Without a separator the whole
 * input is the file. After it, every non-empty line is one assignment; a NUL byte ends its line's
 * assignment, as it would end a command-line argument ("\r" stays part of the value).
 *
 * Each input goes the way of `microheal check FILE --set A1 --set A2 ...` (src/cli/cmd_run.c):
 * mh_config_create, mh_config_load of the file (written to a memfd, read through its
 * "/proc/self/fd/N" path), mh_config_set of each assignment in order with origin "--set #N",
 * stopping at the first failure, mh_sim_create (which validates) and the getters that print the
 * set-up. Besides the sanitizers' reports it aborts (a crash for libFuzzer) when
 *   - a rejection's message does not start with where the culprit was given: "PATH:LINE: " for the
 *     file (or for a file it includes: any file that exists) or "--set #N: " for an assignment (never
 *     "default: ..." or no location at all);
 *   - a failed mh_config_set changed the configuration (its resolved text differs);
 *   - an accepted configuration's resolved text (mh_config_text, what `run` stores) does not load
 *     back into a fresh configuration as the same text;
 *   - the set-up holds what the printout cannot show (a device type or pattern out of range,
 *     non-finite or non-increasing session days, an empty grid).
 *
 * Built with clang -fsanitize=fuzzer,address,undefined by `make fuzz` (papers/reliability.md,
 * "Fuzzing the configuration parser"); tests/test_fuzz.c replays tests/fuzz/corpus through the same
 * function in the gcc build. The memfds are created on the first call and kept for the process. */
#define _GNU_SOURCE
#include "mh_build.h"
#include "mh_config.h"
#include "mh_sim.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEPARATOR "%%set"

/* A file that lives in memory, reached through a path: the loader reads it with fopen(path). */
typedef struct {
    int fd;
    char path[64];
} mem_file;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz_config: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

static void mem_file_open(mem_file *m, const char *name)
{
    m->fd = memfd_create(name, 0);
    if (m->fd < 0)
        fail("memfd_create failed");
    snprintf(m->path, sizeof m->path, "/proc/self/fd/%d", m->fd);
}

/* Replaces the file's contents with n bytes of text. */
static void mem_file_write(const mem_file *m, const void *text, size_t n)
{
    if (ftruncate(m->fd, 0) != 0)
        fail("ftruncate failed");
    const char *p = text;
    for (size_t done = 0; done < n;) {
        ssize_t w = pwrite(m->fd, p + done, n - done, (off_t)done);
        if (w <= 0)
            fail("pwrite failed");
        done += (size_t)w;
    }
}

/* Length of the file part of data[0, size) and, in *sets, where the assignments start (size: none). */
static size_t split_input(const uint8_t *data, size_t size, size_t *sets)
{
    const size_t k = sizeof SEPARATOR - 1;
    for (size_t line = 0; line < size;) {
        const uint8_t *nl = memchr(data + line, '\n', size - line);
        size_t end = nl != NULL ? (size_t)(nl - data) : size;
        if (end - line == k && memcmp(data + line, SEPARATOR, k) == 0) {
            *sets = nl != NULL ? end + 1 : size;
            return line;
        }
        line = end + 1;
    }
    *sets = size;
    return size;
}

/* Whether msg starts with the name of a file that exists, then ':' (a file the input includes); the
 * length of the name in *n. */
static bool names_a_file(const char *msg, size_t *n)
{
    for (size_t k = strcspn(msg, ":\n"); msg[k] == ':'; k += 1 + strcspn(msg + k + 1, ":\n")) {
        char *name = strndup(msg, k);
        if (name == NULL)
            fail("out of memory");
        const bool exists = name[0] != '\0' && access(name, F_OK) == 0;
        free(name);
        if (exists) {
            *n = k;
            return true;
        }
    }
    return false;
}

/* True when msg starts with "PATH:LINE: " (PATH: the input's file or a file it includes) or "--set #N: "
 * (N from 1 to nsets). */
static bool names_where(const char *msg, const char *path, int nsets)
{
    const char *p = NULL;
    size_t n = strlen(path);
    if ((strncmp(msg, path, n) == 0 && msg[n] == ':') || names_a_file(msg, &n)) {
        p = msg + n + 1;
    } else if (strncmp(msg, "--set #", 7) == 0) {
        char *end = NULL;
        long k = strtol(msg + 7, &end, 10);
        if (end == msg + 7 || k < 1 || k > nsets)
            return false;
        return strncmp(end, ": ", 2) == 0;
    } else {
        return false;
    }
    if (*p < '1' || *p > '9')
        return false;
    while (*p >= '0' && *p <= '9')
        p++;
    return strncmp(p, ": ", 2) == 0;
}

static void expect_names_where(const mh_ctx *ctx, const char *path, int nsets, const char *step)
{
    if (!names_where(ctx->msg, path, nsets))
        fail("%s: the message does not start with where the value was given (%s:LINE: or --set #N:): '%s' "
             "(raised at %s:%d)",
             step, path, ctx->msg, ctx->src_file ? ctx->src_file : "?", ctx->src_line);
}

/* The resolved text of cfg computed afresh (mh_config_text keeps its text until a change succeeds,
 * so a failed change that altered values would not show in it); malloc'ed. */
static char *fresh_text(const mh_config *cfg)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_config *copy = NULL;
    if (mh_config_clone(cfg, &ctx, &copy) != MH_OK)
        fail("mh_config_clone: %s", ctx.msg);
    const char *t = mh_config_text(copy);
    char *out = t != NULL ? strdup(t) : NULL;
    mh_config_destroy(&copy);
    if (out == NULL)
        fail("out of memory in the resolved text");
    return out;
}

/* The resolved text of cfg must load into a fresh configuration and resolve to the same text. */
static void check_round_trip(mh_config *cfg, const mem_file *m)
{
    const char *text = mh_config_text(cfg);
    if (text == NULL)
        fail("mh_config_text returned NULL");
    mem_file_write(m, text, strlen(text));
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_config *back = NULL;
    if (mh_config_create(&ctx, &back) != MH_OK)
        fail("mh_config_create: %s", ctx.msg);
    if (mh_config_load(back, m->path, &ctx) != MH_OK)
        fail("the resolved text does not load: %s\n%s", ctx.msg, text);
    const char *again = mh_config_text(back);
    if (again == NULL || strcmp(again, text) != 0)
        fail("the resolved text does not load back as itself:\n%s\n---- loaded back:\n%s", text,
             again ? again : "(NULL)");
    mh_config_destroy(&back);
}

/* What print_setup (cmd_run.c) reads, read and checked. */
static void check_setup(const mh_sim *sim)
{
    const mh_grid *g = mh_sim_grid(sim);
    if (g == NULL || g->nx < 1 || g->ny < 1 || g->nz < 3 || g->ncell != (size_t)g->nx * g->ny * g->nz ||
        !(g->dx_mm > 0.0) || !isfinite(g->width_mm) || !isfinite(g->length_mm))
        fail("bad grid");
    double sum = 0.0;
    for (int k = 0; k < g->nz; k++)
        sum += g->layer[k] + g->vascular[k] + g->dermal[k] + g->epidermal[k];
    for (int l = 0; l <= MH_LAYER_COUNT; l++)
        sum += g->skin.top_mm[l];
    if (!isfinite(sum))
        fail("non-finite grid profiles or layer depths");
    int ns = 0;
    const double *days = mh_sim_session_days(sim, &ns);
    const mh_device *dev = mh_sim_devices(sim);
    if (ns < 1 || ns > MH_MAX_SESSIONS)
        fail("%d sessions", ns);
    for (int k = 0; k < ns; k++) {
        if (!isfinite(days[k]) || (k > 0 && !(days[k] > days[k - 1])))
            fail("session %d on day %g", k + 1, days[k]);
        if ((int)dev[k].type < 0 || dev[k].type > MH_DEV_PATCH || (int)dev[k].pattern < 0 ||
            dev[k].pattern > MH_PAT_RANDOM)
            fail("session %d: device type %d, pattern %d", k + 1, (int)dev[k].type, (int)dev[k].pattern);
        if (!isfinite(dev[k].needle_length_mm + dev[k].penetration_fraction + dev[k].depth_mm +
                      dev[k].surface_radius_mm + dev[k].density_per_cm2))
            fail("session %d: non-finite device values", k + 1);
    }
    if (mh_sim_cell_bytes(sim) == 0)
        fail("no bytes per cell");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static mem_file ini = {-1, ""}, resolved = {-1, ""};
    if (ini.fd < 0) {
        mem_file_open(&ini, "fuzz_config.ini");
        mem_file_open(&resolved, "fuzz_config_resolved.ini");
    }
    size_t sets_at = 0, file_len = split_input(data, size, &sets_at);
    mem_file_write(&ini, data, file_len);

    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_config *cfg = NULL;
    mh_sim *sim = NULL;
    if (mh_config_create(&ctx, &cfg) != MH_OK)
        fail("mh_config_create: %s", ctx.msg);
    if (mh_config_load(cfg, ini.path, &ctx) != MH_OK) {
        expect_names_where(&ctx, ini.path, 0, "load");
        goto done;
    }
    int nset = 0;
    for (size_t line = sets_at; line < size;) {
        const uint8_t *nl = memchr(data + line, '\n', size - line);
        size_t end = nl != NULL ? (size_t)(nl - data) : size;
        if (end > line) {
            char *assignment = strndup((const char *)data + line, end - line); /* ends at a NUL byte too */
            if (assignment == NULL)
                fail("out of memory");
            char origin[32];
            snprintf(origin, sizeof origin, "--set #%d", ++nset);
            /* the text before, as mh_config_text keeps it (it reflects the configuration up to here) */
            const char *kept = mh_config_text(cfg);
            char *before = kept != NULL ? strdup(kept) : NULL;
            if (before == NULL)
                fail("out of memory in the resolved text");
            mh_status st = mh_config_set(cfg, assignment, origin, &ctx);
            free(assignment);
            if (st != MH_OK) {
                expect_names_where(&ctx, ini.path, nset, "--set");
                char *after = fresh_text(cfg);
                if (strcmp(before, after) != 0)
                    fail("a failed mh_config_set (%s) changed the configuration:\n%s\n---- after:\n%s", ctx.msg, before,
                         after);
                free(after);
            }
            free(before);
            if (st != MH_OK)
                goto done;
        }
        line = end + 1;
    }
    if (mh_build_sim(cfg, &ctx, &sim) != MH_OK) {
        expect_names_where(&ctx, ini.path, nset, "mh_sim_create");
        goto done;
    }
    check_setup(sim);
    check_round_trip(cfg, &resolved);
done:
    mh_sim_destroy(&sim);
    mh_config_destroy(&cfg);
    return 0;
}
