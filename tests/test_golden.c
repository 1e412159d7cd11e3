/* test_golden: the golden outputs: each tests/golden/NAME.ini run end to end and compared with the committed
 * tests/golden/NAME.h5, every object, dataset and attribute bit for bit, in both directions
 * (papers/verification.md, "Golden outputs"; make golden regenerates the committed files). */
#include "helpers.h"

#include <hdf5.h>

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>

/* The attributes whose values are not compared, by the path of their object and their name: each must
 * still exist in both files. Nothing else is excepted. The writer (src/io/mh_h5.c, write_body) puts no
 * host name, commit, process id or run time into a run's output: the pid is in checkpoints only
 * (src/io/mh_checkpoint.c), the wall time only on stderr. */
static const struct {
    const char *object, *name, *why;
} excepted[] = {
    {"/", "created", "the UTC time at which the file was written (time(NULL), mh_h5.c)"},
    {"/", "version", "MH_VERSION (src/core/mh_version.h): a release changes it, not the results"},
};

static bool is_excepted(const char *object, const char *name)
{
    for (size_t k = 0; k < sizeof excepted / sizeof excepted[0]; k++)
        if (strcmp(excepted[k].object, object) == 0 && strcmp(excepted[k].name, name) == 0)
            return true;
    return false;
}

/* ---- the comparison of two files ---- */

/* One walk over a file's tree: every object and attribute must be in other; with full, the datasets and
 * attributes (but the excepted ones) must hold the same datatype, shape and bytes there. The walked file
 * is the committed output in the full walk, the new one in the other. */
typedef struct {
    const char *label;   /* the case's name, first in every message */
    hid_t other;         /* the file compared with */
    bool full;           /* compare the contents too (false: only that each object and attribute is in other) */
    const char *missing; /* what is said of an object or attribute that other lacks */
    int objects, differences;
    char first[2048]; /* the first difference */
} golden_walk;

static void differ(golden_walk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void differ(golden_walk *w, const char *fmt, ...)
{
    if (w->differences++ > 0)
        return;
    const int n = snprintf(w->first, sizeof w->first, "%s: ", w->label);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->first + n, sizeof w->first - (size_t)n, fmt, ap);
    va_end(ap);
}

/* A dataset or an attribute, open. */
typedef struct {
    hid_t id;
    bool attribute;
} golden_item;

