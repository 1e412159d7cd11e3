/* test_crafted_h5: info, export, plot and --resume on crafted HDF5 files and on inputs that are not
 * regular files (papers/reliability.md, "Crafted HDF5"). Each file is a real output (or checkpoint) of a
 * tiny run with one dataset replaced through the HDF5 API: columns of different lengths, a vector that
 * declares 2^28 values in a file of a few hundred kB, a field that disagrees with /grid, data kept in
 * another file; and a FIFO or /dev/zero in place of the file. Each must be refused at once (every
 * command runs under `timeout 20`) with exit 1 (2 for what is not a file), a message naming the file
 * and the dataset, no crash, and no allocation of what the file merely declares: the commands run with
 * 1 GiB of address space (ulimit -v; under AddressSanitizer, whose shadow memory needs more, with
 * allocations over 1 GiB failing instead). */
#include "helpers.h"

#include "mh_checkpoint.h"
#include "mh_h5.h"
#include "mh_sweep_io.h"

#include <hdf5.h>

#include <sys/resource.h>
#include <sys/stat.h>

/* 2^28: a vector of doubles that would take 2 GiB */
#define HUGE_N ((hsize_t)1 << 28)

/* A tiny run with 3 punctures, 2 snapshots and one session, in 2-D or 3-D. */
#define TINY_2D                                                                                                        \
    " run configs/default.ini -q --set grid.dx_um=40 --set simulation.days=0.5 --set schedule.sessions=1 "             \
    "--set output.snapshot_days=0,0.5 "
#define TINY_3D                                                                                                        \
    " run configs/default.ini -q --set simulation.dims=3 --set grid.dx_um=100 --set grid.width_mm=0.6 "                \
    "--set grid.length_mm=0.6 --set simulation.days=0.25 --set schedule.sessions=1 --set output.snapshot_days=0 "      \
    "--set device.density_per_cm2=278 "

/* The shell prefix that caps what a command may allocate: ulimit -v 1 GiB, or, for a sanitizer build
 * (which cannot start under it), AddressSanitizer's own cap on one allocation. */
static const char *memory_cap(void)
{
    static char prefix[256];
    if (prefix[0] == '\0') {
        /* (a sanitizer's failure to start goes to stderr, not to a report file of make check-asan) */
        const bool ulimit_works =
            mh_test_sh("ulimit -v 1048576 && ASAN_OPTIONS=\"$ASAN_OPTIONS:log_path=stderr\" " MH_BIN
                       " --version >/dev/null",
                       NULL) == 0;
        snprintf(prefix, sizeof prefix, "%s",
                 ulimit_works
                     ? "ulimit -v 1048576 &&"
                     : "ASAN_OPTIONS=\"$ASAN_OPTIONS:allocator_may_return_null=1:max_allocation_size_mb=1024\"");
    }
    return prefix;
}

/* Runs `microheal ARGS` (ARGS holds the file's path) under the memory cap and `timeout 20`: it must exit
 * with rc and name every non-NULL want on stderr. */
static void refused(const char *args, int rc, const char *want1, const char *want2)
{
    char cmd[2048], *err = NULL;
    snprintf(cmd, sizeof cmd, "%s timeout 20 " MH_BIN " %s >/dev/null", memory_cap(), args);
    const int got = mh_test_sh(cmd, &err);
    cr_assert_eq(got, rc, "%s: exit %d, not %d (124: it hung): %s", cmd, got, rc, err);
    cr_assert(want1 == NULL || strstr(err, want1) != NULL, "%s: stderr lacks '%s': %s", cmd, want1, err);
    cr_assert(want2 == NULL || strstr(err, want2) != NULL, "%s: stderr lacks '%s': %s", cmd, want2, err);
    cr_assert(strstr(err, "out of memory") == NULL, "%s: %s", cmd, err);
    free(err);
}

