# timecourse.gp: one study's time course against its data. There is one panel per series column that the
# study's targets read. Each panel draws:
#   - the column over time (replicate 0 of the scenario);
#   - at each target's day, the acceptance band (green bar) and the datum +- sigma (black), where the
#     source gives a value;
#   - the model's ensemble mean with its 95 % interval (blue inside the band, red outside).
#
# Usage: gnuplot -c scripts/timecourse.gp SERIES DATA [OUT [SUBTITLE]]
#   SERIES    table from `microheal export OUT.h5 --series`, columns looked up by name (style.gp)
#   DATA      table written by `microheal validate` (timecourse_NAME.dat), one row per target:
#             panel "column" day band_lo band_hi datum sigma mean ci_lo ci_hi within "target"
#             (values in the column's own units; -1e30 or 1e30 for a band end at infinity, NaN for a datum
#             the source does not give and for an interval that one replicate cannot give)
#   OUT       PNG to write (default timecourse.png)
#   SUBTITLE  second title line, shown as given (no markup)
# The arguments are file names and text, never gnuplot commands, and the table's texts are data
# (papers/reliability.md). Exits with status 1 if DATA has no row or a column is missing from SERIES.

if (ARGC < 2) {
    print "usage: gnuplot -c timecourse.gp SERIES DATA [OUT [SUBTITLE]]"
    exit status 1
}
series = ARG1
data = ARG2
out = ARGC >= 3 ? ARG3 : "timecourse.png"
subtitle = ARGC >= 4 ? ARG4 : ""

undefine STATS_*
stats data using 1 nooutput
npanels = exists("STATS_records") && STATS_records > 0 ? int(STATS_max) : 0
if (npanels < 1) { print "timecourse.gp: no rows in " . data; exit status 1 }

width = 1600
height = 330 * npanels + 170
fontsize = 18
_d = ""; do for [_i = strlen(ARG0):1:-1] { if (ARG0[_i:_i] eq "/") { _d = ARG0[1:_i]; break } }
load (_d[1:1] eq "/" ? "" : "./") . _d . "style.gp"
c_t = col("t_days")
if (c_t == 0) { print "timecourse.gp: no t_days column in " . series; exit status 1 }
@png_terminal
set output out

stats series using (column(c_t)) nooutput
tmax = STATS_max
set xrange [0:tmax * 1.02]
set style line 1 lc rgb "#1b5e9e" lw 2.5               # the column over time
set style line 2 lc rgb "#000000" pt 7 ps 1.6 lw 2     # datum +- sigma
set style line 3 lc rgb "#1b5e9e" pt 9 ps 2.2 lw 2     # model mean and interval, within the band
set style line 4 lc rgb "#b2182b" pt 11 ps 2.2 lw 2    # model mean and interval, outside the band
set style line 5 lc rgb "#a6dba0" lw 14                # acceptance band
set style line 6 lc rgb "gray50" lw 1.5 dt 2           # untreated (1)
set grid ytics lc rgb "gray85" lw 0.5
set ytics nomirror
isnum(x) = x == x
finite(x) = x == x && abs(x) < 1e29
clip(x, lo, hi) = x < lo ? lo : x > hi ? hi : x
top = 1.0 - 150.0 / height
set multiplot layout npanels, 1 title "Model against data over time\n" . subtitle font font_title noenhanced \
    margins 0.08, 0.72, 90.0 / height, top spacing 0.0, 70.0 / height
do for [k = 1:npanels] {
    # the panel's column name, and the y range: the column over time, the bands' finite ends, data and model
    cname = ""
    stats data using (column(1) == k ? (cname = strcol(2), 0) : 0) nooutput
    c = col(cname)
    if (c == 0) { print "timecourse.gp: no column " . cname . " in " . series; exit status 1 }
    set autoscale y  # stats keeps to the axis ranges: not the previous panel's
    stats series using (column(c)) nooutput
    ylo = STATS_min < 1 ? STATS_min : 1
    yhi = STATS_max > 1 ? STATS_max : 1
    stats data using (column(1) == k ? (v = $4, finite(v) && v < ylo ? ylo = v : 0, \
        v = $5, finite(v) && v > yhi ? yhi = v : 0, \
        v = $6 - $7, isnum(v) && v < ylo ? ylo = v : 0, v = $6 + $7, isnum(v) && v > yhi ? yhi = v : 0, \
        v = $9, isnum(v) && v < ylo ? ylo = v : 0, v = $10, isnum(v) && v > yhi ? yhi = v : 0, 0) : 0) nooutput
    pad = (yhi > ylo ? yhi - ylo : 1) * 0.12
    set yrange [ylo - pad:yhi + pad]
    set title cname font font_panel noenhanced
    if (k == npanels) { set xlabel "time after the first session (days)"; set format x "%g" } else { unset xlabel; set format x "" }
    set ylabel "relative to untreated"
    if (k == 1) { set key outside right top font font_small samplen 2 } else { unset key }
    plot 1 with lines ls 6 title "untreated", \
         series using (column(c_t)):(column(c)) with lines ls 1 title "model (replicate 0)", \
         data using (column(1) == k ? $3 : NaN):(clip($4, ylo - pad, yhi + pad)):(0): \
             (clip($5, ylo - pad, yhi + pad) - clip($4, ylo - pad, yhi + pad)) with vectors nohead ls 5 \
             title "acceptance band", \
         data using (column(1) == k ? $3 : NaN):6:7 with yerrorbars ls 2 title "datum {/Symbol \261} sigma", \
         data using (column(1) == k && $11 > 0 ? $3 + tmax * 0.012 : NaN):8:(isnum($9) ? $9 : $8):(isnum($10) ? $10 : $8) \
             with yerrorbars ls 3 title "model mean, 95 % CI (in band)", \
         data using (column(1) == k && $11 == 0 ? $3 + tmax * 0.012 : NaN):8:(isnum($9) ? $9 : $8):(isnum($10) ? $10 : $8) \
             with yerrorbars ls 4 title "(outside the band)"
}
unset multiplot
set output
