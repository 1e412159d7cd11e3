/* test_inject: hostile names never become commands (papers/reliability.md, "Shell and gnuplot injection"):
 * the gnuplot file-name function and runner (src/cli/mh_cli_util.c), then every command that drives
 * gnuplot (plot, compare, sweep --plot, validate, sensitivity) and sweep --slurm --submit (with a stub
 * sbatch) on folders, files, labels and options named with quotes, $(...), backquotes, a gnuplot macro,
 * blanks, a newline, and a leading '<', '|' or '-'. Each asserts that no PWNED file appears, that the
 * command succeeded, and that its pictures are PNGs. Runs are tiny (dx 40 um, a few days). */
#include "helpers.h"

#include "mh_cli_util.h"

#include <stdarg.h>

/* Names that ran commands through gnuplot or a shell before: the reproduction (a gnuplot string
 * closed and system() called), one with every kind of quote and substitution, a blank and a newline, and
 * names that gnuplot reads as a command to read from ('<') or write to ('|'), and an option-like one. */
static const char *const hostile[] = {
    "q'; system('touch PWNED'); x='",
    "h\"'$(touch PWNED)`touch PWNED` @ARG1 ;x='\nline two",
    "<touch PWNED;",
    "|touch PWNED;",
    "-x",
};
#define NHOSTILE ((int)(sizeof hostile / sizeof hostile[0]))

/* The tiny run of every variant and point. */
#define TINY "--set grid.dx_um=40 --set schedule.sessions=1"

/* s in single quotes for sh, into out. */
static void shq(char *out, size_t len, const char *s)
{
    size_t n = 0;
    out[n++] = '\'';
    for (; *s != '\0'; s++) {
        const char *piece = *s == '\'' ? "'\\''" : NULL;
        const size_t k = piece != NULL ? strlen(piece) : 1;
        cr_assert(n + k + 2 < len, "a quoted name is too long for its buffer");
        if (piece != NULL)
            memcpy(out + n, piece, k);
        else
            out[n] = *s;
        n += k;
    }
    out[n++] = '\'';
    out[n] = '\0';
}

/* Runs a shell command in folder dir, with $M the microheal executable and $S the repository's scripts
 * folder (absolute paths); fmt's %s arguments are put in as they are (quote names with shq). Returns the
 * exit status and stderr in *err. */
static int sh_in(const char *dir, char **err, const char *fmt, ...)
{
    char body[16384], qdir[2048], cmd[20000];
    va_list ap;
    va_start(ap, fmt);
    const int n = vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    cr_assert(n > 0 && (size_t)n < sizeof body);
    shq(qdir, sizeof qdir, dir);
    snprintf(cmd, sizeof cmd,
             "M=$(realpath \"${MICROHEAL:-./microheal}\") && S=$(realpath scripts) && cd %s && { %s; }", qdir, body);
    return mh_test_sh(cmd, err);
}

/* Asserts that no file named PWNED (or starting so) is in dir or below it, or in the working directory. */
static void no_pwned(const char *dir)
{
    char q[2048], cmd[4200];
    shq(q, sizeof q, dir);
    snprintf(cmd, sizeof cmd, "test -z \"$(find %s . -maxdepth 1 -name 'PWNED*'; find %s -name 'PWNED*')\"", q, q);
    cr_assert_eq(system(cmd), 0, "a PWNED file appeared in %s or the working directory: a command ran", dir);
}

/* dir/name (name relative to dir) into out. */
static void join(char *out, size_t len, const char *dir, const char *name)
{
    const int n = snprintf(out, len, "%s/%s", dir, name);
    cr_assert(n > 0 && (size_t)n < len);
}

/* Asserts that dir/sub/name.png is a PNG. */
static void png_in(const char *dir, const char *sub, const char *name)
{
    char a[4096], b[4400];
    join(a, sizeof a, dir, sub);
    snprintf(b, sizeof b, "%s/%s.png", a, name);
    mh_test_is_png(b);
}

static bool have_gnuplot(void) { return system("command -v gnuplot >/dev/null 2>&1") == 0; }

/* ---- the file-name function and the runner ---- */

