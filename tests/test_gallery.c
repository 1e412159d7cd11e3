/* test_gallery: `microheal plot` end to end on a tiny run (every picture, its size, the GIF's frames, the
 * days left out, no temporary files), its refusals (a missing or foreign file, no gnuplot), and the
 * depth profiles of `microheal export --profile` against the cross-sections they average. */
#include "helpers.h"

#include "mh_h5.h"

#include <hdf5.h>

#include <math.h>
#include <dirent.h>
#include <sys/stat.h>

/* A fresh folder mh_gallery_XXXXXX among the tests' files (malloc'ed). */
static char *fresh_dir(void) { return mh_test_temp_dir("gallery"); }

/* Runs a 10-day, one-session run at 40 um with snapshots at days (a list) into DIR/run.h5. */
static void tiny_run(const char *dir, const char *days)
{
    char cmd[1024], *err = NULL;
    snprintf(cmd, sizeof cmd,
             MH_BIN " run configs/default.ini -q -o %s/run.h5 --set simulation.days=10 --set grid.dx_um=40 "
                    "--set schedule.sessions=1 --set output.snapshot_days=%s",
             dir, days);
    cr_assert_eq(mh_test_sh(cmd, &err), 0, "%s", err);
    free(err);
}

/* The whole file (malloc'ed, NUL-terminated) and its size; NULL when it cannot be read. */
static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    rewind(f);
    unsigned char *b = malloc((size_t)len + 1);
    cr_assert(b != NULL);
    *n = fread(b, 1, (size_t)len, f);
    b[*n] = '\0';
    fclose(f);
    return b;
}

/* Asserts that path is a PNG (signature, then the IHDR chunk first) of w x h pixels. */
static void assert_png(const char *path, unsigned w, unsigned h)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    size_t n = 0;
    unsigned char *b = slurp(path, &n);
    cr_assert(b != NULL, "%s missing", path);
    cr_assert(n > 33 && memcmp(b, sig, 8) == 0 && memcmp(b + 12, "IHDR", 4) == 0, "%s is not a PNG", path);
    unsigned pw = (unsigned)b[16] << 24 | (unsigned)b[17] << 16 | (unsigned)b[18] << 8 | b[19];
    unsigned ph = (unsigned)b[20] << 24 | (unsigned)b[21] << 16 | (unsigned)b[22] << 8 | b[23];
    cr_assert(pw == w && ph == h, "%s is %u x %u, not %u x %u", path, pw, ph, w, h);
    free(b);
}

/* Skips n bytes of GIF data sub-blocks (length byte, bytes, ..., 0) from b[i]; the index after them. */
static size_t gif_skip_blocks(const unsigned char *b, size_t n, size_t i)
{
    while (i < n && b[i] != 0)
        i += 1 + b[i];
    return i + 1;
}

/* The number of images in a GIF (its image descriptors), after checking the header and the screen size
 * w x h; walks the blocks (GIF89a: extensions, images, the trailer). */
static int gif_frames(const char *path, unsigned w, unsigned h)
{
    size_t n = 0;
    unsigned char *b = slurp(path, &n);
    cr_assert(b != NULL, "%s missing", path);
    cr_assert(n > 13 && memcmp(b, "GIF89a", 6) == 0, "%s is not a GIF89a", path);
    cr_assert_eq((unsigned)(b[6] | b[7] << 8), w, "%s: width", path);
    cr_assert_eq((unsigned)(b[8] | b[9] << 8), h, "%s: height", path);
    size_t i = 13 + ((b[10] & 0x80) ? 3u * (1u << ((b[10] & 7) + 1)) : 0); /* global colour table */
    int frames = 0;
    while (i < n && b[i] != 0x3b) {
        if (b[i] == 0x21) { /* extension: label, sub-blocks */
            i = gif_skip_blocks(b, n, i + 2);
        } else {
            cr_assert_eq(b[i], 0x2c, "%s: unexpected block 0x%02x at %zu", path, b[i], i);
            cr_assert(i + 10 <= n);
            const unsigned char flags = b[i + 9];
            i += 10 + ((flags & 0x80) ? 3u * (1u << ((flags & 7) + 1)) : 0); /* local colour table */
            i = gif_skip_blocks(b, n, i + 1);                                /* LZW code size, data */
            frames++;
        }
    }
    cr_assert(i < n, "%s: no trailer (truncated)", path);
    free(b);
    return frames;
}

