/* fuzz_h5: libFuzzer target for the readers of microheal's HDF5 files: what `microheal info`, every
 * `microheal export` and `microheal run --resume` read (papers/reliability.md, "Fuzzing the HDF5 readers").
 *
 * Input: its first byte chooses the mode.
 *   - Even: the rest is the file's bytes (raw mode: mutated outputs and checkpoints). Most mutations of
 *     a real file fail HDF5's metadata checksums; the mode tests that HDF5 and microheal refuse them.
 *     When its bit 1 is set the file is also resumed from as a checkpoint (of the configuration below).
 *   - Odd: the rest is a recipe that this target turns into an HDF5 file through the HDF5 API, in
 *     microheal's schema (structure-aware mode), so that mutations reach microheal's own checks:
 *
 *       byte 0    kind: output (most), checkpoint, fault snapshot, an HDF5 file of another program
 *       byte 1    the root attribute dims (2 mostly, 3, or 0, 1, 4, NaN)
 *       bytes 2-8 nx, ny, nz, snapshots, series rows, punctures, sessions (small numbers)
 *       bytes 9-11 what to read: field (a species, collagen_total or an odd name), day, --y-mm
 *       then 4-byte edits {target, operation, a, b}: the target is a dataset of the schema (byte < 224:
 *       modulo their number) or an attribute (byte >= 224); operations change a dataset's extent (by a
 *       signed a, or to one of a table of lengths up to 2^62), rank, type, values (NaN, infinities,
 *       huge, negative, out of order), layout (contiguous, compact, chunked with chunks of any size),
 *       filters (shuffle, deflate, Fletcher-32, N-bit, scale-offset), leave it declared but unwritten,
 *       keep it in an external file (a regular one or a FIFO), make it a virtual dataset, a soft link,
 *       an external link or a group, or delete it; an attribute is deleted, set to a string of a
 *       table, a number, a variable-length string, an integer or an array.
 *     Missing bytes are 0: an empty recipe is a complete, valid output of a 3 x 1 x 4 grid.
 *
 * Each input is written to in.h5 in a folder of this process ($TMPDIR, else /dev/shm, else /tmp), then
 * read by mh_export_info, mh_export_series, _sessions, _punctures, _summary, _field, _profile and _radial (into a
 * stream that counts what it is given), mh_xdmf_write (to out.xmf beside it), mh_checkpoint_info and,
 * for a checkpoint recipe (or a raw input whose first byte says so), mh_checkpoint_resume into a fresh
 * run of a tiny configuration (the defaults with grid.dx_um=100, grid.width_mm=0.5, simulation.days=0.2,
 * schedule.sessions=1, output.snapshot_days=0,0.1), whose text a checkpoint recipe carries. Besides the
 * sanitizers' reports it aborts (a crash for libFuzzer) when
 *   - a reader fails with a message that does not name the file (or, for --y-mm, the option), or with a
 *     status other than MH_ERR_IO / MH_ERR_INPUT (MH_ERR_STATE: checkpoint info of an output);
 *   - a reader that failed wrote anything (a half-written table), or mh_xdmf_write failed and left
 *     out.xmf or a temporary file;
 *   - an HDF5 object is still open after a reader returned (a leaked handle);
 *   - a recipe without edits (a valid output) is refused by any reader.
 * -malloc_limit_mb (64 in make fuzz-h5) catches an allocation out of proportion to the file: every
 * input is at most a few hundred kB, and what a reader allocates is bounded by the file's size (1-D)
 * or 1032 times it (deflated snapshots).
 *
 * Built with clang -fsanitize=fuzzer,address,undefined by `make fuzz-h5`; tests/test_fuzz.c replays
 * tests/fuzz/h5_corpus through mh_fuzz_h5_input in the gcc build. LLVMFuzzerTestOneInput is weak here,
 * so that the suite can link this file beside fuzz_config.c, whose definition then takes its place. */
#define _GNU_SOURCE
#include "mh_export.h"
#include "mh_build.h"
#include "mh_checkpoint.h"
#include "mh_config.h"
#include "mh_h5_internal.h"
#include "mh_version.h"
#include "mh_xdmf.h"

#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int mh_fuzz_h5_input(const uint8_t *data, size_t size);
void mh_fuzz_h5_cleanup(void);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz_h5: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

/* ---- the process's folder and the run a checkpoint recipe resumes ---- */

static struct {
    char dir[256], in[300], xmf[300], out[300], ext[300], fifo[300], other[300], partial[300];
    mh_config *cfg; /* the configuration of checkpoint recipes */
    const char *cfg_text;
    int nx, nz; /* its grid (2-D) */
} env;

void mh_fuzz_h5_cleanup(void)
{
    if (env.dir[0] == '\0')
        return;
    DIR *d = opendir(env.dir);
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;) {
        char p[600];
        if (e->d_name[0] != '.' && snprintf(p, sizeof p, "%s/%s", env.dir, e->d_name) < (int)sizeof p)
            unlink(p);
    }
    if (d != NULL)
        closedir(d);
    rmdir(env.dir);
    env.dir[0] = '\0';
    mh_config_destroy(&env.cfg);
}

