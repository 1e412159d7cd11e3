/* src/io: files of results: HDF5 outputs and readers, checkpoints, XDMF, export, sweep and compare folders. */
/* mh_h5: writing a run to HDF5 (temporary file, renamed when complete) and reading it back.
 *
 * Schema (README.md, "Output"): root attributes version, config, config_sha256, seed, created, dims;
 * /grid, /punctures, /series (one dataset per observable, "units" attribute; 1-D datasets carry Fletcher-32),
 * /fields/<species> snapshots [nsnap, nz, (ny,) nx] float32 chunked + deflate, /fields/t_days,
 * /summary per-session metrics and collagen gains. */
#include "mh_file.h"
#include "mh_h5_internal.h"
#include "mh_version.h"
#include "mh_xdmf.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MH_NFIELDS MH_NOUTFIELDS /* species + derived collagen_I, collagen_total */

struct mh_h5_writer {
    hid_t file;
    char *path, *tmp;
    char *xmf, *xmf_tmp; /* the XDMF file beside the output (mh_xdmf_path) and its temporary name */
    hid_t field[MH_NFIELDS];
    hid_t tset;
    hsize_t nsnap;
    float *buf;
    size_t bufn;
};

static const char *field_name(int f) { return mh_outfield_name(f); }

void mh_h5_quiet(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

/* Creates path with the HDF5 1.8+ file format, whose metadata carries checksums, so that a damaged file
 * is reported when read instead of being misread; H5F_ACC_EXCL: an existing entry of that name (a planted
 * symbolic link too) makes it fail instead of being opened. H5I_INVALID_HID on failure. */
static hid_t create_excl(const char *path)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS), fcpl = H5Pcreate(H5P_FILE_CREATE);
    hid_t file = H5I_INVALID_HID;
    /* no modification times on the root group: the same content gives the same bytes */
    if (fapl >= 0 && fcpl >= 0 && H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_LATEST) >= 0 &&
        H5Pset_obj_track_times(fcpl, 0) >= 0)
        file = H5Fcreate(path, H5F_ACC_EXCL, fcpl, fapl);
    if (fcpl >= 0)
        H5Pclose(fcpl);
    if (fapl >= 0)
        H5Pclose(fapl);
    return file;
}

hid_t mh_h5_create_temp(const char *path, char **tmp, mh_ctx *ctx)
{
    *tmp = NULL;
    for (int attempt = 0; attempt < 64; attempt++) {
        char *name = mh_file_temp_name(path);
        if (name == NULL) {
            MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (temporary file of %s)", path);
            return H5I_INVALID_HID;
        }
        struct stat st;
        if (lstat(name, &st) == 0) { /* taken: another name */
            free(name);
            continue;
        }
        hid_t file = create_excl(name);
        if (file >= 0) {
            *tmp = name;
            return file;
        }
        /* created but not written (a full disk): no 0-byte file is left behind */
        if (lstat(name, &st) == 0 && S_ISREG(st.st_mode))
            unlink(name);
        MH_ERROR(ctx, MH_ERR_IO, "%s: cannot create the file (is the folder writable, the disk full?)", name);
        free(name);
        return H5I_INVALID_HID;
    }
    MH_ERROR(ctx, MH_ERR_IO, "%s: cannot find a free name for a temporary file beside it", path);
    return H5I_INVALID_HID;
}

bool mh_sha256_hex(const void *data, size_t n, char hex[MH_SHA256_HEX])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    hex[0] = '\0';
    if (EVP_Digest(data, n, md, &len, EVP_sha256(), NULL) != 1 || len != 32)
        return false;
    for (unsigned i = 0; i < len; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    return true;
}

mh_status mh_h5_commit(const char *tmp, const char *path, mh_ctx *ctx) { return mh_file_commit(tmp, path, ctx); }

/* Frees the writer's memory (its files are closed or removed by then). */
static void writer_free(mh_h5_writer *w)
{
    free(w->buf);
    free(w->path);
    free(w->tmp);
    free(w->xmf);
    free(w->xmf_tmp);
    free(w);
}

mh_status mh_h5_writer_open(const char *path, mh_ctx *ctx, mh_h5_writer **out)
{
    mh_h5_quiet();
    *out = NULL;
    /* refused before the run, not after it: a device node, FIFO or folder under either final name */
    mh_status st = mh_file_check_output(path, ctx);
    if (st != MH_OK)
        return st;
    mh_h5_writer *w = calloc(1, sizeof *w);
    if (w == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (writer)");
    w->file = H5I_INVALID_HID;
    for (int f = 0; f < MH_NFIELDS; f++)
        w->field[f] = H5I_INVALID_HID;
    w->tset = H5I_INVALID_HID;
    w->path = strdup(path);
    w->xmf = mh_xdmf_path(path);
    if (w->path == NULL || w->xmf == NULL) {
        writer_free(w);
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (writer)");
    }
    /* the XDMF beside names the output by its file name, and XDMF separates file and dataset by ':' */
    const char *slash = strrchr(path, '/'), *base = slash == NULL ? path : slash + 1;
    if (strchr(base, ':') != NULL) {
        writer_free(w);
        return MH_ERROR(ctx, MH_ERR_INPUT,
                        "%s: an output's file name cannot hold ':' (its XDMF file could not name it)", path);
    }
    if ((st = mh_file_check_output(w->xmf, ctx)) != MH_OK) {
        writer_free(w);
        return st;
    }
    w->file = mh_h5_create_temp(path, &w->tmp, ctx);
    if (w->file < 0) {
        writer_free(w);
        return ctx->status;
    }
    *out = w;
    return MH_OK;
}

/* Fixed-length, NUL-terminated UTF-8: stored in the (checksummed) object header. A variable-length
 * string would live in the global heap, which carries no checksum, and HDF5 1.10 copies a damaged
 * heap object's length unchecked (a crash found by flipping bytes of an output). */
herr_t mh_h5_attr_string(hid_t obj, const char *name, const char *value)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, strlen(value) + 1);
    H5Tset_strpad(t, H5T_STR_NULLTERM);
    H5Tset_cset(t, H5T_CSET_UTF8);
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
    herr_t rc = a < 0 ? -1 : H5Awrite(a, t, value);
    if (a >= 0)
        H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(t);
    return rc;
}

/* Writes the doubles v of dataspace sp (closed here) as attribute name of obj; negative on failure. */
static herr_t attr_doubles(hid_t obj, const char *name, hid_t sp, const double *v)
{
    hid_t a = sp < 0 ? H5I_INVALID_HID : H5Acreate2(obj, name, H5T_NATIVE_DOUBLE, sp, H5P_DEFAULT, H5P_DEFAULT);
    herr_t rc = a < 0 ? -1 : H5Awrite(a, H5T_NATIVE_DOUBLE, v);
    if (a >= 0)
        H5Aclose(a);
    if (sp >= 0)
        H5Sclose(sp);
    return rc;
}

herr_t mh_h5_attr_double(hid_t obj, const char *name, double v)
{
    return attr_doubles(obj, name, H5Screate(H5S_SCALAR), &v);
}

herr_t mh_h5_attr_doubles(hid_t obj, const char *name, const double *v, size_t n)
{
    hsize_t dim = n;
    return n == 0 ? -1 : attr_doubles(obj, name, H5Screate_simple(1, &dim, NULL), v);
}

