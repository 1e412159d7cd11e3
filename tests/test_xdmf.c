/* test_xdmf: the XDMF file beside every run output (src/io/mh_xdmf.c): well-formed XML, every grid,
 * time and data item checked against the HDF5 file, failed runs leave none, `export --xdmf`, sweep
 * points, damaged outputs, and ParaView itself opening it (pvpython under xvfb-run, when installed). */
#include "helpers.h"

#include "mh_h5.h"
#include "mh_xdmf.h"

#include <hdf5.h>

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdarg.h>
#include <sys/stat.h>

/* ---- a small strict XML reader: enough of XML 1.0 to hold the writer to well-formedness ---- */

#define XML_ATTRS 8
#define XML_LEN 512

/* One element: its name, parent (index, -1 for the root), attributes and the character data directly
 * inside it (entities decoded, surrounding white space trimmed). */
typedef struct {
    char name[32];
    int parent;
    int nattr;
    char key[XML_ATTRS][32];
    char val[XML_ATTRS][XML_LEN];
    char text[XML_LEN];
} xml_el;

typedef struct {
    xml_el *el; /* in document order; el[0] is the root */
    int n;
} xml_doc;

static bool fail(char *why, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fail(char *why, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, n, fmt, ap);
    va_end(ap);
    return false;
}

static bool name_start(char c) { return isalpha((unsigned char)c) || c == '_' || c == ':'; }
static bool name_char(char c) { return name_start(c) || isdigit((unsigned char)c) || c == '-' || c == '.'; }

/* Reads a name at *p into out (at most 31 characters). */
static bool xml_name(const char **p, char out[32])
{
    size_t k = 0;
    if (!name_start(**p))
        return false;
    while (name_char(**p)) {
        if (k == 31)
            return false;
        out[k++] = *(*p)++;
    }
    out[k] = '\0';
    return true;
}

/* Appends the character data from p up to stop (exclusive), entities decoded, to out (of XML_LEN);
 * false on a raw '<', an unknown entity or an overflow. */
static bool xml_decode(const char *p, const char *stop, char *out)
{
    size_t k = strlen(out);
    while (p < stop) {
        char c = *p++;
        if (c == '<')
            return false;
        if (c == '&') {
            static const char *const ent[] = {"amp;", "lt;", "gt;", "quot;", "apos;"};
            static const char rep[] = "&<>\"'";
            bool known = false;
            for (int e = 0; e < 5 && !known; e++)
                if (strncmp(p, ent[e], strlen(ent[e])) == 0) {
                    c = rep[e];
                    p += strlen(ent[e]);
                    known = true;
                }
            if (!known && p[0] == '#') { /* character references: only ASCII is needed here */
                char *end = NULL;
                long v = p[1] == 'x' ? strtol(p + 2, &end, 16) : strtol(p + 1, &end, 10);
                if (end == NULL || *end != ';' || v <= 0 || v > 127)
                    return false;
                c = (char)v;
                p = end + 1;
                known = true;
            }
            if (!known)
                return false;
        }
        if (k + 1 >= XML_LEN)
            return false;
        out[k++] = c;
    }
    out[k] = '\0';
    return true;
}

static void trim(char *s)
{
    size_t n = strlen(s), a = 0;
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    while (isspace((unsigned char)s[a]))
        a++;
    memmove(s, s + a, n - a + 1);
}

/* Parses text into doc (free doc->el); false with the reason in why. */
static bool xml_parse(const char *text, xml_doc *doc, char *why, size_t nwhy)
{
    const char *p = text;
    int cap = 64, cur = -1;
    bool done = false; /* the root element is closed */
    doc->n = 0;
    doc->el = calloc((size_t)cap, sizeof *doc->el);
    if (strncmp(p, "<?xml ", 6) == 0) {
        const char *q = strstr(p, "?>");
        if (q == NULL)
            return fail(why, nwhy, "unterminated XML declaration");
        p = q + 2;
    }
    while (*p != '\0') {
        if (*p != '<') {
            const char *q = strchr(p, '<');
            if (q == NULL)
                q = p + strlen(p);
            if (cur < 0) {
                for (const char *r = p; r < q; r++)
                    if (!isspace((unsigned char)*r))
                        return fail(why, nwhy, "character data outside the root element at offset %td", r - text);
            } else if (!xml_decode(p, q, doc->el[cur].text)) {
                return fail(why, nwhy, "bad character data in <%s> at offset %td", doc->el[cur].name, p - text);
            }
            p = q;
            continue;
        }
        if (strncmp(p, "<!--", 4) == 0) {
            const char *q = strstr(p + 4, "--");
            if (q == NULL || q[2] != '>')
                return fail(why, nwhy, "bad comment at offset %td ('--' inside, or unterminated)", p - text);
            p = q + 3;
            continue;
        }
        if (p[1] == '/') {
            char name[32];
            p += 2;
            if (!xml_name(&p, name) || cur < 0 || strcmp(name, doc->el[cur].name) != 0)
                return fail(why, nwhy, "end tag </%s> does not close <%s>", name, cur < 0 ? "" : doc->el[cur].name);
            while (isspace((unsigned char)*p))
                p++;
            if (*p++ != '>')
                return fail(why, nwhy, "bad end tag </%s>", name);
            trim(doc->el[cur].text);
            cur = doc->el[cur].parent;
            done = cur < 0;
            continue;
        }
        if (done)
            return fail(why, nwhy, "a second root element at offset %td", p - text);
        if (doc->n == cap)
            doc->el = realloc(doc->el, (size_t)(cap *= 2) * sizeof *doc->el);
        xml_el *e = &doc->el[doc->n];
        memset(e, 0, sizeof *e);
        e->parent = cur;
        p++;
        if (!xml_name(&p, e->name))
            return fail(why, nwhy, "bad element name at offset %td", p - text);
        for (;;) {
            bool space = isspace((unsigned char)*p);
            while (isspace((unsigned char)*p))
                p++;
            if (p[0] == '/' && p[1] == '>') {
                p += 2;
                done = cur < 0;
                doc->n++;
                break;
            }
            if (p[0] == '>') {
                p++;
                cur = doc->n++;
                break;
            }
            if (!space || e->nattr == XML_ATTRS || !xml_name(&p, e->key[e->nattr]))
                return fail(why, nwhy, "bad attribute in <%s> at offset %td", e->name, p - text);
            for (int a = 0; a < e->nattr; a++)
                if (strcmp(e->key[a], e->key[e->nattr]) == 0)
                    return fail(why, nwhy, "attribute %s twice in <%s>", e->key[a], e->name);
            if (*p++ != '=' || (*p != '"' && *p != '\''))
                return fail(why, nwhy, "attribute %s of <%s> without a quoted value", e->key[e->nattr], e->name);
            char quote = *p++;
            const char *q = strchr(p, quote);
            if (q == NULL || !xml_decode(p, q, e->val[e->nattr]))
                return fail(why, nwhy, "bad value of %s in <%s>", e->key[e->nattr], e->name);
            e->nattr++;
            p = q + 1;
        }
    }
    if (doc->n == 0 || !done)
        return fail(why, nwhy, "%s", doc->n == 0 ? "no root element" : "unclosed elements at the end");
    return true;
}

