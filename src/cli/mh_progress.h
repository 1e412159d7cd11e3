/* src/cli: the microheal command: parse the arguments, call the library, report, exit code. */
/* mh_progress: a progress bar for long commands on a terminal: how far (simulated days, points), the
 * percentage, the wall time elapsed and an estimate of the time left, redrawn in place on one line. */
#ifndef MH_PROGRESS_H
#define MH_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A bar in progress. Progress runs from `from` to `to` (simulated days of a run, from the day it started
 * or resumed; points of a sweep). The time left is estimated from the rate so far: elapsed x (to - at) /
 * (at - from). For a run that rate is uneven (the hours after each session take many short steps, the
 * remodelling months few long ones), so the estimate runs high after a session and low before the next. */
typedef struct {
    FILE *out;              /* the terminal; NULL: no bar (every call does nothing) */
    const char *unit;       /* "day" or "points" */
    double from, to;        /* the range of progress */
    double start_s, last_s; /* wall clock (mh_cli_now_s) at the start and at the last drawing */
    bool shown;             /* a bar stands on the line */
} mh_progress;

/* Fewest seconds between two drawings: at most 5 a second. */
#define MH_PROGRESS_PERIOD_S 0.2

/* Starts a bar on out (and draws it at 0) when out is a terminal and quiet is false; otherwise p stays off. */
void mh_progress_start(mh_progress *p, FILE *out, bool quiet, const char *unit, double from, double to);
/* Progress has reached at: redraws the bar unless it was drawn less than MH_PROGRESS_PERIOD_S ago. */
void mh_progress_update(mh_progress *p, double at);
/* Erases the bar (before another message on the terminal); the next update draws it again. */
void mh_progress_clear(mh_progress *p);
/* Erases the bar and turns p off: the line is left empty for what follows. */
void mh_progress_finish(mh_progress *p);

/* Wall time as HH:MM:SS (hours grow past 99 as needed); "--:--:--" when s is negative or not finite. */
void mh_progress_hms(double s, char *out, size_t len);
/* The time left (s) at done of span after elapsed_s, from the rate so far; -1 (shown "--:--:--") until that
 * rate means something: at least MH_PROGRESS_MIN_FRACTION of the span done and MH_PROGRESS_MIN_S elapsed (a
 * run's first steps after a session are short in simulated time: a rate from them is far too slow). */
#define MH_PROGRESS_MIN_FRACTION 0.05
#define MH_PROGRESS_MIN_S 2.0
double mh_progress_left_s(double done, double span, double elapsed_s);
/* The bar's text, at most width - 1 characters (a terminal wraps a line that fills its last column):
 * "LABEL [#####.....]  25.0%  elapsed HH:MM:SS  left HH:MM:SS". frac is clamped to [0, 1]; remaining_s
 * negative or not finite shows as --:--:--. The bar is as wide as fits (at most 40 cells); with less room
 * than 10 cells it is left out, with less still the times too, and the text is cut at width - 1. Returns
 * the text's length. */
size_t mh_progress_format(char *out, size_t len, int width, const char *label, double frac, double elapsed_s,
                          double remaining_s);

#endif