herr_t mh_h5_write_vector(hid_t loc, const char *name, hid_t type, const void *data, size_t n, const char *units)
{
    hsize_t dim = n;
    hid_t sp = H5Screate_simple(1, &dim, NULL);
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    /* Fletcher-32 (on a chunked layout): a damaged value is refused when read, not misread; no
     * modification time: the same values give the same bytes */
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_obj_track_times(dcpl, 0);
    if (n > 0 && (H5Pset_chunk(dcpl, 1, &dim) < 0 || H5Pset_fletcher32(dcpl) < 0))
        dim = 0; /* fails below */
    hid_t d = dim == n ? H5Dcreate2(loc, name, type, sp, lcpl, dcpl, H5P_DEFAULT) : H5I_INVALID_HID;
    H5Pclose(dcpl);
    herr_t rc = -1;
    if (d >= 0) {
        rc = n > 0 ? H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) : 0;
        if (rc >= 0 && units != NULL)
            rc = mh_h5_attr_string(d, "units", units);
        H5Dclose(d);
    }
    H5Pclose(lcpl);
    H5Sclose(sp);
    return rc;
}

/* Creates the empty, extendible snapshot datasets of grid g in file: /fields/<field> for every field
 * (into field[]) and /fields/t_days (into *tset), with their units. Negative on failure. */
static herr_t create_field_sets(hid_t file, const mh_grid *g, hid_t field[MH_NFIELDS], hid_t *tset)
{
    int rank = g->dims == 3 ? 4 : 3;
    hsize_t dims[4], maxd[4], chunk[4];
    dims[0] = 0;
    maxd[0] = H5S_UNLIMITED;
    chunk[0] = 1;
    hsize_t shape[3] = {(hsize_t)g->nz, (hsize_t)g->ny, (hsize_t)g->nx};
    for (int r = 1; r < rank; r++) {
        hsize_t v = g->dims == 3 ? shape[r - 1] : (r == 1 ? shape[0] : shape[2]);
        dims[r] = maxd[r] = chunk[r] = v;
    }
    /* keep a chunk under 4 GiB and reasonably small: split the depth axis if needed */
    hsize_t bytes = 4;
    for (int r = 1; r < rank; r++)
        bytes *= chunk[r];
    while (bytes > (hsize_t)64 << 20 && chunk[1] > 1) {
        chunk[1] = (chunk[1] + 1) / 2;
        bytes /= 2;
    }
    hid_t grp = H5Gcreate2(file, "/fields", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (grp < 0)
        return -1;
    hid_t sp = H5Screate_simple(rank, dims, maxd);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, rank, chunk);
    H5Pset_shuffle(dcpl);
    H5Pset_deflate(dcpl, 4);
    herr_t rc = 0;
    for (int f = 0; f < MH_NFIELDS && rc >= 0; f++) {
        field[f] = H5Dcreate2(grp, field_name(f), H5T_NATIVE_FLOAT, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        if (field[f] < 0)
            rc = -1;
        else
            rc = mh_h5_attr_string(field[f], "units", mh_outfield_unit(f));
    }
    H5Pclose(dcpl);
    H5Sclose(sp);
    hsize_t d1 = 0, m1 = H5S_UNLIMITED, c1 = 64;
    hid_t sp1 = H5Screate_simple(1, &d1, &m1);
    hid_t dcpl1 = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl1, 1, &c1);
    *tset = H5Dcreate2(grp, "t_days", H5T_NATIVE_DOUBLE, sp1, H5P_DEFAULT, dcpl1, H5P_DEFAULT);
    if (*tset < 0 || mh_h5_attr_string(*tset, "units", "day") < 0)
        rc = -1;
    H5Pclose(dcpl1);
    H5Sclose(sp1);
    H5Gclose(grp);
    return rc;
}

/* Appends one record (rank-dim slab of `count` elements) at index w->nsnap of dataset d. */
static herr_t append(hid_t d, hsize_t index, hid_t memtype, const void *data)
{
    hid_t fs = H5Dget_space(d);
    int rank = H5Sget_simple_extent_ndims(fs);
    hsize_t dims[4];
    H5Sget_simple_extent_dims(fs, dims, NULL);
    H5Sclose(fs);
    dims[0] = index + 1;
    if (H5Dset_extent(d, dims) < 0)
        return -1;
    fs = H5Dget_space(d);
    hsize_t start[4] = {index, 0, 0, 0}, count[4];
    count[0] = 1;
    for (int r = 1; r < rank; r++)
        count[r] = dims[r];
    H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
    hid_t ms = H5Screate_simple(rank, count, NULL);
    herr_t rc = H5Dwrite(d, memtype, ms, fs, H5P_DEFAULT, data);
    H5Sclose(ms);
    H5Sclose(fs);
    return rc;
}

/* The writer's snapshot buffer holds at least ncell floats; false when memory runs out. */
static bool ensure_buf(mh_h5_writer *w, size_t ncell)
{
    if (w->bufn >= ncell)
        return true;
    free(w->buf);
    w->bufn = 0;
    if ((w->buf = malloc(ncell * sizeof *w->buf)) == NULL)
        return false;
    w->bufn = ncell;
    return true;
}

mh_status mh_h5_snapshot(void *user, double t, const mh_grid *g, const mh_model_params *p, const mh_fields *f,
                         mh_ctx *ctx)
{
    mh_h5_writer *w = user;
    if (w->tset < 0 && create_field_sets(w->file, g, w->field, &w->tset) < 0)
        return MH_ERROR(ctx, MH_ERR_IO, "%s: cannot create the field datasets", w->tmp);
    if (!ensure_buf(w, g->ncell))
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (snapshot buffer)");
    for (int k = 0; k < MH_NFIELDS; k++) {
        for (size_t q = 0; q < g->ncell; q++)
            w->buf[q] = (float)mh_outfield_value(k, p->w_3, f, q);
        if (append(w->field[k], w->nsnap, H5T_NATIVE_FLOAT, w->buf) < 0)
            return MH_ERROR(ctx, MH_ERR_IO, "%s: cannot write field %s at day %g (disk full?)", w->tmp, field_name(k),
                            t);
    }
    if (append(w->tset, w->nsnap, H5T_NATIVE_DOUBLE, &t) < 0)
        return MH_ERROR(ctx, MH_ERR_IO, "%s: cannot write snapshot time", w->tmp);
    w->nsnap++;
    return MH_OK;
}

static void close_all(mh_h5_writer *w)
{
    for (int f = 0; f < MH_NFIELDS; f++)
        if (w->field[f] >= 0) {
            H5Dclose(w->field[f]);
            w->field[f] = H5I_INVALID_HID;
        }
    if (w->tset >= 0) {
        H5Dclose(w->tset);
        w->tset = H5I_INVALID_HID;
    }
}

/* The root attributes: program, version, the configuration text and its SHA-256, the time of
 * writing, the seed and the dimensions. Negative if any failed. */