static hid_t item_type(golden_item it) { return it.attribute ? H5Aget_type(it.id) : H5Dget_type(it.id); }
static hid_t item_space(golden_item it) { return it.attribute ? H5Aget_space(it.id) : H5Dget_space(it.id); }
static herr_t item_read(golden_item it, hid_t mem, void *buf)
{
    return it.attribute ? H5Aread(it.id, mem, buf) : H5Dread(it.id, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
}

static const char *class_name(H5T_class_t c)
{
    switch (c) {
    case H5T_INTEGER:
        return "integer";
    case H5T_FLOAT:
        return "float";
    case H5T_STRING:
        return "string";
    case H5T_COMPOUND:
        return "compound";
    case H5T_ENUM:
        return "enum";
    case H5T_ARRAY:
        return "array";
    case H5T_VLEN:
        return "variable-length";
    case H5T_REFERENCE:
        return "reference";
    default:
        return "other";
    }
}

static const char *object_kind(H5O_type_t t)
{
    return t == H5O_TYPE_GROUP ? "group" : t == H5O_TYPE_DATASET ? "dataset" : "named datatype or other object";
}

/* The dimensions of a dataspace as "[d0,d1,...]" ("scalar" for rank 0) into s. */
static void format_dims(int rank, const hsize_t *dims, char *s, size_t len)
{
    if (rank == 0) {
        snprintf(s, len, "scalar");
        return;
    }
    size_t n = (size_t)snprintf(s, len, "[");
    for (int r = 0; r < rank && n < len; r++)
        n += (size_t)snprintf(s + n, len - n, "%s%llu", r > 0 ? "," : "", (unsigned long long)dims[r]);
    if (n < len)
        snprintf(s + n, len - n, "]");
}

/* Element k of a dataspace of rank dims as its index "[i0,i1,...]" into s ("[0]" for a scalar). */
static void format_index(size_t k, int rank, const hsize_t *dims, char *s, size_t len)
{
    hsize_t idx[H5S_MAX_RANK] = {0};
    for (int r = rank - 1; r >= 0; r--) {
        idx[r] = k % dims[r];
        k /= dims[r];
    }
    format_dims(rank > 0 ? rank : 1, idx, s, len);
}

/* One element of native type t at p as text: the number, with its bits for a float; for a string, up to 60
 * characters from byte from on (newlines as \n); else its bytes in hex. */
static void format_element(hid_t t, const unsigned char *p, size_t from, char *s, size_t len)
{
    const size_t size = H5Tget_size(t);
    const H5T_class_t cls = H5Tget_class(t);
    if (cls == H5T_FLOAT && size == sizeof(double)) {
        double v;
        uint64_t bits;
        memcpy(&v, p, sizeof v);
        memcpy(&bits, p, sizeof bits);
        snprintf(s, len, "%.17g (0x%016" PRIx64 ")", v, bits);
    } else if (cls == H5T_FLOAT && size == sizeof(float)) {
        float v;
        uint32_t bits;
        memcpy(&v, p, sizeof v);
        memcpy(&bits, p, sizeof bits);
        snprintf(s, len, "%.9g (0x%08" PRIx32 ")", (double)v, bits);
    } else if (cls == H5T_INTEGER && (size == 1 || size == 2 || size == 4 || size == 8)) {
        uint64_t u = 0;
        memcpy(&u, p, size); /* little-endian: the low bytes */
        if (H5Tget_sign(t) == H5T_SGN_2 && size < 8 && (u >> (8 * size - 1)) != 0)
            u |= ~UINT64_C(0) << (8 * size); /* sign extension */
        if (H5Tget_sign(t) == H5T_SGN_2)
            snprintf(s, len, "%" PRId64, (int64_t)u);
        else
            snprintf(s, len, "%" PRIu64, u);
    } else if (cls == H5T_STRING) {
        size_t n = 0;
        if (len > 0)
            s[n++] = '"';
        for (size_t q = from; q < size && q < from + 60 && p[q] != '\0' && n + 4 < len; q++) {
            if (p[q] == '\n') {
                s[n++] = '\\';
                s[n++] = 'n';
            } else {
                s[n++] = (char)p[q];
            }
        }
        if (n + 1 < len)
            s[n++] = '"';
        if (len > 0)
            s[n < len ? n : len - 1] = '\0';
    } else {
        size_t n = 0;
        for (size_t q = 0; q < size && q < 16 && n + 3 < len; q++)
            n += (size_t)snprintf(s + n, len - n, "%02x", p[q]);
        if (len > 0)
            s[n < len ? n : len - 1] = '\0';
    }
}

/* Compares item a of the committed output with item b of the new one at where (an object's path, and an
 * attribute's name): datatype class and size, the native types, the shape, then the bytes read with the
 * native type, element by element. At most one difference is noted. */
static void compare_items(golden_walk *w, const char *where, golden_item a, golden_item b)
{
    hid_t ta = item_type(a), tb = item_type(b), sa = item_space(a), sb = item_space(b);
    hid_t ma = H5I_INVALID_HID, mb = H5I_INVALID_HID;
    unsigned char *ba = NULL, *bb = NULL;
    int ra = -1, rb = -1;
    hsize_t da[H5S_MAX_RANK] = {0}, db[H5S_MAX_RANK] = {0};
    char sda[128], sdb[128];
    if (ta < 0 || tb < 0 || sa < 0 || sb < 0) {
        differ(w, "%s: cannot read the datatype or dataspace", where);
    } else if (H5Tget_class(ta) != H5Tget_class(tb)) {
        differ(w, "%s: datatype class %s (committed) vs %s (new)", where, class_name(H5Tget_class(ta)),
               class_name(H5Tget_class(tb)));
    } else if (H5Tget_size(ta) != H5Tget_size(tb)) {
        differ(w, "%s: datatype size %zu (committed) vs %zu bytes (new)", where, H5Tget_size(ta), H5Tget_size(tb));
    } else if (H5Tget_class(ta) == H5T_VLEN || H5Tget_class(ta) == H5T_REFERENCE || H5Tis_variable_str(ta) > 0) {
        /* their bytes are pointers or addresses: the writer stores fixed-length types only */
        differ(w, "%s: variable-length or reference data (%s), which this comparison does not read", where,
               class_name(H5Tget_class(ta)));
    } else if ((ma = H5Tget_native_type(ta, H5T_DIR_ASCEND)) < 0 || (mb = H5Tget_native_type(tb, H5T_DIR_ASCEND)) < 0 ||
               H5Tequal(ma, mb) <= 0) {
        differ(w, "%s: the datatypes differ (sign, byte order, string padding or character set)", where);
    } else if (H5Sget_simple_extent_type(sa) != H5Sget_simple_extent_type(sb) ||
               (ra = H5Sget_simple_extent_dims(sa, da, NULL)) < 0 ||
               (rb = H5Sget_simple_extent_dims(sb, db, NULL)) < 0 || ra != rb || memcmp(da, db, sizeof da) != 0) {
        format_dims(ra, da, sda, sizeof sda);
        format_dims(rb, db, sdb, sizeof sdb);
        differ(w, "%s: shape %s (committed) vs %s (new)", where, ra < 0 ? "unreadable" : sda,
               rb < 0 ? "unreadable" : sdb);
    } else {
        const hssize_t n = H5Sget_simple_extent_npoints(sa);
        const size_t size = H5Tget_size(ma), bytes = (size_t)(n > 0 ? n : 0) * size;
        ba = malloc(bytes > 0 ? bytes : 1);
        bb = malloc(bytes > 0 ? bytes : 1);
        cr_assert(ba != NULL && bb != NULL, "out of memory for %zu bytes", bytes);
        if (n > 0 && (item_read(a, ma, ba) < 0 || item_read(b, mb, bb) < 0)) {
            differ(w, "%s: cannot read the values", where);
        } else {
            for (size_t k = 0; k < (size_t)(n > 0 ? n : 0); k++) {
                const unsigned char *pa = ba + k * size, *pb = bb + k * size;
                if (memcmp(pa, pb, size) == 0)
                    continue;
                size_t from = 0; /* a string: its first differing byte, less 20 for context */
                while (H5Tget_class(ma) == H5T_STRING && from < size && pa[from] == pb[from])
                    from++;
                char idx[128], va[512], vb[512], at[64] = "";
                if (H5Tget_class(ma) == H5T_STRING)
                    snprintf(at, sizeof at, ", byte %zu", from);
                from = from > 20 ? from - 20 : 0;
                format_index(k, ra, da, idx, sizeof idx);
                format_element(ma, pa, from, va, sizeof va);
                format_element(mb, pb, from, vb, sizeof vb);
                differ(w, "%s: element %s%s differs: %s (committed) vs %s (new)", where, idx, at, va, vb);
                break;
            }
        }
    }
    free(ba);
    free(bb);
    hid_t close_types[] = {ta, tb, ma, mb};
    for (int k = 0; k < 4; k++)
        if (close_types[k] >= 0)
            H5Tclose(close_types[k]);
    if (sa >= 0)
        H5Sclose(sa);
    if (sb >= 0)
        H5Sclose(sb);
}

/* The type of the object at path in file, H5O_TYPE_UNKNOWN when there is none (each component of the
 * path is looked up in turn, as H5Lexists needs). */
static H5O_type_t object_type(hid_t file, const char *path)
{
    if (strcmp(path, "/") == 0)
        return H5O_TYPE_GROUP;
    char part[PATH_MAX];
    snprintf(part, sizeof part, "%s", path);
    for (char *slash = strchr(part + 1, '/');; slash = strchr(slash + 1, '/')) {
        if (slash != NULL)
            *slash = '\0';
        if (H5Lexists(file, part, H5P_DEFAULT) <= 0)
            return H5O_TYPE_UNKNOWN;
        if (slash == NULL)
            break;
        *slash = '/';
    }
    H5O_info_t info;
    if (H5Oget_info_by_name2(file, path, &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
        return H5O_TYPE_UNKNOWN;
    return info.type;
}

typedef struct {
    golden_walk *w;
    const char *path; /* the object whose attributes these are */
} golden_attr_walk;

static herr_t visit_attribute(hid_t obj, const char *name, const H5A_info_t *info, void *data)
{
    (void)info;
    golden_attr_walk *aw = data;
    golden_walk *w = aw->w;
    char where[PATH_MAX + 300];
    snprintf(where, sizeof where, "%s, attribute %s", aw->path, name);
    if (H5Aexists_by_name(w->other, aw->path, name, H5P_DEFAULT) <= 0) {
        differ(w, "%s: %s", where, w->missing);
        return 0;
    }
    if (!w->full || is_excepted(aw->path, name))
        return 0;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT), b = H5Aopen_by_name(w->other, aw->path, name, H5P_DEFAULT, H5P_DEFAULT);
    compare_items(w, where, (golden_item){a, true}, (golden_item){b, true});
    if (a >= 0)
        H5Aclose(a);
    if (b >= 0)
        H5Aclose(b);
    return 0;
}

static herr_t visit_object(hid_t root, const char *name, const H5O_info_t *info, void *data)
{
    golden_walk *w = data;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "/%s", strcmp(name, ".") == 0 ? "" : name);
    w->objects++;
    const H5O_type_t there = object_type(w->other, path);
    if (there == H5O_TYPE_UNKNOWN) {
        differ(w, "%s (%s): %s", path, object_kind(info->type), w->missing);
        return 0;
    }
    if (there != info->type) {
        differ(w, "%s: a %s in one file, a %s in the other", path, object_kind(info->type), object_kind(there));
        return 0;
    }
    hid_t obj = H5Oopen(root, name, H5P_DEFAULT);
    if (obj < 0) {
        differ(w, "%s: cannot open it", path);
        return 0;
    }
    if (w->full && info->type == H5O_TYPE_DATASET) {
        hid_t b = H5Dopen2(w->other, path, H5P_DEFAULT);
        compare_items(w, path, (golden_item){obj, false}, (golden_item){b, false});
        if (b >= 0)
            H5Dclose(b);
    }
    golden_attr_walk aw = {w, path};
    if (H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, NULL, visit_attribute, &aw) < 0)
        differ(w, "%s: cannot list its attributes", path);
    H5Oclose(obj);
    return 0;
}