static void setup(void)
{
    const char *tmp = getenv("TMPDIR");
    struct stat st;
    if (tmp == NULL || *tmp == '\0')
        tmp = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp";
    snprintf(env.dir, sizeof env.dir, "%.200s/mh_fuzz_h5_XXXXXX", tmp);
    if (mkdtemp(env.dir) == NULL)
        fail("mkdtemp %s failed", env.dir);
    atexit(mh_fuzz_h5_cleanup);
    snprintf(env.in, sizeof env.in, "%s/in.h5", env.dir);
    snprintf(env.xmf, sizeof env.xmf, "%s/out.xmf", env.dir);
    snprintf(env.out, sizeof env.out, "%s/run.h5", env.dir);
    snprintf(env.ext, sizeof env.ext, "%s/ext.bin", env.dir);
    snprintf(env.fifo, sizeof env.fifo, "%s/fifo", env.dir);
    snprintf(env.other, sizeof env.other, "%s/other.h5", env.dir);
    snprintf(env.partial, sizeof env.partial, "%s/partial", env.dir);
    FILE *f = fopen(env.ext, "wb"); /* raw data an external dataset may point at */
    for (int k = 0; f != NULL && k < 8192; k++)
        fputc(k * 37 & 0xff, f);
    if (f == NULL || fclose(f) != 0 || mkfifo(env.fifo, 0600) != 0)
        fail("cannot set up %s", env.dir);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    static const char *const sets[] = {"grid.dx_um=100", "grid.width_mm=0.5", "simulation.days=0.2",
                                       "schedule.sessions=1", "output.snapshot_days=0,0.1"};
    if (mh_config_create(&ctx, &env.cfg) != MH_OK)
        fail("mh_config_create: %s", ctx.msg);
    for (size_t k = 0; k < sizeof sets / sizeof sets[0]; k++)
        if (mh_config_set(env.cfg, sets[k], "fuzz_h5", &ctx) != MH_OK)
            fail("%s: %s", sets[k], ctx.msg);
    mh_sim *sim = NULL;
    if (mh_build_sim(env.cfg, &ctx, &sim) != MH_OK)
        fail("mh_sim_create: %s", ctx.msg);
    env.nx = mh_sim_grid(sim)->nx;
    env.nz = mh_sim_grid(sim)->nz;
    mh_sim_destroy(&sim);
    env.cfg_text = mh_config_text(env.cfg);
    mh_h5_quiet();
}

/* ---- recipes ---- */

/* The recipe's bytes, read past the end as 0. */
typedef struct {
    const uint8_t *b;
    size_t n;
} bytes;
static unsigned at(const bytes *r, size_t i) { return i < r->n ? r->b[i] : 0; }

enum { K_OUTPUT, K_CHECKPOINT, K_FAULT, K_FOREIGN };
enum { T_DOUBLE, T_FLOAT, T_INT, T_UCHAR, T_LLONG, T_STRING, T_PUNCTURE, T_COUNT };
enum { L_CHUNKED, L_CONTIGUOUS, L_COMPACT };
enum { S_DATA, S_EXTERNAL, S_EXTERNAL_FIFO, S_VIRTUAL, S_SOFT, S_EXT_LINK, S_GROUP, S_DELETED };
enum { V_DEFAULT, V_NAN, V_INF, V_NEG, V_HUGE, V_ZERO, V_DESCENDING, V_BYTES, V_COUNT };
#define F_SHUFFLE 1u
#define F_DEFLATE 2u
#define F_FLETCHER 4u
#define F_NBIT 8u
#define F_SCALEOFFSET 16u

/* What the schema says of a dataset, and what the edits made of it. */
typedef struct {
    char name[112];
    int role; /* what its default values are (R_*) */
    int rank;
    hsize_t dims[4], chunk[4]; /* chunk[0] == 0: the whole extent (at most 4096 per axis) */
    int type, layout, storage, values;
    unsigned filters, value_byte;
    bool unlimited, unwritten;
} ds;

enum {
    R_X,
    R_Y,
    R_Z,
    R_LAYER,
    R_TOP,
    R_PUNCT,
    R_SESSION,
    R_TIME,
    R_SERIES,
    R_FIELD,
    R_PER,
    R_GAIN_DAYS,
    R_GAIN,
    R_STATE_FIELD,
    R_STATE_RATE,
    R_STATE_PUNCT,
    R_STATE_SERIES
};

#define MAX_DS 160
typedef struct {
    ds d[MAX_DS];
    int n;
    int kind, dims, nx, ny, nz, nsnap, nt, np, nses;
} schema;

static ds *add(schema *s, int role, int type, int rank, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static ds *add(schema *s, int role, int type, int rank, const char *fmt, ...)
{
    if (s->n >= MAX_DS)
        fail("schema too large");
    ds *d = &s->d[s->n++];
    memset(d, 0, sizeof *d);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->name, sizeof d->name, fmt, ap);
    va_end(ap);
    d->role = role;
    d->type = type;
    d->rank = rank;
    d->layout = L_CHUNKED;
    d->filters = F_FLETCHER;
    return d;
}

static void vector(schema *s, int role, int type, hsize_t n, const char *name)
{
    ds *d = add(s, role, type, 1, "%s", name);
    d->dims[0] = n;
}

/* Grid shape of one snapshot, depth first, into dims (returns its rank). */
static int snapshot_dims(const schema *s, hsize_t *dims)
{
    dims[0] = (hsize_t)s->nz;
    if (s->dims == 3) {
        dims[1] = (hsize_t)s->ny;
        dims[2] = (hsize_t)s->nx;
        return 3;
    }
    dims[1] = (hsize_t)s->nx;
    return 2;
}

