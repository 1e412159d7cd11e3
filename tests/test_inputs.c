/* test_inputs: hostile files where the CLI reads and writes text (issue 17, items 3, 8, 9, 10, 13): special
 * files and huge files given as configurations, write errors on standard output, planted links and device
 * nodes where text outputs go, a secret file named by an include, grids too fine to step, empty -o names
 * (papers/reliability.md, "Hostile files"). */
#define _XOPEN_SOURCE 700 /* mknod */
#include "helpers.h"

#include <fcntl.h>
#include <stdarg.h>
#include <sys/sysmacros.h>

/* The shell command that fmt and its arguments make, into cmd (len bytes). */
__attribute__((format(printf, 3, 0))) static void vformat(char *cmd, size_t len, const char *fmt, va_list ap)
{
    const int n = vsnprintf(cmd, len, fmt, ap);
    cr_assert(n > 0 && (size_t)n < len, "command too long");
}

/* Runs the shell command of fmt; its exit status, and its stderr in *err (malloc'ed). */
__attribute__((format(printf, 2, 3))) static int shf(char **err, const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vformat(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return mh_test_sh(cmd, err);
}

/* Runs the shell command of fmt, which must exit with rc and say want1 and want2 (NULL: nothing) on stderr. */
__attribute__((format(printf, 4, 5))) static void fails(int rc, const char *want1, const char *want2, const char *fmt,
                                                        ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vformat(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    char *err = NULL;
    const int got = mh_test_sh(cmd, &err);
    cr_assert_eq(got, rc, "%s: exit %d, not %d: %s", cmd, got, rc, err);
    cr_assert(strstr(err, want1) != NULL, "%s: stderr lacks '%s': %s", cmd, want1, err);
    cr_assert(want2 == NULL || strstr(err, want2) != NULL, "%s: stderr lacks '%s': %s", cmd, want2, err);
    free(err);
}

/* dir/name into out (PATH_MAX bytes). */
static void path_in(char *out, const char *dir, const char *name)
{
    const int n = snprintf(out, PATH_MAX, "%s/%s", dir, name);
    cr_assert(n > 0 && n < PATH_MAX, "path too long");
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

static void make_fifo(const char *path) { cr_assert_eq(mkfifo(path, 0600), 0, "mkfifo %s failed", path); }

/* What lstat says path is: 'f' regular file, 'p' FIFO, 'd' directory, 'l' symbolic link, 'c' character
 * device, '-' missing, '?' else. */
static char kind_of(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return '-';
    return S_ISREG(st.st_mode)    ? 'f'
           : S_ISFIFO(st.st_mode) ? 'p'
           : S_ISDIR(st.st_mode)  ? 'd'
           : S_ISLNK(st.st_mode)  ? 'l'
           : S_ISCHR(st.st_mode)  ? 'c'
                                  : '?';
}

/* A configuration of few cells (40 um, one session; 180 days run in about a second) in dir/tiny.ini. */
static void tiny_config(const char *dir, char *path)
{
    char cwd[PATH_MAX], text[PATH_MAX + 128];
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    snprintf(text, sizeof text, "include = %s/configs/default.ini\n[grid]\ndx_um = 40\n[schedule]\nsessions = 1\n",
             cwd);
    path_in(path, dir, "tiny.ini");
    write_text(path, text);
}

/* A small run output in dir/small.h5 (path): 20 um cells, 3 days, snapshots at days 0 and 1. */
static void small_output(const char *dir, char *path)
{
    path_in(path, dir, "small.h5");
    char *err = NULL;
    const int rc = shf(&err,
                       MH_BIN " run configs/default.ini -q -o %s --set grid.dx_um=20 --set simulation.days=3 "
                              "--set schedule.sessions=1 --set output.snapshot_days=0,1",
                       path);
    cr_assert_eq(rc, 0, "the small run failed: %s", err);
    free(err);
}

/* The commands that read a configuration-like file named first (%1$s; %2$s: a folder for outputs). Each
 * is under timeout: reading a FIFO or /dev/zero used to hang, and a hang must fail, not block. */
static const char *const readers[] = {
    "check %1$s",
    "sweep --check %1$s",
    "compare %1$s configs/default.ini -o %2$s/cmp",
    "compare --vary device.needle_length_mm=1,1.5 %1$s -o %2$s/cmpv",
    "run %1$s -o %2$s/r.h5",
    "sensitivity %1$s -o %2$s/sens",
    "validate %1$s -o %2$s/val",
    "calibrate %1$s --fit model.D_K",
};

/* Every reader refuses the file at path (exit 2 within seconds) with a message naming it and what it is. */
static void readers_refuse(const char *path, const char *dir, const char *what, int seconds)
{
    for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++) {
        char cmd[2 * PATH_MAX + 256], full[3 * PATH_MAX + 256];
        snprintf(cmd, sizeof cmd, readers[i], path, dir);
        snprintf(full, sizeof full, "timeout %d " MH_BIN " %s", seconds, cmd);
        fails(2, path, what, "%s", full);
    }
}

Test(inputs, special_files_are_refused_by_every_reader_of_a_configuration, .timeout = 240)
{
    char *d = mh_test_temp_dir("inputs"), fifo[PATH_MAX], folder[PATH_MAX];
    path_in(fifo, d, "fifo.ini");
    path_in(folder, d, "folder.ini");
    make_fifo(fifo);
    cr_assert_eq(mkdir(folder, 0755), 0);
    readers_refuse("/dev/zero", d, "is a character device, not a regular file", 20);
    readers_refuse(fifo, d, "is a FIFO (named pipe), not a regular file", 20);
    readers_refuse(folder, d, "is a directory, not a regular file", 20);
    /* a targets file's configuration and a sweep's base go through the same reader */
    char targets[PATH_MAX], sweep[PATH_MAX], text[PATH_MAX + 256];
    path_in(targets, d, "targets.ini");
    snprintf(text, sizeof text,
             "[target.t]\nconfig = %s\nsource = test\nrole = calibration\nobservable = closure_hours\nband = 0, 99\n",
             fifo);
    write_text(targets, text);
    fails(2, fifo, "is a FIFO", "timeout 20 " MH_BIN " validate %s -o %s/val", targets, d);
    path_in(sweep, d, "sweep.ini");
    snprintf(text, sizeof text, "[sweep]\nbase = %s\n[axes]\nseed = 1, 2\n", fifo);
    write_text(sweep, text);
    fails(2, fifo, "is a FIFO", "timeout 20 " MH_BIN " sweep --check %s", sweep);
    /* an include of one is refused as before, with its own message */
    char inc[PATH_MAX];
    path_in(inc, d, "inc.ini");
    write_text(inc, "include = fifo.ini\n");
    fails(2, "include: fifo.ini: not a regular file", NULL, "timeout 20 " MH_BIN " check %s", inc);
    free(d);
}

Test(inputs, a_huge_sparse_configuration_is_refused_at_once, .timeout = 240)
{
    char *d = mh_test_temp_dir("inputs"), big[PATH_MAX], inc[PATH_MAX];
    path_in(big, d, "big.ini");
    const int fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    cr_assert(fd >= 0);
    cr_assert_eq(ftruncate(fd, (off_t)1 << 30), 0, "cannot make a 1 GiB sparse file");
    close(fd);
    /* 5 s: the size is known before a byte is read (it took 18 s to read the 1 GiB line by line) */
    readers_refuse(big, d, "bytes, more than the", 5);
    path_in(inc, d, "inc.ini");
    write_text(inc, "include = big.ini\n");
    fails(2, "big.ini: the configuration has 1073741824 bytes", "(included from", "timeout 5 " MH_BIN " check %s", inc);
    free(d);
}

Test(inputs, special_files_in_a_sweeps_folder_are_refused, .timeout = 120)
{
    const char *sweep = "configs/sweeps/needle_length.ini";
    char *d = mh_test_temp_dir("inputs"), sw[PATH_MAX], p[PATH_MAX];
    /* the frozen plan read back (base.ini, sweep.ini) */
    path_in(sw, d, "plan");
    cr_assert_eq(mkdir(sw, 0755), 0);
    path_in(p, sw, "base.ini");
    make_fifo(p);
    fails(2, p, "the frozen plan is a FIFO", "timeout 20 " MH_BIN " sweep %s --slurm -o %s", sweep, sw);
    path_in(sw, d, "plan2");
    cr_assert_eq(mkdir(sw, 0755), 0);
    path_in(p, sw, "sweep.ini");
    make_fifo(p);
    fails(2, p, "is a FIFO", "timeout 20 " MH_BIN " sweep --collect %s", sw);
    /* a point's failure record: the point counts as missing (exit 1), and nothing hangs */
    path_in(sw, d, "sweep");
    cr_assert_eq(shf(NULL, MH_BIN " sweep %s --slurm -q -o %s", sweep, sw), 0);
    path_in(p, sw, "points/p000000.failed");
    make_fifo(p);
    fails(1, "24 missing", NULL, "timeout 20 " MH_BIN " sweep --collect %s", sw);
    /* the summary and the Slurm scripts: a FIFO in their place is refused and left; a link planted at a
     * script's name is replaced, not written through */
    char victim[PATH_MAX], link[PATH_MAX], summary[PATH_MAX], script[PATH_MAX];
    path_in(summary, sw, "summary.csv");
    cr_assert_eq(unlink(summary), 0);
    make_fifo(summary);
    fails(2, summary, "is a FIFO", "timeout 20 " MH_BIN " sweep --collect %s", sw);
    cr_assert_eq(kind_of(summary), 'p');
    path_in(script, sw, "slurm/sweep.sbatch");
    cr_assert_eq(unlink(script), 0);
    make_fifo(script);
    fails(2, "sweep.sbatch: exists and is a FIFO", NULL, "timeout 20 " MH_BIN " sweep %s --slurm -o %s", sweep, sw);
    cr_assert_eq(kind_of(script), 'p');
    cr_assert_eq(unlink(script), 0);
    path_in(victim, d, "victim");
    write_text(victim, "precious\n");
    path_in(link, sw, "slurm/collect.sbatch");
    cr_assert_eq(unlink(link), 0);
    cr_assert_eq(symlink(victim, link), 0);
    cr_assert_eq(shf(NULL, "timeout 20 " MH_BIN " sweep %s --slurm -q -o %s", sweep, sw), 0);
    char *v = mh_test_read_file(victim);
    cr_assert_str_eq(v, "precious\n", "the script was written through the link into %s", victim);
    cr_assert_eq(kind_of(link), 'f');
    free(v);
    free(d);
}

/* Runs MH_BIN args with standard output to file under a file-size limit of blocks (512 bytes each): exit 1
 * and want said. Its standard error goes through a pipe (which the limit does not cut short) to the test's. */
static void limited_fails(int blocks, const char *args, const char *file, const char *want)
{
    char rc[PATH_MAX + 8];
    snprintf(rc, sizeof rc, "%s.rc", file);
    fails(1, want, NULL, "({ (ulimit -f %d; exec " MH_BIN " %s > %s); echo $? > %s; } 2>&1 | cat >&2; exit $(cat %s))",
          blocks, args, file, rc, rc);
}

Test(inputs, write_errors_on_standard_output_fail_the_command, .timeout = 180)
{
    char *d = mh_test_temp_dir("inputs"), out[PATH_MAX];
    small_output(d, out);
    static const char *const commands[] = {"info %s", "export %s --series", "export %s --summary",
                                           "export %s --punctures", "export %s --field collagen_total --day 1"};
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        char cmd[PATH_MAX + 128];
        snprintf(cmd, sizeof cmd, commands[i], out);
        cr_assert_eq(shf(NULL, MH_BIN " %s > %s/ok.txt", cmd, d), 0, "%s", cmd);
        fails(1, "microheal: standard output: write error: No space left on device", NULL, MH_BIN " %s > /dev/full",
              cmd);
        /* a file-size limit (SIGXFSZ is ignored): the write fails as on a full disk */
        char file[PATH_MAX];
        path_in(file, d, "limited.txt");
        limited_fails(0, cmd, file, "microheal: standard output: write error: File too large");
    }
    fails(1, "standard output: write error: No space left on device", NULL,
          MH_BIN " check configs/default.ini > /dev/full");
    char file[PATH_MAX], args[PATH_MAX + 32];
    path_in(file, d, "check.txt");
    limited_fails(0, "check configs/default.ini", file, "standard output: write error: File too large");
    /* a series of 200 kB into a limit of 20 blocks: cut short part-way, not at the first byte */
    path_in(file, d, "big.dat");
    snprintf(args, sizeof args, "export %s --series", out);
    limited_fails(20, args, file, "standard output: write error: File too large");
    struct stat st;
    cr_assert_eq(stat(file, &st), 0);
    cr_assert(st.st_size > 0 && st.st_size <= 20 * 512, "%lld bytes", (long long)st.st_size);
    fails(1, "standard output: write error", NULL, MH_BIN " --version > /dev/full");
    free(d);
}

Test(inputs, an_included_secret_is_not_quoted)
{
    char *d = mh_test_temp_dir("inputs"), secret[PATH_MAX], inc[PATH_MAX];
    /* a base64 key: inih takes what comes before its '=' padding as a key's name */
    const char *key = "c2VjcmV0LXRva2VuLWFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6MDEyMzQ1Njc4OS1UQUlM";
    char text[256];
    snprintf(text, sizeof text, "%s==\nsecond line\n", key);
    path_in(secret, d, "secret");
    write_text(secret, text);
    path_in(inc, d, "inc.ini");
    write_text(inc, "include = secret\n");
    for (int direct = 0; direct < 2; direct++) {
        char *err = NULL;
        const int rc = shf(&err, MH_BIN " check %s", direct ? secret : inc);
        cr_assert_eq(rc, 2, "exit %d: %s", rc, err);
        cr_assert(strstr(err, secret) != NULL && strstr(err, "unknown key") != NULL, "%s", err);
        /* at most the name's first 40 characters */
        cr_assert(strstr(err, key + 40) == NULL, "the secret's tail is in the message: %s", err);
        char head[41];
        snprintf(head, sizeof head, "%.40s", key);
        cr_assert(strstr(err, head) != NULL, "%s", err);
        if (!direct)
            cr_assert(strstr(err, "is not a microheal configuration (included from") != NULL, "%s", err);
        free(err);
    }
    free(d);
}

Test(inputs, check_refuses_a_grid_that_run_cannot_step, .timeout = 180)
{
    char *d = mh_test_temp_dir("inputs");
    /* the case was 2 um on the default configuration; since issue 20 (slower keratinocyte motility,
     * model.D_K 0.017 -> 0.005 mm^2/day) the limit lies between 1.5 and 2 um: 1 um on the default */
    fails(2, "--set #1: grid.dx_um: a run would stop at day 0", "time step fell below solver.dt_min_s",
          MH_BIN " check configs/default.ini --set grid.dx_um=1");
    /* a narrow section with one puncture (a grid pattern), so that the run of the value that works is short:
     * check says what run does, on each side of the limit */
    const char *small = "--set grid.width_mm=0.5 --set device.pattern=grid --set schedule.sessions=1 "
                        "--set simulation.days=0.01 --set output.snapshot_days=0";
    fails(2, "--set #1: grid.dx_um: a run would stop at day 0", "choose a coarser grid.dx_um",
          MH_BIN " check configs/default.ini --set grid.dx_um=1.5 %s", small);
    fails(1, "time step fell below solver.dt_min_s", "t = 0.000000 day",
          MH_BIN " run configs/default.ini -q --set grid.dx_um=1.5 %s -o %s/three.h5", small, d);
    cr_assert_eq(shf(NULL, MH_BIN " check configs/default.ini --set grid.dx_um=2 %s > /dev/null", small), 0);
    /* its run steps on past day 0; it is stopped (SIGINT: a checkpoint, exit 130) if it has not ended by then */
    char *err = NULL;
    const int rc = shf(&err,
                       "timeout --preserve-status -s INT 15 " MH_BIN
                       " run configs/default.ini -q --set grid.dx_um=2 %s -o %s/four.h5",
                       small, d);
    cr_assert(rc == 0 || rc == 130, "exit %d: %s", rc, err);
    cr_assert(strstr(err, "fell below") == NULL, "%s", err);
    free(err);
    free(d);
}

Test(inputs, an_empty_output_name_is_a_usage_error, .timeout = 240)
{
    char *d = mh_test_temp_dir("inputs"), cwd[PATH_MAX];
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    /* from a folder of its own: a command that took "" for a name wrote beside it, or into / (compare --vary
     * made /compare.csv: "" + "/compare.csv") */
    static const char *const commands[] = {
        "run %1$s/configs/default.ini -o ''",
        "export %2$s/none.h5 --series -o ''",
        "export %2$s/none.h5 --xdmf -o ''",
        "plot %2$s/none.h5 -o ''",
        "sweep %1$s/configs/sweeps/needle_length.ini -o ''",
        "sweep %1$s/configs/sweeps/needle_length.ini --slurm -o ''",
        "compare %1$s/configs/default.ini %1$s/configs/validation/sensitivity.ini -o ''",
        "compare --vary device.needle_length_mm=1,1.5 %1$s/configs/default.ini -o ''",
        "sensitivity %1$s/configs/default.ini -o ''",
        "validate %1$s/configs/validation/targets.ini -o ''",
        "calibrate %1$s/configs/validation/targets.ini --fit model.D_K -o ''",
    };
    const char *bin = getenv("MICROHEAL") != NULL ? getenv("MICROHEAL") : "./microheal";
    char abs_bin[2 * PATH_MAX];
    snprintf(abs_bin, sizeof abs_bin, "%s%s%s", bin[0] == '/' ? "" : cwd, bin[0] == '/' ? "" : "/", bin);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        char cmd[3 * PATH_MAX];
        snprintf(cmd, sizeof cmd, commands[i], cwd, d);
        fails(2, "microheal: -o: the name is empty", "usage: microheal", "cd %s && timeout 20 %s %s", d, abs_bin, cmd);
    }
    free(d);
}

