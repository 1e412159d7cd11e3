/* helpers.h: small utilities shared by the test files (temporary configs, building sims). */
#ifndef MH_TEST_HELPERS_H
#define MH_TEST_HELPERS_H

#include "mh_build.h"
#include "mh_config.h"
#include "mh_sim.h"
#include "mh_step.h"
#include "mh_targets.h"

#include <criterion/criterion.h>
#include <gsl/gsl_math.h>
#include <hdf5.h>

#include <dirent.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The microheal executable in shell commands of the tests: $MICROHEAL when set (make check-asan runs the
 * suite against its sanitizer build), else ./microheal. Use as MH_BIN " run ...". */
#define MH_BIN "${MICROHEAL:-./microheal}"

/* The path of a file beside this test executable ($(B)/tests/NAME) into path. */
static inline void mh_test_beside_exe(const char *name, char *path, size_t len)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    cr_assert(n > 0, "readlink /proc/self/exe failed");
    exe[n] = '\0';
    snprintf(path, len, "%s/%s", dirname(exe), name);
}

/* Starts the shell command cmd in a process group of its own (so that the group can be killed as a
 * whole), with the variables of env set (name, value pairs, ending with a NULL name; env may be
 * NULL); returns its pid, which is the group's id. */
static inline pid_t mh_test_spawn_group(const char *cmd, const char *const (*env)[2])
{
    fflush(NULL);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        setpgid(0, 0);
        for (int i = 0; env != NULL && env[i][0] != NULL; i++)
            setenv(env[i][0], env[i][1], 1);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    setpgid(pid, pid);
    return pid;
}

/* Runs the shell command cmd in a process group of its own, under the shim tests/shim/kill_after_rename.c,
 * which kills the whole group with SIGKILL right after the first rename to a name that ends with suffix
 * (as a kill between two renames would); returns true when the command was killed so. (Under
 * AddressSanitizer the shim comes before its runtime, which is allowed by verify_asan_link_order=0.) */
static inline bool mh_test_sh_killed_after_rename(const char *cmd, const char *suffix)
{
    char shim[PATH_MAX + 32], opts[4096];
    mh_test_beside_exe("kill_after_rename.so", shim, sizeof shim);
    cr_assert_eq(access(shim, R_OK), 0, "%s is missing (make builds it with the tests)", shim);
    const char *asan = getenv("ASAN_OPTIONS");
    snprintf(opts, sizeof opts, "%s%sverify_asan_link_order=0", asan != NULL ? asan : "",
             asan != NULL && *asan != '\0' ? ":" : "");
    const char *const env[][2] = {
        {"ASAN_OPTIONS", opts}, {"MH_KILL_AFTER_RENAME", suffix}, {"LD_PRELOAD", shim}, {NULL, NULL}};
    const pid_t pid = mh_test_spawn_group(cmd, env);
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

/* A pid that no process has now: a child's, after it has been reaped (for the tests of what dead
 * writers leave). */
static inline pid_t mh_test_dead_pid(void)
{
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0)
        _exit(0);
    cr_assert_eq(waitpid(pid, NULL, 0), pid);
    return pid;
}

/* The folder of the tests' files: $MH_TEST_TMP (tests/run.sh makes one for each run of the suite and
 * removes it when the suite passes), else /tmp. */
static inline const char *mh_test_tmp(void)
{
    const char *t = getenv("MH_TEST_TMP");
    return t != NULL && *t != '\0' ? t : "/tmp";
}

/* Makes a fresh folder mh_<name>_XXXXXX in mh_test_tmp() and puts its path in buf (len bytes). */
static inline void mh_test_mkdtemp(char *buf, size_t len, const char *name)
{
    const int n = snprintf(buf, len, "%s/mh_%s_XXXXXX", mh_test_tmp(), name);
    cr_assert(n > 0 && (size_t)n < len, "the folder's name is too long for its buffer");
    cr_assert_not_null(mkdtemp(buf), "mkdtemp %s failed", buf);
}

/* Writes text to a fresh temporary .ini file; returns its malloc'ed path. */
static inline char *mh_test_write_ini(const char *text)
{
    char *path = malloc(PATH_MAX);
    cr_assert_not_null(path);
    snprintf(path, PATH_MAX, "%s/mh_test_XXXXXX", mh_test_tmp());
    int fd = mkstemp(path);
    cr_assert(fd >= 0, "mkstemp %s failed", path);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

/* A fresh folder mh_<name>_XXXXXX in mh_test_tmp(); returns its malloc'ed path. */
static inline char *mh_test_temp_dir(const char *name)
{
    char *d = malloc(PATH_MAX);
    cr_assert_not_null(d);
    mh_test_mkdtemp(d, PATH_MAX, name);
    return d;
}

static inline bool mh_test_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The number of entries of dir whose name contains part. */
static inline int mh_test_count_files(const char *dir, const char *part)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "cannot open %s", dir);
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += strstr(e->d_name, part) != NULL;
    closedir(d);
    return n;
}

