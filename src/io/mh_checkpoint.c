/* src/io: files of results: HDF5 outputs and readers, checkpoints, XDMF, export, sweep and compare folders. */
/* mh_checkpoint: checkpoints (the full state of a run, to resume it bit for bit) and fault snapshots.
 *
 * Layout (both kinds; README.md, "Long runs and restarts"): root attributes program = "microheal",
 * kind = "checkpoint" | "fault", version, config (the resolved configuration), created;
 * /state with attributes t_days, dt_days, sessions_done, snapshots_done, accepted, rejected,
 * surface_cells, deficit (mh_sim_state), and datasets fields/<species>, k_close and w_open (float64, the
 * grid's shape [nz, (ny,) nx]), punctures (compound), series [nt, MH_OBS_COUNT]; a checkpoint also
 * holds /fields, the snapshots written so far, as in an output. Every dataset of /state is chunked
 * with the Fletcher-32 filter and the file uses the HDF5 1.8 format, whose metadata is checksummed,
 * so a damaged checkpoint fails to load instead of resuming from wrong values. */
#include "mh_checkpoint.h"

#include "mh_file.h"
#include "mh_h5_internal.h"
#include "mh_version.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char *beside(const char *output, const char *suffix)
{
    size_t n = strlen(output);
    if (n > 3 && strcmp(output + n - 3, ".h5") == 0)
        n -= 3;
    size_t len = n + strlen(suffix) + 1;
    char *p = malloc(len);
    if (p != NULL)
        snprintf(p, len, "%.*s%s", (int)n, output, suffix);
    return p;
}

char *mh_checkpoint_path(const char *output) { return beside(output, ".ckpt.h5"); }
char *mh_fault_path(const char *output) { return beside(output, ".fault.h5"); }
char *mh_output_lock_path(const char *output) { return beside(output, ".lock"); }

/* ---------- writing ---------- */

/* Writes an array of the given shape (rank 1 to 3) as a chunked, Fletcher-32 checksummed dataset;
 * the first axis may be empty. Negative on failure. */
static herr_t write_checked(hid_t loc, const char *name, hid_t type, const void *data, int rank, const hsize_t *dims)
{
    hsize_t maxd[3], chunk[3];
    size_t row = H5Tget_size(type);
    for (int r = 0; r < rank; r++) {
        maxd[r] = r == 0 ? H5S_UNLIMITED : dims[r];
        chunk[r] = dims[r] > 0 ? dims[r] : 1;
        if (r > 0)
            row *= (size_t)chunk[r];
    }
    hsize_t rows = (hsize_t)(((size_t)8 << 20) / (row > 0 ? row : 1)); /* chunks of at most about 8 MiB */
    chunk[0] = chunk[0] < rows ? chunk[0] : (rows > 0 ? rows : 1);
    hid_t sp = H5Screate_simple(rank, dims, maxd);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    herr_t rc = -1;
    if (sp >= 0 && dcpl >= 0 && H5Pset_chunk(dcpl, rank, chunk) >= 0 && H5Pset_fletcher32(dcpl) >= 0) {
        hid_t d = H5Dcreate2(loc, name, type, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        if (d >= 0) {
            rc = H5Sget_simple_extent_npoints(sp) > 0 ? H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) : 0;
            if (H5Dclose(d) < 0)
                rc = -1;
        }
    }
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (sp >= 0)
        H5Sclose(sp);
    return rc;
}

/* The grid's shape (depth first) and rank. */
static int grid_shape(const mh_grid *g, hsize_t dims[3])
{
    dims[0] = (hsize_t)g->nz;
    if (g->dims == 3) {
        dims[1] = (hsize_t)g->ny;
        dims[2] = (hsize_t)g->nx;
        return 3;
    }
    dims[1] = (hsize_t)g->nx;
    return 2;
}