/* export -o NODE for a node of kind k made at node: refused (exit 2) and left as it was. */
static void export_refuses(const char *out, const char *node, char k, const char *what)
{
    for (int xdmf = 0; xdmf < 2; xdmf++) {
        fails(2, node, what, "timeout 20 " MH_BIN " export %s %s -o %s", out, xdmf ? "--xdmf" : "--series", node);
        cr_assert_eq(kind_of(node), k, "%s is no longer what it was", node);
    }
}

Test(inputs, export_refuses_a_fifo_or_a_folder_as_its_file_and_no_link_redirects_it, .timeout = 180)
{
    char *d = mh_test_temp_dir("inputs"), out[PATH_MAX], node[PATH_MAX];
    small_output(d, out);
    path_in(node, d, "fifo.dat");
    make_fifo(node);
    export_refuses(out, node, 'p', "exists and is a FIFO (named pipe)");
    path_in(node, d, "folder.dat");
    cr_assert_eq(mkdir(node, 0755), 0);
    export_refuses(out, node, 'd', "exists and is a directory");
    /* the old fixed temporary name, planted as a link: the victim stays as it was */
    char victim[PATH_MAX], link[PATH_MAX], dat[PATH_MAX];
    path_in(victim, d, "victim");
    write_text(victim, "precious\n");
    path_in(link, d, "s.dat.tmp");
    cr_assert_eq(symlink(victim, link), 0);
    path_in(dat, d, "s.dat");
    cr_assert_eq(shf(NULL, MH_BIN " export %s --series -o %s", out, dat), 0);
    char *v = mh_test_read_file(victim), *s = mh_test_read_file(dat);
    cr_assert_str_eq(v, "precious\n", "export wrote through the planted link %s", link);
    cr_assert_eq(kind_of(dat), 'f');
    cr_assert(strncmp(s, "# microheal series", 18) == 0, "%.80s", s);
    cr_assert_eq(kind_of(link), 'l');
    cr_assert_eq(mh_test_count_files(d, "s.dat.tmp."), 0, "a temporary file is left");
    free(v);
    free(s);
    free(d);
}