static const char *xml_attr(const xml_el *e, const char *key)
{
    for (int a = 0; a < e->nattr; a++)
        if (strcmp(e->key[a], key) == 0)
            return e->val[a];
    return NULL;
}

/* True when e has attribute key with this value. */
static bool attr_is(const xml_el *e, const char *key, const char *value)
{
    const char *v = xml_attr(e, key);
    return v != NULL && strcmp(v, value) == 0;
}

/* The index of the k-th (0-based) child of element parent named name, or -1. */
static int xml_child(const xml_doc *d, int parent, const char *name, int k)
{
    for (int i = parent + 1; i < d->n; i++)
        if (d->el[i].parent == parent && strcmp(d->el[i].name, name) == 0 && k-- == 0)
            return i;
    return -1;
}

static int xml_count(const xml_doc *d, int parent, const char *name)
{
    int n = 0;
    while (xml_child(d, parent, name, n) >= 0)
        n++;
    return n;
}

/* ---- the HDF5 side, read independently of mh_xdmf ---- */

#define MAX_FIELDS 32

typedef struct {
    int dims;
    size_t nx, ny, nz, nt;
    double *x, *y, *z, *t;
    int nfield;
    char field[MAX_FIELDS][64];
    hsize_t shape[MAX_FIELDS][4];
    int rank[MAX_FIELDS];
    size_t size[MAX_FIELDS]; /* bytes per value */
} h5_view;

static herr_t list_field(hid_t g, const char *name, const H5L_info_t *info, void *user)
{
    (void)info;
    h5_view *v = user;
    if (strcmp(name, "t_days") == 0 || v->nfield == MAX_FIELDS)
        return 0;
    int f = v->nfield++;
    snprintf(v->field[f], sizeof v->field[f], "%s", name);
    hid_t d = H5Dopen2(g, name, H5P_DEFAULT), sp = H5Dget_space(d), t = H5Dget_type(d);
    v->rank[f] = H5Sget_simple_extent_dims(sp, v->shape[f], NULL);
    v->size[f] = H5Tget_class(t) == H5T_FLOAT ? H5Tget_size(t) : 0;
    H5Tclose(t);
    H5Sclose(sp);
    H5Dclose(d);
    return 0;
}

static h5_view h5_open_view(const char *path)
{
    h5_view v = {0};
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_h5_read_vector(path, "/grid/x_mm", &v.x, &v.nx, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_h5_read_vector(path, "/grid/z_mm", &v.z, &v.nz, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_h5_read_vector(path, "/fields/t_days", &v.t, &v.nt, &ctx), MH_OK, "%s", ctx.msg);
    v.dims = mh_h5_read_vector(path, "/grid/y_mm", &v.y, &v.ny, &ctx) == MH_OK ? 3 : 2;
    if (v.dims == 2)
        v.ny = 1;
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert(f >= 0);
    hid_t g = H5Gopen2(f, "/fields", H5P_DEFAULT);
    H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, NULL, list_field, &v);
    H5Gclose(g);
    H5Fclose(f);
    cr_assert_gt(v.nfield, 10, "an output holds the snapshots of every species");
    return v;
}

static void h5_view_free(h5_view *v)
{
    free(v->x);
    free(v->y);
    free(v->z);
    free(v->t);
}

/* Space-separated numbers of text into v (at most max); how many. */
static int numbers(const char *text, double *v, int max)
{
    int n = 0;
    for (char *end; n < max; text = end) {
        v[n] = strtod(text, &end);
        if (end == text)
            break;
        n++;
    }
    return n;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *t = malloc((size_t)n + 1);
    size_t got = fread(t, 1, (size_t)n, f);
    t[got] = '\0';
    fclose(f);
    return t;
}