static herr_t write_root_attributes(hid_t root, const mh_grid *g, const char *config_text, unsigned long seed)
{
    herr_t rc = 0;
    char created[64];
    time_t now = time(NULL);
    struct tm tmv;
    gmtime_r(&now, &tmv);
    strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tmv);
    rc |= mh_h5_attr_string(root, "program", "microheal");
    rc |= mh_h5_attr_string(root, "version", MH_VERSION);
    rc |= mh_h5_attr_string(root, "config", config_text);
    char sha[MH_SHA256_HEX];
    rc |= mh_sha256_hex(config_text, strlen(config_text), sha) ? 0 : -1;
    rc |= mh_h5_attr_string(root, "config_sha256", sha);
    rc |= mh_h5_attr_string(root, "created", created);
    rc |= mh_h5_attr_double(root, "seed", (double)seed);
    rc |= mh_h5_attr_double(root, "dims", g->dims);
    return rc;
}

/* /grid: the cell centres along x, y (3-D) and z, the layer of each depth row, the layer tops and
 * the grid's attributes. Negative if any failed; -1 before writing when memory runs out. */
static herr_t write_grid(hid_t root, const mh_grid *g)
{
    herr_t rc = 0;
    int nmax = g->nx > g->ny ? g->nx : g->ny;
    nmax = nmax > g->nz ? nmax : g->nz;
    double *c = malloc((size_t)nmax * sizeof *c);
    if (c == NULL)
        return -1;
    for (int i = 0; i < g->nx; i++)
        c[i] = (i + 0.5) * g->dx_mm;
    rc |= mh_h5_write_vector(root, "/grid/x_mm", H5T_NATIVE_DOUBLE, c, (size_t)g->nx, "mm");
    for (int j = 0; j < g->ny; j++)
        c[j] = (j + 0.5) * g->dx_mm;
    if (g->dims == 3)
        rc |= mh_h5_write_vector(root, "/grid/y_mm", H5T_NATIVE_DOUBLE, c, (size_t)g->ny, "mm");
    for (int k = 0; k < g->nz; k++)
        c[k] = (k + 0.5) * g->dx_mm;
    rc |= mh_h5_write_vector(root, "/grid/z_mm", H5T_NATIVE_DOUBLE, c, (size_t)g->nz, "mm (depth below the surface)");
    free(c);
    rc |= mh_h5_write_vector(
        root, "/grid/layer", H5T_NATIVE_UCHAR, g->layer, (size_t)g->nz,
        "0 stratum_corneum, 1 viable_epidermis, 2 papillary_dermis, 3 reticular_dermis, 4 hypodermis");
    rc |= mh_h5_write_vector(root, "/grid/layer_top_mm", H5T_NATIVE_DOUBLE, g->skin.top_mm, MH_LAYER_COUNT + 1, "mm");
    hid_t gg = H5Gopen2(root, "/grid", H5P_DEFAULT);
    if (gg >= 0) {
        rc |= mh_h5_attr_double(gg, "dx_mm", g->dx_mm);
        rc |= mh_h5_attr_double(gg, "width_mm", g->width_mm);
        rc |= mh_h5_attr_double(gg, "length_mm", g->length_mm);
        rc |= mh_h5_attr_string(gg, "lateral_bc", g->periodic ? "periodic" : "zeroflux");
        H5Gclose(gg);
    }
    return rc;
}

/* The attributes of /punctures: the density each session requested and the one it realised on the
 * grid (1/cm^2, one value per session; 0 for a session without needles). Negative on failure. */
static herr_t write_densities(hid_t root, const mh_sim *sim)
{
    int ns = 0;
    (void)mh_sim_session_days(sim, &ns);
    const mh_device *dev = mh_sim_devices(sim);
    const mh_grid *g = mh_sim_grid(sim);
    double want[MH_MAX_SESSIONS], got[MH_MAX_SESSIONS];
    for (int k = 0; k < ns && k < MH_MAX_SESSIONS; k++) {
        want[k] = dev[k].type == MH_DEV_NONE ? 0.0 : dev[k].density_per_cm2;
        got[k] = mh_device_realised_density(&dev[k], g->dims, g->width_mm, g->length_mm);
    }
    hid_t grp = H5Gopen2(root, "/punctures", H5P_DEFAULT);
    if (grp < 0)
        return -1;
    herr_t rc = mh_h5_attr_doubles(grp, "density_requested_per_cm2", want, (size_t)ns);
    rc |= mh_h5_attr_doubles(grp, "density_realised_per_cm2", got, (size_t)ns);
    /* the insertion model's summary of each session (papers/insertion.md); NaN where a fraction was given */
    double v[5][MH_MAX_SESSIONS];
    static const char *const names[5] = {"insertion_depth_mean_mm", "insertion_depth_sd_mm", "insertion_fail_fraction",
                                         "insertion_puncture_force_n", "insertion_array_force_n"};
    for (int k = 0; k < ns && k < MH_MAX_SESSIONS; k++) {
        const mh_insert_result *r = &dev[k].ins;
        const bool on = dev[k].inserted;
        v[0][k] = on ? r->depth_mean_mm : NAN;
        v[1][k] = on ? r->depth_sd_mm : NAN;
        v[2][k] = on ? r->fail_fraction : NAN;
        v[3][k] = on ? r->puncture_force_n : NAN;
        v[4][k] = on ? r->array_force_n : NAN;
    }
    for (int a = 0; a < 5; a++)
        rc |= mh_h5_attr_doubles(grp, names[a], v[a], (size_t)ns);
    H5Gclose(grp);
    return rc;
}

/* /punctures: position, depth, radius and session of every puncture of the run. Negative if any
 * failed; -1 before writing when memory runs out. */
static herr_t write_punctures(hid_t root, const mh_sim *sim)
{
    herr_t rc = 0;
    size_t np = 0;
    const mh_puncture *p = mh_sim_punctures(sim, &np);
    double *col = malloc((np + 1) * sizeof *col);
    int *ses = malloc((np + 1) * sizeof *ses);
    if (col == NULL || ses == NULL) {
        free(col);
        free(ses);
        return -1;
    }
    const char *pn[4] = {"/punctures/x_mm", "/punctures/y_mm", "/punctures/depth_mm", "/punctures/radius_mm"};
    for (int a = 0; a < 4; a++) {
        for (size_t q = 0; q < np; q++)
            col[q] = a == 0 ? p[q].x_mm : a == 1 ? p[q].y_mm : a == 2 ? p[q].depth_mm : p[q].radius_mm;
        rc |= mh_h5_write_vector(root, pn[a], H5T_NATIVE_DOUBLE, col, np, "mm");
    }
    for (size_t q = 0; q < np; q++)
        ses[q] = p[q].session;
    rc |= mh_h5_write_vector(root, "/punctures/session", H5T_NATIVE_INT, ses, np, "1-based session index");
    free(col);
    free(ses);
    return rc < 0 ? rc : write_densities(root, sim);
}

/* /series: one dataset per observable, with its unit. Negative if any failed; -1 before writing
 * when memory runs out. */
static herr_t write_series(hid_t root, const mh_series *s)
{
    herr_t rc = 0;
    double *v = malloc((s->nt + 1) * sizeof *v);
    if (v == NULL)
        return -1;
    for (int k = 0; k < MH_OBS_COUNT; k++) {
        for (size_t r = 0; r < s->nt; r++)
            v[r] = s->data[r * MH_OBS_COUNT + (size_t)k];
        char name[128];
        snprintf(name, sizeof name, "/series/%s", mh_observe_name(k));
        rc |= mh_h5_write_vector(root, name, H5T_NATIVE_DOUBLE, v, s->nt, mh_observe_unit(k));
    }
    free(v);
    return rc;
}