Test(inject, gnuplot_path_makes_every_name_a_plain_file_name)
{
    char out[256];
    /* absolute: as it is */
    cr_assert(mh_cli_gnuplot_path("/a/b c.txt", out, sizeof out));
    cr_assert_str_eq(out, "/a/b c.txt");
    cr_assert(mh_cli_gnuplot_path("/", out, sizeof out));
    cr_assert_str_eq(out, "/");
    /* relative, and names gnuplot gives a meaning (a command to read or write, stdin, pseudo-files, a data
     * block, the home folder): "./" in front, nothing else changed */
    const char *relative[] = {"a/b.txt", "<touch PWNED",   "|touch PWNED", "-", "-x", "+", "++", "$data", "~/x",
                              ".",       "q'\"$(x)`y`\nz", " lead"};
    for (size_t i = 0; i < sizeof relative / sizeof relative[0]; i++) {
        cr_assert(mh_cli_gnuplot_path(relative[i], out, sizeof out), "%s", relative[i]);
        cr_assert(strncmp(out, "./", 2) == 0 && strcmp(out + 2, relative[i]) == 0, "%s -> %s", relative[i], out);
    }
    /* refused: empty (gnuplot's "the previous file"), missing, and too long for out */
    cr_assert(!mh_cli_gnuplot_path("", out, sizeof out));
    cr_assert(!mh_cli_gnuplot_path(NULL, out, sizeof out));
    cr_assert(!mh_cli_gnuplot_path("abc", out, 5), "./abc needs 6 bytes");
    cr_assert(mh_cli_gnuplot_path("abc", out, 6));
}

Test(inject, data_text_is_one_quoted_column)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert(f != NULL);
    mh_gp_put_data_text(f, "a\"b'c\nd\te$(x)`y`");
    fclose(f);
    /* the double quote becomes a single one, control characters blanks; nothing else changes */
    cr_assert_str_eq(buf, "\"a'b'c d e$(x)`y`\"");
    free(buf);
}

/* A script that prints ARGC, each ARG on a line and the -e numbers into the file named by ARG1. */
static const char *echo_script = "set print ARG1\n"
                                 "print ARGC\n"
                                 "do for [i = 2:ARGC] { print value(sprintf(\"ARG%d\", i)) }\n"
                                 "print sprintf(\"%.17g %d %.17g\", x, |v|, v[3])\n"
                                 "set print\n";

Test(inject, gnuplot_gets_paths_and_text_as_arguments_only, .timeout = 60)
{
    if (!have_gnuplot())
        cr_skip_test("gnuplot is not installed (package gnuplot-nox)");
    char *dir = mh_test_temp_dir("inject_gp"), cwd[PATH_MAX], out[PATH_MAX];
    cr_assert(getcwd(cwd, sizeof cwd) != NULL);
    cr_assert_eq(chdir(dir), 0);      /* relative names below are in the test's folder (this test's own process) */
    FILE *f = fopen("<echo.gp", "w"); /* the script too has a name gnuplot would run as a command */
    cr_assert(f != NULL);
    fputs(echo_script, f);
    fclose(f);
    const char *text = "t'\"$(touch PWNED)`touch PWNED` @ARG1 ;system('touch PWNED')\nend";
    mh_gp g;
    cr_assert(mh_gp_init(&g));
    const double v[3] = {1.5, -2, 1e-300};
    mh_gp_num(&g, "x", 0.1);
    mh_gp_array(&g, "v", v, 3);
    mh_gp_path(&g, "|touch PWNED; cat > out.txt"); /* the print file */
    mh_gp_text(&g, text);
    mh_gp_path(&g, "<touch PWNED");
    mh_gp_text(&g, "-e");
    mh_gp_text(&g, "");
    cr_assert(mh_gp_run(&g, "<echo.gp"));
    no_pwned(dir);
    /* the print file got its literal name (with ./ in front), and every ARG arrived unchanged */
    snprintf(out, sizeof out, "%s/|touch PWNED; cat > out.txt", dir);
    char *got = mh_test_read_file(out);
    cr_assert(got != NULL, "no file %s", out);
    char want[1024];
    snprintf(want, sizeof want, "5\n%s\n./<touch PWNED\n-e\n\n%.17g 3 %.17g\n", text, 0.1, v[2]);
    cr_assert_str_eq(got, want);
    free(got);

    /* misuse is refused before gnuplot runs: a non-finite number, a tenth ARG, an empty path */
    cr_assert(mh_gp_init(&g));
    mh_gp_num(&g, "x", NAN);
    cr_assert(!mh_gp_run(&g, "<echo.gp"));
    cr_assert(mh_gp_init(&g));
    for (int i = 0; i < 10; i++)
        mh_gp_text(&g, "a");
    cr_assert(!mh_gp_run(&g, "<echo.gp"));
    cr_assert(mh_gp_init(&g));
    mh_gp_path(&g, "");
    cr_assert(!mh_gp_run(&g, "<echo.gp"));
    no_pwned(dir);
    cr_assert_eq(chdir(cwd), 0);
    free(dir);
}