/* Whether any entry of dir starts with prefix. */
static bool has_entry(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    cr_assert(d != NULL, "%s missing", dir);
    bool found = false;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        found |= strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return found;
}

static bool have_gnuplot(void) { return system("command -v gnuplot >/dev/null 2>&1") == 0; }

Test(gallery, tiny_run_draws_every_picture, .timeout = 300)
{
    if (!have_gnuplot())
        cr_skip_test("gnuplot is not installed (package gnuplot-nox)");
    char *dir = fresh_dir(), cmd[2304], path[1024], *err = NULL;
    tiny_run(dir, "0,0.5,1,2,7");
    /* a frame of an earlier, longer gallery is removed */
    snprintf(path, sizeof path, "%s/run_plots", dir);
    cr_assert_eq(mkdir(path, 0777), 0);
    snprintf(path, sizeof path, "%s/run_plots/first_week", dir);
    cr_assert_eq(mkdir(path, 0777), 0);
    snprintf(path, sizeof path, "%s/run_plots/first_week/frame_005.png", dir);
    FILE *stale = fopen(path, "w");
    cr_assert(stale != NULL);
    fclose(stale);

    /* the default folder: run_plots beside run.h5; the files written are printed */
    snprintf(cmd, sizeof cmd, MH_BIN " plot %s/run.h5 > %s/out.txt", dir, dir);
    cr_assert_eq(mh_test_sh(cmd, &err), 0, "%s", err);
    const char *pngs[] = {"healing_curves", "early_response", "cross_section_collagen", "depth_response"};
    size_t n = 0;
    snprintf(path, sizeof path, "%s/out.txt", dir);
    char *out = (char *)slurp(path, &n);
    cr_assert(out != NULL);
    for (int k = 0; k < 4; k++) {
        snprintf(path, sizeof path, "%s/run_plots/%s.png", dir, pngs[k]);
        assert_png(path, 1600, 1000);
        cr_assert(strstr(out, path) != NULL, "%s not printed in\n%s", path, out);
    }
    /* five snapshots in the first week: five frames, the last one held in the GIF */
    for (int k = 0; k < 5; k++) {
        snprintf(path, sizeof path, "%s/run_plots/first_week/frame_%03d.png", dir, k);
        assert_png(path, 1600, 1000);
    }
    snprintf(path, sizeof path, "%s/run_plots/first_week/frame_005.png", dir);
    cr_assert(access(path, F_OK) != 0, "a stale frame is left: %s", path);
    cr_assert(strstr(out, "(5 frames)") != NULL, "%s", out);
    snprintf(path, sizeof path, "%s/run_plots/first_week.gif", dir);
    const int frames = gif_frames(path, 1600, 1000);
    cr_assert(frames >= 5, "%s has %d frames", path, frames);
    cr_assert(strstr(out, path) != NULL, "%s", out);
    /* days 42 and 180 lie beyond the 10-day run: left out, and said so for both figures */
    cr_assert(strstr(err, "cross_section_collagen.png: day 42 is beyond the run (it ends on day 10)") != NULL, "%s",
              err);
    cr_assert(strstr(err, "cross_section_collagen.png: day 180 is beyond the run") != NULL, "%s", err);
    cr_assert(strstr(err, "depth_response.png: day 42 is beyond the run") != NULL, "%s", err);
    /* no temporary folder or file is left */
    snprintf(path, sizeof path, "%s/run_plots", dir);
    cr_assert(!has_entry(path, ".plot-"), "a temporary folder is left in %s", path);
    free(out);
    free(err);

    /* -o names the folder (created); a run without first-week snapshots gets no animation, with a note */
    tiny_run(dir, "0,9");
    snprintf(cmd, sizeof cmd, MH_BIN " plot %s/run.h5 -o %s/other/gallery > /dev/null", dir, dir);
    cr_assert_eq(mh_test_sh(cmd, &err), 0, "%s", err);
    snprintf(path, sizeof path, "%s/other/gallery/cross_section_collagen.png", dir);
    assert_png(path, 1600, 1000);
    cr_assert(strstr(err, "first_week.gif: 1 snapshot in days 0 to 7: no animation") != NULL, "%s", err);
    cr_assert(strstr(err, "day 1: its nearest snapshot is shown already") != NULL, "%s", err);
    snprintf(path, sizeof path, "%s/other/gallery/first_week.gif", dir);
    cr_assert(access(path, F_OK) != 0, "%s", path);
    free(err);
    free(dir);
}