/* /summary: the per-session metrics, the days of the collagen gains (the last: the series' end) and
 * the gains of each layer and quantity. Nothing without a summary (m NULL); negative if any failed. */
static herr_t write_summary(hid_t root, const mh_summary *m, const mh_series *s)
{
    herr_t rc = 0;
    if (m == NULL)
        return rc;
    size_t n = (size_t)m->nsessions;
    int nf = 0;
    const mh_summary_field *sf = mh_summary_fields(&nf);
    for (int i = 0; i < nf; i++) {
        char name[128];
        snprintf(name, sizeof name, "/summary/%s", sf[i].name);
        rc |= mh_h5_write_vector(root, name, H5T_NATIVE_DOUBLE, mh_summary_array(m, i), n, sf[i].unit);
    }
    double gd[MH_GAIN_DAYS + 1];
    memcpy(gd, m->gain_days, sizeof m->gain_days);
    gd[MH_GAIN_DAYS] = s->nt ? s->data[(s->nt - 1) * MH_OBS_COUNT + MH_OBS_T] : NAN;
    rc |= mh_h5_write_vector(root, "/summary/gain_days", H5T_NATIVE_DOUBLE, gd, MH_GAIN_DAYS + 1,
                             "day (42, 90, 180, end; NaN beyond the run)");
    for (int L = 0; L < MH_OL_COUNT; L++)
        for (int q = 0; q < MH_OQ_COUNT; q++) {
            const char *full = mh_observe_name(mh_observe_layer_col((mh_observe_layer)L, (mh_observe_quantity)q));
            char name[128];
            snprintf(name, sizeof name, "/summary/%s", full);
            rc |= mh_h5_write_vector(root, name, H5T_NATIVE_DOUBLE, m->gain[L][q], MH_GAIN_DAYS + 1,
                                     "1 (relative to untreated) at /summary/gain_days");
        }
    return rc;
}

/* The output's content besides the snapshots: root attributes, /grid, /punctures, /series and
 * /summary. Negative if anything failed (the caller then discards the output). */
static herr_t write_body(mh_h5_writer *w, const mh_sim *sim, const char *config_text, unsigned long seed)
{
    hid_t root = w->file;
    const mh_grid *g = mh_sim_grid(sim);
    herr_t rc = write_root_attributes(root, g, config_text, seed);
    rc |= write_grid(root, g);
    rc |= write_punctures(root, sim);
    rc |= write_series(root, mh_sim_series(sim));
    rc |= write_summary(root, mh_sim_summary(sim), mh_sim_series(sim));
    return rc;
}

mh_status mh_h5_writer_finish(mh_h5_writer **wp, const mh_sim *sim, const char *config_text, unsigned long seed,
                              mh_ctx *ctx)
{
    mh_h5_writer *w = *wp;
    if (w->tset < 0 && create_field_sets(w->file, mh_sim_grid(sim), w->field, &w->tset) < 0) {
        mh_h5_writer_abort(wp);
        return MH_ERROR(ctx, MH_ERR_IO, "cannot create the field datasets");
    }
    herr_t rc = write_body(w, sim, config_text, seed);
    close_all(w);
    if (rc < 0 || H5Fflush(w->file, H5F_SCOPE_GLOBAL) < 0) {
        char msg[600];
        snprintf(msg, sizeof msg, "%s: cannot write the output (disk full?)", w->tmp);
        mh_h5_writer_abort(wp);
        return MH_ERROR(ctx, MH_ERR_IO, "%s", msg);
    }
    /* the XDMF file, from the complete output; committed just before it, and an older output of the
     * same name removed first, so that an output never exists without its own XDMF file: a run killed
     * between the renames leaves no output (and its temporary file, which the next writer of the same
     * output removes, mh_file_remove_stale); a failure to rename the output removes the XDMF file too */
    const char *slash = strrchr(w->path, '/');
    mh_status st = mh_xdmf_write_tmp(w->file, w->tmp, slash == NULL ? w->path : slash + 1, w->xmf, &w->xmf_tmp, ctx);
    if (st != MH_OK) {
        mh_h5_writer_abort(wp);
        return st;
    }
    herr_t cl = H5Fclose(w->file);
    w->file = H5I_INVALID_HID;
    if (cl < 0)
        st = MH_ERROR(ctx, MH_ERR_IO, "%s: cannot close the output (disk full?)", w->tmp);
    else if (!mh_file_remove_regular(w->path)) /* may not exist; never a folder or device in its place */
        st = MH_ERROR(ctx, MH_ERR_INPUT, "%s: exists and is not a regular file; not replaced", w->path);
    if (st == MH_OK)
        st = mh_h5_commit(w->xmf_tmp, w->xmf, ctx);
    if (st == MH_OK && (st = mh_h5_commit(w->tmp, w->path, ctx)) != MH_OK)
        mh_file_remove_regular(w->xmf);
    if (st != MH_OK) {
        mh_h5_writer_abort(wp);
        return st;
    }
    writer_free(w);
    *wp = NULL;
    return MH_OK;
}

void mh_h5_writer_abort(mh_h5_writer **wp)
{
    if (wp == NULL || *wp == NULL)
        return;
    mh_h5_writer *w = *wp;
    close_all(w);
    if (w->file >= 0)
        H5Fclose(w->file);
    if (w->tmp != NULL)
        unlink(w->tmp);
    if (w->xmf_tmp != NULL)
        unlink(w->xmf_tmp);
    writer_free(w);
    *wp = NULL;
}

size_t mh_h5_writer_snapshots(const mh_h5_writer *w) { return (size_t)w->nsnap; }

/* The rank of a snapshot set of grid g and the shape of one snapshot (depth first). */
static int snapshot_shape(const mh_grid *g, hsize_t shape[3])
{
    shape[0] = (hsize_t)g->nz;
    shape[1] = g->dims == 3 ? (hsize_t)g->ny : (hsize_t)g->nx;
    shape[2] = (hsize_t)g->nx;
    return g->dims == 3 ? 4 : 3;
}

/* True when dataset d has rank `rank`, extent n along its first axis and the grid's shape after it. */
static bool snapshot_shape_fits(hid_t d, int rank, const hsize_t *shape, hsize_t n)
{
    hid_t sp = H5Dget_space(d);
    if (sp < 0)
        return false;
    hsize_t dims[4];
    bool ok =
        H5Sget_simple_extent_ndims(sp) == rank && H5Sget_simple_extent_dims(sp, dims, NULL) == rank && dims[0] == n;
    for (int r = 1; ok && r < rank; r++)
        ok = dims[r] == shape[r - 1];
    H5Sclose(sp);
    return ok;
}

/* Opens the snapshot sets of file (every field, then t_days) into d, each checked to hold n snapshots
 * of grid g's shape; false, with nothing left open, otherwise. */