/* Checks the XDMF file xmf against the HDF5 file it names; false with the first mismatch in why.
 * What it holds to (README.md, "Open in ParaView or VisIt"): XDMF 2, one temporal collection with one
 * grid per snapshot whose Time is /fields/t_days exactly, a 3DCoRectMesh of the cell centres (Z Y X:
 * "nz ny nx" in 3-D, "1 nz nx" in 2-D) with the vertical axis minus the depth, and for every dataset of
 * /fields a node-centred attribute: a HyperSlab of that snapshot of /fields/<name> with the dataset's
 * real dimensions and type, in a file named relative to the XDMF file's folder. */
static bool check_xdmf(const char *xmf, char *why, size_t nwhy)
{
    char *text = slurp(xmf);
    if (text == NULL)
        return fail(why, nwhy, "%s: cannot read: %s", xmf, strerror(errno));
    xml_doc d = {0};
    bool ok = xml_parse(text, &d, why, nwhy);
    free(text);
    if (!ok) {
        free(d.el);
        return false;
    }
    const xml_el *e = d.el;
    char ref[512] = "", h5[1024] = "";
    int dom = xml_child(&d, 0, "Domain", 0), coll = dom < 0 ? -1 : xml_child(&d, dom, "Grid", 0);
    if (strcmp(e[0].name, "Xdmf") != 0 || !attr_is(&e[0], "Version", "2.0") || coll < 0 ||
        !attr_is(&e[coll], "GridType", "Collection") || !attr_is(&e[coll], "CollectionType", "Temporal")) {
        free(d.el);
        return fail(why, nwhy, "%s: not an XDMF 2 document with a temporal collection", xmf);
    }
    /* the HDF5 file: the first reference, relative to the XDMF file's folder */
    for (int i = 0; i < d.n && ref[0] == '\0'; i++) {
        if (strcmp(e[i].name, "DataItem") == 0 && attr_is(&e[i], "Format", "HDF"))
            snprintf(ref, sizeof ref, "%.*s", (int)(strcspn(e[i].text, ":")), e[i].text);
    }
    const char *slash = strrchr(xmf, '/');
    snprintf(h5, sizeof h5, "%.*s%s", slash == NULL ? 0 : (int)(slash + 1 - xmf), xmf, ref);
    if (ref[0] == '\0' || access(h5, R_OK) != 0) {
        free(d.el);
        return fail(why, nwhy, "%s: the HDF5 file it names (%s) is not there", xmf, h5);
    }
    h5_view v = h5_open_view(h5);
    char mesh[80], slab[64], want[160];
    if (v.dims == 3)
        snprintf(slab, sizeof slab, "%zu %zu %zu", v.nz, v.ny, v.nx);
    else
        snprintf(slab, sizeof slab, "%zu %zu", v.nz, v.nx);
    snprintf(mesh, sizeof mesh, "%s%s", v.dims == 3 ? "" : "1 ", slab);
    /* origin and spacing, Z Y X: the vertical axis is minus the depth, from the first cell centre down */
    const double dx = v.x[1] - v.x[0];
    const double origin[3] = {v.dims == 3 ? -v.z[0] : 0.0, v.dims == 3 ? v.y[0] : -v.z[0], v.x[0]};
    const double spacing[3] = {v.dims == 3 ? -dx : dx, v.dims == 3 ? dx : -dx, dx};
    ok = xml_count(&d, coll, "Grid") == (int)v.nt ||
         fail(why, nwhy, "%d grids for %zu snapshots", xml_count(&d, coll, "Grid"), v.nt);
    for (size_t s = 0; ok && s < v.nt; s++) {
        int g = xml_child(&d, coll, "Grid", (int)s), tm = xml_child(&d, g, "Time", 0);
        int topo = xml_child(&d, g, "Topology", 0), geo = xml_child(&d, g, "Geometry", 0);
        const char *tv = tm < 0 ? NULL : xml_attr(&e[tm], "Value");
        double t = tv == NULL ? NAN : strtod(tv, NULL), o[4], sp[4];
        ok = (tv != NULL && t == v.t[s]) ||
             fail(why, nwhy, "grid %zu: Time %s, /fields/t_days holds %.17g", s, tv ? tv : "missing", v.t[s]);
        ok = ok && ((topo >= 0 && attr_is(&e[topo], "TopologyType", "3DCoRectMesh") &&
                     attr_is(&e[topo], "Dimensions", mesh)) ||
                    fail(why, nwhy, "grid %zu: topology is not a 3DCoRectMesh of %s points", s, mesh));
        int io = geo < 0 ? -1 : xml_child(&d, geo, "DataItem", 0),
            is = geo < 0 ? -1 : xml_child(&d, geo, "DataItem", 1);
        ok = ok && ((io >= 0 && is >= 0 && attr_is(&e[geo], "GeometryType", "ORIGIN_DXDYDZ") &&
                     numbers(e[io].text, o, 4) == 3 && numbers(e[is].text, sp, 4) == 3) ||
                    fail(why, nwhy, "grid %zu: geometry is not ORIGIN_DXDYDZ with 3 + 3 numbers", s));
        for (int a = 0; ok && a < 3; a++)
            /* 1e-12 mm: the writer's spacing is /grid's dx_mm, the test's a difference of centres */
            ok = (o[a] == origin[a] && fabs(sp[a] - spacing[a]) <= 1e-12) ||
                 fail(why, nwhy, "grid %zu: origin/spacing %g/%g on axis %d, expected %g/%g", s, o[a], sp[a], a,
                      origin[a], spacing[a]);
        ok = ok && (xml_count(&d, g, "Attribute") == v.nfield ||
                    fail(why, nwhy, "grid %zu: %d attributes for %d datasets in /fields", s,
                         xml_count(&d, g, "Attribute"), v.nfield));
        for (int f = 0; ok && f < v.nfield; f++) {
            int at = -1;
            for (int k = 0; at < 0 && k < v.nfield; k++) {
                int c = xml_child(&d, g, "Attribute", k);
                if (c >= 0 && attr_is(&e[c], "Name", v.field[f]))
                    at = c;
            }
            int hs = at < 0 ? -1 : xml_child(&d, at, "DataItem", 0);
            int sel = hs < 0 ? -1 : xml_child(&d, hs, "DataItem", 0),
                dat = hs < 0 ? -1 : xml_child(&d, hs, "DataItem", 1);
            ok = (at >= 0 && attr_is(&e[at], "Center", "Node") && sel >= 0 && dat >= 0 &&
                  attr_is(&e[hs], "ItemType", "HyperSlab") && attr_is(&e[hs], "Dimensions", mesh)) ||
                 fail(why, nwhy, "grid %zu: no node-centred HyperSlab attribute %s of %s values", s, v.field[f], mesh);
            if (!ok)
                break;
            /* start, stride, count: snapshot s, every cell */
            int r = v.rank[f];
            snprintf(want, sizeof want, "%zu 0 0%s 1 1 1%s 1 %s", s, r == 4 ? " 0" : "", r == 4 ? " 1" : "", slab);
            char dims3[16];
            snprintf(dims3, sizeof dims3, "3 %d", r);
            ok = (strcmp(e[sel].text, want) == 0 && attr_is(&e[sel], "Dimensions", dims3)) ||
                 fail(why, nwhy, "grid %zu, %s: hyperslab '%s', expected '%s'", s, v.field[f], e[sel].text, want);
            /* the dataset: named right, and with the dimensions and precision the XDMF says */
            char dsdims[96] = "";
            for (int k = 0; k < r; k++)
                snprintf(dsdims + strlen(dsdims), sizeof dsdims - strlen(dsdims), k ? " %llu" : "%llu",
                         (unsigned long long)v.shape[f][k]);
            char name[600], prec[8];
            snprintf(name, sizeof name, "%s:/fields/%s", ref, v.field[f]);
            snprintf(prec, sizeof prec, "%zu", v.size[f]);
            const char *pr = xml_attr(&e[dat], "Precision"), *dd = xml_attr(&e[dat], "Dimensions");
            ok = ok && ((attr_is(&e[dat], "Format", "HDF") && attr_is(&e[dat], "NumberType", "Float") &&
                         attr_is(&e[dat], "Precision", prec) && attr_is(&e[dat], "Dimensions", dsdims) &&
                         strcmp(e[dat].text, name) == 0 && v.shape[f][0] == v.nt) ||
                        fail(why, nwhy, "grid %zu: data item '%s' (%s, precision %s) is not %s (%s, precision %s)", s,
                             e[dat].text, dd ? dd : "?", pr ? pr : "?", name, dsdims, prec));
        }
    }
    h5_view_free(&v);
    free(d.el);
    return ok;
}