/* The datasets of a valid file of kind s->kind with s's sizes. */
static void build_schema(schema *s)
{
    s->n = 0;
    hsize_t g[3];
    const int grank = snapshot_dims(s, g);
    if (s->kind != K_CHECKPOINT && s->kind != K_FAULT) {
        vector(s, R_X, T_DOUBLE, (hsize_t)s->nx, "/grid/x_mm");
        if (s->dims == 3)
            vector(s, R_Y, T_DOUBLE, (hsize_t)s->ny, "/grid/y_mm");
        vector(s, R_Z, T_DOUBLE, (hsize_t)s->nz, "/grid/z_mm");
        vector(s, R_LAYER, T_UCHAR, (hsize_t)s->nz, "/grid/layer");
        vector(s, R_TOP, T_DOUBLE, MH_LAYER_COUNT + 1, "/grid/layer_top_mm");
        static const char *const pn[] = {"/punctures/x_mm", "/punctures/y_mm", "/punctures/depth_mm",
                                         "/punctures/radius_mm"};
        for (int a = 0; a < 4; a++)
            vector(s, R_PUNCT, T_DOUBLE, (hsize_t)s->np, pn[a]);
        vector(s, R_SESSION, T_INT, (hsize_t)s->np, "/punctures/session");
        for (int k = 0; k < MH_OBS_COUNT; k++) {
            ds *d = add(s, k == MH_OBS_T ? R_TIME : R_SERIES, T_DOUBLE, 1, "/series/%s", mh_observe_name(k));
            d->dims[0] = (hsize_t)s->nt;
        }
        int nper = 0;
        const mh_summary_field *per = mh_summary_fields(&nper);
        for (int a = 0; a < nper; a++) {
            ds *d = add(s, a == 0 ? R_TIME : R_PER, T_DOUBLE, 1, "/summary/%s", per[a].name);
            d->dims[0] = (hsize_t)s->nses;
        }
        vector(s, R_GAIN_DAYS, T_DOUBLE, MH_GAIN_DAYS + 1, "/summary/gain_days");
        for (int L = 0; L < MH_OL_COUNT; L++)
            for (int q = 0; q < MH_OQ_COUNT; q++) {
                ds *d = add(s, R_GAIN, T_DOUBLE, 1, "/summary/%s",
                            mh_observe_name(mh_observe_layer_col((mh_observe_layer)L, (mh_observe_quantity)q)));
                d->dims[0] = MH_GAIN_DAYS + 1;
            }
    } else {
        for (int sp = 0; sp < MH_NSPECIES; sp++) {
            ds *d = add(s, R_STATE_FIELD, T_DOUBLE, grank, "/state/fields/%s", mh_species_name((mh_species)sp));
            memcpy(d->dims, g, sizeof g);
        }
        for (int k = 0; k < 2; k++) {
            ds *d = add(s, R_STATE_RATE, T_DOUBLE, grank, k == 0 ? "/state/k_close" : "/state/w_open");
            memcpy(d->dims, g, sizeof g);
        }
        ds *p = add(s, R_STATE_PUNCT, T_PUNCTURE, 1, "/state/punctures");
        p->dims[0] = (hsize_t)s->np;
        p->unlimited = true;
        ds *r = add(s, R_STATE_SERIES, T_DOUBLE, 2, "/state/series");
        r->dims[0] = (hsize_t)s->nt;
        r->dims[1] = MH_OBS_COUNT;
        r->unlimited = true;
    }
    if (s->kind != K_FAULT) { /* the snapshots: [nsnap, nz, (ny,) nx] float32, shuffle + deflate 4 */
        for (int f = 0; f < MH_NOUTFIELDS; f++) {
            ds *d = add(s, R_FIELD, T_FLOAT, grank + 1, "/fields/%s", mh_outfield_name(f));
            d->dims[0] = (hsize_t)s->nsnap;
            memcpy(d->dims + 1, g, sizeof g);
            d->chunk[0] = 1;
            for (int r = 1; r <= grank; r++)
                d->chunk[r] = g[r - 1];
            d->filters = F_SHUFFLE | F_DEFLATE;
            d->unlimited = true;
        }
        ds *t = add(s, R_TIME, T_DOUBLE, 1, "/fields/t_days");
        t->dims[0] = (hsize_t)s->nsnap;
        t->chunk[0] = 64;
        t->filters = 0;
        t->unlimited = true;
    }
}

/* Lengths an edit may set: small ones, a chunk's worth, and extents no file of a few kB can hold. */
static const hsize_t lengths[] = {0,
                                  1,
                                  2,
                                  3,
                                  4,
                                  5,
                                  7,
                                  8,
                                  15,
                                  16,
                                  17,
                                  63,
                                  64,
                                  65,
                                  255,
                                  4096,
                                  65536,
                                  (hsize_t)1 << 20,
                                  (hsize_t)1 << 28,
                                  ((hsize_t)1 << 31) - 1,
                                  (hsize_t)1 << 32,
                                  (hsize_t)1 << 40,
                                  (hsize_t)1 << 62};
#define NLENGTHS (sizeof lengths / sizeof lengths[0])

/* Applies edit {op, a, b} to dataset d of schema s. */
static void edit_dataset(const schema *s, ds *d, unsigned op, unsigned a, unsigned b)
{
    switch (op % 12) {
    case 0: /* extent of an axis: + a signed */
        d->dims[b % 4 < (unsigned)d->rank ? b % 4 : 0] += (hsize_t)(int8_t)a;
        break;
    case 1: /* extent of an axis: from the table */
        d->dims[b % 4 < (unsigned)d->rank ? b % 4 : 0] = lengths[a % NLENGTHS];
        break;
    case 2: /* rank: 0 (scalar) to 4, new axes of b cells */
        for (int r = d->rank; r < 4; r++)
            d->dims[r] = b % 9;
        d->rank = (int)(a % 5);
        break;
    case 3:
        d->type = (int)(a % T_COUNT);
        break;
    case 4:
        d->values = (int)(a % V_COUNT);
        d->value_byte = b;
        break;
    case 5: /* layout, and chunks of any size */
        d->layout = (int)(a % 3);
        for (int r = 0; r < 4; r++)
            d->chunk[r] = b == 0 ? 0 : r == 0 ? lengths[b % NLENGTHS] : 1 + (b >> 4) % 8;
        break;
    case 6:
        d->filters = a & 31u;
        break;
    case 7:
        d->unwritten = !d->unwritten;
        break;
    case 8:
        d->unlimited = !d->unlimited;
        break;
    case 9: /* kept elsewhere, or not a dataset */
        d->storage = (int)(a % (S_DELETED + 1));
        d->value_byte = b;
        break;
    default: /* deleted */
        d->storage = S_DELETED;
        break;
    }
    (void)s;
}