/* Compares the new output fresh of case label with the committed output golden: the full walk over golden,
 * then the walk over fresh for what golden lacks. Returns the number of differences (objects and
 * attributes); the first is in first (len bytes), the number of objects of golden in *objects. */
static int golden_compare(const char *label, const char *golden, const char *fresh, char *first, size_t len,
                          int *objects)
{
    hid_t g = H5Fopen(golden, H5F_ACC_RDONLY, H5P_DEFAULT), f = H5Fopen(fresh, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert(g >= 0, "%s: cannot open %s", label, golden);
    cr_assert(f >= 0, "%s: cannot open %s", label, fresh);
    golden_walk forth = {label, f, true, "in the committed output only", 0, 0, ""};
    golden_walk back = {label, g, false, "in the new output only", 0, 0, ""};
    cr_assert(H5Ovisit2(g, H5_INDEX_NAME, H5_ITER_INC, visit_object, &forth, H5O_INFO_BASIC) >= 0);
    cr_assert(H5Ovisit2(f, H5_INDEX_NAME, H5_ITER_INC, visit_object, &back, H5O_INFO_BASIC) >= 0);
    H5Fclose(g);
    H5Fclose(f);
    snprintf(first, len, "%s", forth.differences > 0 ? forth.first : back.first);
    *objects = forth.objects;
    return forth.differences + back.differences;
}

/* ---- the cases ---- */

/* Runs tests/golden/NAME.ini with threads OpenMP threads into a fresh folder, asserts that it exits 0 and
 * that its output matches tests/golden/NAME.h5. */
static void check_case(const char *name, int threads)
{
    char dir[PATH_MAX], out[PATH_MAX + 64], golden[PATH_MAX], cmd[3 * PATH_MAX], first[2048], *err = NULL;
    mh_test_mkdtemp(dir, sizeof dir, "golden");
    snprintf(out, sizeof out, "%s/%s.h5", dir, name);
    snprintf(golden, sizeof golden, "tests/golden/%s.h5", name);
    cr_assert(mh_test_exists(golden), "%s: %s is missing (make golden writes it)", name, golden);
    snprintf(cmd, sizeof cmd, "OMP_NUM_THREADS=%d " MH_BIN " run tests/golden/%s.ini -o %s -q", threads, name, out);
    const int rc = mh_test_sh(cmd, &err);
    cr_assert_eq(rc, 0, "%s (%d OpenMP thread%s): microheal run exited %d: %s", name, threads, threads == 1 ? "" : "s",
                 rc, err);
    free(err);
    int objects = 0;
    const int n = golden_compare(name, golden, out, first, sizeof first, &objects);
    cr_assert_eq(n, 0,
                 "%d difference(s) between %s and a new run (%d OpenMP thread%s); the first: %s. (When a change "
                 "of the model is meant to change the outputs: make golden, and say why in the commit.)",
                 n, golden, threads, threads == 1 ? "" : "s", first);
    cr_assert_gt(objects, 50, "%s: only %d objects in %s", name, objects, golden);
}

/* The 2-D section with two sessions and vitamin C; the same bits with one and with two threads. */
Test(golden, section_2d_vitamin_c, .timeout = 120)
{
    check_case("section_2d_vitamin_c", 1);
    check_case("section_2d_vitamin_c", 2);
}

/* The 3-D patch, zero-flux sides, hex pattern; the same bits with one and with two threads. */
Test(golden, patch_3d, .timeout = 120)
{
    check_case("patch_3d", 1);
    check_case("patch_3d", 2);
}

/* ---- the comparison finds what it must: copies of a committed output, changed through HDF5 ---- */

#define GOLDEN_3D "tests/golden/patch_3d.h5"

/* A copy of GOLDEN_3D in a fresh folder; its path into path. */
static void copy_golden(char *path, size_t len)
{
    char dir[PATH_MAX];
    mh_test_mkdtemp(dir, sizeof dir, "golden_copy");
    snprintf(path, len, "%s/copy.h5", dir);
    FILE *in = fopen(GOLDEN_3D, "rb"), *out = fopen(path, "wb");
    cr_assert(in != NULL && out != NULL, "cannot copy %s to %s", GOLDEN_3D, path);
    char buf[1 << 16];
    for (size_t n; (n = fread(buf, 1, sizeof buf, in)) > 0;)
        cr_assert_eq(fwrite(buf, 1, n, out), n);
    fclose(in);
    cr_assert_eq(fclose(out), 0);
}

/* Compares GOLDEN_3D (as the committed output) with copy, or the other way round with reversed; returns the
 * number of differences and the first in first. */
static int compare_copy(const char *copy, bool reversed, char first[2048])
{
    int objects = 0;
    return reversed ? golden_compare("copy", copy, GOLDEN_3D, first, 2048, &objects)
                    : golden_compare("copy", GOLDEN_3D, copy, first, 2048, &objects);
}

static void assert_says(const char *first, const char *want)
{
    cr_assert(strstr(first, want) != NULL, "the message lacks '%s': %s", want, first);
}

static hid_t open_rw(const char *path)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    cr_assert(f >= 0, "cannot open %s for writing", path);
    return f;
}

