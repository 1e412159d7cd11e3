/* test_inject: hostile names never become commands (papers/reliability.md, "Shell and gnuplot injection"):
 * the gnuplot file-name function and runner (src/cli/mh_cli_util.c). */
#include "helpers.h"

#include "mh_cli_util.h"

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

/* Asserts that no file named PWNED (or starting so) is in dir or below it, or in the working directory. */
static void no_pwned(const char *dir)
{
    char q[2048], cmd[4200];
    shq(q, sizeof q, dir);
    snprintf(cmd, sizeof cmd, "test -z \"$(find %s . -maxdepth 1 -name 'PWNED*'; find %s -name 'PWNED*')\"", q, q);
    cr_assert_eq(system(cmd), 0, "a PWNED file appeared in %s or the working directory: a command ran", dir);
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
