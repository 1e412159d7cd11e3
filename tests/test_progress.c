/* test_progress: the progress bar of long commands (src/cli/mh_progress.c): its text for given progress
 * and times, and `microheal run` and `sweep` on a pseudo-terminal (a bar, at most 5 drawings a second,
 * erased before the one-line summary), with stderr on a file (no bar) and with --quiet (nothing). */
#include "helpers.h"

#include "mh_cli_util.h"
#include "mh_progress.h"

#include <errno.h>
#include <math.h>
#include <pty.h>
#include <sys/wait.h>

Test(progress, hms_is_hours_minutes_seconds)
{
    const struct {
        double s;
        const char *text;
    } cases[] = {{0, "00:00:00"},    {59.4, "00:00:59"},  {59.6, "00:01:00"},
                 {3723, "01:02:03"}, {86399, "23:59:59"}, {360000, "100:00:00"},
                 {-1, "--:--:--"},   {NAN, "--:--:--"},   {INFINITY, "--:--:--"}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char out[32];
        mh_progress_hms(cases[k].s, out, sizeof out);
        cr_assert_str_eq(out, cases[k].text, "%g s", cases[k].s);
    }
}

/* The time left is the rate so far, shown only once it means something (issue 22: "left 28463:54:09" in the
 * first seconds, from the short steps after a session). */
Test(progress, time_left_waits_for_a_meaningful_rate)
{
    cr_assert_eq(mh_progress_left_s(0.0, 180.0, 10.0), -1.0, "nothing done");
    cr_assert_eq(mh_progress_left_s(0.01, 180.0, 5.0), -1.0, "0.006 % done: no estimate");
    cr_assert_eq(mh_progress_left_s(8.9, 180.0, 60.0), -1.0, "below 5 %");
    cr_assert_eq(mh_progress_left_s(90.0, 180.0, 1.5), -1.0, "under 2 s elapsed");
    cr_assert_float_eq(mh_progress_left_s(9.0, 180.0, 60.0), 60.0 * 171.0 / 9.0, 1e-9, "5 %: 19 x the time so far");
    cr_assert_float_eq(mh_progress_left_s(45.0, 180.0, 3723.0), 3.0 * 3723.0, 1e-9);
    cr_assert_float_eq(mh_progress_left_s(180.0, 180.0, 10.0), 0.0, 0.0, "done");
    cr_assert_eq(mh_progress_left_s(1.0, 0.0, 10.0), -1.0, "no span");
}

Test(progress, bar_text_fits_the_terminal)
{
    char out[512];
    /* 80 columns: label 14 + percent 7 + times 33 leave 25 for " [" 22 cells "]"; a quarter is 5 cells */
    size_t n = mh_progress_format(out, sizeof out, 80, "day 45.0 / 180", 0.25, 3723, 11169);
    cr_assert_str_eq(out, "day 45.0 / 180 [#####.................]  25.0%  elapsed 01:02:03  left 03:06:09");
    cr_assert_eq(n, 79, "one column short of the width (a full line would wrap)");
    /* a wide terminal: at most 40 cells; done and unknown time left */
    mh_progress_format(out, sizeof out, 300, "points 16 / 16", 1.0, 61, NAN);
    cr_assert_str_eq(out, "points 16 / 16 [########################################] 100.0%  elapsed 00:01:01  left "
                          "--:--:--");
    /* fractions outside [0, 1] are clamped */
    mh_progress_format(out, sizeof out, 80, "day 0.0 / 10", -0.5, 0, -1);
    cr_assert(strstr(out, "[....") != NULL && strstr(out, "   0.0%") != NULL, "%s", out);
    mh_progress_format(out, sizeof out, 80, "day 12.0 / 10", 1.7, 0, 0);
    cr_assert(strstr(out, "[#") != NULL && strstr(out, "#]") != NULL && strstr(out, "#.") == NULL &&
                  strstr(out, " 100.0%") != NULL,
              "%s", out);
    /* 50 columns: no room for the times and a bar of 10: the bar alone, as wide as fits */
    n = mh_progress_format(out, sizeof out, 50, "day 45.0 / 180", 0.25, 3723, 11169);
    cr_assert_str_eq(out, "day 45.0 / 180 [######...................]  25.0%");
    cr_assert_leq(n, 49);
    /* a very narrow terminal: cut, never wrapped */
    n = mh_progress_format(out, sizeof out, 10, "day 45.0 / 180", 0.25, 3723, 11169);
    cr_assert_str_eq(out, "day 45.0 ");
    cr_assert_eq(n, 9);
}

/* Runs cmd with sh -c, its standard streams on a pseudo-terminal of 100 columns; returns its exit status,
 * all it wrote in *out (malloc'ed) and its wall time in *wall_s. */
