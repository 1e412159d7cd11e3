# early_response.gp: the first days after the first session: erythema index, superficial perfusion gain
# (perfusion - 1), barrier loss, open-channel fraction and re-epithelialised fraction (left axis) and
# bleeding (right axis).
#
# Usage: gnuplot [-e "days=7"] -c scripts/early_response.gp SERIES [SESSIONS [OUT]]
#   SERIES    table from `microheal export OUT.h5 --series`; columns are looked up by name in its
#             "# 1:t_days 2:..." header line, so reordered or added columns do not matter
#   SESSIONS  table from `microheal export OUT.h5 --sessions` ("# session day"); optional (or ""), the
#             first session day is the time origin (default 0)
#   OUT       PNG to write (default early_response.png)
#   days      length of the window in days (default 7)
# The arguments are file names, never gnuplot commands (papers/reliability.md). The canvas, fonts and
# column lookup: style.gp. Exits with status 1 if a column is missing.

if (ARGC < 1) {
    print "usage: gnuplot -c early_response.gp SERIES [SESSIONS [OUT]]"
    exit status 1
}
series = ARG1
has_sessions = ARGC >= 2 && strlen(ARG2) > 0
sessions = has_sessions ? ARG2 : ""
out = ARGC >= 3 ? ARG3 : "early_response.png"
if (!exists("days")) days = 7

_d = ""; do for [_i = strlen(ARG0):1:-1] { if (ARG0[_i:_i] eq "/") { _d = ARG0[1:_i]; break } }
load (_d[1:1] eq "/" ? "" : "./") . _d . "style.gp"
@png_terminal

do for [name in "t_days erythema perfusion barrier_loss open_channels reepithelialized bleeding"] {
    if (col(name) == 0) { print "early_response.gp: no column " . name . " in " . series; exit status 1 }
}
c_t = col("t_days")
c_ery = col("erythema")
c_perf = col("perfusion")
c_bar = col("barrier_loss")
c_open = col("open_channels")
c_reepi = col("reepithelialized")
c_bleed = col("bleeding")

# Time origin: the first session (the window shows the response to that one only).
t0 = 0
if (has_sessions) {
    _first = NaN
    stats sessions using (_first = _first == _first ? _first : $2, 0) nooutput
    if (_first == _first) {
        t0 = _first
    }
}

# Left axis: fractions and the erythema index, from 0 to at least 1.
stats series using (column(c_t) - t0 >= 0 && column(c_t) - t0 <= days ? column(c_ery) : NaN) nooutput
ymax = (STATS_max > 1.0) ? 1.05 * STATS_max : 1.05
stats series using (column(c_t) - t0 >= 0 && column(c_t) - t0 <= days ? column(c_perf) - 1 : NaN) nooutput
ymax = (1.05 * STATS_max > ymax) ? 1.05 * STATS_max : ymax
set yrange [0:ymax]
set y2range [0:*]
set xrange [0:days]

set title "Early response to the first session" font font_title
set xlabel "time after first session (days)"
set ylabel "erythema index, fraction (dimensionless)"
set y2label "bleeding (µL/cm²)"
set xtics 1
set mxtics 4
set ytics nomirror
set y2tics
set tics out
set grid xtics ytics lc rgb "gray85" lw 0.5
set bmargin at screen 0.25
set key at screen 0.5, screen 0.01 center bottom horizontal Left reverse samplen 2 width 2 maxrows 3

set style line 1 lc rgb "#b2182b" lw 2.5        # erythema
set style line 2 lc rgb "#1b5e9e" lw 2.5        # open channels
set style line 3 lc rgb "#1b9e77" lw 2.5        # re-epithelialised
set style line 4 lc rgb "#7b3294" lw 2 dt 2     # bleeding
set style line 5 lc rgb "#e08214" lw 2 dt 4     # perfusion gain
set style line 6 lc rgb "#4d4d4d" lw 2 dt 1     # barrier loss

set output out
plot series using (column(c_t) - t0):(column(c_ery)) with lines ls 1 title "erythema index", \
     series using (column(c_t) - t0):(column(c_perf) - 1) with lines ls 5 title "superficial perfusion - 1", \
     series using (column(c_t) - t0):(column(c_bar)) with lines ls 6 title "barrier loss (TEWL)", \
     series using (column(c_t) - t0):(column(c_open)) with lines ls 2 title "open-channel fraction", \
     series using (column(c_t) - t0):(column(c_reepi)) with lines ls 3 title "re-epithelialised fraction", \
     series using (column(c_t) - t0):(column(c_bleed)) axes x1y2 with lines ls 4 title "bleeding (right axis)"
set output