/* What reads an output: info and every export; {} stands for the file. */
static const char *const readers[] = {"info {}",
                                      "export {} --series",
                                      "export {} --sessions",
                                      "export {} --punctures",
                                      "export {} --summary",
                                      "export {} --field blood --day 0.5",
                                      "export {} --profile blood --day 0.5",
                                      "export {} --xdmf -o {}.xmf",
                                      "export {} --radial blood --day 0.5"};
#define NREADERS ((int)(sizeof readers / sizeof readers[0]))

/* readers[k] with the file's path for {}. */
static void reader_args(int k, const char *path, char *out, size_t len)
{
    size_t n = 0;
    for (const char *p = readers[k]; *p != '\0' && n + 1 < len;)
        if (strncmp(p, "{}", 2) == 0) {
            n += (size_t)snprintf(out + n, len - n, "%s", path);
            p += 2;
        } else {
            out[n++] = *p++;
        }
    out[n < len ? n : len - 1] = '\0';
}

/* Every reader of readers[] whose mask bit is set refuses path with exit 1, naming it and dataset. */
static void readers_refuse(const char *path, unsigned mask, const char *dataset)
{
    for (int k = 0; k < NREADERS; k++)
        if (mask & (1u << k)) {
            char args[1024];
            reader_args(k, path, args, sizeof args);
            refused(args, 1, path, dataset);
        }
}
#define ALL_READERS ((1u << NREADERS) - 1)
#define R_INFO (1u << 0)
#define R_SERIES (1u << 1)
#define R_SESSIONS (1u << 2)
#define R_PUNCTURES (1u << 3)
#define R_SUMMARY (1u << 4)
#define R_FIELD (1u << 5)
#define R_PROFILE (1u << 6)
#define R_XDMF (1u << 7)
#define R_RADIAL (1u << 8)

/* A fresh folder with a tiny run's output (TINY_2D or TINY_3D) at DIR/out.h5; its path in out. */
static char *tiny_output(const char *run, char out[512])
{
    char *dir = mh_test_temp_dir("crafted"), cmd[1024], *err = NULL;
    snprintf(out, 512, "%s/out.h5", dir);
    snprintf(cmd, sizeof cmd, MH_BIN "%s-o %s", run, out);
    cr_assert_eq(mh_test_sh(cmd, &err), 0, "%s: %s", cmd, err);
    free(err);
    return dir;
}

/* Copies the file from to the path to. */
static void copy(const char *from, const char *to)
{
    char cmd[1100];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", from, to);
    cr_assert_eq(mh_test_sh(cmd, NULL), 0);
}

/* Opens path for writing (HDF5 quiet) and removes dataset name from it, if there. */
static hid_t open_without(const char *path, const char *name)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    cr_assert(f >= 0, "cannot open %s", path);
    if (H5Lexists(f, name, H5P_DEFAULT) > 0)
        cr_assert(H5Ldelete(f, name, H5P_DEFAULT) >= 0);
    return f;
}

/* Creates dataset name of rank dims in f, of file type type, chunked (chunks of chunk[] or the whole
 * extent), holding value everywhere when write, else nothing (its chunks never written: a file of a
 * few hundred kB can declare any extent so). */