/* The default value of element i of a dataset of role (and schema sizes), valid for a run. */
static double default_value(const schema *s, int role, size_t i, size_t col)
{
    const double dx = 0.1;
    switch (role) {
    case R_X:
    case R_Y:
    case R_Z:
        return ((double)i + 0.5) * dx;
    case R_LAYER:
        return (double)(i * MH_LAYER_COUNT / (size_t)(s->nz > 0 ? s->nz : 1));
    case R_TOP:
        return (double)i * 0.3;
    case R_PUNCT:
        return 0.05 + 0.01 * (double)i;
    case R_SESSION:
        return 1.0 + (double)(i * (size_t)(s->nses > 0 ? s->nses : 1) / (size_t)(s->np > 0 ? s->np : 1));
    case R_TIME:
        return 0.1 * (double)i;
    case R_GAIN_DAYS:
        return i < 3 ? (double)(42 * (i + 1)) : 0.2;
    case R_STATE_FIELD:
    case R_FIELD:
    case R_GAIN:
        return 1.0;
    case R_STATE_SERIES:
        return col == MH_OBS_T ? 0.0 : 0.5;
    default:
        return 0.5 + 0.001 * (double)i;
    }
}

static double value_of(const schema *s, const ds *d, size_t i, size_t col)
{
    switch (d->values) {
    case V_NAN:
        return NAN;
    case V_INF:
        return (d->value_byte & 1) ? -INFINITY : INFINITY;
    case V_NEG:
        return -default_value(s, d->role, i, col) - (double)d->value_byte;
    case V_HUGE:
        return (d->value_byte & 1) ? 1e300 : 3e9;
    case V_ZERO:
        return 0.0;
    case V_DESCENDING:
        return 100.0 - (double)i;
    case V_BYTES:
        return (double)(int8_t)(d->value_byte + i);
    default:
        return default_value(s, d->role, i, col);
    }
}

static hid_t puncture_type(void)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(mh_puncture));
    H5Tinsert(t, "x_mm", HOFFSET(mh_puncture, x_mm), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "y_mm", HOFFSET(mh_puncture, y_mm), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "depth_mm", HOFFSET(mh_puncture, depth_mm), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "radius_mm", HOFFSET(mh_puncture, radius_mm), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "session", HOFFSET(mh_puncture, session), H5T_NATIVE_INT);
    return t;
}

static hid_t file_type(int type)
{
    switch (type) {
    case T_FLOAT:
        return H5Tcopy(H5T_NATIVE_FLOAT);
    case T_INT:
        return H5Tcopy(H5T_NATIVE_INT);
    case T_UCHAR:
        return H5Tcopy(H5T_NATIVE_UCHAR);
    case T_LLONG:
        return H5Tcopy(H5T_NATIVE_LLONG);
    case T_STRING: {
        hid_t t = H5Tcopy(H5T_C_S1);
        H5Tset_size(t, 8);
        return t;
    }
    case T_PUNCTURE:
        return puncture_type();
    default:
        return H5Tcopy(H5T_NATIVE_DOUBLE);
    }
}