Test(inputs, export_refuses_a_device_node_as_its_file, .timeout = 120)
{
    char *d = mh_test_temp_dir("inputs"), out[PATH_MAX], node[PATH_MAX];
    path_in(node, d, "null.dat");
    if (geteuid() != 0 || mknod(node, S_IFCHR | 0600, makedev(1, 3)) != 0) {
        free(d);
        cr_skip_test("cannot make a character device here (not root, or mknod refused)");
    }
    small_output(d, out);
    export_refuses(out, node, 'c', "exists and is a character device");
    free(d);
}

/* The folder dir/name (its path into folder) with a link link_name to victim (unless link_name is NULL) and
 * a FIFO fifo_name (its path into fifo) in it. */
static void plant(const char *dir, const char *name, const char *link_name, const char *victim, const char *fifo_name,
                  char *folder, char *fifo)
{
    path_in(folder, dir, name);
    cr_assert_eq(mkdir(folder, 0755), 0);
    if (link_name != NULL) {
        char link[PATH_MAX];
        path_in(link, folder, link_name);
        cr_assert_eq(symlink(victim, link), 0);
    }
    path_in(fifo, folder, fifo_name);
    make_fifo(fifo);
}

Test(inputs, text_reports_refuse_a_fifo_and_do_not_follow_planted_links, .timeout = 240)
{
    char *d = mh_test_temp_dir("inputs"), cfg[PATH_MAX], victim[PATH_MAX], p[PATH_MAX], text[2 * PATH_MAX];
    tiny_config(d, cfg);
    path_in(victim, d, "victim");
    write_text(victim, "precious\n");
    /* calibrate's report: refused before the fit */
    path_in(p, d, "report.md");
    make_fifo(p);
    fails(2, p, "exists and is a FIFO",
          "timeout 20 " MH_BIN " calibrate configs/validation/targets.ini --fit model.D_K -o %s", p);
    cr_assert_eq(kind_of(p), 'p');
    /* validate's tables */
    char targets[PATH_MAX], val[PATH_MAX];
    path_in(targets, d, "targets.ini");
    snprintf(text, sizeof text,
             "[target.t]\nconfig = %s\nset = simulation.days=2\nsource = test\nrole = calibration\nobservable = "
             "closure_hours\n"
             "band = 0, 99\n",
             cfg);
    write_text(targets, text);
    plant(d, "val", NULL, NULL, "validation.md", val, p);
    fails(2, p, "exists and is a FIFO", "timeout 60 " MH_BIN " validate %s -q -o %s", targets, val);
    cr_assert_eq(kind_of(p), 'p');
    /* sensitivity's report and table */
    char sens[PATH_MAX];
    plant(d, "sens", "sensitivity.md.tmp", victim, "sensitivity.csv", sens, p);
    fails(2, p, "exists and is a FIFO", "timeout 60 " MH_BIN " sensitivity %s --params model.D_K --no-plot -q -o %s",
          cfg, sens);
    cr_assert_eq(kind_of(p), 'p');
    path_in(p, sens, "sensitivity.md");
    cr_assert_eq(kind_of(p), 'f');
    /* compare's plot tables (the outcomes table cannot be written: exit 1) */
    char cmp[PATH_MAX];
    plant(d, "cmp", "healing_curves.dat.tmp", victim, "outcomes.dat", cmp, p);
    fails(1, p, "exists and is a FIFO",
          "timeout 60 " MH_BIN " compare --vary device.needle_length_mm=1,1.5 %s -q -o %s", cfg, cmp);
    cr_assert_eq(kind_of(p), 'p');
    char *v = mh_test_read_file(victim);
    cr_assert_str_eq(v, "precious\n", "a report or table was written through a planted link into %s", victim);
    free(v);
    free(d);
}