/* ---- runs ---- */

/* A small 2-D run: three punctures, snapshots at 0, 6 h, 1 and 2 days. */
#define RUN_2D                                                                                                         \
    " run configs/default.ini -q --set grid.dx_um=40 --set simulation.days=2 --set schedule.sessions=1 "               \
    "--set output.snapshot_days=0,0.25,1,2 "
/* A small 3-D patch, 25 x 20 cells (x and y differ, so a swap shows), one centred puncture. */
#define RUN_3D                                                                                                         \
    " run configs/default.ini -q --set simulation.dims=3 --set grid.dx_um=40 --set grid.width_mm=1 "                   \
    "--set grid.length_mm=0.8 --set simulation.days=1 --set schedule.sessions=1 --set device.pattern=grid "            \
    "--set device.density_per_cm2=125 --set output.snapshot_days=0,0.25,1 "

/* Runs MH_BIN with args (a format with dir for each of its %s, three at most) and expects exit status
 * rc; its stderr in *err unless err is NULL. */
static void run_in(const char *dir, const char *args, int rc, char **err)
{
    char cmd[2048], fmt[1024];
    snprintf(fmt, sizeof fmt, "%s%s", MH_BIN, args);
    snprintf(cmd, sizeof cmd, fmt, dir, dir, dir);
    char *e = NULL;
    int got = mh_test_sh(cmd, &e);
    cr_assert_eq(got, rc, "%s: exit %d: %s", cmd, got, e);
    if (err != NULL)
        *err = e;
    else
        free(e);
}

/* Removes a test's folder and frees its name (the ParaView test keeps its pictures for a look: after
 * the suite too with MH_TEST_KEEP=1, tests/run.sh). */
static void remove_dir(char *dir)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    free(dir);
}

static void expect_valid(const char *xmf)
{
    char why[1024];
    cr_assert(check_xdmf(xmf, why, sizeof why), "%s", why);
}