/* Runs a shell command; returns its exit status, and its stderr in *err (malloc'ed) unless err is NULL. */
static inline int mh_test_sh(const char *cmd, char **err)
{
    char errpath[PATH_MAX];
    snprintf(errpath, sizeof errpath, "%s/mh_test_err_XXXXXX", mh_test_tmp());
    int fd = mkstemp(errpath);
    cr_assert(fd >= 0);
    close(fd);
    size_t len = strlen(cmd) + strlen(errpath) + 8;
    char *full = malloc(len);
    cr_assert(full != NULL);
    snprintf(full, len, "%s 2>%s", cmd, errpath);
    int rc = system(full);
    free(full);
    if (err != NULL) {
        FILE *f = fopen(errpath, "r");
        *err = calloc(1, 8192);
        if (f != NULL) {
            size_t n = fread(*err, 1, 8191, f);
            (*err)[n] = '\0';
            fclose(f);
        }
    }
    unlink(errpath);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Runs a shell command that must exit with rc and say want on stderr. */
static inline void mh_test_sh_fails(const char *cmd, int rc, const char *want)
{
    char *err = NULL;
    const int got = mh_test_sh(cmd, &err);
    cr_assert_eq(got, rc, "%s: exit %d, not %d: %s", cmd, got, rc, err);
    cr_assert(strstr(err, want) != NULL, "%s: stderr lacks '%s': %s", cmd, want, err);
    free(err);
}

/* The whole of a text file up to 1 MiB (malloc'ed, NUL-terminated), or NULL when it cannot be opened. */
static inline char *mh_test_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *t = calloc(1, 1 << 20);
    cr_assert(t != NULL);
    size_t n = fread(t, 1, (1 << 20) - 1, f);
    t[n] = '\0';
    fclose(f);
    return t;
}

/* Splits the CSV record at *p in place into fields[0 .. max) (RFC 4180: a field in double quotes may hold commas,
 * newlines and doubled quotes, which become one) and moves *p past the record's newline. Returns the number of
 * fields (those beyond max are counted, not stored), 0 at the end of the text, -1 for text after a closing quote. */
static inline int mh_test_csv_record(char **p, char **fields, int max)
{
    char *s = *p;
    if (*s == '\0')
        return 0;
    int n = 0;
    for (;;) {
        char *start = s, *w = s;
        if (*s == '"') {
            for (s++; *s != '\0'; s++) {
                if (*s == '"' && s[1] != '"')
                    break;
                *w++ = *s;
                s += *s == '"'; /* a doubled quote: one */
            }
            s += *s == '"';
        } else {
            while (*s != ',' && *s != '\n' && *s != '\0')
                s++;
            w = s;
        }
        const char end = *s;
        if (end != ',' && end != '\n' && end != '\0')
            return -1;
        *w = '\0';
        if (n < max)
            fields[n] = start;
        n++;
        if (end == '\0') {
            *p = s;
            return n;
        }
        s++;
        if (end == '\n') {
            *p = s;
            return n;
        }
    }
}

/* The 1-D dataset name of the HDF5 file path as doubles (malloc'ed, its length in *n), read with HDF5's own
 * calls (any HDF5 file: an ensemble or a comparison too, which microheal's output reader refuses); the test
 * fails when it does not read. */
static inline double *mh_test_read_doubles(const char *path, const char *name, size_t *n)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert(f >= 0, "cannot open %s", path);
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    cr_assert(d >= 0, "%s: no %s", path, name);
    hid_t sp = H5Dget_space(d);
    hsize_t dim = 0;
    cr_assert_eq(H5Sget_simple_extent_ndims(sp), 1, "%s: %s is not 1-D", path, name);
    H5Sget_simple_extent_dims(sp, &dim, NULL);
    double *v = malloc((size_t)dim * sizeof *v + 1);
    cr_assert_not_null(v);
    cr_assert(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0, "%s: %s does not read", path, name);
    H5Sclose(sp);
    H5Dclose(d);
    H5Fclose(f);
    *n = (size_t)dim;
    return v;
}

/* Asserts that path is a PNG: its signature, then an IHDR chunk (13 bytes) with a non-zero width and height. */
static inline void mh_test_is_png(const char *path)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    unsigned char b[24] = {0};
    FILE *f = fopen(path, "rb");
    cr_assert(f != NULL, "%s missing", path);
    cr_assert_eq(fread(b, 1, 24, f), 24, "%s is too short", path);
    fclose(f);
    cr_assert(memcmp(b, sig, 8) == 0, "%s is not a PNG", path);
    cr_assert(b[8] == 0 && b[9] == 0 && b[10] == 0 && b[11] == 13 && memcmp(b + 12, "IHDR", 4) == 0,
              "%s: no IHDR chunk first", path);
    const unsigned w = (unsigned)b[16] << 24 | (unsigned)b[17] << 16 | (unsigned)b[18] << 8 | b[19];
    const unsigned hgt = (unsigned)b[20] << 24 | (unsigned)b[21] << 16 | (unsigned)b[22] << 8 | b[23];
    cr_assert(w > 0 && hgt > 0, "%s: %u x %u pixels", path, w, hgt);
}