static void create(hid_t f, const char *name, hid_t type, int rank, const hsize_t *dims, const hsize_t *chunk,
                   bool write, double value)
{
    hid_t sp = H5Screate_simple(rank, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hsize_t c[4], n = 1;
    for (int r = 0; r < rank; r++) {
        c[r] = chunk != NULL ? chunk[r] : dims[r] > 0 ? dims[r] : 1;
        n *= dims[r];
    }
    cr_assert(H5Pset_chunk(dcpl, rank, c) >= 0);
    hid_t d = H5Dcreate2(f, name, type, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    cr_assert(d >= 0, "cannot create %s", name);
    if (write && n > 0) {
        cr_assert(n < 1000000);
        double *v = malloc(n * sizeof *v);
        for (hsize_t i = 0; i < n; i++)
            v[i] = value;
        cr_assert(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
        free(v);
    }
    H5Dclose(d);
    H5Pclose(dcpl);
    H5Sclose(sp);
}

/* Replaces 1-D dataset name of the file path with n values (each value, of type double) when write,
 * else with an extent of n and no data. */
static void put_vector(const char *path, const char *name, hsize_t n, bool write, double value)
{
    hid_t f = open_without(path, name);
    const hsize_t chunk = n < 4096 ? (n > 0 ? n : 1) : 4096;
    create(f, name, H5T_NATIVE_DOUBLE, 1, &n, &chunk, write, value);
    H5Fclose(f);
}

/* The length of 1-D dataset name of path. */
static hsize_t length_of(const char *path, const char *name)
{
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT), d = H5Dopen2(f, name, H5P_DEFAULT), sp = H5Dget_space(d);
    hsize_t n = 0;
    cr_assert_eq(H5Sget_simple_extent_dims(sp, &n, NULL), 1, "%s of %s", name, path);
    H5Sclose(sp);
    H5Dclose(d);
    H5Fclose(f);
    return n;
}

/* A copy of out at DIR/bad.h5 (its path in bad) whose dataset name has the length of the original plus
 * delta, filled with value. */
static void lengthened(const char *out, const char *name, long delta, double value, char bad[512])
{
    snprintf(bad, 512, "%.500s", out);
    char *slash = strrchr(bad, '/');
    snprintf(slash + 1, 16, "bad.h5");
    copy(out, bad);
    const hsize_t n = length_of(out, name);
    cr_assert((long)n + delta >= 0);
    put_vector(bad, name, (hsize_t)((long)n + delta), true, value);
}

/* Each of names[0..n) of a copy of out, longer by 100000 values and then shorter by one, is refused by
 * the readers of mask, naming it. */
static void longer_and_shorter_refused(const char *out, const char *const *names, size_t n, unsigned mask)
{
    char bad[512];
    for (size_t c = 0; c < n; c++) {
        lengthened(out, names[c], 100000, 1.0, bad);
        readers_refuse(bad, mask, names[c]);
        lengthened(out, names[c], -1, 1.0, bad);
        readers_refuse(bad, mask, names[c]);
    }
}

/* The punctures' columns of different lengths: the tables index every column by one length; the old
 * code read past the shorter ones (heap contents printed, exit 139). */
Test(crafted_h5, puncture_columns_of_different_lengths_are_refused, .timeout = 120)
{
    char out[512], bad[512];
    char *dir = tiny_output(TINY_2D, out);
    cr_assert_geq(length_of(out, "/punctures/x_mm"), 2, "the run made too few punctures to test with");
    const char *const cols[] = {"/punctures/y_mm", "/punctures/radius_mm", "/punctures/session"};
    longer_and_shorter_refused(out, cols, 3, R_INFO | R_PUNCTURES | R_RADIAL);
    /* a session that is no session number (printed as an int) */
    lengthened(out, "/punctures/session", 0, NAN, bad);
    readers_refuse(bad, R_INFO | R_PUNCTURES | R_RADIAL, "/punctures/session");
    lengthened(out, "/punctures/session", 0, 1e300, bad);
    readers_refuse(bad, R_INFO | R_PUNCTURES | R_RADIAL, "/punctures/session");
    /* a session number beyond the run's one session (--radial looks its day up) */
    lengthened(out, "/punctures/session", 0, 2.0, bad);
    readers_refuse(bad, R_RADIAL, "/punctures/session");
    /* a track that is nowhere (--radial measures distances from it) */
    lengthened(out, "/punctures/x_mm", 0, NAN, bad);
    readers_refuse(bad, R_RADIAL, "/punctures/x_mm");
    free(dir);
}

/* Per-session summary fields of different lengths (the old code printed past the shorter ones), and gain
 * vectors that do not fit /summary/gain_days. */
Test(crafted_h5, summary_fields_of_different_lengths_are_refused, .timeout = 120)
{
    char out[512], bad[512];
    char *dir = tiny_output(TINY_2D, out);
    const char *const cols[] = {"/summary/closure_hours", "/summary/infection_index", "/summary/dermis/collagen_total"};
    longer_and_shorter_refused(out, cols, 3, R_INFO | R_SUMMARY);
    lengthened(out, "/summary/gain_days", -2, 1.0, bad);
    readers_refuse(bad, R_INFO | R_SUMMARY, "/summary/gain_days");
    free(dir);
}

/* A series column shorter or longer than /series/t_days: export --series refused it already; info,
 * which reported the series' length, now checks it too. */
Test(crafted_h5, series_columns_of_different_lengths_are_refused, .timeout = 120)
{
    char out[512];
    char *dir = tiny_output(TINY_2D, out);
    const char *const cols[] = {"/series/erythema", "/series/dermis/elastin"};
    longer_and_shorter_refused(out, cols, 2, R_INFO | R_SERIES);
    free(dir);
}

/* A vector that declares 2^28 doubles (2 GiB) and stores none, in a file of a few hundred kB: refused by
 * every reader that reads it before anything of that size is allocated. */
Test(crafted_h5, vectors_that_declare_more_than_the_file_holds_are_refused, .timeout = 240)
{
    char out[512], bad[600];
    char *dir = tiny_output(TINY_2D, out);
    snprintf(bad, sizeof bad, "%s/bad.h5", dir);
    static const struct {
        const char *name;
        unsigned readers;
    } cases[] = {
        {"/series/t_days", R_INFO | R_SERIES},
        {"/series/bleeding", R_INFO | R_SERIES},
        {"/punctures/x_mm", R_INFO | R_PUNCTURES | R_RADIAL},
        {"/punctures/session", R_INFO | R_PUNCTURES | R_RADIAL},
        {"/summary/session_days", R_INFO | R_SESSIONS | R_SUMMARY | R_RADIAL},
        {"/summary/gain_days", R_INFO | R_SUMMARY},
        {"/grid/x_mm", R_INFO | R_FIELD | R_XDMF | R_RADIAL},
        {"/grid/z_mm", ALL_READERS & ~(R_SERIES | R_SESSIONS | R_PUNCTURES | R_SUMMARY)},
        {"/grid/layer", R_PROFILE | R_RADIAL},
        {"/fields/t_days", R_INFO | R_FIELD | R_PROFILE | R_XDMF | R_RADIAL},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        copy(out, bad);
        put_vector(bad, cases[c].name, HUGE_N, false, 0.0);
        struct stat st;
        cr_assert_eq(stat(bad, &st), 0);
        cr_assert_lt(st.st_size, 4 << 20, "the crafted file has %lld bytes", (long long)st.st_size);
        readers_refuse(bad, cases[c].readers, cases[c].name);
    }
    free(dir);
}

/* A vector that declares fewer values than the file's size could hold but stores none of them (its
 * chunks never written, read back as fill values): refused too, since microheal writes every value (a
 * file of 372 kB made export --sessions print 10000 sessions of day 0). */
Test(crafted_h5, vectors_that_store_less_than_they_declare_are_refused, .timeout = 120)
{
    char out[512], bad[600];
    char *dir = tiny_output(TINY_2D, out);
    snprintf(bad, sizeof bad, "%s/bad.h5", dir);
    copy(out, bad);
    put_vector(bad, "/summary/session_days", 10000, false, 0.0);
    readers_refuse(bad, R_INFO | R_SESSIONS | R_SUMMARY | R_RADIAL, "/summary/session_days");
    free(dir);
}

/* Writes field name of path anew with the given shape (snapshots first), float32, shuffle + deflate as
 * microheal writes it, holding 1.0 when write, else declared only. */
static void put_field(const char *path, const char *name, int rank, const hsize_t *dims, bool write)
{
    hid_t f = open_without(path, name);
    hid_t sp = H5Screate_simple(rank, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hsize_t chunk[4] = {1, 1, 1, 1}, n = 1;
    for (int r = 0; r < rank; r++) {
        chunk[r] = r == 0 ? 1 : dims[r] < 4096 ? dims[r] : 4096;
        n *= dims[r];
    }
    H5Pset_chunk(dcpl, rank, chunk);
    H5Pset_shuffle(dcpl);
    H5Pset_deflate(dcpl, 4);
    hid_t d = H5Dcreate2(f, name, H5T_NATIVE_FLOAT, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    cr_assert(d >= 0, "cannot create %s", name);
    if (write) {
        cr_assert(n < 10000000);
        float *v = malloc(n * sizeof *v);
        for (hsize_t i = 0; i < n; i++)
            v[i] = 1.0f;
        cr_assert(H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
        free(v);
    }
    H5Dclose(d);
    H5Pclose(dcpl);
    H5Sclose(sp);
    H5Fclose(f);
}

/* The shape of dataset name of path (rank returned). */
static int shape_of(const char *path, const char *name, hsize_t dims[4])
{
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT), d = H5Dopen2(f, name, H5P_DEFAULT), sp = H5Dget_space(d);
    int rank = H5Sget_simple_extent_dims(sp, dims, NULL);
    H5Sclose(sp);
    H5Dclose(d);
    H5Fclose(f);
    cr_assert(rank >= 1 && rank <= 4);
    return rank;
}

/* A field whose shape disagrees with /grid, with /fields/t_days or with the run's dims, or that declares
 * far more cells than its file could hold even deflated: refused naming the field. */
Test(crafted_h5, fields_that_disagree_with_the_grid_are_refused, .timeout = 240)
{
    char out[512], bad[600];
    char *dir = tiny_output(TINY_2D, out);
    snprintf(bad, sizeof bad, "%s/bad.h5", dir);
    hsize_t dims[4];
    const int rank = shape_of(out, "/fields/blood", dims);
    cr_assert_eq(rank, 3);
    const unsigned field_readers = R_INFO | R_FIELD | R_PROFILE | R_XDMF | R_RADIAL;
    for (int axis = 0; axis < 3; axis++) { /* one more snapshot, depth cell or lateral cell */
        hsize_t d[4] = {dims[0], dims[1], dims[2]};
        d[axis] += 1;
        copy(out, bad);
        put_field(bad, "/fields/blood", 3, d, true);
        readers_refuse(bad, field_readers, "/fields/blood");
    }
    hsize_t d4[4] = {dims[0], dims[1], 1, dims[2]}; /* rank 4 in a 2-D run */
    copy(out, bad);
    put_field(bad, "/fields/blood", 4, d4, true);
    readers_refuse(bad, field_readers, "/fields/blood");
    /* 14 x 2^24 cells per snapshot (940 MB of floats) in a file of a few hundred kB: more than deflate
     * can expand it to */
    hsize_t wide[3] = {dims[0], dims[1], (hsize_t)1 << 24};
    copy(out, bad);
    put_field(bad, "/fields/blood", 3, wide, false);
    readers_refuse(bad, R_FIELD | R_XDMF | R_INFO | R_RADIAL, "/fields/blood");
    /* /grid/layer holding what is no layer id (printed as an int by --profile) */
    copy(out, bad);
    hid_t f = open_without(bad, "/grid/layer");
    hsize_t nz = dims[1];
    create(f, "/grid/layer", H5T_NATIVE_DOUBLE, 1, &nz, NULL, true, NAN);
    H5Fclose(f);
    readers_refuse(bad, R_PROFILE | R_RADIAL, "/grid/layer");
    free(dir);

    /* 3-D: /grid/y_mm of another length than the fields' y extent */
    dir = tiny_output(TINY_3D, out);
    snprintf(bad, sizeof bad, "%s/bad.h5", dir);
    lengthened(out, "/grid/y_mm", 1, 0.1, bad);
    readers_refuse(bad, R_INFO | R_FIELD | R_RADIAL, "/grid/y_mm");
    char args[1200];
    snprintf(args, sizeof args, "export %s --field blood --day 0 --y-mm 0.2", bad); /* the plane y = 0.2 mm */
    refused(args, 1, bad, "/grid/y_mm");
    /* the spacing of a crafted /grid/x_mm (all 0), which --y-mm divided by */
    copy(out, bad);
    put_vector(bad, "/grid/x_mm", length_of(out, "/grid/x_mm"), true, 0.0);
    snprintf(args, sizeof args, "export %s --field blood --day 0 --y-mm 0.2", bad);
    refused(args, 1, bad, "/grid/x_mm");
    free(dir);
}

/* Creates dataset name (and the groups above it) of n doubles in f, its data kept in the file other: as
 * external raw storage, or, when is_virtual, as a virtual dataset mapping other's /series/t_days. */
static void create_elsewhere(hid_t f, const char *name, hsize_t n, const char *other, bool is_virtual)
{
    hid_t sp = H5Screate_simple(1, &n, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE), lcpl = H5Pcreate(H5P_LINK_CREATE);
    cr_assert(is_virtual ? H5Pset_virtual(dcpl, sp, other, "/series/t_days", sp) >= 0
                         : H5Pset_external(dcpl, other, 0, n * 8) >= 0);
    H5Pset_create_intermediate_group(lcpl, 1);
    hid_t d = H5Dcreate2(f, name, H5T_NATIVE_DOUBLE, sp, lcpl, dcpl, H5P_DEFAULT);
    cr_assert(d >= 0, "cannot create %s", name);
    H5Dclose(d);
    H5Pclose(lcpl);
    H5Pclose(dcpl);
    H5Sclose(sp);
}

/* What makes HDF5 open another file while it reads this one: /series/t_days kept in an external raw
 * file, or a virtual dataset mapping another file, or /series an external link. Each pointed at a FIFO,
 * which hung info and export; pointed at a file the user may read, its bytes were printed as the series
 * (a crafted output given to root discloses any file). */
Test(crafted_h5, datasets_kept_in_other_files_are_refused, .timeout = 240)
{
    char out[512], bad[600], fifo[600], secret[600];
    char *dir = tiny_output(TINY_2D, out);
    snprintf(bad, sizeof bad, "%s/bad.h5", dir);
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    snprintf(secret, sizeof secret, "%s/secret.txt", dir);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    FILE *s = fopen(secret, "w");
    for (int k = 0; k < 100; k++)
        fputs("password=hunter2 ", s);
    fclose(s);
    const hsize_t n = length_of(out, "/series/t_days");
    for (int target = 0; target < 2; target++) {
        const char *other = target == 0 ? fifo : secret;
        for (int how = 0; how < 3; how++) {
            copy(out, bad);
            hid_t f = open_without(bad, how == 2 ? "/series" : "/series/t_days");
            if (how == 2)
                cr_assert(H5Lcreate_external(other, "/series", f, "/series", H5P_DEFAULT, H5P_DEFAULT) >= 0);
            else
                create_elsewhere(f, "/series/t_days", n, other, how == 1);
            H5Fclose(f);
            readers_refuse(bad, R_INFO | R_SERIES, "/series/t_days");
        }
    }
    free(dir);
}

/* The configuration of TINY_2D, as --set assignments. */
static const char *const tiny_sets[] = {"grid.dx_um=40", "simulation.days=0.5", "schedule.sessions=1",
                                        "output.snapshot_days=0,0.5", NULL};

/* A checkpoint of TINY_2D -o DIR/run.h5 at its end, at DIR/run.ckpt.h5 (path in ckpt): what the tests
 * below craft is refused before a checkpoint's state is compared with the run's. */
static void tiny_checkpoint(const char *dir, char ckpt[512])
{
    mh_config *cfg = mh_test_config(tiny_sets);
    char out[512];
    snprintf(out, sizeof out, "%s/run.h5", dir);
    snprintf(ckpt, 512, "%s/run.ckpt.h5", dir);
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    mh_sim *sim = mh_test_run(cfg);
    mh_h5_writer *w = NULL;
    cr_assert_eq(mh_h5_writer_open(out, &ctx, &w), MH_OK, "%s", ctx.msg);
    cr_assert_eq(mh_checkpoint_write(ckpt, sim, mh_config_text(cfg), w, &ctx), MH_OK, "%s", ctx.msg);
    mh_h5_writer_abort(&w);
    mh_sim_destroy(&sim);
    mh_config_destroy(&cfg);
}

/* A checkpoint whose /state/punctures or /state/series claims 2^28 rows (11 GB and 128 GB; the old code
 * allocated whatever was under 2^40 rows): --resume refuses it naming the dataset, and so does one
 * whose snapshots are kept in another file. */
Test(crafted_h5, checkpoints_that_claim_huge_counts_are_refused, .timeout = 240)
{
    char *dir = mh_test_temp_dir("crafted"), ckpt[512], good[600], args[1500];
    tiny_checkpoint(dir, ckpt);
    snprintf(good, sizeof good, "%s/good.h5", dir);
    copy(ckpt, good);
    snprintf(args, sizeof args, TINY_2D "-o %s/run.h5 --resume", dir);
    for (int which = 0; which < 3; which++) {
        copy(good, ckpt);
        hid_t f = open_without(ckpt, which == 0 ? "/state/punctures" : "/state/series");
        if (which == 0) {
            hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(mh_puncture));
            H5Tinsert(t, "x_mm", HOFFSET(mh_puncture, x_mm), H5T_NATIVE_DOUBLE);
            H5Tinsert(t, "session", HOFFSET(mh_puncture, session), H5T_NATIVE_INT);
            const hsize_t n = HUGE_N, chunk = 1024;
            create(f, "/state/punctures", t, 1, &n, &chunk, false, 0.0);
            H5Tclose(t);
        } else if (which == 1) {
            const hsize_t n[2] = {HUGE_N, MH_OBS_COUNT}, chunk[2] = {64, MH_OBS_COUNT};
            create(f, "/state/series", H5T_NATIVE_DOUBLE, 2, n, chunk, false, 0.0);
        } else { /* 2^39 rows of 2^25 values: 2^64 values, which HDF5's count of points wraps to 0 */
            const hsize_t n[2] = {(hsize_t)1 << 39, (hsize_t)1 << 25}, chunk[2] = {1, 1024};
            create(f, "/state/series", H5T_NATIVE_DOUBLE, 2, n, chunk, false, 0.0);
        }
        H5Fclose(f);
        refused(args + 1, 1, ckpt, which == 0 ? "/state/punctures" : "/state/series");
        char out[600];
        snprintf(out, sizeof out, "%s/run.h5", dir);
        cr_assert(!mh_test_exists(out));
    }
    /* the snapshots it would hand on to the output kept in another file */
    copy(good, ckpt);
    hid_t f = open_without(ckpt, "/fields/t_days");
    create_elsewhere(f, "/fields/t_days", 2, "/dev/zero", false);
    H5Fclose(f);
    refused(args + 1, 1, ckpt, "/fields/t_days");
    free(dir);
}

/* A FIFO and /dev/zero (directly, or through a symbolic link with an .h5 name) given to info, each export
 * and plot, and as the checkpoint of --resume: refused at once, exit 2, naming the path and what it is.
 * They hung before (a FIFO: fopen, then HDF5's open, waited for a writer). */
Test(crafted_h5, fifos_and_devices_are_refused_at_once, .timeout = 240)
{
    char *dir = mh_test_temp_dir("crafted"), fifo[600], link[600], args[1500];
    snprintf(fifo, sizeof fifo, "%s/fifo.h5", dir);
    snprintf(link, sizeof link, "%s/zero.h5", dir);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    cr_assert_eq(symlink("/dev/zero", link), 0);
    const char *const inputs[][2] = {{fifo, "FIFO"}, {"/dev/zero", "character device"}, {link, "character device"}};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        for (int k = 0; k < NREADERS; k++) {
            reader_args(k, inputs[i][0], args, sizeof args);
            if (strstr(args, "--xdmf") != NULL) /* beside /dev/zero: into the test's folder */
                snprintf(args, sizeof args, "export %s --xdmf -o %s/x.xmf", inputs[i][0], dir);
            refused(args, 2, inputs[i][0], inputs[i][1]);
        }
        if (mh_test_sh("command -v gnuplot >/dev/null", NULL) == 0) {
            snprintf(args, sizeof args, "plot %s -o %s/plots", inputs[i][0], dir);
            refused(args, 2, inputs[i][0], inputs[i][1]);
        }
    }
    /* --resume: the checkpoint DIR/run.ckpt.h5 is a FIFO, then a link to /dev/zero */
    char ckpt[600];
    snprintf(ckpt, sizeof ckpt, "%s/run.ckpt.h5", dir);
    snprintf(args, sizeof args, TINY_2D "-o %s/run.h5 --resume", dir);
    cr_assert_eq(mkfifo(ckpt, 0600), 0);
    refused(args + 1, 2, ckpt, "FIFO");
    cr_assert_eq(unlink(ckpt), 0);
    cr_assert_eq(symlink("/dev/zero", ckpt), 0);
    refused(args + 1, 2, ckpt, "character device");
    free(dir);
}

/* A sweep's point output whose /summary/closure_hours declares 2^28 values, its chunks never written: not
 * complete, and decided without allocating them (the sweep read each summary dataset whole: 2 GiB, which
 * HDF5 then filled, and took the point as complete). */
Test(crafted_h5, sweep_points_that_declare_huge_summaries_are_not_complete, .timeout = 120)
{
    char *dir = mh_test_temp_dir("crafted"), cmd[1200], *err = NULL, why[1024];
    snprintf(cmd, sizeof cmd, "%s/points", dir);
    cr_assert_eq(mkdir(cmd, 0700), 0);
    char *path = mh_sweep_point_path(dir, 0, "h5");
    snprintf(cmd, sizeof cmd, MH_BIN TINY_2D "-o %s", path);
    cr_assert_eq(mh_test_sh(cmd, &err), 0, "%s", err);
    free(err);
    char *config = NULL;
    mh_ctx ctx;
    mh_ctx_init(&ctx);
    cr_assert_eq(mh_h5_read_root_string(path, "config", &config, &ctx), MH_OK, "%s", ctx.msg);
    cr_assert(mh_sweep_point_complete(dir, 0, config, NULL, why, sizeof why), "the genuine point: %s", why);
    put_vector(path, "/summary/closure_hours", HUGE_N, false, 0.0);
    fflush(NULL);
    const pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0)
        _exit(mh_sweep_point_complete(dir, 0, config, NULL, why, sizeof why) ? 1 : 0);
    int status = 0;
    struct rusage ru; /* the largest of the children so far: the CLI's run, and this one */
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert_eq(getrusage(RUSAGE_CHILDREN, &ru), 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the crafted point was taken as complete (status %d)",
              status);
    cr_assert_lt(ru.ru_maxrss, 512L * 1024, "%ld kB of memory to read it", ru.ru_maxrss);
    free(config);
    free(path);
    free(dir);
}