Test(xdmf, a_2d_run_writes_a_well_formed_xdmf_that_matches_its_hdf5, .timeout = 120)
{
    char *dir = mh_test_temp_dir("xdmf"), xmf[256], h5[256], cmd[1024];
    run_in(dir, RUN_2D "-o %s/run.h5", 0, NULL);
    snprintf(xmf, sizeof xmf, "%s/run.xmf", dir);
    snprintf(h5, sizeof h5, "%s/run.h5", dir);
    cr_assert(mh_test_exists(xmf), "no XDMF file beside the output");
    expect_valid(xmf);
    cr_assert_eq(mh_test_count_files(dir, ".tmp."), 0);
    /* the file names the output relatively: the pair still opens after a move */
    char moved[200];
    snprintf(moved, sizeof moved, "%s/moved", dir);
    cr_assert_eq(mkdir(moved, 0755), 0);
    snprintf(cmd, sizeof cmd, "mv %s %s %s/", h5, xmf, moved);
    cr_assert_eq(system(cmd), 0);
    snprintf(xmf, sizeof xmf, "%s/run.xmf", moved);
    expect_valid(xmf);
    /* info names it */
    snprintf(cmd, sizeof cmd, MH_BIN " info %s/run.h5 | grep -q '^xdmf: %s (ParaView: open it with the XDMF Reader)$'",
             moved, xmf);
    cr_assert_eq(mh_test_sh(cmd, NULL), 0, "%s", cmd);
    remove_dir(dir);
}

Test(xdmf, a_3d_run_writes_a_well_formed_xdmf_that_matches_its_hdf5, .timeout = 120)
{
    char *dir = mh_test_temp_dir("xdmf"), xmf[256];
    run_in(dir, RUN_3D "-o %s/patch.h5", 0, NULL);
    snprintf(xmf, sizeof xmf, "%s/patch.xmf", dir);
    expect_valid(xmf);
    remove_dir(dir);
}

/* The checks above can fail: a malformed document, a changed time, dimension or dataset name is
 * caught. */
Test(xdmf, the_checker_refuses_malformed_or_mismatched_files, .timeout = 120)
{
    static const char *const bad_xml[] = {
        "<a><b></a></b>", "<a x=\"1\" x=\"2\"/>",   "<a x=1/>", "<a>&nbsp;</a>", "<a>1 < 2</a>",
        "<a/><b/>",       "<a><!-- x -- y --></a>", "<a>",      "text<a/>",      "<a x=\"<\"/>"};
    char why[1024];
    for (size_t k = 0; k < sizeof bad_xml / sizeof bad_xml[0]; k++) {
        xml_doc d = {0};
        cr_assert_not(xml_parse(bad_xml[k], &d, why, sizeof why), "accepted %s", bad_xml[k]);
        free(d.el);
    }
    xml_doc d = {0};
    cr_assert(xml_parse("<?xml version=\"1.0\" ?>\n<a k='&amp;&#60;'><b/> t &gt; </a>\n", &d, why, sizeof why), "%s",
              why);
    cr_assert_eq(d.n, 2);
    cr_assert_str_eq(xml_attr(&d.el[0], "k"), "&<");
    cr_assert_str_eq(d.el[0].text, "t >");
    free(d.el);

    char *dir = mh_test_temp_dir("xdmf"), xmf[256];
    run_in(dir, RUN_2D "-o %s/run.h5", 0, NULL);
    snprintf(xmf, sizeof xmf, "%s/run.xmf", dir);
    expect_valid(xmf);
    /* one change each, in a copy beside the output */
    static const char *const edits[][2] = {{"<Time Value=\"1\"/>", "<Time Value=\"1.0000001\"/>"},
                                           {"Dimensions=\"1 35 50\"/>", "Dimensions=\"35 1 50\"/>"},
                                           {"4 35 50", "4 50 35"},
                                           {":/fields/damage<", ":/fields/damages<"},
                                           {"0.04 -0.04 0.04", "0.04 0.04 0.04"},
                                           {"</Attribute>\n   </Grid>", "</Attribute>\n   </Grid"}};
    for (size_t k = 0; k < sizeof edits / sizeof edits[0]; k++) {
        char *text = slurp(xmf), *at = strstr(text, edits[k][0]), copy[256];
        cr_assert_not_null(at, "%s not in the XDMF file", edits[k][0]);
        snprintf(copy, sizeof copy, "%s/edited.xmf", dir);
        FILE *f = fopen(copy, "w");
        fprintf(f, "%.*s%s%s", (int)(at - text), text, edits[k][1], at + strlen(edits[k][0]));
        fclose(f);
        cr_assert_not(check_xdmf(copy, why, sizeof why), "the change %s -> %s went unnoticed", edits[k][0],
                      edits[k][1]);
        free(text);
    }
    remove_dir(dir);
}

/* Runs RUN_2D to DIR/NAME.h5 with the name NAME.EXT taken by a folder that is not empty: the run is
 * refused before it starts (exit 2, naming that file: an output replaces only a regular file) and
 * leaves neither NAME.h5 nor NAME.xmf, nor a temporary file, and the folder as it was. */
static void blocked_name(const char *dir, const char *name, const char *ext)
{
    char path[256], args[512], *err = NULL;
    snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext);
    cr_assert_eq(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/%s.%s/keep", dir, name, ext);
    fclose(fopen(path, "w"));
    snprintf(args, sizeof args, RUN_2D "-o %%s/%s.h5", name);
    run_in(dir, args, 2, &err);
    snprintf(path, sizeof path, "%s.%s: exists and is a directory", name, ext);
    cr_assert(strstr(err, path), "%s", err);
    free(err);
    snprintf(path, sizeof path, "%s/%s.%s/keep", dir, name, ext);
    cr_assert(mh_test_exists(path), "the folder in the way was changed");
    snprintf(path, sizeof path, "%s/%s.%s", dir, name, strcmp(ext, "h5") == 0 ? "xmf" : "h5");
    cr_assert_not(mh_test_exists(path), "%s is there when %s.%s could not be put in place", path, name, ext);
    cr_assert_eq(mh_test_count_files(dir, ".tmp."), 0);
}