/* ---- microheal plot ---- */

Test(inject, plot_into_and_from_hostile_folders, .timeout = 300)
{
    if (!have_gnuplot())
        cr_skip_test("gnuplot is not installed (package gnuplot-nox)");
    char *dir = mh_test_temp_dir("inject_plot"), *err = NULL, q[1024], q2[1024];
    /* the run itself in a hostile folder; 7 days, so that every figure is drawn */
    shq(q, sizeof q, hostile[1]);
    int rc = sh_in(dir, &err,
                   "mkdir %s && \"$M\" run \"$S\"/../configs/default.ini -q -o %s/run.h5 " TINY
                   " --set simulation.days=7 --set output.snapshot_days=0,1,7",
                   q, q);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
    /* --scripts from a copy whose name gnuplot would run as a command */
    rc = sh_in(dir, &err, "cp -r \"$S\" '<scripts'");
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
    const char *pngs[] = {"healing_curves", "early_response",       "cross_section_collagen",
                          "depth_response", "first_week/frame_000", "first_week/frame_002"};
    /* the default folder beside the run (hostile[1]/run_plots), then each hostile name as -o */
    for (int k = -1; k < NHOSTILE; k++) {
        char sub[1024];
        if (k < 0) {
            rc = sh_in(dir, &err, "\"$M\" plot %s/run.h5 --scripts '<scripts' > /dev/null", q);
            join(sub, sizeof sub, hostile[1], "run_plots");
        } else {
            shq(q2, sizeof q2, hostile[k]);
            rc = sh_in(dir, &err, "\"$M\" plot %s/run.h5 -o %s --scripts \"$S\" > /dev/null", q, q2);
            snprintf(sub, sizeof sub, "%s", hostile[k]);
        }
        cr_assert_eq(rc, 0, "plot -o %s: exit %d: %s", sub, rc, err);
        free(err);
        no_pwned(dir);
        for (size_t i = 0; i < sizeof pngs / sizeof pngs[0]; i++)
            png_in(dir, sub, pngs[i]);
    }
    free(dir);
}

/* ---- microheal compare ---- */

Test(inject, compare_into_hostile_folders_with_hostile_labels, .timeout = 300)
{
    if (!have_gnuplot())
        cr_skip_test("gnuplot is not installed (package gnuplot-nox)");
    char *dir = mh_test_temp_dir("inject_compare"), *err = NULL, q[1024], q2[1024], ini[1024];
    /* two variants named after their files: a hostile name and a shallower pen */
    snprintf(ini, sizeof ini, "%s.ini", hostile[1]);
    shq(q, sizeof q, ini);
    int rc = sh_in(dir, &err,
                   "cp \"$S\"/../configs/default.ini %s && "
                   "sed 's/^needle_length_mm = 1.5 /needle_length_mm = 0.5 /' \"$S\"/../configs/default.ini > b.ini",
                   q);
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
    for (int k = 0; k < NHOSTILE; k++) {
        shq(q2, sizeof q2, hostile[k]);
        if (k == 0) /* the files, labelled with their names */
            rc =
                sh_in(dir, &err,
                      "\"$M\" compare %s b.ini " TINY " --set simulation.days=2 -o %s -j 2 -q --scripts \"$S\"", q, q2);
        else /* a key varied */
            rc = sh_in(dir, &err,
                       "\"$M\" compare --vary device.needle_length_mm=0.5,1.5 \"$S\"/../configs/default.ini " TINY
                       " --set simulation.days=2 -o %s -j 2 -q --scripts \"$S\"",
                       q2);
        cr_assert_eq(rc, 0, "compare -o %s: exit %d: %s", hostile[k], rc, err);
        free(err);
        no_pwned(dir);
        png_in(dir, hostile[k], "healing_curves");
        png_in(dir, hostile[k], "outcome_collagen_gain_end");
        png_in(dir, hostile[k], "outcome_closure_hours");
    }
    /* the hostile label is data in the tables: one quoted column, its double quote made a single one */
    char path[2048], label[1024], want[1100];
    snprintf(path, sizeof path, "%s/%s/outcomes.dat", dir, hostile[0]);
    char *dat = mh_test_read_file(path);
    cr_assert(dat != NULL, "no %s", path);
    snprintf(label, sizeof label, "%s", ini);
    for (char *c = label; *c != '\0'; c++)
        *c = *c == '"' ? '\'' : *c == '\n' ? ' ' : *c;
    snprintf(want, sizeof want, "\n0 0 \"%s\" ", label);
    cr_assert(strstr(dat, want) != NULL, "%s lacks %s:\n%s", path, want, dat);
    free(dat);
    free(dir);
}