/* Writes the values of d (n elements, rows of the last axis) into dataset h. */
static void write_values(const schema *s, const ds *d, hid_t h, size_t n)
{
    const size_t row = d->rank >= 2 ? (size_t)d->dims[d->rank - 1] : 1;
    if (d->type == T_STRING) {
        char *c = calloc(n + 1, 8);
        for (size_t i = 0; c != NULL && i < n; i++) {
            char v[32];
            snprintf(v, sizeof v, "%g", value_of(s, d, i, 0));
            snprintf(c + 8 * i, 8, "%.7s", v); /* its first 7 characters */
        }
        hid_t t = file_type(T_STRING);
        if (c != NULL)
            H5Dwrite(h, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, c);
        H5Tclose(t);
        free(c);
    } else if (d->type == T_PUNCTURE) {
        mh_puncture *p = calloc(n + 1, sizeof *p);
        for (size_t i = 0; p != NULL && i < n; i++) {
            const double v = value_of(s, d, i, 0);
            const int session = d->values == V_DEFAULT ? 1 : isfinite(v) ? (int)fmod(v, 1e9) : -1;
            p[i] = (mh_puncture){v, v, v + 0.1, v + 0.01, session, 0.0};
        }
        hid_t t = puncture_type();
        if (p != NULL)
            H5Dwrite(h, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, p);
        H5Tclose(t);
        free(p);
    } else {
        double *v = malloc((n + 1) * sizeof *v);
        for (size_t i = 0; v != NULL && i < n; i++)
            v[i] = value_of(s, d, i / row, i % row);
        if (v != NULL)
            H5Dwrite(h, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
        free(v);
    }
}

/* External links: the readers take their class out of the library (mh_h5_open_microheal), so that after
 * the first input H5Lcreate_external fails. The builder writes the same record (a version-and-flags
 * byte, the file's name, the object's path) as a user-defined link of the external class, registering
 * for it a stand-in that cannot be traversed when the class is missing. */
static hid_t no_traversal(const char *name, hid_t group, const void *data, size_t size, hid_t lapl, hid_t dxpl)
{
    (void)name, (void)group, (void)data, (void)size, (void)lapl, (void)dxpl;
    return H5I_INVALID_HID;
}

static void external_link(hid_t f, const char *name, const char *file, hid_t lcpl)
{
    static const H5L_class_t stand_in = {
        H5L_LINK_CLASS_T_VERS, H5L_TYPE_EXTERNAL, "fuzz_h5 stand-in", NULL, NULL, NULL, no_traversal, NULL, NULL};
    if (H5Lis_registered(H5L_TYPE_EXTERNAL) <= 0 && H5Lregister(&stand_in) < 0)
        fail("cannot register a stand-in external link class");
    char record[400];
    const int n = snprintf(record + 1, sizeof record - 1, "%s%c/x", file, '\0');
    record[0] = 0;
    if (n > 0 && (size_t)n + 2 <= sizeof record)
        H5Lcreate_ud(f, name, H5L_TYPE_EXTERNAL, record, (size_t)n + 2, lcpl, H5P_DEFAULT);
}

/* Creates dataset d in file f as it says (a failure to create leaves it out: that is a file too). */
static void create_dataset(hid_t f, const schema *s, const ds *d)
{
    if (d->storage == S_DELETED)
        return;
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    if (d->storage == S_SOFT) { /* to another dataset of the schema */
        H5Lcreate_soft(s->d[d->value_byte % (unsigned)s->n].name, f, d->name, lcpl, H5P_DEFAULT);
    } else if (d->storage == S_EXT_LINK) {
        external_link(f, d->name, d->value_byte & 1 ? env.fifo : env.other, lcpl);
    } else if (d->storage == S_GROUP) {
        hid_t g = H5Gcreate2(f, d->name, lcpl, H5P_DEFAULT, H5P_DEFAULT);
        if (g >= 0)
            H5Gclose(g);
    } else {
        hsize_t maxd[4], chunk[4];
        double n = 1.0, chunk_bytes = 8.0;
        for (int r = 0; r < d->rank; r++) {
            maxd[r] = r == 0 && d->unlimited ? H5S_UNLIMITED : d->dims[r];
            chunk[r] = d->chunk[0] == 0 ? (d->dims[r] == 0 ? 1 : d->dims[r] < 4096 ? d->dims[r] : 4096) : d->chunk[r];
            n *= (double)d->dims[r];
            chunk_bytes *= (double)chunk[r];
        }
        hid_t sp = d->rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(d->rank, d->dims, maxd);
        hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE), type = file_type(d->type);
        H5Pset_obj_track_times(dcpl, 0);
        const bool elsewhere = d->storage == S_EXTERNAL || d->storage == S_EXTERNAL_FIFO || d->storage == S_VIRTUAL;
        if (d->layout == L_CHUNKED && d->rank > 0 && !elsewhere) {
            H5Pset_chunk(dcpl, d->rank, chunk);
            if (d->filters & F_SHUFFLE)
                H5Pset_shuffle(dcpl);
            if (d->filters & F_NBIT)
                H5Pset_nbit(dcpl);
            if (d->filters & F_SCALEOFFSET)
                H5Pset_scaleoffset(dcpl, H5Z_SO_FLOAT_DSCALE, 2);
            if (d->filters & F_DEFLATE)
                H5Pset_deflate(dcpl, 4);
            if (d->filters & F_FLETCHER)
                H5Pset_fletcher32(dcpl);
        } else if (d->layout == L_COMPACT && n >= 1.0 && !elsewhere) {
            /* (HDF5 1.10's H5Dcreate2 crashes on an empty compact dataset, or one with external storage) */
            H5Pset_layout(dcpl, H5D_COMPACT);
        }
        if (d->storage == S_EXTERNAL || d->storage == S_EXTERNAL_FIFO)
            H5Pset_external(dcpl, d->storage == S_EXTERNAL ? env.ext : env.fifo, 0, H5F_UNLIMITED);
        if (d->storage == S_VIRTUAL && sp >= 0)
            H5Pset_virtual(dcpl, sp, d->value_byte & 1 ? env.fifo : ".", s->d[d->value_byte % (unsigned)s->n].name, sp);
        hid_t h = sp >= 0 ? H5Dcreate2(f, d->name, type, sp, lcpl, dcpl, H5P_DEFAULT) : H5I_INVALID_HID;
        /* data only where there is little of it, in the file itself, and in chunks of at most 1 MiB
         * (HDF5 allocates a whole chunk to write into it) */
        if (h >= 0 && !d->unwritten && n >= 1.0 && n <= 65536.0 && d->storage == S_DATA &&
            (d->layout != L_CHUNKED || chunk_bytes <= (double)(1 << 20)))
            write_values(s, d, h, (size_t)n);
        if (h >= 0 && d->role != R_STATE_FIELD && d->role != R_STATE_RATE)
            mh_h5_attr_string(h, "units", "1");
        if (h >= 0)
            H5Dclose(h);
        H5Tclose(type);
        H5Pclose(dcpl);
        if (sp >= 0)
            H5Sclose(sp);
    }
    H5Pclose(lcpl);
}

/* The attributes of the schema: where, name; and the strings an edit may set. */
static const char *const attr_names[][2] = {{"/", "program"},
                                            {"/", "kind"},
                                            {"/", "version"},
                                            {"/", "config"},
                                            {"/", "config_sha256"},
                                            {"/", "created"},
                                            {"/", "seed"},
                                            {"/", "dims"},
                                            {"/grid", "dx_mm"},
                                            {"/grid", "width_mm"},
                                            {"/grid", "length_mm"},
                                            {"/grid", "lateral_bc"},
                                            {"/", "snapshots_written"},
                                            {"/", "pid"},
                                            {"/", "message"},
                                            {"/state", "t_days"},
                                            {"/state", "dt_days"},
                                            {"/state", "sessions_done"},
                                            {"/state", "snapshots_done"},
                                            {"/state", "accepted"},
                                            {"/state", "rejected"},
                                            {"/state", "surface_cells"},
                                            {"/state", "deficit"}};