/* A failed run leaves neither file: a full disk, a numerical fault, an XDMF file that cannot be
 * renamed into place (its name is taken by a folder: the output goes too), a name XDMF cannot hold. */
Test(xdmf, a_failed_run_leaves_no_xdmf_and_no_output, .timeout = 180)
{
    char *dir = mh_test_temp_dir("xdmf"), path[256], *err = NULL, cmd[2048];
    snprintf(cmd, sizeof cmd, "ulimit -f 40; " MH_BIN RUN_2D "-o %s/full.h5", dir);
    int rc = mh_test_sh(cmd, &err);
    cr_assert_eq(rc, 1, "exit %d: %s", rc, err);
    cr_assert(strstr(err, "disk full"), "%s", err);
    free(err);
    cr_assert_eq(mh_test_count_files(dir, "full."), 0, "a run that filled the disk leaves no file");

    run_in(dir,
           " run configs/default.ini -q --set grid.dx_um=20 --set simulation.days=1 --set schedule.sessions=1 "
           "--set solver.tol=0.00001 --set solver.dt_min_s=29 --set solver.dt_initial_s=30 -o %s/f.h5",
           1, NULL);
    snprintf(path, sizeof path, "%s/f.fault.h5", dir);
    cr_assert(mh_test_exists(path), "the fault snapshot is there");
    cr_assert_eq(mh_test_count_files(dir, "f.xmf"), 0, "a faulted run leaves no XDMF file");
    cr_assert_eq(mh_test_count_files(dir, "f.h5"), 0);

    /* the XDMF file's name taken by a folder, or the output's */
    blocked_name(dir, "blocked", "xmf");
    blocked_name(dir, "taken", "h5");

    run_in(dir, RUN_2D "-o %s/a:b.h5", 2, &err);
    cr_assert(strstr(err, "cannot hold ':'"), "%s", err);
    free(err);
    cr_assert_eq(mh_test_count_files(dir, "a:b"), 0);
    remove_dir(dir);
}

/* A run killed between its two renames (the XDMF file first, then the output) never leaves an output
 * without its own XDMF file: killed after the first, there is no output (only its temporary file),
 * not even the older output of the same name that the new XDMF file would not describe; after the
 * second, both are there and valid. */
Test(xdmf, a_killed_run_never_leaves_an_output_without_its_xdmf, .timeout = 180)
{
    char *dir = mh_test_temp_dir("xdmf"), cmd[2048], path[256];
    run_in(dir, RUN_2D "--set simulation.days=1 --set output.snapshot_days=0,1 -o %s/k1.h5", 0, NULL);
    snprintf(cmd, sizeof cmd, "exec " MH_BIN RUN_2D "-o %s/k1.h5", dir);
    cr_assert(mh_test_sh_killed_after_rename(cmd, "/k1.xmf"), "the run was not killed by the shim");
    snprintf(path, sizeof path, "%s/k1.h5", dir);
    cr_assert_not(mh_test_exists(path), "an output without its own XDMF file is there (the older one)");
    cr_assert_eq(mh_test_count_files(dir, "k1.h5.tmp."), 1, "the output was written, not yet renamed");
    snprintf(cmd, sizeof cmd, "exec " MH_BIN RUN_2D "-o %s/k2.h5", dir);
    cr_assert(mh_test_sh_killed_after_rename(cmd, "/k2.h5"), "the run was not killed by the shim");
    snprintf(path, sizeof path, "%s/k2.xmf", dir);
    expect_valid(path);
    cr_assert_eq(mh_test_count_files(dir, "k2.h5.tmp."), 0);
    cr_assert_eq(mh_test_count_files(dir, "k2.xmf.tmp."), 0);
    remove_dir(dir);
}

/* export --xdmf: the same bytes as the run's file; elsewhere with a relative path; refused for a
 * fault snapshot (like a checkpoint, not a run's output) and in place of the HDF5 file. */