/* ---- microheal sweep --plot ---- */

Test(inject, sweep_plot_of_a_sweep_copied_to_hostile_names, .timeout = 300)
{
    if (!have_gnuplot())
        cr_skip_test("gnuplot is not installed (package gnuplot-nox)");
    char *dir = mh_test_temp_dir("inject_splot"), *err = NULL, q[1024], path[2048];
    join(path, sizeof path, dir, "sweep.ini");
    FILE *f = fopen(path, "w");
    cr_assert(f != NULL);
    char cwd[PATH_MAX];
    cr_assert(getcwd(cwd, sizeof cwd) != NULL);
    fprintf(f,
            "[sweep]\nbase = %s/configs/default.ini\n[axes]\ndevice.needle_length_mm = 0.5, 1.5\n"
            "device.density_per_cm2 = 100, 200\ndevice.type = pen, roller\n[set]\nsimulation.days = 2\n"
            "grid.dx_um = 40\nschedule.sessions = 1\noutput.snapshot_days = 0, 1\n",
            cwd);
    fclose(f);
    int rc = sh_in(dir, &err, "\"$M\" sweep sweep.ini -o base -j 2 -q");
    cr_assert_eq(rc, 0, "%s", err);
    free(err);
    for (int k = 0; k < NHOSTILE; k++) {
        shq(q, sizeof q, hostile[k]);
        /* (a DIR that starts with '-' is named ./-x: sweep would take -x for an option) */
        rc = sh_in(dir, &err, "cp -r -- base %s && \"$M\" sweep --plot %s%s --scripts \"$S\" > /dev/null", q,
                   hostile[k][0] == '-' ? "./" : "", q);
        cr_assert_eq(rc, 0, "sweep --plot %s: exit %d: %s", hostile[k], rc, err);
        free(err);
        no_pwned(dir);
        char sub[1200];
        join(sub, sizeof sub, hostile[k], "plots");
        png_in(dir, sub, "response_device.needle_length_mm");
        png_in(dir, sub, "response_device.type"); /* the value texts as tics */
        png_in(dir, sub, "heatmap_device.needle_length_mm_device.density_per_cm2");
    }
    free(dir);
}

/* ---- microheal validate and sensitivity ---- */

Test(inject, validate_into_a_hostile_folder_with_scripts_from_another, .timeout = 300)
{
    if (!have_gnuplot())
        cr_skip_test("gnuplot is not installed (package gnuplot-nox)");
    char *dir = mh_test_temp_dir("inject_validate"), *err = NULL, q[1024], path[2048], cwd[PATH_MAX];
    cr_assert(getcwd(cwd, sizeof cwd) != NULL);
    /* a matrix target (healing curves with the datum) and a closure target; bands wide enough to hold (target
     * names are letters, digits, '_', '-' and '.': mh_targets refuses others) */
    join(path, sizeof path, dir, "targets.ini");
    FILE *f = fopen(path, "w");
    cr_assert(f != NULL);
    fprintf(
        f,
        "[defaults]\nconfig = %s/configs/default.ini\nset = grid.dx_um=40\n"
        "[target.gain]\nitem = 6\nsource = test\nrole = calibration\n"
        "set = schedule.sessions=1; simulation.days=2\nobservable = gain:dermis/collagen_total@day=2\n"
        "value = 0.01\nsigma = 0.005\nband = -10, 10\n"
        "[target.closure]\nitem = 2\nsource = test\nrole = validation\nset = schedule.sessions=1; simulation.days=2\n"
        "observable = closure_hours\nvalue = 12\nsigma = 2\nband = 0, 1000\n",
        cwd);
    fclose(f);
    shq(q, sizeof q, hostile[1]);
    int rc =
        sh_in(dir, &err, "cp -r \"$S\" '|scripts' && \"$M\" validate targets.ini -o %s --scripts '|scripts' -q", q);
    cr_assert_eq(rc, 0, "validate: exit %d: %s", rc, err);
    free(err);
    no_pwned(dir);
    png_in(dir, hostile[1], "validation");
    png_in(dir, hostile[1], "item6_healing_curves");
    free(dir);
}