Test(gallery, missing_or_foreign_files_are_refused_with_their_name)
{
    if (!have_gnuplot())
        cr_skip_test("gnuplot is not installed (package gnuplot-nox)");
    char *dir = fresh_dir(), cmd[2304], path[1024], *err = NULL;
    snprintf(cmd, sizeof cmd, MH_BIN " plot %s/none.h5", dir);
    cr_assert_eq(mh_test_sh(cmd, &err), 1);
    snprintf(path, sizeof path, "%s/none.h5: cannot open", dir);
    cr_assert(strstr(err, path) != NULL, "%s", err);
    free(err);

    /* an HDF5 file that microheal did not write */
    snprintf(path, sizeof path, "%s/foreign.h5", dir);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert(f >= 0);
    H5Fclose(f);
    snprintf(cmd, sizeof cmd, MH_BIN " plot %s", path);
    cr_assert_eq(mh_test_sh(cmd, &err), 1);
    cr_assert(strstr(err, path) != NULL && strstr(err, "not a file written by microheal") != NULL, "%s", err);
    free(err);

    /* not HDF5 at all; nothing is drawn and no folder made */
    snprintf(path, sizeof path, "%s/text.h5", dir);
    FILE *t = fopen(path, "w");
    fputs("not hdf5\n", t);
    fclose(t);
    snprintf(cmd, sizeof cmd, MH_BIN " plot %s", path);
    cr_assert_eq(mh_test_sh(cmd, &err), 1);
    cr_assert(strstr(err, path) != NULL && strstr(err, "not an HDF5 file") != NULL, "%s", err);
    snprintf(path, sizeof path, "%s/text_plots", dir);
    cr_assert(access(path, F_OK) != 0, "%s was made", path);
    free(err);

    /* usage errors */
    mh_test_sh_fails(MH_BIN " plot", 2, "missing OUT.h5");
    mh_test_sh_fails(MH_BIN " plot a.h5 --bogus", 2, "unknown option --bogus");
    free(dir);
}

Test(gallery, without_gnuplot_it_says_so)
{
    /* a PATH without gnuplot (the executable is named by a path, which needs none) */
    char *err = NULL;
    cr_assert_eq(mh_test_sh("PATH=/nonexistent " MH_BIN " plot any.h5", &err), 1, "%s", err);
    cr_assert(strstr(err, "gnuplot not found") != NULL, "%s", err);
    free(err);
}

/* The profile of a field is, at each depth, the mean of the cross-section's row there (a 2-D run: the
 * section is the whole field), with the layer of the row and the layer tops of the grid. */
