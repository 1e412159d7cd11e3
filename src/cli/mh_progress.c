/* src/cli: the microheal command: parse the arguments, call the library, report, exit code. */
/* mh_progress: the progress bar of long commands on a terminal (see mh_progress.h). */
#include "mh_progress.h"
#include "mh_cli_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

void mh_progress_hms(double s, char *out, size_t len)
{
    if (!isfinite(s) || s < 0.0 || s > 1e9) {
        snprintf(out, len, "--:--:--");
        return;
    }
    const long t = (long)(s + 0.5);
    snprintf(out, len, "%02ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
}

double mh_progress_left_s(double done, double span, double elapsed_s)
{
    if (!(span > 0.0) || !(done >= MH_PROGRESS_MIN_FRACTION * span) || !(elapsed_s >= MH_PROGRESS_MIN_S))
        return -1.0;
    return elapsed_s * (span - fmin(done, span)) / done;
}

size_t mh_progress_format(char *out, size_t len, int width, const char *label, double frac, double elapsed_s,
                          double remaining_s)
{
    if (len == 0)
        return 0;
    frac = isfinite(frac) ? fmin(fmax(frac, 0.0), 1.0) : 0.0;
    char elapsed[32], left[32], times[96];
    mh_progress_hms(elapsed_s, elapsed, sizeof elapsed);
    mh_progress_hms(remaining_s, left, sizeof left);
    snprintf(times, sizeof times, "  elapsed %s  left %s", elapsed, left);
    char percent[16];
    snprintf(percent, sizeof percent, " %5.1f%%", 100.0 * frac);
    /* label, percent, then what fits of width - 1: the times and a bar (" [" ... "]", 10 to 40 cells),
     * else the times alone, else the bar alone */
    const int avail = width - 1 - (int)(strlen(label) + strlen(percent)), ntimes = (int)strlen(times);
    const bool with_times = avail >= ntimes;
    int bar = (with_times ? avail - ntimes : avail) - 3;
    bar = bar > 40 ? 40 : bar < 10 ? 0 : bar;
    char cells[41] = "";
    if (bar > 0) {
        const int full = (int)(frac * bar + 1e-9);
        memset(cells, '#', (size_t)full);
        memset(cells + full, '.', (size_t)(bar - full));
        cells[bar] = '\0';
    }
    int n = snprintf(out, len, "%s%s%s%s%s%s", label, bar > 0 ? " [" : "", cells, bar > 0 ? "]" : "", percent,
                     with_times ? times : "");
    if (n < 0)
        n = 0;
    /* never wider than the terminal: cut what does not fit */
    size_t w = width > 1 ? (size_t)width - 1 : 0;
    size_t used = (size_t)n < len ? (size_t)n : len - 1;
    if (used > w) {
        out[w] = '\0';
        used = w;
    }
    return used;
}

/* Columns of the terminal behind out (80 when it does not say). */
static int columns(FILE *out)
{
    struct winsize ws;
    if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 80;
}

/* Draws the bar at `at` over the current line. */
static void draw(mh_progress *p, double at)
{
    const double now = mh_cli_now_s(), elapsed = now - p->start_s, span = p->to - p->from;
    const double done = at - p->from, frac = span > 0.0 ? done / span : 1.0;
    const double left = mh_progress_left_s(done, span, elapsed);
    char label[96], line[512];
    if (strcmp(p->unit, "day") == 0)
        snprintf(label, sizeof label, "day %.1f / %g", at, p->to);
    else
        snprintf(label, sizeof label, "%s %.0f / %.0f", p->unit, at, p->to);
    mh_progress_format(line, sizeof line, columns(p->out), label, frac, elapsed, left);
    fprintf(p->out, "\r%s\033[K", line);
    fflush(p->out);
    p->last_s = now;
    p->shown = true;
}

void mh_progress_start(mh_progress *p, FILE *out, bool quiet, const char *unit, double from, double to)
{
    *p = (mh_progress){NULL, unit, from, to, mh_cli_now_s(), 0.0, false};
    if (quiet || out == NULL || !isatty(fileno(out)))
        return;
    p->out = out;
    draw(p, from);
}

void mh_progress_update(mh_progress *p, double at)
{
    if (p->out != NULL && mh_cli_now_s() - p->last_s >= MH_PROGRESS_PERIOD_S)
        draw(p, at);
}

void mh_progress_clear(mh_progress *p)
{
    if (p->out == NULL || !p->shown)
        return;
    fputs("\r\033[K", p->out);
    fflush(p->out);
    p->shown = false;
    p->last_s = 0.0; /* the next update draws */
}

void mh_progress_finish(mh_progress *p)
{
    mh_progress_clear(p);
    p->out = NULL;
}