Test(inject, sensitivity_chart_in_a_hostile_folder, .timeout = 300)
{
    if (!have_gnuplot())
        cr_skip_test("gnuplot is not installed (package gnuplot-nox)");
    char *dir = mh_test_temp_dir("inject_sens"), *err = NULL, q[2048], out[1024], cmd[4096];
    join(out, sizeof out, dir, hostile[1]);
    shq(q, sizeof q, out);
    snprintf(cmd, sizeof cmd,
             MH_BIN " sensitivity configs/default.ini -q " TINY " --set simulation.days=2 --observables "
                    "erythema_days,closure_hours --params model.k_D -o %s",
             q);
    const int rc = mh_test_sh(cmd, &err);
    cr_assert_eq(rc, 0, "exit %d: %s", rc, err);
    free(err);
    no_pwned(dir);
    png_in(dir, hostile[1], "sensitivity");
    free(dir);
}

/* ---- microheal sweep --slurm --submit ---- */

/* The arguments of an #SBATCH line as sbatch splits it (Slurm 22.05's get_argument, src/sbatch/opt.c: blanks
 * outside quotes separate, quotes group and are dropped, a backslash takes the next character as it is but
 * does not keep a blank from splitting, a '#' outside quotes ends the line) into args; their number. */
static int sbatch_split(const char *line, char args[][1024], int max)
{
    int n = 0;
    for (const char *p = line;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0')
            return n;
        cr_assert(n < max);
        size_t k = 0;
        char quote = 0;
        bool escape = false, comment = false;
        while ((quote || (*p != ' ' && *p != '\t')) && *p != '\0') {
            if (escape) {
                escape = false;
            } else if (*p == '\\') {
                escape = true;
                p++;
                continue;
            } else if (quote) {
                if (*p == quote) {
                    quote = 0;
                    p++;
                    continue;
                }
            } else if (*p == '"' || *p == '\'') {
                quote = *p++;
                continue;
            } else if (*p == '#') {
                comment = true;
                break;
            }
            cr_assert(k + 1 < 1024);
            args[n][k++] = *p++;
        }
        args[n][k] = '\0';
        n += k > 0 || !comment;
        if (comment)
            return n;
    }
}

/* Asserts that the batch script path holds the line "#SBATCH OPTION=VALUE" that sbatch reads as the one
 * argument OPTION=VALUE. */
static void sbatch_has(const char *path, const char *option, const char *value)
{
    char *text = mh_test_read_file(path);
    cr_assert(text != NULL, "no %s", path);
    char want[2048], args[8][1024];
    snprintf(want, sizeof want, "%s=%s", option, value);
    bool found = false;
    for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n"))
        if (strncmp(line, "#SBATCH ", 8) == 0 && strstr(line, option) == line + 8) {
            const int n = sbatch_split(line + 8, args, 8);
            cr_assert(n == 1 && strcmp(args[0], want) == 0, "%s: '%s' gives %d arguments, the first '%s', not '%s'",
                      path, line, n, n > 0 ? args[0] : "", want);
            found = true;
        }
    cr_assert(found, "%s: no #SBATCH %s line", path, option);
    free(text);
}

/* Writes DIR/bin/sbatch: records its arguments, one a line after a "--- call" line, in DIR/calls.txt, and
 * prints a job id (with a cluster name, as --parsable does), or fails with exit 3 when DIR/fail exists. */