static bool open_snapshot_sets(hid_t file, const mh_grid *g, hsize_t n, hid_t d[MH_NFIELDS + 1])
{
    hsize_t shape[3];
    const int rank = snapshot_shape(g, shape);
    bool ok = true;
    for (int f = 0; f <= MH_NFIELDS; f++) {
        char name[96];
        snprintf(name, sizeof name, "/fields/%s", f < MH_NFIELDS ? field_name(f) : "t_days");
        d[f] = ok && H5Lexists(file, name, H5P_DEFAULT) > 0 ? H5Dopen2(file, name, H5P_DEFAULT) : H5I_INVALID_HID;
        ok = d[f] >= 0 && snapshot_shape_fits(d[f], f < MH_NFIELDS ? rank : 1, shape, n);
    }
    for (int f = 0; !ok && f <= MH_NFIELDS; f++)
        if (d[f] >= 0)
            H5Dclose(d[f]);
    return ok;
}

/* Reads snapshot r of the open set d (rank dims of grid g's shape, or t_days when rank is 1) into buf
 * as memtype. Negative on failure. */
static herr_t read_snapshot(hid_t d, int rank, const hsize_t *shape, hsize_t r, hid_t memtype, void *buf)
{
    hsize_t start[4] = {r, 0, 0, 0}, count[4] = {1, shape[0], shape[1], shape[2]};
    hid_t fs = H5Dget_space(d), ms = H5Screate_simple(rank, count, NULL);
    herr_t rc = fs < 0 || ms < 0 || H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) < 0
                    ? -1
                    : H5Dread(d, memtype, ms, fs, H5P_DEFAULT, buf);
    if (ms >= 0)
        H5Sclose(ms);
    if (fs >= 0)
        H5Sclose(fs);
    return rc;
}

/* Appends snapshots [0, n) of the open sets src (every field, then t_days) to the sets dst (the same),
 * one snapshot at a time through buf (room for one snapshot of grid g). Dataset by dataset, not with
 * H5Ocopy: HDF5 1.10's H5Ocopy frees twice when a write fails on a full disk. Negative on failure. */
static herr_t copy_snapshots(const hid_t *src, const hid_t *dst, const mh_grid *g, hsize_t n, float *buf)
{
    hsize_t shape[3];
    const int rank = snapshot_shape(g, shape);
    herr_t rc = 0;
    for (hsize_t r = 0; rc >= 0 && r < n; r++) {
        for (int f = 0; rc >= 0 && f < MH_NFIELDS; f++)
            if ((rc = read_snapshot(src[f], rank, shape, r, H5T_NATIVE_FLOAT, buf)) >= 0)
                rc = append(dst[f], r, H5T_NATIVE_FLOAT, buf);
        double t = 0.0;
        if (rc >= 0 && (rc = read_snapshot(src[MH_NFIELDS], 1, shape, r, H5T_NATIVE_DOUBLE, &t)) >= 0)
            rc = append(dst[MH_NFIELDS], r, H5T_NATIVE_DOUBLE, &t);
    }
    return rc;
}

/* Closes the n open datasets of d. */
static void close_sets(hid_t *d, int n)
{
    for (int f = 0; f < n; f++)
        if (d[f] >= 0) {
            H5Dclose(d[f]);
            d[f] = H5I_INVALID_HID;
        }
}

herr_t mh_h5_writer_copy_snapshots(mh_h5_writer *w, const mh_grid *g, hid_t dst)
{
    if (w->nsnap == 0)
        return 0;
    hid_t src[MH_NFIELDS + 1], to[MH_NFIELDS + 1];
    for (int f = 0; f <= MH_NFIELDS; f++) {
        src[f] = f < MH_NFIELDS ? w->field[f] : w->tset;
        to[f] = H5I_INVALID_HID;
    }
    herr_t rc = ensure_buf(w, g->ncell) ? create_field_sets(dst, g, to, &to[MH_NFIELDS]) : -1;
    if (rc >= 0)
        rc = copy_snapshots(src, to, g, w->nsnap, w->buf);
    close_sets(to, MH_NFIELDS + 1);
    return rc;
}

mh_status mh_h5_writer_adopt(mh_h5_writer *w, hid_t src, const mh_grid *g, size_t nsnap, const char *origin,
                             mh_ctx *ctx)
{
    if (w->nsnap != 0 || w->tset >= 0)
        return MH_ERROR(ctx, MH_ERR_STATE, "mh_h5_writer_adopt: the writer already holds snapshots");
    if (H5Lexists(src, "/fields", H5P_DEFAULT) <= 0)
        return nsnap == 0 ? MH_OK
                          : MH_ERROR(ctx, MH_ERR_INPUT, "%s: %zu snapshots expected, none stored", origin, nsnap);
    hid_t from[MH_NFIELDS + 1];
    if (!open_snapshot_sets(src, g, nsnap, from))
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: its snapshots do not fit this run (%zu of the grid's shape expected)",
                        origin, nsnap);
    if (!ensure_buf(w, g->ncell)) {
        close_sets(from, MH_NFIELDS + 1);
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory (snapshot buffer)");
    }
    herr_t rc = create_field_sets(w->file, g, w->field, &w->tset);
    if (rc >= 0) {
        hid_t to[MH_NFIELDS + 1];
        for (int f = 0; f <= MH_NFIELDS; f++)
            to[f] = f < MH_NFIELDS ? w->field[f] : w->tset;
        rc = copy_snapshots(from, to, g, nsnap, w->buf);
    }
    close_sets(from, MH_NFIELDS + 1);
    if (rc < 0) {
        close_all(w);
        return MH_ERROR(ctx, MH_ERR_IO, "%s: cannot copy its snapshots into %s (damaged, or disk full?)", origin,
                        w->tmp);
    }
    w->nsnap = nsnap;
    return MH_OK;
}

/* ---------- reading ----------
 *
 * Every file read here may have been crafted (papers/reliability.md, "Crafted HDF5"): nothing read from it is
 * allocated or indexed before it is checked against the file's real size and against the other datasets it
 * must agree with. */

/* The most that deflate can expand: zlib's format encodes at best a run of 258 bytes per 2-bit code, so
 * inflating n bytes gives at most about 1032 n bytes (zlib's technical notes: "the limit is 1032:1"). */
#define DEFLATE_MAX_RATIO 1032.0

