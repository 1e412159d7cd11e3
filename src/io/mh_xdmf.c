/* src/io: files of results: HDF5 outputs and readers, checkpoints, XDMF, export, sweep and compare folders. */
/* mh_xdmf: the XDMF file beside a run's HDF5 output, so that ParaView and VisIt open its field snapshots
 * as a time series.
 *
 * Format: XDMF 2 (what ParaView's "XDMF Reader" and VisIt's Xdmf reader read; ParaView's Xdmf3 readers
 * skip data items given as a HyperSlab, whose type they ask before reading them). One temporal
 * collection, one uniform grid per snapshot with its time (day, /fields/t_days), each field an
 * attribute whose data is a HyperSlab of one snapshot of /fields/<name> in the HDF5 file, named by a
 * relative path. The mesh is a 3DCoRectMesh of the cell centres (mm) with node-centred values: points
 * are where the model's values live, and the uniform grid needs only an origin and a spacing. Axes: X
 * is x; in 2-D, Y is minus the depth and Z one point at 0; in 3-D, Y is y and Z minus the depth. The
 * skin surface is at vertical coordinate 0 and the dermis below it, so ParaView shows the surface on top.
 * The layers (names, depths) are an Information element: a per-depth id has no XDMF form that ParaView
 * reads without a per-cell dataset. README.md, "Open in ParaView or VisIt". */
#define _XOPEN_SOURCE 700 /* realpath */
#include "mh_file.h"
#include "mh_h5_internal.h"
#include "mh_skin.h"
#include "mh_version.h"
#include "mh_xdmf.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *mh_xdmf_path(const char *h5_path)
{
    static const char *const ext[] = {".h5", ".hdf5"};
    size_t n = strlen(h5_path), stem = n;
    const char *slash = strrchr(h5_path, '/');
    size_t base_len = slash == NULL ? n : n - (size_t)(slash + 1 - h5_path);
    for (size_t e = 0; e < sizeof ext / sizeof ext[0]; e++) {
        size_t m = strlen(ext[e]);
        if (base_len > m && strcmp(h5_path + n - m, ext[e]) == 0)
            stem = n - m;
    }
    char *p = malloc(stem + 5);
    if (p != NULL)
        snprintf(p, stem + 5, "%.*s.xmf", (int)stem, h5_path);
    return p;
}

/* What the XDMF describes, read from the output. */
typedef struct {
    int dims;          /* 2 or 3 */
    size_t nx, ny, nz; /* cells (ny = 1 in 2-D) */
    double x0, y0, z0; /* first cell centre (mm; z0: depth) */
    double dx;         /* cell size (mm), the same on every axis */
    double *t;         /* snapshot times (day) */
    size_t nt;
    double *top; /* /grid/layer_top_mm: depth of each layer's top and of the bottom */
    size_t ntop;
    char **field;   /* names of the datasets of /fields besides t_days, in name order */
    int *precision; /* their float size in bytes (4 or 8) */
    size_t nfield;
} desc;

static void desc_free(desc *d)
{
    free(d->t);
    free(d->top);
    for (size_t f = 0; f < d->nfield; f++)
        free(d->field[f]);
    free(d->field);
    free(d->precision);
}

/* H5Literate callback: appends the name of each link but t_days to the desc (check_field refuses one that
 * is not a field's snapshots). */
static herr_t collect_field(hid_t grp, const char *name, const H5L_info_t *info, void *user)
{
    (void)grp;
    (void)info;
    desc *d = user;
    if (strcmp(name, "t_days") == 0)
        return 0;
    char **f = realloc(d->field, (d->nfield + 1) * sizeof *f);
    if (f == NULL)
        return -1;
    d->field = f;
    if ((f[d->nfield] = strdup(name)) == NULL)
        return -1;
    d->nfield++;
    return 0;
}