static void stub_sbatch(const char *dir)
{
    char path[2048], q[2048];
    join(path, sizeof path, dir, "bin");
    cr_assert_eq(mkdir(path, 0777), 0);
    join(path, sizeof path, dir, "bin/sbatch");
    FILE *f = fopen(path, "w");
    cr_assert(f != NULL);
    shq(q, sizeof q, dir);
    fprintf(
        f,
        "#!/bin/sh\nd=%s\n[ -e \"$d/fail\" ] && { echo 'sbatch: error: stub' >&2; exit 3; }\n"
        "echo '--- call' >> \"$d/calls.txt\"\nfor a in \"$@\"; do printf '%%s\\n' \"$a\" >> \"$d/calls.txt\"; done\n"
        "echo '4242;cluster'\n",
        q);
    fclose(f);
    cr_assert_eq(chmod(path, 0755), 0);
}

static const char *slurm_sweep = "[axes]\ndevice.needle_length_mm = 0.5, 1.5\n[set]\nsimulation.days = 1\n"
                                 "grid.dx_um = 40\nschedule.sessions = 1\noutput.snapshot_days = 0, 1\n";

/* DIR/sweep.ini: slurm_sweep on the repository's default config. */
static void write_slurm_sweep(const char *dir)
{
    char path[2048], cwd[PATH_MAX];
    cr_assert(getcwd(cwd, sizeof cwd) != NULL);
    join(path, sizeof path, dir, "sweep.ini");
    FILE *f = fopen(path, "w");
    cr_assert(f != NULL);
    fprintf(f, "[sweep]\nbase = %s/configs/default.ini\n%s", cwd, slurm_sweep);
    fclose(f);
}

Test(inject, slurm_submit_runs_sbatch_with_an_argv_and_the_scripts_quote_every_name, .timeout = 300)
{
    char *dir = mh_test_temp_dir("inject_slurm"), *err = NULL, q[1024], qt[256], qp[256], adir[2048];
    stub_sbatch(dir);
    write_slurm_sweep(dir);
    /* a folder, a time and a partition that a shell or sbatch would split or run */
    const char *name = "s'$(touch PWNED)'`touch PWNED` \"x\" #y;z%j", *time = "10 --uid=0 #t",
               *partition = "p'$(touch PWNED)' --output=/tmp/PWNED";
    shq(q, sizeof q, name);
    shq(qt, sizeof qt, time);
    shq(qp, sizeof qp, partition);
    int rc = sh_in(dir, &err,
                   "PATH=\"$PWD/bin:$PATH\" \"$M\" sweep --slurm sweep.ini -o %s --submit --array-max 2 --time %s "
                   "--partition %s > submitted.txt",
                   q, qt, qp);
    cr_assert_eq(rc, 0, "exit %d: %s", rc, err);
    free(err);
    no_pwned(dir);
    /* sbatch got exactly these arguments: the array, then the summary after it */
    join(adir, sizeof adir, dir, name);
    char path[4096], want[16384];
    snprintf(want, sizeof want,
             "--- call\n--parsable\n%s/slurm/sweep.sbatch\n--- call\n--parsable\n--dependency=afterany:4242\n"
             "%s/slurm/collect.sbatch\n",
             adir, adir);
    join(path, sizeof path, dir, "calls.txt");
    char *calls = mh_test_read_file(path);
    cr_assert(calls != NULL, "the stub sbatch was not run");
    cr_assert_str_eq(calls, want);
    free(calls);
    join(path, sizeof path, dir, "submitted.txt");
    char *said = mh_test_read_file(path);
    cr_assert(said != NULL && strstr(said, "submitted job array 4242 and summary job 4242") != NULL, "%s", said);
    free(said);

    /* the #SBATCH lines, as sbatch splits them, give each value as one argument; in the output file names
     * (Slurm's patterns) the folder's '%' is doubled */
    char array[4096], collect[4096], pattern[4096], sdir[4200];
    snprintf(array, sizeof array, "%s/slurm/sweep.sbatch", adir);
    snprintf(collect, sizeof collect, "%s/slurm/collect.sbatch", adir);
    size_t k = 0;
    for (const char *c = adir; *c != '\0'; c++) {
        if (*c == '%')
            pattern[k++] = '%';
        pattern[k++] = *c;
    }
    pattern[k] = '\0';
    snprintf(sdir, sizeof sdir, "%s/slurm/task-%%a.out", pattern);
    sbatch_has(array, "--chdir", adir);
    sbatch_has(array, "--output", sdir);
    sbatch_has(array, "--time", time);
    sbatch_has(array, "--partition", partition);
    snprintf(sdir, sizeof sdir, "%s/slurm/collect.out", pattern);
    sbatch_has(collect, "--chdir", adir);
    sbatch_has(collect, "--output", sdir);

    /* the scripts' shell lines run as Slurm would run them: each task, then the summary */
    char qa[4200], qc[4200];
    shq(qa, sizeof qa, array);
    shq(qc, sizeof qc, collect);
    rc = sh_in(dir, &err,
               "SLURM_ARRAY_TASK_ID=0 bash %s 2>/dev/null && SLURM_ARRAY_TASK_ID=1 bash %s 2>/dev/null && bash %s", qa,
               qa, qc);
    cr_assert_eq(rc, 0, "the batch scripts: exit %d: %s", rc, err);
    free(err);
    no_pwned(dir);
    snprintf(path, sizeof path, "%s/summary.csv", adir);
    cr_assert(mh_test_exists(path), "no %s", path);

    /* sbatch fails: its message, exit 1, nothing submitted after it */
    join(path, sizeof path, dir, "fail");
    FILE *f = fopen(path, "w");
    cr_assert(f != NULL);
    fclose(f);
    rc = sh_in(dir, &err, "PATH=\"$PWD/bin:$PATH\" \"$M\" sweep --slurm sweep.ini -o %s --submit -q", q);
    cr_assert_eq(rc, 1, "exit %d: %s", rc, err);
    cr_assert(strstr(err, "sbatch error: stub") == NULL && strstr(err, "failed (exit 3)") != NULL, "%s", err);
    free(err);
    /* no sbatch at all */
    rc = sh_in(dir, &err, "PATH=/nonexistent \"$M\" sweep --slurm sweep.ini -o %s --submit -q", q);
    cr_assert_eq(rc, 1, "exit %d: %s", rc, err);
    cr_assert(strstr(err, "is Slurm's sbatch on the PATH?") != NULL, "%s", err);
    free(err);
    no_pwned(dir);
    free(dir);
}

