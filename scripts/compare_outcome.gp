# compare_outcome.gp: one outcome of several variants (microheal compare): against the varied value (a
# numeric key: points joined by a line) or as bars, one per variant, labelled (files or a choice key), each
# with an error bar: the 95 % confidence interval of the ensemble mean (no width for one replicate).
#
# Usage: gnuplot -e "col=5; bars=0" -c scripts/compare_outcome.gp DAT [OUT [TITLE [XLABEL [YLABEL]]]]
#   DAT     table from `microheal compare` (DIR/outcomes.dat): one row per variant, columns
#           "variant value label", then per metric its mean, ci_lo and ci_hi (value: the varied value,
#           or the variant for a list; NaN: no value)
#   col     the column of the outcome's mean (4 = the first metric's; its interval: col + 1, col + 2)
#   bars    1: one bar per variant, labelled; 0 (default): the outcome against the value, a line
#   OUT     PNG to write (default compare_outcome.png)
#   TITLE, XLABEL, YLABEL   optional texts (drawn as given, no enhanced-text markup)
# The arguments are a file name and texts, never gnuplot commands; the labels are data, shown as they
# are (papers/reliability.md). Exits with status 1 without DAT or col.

if (ARGC < 1 || !exists("col")) {
    print "usage: gnuplot -e 'col=N' -c compare_outcome.gp DAT [OUT [TITLE [XLABEL [YLABEL]]]]"
    exit status 1
}
dat = ARG1
out = ARGC >= 2 ? ARG2 : "compare_outcome.png"
title = ARGC >= 3 ? ARG3 : "outcome"
xlabel = ARGC >= 4 ? ARG4 : "variant"
ylabel = ARGC >= 5 ? ARG5 : "outcome"
if (!exists("bars")) bars = 0

if (strstrt(GPVAL_TERMINALS, "pngcairo")) {
    set terminal pngcairo size 1200,800 enhanced font ",14" linewidth 2
} else {
    set terminal png size 1200,800 enhanced font ",14" linewidth 2
}
set output out

set title title noenhanced font ",16"
set xlabel xlabel noenhanced
set ylabel ylabel noenhanced
set grid ytics lc rgb "gray85" lw 0.5
set tics nomirror out
set border 3
set key off
set datafile missing "NaN"

if (bars) {
    set style fill solid 0.7 border lc rgb "gray20"
    set boxwidth 0.6
    stats dat using 1 nooutput
    set xrange [-0.6:STATS_max + 0.6]
    stats dat using col nooutput
    ymin = STATS_min > 0 ? 0 : STATS_min   # bars of positive values start at 0
    set yrange [ymin:*]
    set offsets 0, 0, graph 0.05, 0
    set xtics rotate by -30 left noenhanced
    plot dat using 1:col:xtic(3) with boxes lc rgb "#1b5e9e", \
         dat using 1:col:col + 1:col + 2 with yerrorbars lc rgb "gray20" pt 0 lw 1.5 notitle, \
         dat using 1:col:(sprintf("%.3g", column(col))) with labels offset 2.5, 1 notitle
} else {
    set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05
    plot dat using 2:col with lines lc rgb "#1b5e9e" lw 2, \
         dat using 2:col:col + 1:col + 2 with yerrorbars lc rgb "#1b5e9e" pt 7 ps 1.6 lw 1.5, \
         dat using 2:col:(sprintf("%.3g", column(col))) with labels offset 3, 0.6 notitle
}
set output