hid_t mh_h5_open_microheal(const char *path, char **kind, mh_ctx *ctx)
{
    mh_h5_quiet();
    if (kind != NULL)
        *kind = NULL;
    /* An external link (a group or dataset in another file) would make HDF5 open whatever file it names
     * while it resolves a path in this one: a FIFO hangs, a device is read. microheal never writes one,
     * so their class is taken out of the library: such a link fails to resolve. */
    if (H5Lis_registered(H5L_TYPE_EXTERNAL) > 0)
        H5Lunregister(H5L_TYPE_EXTERNAL);
    /* Only a regular file is opened (a FIFO would hang H5Fopen, a device would be read), checked on the
     * descriptor that was opened without blocking; HDF5 then opens that same file through the
     * descriptor's name in /proc, so that the path cannot be swapped for a FIFO in between. */
    mh_ctx why;
    mh_ctx_init(&why);
    FILE *held = mh_file_open_input(path, "HDF5 file", 0, &why);
    if (held == NULL) {
        /* not a regular file: bad input (exit 2); missing or unreadable: an I/O error, as ever */
        MH_ERROR(ctx, why.status == MH_ERR_INPUT && access(path, F_OK) == 0 ? MH_ERR_INPUT : MH_ERR_IO, "%s", why.msg);
        return H5I_INVALID_HID;
    }
    char fd_path[64];
    snprintf(fd_path, sizeof fd_path, "/proc/self/fd/%d", fileno(held));
    const char *name = access(fd_path, R_OK) == 0 ? fd_path : path; /* no /proc: the path itself */
    hid_t file = H5I_INVALID_HID;
    if (H5Fis_hdf5(name) <= 0)
        MH_ERROR(ctx, MH_ERR_IO, "%s: not an HDF5 file (or truncated)", path);
    else if ((file = H5Fopen(name, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0)
        MH_ERROR(ctx, MH_ERR_IO, "%s: cannot open as HDF5 (truncated or corrupt)", path);
    fclose(held);
    if (file < 0)
        return H5I_INVALID_HID;
    char *program = NULL;
    mh_ctx quiet;
    mh_ctx_init(&quiet);
    if (mh_h5_get_attr_string(file, path, "program", &program, &quiet) != MH_OK || strcmp(program, "microheal") != 0) {
        free(program);
        H5Fclose(file);
        MH_ERROR(ctx, MH_ERR_IO, "%s: not a file written by microheal (no 'program' attribute saying so)", path);
        return H5I_INVALID_HID;
    }
    free(program);
    if (kind != NULL && H5Aexists(file, "kind") > 0 && mh_h5_get_attr_string(file, path, "kind", kind, ctx) != MH_OK) {
        H5Fclose(file);
        return H5I_INVALID_HID;
    }
    return file;
}

hid_t mh_h5_open_output(const char *path, mh_ctx *ctx)
{
    char *kind = NULL;
    hid_t file = mh_h5_open_microheal(path, &kind, ctx);
    if (file >= 0 && kind != NULL) {
        H5Fclose(file);
        MH_ERROR(ctx, MH_ERR_IO, "%s: a microheal %s, not a run's output%s", path, kind,
                 strcmp(kind, "checkpoint") == 0 ? " (continue it with 'microheal run CONFIG -o OUT.h5 --resume')"
                                                 : "");
        file = H5I_INVALID_HID;
    }
    free(kind);
    return file;
}

double mh_h5_file_bytes(hid_t obj)
{
    hid_t file = H5Iget_file_id(obj);
    hsize_t size = 0;
    /* The larger of the end of the file (its size when opened, for the sec2 driver) and the end of the
     * space that its superblock claims; once a file is open for reading the latter is within the former
     * (HDF5 refuses a file whose superblock claims more: "truncated file"), so this is its real size. */
    if (file < 0 || H5Fget_filesize(file, &size) < 0)
        size = 0;
    if (file >= 0)
        H5Fclose(file);
    return (double)size;
}

/* Why the storage of dataset d (its creation property list dcpl) is refused, or NULL; *deflated tells
 * whether it is deflated. */
static const char *storage_refused(hid_t dcpl, bool *deflated)
{
    *deflated = false;
    const H5D_layout_t layout = H5Pget_layout(dcpl);
    if (layout != H5D_CONTIGUOUS && layout != H5D_CHUNKED && layout != H5D_COMPACT)
        return layout == H5D_VIRTUAL ? "a virtual dataset (it maps other files)" : "of an unknown layout";
    if (H5Pget_external_count(dcpl) != 0)
        return "stored in external files";
    const int nfilters = H5Pget_nfilters(dcpl);
    if (nfilters < 0)
        return "of unreadable filters";
    for (int i = 0; i < nfilters; i++) {
        unsigned flags = 0, config = 0, cd[8];
        size_t ncd = sizeof cd / sizeof cd[0];
        char fname[64];
        const H5Z_filter_t id = H5Pget_filter2(dcpl, (unsigned)i, &flags, &ncd, cd, sizeof fname, fname, &config);
        if (id == H5Z_FILTER_DEFLATE)
            *deflated = true;
        else if (id != H5Z_FILTER_SHUFFLE && id != H5Z_FILTER_FLETCHER32)
            return "filtered by other than shuffle, deflate and Fletcher-32 (which microheal writes)";
    }
    return NULL;
}

mh_status mh_h5_check_dataset(hid_t d, const char *path, const char *dataset, mh_ctx *ctx)
{
    hid_t dcpl = H5Dget_create_plist(d), type = H5Dget_type(d);
    bool deflated = false;
    const char *refused = dcpl < 0 ? "of unreadable storage" : storage_refused(dcpl, &deflated);
    const size_t type_bytes = type >= 0 ? H5Tget_size(type) : 0;
    if (refused == NULL && type_bytes == 0)
        refused = "of an unreadable type";
    /* Uncompressed data occupies its bytes in the file; deflated data at least 1/DEFLATE_MAX_RATIO of
     * them. microheal writes every value of every dataset, so what a dataset declares, counted at the
     * file type's size, fits in the bytes it stores (H5Dget_storage_size: its chunks as the chunk index
     * gives them) and in the file's size, times that ratio when deflated; only a damaged or crafted file
     * declares more (chunks never written, which HDF5 reads as fill values, or an extent set beyond the
     * data), and such a file would make its readers allocate (and HDF5 fill) memory out of all
     * proportion to it. One chunk is bounded by the file likewise (HDF5 allocates a whole chunk to read
     * from it), with 1 MiB allowed in any case (an empty dataset's chunk may exceed a small file). */
    const double ratio = deflated ? DEFLATE_MAX_RATIO : 1.0, bytes = mh_h5_file_bytes(d);
    const double stored = refused == NULL ? (double)H5Dget_storage_size(d) : 0.0;
    double values = 0.0, chunk = 0.0;
    bool too_big = false, chunk_too_big = false;
    if (refused == NULL) {
        hid_t sp = H5Dget_space(d);
        hsize_t dims[H5S_MAX_RANK], cdims[H5S_MAX_RANK];
        const int rank = sp >= 0 ? H5Sget_simple_extent_dims(sp, dims, NULL) : -1;
        const int crank = H5Pget_layout(dcpl) == H5D_CHUNKED ? H5Pget_chunk(dcpl, H5S_MAX_RANK, cdims) : 0;
        /* the product in double: HDF5's count of points wraps around past 2^64 */
        values = rank >= 0 ? 1.0 : 0.0;
        for (int r = 0; r < rank; r++)
            values *= (double)dims[r];
        chunk = crank > 0 ? (double)type_bytes : 0.0;
        for (int r = 0; r < crank; r++)
            chunk *= (double)cdims[r];
        if (rank < 0 || crank < 0)
            refused = "of an unreadable shape";
        too_big = refused == NULL && values * (double)type_bytes > fmin(stored, bytes) * ratio;
        chunk_too_big = refused == NULL && chunk > bytes * ratio && chunk > (double)(1 << 20);
        if (sp >= 0)
            H5Sclose(sp);
    }
    if (type >= 0)
        H5Tclose(type);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (too_big)
        return MH_ERROR(ctx, MH_ERR_IO,
                        "%s: %s declares %.0f values of %zu bytes, more than the %.0f bytes it stores (of the "
                        "file's %.0f) can hold%s (damaged or crafted?)",
                        path, dataset, values, type_bytes, stored, bytes, deflated ? " deflated" : "");
    if (chunk_too_big)
        return MH_ERROR(ctx, MH_ERR_IO,
                        "%s: %s is made of chunks of %.0f bytes, more than the file's %.0f bytes can hold%s "
                        "(damaged or crafted?)",
                        path, dataset, chunk, bytes, deflated ? " deflated" : "");
    if (refused != NULL)
        return MH_ERROR(ctx, MH_ERR_IO, "%s: %s is %s: not a dataset microheal writes (crafted?)", path, dataset,
                        refused);
    return MH_OK;
}

mh_status mh_h5_check_snapshots(hid_t file, const char *path, const char *dataset, int dims, size_t nsnap, size_t nz,
                                size_t ny, size_t nx, int *precision, mh_ctx *ctx)
{
    hid_t d = H5Lexists(file, dataset, H5P_DEFAULT) > 0 ? H5Dopen2(file, dataset, H5P_DEFAULT) : H5I_INVALID_HID;
    if (d < 0)
        return MH_ERROR(ctx, MH_ERR_IO, "%s: no dataset %s", path, dataset);
    mh_status st = mh_h5_check_dataset(d, path, dataset, ctx);
    hid_t sp = st == MH_OK ? H5Dget_space(d) : H5I_INVALID_HID, type = st == MH_OK ? H5Dget_type(d) : H5I_INVALID_HID;
    const int rank = sp >= 0 ? H5Sget_simple_extent_ndims(sp) : -1;
    hsize_t got[4] = {0, 0, 0, 0};
    const hsize_t want[4] = {nsnap, nz, dims == 3 ? ny : nx, nx};
    bool ok = rank == dims + 1 && H5Sget_simple_extent_dims(sp, got, NULL) == rank && type >= 0 &&
              H5Tget_class(type) == H5T_FLOAT && (H5Tget_size(type) == 4 || H5Tget_size(type) == 8);
    for (int r = 0; ok && r < rank; r++)
        ok = got[r] == want[r];
    if (ok && precision != NULL)
        *precision = (int)H5Tget_size(type);
    if (type >= 0)
        H5Tclose(type);
    if (sp >= 0)
        H5Sclose(sp);
    H5Dclose(d);
    if (st == MH_OK && !ok)
        st = MH_ERROR(ctx, MH_ERR_IO,
                      "%s: %s is not %zu snapshots (/fields/t_days) of the grid's %zu x %zu x %zu cells (/grid/x_mm, "
                      "%sz_mm) as floats (damaged or crafted?)",
                      path, dataset, nsnap, nx, ny, nz, dims == 3 ? "/grid/y_mm, " : "");
    return st;
}

mh_status mh_h5_get_vector(hid_t file, const char *path, const char *dataset, double **out, size_t *n, mh_ctx *ctx)
{
    *out = NULL;
    *n = 0;
    if (H5Lexists(file, dataset, H5P_DEFAULT) <= 0)
        return MH_ERROR(ctx, MH_ERR_IO, "%s: no dataset %s", path, dataset);
    hid_t d = H5Dopen2(file, dataset, H5P_DEFAULT);
    if (d < 0)
        return MH_ERROR(ctx, MH_ERR_IO, "%s: cannot open dataset %s", path, dataset);
    mh_status st = mh_h5_check_dataset(d, path, dataset, ctx);
    hid_t sp = st == MH_OK ? H5Dget_space(d) : H5I_INVALID_HID, type = st == MH_OK ? H5Dget_type(d) : H5I_INVALID_HID;
    hsize_t dim = 0;
    const H5T_class_t cls = type >= 0 ? H5Tget_class(type) : H5T_NO_CLASS;
    if (st == MH_OK && (H5Sget_simple_extent_ndims(sp) != 1 || H5Sget_simple_extent_dims(sp, &dim, NULL) != 1))
        st = MH_ERROR(ctx, MH_ERR_IO, "%s: %s is not one-dimensional", path, dataset);
    else if (st == MH_OK && cls != H5T_FLOAT && cls != H5T_INTEGER)
        st = MH_ERROR(ctx, MH_ERR_IO, "%s: %s does not hold numbers", path, dataset);
    if (sp >= 0)
        H5Sclose(sp);
    if (type >= 0)
        H5Tclose(type);
    /* dim is at most the file's size (mh_h5_check_dataset) */
    double *v = st == MH_OK ? malloc(((size_t)dim + 1) * sizeof *v) : NULL;
    if (st == MH_OK && v == NULL)
        st = MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory reading %s", dataset);
    if (st == MH_OK && dim > 0 && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0)
        st = MH_ERROR(ctx, MH_ERR_IO, "%s: cannot read %s (corrupt?)", path, dataset);
    H5Dclose(d);
    if (st != MH_OK) {
        free(v);
        return st;
    }
    *out = v;
    *n = (size_t)dim;
    return MH_OK;
}

mh_status mh_h5_read_vector(const char *path, const char *dataset, double **out, size_t *n, mh_ctx *ctx)
{
    hid_t file = mh_h5_open_output(path, ctx);
    if (file < 0)
        return ctx->status;
    mh_status st = mh_h5_get_vector(file, path, dataset, out, n, ctx);
    H5Fclose(file);
    return st;
}

/* Opens scalar attribute attr of obj with its file type (*t); MH_ERR_IO naming path and attr when it is
 * missing, unreadable or not a scalar. Close both with close_attr. */
static mh_status open_scalar_attr(hid_t obj, const char *path, const char *attr, hid_t *a, hid_t *t, mh_ctx *ctx)
{
    *a = *t = H5I_INVALID_HID;
    if (H5Aexists(obj, attr) <= 0)
        return MH_ERROR(ctx, MH_ERR_IO, "%s: no attribute %s", path, attr);
    *a = H5Aopen(obj, attr, H5P_DEFAULT);
    hid_t sp = *a >= 0 ? H5Aget_space(*a) : H5I_INVALID_HID;
    bool scalar = sp >= 0 && H5Sget_simple_extent_type(sp) == H5S_SCALAR;
    if (sp >= 0)
        H5Sclose(sp);
    if (scalar)
        *t = H5Aget_type(*a);
    if (*t >= 0)
        return MH_OK;
    if (*a >= 0)
        H5Aclose(*a);
    *a = H5I_INVALID_HID;
    return MH_ERROR(ctx, MH_ERR_IO, "%s: attribute %s is not a readable scalar (corrupt?)", path, attr);
}

static void close_attr(hid_t a, hid_t t)
{
    H5Tclose(t);
    H5Aclose(a);
}

/* A C string type in memory: size bytes (or H5T_VARIABLE), NUL-terminated, character set cset. */
static hid_t string_type(size_t size, H5T_cset_t cset)
{
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, size);
    H5Tset_strpad(mt, H5T_STR_NULLTERM);
    H5Tset_cset(mt, cset);
    return mt;
}

mh_status mh_h5_get_attr_string(hid_t obj, const char *path, const char *attr, char **out, mh_ctx *ctx)
{
    *out = NULL;
    hid_t a, t;
    mh_status st = open_scalar_attr(obj, path, attr, &a, &t, ctx);
    if (st != MH_OK)
        return st;
    htri_t vlen = H5Tis_variable_str(t);
    size_t len = vlen == 0 ? H5Tget_size(t) : 0;
    char *s = NULL;
    /* a fixed-length string is stored whole in the file: longer than the file, it is crafted */
    if (H5Tget_class(t) != H5T_STRING || vlen < 0 ||
        (vlen == 0 && (len == 0 || len > (1u << 24) || (double)len > mh_h5_file_bytes(obj)))) {
        st = MH_ERROR(ctx, MH_ERR_IO, "%s: attribute %s is not a string", path, attr);
    } else {
        /* fixed length (what microheal writes) into our buffer; variable length (microheal 1.0's
         * outputs) into HDF5's, copied */
        hid_t mt = string_type(vlen ? H5T_VARIABLE : len + 1, H5Tget_cset(t));
        char *buf = vlen ? NULL : calloc(len + 2, 1);
        if (!vlen && buf == NULL)
            st = MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
        else if (H5Aread(a, mt, vlen ? (void *)&buf : (void *)buf) < 0 || buf == NULL)
            st = MH_ERROR(ctx, MH_ERR_IO, "%s: cannot read attribute %s", path, attr);
        else if ((s = vlen ? strdup(buf) : buf) == NULL)
            st = MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
        if (vlen && buf != NULL)
            H5free_memory(buf);
        else if (st != MH_OK)
            free(buf);
        H5Tclose(mt);
    }
    close_attr(a, t);
    *out = s;
    return st;
}

mh_status mh_h5_get_attr_double(hid_t obj, const char *path, const char *attr, double *out, mh_ctx *ctx)
{
    hid_t a, t;
    mh_status st = open_scalar_attr(obj, path, attr, &a, &t, ctx);
    if (st != MH_OK)
        return st;
    if ((H5Tget_class(t) != H5T_FLOAT && H5Tget_class(t) != H5T_INTEGER) || H5Aread(a, H5T_NATIVE_DOUBLE, out) < 0)
        st = MH_ERROR(ctx, MH_ERR_IO, "%s: attribute %s is not a number", path, attr);
    close_attr(a, t);
    return st;
}

mh_status mh_h5_read_root_string(const char *path, const char *attr, char **out, mh_ctx *ctx)
{
    hid_t file = mh_h5_open_output(path, ctx);
    if (file < 0)
        return ctx->status;
    mh_status st = mh_h5_get_attr_string(file, path, attr, out, ctx);
    H5Fclose(file);
    return st;
}

mh_status mh_h5_get_field(hid_t file, const char *path, const char *name, double day, float **out, int shape[3],
                          double *t_actual, mh_ctx *ctx)
{
    *out = NULL;
    double *t = NULL, dims_attr = 0.0;
    size_t nt = 0;
    mh_status st = mh_h5_get_attr_double(file, path, "dims", &dims_attr, ctx);
    if (st == MH_OK && dims_attr != 2.0 && dims_attr != 3.0)
        st = MH_ERROR(ctx, MH_ERR_IO, "%s: attribute dims is %g, not 2 or 3 (damaged or crafted?)", path, dims_attr);
    if (st == MH_OK)
        st = mh_h5_get_vector(file, path, "/fields/t_days", &t, &nt, ctx);
    if (st == MH_OK && nt == 0)
        st = MH_ERROR(ctx, MH_ERR_INPUT, "%s: no snapshots stored", path);
    size_t best = 0;
    for (size_t r = 1; st == MH_OK && r < nt; r++)
        if (fabs(t[r] - day) < fabs(t[best] - day))
            best = r;
    if (st == MH_OK)
        *t_actual = t[best];
    free(t);
    char dn[160];
    snprintf(dn, sizeof dn, "/fields/%.140s", name);
    if (st == MH_OK && (strchr(name, '/') != NULL || strlen(name) > 140 || H5Lexists(file, dn, H5P_DEFAULT) <= 0))
        st = MH_ERROR(ctx, MH_ERR_INPUT, "%s: no field '%s' (see 'microheal info')", path, name);
    if (st != MH_OK)
        return st;
    hid_t d = H5Dopen2(file, dn, H5P_DEFAULT);
    if (d < 0)
        return MH_ERROR(ctx, MH_ERR_IO, "%s: cannot open dataset %s", path, dn);
    /* the snapshots are deflated: what they declare may exceed the file's size, by deflate's ratio at most */
    st = mh_h5_check_dataset(d, path, dn, ctx);
    hid_t fs = st == MH_OK ? H5Dget_space(d) : H5I_INVALID_HID;
    const int rank = fs >= 0 ? H5Sget_simple_extent_ndims(fs) : -1;
    hsize_t dims[4] = {0, 1, 1, 1};
    if (st == MH_OK && (rank != (int)dims_attr + 1 || H5Sget_simple_extent_dims(fs, dims, NULL) != rank))
        st = MH_ERROR(ctx, MH_ERR_IO, "%s: %s has rank %d, not %d for a %g-D run (damaged or crafted?)", path, dn, rank,
                      (int)dims_attr + 1, dims_attr);
    const double cells = (double)dims[1] * (double)dims[2] * (double)dims[3];
    if (st == MH_OK && (cells < 1.0 || cells > MH_MAX_CELLS)) /* more cells than any grid */
        st = MH_ERROR(ctx, MH_ERR_IO, "%s: %s has an impossible shape (damaged or crafted?)", path, dn);
    if (st == MH_OK && dims[0] != nt)
        st = MH_ERROR(ctx, MH_ERR_IO, "%s: %s holds %llu snapshots, /fields/t_days %zu times (damaged or crafted?)",
                      path, dn, (unsigned long long)dims[0], nt);
    float *buf = NULL;
    if (st == MH_OK) {
        shape[0] = (int)dims[1];
        shape[1] = rank == 4 ? (int)dims[2] : 1;
        shape[2] = rank == 4 ? (int)dims[3] : (int)dims[2];
        if ((buf = malloc((size_t)cells * sizeof *buf)) == NULL)
            st = MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory reading %s", dn);
    }
    if (st == MH_OK) {
        hsize_t start[4] = {best, 0, 0, 0}, count[4] = {1, dims[1], dims[2], dims[3]};
        hid_t ms = H5Screate_simple(rank, count, NULL);
        if (ms < 0 || H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
            H5Dread(d, H5T_NATIVE_FLOAT, ms, fs, H5P_DEFAULT, buf) < 0)
            st = MH_ERROR(ctx, MH_ERR_IO, "%s: cannot read %s (corrupt?)", path, dn);
        if (ms >= 0)
            H5Sclose(ms);
    }
    if (fs >= 0)
        H5Sclose(fs);
    H5Dclose(d);
    if (st != MH_OK) {
        free(buf);
        return st;
    }
    *out = buf;
    return MH_OK;
}

mh_status mh_h5_read_field(const char *path, const char *name, double day, float **out, int shape[3], double *t_actual,
                           mh_ctx *ctx)
{
    *out = NULL;
    hid_t file = mh_h5_open_output(path, ctx);
    if (file < 0)
        return ctx->status;
    mh_status st = mh_h5_get_field(file, path, name, day, out, shape, t_actual, ctx);
    H5Fclose(file);
    return st;
}