Test(inject, slurm_refuses_line_breaks_and_a_backslash_in_the_folder, .timeout = 60)
{
    char *dir = mh_test_temp_dir("inject_slurm_nl"), *err = NULL, q[256], path[2048];
    stub_sbatch(dir);
    write_slurm_sweep(dir);
    /* a line break would give the batch script a line of its own: a command, or an #SBATCH option; a
     * backslash in the folder would be dropped from the tasks' output file names (Slurm's patterns) */
    const struct {
        const char *option, *value, *why;
    } cases[] = {{"-o", "out\ntouch PWNED", "a line break"},
                 {"--time", "10\n#SBATCH --uid=0", "a line break"},
                 {"--partition", "p\rtouch PWNED", "a line break"},
                 {"--sbatch-option", "--account=a\ntouch PWNED", "a line break"},
                 {"-o", "out\\x", "a backslash"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        shq(q, sizeof q, cases[i].value);
        char cmd[1024];
        snprintf(cmd, sizeof cmd, "PATH=\"$PWD/bin:$PATH\" \"$M\" sweep --slurm sweep.ini %s%s %s --submit",
                 strcmp(cases[i].option, "-o") == 0 ? "" : "-o ok ", cases[i].option, q);
        const int got = sh_in(dir, &err, "%s", cmd);
        cr_assert_eq(got, 2, "%s: exit %d: %s", cases[i].option, got, err);
        char want[128];
        snprintf(want, sizeof want, "%s: %s", cases[i].option, cases[i].why);
        cr_assert(strstr(err, want) != NULL, "%s", err);
        free(err);
    }
    /* nothing was submitted, no folder written */
    join(path, sizeof path, dir, "calls.txt");
    cr_assert(!mh_test_exists(path), "sbatch ran");
    const char *folders[] = {"ok", "out\ntouch PWNED", "out\\x"};
    for (int i = 0; i < 3; i++) {
        join(path, sizeof path, dir, folders[i]);
        cr_assert(!mh_test_exists(path), "%s was written", path);
    }
    no_pwned(dir);
    free(dir);
}