/* Loads configs/default.ini, then applies each "key=value" of sets (NULL-terminated). */
static inline mh_config *mh_test_config(const char *const *sets)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_config *cfg = NULL;
    cr_assert_eq(mh_config_create(&ctx, &cfg), MH_OK);
    cr_assert_eq(mh_config_load(cfg, "configs/default.ini", &ctx), MH_OK, "%s", ctx.msg);
    for (int i = 0; sets != NULL && sets[i] != NULL; i++)
        cr_assert_eq(mh_config_set(cfg, sets[i], "test", &ctx), MH_OK, "%s", ctx.msg);
    return cfg;
}

/* Runs a simulation of cfg to the end (no output sink); caller destroys. */
static inline mh_sim *mh_test_run(const mh_config *cfg)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_sim *sim = NULL;
    cr_assert_eq(mh_build_sim(cfg, &ctx, &sim), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_sim_run(sim, NULL, &ctx), MH_OK, "%s", ctx.msg);
    return sim;
}

/* Runs default.ini with overrides and returns the summary copied out (gains and session-1 metrics). */
typedef struct {
    double closure_h, barrier_h, erythema_days, erythema_peak_h, reepi_days, bleeding;
    double injured_mm3_per_mm2; /* session 1: density x channel cone volume pi r^2 depth / 3 */
    double gain[MH_OL_COUNT][MH_OQ_COUNT][MH_GAIN_DAYS + 1];
} mh_test_outcome;

static inline mh_test_outcome mh_test_outcome_of(const char *const *sets)
{
    mh_config *cfg = mh_test_config(sets);
    mh_sim *sim = mh_test_run(cfg);
    const mh_summary *m = mh_sim_summary(sim);
    mh_test_outcome o;
    o.closure_h = m->closure_hours[0];
    o.barrier_h = m->barrier_hours[0];
    o.erythema_days = m->erythema_days[0];
    o.erythema_peak_h = m->erythema_peak_hours[0];
    o.reepi_days = m->reepithelialized_days[0];
    o.bleeding = m->bleeding[0];
    const mh_device *d = mh_sim_devices(sim);
    o.injured_mm3_per_mm2 =
        d->density_per_cm2 / 100.0 * M_PI * d->surface_radius_mm * d->surface_radius_mm * d->depth_mm / 3.0;
    memcpy(o.gain, m->gain, sizeof o.gain);
    mh_sim_destroy(&sim);
    mh_config_destroy(&cfg);
    return o;
}

/* A wounded tissue for tests of the operators: the grid, parameters and fields of cfg after one
 * session-1 wound of the device's pattern over the width x strip_mm (the strip is the grid length
 * in 3-D). Destroy with mh_test_wounded_free. */
typedef struct {
    mh_grid *g;
    mh_model_params p;
    mh_fields *f;
    mh_model_aux aux;
    mh_stepper *st; /* steps the diffusing species (those with a non-zero profile) */
    size_t npunct, surface_cells;
} mh_test_wounded;

static inline mh_test_wounded mh_test_wound(const mh_config *cfg, double strip_mm, unsigned long seed)
{
    mh_test_wounded w = {0};
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_skin skin;
    cr_assert_eq(mh_build_skin(cfg, &skin, &ctx), MH_OK);
    cr_assert_eq(mh_build_grid(cfg, &skin, strip_mm, &ctx, &w.g), MH_OK);
    mh_build_model(cfg, &w.p);
    mh_device dev;
    cr_assert_eq(mh_build_device(cfg, 1, &dev, &ctx), MH_OK);
    mh_puncture *pu = NULL;
    double length = w.g->dims == 3 ? w.g->length_mm : strip_mm;
    cr_assert_eq(mh_device_punctures(&dev, w.g->width_mm, length, seed, 1, &ctx, &pu, &w.npunct), MH_OK);
    cr_assert_eq(mh_fields_create(w.g->ncell, &ctx, &w.f), MH_OK);
    mh_model_baseline(w.g, w.f);
    w.aux.k_close = mh_alloc_doubles(w.g->ncell);
    w.aux.w_open = mh_alloc_doubles(w.g->ncell);
    mh_model_wound(w.g, &w.p, pu, w.npunct, w.f, &w.aux, &w.surface_cells);
    free(pu);
    double *D[MH_NSPECIES];
    cr_assert_eq(mh_model_diffusion_profiles(&w.p, w.g, D, &ctx), MH_OK);
    cr_assert_eq(mh_step_create(w.g, (const double *const *)D, &ctx, &w.st), MH_OK);
    mh_model_diffusion_profiles_clear(D);
    return w;
}

static inline void mh_test_wounded_free(mh_test_wounded *w)
{
    mh_fields_destroy(&w->f);
    mh_free(w->aux.k_close);
    mh_free(w->aux.w_open);
    mh_step_destroy(&w->st);
    mh_grid_destroy(&w->g);
}

/* Loads a targets file, asserting success; caller destroys. */
static inline mh_targets *mh_test_targets(const char *path)
{
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_targets *t = NULL;
    cr_assert_eq(mh_targets_load(path, &ctx, &t), MH_OK, "%s", ctx.msg);
    return t;
}

#endif