static hid_t puncture_type(void)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(mh_puncture));
    if (t >= 0) {
        H5Tinsert(t, "x_mm", HOFFSET(mh_puncture, x_mm), H5T_NATIVE_DOUBLE);
        H5Tinsert(t, "y_mm", HOFFSET(mh_puncture, y_mm), H5T_NATIVE_DOUBLE);
        H5Tinsert(t, "depth_mm", HOFFSET(mh_puncture, depth_mm), H5T_NATIVE_DOUBLE);
        H5Tinsert(t, "radius_mm", HOFFSET(mh_puncture, radius_mm), H5T_NATIVE_DOUBLE);
        H5Tinsert(t, "session", HOFFSET(mh_puncture, session), H5T_NATIVE_INT);
    }
    return t;
}

/* Root attributes and /state of sim into file; negative on failure. */
static herr_t write_state(hid_t file, const mh_sim *sim, const char *kind, const char *config_text)
{
    char created[64];
    time_t now = time(NULL);
    struct tm tmv;
    gmtime_r(&now, &tmv);
    strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tmv);
    herr_t rc = 0;
    rc |= mh_h5_attr_string(file, "program", "microheal");
    rc |= mh_h5_attr_string(file, "kind", kind);
    rc |= mh_h5_attr_string(file, "version", MH_VERSION);
    rc |= mh_h5_attr_string(file, "config", config_text);
    rc |= mh_h5_attr_string(file, "created", created);

    hid_t grp = H5Gcreate2(file, "/state", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (grp < 0)
        return -1;
    mh_sim_state st;
    mh_sim_get_state(sim, &st);
    rc |= mh_h5_attr_double(grp, "t_days", st.t_days);
    rc |= mh_h5_attr_double(grp, "dt_days", st.dt_days);
    rc |= mh_h5_attr_double(grp, "sessions_done", st.sessions_done);
    rc |= mh_h5_attr_double(grp, "snapshots_done", st.snapshots_done);
    rc |= mh_h5_attr_double(grp, "accepted", (double)st.accepted);
    rc |= mh_h5_attr_double(grp, "rejected", (double)st.rejected);
    rc |= mh_h5_attr_double(grp, "surface_cells", (double)st.ref.surface_cells);
    rc |= mh_h5_attr_double(grp, "deficit", st.ref.deficit);

    const mh_grid *g = mh_sim_grid(sim);
    const mh_fields *u = mh_sim_fields(sim);
    hsize_t dims[3];
    int rank = grid_shape(g, dims);
    hid_t fg = H5Gcreate2(grp, "fields", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    rc |= fg < 0 ? -1 : 0;
    for (int sp = 0; sp < MH_NSPECIES && fg >= 0; sp++) {
        rc |= write_checked(fg, mh_species_name((mh_species)sp), H5T_NATIVE_DOUBLE, u->u[sp], rank, dims);
        hid_t d = H5Dopen2(fg, mh_species_name((mh_species)sp), H5P_DEFAULT);
        rc |= d < 0 ? -1 : mh_h5_attr_string(d, "units", mh_species_unit((mh_species)sp));
        if (d >= 0)
            H5Dclose(d);
    }
    if (fg >= 0)
        H5Gclose(fg);
    rc |= write_checked(grp, "k_close", H5T_NATIVE_DOUBLE, mh_sim_closure_rates(sim), rank, dims);
    rc |= write_checked(grp, "w_open", H5T_NATIVE_DOUBLE, mh_sim_lumen_weights(sim), rank, dims);

    size_t np = 0;
    const mh_puncture *p = mh_sim_punctures(sim, &np);
    hid_t pt = puncture_type();
    hsize_t pd = np;
    rc |= pt < 0 ? -1 : write_checked(grp, "punctures", pt, p, 1, &pd);
    if (pt >= 0)
        H5Tclose(pt);
    const mh_series *s = mh_sim_series(sim);
    hsize_t sd[2] = {s->nt, MH_OBS_COUNT};
    rc |= write_checked(grp, "series", H5T_NATIVE_DOUBLE, s->data, 2, sd);
    H5Gclose(grp);
    return rc;
}

/* Writes a file of the given kind through a temporary file: state, then (checkpoints) the writer's
 * snapshots and, for faults, the fault's description. */
static mh_status write_file(const char *path, const char *kind, const mh_sim *sim, const char *config_text,
                            mh_h5_writer *w, const char *message, mh_ctx *ctx)
{
    mh_h5_quiet();
    mh_status st = mh_file_check_output(path, ctx);
    char *tmp = NULL;
    hid_t file = st == MH_OK ? mh_h5_create_temp(path, &tmp, ctx) : H5I_INVALID_HID;
    if (file < 0)
        return ctx->status;
    herr_t rc = write_state(file, sim, kind, config_text);
    if (rc >= 0 && w != NULL) {
        rc |= mh_h5_attr_double(file, "pid", (double)getpid());
        rc |= mh_h5_attr_double(file, "snapshots_written", (double)mh_h5_writer_snapshots(w));
        if (rc >= 0)
            rc = mh_h5_writer_copy_snapshots(w, mh_sim_grid(sim), file);
    }
    const mh_sim_fault *f = mh_sim_get_fault(sim);
    if (rc >= 0 && message != NULL && f != NULL) {
        rc |= mh_h5_attr_string(file, "message", message);
        rc |= mh_h5_attr_string(file, "field", mh_species_name((mh_species)f->species));
        rc |= mh_h5_attr_string(file, "fault", f->non_finite ? "non-finite value" : "time step below its floor");
        rc |= mh_h5_attr_double(file, "x_mm", f->x_mm);
        rc |= mh_h5_attr_double(file, "y_mm", f->y_mm);
        rc |= mh_h5_attr_double(file, "depth_mm", f->depth_mm);
        rc |= mh_h5_attr_double(file, "t_days", f->t_days);
        rc |= mh_h5_attr_double(file, "dt_s", f->dt_days * 86400.0);
    }
    if (H5Fclose(file) < 0)
        rc = -1;
    if (rc < 0) {
        unlink(tmp);
        st = MH_ERROR(ctx, MH_ERR_IO, "%s: cannot write the %s (disk full?)", path, kind);
    } else {
        st = mh_h5_commit(tmp, path, ctx);
    }
    free(tmp);
    return st;
}

mh_status mh_checkpoint_write(const char *path, const mh_sim *sim, const char *config_text, mh_h5_writer *w,
                              mh_ctx *ctx)
{
    return write_file(path, "checkpoint", sim, config_text, w, NULL, ctx);
}

mh_status mh_fault_write(const char *path, const mh_sim *sim, const char *config_text, const char *message, mh_ctx *ctx)
{
    if (mh_sim_get_fault(sim) == NULL)
        return MH_ERROR(ctx, MH_ERR_STATE, "mh_fault_write: the run has no fault");
    return write_file(path, "fault", sim, config_text, NULL, message, ctx);
}

/* ---------- reading ---------- */

/* Next line of a resolved configuration that takes part in the comparison: not blank, not a comment,
 * not in [checkpoint] (checkpoint settings may change between a run and its resume). *section
 * tracks the current section header. Returns its length (0 at the end) and sets *line. */
static size_t next_line(const char **p, const char **line, char *section, size_t slen)
{
    while (**p != '\0') {
        const char *s = *p, *e = strchr(s, '\n');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        *p = e ? e + 1 : s + n;
        if (n == 0 || s[0] == ';')
            continue;
        if (s[0] == '[') {
            snprintf(section, slen, "%.*s", (int)(n < 64 ? n : 64), s);
            continue;
        }
        if (strcmp(section, "[checkpoint]") == 0)
            continue;
        *line = s;
        return n;
    }
    return 0;
}

/* MH_OK when the two resolved configurations agree outside [checkpoint]; else MH_ERR_INPUT naming
 * the first line that differs. */
static mh_status same_config(const char *path, const char *saved, const char *now, mh_ctx *ctx)
{
    char sa[80] = "", sb[80] = "";
    const char *pa = saved, *pb = now;
    for (;;) {
        const char *la = NULL, *lb = NULL;
        size_t na = next_line(&pa, &la, sa, sizeof sa), nb = next_line(&pb, &lb, sb, sizeof sb);
        if (na == 0 && nb == 0)
            return MH_OK;
        if (na != nb || strcmp(sa, sb) != 0 || memcmp(la, lb, na) != 0) {
            size_t ka = na ? strcspn(la, ";") : 0, kb = nb ? strcspn(lb, ";") : 0;
            return MH_ERROR(ctx, MH_ERR_INPUT,
                            "%s: a checkpoint of another configuration: it has %s %.*s, this run %s %.*s "
                            "(resume with the configuration and --set options it was started with)",
                            path, sa, (int)(ka < na ? ka : na), na ? la : "(nothing)", sb, (int)(kb < nb ? kb : nb),
                            nb ? lb : "(nothing)");
        }
    }
}

/* Reads dataset name of loc into buf: its rank and dims must be exactly rank and dims. */
static mh_status read_checked(hid_t loc, const char *path, const char *name, hid_t type, void *buf, int rank,
                              const hsize_t *dims, mh_ctx *ctx)
{
    if (H5Lexists(loc, name, H5P_DEFAULT) <= 0)
        return MH_ERROR(ctx, MH_ERR_IO, "%s: no dataset %s (not a complete checkpoint)", path, name);
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    if (d < 0)
        return MH_ERROR(ctx, MH_ERR_IO, "%s: cannot open %s (damaged?)", path, name);
    if (mh_h5_check_dataset(d, path, name, ctx) != MH_OK) { /* its data in another file, say */
        H5Dclose(d);
        return ctx->status;
    }
    hid_t sp = H5Dget_space(d);
    hsize_t got[3] = {0, 0, 0};
    bool fits = sp >= 0 && rank <= 3 && H5Sget_simple_extent_ndims(sp) == rank &&
                H5Sget_simple_extent_dims(sp, got, NULL) == rank;
    for (int r = 0; fits && r < rank; r++)
        fits = got[r] == dims[r];
    if (sp >= 0)
        H5Sclose(sp);
    herr_t rc = 0;
    if (fits && dims[0] > 0)
        rc = H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    H5Dclose(d);
    if (!fits)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: %s does not have the shape of this run's grid", path, name);
    if (rc < 0)
        return MH_ERROR(ctx, MH_ERR_IO, "%s: cannot read %s (damaged: checksum or data error)", path, name);
    return MH_OK;
}

/* Extent of the first axis of dataset name (rank given), or -1 with an error. The caller allocates that
 * many rows: mh_h5_check_dataset bounds them by the file's size (the dataset is not compressed). */
static long extent0(hid_t loc, const char *path, const char *name, int rank, mh_ctx *ctx)
{
    hid_t d = H5Lexists(loc, name, H5P_DEFAULT) > 0 ? H5Dopen2(loc, name, H5P_DEFAULT) : H5I_INVALID_HID;
    char full[64];
    snprintf(full, sizeof full, "/state/%s", name);
    if (d >= 0 && mh_h5_check_dataset(d, path, full, ctx) != MH_OK) {
        H5Dclose(d);
        return -1;
    }
    hid_t sp = d >= 0 ? H5Dget_space(d) : H5I_INVALID_HID;
    hsize_t dims[3] = {0, 0, 0};
    long n = sp >= 0 && H5Sget_simple_extent_ndims(sp) == rank && H5Sget_simple_extent_dims(sp, dims, NULL) == rank &&
                     dims[0] < ((hsize_t)1 << 40)
                 ? (long)dims[0]
                 : -1;
    if (sp >= 0)
        H5Sclose(sp);
    if (d >= 0)
        H5Dclose(d);
    if (n < 0)
        MH_ERROR(ctx, MH_ERR_IO, "%s: no readable dataset %s (not a complete checkpoint)", path, full);
    return n;
}

/* Reads the state scalars of group grp. */
static mh_status read_scalars(hid_t grp, const char *path, mh_sim_state *st, mh_ctx *ctx)
{
    static const char *names[] = {"t_days",   "dt_days",  "sessions_done", "snapshots_done",
                                  "accepted", "rejected", "surface_cells", "deficit"};
    double v[8];
    for (int k = 0; k < 8; k++)
        if (mh_h5_get_attr_double(grp, path, names[k], &v[k], ctx) != MH_OK)
            return ctx->status;
    for (int k = 2; k < 7; k++)
        if (!(v[k] >= 0.0 && v[k] <= 9e15 && v[k] == floor(v[k])))
            return MH_ERROR(ctx, MH_ERR_INPUT, "%s: /state attribute %s is not a count", path, names[k]);
    *st = (mh_sim_state){v[0],       v[1],       (int)fmin(v[2], 1e9), (int)fmin(v[3], 1e9),
                         (long)v[4], (long)v[5], {(size_t)v[6], v[7]}};
    return MH_OK;
}

/* What check_snapshots carries through H5Literate. */
typedef struct {
    const char *path;
    mh_ctx *ctx;
} snapshots_check;

static herr_t check_snapshot_link(hid_t grp, const char *name, const H5L_info_t *info, void *user)
{
    (void)info;
    snapshots_check *c = user;
    char full[160];
    snprintf(full, sizeof full, "/fields/%.140s", name);
    hid_t o = H5Oopen(grp, name, H5P_DEFAULT);
    if (o < 0) {
        MH_ERROR(c->ctx, MH_ERR_IO, "%s: cannot open %s (damaged?)", c->path, full);
        return -1;
    }
    mh_status st = H5Iget_type(o) == H5I_DATASET ? mh_h5_check_dataset(o, c->path, full, c->ctx) : MH_OK;
    H5Oclose(o);
    return st == MH_OK ? 0 : -1;
}

/* The snapshots of /fields that the resumed run takes over into its output are stored as microheal
 * stores them (mh_h5_check_dataset: in the file itself, not larger than it). */
static mh_status check_snapshots(hid_t file, const char *path, mh_ctx *ctx)
{
    if (H5Lexists(file, "/fields", H5P_DEFAULT) <= 0)
        return MH_OK; /* none yet */
    hid_t grp = H5Gopen2(file, "/fields", H5P_DEFAULT);
    snapshots_check c = {path, ctx};
    herr_t rc = grp < 0 ? -1 : H5Literate(grp, H5_INDEX_NAME, H5_ITER_INC, NULL, check_snapshot_link, &c);
    if (grp >= 0)
        H5Gclose(grp);
    if (rc < 0 && ctx->status == MH_OK)
        return MH_ERROR(ctx, MH_ERR_IO, "%s: cannot list the datasets of /fields (damaged?)", path);
    return rc < 0 ? ctx->status : MH_OK;
}

/* The resume proper, on an open checkpoint file. */
/* The attributes a resume checks first: the version that wrote the checkpoint (this one), its
 * configuration (the same as config_text) and the count of snapshots its output holds. */
static mh_status check_header(hid_t file, const char *path, const char *config_text, double *nsnap, mh_ctx *ctx)
{
    char *version = NULL, *saved = NULL;
    mh_status st = mh_h5_get_attr_string(file, path, "version", &version, ctx);
    if (st == MH_OK && strcmp(version, MH_VERSION) != 0)
        st = MH_ERROR(ctx, MH_ERR_IO, "%s: written by microheal %s; this is %s, which cannot resume it", path, version,
                      MH_VERSION);
    if (st == MH_OK)
        st = mh_h5_get_attr_string(file, path, "config", &saved, ctx);
    if (st == MH_OK)
        st = same_config(path, saved, config_text, ctx);
    *nsnap = 0.0;
    if (st == MH_OK && (st = mh_h5_get_attr_double(file, path, "snapshots_written", nsnap, ctx)) == MH_OK &&
        !(*nsnap >= 0.0 && *nsnap <= 1e6 && *nsnap == floor(*nsnap)))
        st = MH_ERROR(ctx, MH_ERR_INPUT, "%s: attribute snapshots_written is not a count", path);
    free(version);
    free(saved);
    return st;
}

/* The arrays of a checkpoint's /state, read back (saved_state_free frees them). */
typedef struct {
    mh_sim_state s;
    double *u[MH_NSPECIES], *k_close, *w_open, *series;
    mh_puncture *p;
    long np, nt;
} saved_state;

static void saved_state_free(saved_state *x)
{
    for (int sp = 0; sp < MH_NSPECIES; sp++)
        mh_free(x->u[sp]);
    mh_free(x->k_close);
    mh_free(x->w_open);
    free(x->p);
    free(x->series);
}

/* Allocates the arrays of x for a grid of ncell cells, x->np punctures and x->nt series rows. */
static mh_status saved_state_alloc(saved_state *x, size_t ncell, const char *path, mh_ctx *ctx)
{
    bool ok = (x->k_close = mh_alloc_doubles(ncell)) != NULL;
    ok &= (x->w_open = mh_alloc_doubles(ncell)) != NULL;
    ok &= (x->p = malloc(((size_t)x->np + 1) * sizeof *x->p)) != NULL;
    ok &= (x->series = malloc(((size_t)x->nt + 1) * MH_OBS_COUNT * sizeof *x->series)) != NULL;
    for (int sp = 0; sp < MH_NSPECIES; sp++)
        ok &= (x->u[sp] = mh_alloc_doubles(ncell)) != NULL;
    return ok ? MH_OK : MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory reading %s", path);
}

/* Reads the state group grp of a checkpoint of a run on grid g into x, each dataset checked against
 * the shape the grid and the counts give. */
static mh_status read_state(hid_t grp, const char *path, const mh_grid *g, saved_state *x, mh_ctx *ctx)
{
    hsize_t dims[3];
    const int rank = grid_shape(g, dims);
    mh_status st = read_scalars(grp, path, &x->s, ctx);
    x->np = st == MH_OK ? extent0(grp, path, "punctures", 1, ctx) : -1;
    x->nt = x->np >= 0 ? extent0(grp, path, "series", 2, ctx) : -1;
    if (st == MH_OK && (x->np < 0 || x->nt < 0))
        st = ctx->status;
    if (st == MH_OK)
        st = saved_state_alloc(x, g->ncell, path, ctx);
    for (int sp = 0; sp < MH_NSPECIES && st == MH_OK; sp++) {
        char name[64];
        snprintf(name, sizeof name, "fields/%s", mh_species_name((mh_species)sp));
        st = read_checked(grp, path, name, H5T_NATIVE_DOUBLE, x->u[sp], rank, dims, ctx);
    }
    if (st == MH_OK)
        st = read_checked(grp, path, "k_close", H5T_NATIVE_DOUBLE, x->k_close, rank, dims, ctx);
    if (st == MH_OK)
        st = read_checked(grp, path, "w_open", H5T_NATIVE_DOUBLE, x->w_open, rank, dims, ctx);
    if (st == MH_OK) {
        hid_t pt = puncture_type();
        hsize_t pd = (hsize_t)x->np;
        st = read_checked(grp, path, "punctures", pt, x->p, 1, &pd, ctx);
        H5Tclose(pt);
    }
    if (st == MH_OK) {
        hsize_t sd[2] = {(hsize_t)x->nt, MH_OBS_COUNT};
        st = read_checked(grp, path, "series", H5T_NATIVE_DOUBLE, x->series, 2, sd, ctx);
    }
    return st;
}

static mh_status resume_from(hid_t file, const char *path, mh_sim *sim, const char *config_text, mh_h5_writer *w,
                             mh_ctx *ctx)
{
    double nsnap = 0.0;
    mh_status st = check_header(file, path, config_text, &nsnap, ctx);
    if (st != MH_OK)
        return st;
    hid_t grp = H5Lexists(file, "/state", H5P_DEFAULT) > 0 ? H5Gopen2(file, "/state", H5P_DEFAULT) : -1;
    if (grp < 0)
        return MH_ERROR(ctx, MH_ERR_IO, "%s: no /state group (not a complete checkpoint)", path);
    const mh_grid *g = mh_sim_grid(sim);
    saved_state x = {0};
    st = read_state(grp, path, g, &x, ctx);
    if (st == MH_OK)
        st = mh_sim_restore(sim, &x.s, (const double *const *)x.u, x.k_close, x.w_open, x.p, (size_t)x.np, x.series,
                            (size_t)x.nt, path, ctx);
    if (st == MH_OK)
        st = check_snapshots(file, path, ctx);
    if (st == MH_OK)
        st = mh_h5_writer_adopt(w, file, g, (size_t)nsnap, path, ctx);
    H5Gclose(grp);
    saved_state_free(&x);
    return st;
}

mh_status mh_checkpoint_resume(const char *path, mh_sim *sim, const char *config_text, mh_h5_writer *w, mh_ctx *ctx)
{
    if (access(path, F_OK) != 0)
        return MH_ERROR(ctx, MH_ERR_IO, "%s: no checkpoint to resume from (%s); run without --resume to start", path,
                        strerror(errno));
    char *kind = NULL;
    hid_t file = mh_h5_open_microheal(path, &kind, ctx);
    if (file < 0)
        return ctx->status;
    mh_status st = MH_OK;
    if (kind == NULL || strcmp(kind, "checkpoint") != 0)
        st = MH_ERROR(ctx, MH_ERR_IO, "%s: not a checkpoint (a microheal %s)", path, kind ? kind : "output");
    free(kind);
    if (st == MH_OK)
        st = resume_from(file, path, sim, config_text, w, ctx);
    if (H5Fclose(file) < 0 && st == MH_OK)
        st = MH_ERROR(ctx, MH_ERR_IO, "%s: cannot close (damaged?)", path);
    return st;
}

mh_status mh_checkpoint_info(const char *path, FILE *out, mh_ctx *ctx)
{
    char *kind = NULL, *version = NULL, *created = NULL, *message = NULL;
    hid_t file = mh_h5_open_microheal(path, &kind, ctx);
    if (file < 0)
        return ctx->status;
    mh_status st = MH_OK;
    hid_t grp = H5I_INVALID_HID;
    mh_sim_state s;
    if (kind == NULL)
        st = MH_ERROR(ctx, MH_ERR_STATE, "mh_checkpoint_info: %s is a run's output", path);
    if (st == MH_OK)
        st = mh_h5_get_attr_string(file, path, "version", &version, ctx);
    if (st == MH_OK)
        st = mh_h5_get_attr_string(file, path, "created", &created, ctx);
    if (st == MH_OK && (grp = H5Lexists(file, "/state", H5P_DEFAULT) > 0 ? H5Gopen2(file, "/state", H5P_DEFAULT)
                                                                         : H5I_INVALID_HID) < 0)
        st = MH_ERROR(ctx, MH_ERR_IO, "%s: no /state group (damaged?)", path);
    if (st == MH_OK)
        st = read_scalars(grp, path, &s, ctx);
    if (st == MH_OK) {
        fprintf(out, "%s: microheal %s %s, created %s\n", path, version, kind, created);
        fprintf(out, "state at day %.6g: %d sessions applied, %d snapshot times passed, %ld steps (%ld rejected)\n",
                s.t_days, s.sessions_done, s.snapshots_done, s.accepted, s.rejected);
        mh_ctx quiet;
        mh_ctx_init(&quiet);
        if (mh_h5_get_attr_string(file, path, "message", &message, &quiet) == MH_OK)
            fprintf(out, "fault: %s\n", message);
        else if (strcmp(kind, "checkpoint") == 0)
            fprintf(out,
                    "resume with: microheal run CONFIG -o OUTPUT --resume (same configuration and --set options)\n");
    }
    if (grp >= 0)
        H5Gclose(grp);
    H5Fclose(file);
    free(kind);
    free(version);
    free(created);
    free(message);
    return st;
}