#define NATTRS (sizeof attr_names / sizeof attr_names[0])
static const char *const strings[] = {
    "microheal", "checkpoint",           "fault",  "",         "1.0.0",          "0.9", "x",
    "periodic",  "2026-01-01T00:00:00Z", "%s%n%s", "\xff\xfe", "microheal\nmore"};
#define NSTRINGS (sizeof strings / sizeof strings[0])

/* An attribute edit: op 0 deletes, 1 sets a string, 2 a number, 3 a variable-length string, 4 an integer,
 * 5 an array of two numbers. */
typedef struct {
    int op;
    unsigned a;
} attr_edit;

static double number(unsigned a)
{
    static const double v[] = {0, 1, 2, 3, 4, -1, 0.1, 0.5, 1e300, -1e300, NAN, INFINITY, 4194304, 9e15, 1e-300};
    return v[a % (sizeof v / sizeof v[0])];
}

/* Whether attribute name of where is in a file of kind (as microheal writes it). */
static bool belongs(int kind, const char *where, const char *name)
{
    const bool saved = kind == K_CHECKPOINT || kind == K_FAULT; /* a run's state */
    if (strcmp(where, "/state") == 0 || strcmp(name, "kind") == 0)
        return saved;
    if (strcmp(where, "/grid") == 0 || strcmp(name, "config_sha256") == 0 || strcmp(name, "seed") == 0 ||
        strcmp(name, "dims") == 0)
        return !saved;
    if (strcmp(name, "snapshots_written") == 0 || strcmp(name, "pid") == 0)
        return kind == K_CHECKPOINT;
    if (strcmp(name, "message") == 0)
        return kind == K_FAULT;
    return true; /* program, version, config, created */
}

/* Sets attribute name of where in f: by edit e, else to text (a string) or, when text is NULL, number. */
static void set_attr(hid_t f, const char *where, const char *name, const attr_edit *e, const char *text,
                     double number_value)
{
    hid_t o = H5Lexists(f, where, H5P_DEFAULT) > 0 || strcmp(where, "/") == 0 ? H5Oopen(f, where, H5P_DEFAULT)
                                                                              : H5I_INVALID_HID;
    if (o < 0)
        return;
    if (H5Aexists(o, name) > 0)
        H5Adelete(o, name);
    const int op = e != NULL ? e->op : text != NULL ? 1 : 2;
    if (op == 1) {
        mh_h5_attr_string(o, name, e != NULL ? strings[e->a % NSTRINGS] : text);
    } else if (op == 2) {
        mh_h5_attr_double(o, name, e != NULL ? number(e->a) : number_value);
    } else if (op == 3 || op == 4 || op == 5) {
        hid_t t = op == 3 ? H5Tcopy(H5T_C_S1) : H5Tcopy(op == 4 ? H5T_NATIVE_INT : H5T_NATIVE_DOUBLE);
        if (op == 3)
            H5Tset_size(t, H5T_VARIABLE);
        hsize_t two = 2;
        hid_t sp = op == 5 ? H5Screate_simple(1, &two, NULL) : H5Screate(H5S_SCALAR);
        hid_t a = H5Acreate2(o, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
        const char *s = strings[e->a % NSTRINGS];
        const int i = (int)e->a - 128;
        const double d[2] = {number(e->a), 1.0};
        if (a >= 0)
            H5Awrite(a, t, op == 3 ? (const void *)&s : op == 4 ? (const void *)&i : (const void *)d);
        if (a >= 0)
            H5Aclose(a);
        H5Sclose(sp);
        H5Tclose(t);
    }
    H5Oclose(o);
}

/* Writes the recipe r as an HDF5 file at env.in; *edits tells how many edits it holds. */
static void build(const bytes *r, schema *s, int *edits)
{
    const unsigned k = at(r, 0);
    s->kind = k < 160 ? K_OUTPUT : k < 208 ? K_CHECKPOINT : k < 240 ? K_FAULT : K_FOREIGN;
    static const int dims_values[] = {2, 2, 2, 2, 3, 3, 0, 1, 4, -1};
    const unsigned dv = at(r, 1) % (sizeof dims_values / sizeof dims_values[0]);
    s->dims = dims_values[dv];
    s->nx = 3 + (int)at(r, 2) % 14;
    s->ny = s->dims == 3 ? 1 + (int)at(r, 3) % 8 : 1;
    s->nz = 4 + (int)at(r, 4) % 14;
    s->nsnap = 1 + (int)at(r, 5) % 4;
    s->nt = 2 + (int)at(r, 6) % 31;
    s->np = (int)at(r, 7) % 9;
    s->nses = 1 + (int)at(r, 8) % 4;
    if (s->kind == K_CHECKPOINT) { /* the grid of the run it resumes; a start at day 0 */
        s->dims = 2;
        s->nx = env.nx;
        s->nz = env.nz;
        s->nt = s->np = 0;
        s->nsnap = (int)at(r, 5) % 2;
    }
    build_schema(s);
    attr_edit ae[NATTRS];
    bool has_ae[NATTRS] = {false};
    *edits = 0;
    for (size_t e = 12; e + 4 <= r->n; e += 4) {
        const unsigned t = r->b[e], op = r->b[e + 1], a = r->b[e + 2], b = r->b[e + 3];
        if (t < 224) {
            edit_dataset(s, &s->d[t % (unsigned)s->n], op, a, b);
        } else {
            const size_t i = (t - 224) % NATTRS;
            ae[i] = (attr_edit){(int)(op % 6), a};
            has_ae[i] = true;
        }
        ++*edits;
    }
    for (int i = 0; i < s->n && getenv("MH_FUZZ_H5_VERBOSE") != NULL; i++) /* the edits' targets */
        fprintf(stderr, "dataset %d (target byte %d): %s\n", i, i, s->d[i].name);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS), fcpl = H5Pcreate(H5P_FILE_CREATE);
    H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_LATEST);
    H5Pset_obj_track_times(fcpl, 0);
    hid_t f = H5Fcreate(env.in, H5F_ACC_TRUNC, fcpl, fapl);
    H5Pclose(fapl);
    H5Pclose(fcpl);
    if (f < 0)
        fail("cannot create %s", env.in);
    for (int i = 0; i < s->n; i++)
        create_dataset(f, s, &s->d[i]);
    hid_t g = H5Lexists(f, "/grid", H5P_DEFAULT) > 0 ? H5I_INVALID_HID
                                                     : H5Gcreate2(f, "/grid", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g >= 0)
        H5Gclose(g);
    if (s->kind == K_CHECKPOINT || s->kind == K_FAULT) {
        g = H5Lexists(f, "/state", H5P_DEFAULT) > 0 ? H5I_INVALID_HID
                                                    : H5Gcreate2(f, "/state", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (g >= 0)
            H5Gclose(g);
    }
    char sha[MH_SHA256_HEX];
    mh_sha256_hex(env.cfg_text, strlen(env.cfg_text), sha);
    for (size_t i = 0; i < NATTRS; i++) {
        const char *where = attr_names[i][0], *name = attr_names[i][1];
        if (!has_ae[i] && (!belongs(s->kind, where, name) || (strcmp(name, "dims") == 0 && s->dims < 0)))
            continue; /* (dims -1: no attribute dims) */
        const char *text = strcmp(name, "program") == 0         ? (s->kind == K_FOREIGN ? "other" : "microheal")
                           : strcmp(name, "kind") == 0          ? (s->kind == K_CHECKPOINT ? "checkpoint" : "fault")
                           : strcmp(name, "version") == 0       ? MH_VERSION
                           : strcmp(name, "config") == 0        ? env.cfg_text
                           : strcmp(name, "config_sha256") == 0 ? sha
                           : strcmp(name, "created") == 0       ? "2026-01-01T00:00:00Z"
                           : strcmp(name, "lateral_bc") == 0    ? "periodic"
                           : strcmp(name, "message") == 0       ? "a fault"
                                                                : NULL;
        const double number_value = strcmp(name, "dims") == 0                ? (double)s->dims
                                    : strcmp(name, "dx_mm") == 0             ? 0.1
                                    : strcmp(name, "dt_days") == 0           ? 1e-4
                                    : strcmp(name, "snapshots_written") == 0 ? (double)s->nsnap
                                                                             : 0.0;
        set_attr(f, where, name, has_ae[i] ? &ae[i] : NULL, text, number_value);
    }
    if (s->kind == K_CHECKPOINT) /* never a name from the input: a resume removes the file it names */
        mh_h5_attr_string(f, "partial_output", env.partial);
    if (H5Fclose(f) < 0)
        fail("cannot close %s", env.in);
}