Test(xdmf, export_rewrites_it_anywhere_and_refuses_what_it_cannot_describe, .timeout = 120)
{
    char *dir = mh_test_temp_dir("xdmf"), cmd[2048], path[256], *err = NULL;
    run_in(dir, RUN_2D "-o %s/run.h5", 0, NULL);
    snprintf(cmd, sizeof cmd, "cp %s/run.xmf %s/first.xmf && rm %s/run.xmf", dir, dir, dir);
    cr_assert_eq(system(cmd), 0);
    run_in(dir, " info %s/run.h5 | grep -q 'run.xmf missing (microheal export .*run.h5 --xdmf writes it)'", 0, NULL);
    run_in(dir, " export %s/run.h5 --xdmf", 0, NULL);
    snprintf(cmd, sizeof cmd, "cmp %s/run.xmf %s/first.xmf", dir, dir);
    cr_assert_eq(system(cmd), 0, "export --xdmf writes what the run wrote");

    snprintf(cmd, sizeof cmd, "mkdir -p %s/views/deeper", dir);
    cr_assert_eq(system(cmd), 0);
    run_in(dir, " export %s/run.h5 --xdmf -o %s/views/deeper/run2d.xmf", 0, NULL);
    snprintf(path, sizeof path, "%s/views/deeper/run2d.xmf", dir);
    expect_valid(path);
    char *text = slurp(path);
    cr_assert(strstr(text, ">../../run.h5:/fields/damage<") != NULL, "the HDF5 file named relatively");
    free(text);
    /* a name that XML must escape */
    snprintf(cmd, sizeof cmd, "cp %s/run.h5 '%s/a&b.h5'", dir, dir);
    cr_assert_eq(system(cmd), 0);
    run_in(dir, " export '%s/a&b.h5' --xdmf", 0, NULL);
    snprintf(path, sizeof path, "%s/a&b.xmf", dir);
    expect_valid(path);
    text = slurp(path);
    cr_assert(strstr(text, ">a&amp;b.h5:/fields/damage<") != NULL);
    free(text);

    run_in(dir,
           " run configs/default.ini -q --set grid.dx_um=20 --set simulation.days=1 --set schedule.sessions=1 "
           "--set solver.tol=0.00001 --set solver.dt_min_s=29 --set solver.dt_initial_s=30 -o %s/f.h5",
           1, NULL);
    run_in(dir, " export %s/f.fault.h5 --xdmf", 1, &err);
    cr_assert(strstr(err, "fault, not a run's output"), "%s", err);
    free(err);
    cr_assert_eq(mh_test_count_files(dir, "f.fault.xmf"), 0);
    run_in(dir, " export %s/run.h5 --xdmf -o %s/run.h5", 2, &err);
    cr_assert(strstr(err, "would replace the HDF5 file"), "%s", err);
    free(err);
    snprintf(path, sizeof path, "%s/run.xmf", dir);
    expect_valid(path);
    remove_dir(dir);
}

/* Sweep points are run outputs written by the same writer: each gets its XDMF file. */
Test(xdmf, sweep_points_get_theirs, .timeout = 180)
{
    char *dir = mh_test_temp_dir("xdmf"), path[512], cwd[4096];
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    snprintf(path, sizeof path, "%s/sweep.ini", dir);
    FILE *f = fopen(path, "w");
    fprintf(f,
            "[sweep]\nbase = %s/configs/default.ini\n[axes]\ndevice.needle_length_mm = 0.5, 1.0\n[set]\n"
            "simulation.days = 1\ngrid.dx_um = 40\nschedule.sessions = 1\noutput.snapshot_days = 0, 1\n",
            cwd);
    fclose(f);
    run_in(dir, " sweep %s/sweep.ini -o %s/out -j 1 -q", 0, NULL);
    for (int p = 0; p < 2; p++) {
        snprintf(path, sizeof path, "%s/out/points/p%06d.xmf", dir, p);
        expect_valid(path);
    }
    snprintf(path, sizeof path, "%s/out/points", dir);
    cr_assert_eq(mh_test_count_files(path, ".tmp."), 0);
    remove_dir(dir);
}

/* Randomly damaged and truncated copies of an output are described or refused with a message that
 * names the file, never a crash. The writer runs in a child that leaves by _exit, as the CLI does
 * (HDF5 1.10 leaks metadata-cache entries when it refuses a damaged file: its memory, not ours). */
Test(xdmf, damaged_outputs_are_described_or_refused_without_a_crash, .timeout = 180)
{
    char *dir = mh_test_temp_dir("xdmf"), out[256], bad[256], xmf[256];
    run_in(dir, RUN_2D "-o %s/out.h5", 0, NULL);
    snprintf(out, sizeof out, "%s/out.h5", dir);
    snprintf(bad, sizeof bad, "%s/bad.h5", dir);
    snprintf(xmf, sizeof xmf, "%s/bad.xmf", dir);
    FILE *in = fopen(out, "rb");
    fseek(in, 0, SEEK_END);
    long size = ftell(in);
    fseek(in, 0, SEEK_SET);
    unsigned char *data = malloc((size_t)size), *copy = malloc((size_t)size);
    cr_assert_eq(fread(data, 1, (size_t)size, in), (size_t)size);
    fclose(in);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(r, 7);
        int refused = 0;
        for (int k = 0; k < 200; k++) {
            memcpy(copy, data, (size_t)size);
            long n = size;
            if (k % 10 == 9) /* truncated */
                n = (long)gsl_rng_uniform_int(r, (unsigned long)size);
            else
                for (int b = 0; b < 1 << (2 * (k % 4)); b++) /* 1, 4, 16 or 64 flipped bits */
                    copy[gsl_rng_uniform_int(r, (unsigned long)size)] ^=
                        (unsigned char)(1u << gsl_rng_uniform_int(r, 8));
            FILE *o = fopen(bad, "wb");
            fwrite(copy, 1, (size_t)n, o);
            fclose(o);
            remove(xmf);
            mh_ctx ctx;
            mh_ctx_init(&ctx);
            if (mh_xdmf_write(bad, NULL, &ctx) != MH_OK) {
                refused++;
                if (strstr(ctx.msg, "/bad.") == NULL || access(xmf, F_OK) == 0) {
                    fprintf(stderr, "damage %d: %s\n", k, ctx.msg);
                    _exit(2);
                }
            } else if (access(xmf, F_OK) != 0) {
                _exit(4);
            }
        }
        fprintf(stderr, "%d of 200 damaged outputs refused\n", refused);
        _exit(refused > 0 ? 0 : 3);
    }
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status), "the writer died by signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    cr_assert_eq(WEXITSTATUS(status), 0,
                 "2: a refusal without the file's name or with a file left; 3: nothing refused; 4: no file written");
    free(data);
    free(copy);
    remove_dir(dir);
}