static int run_on_pty(const char *cmd, char **out, double *wall_s)
{
    int master = -1;
    struct winsize ws = {.ws_row = 24, .ws_col = 100};
    const double t0 = mh_cli_now_s();
    pid_t pid = forkpty(&master, NULL, NULL, &ws);
    cr_assert(pid >= 0, "forkpty: %s", strerror(errno));
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    cr_assert(buf != NULL);
    for (;;) { /* until the terminal closes (EIO when the child has gone) */
        ssize_t r = read(master, buf + n, cap - n - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
        if (n + 1 >= cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            cr_assert(buf != NULL);
        }
    }
    buf[n] = '\0';
    close(master);
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    *wall_s = mh_cli_now_s() - t0;
    *out = buf;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* How often needle occurs in s. */
static int count(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

#define RUN_ARGS                                                                                                       \
    " run configs/default.ini -o %s/progress.h5 --set simulation.days=60 --set grid.dx_um=20 "                         \
    "--set schedule.sessions=2"

Test(progress, run_on_a_terminal_draws_a_bar_then_one_summary_line, .timeout = 120)
{
    char cmd[PATH_MAX + 256], *out = NULL, *dir = mh_test_temp_dir("progress");
    snprintf(cmd, sizeof cmd, MH_BIN RUN_ARGS, dir);
    double wall = 0;
    cr_assert_eq(run_on_pty(cmd, &out, &wall), 0, "%s", out);
    /* redrawn in place: carriage return, the bar, erase to the end of the line */
    cr_assert(strstr(out, "\rday 0.0 / 60 [") != NULL, "%s", out);
    cr_assert(strstr(out, "elapsed 00:00:0") != NULL && strstr(out, "left ") != NULL, "%s", out);
    const int drawings = count(out, "\rday ");
    cr_assert(drawings >= 1 && drawings <= 5.0 * wall + 2, "%d drawings in %.1f s", drawings, wall);
    /* erased, then the summary: one line with the wall time */
    const char *erased = strstr(out, "\r\033[Kwrote ");
    cr_assert(erased != NULL, "%s", out);
    const char *summary = erased + 4;
    cr_assert(strstr(summary, " steps (") != NULL && strstr(summary, " s; session 1: channels closed") != NULL, "%s",
              summary);
    cr_assert_eq(count(summary, "\n"), 1, "the summary is one line: %s", summary);
    cr_assert(strstr(summary, "\r") == strstr(summary, "\r\n"), "no bar after the summary: %s", summary);
    free(out);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    free(dir);
}

Test(progress, no_bar_when_stderr_is_not_a_terminal_and_none_with_quiet, .timeout = 120)
{
    /* stderr on a file (mh_test_sh): the set-up and the summary, no bar */
    char cmd[PATH_MAX + 256], *err = NULL, *out = NULL, *dir = mh_test_temp_dir("progress");
    snprintf(cmd, sizeof cmd, MH_BIN RUN_ARGS, dir);
    cr_assert_eq(mh_test_sh(cmd, &err), 0, "%s", err);
    cr_assert(strstr(err, "wrote ") != NULL && strstr(err, dir) != NULL, "%s", err);
    cr_assert(strstr(err, "elapsed") == NULL && strchr(err, '\r') == NULL && strchr(err, '\033') == NULL, "%s", err);
    free(err);
    /* --quiet on a terminal: nothing at all */
    snprintf(cmd, sizeof cmd, MH_BIN RUN_ARGS " --quiet", dir);
    double wall = 0;
    cr_assert_eq(run_on_pty(cmd, &out, &wall), 0, "%s", out);
    cr_assert_str_eq(out, "");
    free(out);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    free(dir);
}

Test(progress, local_sweep_on_a_terminal_counts_points, .timeout = 120)
{
    char dir[200], cwd[1024], path[1200], cmd[3000], *out = NULL;
    mh_test_mkdtemp(dir, sizeof dir, "progress_sweep");
    cr_assert(getcwd(cwd, sizeof cwd) != NULL);
    snprintf(path, sizeof path, "%s/sweep.ini", dir);
    FILE *f = fopen(path, "w");
    cr_assert(f != NULL);
    fprintf(f,
            "[sweep]\nbase = %s/configs/default.ini\n[axes]\ndevice.needle_length_mm = 0.5, 1.5\n[set]\n"
            "simulation.days = 2\ngrid.dx_um = 40\nschedule.sessions = 1\noutput.snapshot_days = 0\n",
            cwd);
    fclose(f);
    snprintf(cmd, sizeof cmd, MH_BIN " sweep %s -o %s/out -j 1", path, dir);
    double wall = 0;
    cr_assert_eq(run_on_pty(cmd, &out, &wall), 0, "%s", out);
    cr_assert(strstr(out, "\rpoints 0 / 2 [") != NULL, "%s", out);
    cr_assert(strstr(out, "\rpoints 1 / 2 [") != NULL, "%s", out);
    cr_assert(strstr(out, "[2/2] point 1 complete") != NULL, "%s", out);
    free(out);
}