/* ---- reading ---- */

/* A stream that counts what it is given. */
static ssize_t count_write(void *cookie, const char *buf, size_t n)
{
    (void)buf;
    *(size_t *)cookie += n;
    return (ssize_t)n;
}

/* The checks of one reader's result: see the file's head. */
static void check(const char *what, mh_status st, const mh_ctx *ctx, size_t written, bool must_pass)
{
    if (getenv("MH_FUZZ_H5_VERBOSE") != NULL) /* what each reader made of the input */
        fprintf(stderr, "%s: %s (%zu bytes written)\n", what, st == MH_OK ? "read" : ctx->msg, written);
    const ssize_t open = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
    if (open != 0)
        fail("%s: %zd HDF5 objects left open (%s)", what, open, st == MH_OK ? "it succeeded" : ctx->msg);
    if (st == MH_OK) {
        return;
    }
    if (must_pass)
        fail("%s refused a valid file: %s", what, ctx->msg);
    if (st != MH_ERR_IO && st != MH_ERR_INPUT && st != MH_ERR_STATE)
        fail("%s: status %d (%s): %s", what, (int)st, mh_status_name(st), ctx->msg);
    if (strstr(ctx->msg, env.in) == NULL && strncmp(ctx->msg, "--y-mm ", 7) != 0)
        fail("%s: the message does not name the file: '%s' (raised at %s:%d)", what, ctx->msg,
             ctx->src_file ? ctx->src_file : "?", ctx->src_line);
    if (written != 0)
        fail("%s failed (%s) after writing %zu bytes", what, ctx->msg, written);
}

/* Whether the process's folder holds other than the fixed files (a temporary file left). */
static const char *stray_file(void)
{
    static char name[256];
    DIR *d = opendir(env.dir);
    const char *found = NULL;
    for (struct dirent *e; d != NULL && found == NULL && (e = readdir(d)) != NULL;)
        if (e->d_name[0] != '.' && strcmp(e->d_name, "in.h5") != 0 && strcmp(e->d_name, "ext.bin") != 0 &&
            strcmp(e->d_name, "fifo") != 0 && strcmp(e->d_name, "out.xmf") != 0) {
            snprintf(name, sizeof name, "%s", e->d_name);
            found = name;
        }
    if (d != NULL)
        closedir(d);
    return found;
}