/* ---- ParaView itself ---- */

static bool on_path(const char *prog)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", prog);
    return system(cmd) == 0;
}

/* Appends to cmd (of cap bytes) printf-style. */
static void add(char *cmd, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add(char *cmd, size_t cap, const char *fmt, ...)
{
    size_t n = strlen(cmd);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd + n, cap - n, fmt, ap);
    va_end(ap);
}

/* Opens xmf in pvpython (tests/paraview/open_xdmf.py under xvfb-run, at most 240 s each: about 5 s on an idle machine)
 * and has it check the time steps, array names, dimensions, bounds (the surface on top: the vertical axis ends at minus
 * the first centre's depth), the range of field at snapshot s and its values at three points (the
 * maximum, the middle of the surface, a bottom corner: a flipped or transposed axis moves them)
 * against the HDF5 file, and render a picture to png. */
static void paraview_check(const char *dir, const char *name, const char *field, size_t s)
{
    char h5[256], xmf[256], png[256], log[256];
    snprintf(h5, sizeof h5, "%s/%s.h5", dir, name);
    snprintf(xmf, sizeof xmf, "%s/%s.xmf", dir, name);
    snprintf(png, sizeof png, "%s/%s.png", dir, name);
    snprintf(log, sizeof log, "%s/%s.pvpython.txt", dir, name);
    h5_view v = h5_open_view(h5);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    float *u = NULL;
    int shape[3];
    double t = 0.0;
    cr_assert_eq(mh_h5_read_field(h5, field, v.t[s], &u, shape, &t, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert_eq(t, v.t[s]);
    const size_t nx = v.nx, ny = v.ny, nz = v.nz, ncell = nx * ny * nz;
    size_t qmax = 0;
    float lo = u[0], hi = u[0];
    for (size_t q = 1; q < ncell; q++) {
        lo = fminf(lo, u[q]);
        if (u[q] > hi) {
            hi = u[q];
            qmax = q;
        }
    }
    cr_assert_gt(hi, lo, "%s is uniform at day %g: a flipped axis would go unnoticed", field, t);
    size_t cap = 16384;
    char *cmd = calloc(1, cap);
    add(cmd, cap, "timeout 240 xvfb-run -a pvpython tests/paraview/open_xdmf.py %s --times ", xmf);
    for (size_t k = 0; k < v.nt; k++)
        add(cmd, cap, "%s%.17g", k ? "," : "", v.t[k]);
    add(cmd, cap, " --arrays ");
    for (int f = 0; f < v.nfield; f++)
        add(cmd, cap, "%s%s", f ? "," : "", v.field[f]);
    if (v.dims == 3)
        add(cmd, cap, " --dims %zu,%zu,%zu --bounds %.17g,%.17g,%.17g,%.17g,%.17g,%.17g", nx, ny, nz, v.x[0],
            v.x[nx - 1], v.y[0], v.y[ny - 1], -v.z[nz - 1], -v.z[0]);
    else
        add(cmd, cap, " --dims %zu,%zu,1 --bounds %.17g,%.17g,%.17g,%.17g,0,0", nx, nz, v.x[0], v.x[nx - 1],
            -v.z[nz - 1], -v.z[0]);
    add(cmd, cap, " --field %s --time %.17g --range %.17g,%.17g", field, t, (double)lo, (double)hi);
    /* cells (i, j, k) of the HDF5 dataset [k][j][i]; VTK's points are (i, j, k) in 3-D, (i, k, 0) in 2-D */
    const size_t probe[3][3] = {{qmax % nx, qmax / nx % ny, qmax / (nx * ny)}, {nx / 2, ny / 2, 0}, {0, 0, nz - 1}};
    for (int p = 0; p < 3; p++) {
        size_t i = probe[p][0], j = probe[p][1], k = probe[p][2];
        double val = (double)u[(k * ny + j) * nx + i];
        if (v.dims == 3)
            add(cmd, cap, " --value %zu,%zu,%zu,%.17g", i, j, k, val);
        else
            add(cmd, cap, " --value %zu,%zu,0,%.17g", i, k, val);
    }
    add(cmd, cap, " --screenshot %s > %s", png, log);
    char *err = NULL;
    int rc = mh_test_sh(cmd, &err);
    char *out = slurp(log);
    cr_assert_eq(rc, 0, "%s\nexit %d:\n%s\n%s", cmd, rc, out ? out : "", err);
    cr_assert(out != NULL && strstr(out, "open_xdmf: ok") != NULL, "%s", out ? out : "no output");
    struct stat st;
    cr_assert(stat(png, &st) == 0 && st.st_size > 1000, "no picture rendered");
    free(out);
    free(err);
    free(cmd);
    free(u);
    h5_view_free(&v);
}

Test(xdmf, paraview_opens_it_as_a_time_series, .timeout = 600) /* keeps its folder: the pictures (MH_TEST_KEEP) */
{
    if (!on_path("pvpython") || !on_path("xvfb-run"))
        cr_skip_test("ParaView's pvpython or xvfb-run is not installed; bash scripts/install-deps.sh --paraview "
                     "installs them (README.md, \"Open in ParaView or VisIt\")");
    char *dir = mh_test_temp_dir("xdmf");
    run_in(dir, RUN_2D "-o %s/section.h5", 0, NULL);
    run_in(dir, RUN_3D "-o %s/patch.h5", 0, NULL);
    paraview_check(dir, "section", "damage", 1);
    paraview_check(dir, "patch", "damage", 1);
    free(dir);
}