Test(gallery, profile_is_the_lateral_mean_of_the_section, .timeout = 120)
{
    char *dir = fresh_dir(), cmd[2304], path[1024], *err = NULL;
    tiny_run(dir, "0,2");
    snprintf(cmd, sizeof cmd, MH_BIN " export %s/run.h5 --profile fibroblasts --day 1.9 -o %s/p.txt", dir, dir);
    cr_assert_eq(mh_test_sh(cmd, &err), 0, "%s", err);
    free(err);
    snprintf(cmd, sizeof cmd, MH_BIN " export %s/run.h5 --field fibroblasts --day 2 -o %s/f.txt", dir, dir);
    cr_assert_eq(mh_test_sh(cmd, &err), 0, "%s", err);
    free(err);
    snprintf(path, sizeof path, "%s/p.txt", dir);
    FILE *p = fopen(path, "r");
    snprintf(path, sizeof path, "%s/f.txt", dir);
    FILE *f = fopen(path, "r");
    cr_assert(p != NULL && f != NULL);
    char line[512];
    cr_assert(fgets(line, sizeof line, p) != NULL);
    cr_assert(strstr(line, "# fibroblasts lateral mean at day 2 (requested 1.9)") == line, "%s", line);
    cr_assert(fgets(line, sizeof line, p) != NULL);
    double tops[6];
    cr_assert_eq(
        sscanf(line, "# layer_top_mm %lf %lf %lf %lf %lf %lf", tops, tops + 1, tops + 2, tops + 3, tops + 4, tops + 5),
        6, "%s", line);
    cr_assert_float_eq(tops[0], 0.0, 0.0);
    int rows = 0, dermal = 0;
    double depth, mean, x, z, v;
    int layer;
    while (fgets(line, sizeof line, p) != NULL) {
        if (line[0] == '#')
            continue;
        cr_assert_eq(sscanf(line, "%lf %d %lf", &depth, &layer, &mean), 3, "%s", line);
        /* the layer is the one whose top lies above the row's centre (the last cell may reach below the
         * bottom of the hypodermis: the grid holds whole cells) */
        cr_assert(layer >= 0 && layer < 5 && depth >= tops[layer] - 1e-9 && (layer == 4 || depth <= tops[layer + 1]),
                  "depth %g in layer %d", depth, layer);
        double sum = 0.0;
        int cells = 0;
        char fl[512];
        while (fgets(fl, sizeof fl, f) != NULL && fl[0] != '\n') {
            if (fl[0] == '#')
                continue;
            cr_assert_eq(sscanf(fl, "%lf %lf %lf", &x, &z, &v), 3);
            cr_assert_float_eq(z, depth, 1e-6);
            sum += v;
            cells++;
        }
        cr_assert_eq(cells, 50, "a 2 mm section at 40 um has 50 cells a row");
        /* the section is written with 7 significant digits */
        cr_assert_float_eq(mean, sum / cells, 1e-6 * (fabs(mean) + 1e-3), "depth %g: %g, not %g", depth, mean,
                           sum / cells);
        dermal += (layer == 2 || layer == 3) && mean > 1.0; /* fibroblasts have grown by day 2 */
        cr_assert(layer == 2 || layer == 3 || mean == 0.0, "fibroblasts outside the dermis at %g", depth);
        rows++;
    }
    cr_assert(rows > 20 && dermal > 10, "%d rows, %d dermal", rows, dermal);
    fclose(p);
    fclose(f);
    free(dir);
}

/* A picture's name taken by a FIFO: the gallery (exit 2, it stops there) and compare's plots (exit 1, a
 * plot failed; the others are drawn) refuse it, naming it, and leave it as it was. (Before: the gallery renamed its PNG
 * onto the FIFO, and compare's plots drew into a fixed PNG.tmp.png first, through whatever link was there.) */
Test(hostile, pictures_replace_only_regular_files, .timeout = 300)
{
    char *dir = fresh_dir(), cmd[2048], out[256], path[600], fifo[600], victim[600];
    tiny_run(dir, "0,1,7");
    mh_test_mkdtemp(out, sizeof out, "gallery_out");
    snprintf(fifo, sizeof fifo, "%s/healing_curves.png", out);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    snprintf(cmd, sizeof cmd, "timeout 120 " MH_BIN " plot %s/run.h5 -o %s >/dev/null", dir, out);
    mh_test_sh_fails(cmd, 2, "healing_curves.png: exists and is a FIFO");
    struct stat st;
    cr_assert(lstat(fifo, &st) == 0 && S_ISFIFO(st.st_mode), "the FIFO was replaced");
    cr_assert_eq(mh_test_count_files(out, ".plot-"), 0, "the gallery's working folder was left");

    char cmp[256];
    mh_test_mkdtemp(cmp, sizeof cmp, "gallery_cmp");
    snprintf(fifo, sizeof fifo, "%s/healing_curves.png", cmp);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    snprintf(victim, sizeof victim, "%s/victim", cmp);
    FILE *f = fopen(victim, "w");
    fputs("keep\n", f);
    fclose(f);
    char link[700]; /* where the old fixed temporary name was */
    snprintf(link, sizeof link, "%s/outcome_erythema_days.png.tmp.png", cmp);
    cr_assert_eq(symlink(victim, link), 0);
    snprintf(cmd, sizeof cmd,
             "timeout 200 " MH_BIN " compare --vary device.needle_length_mm=0.5,1.0 configs/default.ini -q -j 2 "
             "--set grid.dx_um=40 --set simulation.days=3 --set schedule.sessions=1 -o %s",
             cmp);
    mh_test_sh_fails(cmd, 1, "healing_curves.png: exists and is a FIFO");
    cr_assert(lstat(fifo, &st) == 0 && S_ISFIFO(st.st_mode), "the FIFO was replaced");
    char *text = mh_test_read_file(victim);
    cr_assert_str_eq(text, "keep\n", "a picture was drawn through the planted link");
    free(text);
    snprintf(path, sizeof path, "%s/outcome_erythema_days.png", cmp);
    mh_test_is_png(path);
    free(dir);
}