/* Checks that /fields/<name> holds d->nt snapshots of the grid's shape as floats; *precision: 4 or 8. */
static mh_status check_field(hid_t file, const char *origin, const desc *d, const char *name, int *precision,
                             mh_ctx *ctx)
{
    char path[320];
    snprintf(path, sizeof path, "/fields/%.300s", name);
    return mh_h5_check_snapshots(file, origin, path, d->dims, d->nt, d->nz, d->ny, d->nx, precision, ctx);
}

/* Reads the cell centres along one axis (dataset) into *c0 and checks that they are uniform with step
 * dx, which the XDMF's origin-and-spacing mesh assumes. */
static mh_status read_axis(hid_t file, const char *origin, const char *dataset, double dx, size_t *n, double *c0,
                           mh_ctx *ctx)
{
    double *c = NULL;
    mh_status st = mh_h5_get_vector(file, origin, dataset, &c, n, ctx);
    if (st != MH_OK)
        return st;
    bool ok = *n > 0 && isfinite(c[0]);
    /* a relative 1e-6 of the cell: far above rounding in (i + 0.5) dx, far below any other grid */
    for (size_t i = 1; ok && i < *n; i++)
        ok = fabs(c[i] - (c[0] + (double)i * dx)) <= 1e-6 * dx;
    *c0 = ok ? c[0] : 0.0;
    free(c);
    return ok ? MH_OK
              : MH_ERROR(ctx, MH_ERR_IO, "%s: %s is not a uniform axis of %g mm cells (corrupt?)", origin, dataset, dx);
}