static const char *const field_names[] = {"blood", "collagen_total", "t_days", "", "../grid/x_mm", "nope"};
#define NFIELDNAMES (sizeof field_names / sizeof field_names[0])

/* Reads env.in with every reader; must_pass: it is a valid output (of dims dims). */
static void read_all(const bytes *r, bool must_pass, int dims, bool resume)
{
    const unsigned fb = at(r, 9);
    const char *field = fb < 128 ? mh_species_name((mh_species)(fb % MH_NSPECIES)) : field_names[fb % NFIELDNAMES];
    static const double days[] = {0.0, 0.1, 0.5, 1.0, -1.0, 1e300, NAN};
    static const double ys[] = {-1.0, 0.0, 0.05, 0.15, 0.25, 1e9, NAN};
    const double day = days[at(r, 10) % (sizeof days / sizeof days[0])];
    const double y = ys[at(r, 11) % (sizeof ys / sizeof ys[0])];
    size_t written = 0;
    FILE *sink = fopencookie(&written, "w", (cookie_io_functions_t){NULL, count_write, NULL, NULL});
    if (sink == NULL)
        fail("fopencookie failed");
    setvbuf(sink, NULL, _IONBF, 0); /* counted when written, not when flushed */
    mh_ctx ctx;
#define READ(what, call, pass)                                                                                         \
    do {                                                                                                               \
        written = 0;                                                                                                   \
        mh_ctx_init(&ctx);                                                                                             \
        const mh_status st_ = (call);                                                                                  \
        check(what, st_, &ctx, written, pass);                                                                         \
    } while (0)
    READ("info", mh_export_info(env.in, sink, &ctx), must_pass);
    READ("export --series", mh_export_series(env.in, sink, &ctx), must_pass);
    READ("export --sessions", mh_export_sessions(env.in, sink, &ctx), must_pass);
    READ("export --punctures", mh_export_punctures(env.in, sink, &ctx), must_pass);
    READ("export --summary", mh_export_summary(env.in, sink, &ctx), must_pass);
    /* a species of a valid output is read, at any day; in 3-D a plane y = Y inside the patch */
    const bool field_passes = must_pass && fb < 128 && (dims == 2 || y < 0.0 || (y >= 0.0 && y <= 0.05));
    READ("export --field", mh_export_field(env.in, field, day, y, sink, &ctx), field_passes);
    READ("export --profile", mh_export_profile(env.in, field, day, sink, &ctx), must_pass && fb < 128);
    /* a valid output may have no track by the snapshot, or no papillary dermis: not required to pass */
    const mh_export_radial_opts radial = {.layer = "papillary_dermis", .near_um = 50.0, .far_um = 400.0};
    READ("export --radial", mh_export_radial(env.in, field, day, &radial, sink, NULL, &ctx), false);
    READ("checkpoint info", mh_checkpoint_info(env.in, sink, &ctx), false);
    mh_ctx_init(&ctx);
    unlink(env.xmf);
    const mh_status xs = mh_xdmf_write(env.in, env.xmf, &ctx);
    check("export --xdmf", xs, &ctx, 0, must_pass);
    const char *stray = stray_file();
    if (stray != NULL)
        fail("export --xdmf (%s) left %s in %s", xs == MH_OK ? "succeeded" : ctx.msg, stray, env.dir);
    if ((xs == MH_OK) != (access(env.xmf, F_OK) == 0))
        fail("export --xdmf: %s, but out.xmf is %s", xs == MH_OK ? "succeeded" : ctx.msg,
             xs == MH_OK ? "missing" : "there");
    if (resume) {
        mh_sim *sim = NULL;
        mh_h5_writer *w = NULL;
        mh_ctx_init(&ctx);
        if (mh_build_sim(env.cfg, &ctx, &sim) != MH_OK || mh_h5_writer_open(env.out, &ctx, &w) != MH_OK)
            fail("cannot set up the run to resume: %s", ctx.msg);
        mh_ctx_init(&ctx);
        const mh_status rs = mh_checkpoint_resume(env.in, sim, env.cfg_text, w, &ctx);
        mh_h5_writer_abort(&w);
        mh_sim_destroy(&sim);
        check("run --resume", rs, &ctx, 0, false);
        stray = stray_file();
        if (stray != NULL)
            fail("run --resume (%s) left %s in %s", rs == MH_OK ? "succeeded" : ctx.msg, stray, env.dir);
    }
#undef READ
    fclose(sink);
}

int mh_fuzz_h5_input(const uint8_t *data, size_t size)
{
    if (env.dir[0] == '\0')
        setup();
    if (size == 0)
        return 0;
    const bytes r = {data + 1, size - 1};
    bool valid = false, resume = false;
    int dims = 2;
    if ((data[0] & 1) == 0) { /* raw */
        resume = (data[0] & 2) != 0;
        FILE *f = fopen(env.in, "wb");
        if (f == NULL || (r.n > 0 && fwrite(r.b, 1, r.n, f) != r.n) || fclose(f) != 0)
            fail("cannot write %s", env.in);
    } else {
        schema s;
        int edits = 0;
        build(&r, &s, &edits);
        if (H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) != 0)
            fail("the recipe's builder left HDF5 objects open");
        valid = edits == 0 && s.kind == K_OUTPUT && s.dims != 0 && s.dims != 1 && s.dims != 4 && s.dims != -1;
        resume = s.kind == K_CHECKPOINT;
        dims = s.dims;
    }
    read_all(&r, valid, dims, resume);
    return 0;
}

__attribute__((weak)) int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return mh_fuzz_h5_input(data, size);
}
