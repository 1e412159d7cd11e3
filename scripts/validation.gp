# validation.gp: model against data, one panel per target: the acceptance band (green box), the datum
# with its sigma (black, where the source gives a value) and the model's ensemble mean with the 95 %
# confidence interval of the mean (blue when the mean is within the band, red outside).
#
# Usage: gnuplot -c scripts/validation.gp DATA [OUT]
#   DATA  table written by `microheal validate` (validation_plot.dat), one row per target:
#         index "name" "item" band_lo band_hi datum sigma mean ymin ymax within ci_lo ci_hi
#         (band ends at infinity are drawn at the panel's edge; datum NaN = a bound-only target; with one
#         replicate the interval is the mean itself)
#   OUT   PNG to write (default validation.png)
# The arguments are file names, never gnuplot commands, and the table's texts are data, shown as they
# are (papers/reliability.md). Exits with status 1 if DATA is not given or holds no row.

if (ARGC < 1) {
    print "usage: gnuplot -c validation.gp DATA [OUT]"
    exit status 1
}
data = ARG1
out = ARGC >= 2 ? ARG2 : "validation.png"

undefine STATS_*
stats data using 1 nooutput
n = exists("STATS_records") ? STATS_records : 0
if (n < 1) { print "validation.gp: no rows in " . data; exit status 1 }
ncols = (n < 4) ? n : 4
nrows = int((n + ncols - 1) / ncols)

if (strstrt(GPVAL_TERMINALS, "pngcairo")) {
    set terminal pngcairo size 400 * ncols, 300 * nrows + 90 enhanced font ",11" linewidth 1.5
} else {
    set terminal png size 400 * ncols, 300 * nrows + 90 enhanced font ",11" linewidth 1.5
}
set output out

set style line 1 lc rgb "#000000" pt 7 ps 1.3 lw 1.5   # datum +- sigma
set style line 2 lc rgb "#1b5e9e" pt 9 ps 2.0 lw 1.5   # model mean and interval, within the band
set style line 3 lc rgb "#b2182b" pt 11 ps 2.0 lw 1.5  # model mean and interval, outside the band
set xrange [0:3]
unset xtics
set ytics nomirror out font ",10"
set border 2
set grid ytics lc rgb "gray85" lw 0.5
set multiplot layout nrows, ncols title "microheal validation: model against data (green: acceptance band)" \
    font ",14" margins 0.05, 0.98, 20.0 / (300 * nrows + 90), 1.0 - 100.0 / (300 * nrows + 90) \
    spacing 0.05, 90.0 / (300 * nrows + 90)
do for [i = 1:n] {
    # row i: its texts and numbers, read as data
    stats data every ::(i - 1)::(i - 1) using (name = strcol(2), item = strcol(3), blo = $4, bhi = $5, ymin = $9, \
        ymax = $10, 0) nooutput
    set yrange [ymin:ymax]
    set title sprintf("%s (item %s)", name, item) font ",10" noenhanced
    unset object
    if (bhi > blo) {
        set object 1 rect from 0.7, blo to 2.3, bhi fc rgb "#a6dba0" fs solid 0.6 noborder behind
    } else {
        set object 1 rect from 0.7, graph 0 to 2.3, graph 0 fc rgb "#a6dba0" fs solid 0.6 noborder behind
        set arrow 1 from 0.7, blo to 2.3, blo nohead lc rgb "#1b7837" lw 3 back
    }
    if (i == 1) {
        set key at screen 0.99, screen 0.995 right top vertical font ",10" samplen 1
    } else {
        unset key
    }
    plot data every ::(i - 1)::(i - 1) using (1.0):6:7 with yerrorbars ls 1 title "datum {/Symbol \261} sigma", \
         data every ::(i - 1)::(i - 1) using (2.0):($11 > 0 ? $8 : NaN):12:13 with yerrorbars ls 2 \
             title "model mean, 95 % CI (within band)", \
         data every ::(i - 1)::(i - 1) using (2.0):($11 > 0 ? NaN : $8):12:13 with yerrorbars ls 3 \
             title "(outside)"
    unset arrow 1
}
unset multiplot
set output