static mh_status read_desc(hid_t file, const char *origin, desc *d, mh_ctx *ctx)
{
    double dims = 0.0;
    mh_status st = mh_h5_get_attr_double(file, origin, "dims", &dims, ctx);
    if (st != MH_OK)
        return st;
    if (dims != 2.0 && dims != 3.0)
        return MH_ERROR(ctx, MH_ERR_IO, "%s: dims is %g, not 2 or 3 (corrupt?)", origin, dims);
    d->dims = (int)dims;
    hid_t grid = H5Lexists(file, "/grid", H5P_DEFAULT) > 0 ? H5Gopen2(file, "/grid", H5P_DEFAULT) : H5I_INVALID_HID;
    if (grid < 0)
        return MH_ERROR(ctx, MH_ERR_IO, "%s: no group /grid (corrupt?)", origin);
    st = mh_h5_get_attr_double(grid, origin, "dx_mm", &d->dx, ctx);
    H5Gclose(grid);
    if (st != MH_OK)
        return st;
    if (!(d->dx > 0.0) || !isfinite(d->dx))
        return MH_ERROR(ctx, MH_ERR_IO, "%s: /grid dx_mm is %g (corrupt?)", origin, d->dx);
    d->ny = 1;
    if ((st = read_axis(file, origin, "/grid/x_mm", d->dx, &d->nx, &d->x0, ctx)) != MH_OK ||
        (d->dims == 3 && (st = read_axis(file, origin, "/grid/y_mm", d->dx, &d->ny, &d->y0, ctx)) != MH_OK) ||
        (st = read_axis(file, origin, "/grid/z_mm", d->dx, &d->nz, &d->z0, ctx)) != MH_OK ||
        (st = mh_h5_get_vector(file, origin, "/grid/layer_top_mm", &d->top, &d->ntop, ctx)) != MH_OK ||
        (st = mh_h5_get_vector(file, origin, "/fields/t_days", &d->t, &d->nt, ctx)) != MH_OK)
        return st;
    hid_t grp = H5Gopen2(file, "/fields", H5P_DEFAULT);
    herr_t rc = grp < 0 ? -1 : H5Literate(grp, H5_INDEX_NAME, H5_ITER_INC, NULL, collect_field, d);
    if (grp >= 0)
        H5Gclose(grp);
    if (rc < 0)
        return MH_ERROR(ctx, MH_ERR_IO, "%s: cannot list the datasets of /fields (corrupt, or out of memory?)", origin);
    if (d->nfield == 0)
        return MH_ERROR(ctx, MH_ERR_IO, "%s: no field snapshots in /fields (corrupt?)", origin);
    if ((d->precision = malloc(d->nfield * sizeof *d->precision)) == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
    for (size_t f = 0; f < d->nfield && st == MH_OK; f++)
        st = check_field(file, origin, d, d->field[f], &d->precision[f], ctx);
    return st;
}

/* v with the fewest digits (15 to 17) that read back as v. */
static const char *num(char buf[32], double v)
{
    for (int p = 15; p <= 17; p++) {
        snprintf(buf, 32, "%.*g", p, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return buf;
}

/* s with &, <, >, " and ' as XML entities. */
static void put_escaped(FILE *out, const char *s)
{
    static const char *const entity[] = {
        ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&apos;"};
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < sizeof entity / sizeof entity[0] && entity[c] != NULL)
            fputs(entity[c], out);
        else
            fputc(c, out);
    }
}

static void put_information(const desc *d, FILE *out)
{
    char a[32], b[32];
    if (d->ntop != MH_LAYER_COUNT + 1)
        return;
    fputs("  <Information Name=\"layers\" Value=\"", out);
    for (int l = 0; l < MH_LAYER_COUNT; l++)
        fprintf(out, "%s%s %s to %s mm", l ? ", " : "", mh_layer_name((mh_layer)l), num(a, d->top[l]),
                num(b, d->top[l + 1]));
    fputs("\">depth below the skin surface of each layer's top and bottom; the vertical axis is minus the "
          "depth</Information>\n",
          out);
}

static void put_xdmf(const desc *d, const char *h5_ref, FILE *out)
{
    char a[32], b[32], c[32];
    /* XDMF lists dimensions slowest first (Z Y X); slab: one snapshot's cells as the dataset orders them */
    char slab[64], mesh[80];
    if (d->dims == 3)
        snprintf(slab, sizeof slab, "%zu %zu %zu", d->nz, d->ny, d->nx);
    else
        snprintf(slab, sizeof slab, "%zu %zu", d->nz, d->nx);
    snprintf(mesh, sizeof mesh, "%s%s", d->dims == 3 ? "" : "1 ", slab);
    const char *more = d->dims == 3 ? " 0" : "", *more1 = d->dims == 3 ? " 1" : "";
    /* origin and spacing (Z Y X): the vertical axis runs from the surface down, so its step is -dx */
    const double oz = d->dims == 3 ? -d->z0 : 0.0, oy = d->dims == 3 ? d->y0 : -d->z0;
    const double sz = d->dims == 3 ? -d->dx : d->dx, sy = d->dims == 3 ? d->dx : -d->dx;
    fprintf(out,
            "<?xml version=\"1.0\" ?>\n"
            "<!-- microheal %s: the field snapshots of an HDF5 output as a time series, for ParaView's\n"
            "     XDMF Reader (not the Xdmf3 readers) and VisIt. Points are the cell centres (mm), values\n"
            "     are node-centred; X is x, %s minus the depth below the skin surface (surface at 0, on top). -->\n"
            "<Xdmf Version=\"2.0\">\n"
            " <Domain>\n",
            MH_VERSION, d->dims == 3 ? "Y is y, Z" : "Y");
    put_information(d, out);
    fputs("  <Grid Name=\"snapshots\" GridType=\"Collection\" CollectionType=\"Temporal\">\n", out);
    for (size_t s = 0; s < d->nt; s++) {
        fprintf(out, "   <Grid Name=\"day %s\" GridType=\"Uniform\">\n    <Time Value=\"%s\"/>\n", num(a, d->t[s]),
                num(b, d->t[s]));
        fprintf(out, "    <Topology TopologyType=\"3DCoRectMesh\" Dimensions=\"%s\"/>\n", mesh);
        fprintf(out,
                "    <Geometry GeometryType=\"ORIGIN_DXDYDZ\">\n"
                "     <DataItem Name=\"Origin\" Dimensions=\"3\" NumberType=\"Float\" Precision=\"8\" "
                "Format=\"XML\">%s %s %s</DataItem>\n",
                num(a, oz), num(b, oy), num(c, d->x0));
        fprintf(out,
                "     <DataItem Name=\"Spacing\" Dimensions=\"3\" NumberType=\"Float\" Precision=\"8\" "
                "Format=\"XML\">%s %s %s</DataItem>\n"
                "    </Geometry>\n",
                num(a, sz), num(b, sy), num(c, d->dx));
        for (size_t f = 0; f < d->nfield; f++) {
            fputs("    <Attribute Name=\"", out);
            put_escaped(out, d->field[f]);
            fprintf(out,
                    "\" AttributeType=\"Scalar\" Center=\"Node\">\n"
                    "     <DataItem ItemType=\"HyperSlab\" Dimensions=\"%s\" Type=\"HyperSlab\">\n"
                    "      <DataItem Dimensions=\"3 %d\" NumberType=\"Int\" Format=\"XML\">%zu 0 0%s 1 1 1%s 1 "
                    "%s</DataItem>\n"
                    "      <DataItem Dimensions=\"%zu %s\" NumberType=\"Float\" Precision=\"%d\" Format=\"HDF\">",
                    mesh, d->dims + 1, s, more, more1, slab, d->nt, slab, d->precision[f]);
            put_escaped(out, h5_ref);
            fputs(":/fields/", out);
            put_escaped(out, d->field[f]);
            fputs("</DataItem>\n     </DataItem>\n    </Attribute>\n", out);
        }
        fputs("   </Grid>\n", out);
    }
    fputs("  </Grid>\n </Domain>\n</Xdmf>\n", out);
}

mh_status mh_xdmf_put(hid_t file, const char *origin, const char *h5_ref, FILE *out, mh_ctx *ctx)
{
    if (strchr(h5_ref, ':') != NULL)
        return MH_ERROR(ctx, MH_ERR_INPUT, "%s: XDMF cannot name an HDF5 file whose name holds ':' (%s)", origin,
                        h5_ref);
    desc d = {0};
    mh_status st = read_desc(file, origin, &d, ctx);
    if (st == MH_OK)
        put_xdmf(&d, h5_ref, out);
    desc_free(&d);
    return st;
}

mh_status mh_xdmf_write_tmp(hid_t file, const char *origin, const char *h5_ref, const char *xmf_path, char **tmp,
                            mh_ctx *ctx)
{
    *tmp = NULL;
    if (strchr(h5_ref, ':') != NULL) /* refused before a temporary file is made */
        return mh_xdmf_put(file, origin, h5_ref, NULL, ctx);
    char *name = NULL;
    FILE *out = mh_file_temp_open(xmf_path, &name, ctx);
    if (out == NULL)
        return ctx->status;
    mh_status st = mh_xdmf_put(file, origin, h5_ref, out, ctx);
    bool ok = fflush(out) == 0 && ferror(out) == 0 && (fsync(fileno(out)) == 0 || errno == EINVAL);
    ok = fclose(out) == 0 && ok;
    if (st == MH_OK && !ok)
        st = MH_ERROR(ctx, MH_ERR_IO, "%s: cannot write (disk full?)", xmf_path);
    if (st == MH_OK) {
        *tmp = name;
    } else {
        unlink(name);
        free(name);
    }
    return st;
}

/* The directory of path (malloc'ed: "." when it has no '/') and, in *base, its last component. */
static char *dir_of(const char *path, const char **base)
{
    const char *slash = strrchr(path, '/');
    *base = slash == NULL ? path : slash + 1;
    if (slash == NULL)
        return strdup(".");
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    char *d = malloc(n + 1);
    if (d != NULL)
        snprintf(d, n + 1, "%.*s", (int)n, path);
    return d;
}

/* The HDF5 file as the XDMF file names it: its path relative to the XDMF file's directory (malloc'ed),
 * or NULL with the error in ctx. */
static char *relative_ref(const char *h5_path, const char *xmf_path, mh_ctx *ctx)
{
    const char *h5_base, *xmf_base;
    char *h5_dir = dir_of(h5_path, &h5_base), *xmf_dir = dir_of(xmf_path, &xmf_base);
    char *h5_real = NULL, *xmf_real = NULL, *ref = NULL;
    if (h5_dir == NULL || xmf_dir == NULL) {
        MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
    } else if (strcmp(h5_dir, xmf_dir) == 0) {
        if ((ref = strdup(h5_base)) == NULL)
            MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
    } else if ((h5_real = realpath(h5_dir, NULL)) == NULL || (xmf_real = realpath(xmf_dir, NULL)) == NULL) {
        MH_ERROR(ctx, MH_ERR_IO, "%s: cannot resolve its directory: %s", h5_real == NULL ? h5_path : xmf_path,
                 strerror(errno));
    } else {
        /* both absolute; with a '/' at the end of each, the common part ends at a '/' */
        size_t hn = strlen(h5_real), xn = strlen(xmf_real);
        char *a = malloc(hn + 2), *b = malloc(xn + 2);
        if (a == NULL || b == NULL) {
            MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
        } else {
            snprintf(a, hn + 2, "%s%s", h5_real, h5_real[hn - 1] == '/' ? "" : "/");
            snprintf(b, xn + 2, "%s%s", xmf_real, xmf_real[xn - 1] == '/' ? "" : "/");
            size_t common = 0, ups = 0;
            for (size_t i = 0; a[i] != '\0' && a[i] == b[i]; i++)
                if (a[i] == '/')
                    common = i + 1;
            for (size_t i = common; b[i] != '\0'; i++)
                ups += b[i] == '/';
            size_t n = 3 * ups + strlen(a + common) + strlen(h5_base) + 1;
            if ((ref = malloc(n)) == NULL) {
                MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
            } else {
                ref[0] = '\0';
                for (size_t u = 0; u < ups; u++)
                    strcat(ref, "../");
                strcat(ref, a + common);
                strcat(ref, h5_base);
            }
        }
        free(a);
        free(b);
    }
    free(h5_dir);
    free(xmf_dir);
    free(h5_real);
    free(xmf_real);
    return ref;
}

mh_status mh_xdmf_write(const char *h5_path, const char *xmf_path, mh_ctx *ctx)
{
    char *own = NULL;
    if (xmf_path == NULL && (xmf_path = own = mh_xdmf_path(h5_path)) == NULL)
        return MH_ERROR(ctx, MH_ERR_NOMEM, "out of memory");
    struct stat hs, xs;
    if (strcmp(h5_path, xmf_path) == 0 ||
        (stat(h5_path, &hs) == 0 && stat(xmf_path, &xs) == 0 && hs.st_dev == xs.st_dev && hs.st_ino == xs.st_ino)) {
        MH_ERROR(ctx, MH_ERR_INPUT, "%s: the XDMF file would replace the HDF5 file it describes", xmf_path);
        free(own);
        return MH_ERR_INPUT;
    }
    char *ref = NULL, *tmp = NULL;
    mh_status st = mh_file_check_output(xmf_path, ctx); /* before the HDF5 file is read */
    hid_t file = st == MH_OK ? mh_h5_open_output(h5_path, ctx) : H5I_INVALID_HID;
    if (st == MH_OK && file < 0)
        st = ctx->status;
    else if (st == MH_OK && (ref = relative_ref(h5_path, xmf_path, ctx)) == NULL)
        st = ctx->status;
    /* a fresh temporary (O_EXCL | O_NOFOLLOW: a planted link cannot redirect it), renamed when complete */
    if (st == MH_OK)
        st = mh_xdmf_write_tmp(file, h5_path, ref, xmf_path, &tmp, ctx);
    if (file >= 0)
        H5Fclose(file);
    if (st == MH_OK)
        st = mh_h5_commit(tmp, xmf_path, ctx);
    free(tmp);
    free(ref);
    free(own);
    return st;
}
