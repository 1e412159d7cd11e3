# healing_curves.gp: collagen I, collagen III, total collagen and elastin relative to untreated skin,
# papillary dermis (top panel, with the epidermal thickness above it) and whole dermis (bottom panel),
# with the sessions marked.
#
# Usage: gnuplot -c scripts/healing_curves.gp SERIES SESSIONS [OUT [SUBTITLE [DATA]]]
#   SERIES    table from `microheal export OUT.h5 --series`; columns are looked up by name in its
#             "# 1:t_days 2:..." header line, so reordered or added columns do not matter
#   SESSIONS  table from `microheal export OUT.h5 --sessions` ("# session day")
#   OUT       PNG to write (default healing_curves.png)
#   SUBTITLE  optional second title line (e.g. the validation target), shown as given (no markup)
#   DATA      optional table of measured points, "# panel day value sigma" (panel 1 = papillary dermis,
#             2 = whole dermis; day on the series' time axis), drawn with error bars
# The arguments are file names and text, never gnuplot commands (papers/reliability.md). Time is shown
# relative to the first session. The canvas, fonts and column lookup: style.gp. Exits with status 1 if a
# column is missing.

if (ARGC < 2) {
    print "usage: gnuplot -c healing_curves.gp SERIES SESSIONS [OUT [SUBTITLE [DATA]]]"
    exit status 1
}
series = ARG1
sessions = ARG2
out = ARGC >= 3 ? ARG3 : "healing_curves.png"
subtitle = ARGC >= 4 ? ARG4 : ""
has_data = ARGC >= 5 && strlen(ARG5) > 0
data = has_data ? ARG5 : ""

_d = ""; do for [_i = strlen(ARG0):1:-1] { if (ARG0[_i:_i] eq "/") { _d = ARG0[1:_i]; break } }
load (_d[1:1] eq "/" ? "" : "./") . _d . "style.gp"
@png_terminal

layers = "papillary_dermis dermis"
layer_titles = "'papillary dermis' 'whole dermis'"
quantities = "collagen_I collagen_III collagen_total elastin"
quantity_titles = "'collagen I' 'collagen III' 'total collagen' 'elastin'"
c_t = col("t_days")
if (c_t == 0) { print "healing_curves.gp: no t_days column in " . series; exit status 1 }
c_epi = col("epidermis/thickness")
if (c_epi == 0) { print "healing_curves.gp: no column epidermis/thickness in " . series; exit status 1 }
do for [layer in layers] {
    do for [q in quantities] {
        if (col(layer . "/" . q) == 0) {
            print "healing_curves.gp: no column " . layer . "/" . q . " in " . series
            exit status 1
        }
    }
}

# Session days ("# session day": the second column of every row), as a list of numbers.
session_days = ""
stats sessions using (session_days = session_days . sprintf(" %.15g", $2), 0) nooutput
nsessions = words(session_days)
t0 = (nsessions > 0) ? word(session_days, 1) + 0 : 0

# One y range for both panels, so that the layers can be compared; always includes 1.0.
ymin = 1.0
ymax = 1.0
do for [layer in layers] {
    do for [q in quantities] {
        stats series using (column(col(layer . "/" . q))) nooutput
        ymin = (STATS_min < ymin) ? STATS_min : ymin
        ymax = (STATS_max > ymax) ? STATS_max : ymax
    }
}
stats series using (column(c_epi)) nooutput
ymin = (STATS_min < ymin) ? STATS_min : ymin
ymax = (STATS_max > ymax) ? STATS_max : ymax
if (has_data) {
    stats data using ($3 - $4) nooutput
    ymin = (STATS_min < ymin) ? STATS_min : ymin
    stats data using ($3 + $4) nooutput
    ymax = (STATS_max > ymax) ? STATS_max : ymax
}
ypad = (ymax - ymin > 0) ? 0.06 * (ymax - ymin) : 0.05
stats series using (column(c_t) - t0) nooutput
tmin = STATS_min
tmax = STATS_max

set xrange [tmin:tmax]
set yrange [ymin - ypad:ymax + ypad]
set grid lc rgb "gray85" lw 0.5
set ylabel "amount (untreated = 1)" offset 0.5,0
set mytics 2
set mxtics 2
set tics nomirror out
set border 3

set style line 1 lc rgb "#1b5e9e" lw 2 dt 1  # collagen I
set style line 2 lc rgb "#d95f02" lw 2 dt 1  # collagen III
set style line 3 lc rgb "#000000" lw 2.5 dt 1 # total collagen
set style line 4 lc rgb "#1b9e77" lw 2 dt 1  # elastin
set style line 5 lc rgb "#e7298a" lw 2 dt 4  # epidermal thickness (top panel)
set style line 9 lc rgb "gray50" lw 1.5 dt 2 # untreated

plot_title = "Dermal matrix after microneedling (relative to untreated skin)" . (strlen(subtitle) > 0 ? "\n" . subtitle : "")
top = (strlen(subtitle) > 0) ? 0.83 : 0.87  # a second title line takes room

set output out
set multiplot layout 2,1 title plot_title noenhanced \
    font font_title margins 0.10, 0.76, 0.12, top spacing 0, 0.11

do for [p = 1:2] {
    layer = word(layers, p)
    set title word(layer_titles, p) font font_panel offset 0,-0.4
    unset arrow
    unset label
    do for [s = 1:nsessions] {
        d = word(session_days, s) - t0
        set arrow from d, graph 0 to d, graph 1 nohead lc rgb "#b2182b" lw 1.2 dt 3 back
        set label sprintf("S%d", s) at d, graph 1 offset 0.3,-0.8 left tc rgb "#b2182b" font font_small
    }
    if (p == 2) {
        set xlabel "time after first session (days)"
        set format x "%g"
    } else {
        unset xlabel
        set format x ""
    }
    if (p == 1) {
        set key at screen 0.985, screen top + 0.01 right top vertical maxrows 10 Left reverse samplen 2 spacing 1.05 box opaque width -1
    } else {
        unset key
    }
    # (two plot commands: an empty iteration over the data would still take a line of the key)
    if (has_data) {
        plot 1.0 with lines ls 9 title "untreated", \
             for [i = 1:words(quantities)] series \
                 using (column(c_t) - t0):(column(col(layer . "/" . word(quantities, i)))) \
                 with lines ls i title word(quantity_titles, i), \
             series using (column(c_t) - t0):(p == 1 ? column(c_epi) : NaN) with lines ls 5 \
                 title "epidermal thickness", \
             NaN with lines lc rgb "#b2182b" lw 1.2 dt 3 title "session", \
             data using ($1 == p ? $2 - t0 : NaN):3:4 with yerrorbars pt 7 ps 1.6 lc rgb '#6a3d9a' lw 2 \
                 title 'data {/Symbol \261} sigma'
    } else {
        plot 1.0 with lines ls 9 title "untreated", \
             for [i = 1:words(quantities)] series \
                 using (column(c_t) - t0):(column(col(layer . "/" . word(quantities, i)))) \
                 with lines ls i title word(quantity_titles, i), \
             series using (column(c_t) - t0):(p == 1 ? column(c_epi) : NaN) with lines ls 5 \
                 title "epidermal thickness", \
             NaN with lines lc rgb "#b2182b" lw 1.2 dt 3 title "session"
    }
}
unset multiplot
set output