/* An unchanged copy matches; a dataset in one file only is a difference, in either direction. */
Test(golden, a_dataset_in_one_file_only_fails)
{
    char copy[PATH_MAX + 16], first[2048];
    copy_golden(copy, sizeof copy);
    cr_assert_eq(compare_copy(copy, false, first), 0, "an unchanged copy: %s", first);
    hid_t f = open_rw(copy);
    const hsize_t dim = 3;
    const double v[3] = {1, 2, 3};
    hid_t sp = H5Screate_simple(1, &dim, NULL);
    hid_t d = H5Dcreate2(f, "/series/extra", H5T_NATIVE_DOUBLE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert(d >= 0 && H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    H5Dclose(d);
    H5Sclose(sp);
    H5Fclose(f);
    cr_assert_eq(compare_copy(copy, false, first), 1, "%s", first);
    assert_says(first, "/series/extra (dataset): in the new output only");
    cr_assert_eq(compare_copy(copy, true, first), 1, "%s", first);
    assert_says(first, "/series/extra (dataset): in the committed output only");
}

/* An attribute in one file only is a difference, in either direction: an excepted one too. */
Test(golden, an_attribute_in_one_file_only_fails)
{
    char copy[PATH_MAX + 16], first[2048];
    copy_golden(copy, sizeof copy);
    hid_t f = open_rw(copy);
    hid_t sp = H5Screate(H5S_SCALAR), g = H5Gopen2(f, "/grid", H5P_DEFAULT);
    hid_t a = H5Acreate2(g, "extra", H5T_NATIVE_DOUBLE, sp, H5P_DEFAULT, H5P_DEFAULT);
    const double v = 1.0;
    cr_assert(a >= 0 && H5Awrite(a, H5T_NATIVE_DOUBLE, &v) >= 0);
    H5Aclose(a);
    H5Gclose(g);
    H5Sclose(sp);
    H5Fclose(f);
    cr_assert_eq(compare_copy(copy, false, first), 1, "%s", first);
    assert_says(first, "/grid, attribute extra: in the new output only");
    cr_assert_eq(compare_copy(copy, true, first), 1, "%s", first);
    assert_says(first, "/grid, attribute extra: in the committed output only");

    copy_golden(copy, sizeof copy);
    f = open_rw(copy);
    cr_assert(H5Adelete_by_name(f, "/", "created", H5P_DEFAULT) >= 0);
    H5Fclose(f);
    cr_assert_eq(compare_copy(copy, false, first), 1, "%s", first);
    assert_says(first, "/, attribute created: in the committed output only");
}

/* Rewrites element k of the float32 or float64 dataset path of file f, one unit in the last place up. */
static void nudge(hid_t f, const char *path, size_t k)
{
    hid_t d = H5Dopen2(f, path, H5P_DEFAULT), sp = H5Dget_space(d), t = H5Dget_type(d);
    cr_assert(d >= 0 && sp >= 0 && t >= 0, "%s", path);
    const size_t n = (size_t)H5Sget_simple_extent_npoints(sp), size = H5Tget_size(t);
    cr_assert_lt(k, n);
    hid_t mem = size == 4 ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE;
    unsigned char *buf = malloc(n * size);
    cr_assert(buf != NULL && H5Dread(d, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
    if (size == 4) {
        float *x = (float *)buf;
        x[k] = nextafterf(x[k], INFINITY);
    } else {
        double *x = (double *)buf;
        x[k] = nextafter(x[k], INFINITY);
    }
    cr_assert(H5Dwrite(d, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
    free(buf);
    H5Tclose(t);
    H5Sclose(sp);
    H5Dclose(d);
}

/* Replaces the string attribute name of the object path of f with value (same length or not), a fixed-length,
 * NUL-terminated string in cset (the writer's: H5T_CSET_UTF8). */
static void set_string_attr(hid_t f, const char *path, const char *name, const char *value, H5T_cset_t cset)
{
    cr_assert(H5Adelete_by_name(f, path, name, H5P_DEFAULT) >= 0);
    hid_t t = H5Tcopy(H5T_C_S1), sp = H5Screate(H5S_SCALAR), obj = H5Oopen(f, path, H5P_DEFAULT);
    H5Tset_size(t, strlen(value) + 1);
    H5Tset_strpad(t, H5T_STR_NULLTERM);
    H5Tset_cset(t, cset);
    hid_t a = H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert(a >= 0 && H5Awrite(a, t, value) >= 0);
    H5Aclose(a);
    H5Oclose(obj);
    H5Sclose(sp);
    H5Tclose(t);
}

/* One unit in the last place of one element is found, with its index and both values; so are a changed
 * string attribute, its length and its character set; the excepted attributes' values are not compared. */
Test(golden, the_first_differing_element_is_named)
{
    char copy[PATH_MAX + 16], first[2048];
    copy_golden(copy, sizeof copy);
    hid_t f = open_rw(copy);
    /* /fields/damage is [2, 26, 10, 10]: element [1,5,2,3] is ((1 * 26 + 5) * 10 + 2) * 10 + 3 */
    nudge(f, "/fields/damage", ((1 * 26 + 5) * 10 + 2) * 10 + 3);
    H5Fclose(f);
    cr_assert_eq(compare_copy(copy, false, first), 1, "%s", first);
    assert_says(first, "copy: /fields/damage: element [1,5,2,3] differs: ");
    assert_says(first, "(committed) vs ");

    copy_golden(copy, sizeof copy);
    f = open_rw(copy);
    nudge(f, "/series/bleeding", 17);
    nudge(f, "/series/bleeding", 40);
    H5Fclose(f);
    cr_assert_eq(compare_copy(copy, false, first), 1, "%s", first);
    assert_says(first, "/series/bleeding: element [17] differs");

    copy_golden(copy, sizeof copy);
    f = open_rw(copy);
    set_string_attr(f, "/grid", "lateral_bc", "periodic", H5T_CSET_UTF8); /* the committed one is "zeroflux", as long */
    H5Fclose(f);
    cr_assert_eq(compare_copy(copy, false, first), 1, "%s", first);
    assert_says(first, "/grid, attribute lateral_bc: element [0], byte 0 differs: \"zeroflux\" (committed) vs "
                       "\"periodic\" (new)");

    copy_golden(copy, sizeof copy);
    f = open_rw(copy);
    set_string_attr(f, "/grid", "lateral_bc", "zero flux", H5T_CSET_UTF8);
    H5Fclose(f);
    cr_assert_eq(compare_copy(copy, false, first), 1, "%s", first);
    assert_says(first, "/grid, attribute lateral_bc: datatype size 9 (committed) vs 10 bytes (new)");

    copy_golden(copy, sizeof copy);
    f = open_rw(copy);
    set_string_attr(f, "/grid", "lateral_bc", "zeroflux", H5T_CSET_ASCII); /* the same bytes, another charset */
    H5Fclose(f);
    cr_assert_eq(compare_copy(copy, false, first), 1, "%s", first);
    assert_says(first, "/grid, attribute lateral_bc: the datatypes differ");

    copy_golden(copy, sizeof copy);
    f = open_rw(copy);
    for (size_t k = 0; k < sizeof excepted / sizeof excepted[0]; k++)
        set_string_attr(f, excepted[k].object, excepted[k].name, "another value", H5T_CSET_UTF8);
    H5Fclose(f);
    cr_assert_eq(compare_copy(copy, false, first), 0, "the excepted attributes: %s", first);
}
