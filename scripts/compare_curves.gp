# compare_curves.gp: healing curves of several variants overlaid (microheal compare): dermis total collagen
# relative to untreated skin over the whole run (top panel) and the erythema index over the first week
# (bottom panel), one colour per variant (the legend beside the top panel): the ensemble mean as a line
# over a translucent band, its 95 % confidence interval (a band of no width for one replicate).
#
# Usage: gnuplot [-e "early=7"] -c scripts/compare_curves.gp DAT [OUT [TITLE]]
#   DAT     table from `microheal compare` (DIR/healing_curves.dat): one gnuplot data block per variant (two
#           blank lines apart), each opening with a title row ("LABEL" ...); columns t_days, then the
#           mean, ci_lo and ci_hi of dermis total collagen (2-4), erythema (5-7) and open channels (8-10)
#   OUT     PNG to write (default compare_curves.png)
#   TITLE   optional text over the top panel (drawn as given, no enhanced-text markup)
#   early   days of the bottom panel (default 7)
# The arguments are a file name and text, never gnuplot commands; the labels are data, shown as they are
# (papers/reliability.md). Exits with status 1 without DAT.

if (ARGC < 1) {
    print "usage: gnuplot -c compare_curves.gp DAT [OUT [TITLE]]"
    exit status 1
}
dat = ARG1
out = ARGC >= 2 ? ARG2 : "compare_curves.png"
title = ARGC >= 3 ? ARG3 : "healing curves"
if (!exists("early")) early = 7

if (strstrt(GPVAL_TERMINALS, "pngcairo")) {
    set terminal pngcairo size 1400,1000 enhanced font ",14" linewidth 2
} else {
    set terminal png size 1400,1000 enhanced font ",14" linewidth 2
}
set output out

stats dat using 1 nooutput
nblocks = STATS_blocks
if (STATS_max < early) early = STATS_max

set multiplot layout 2, 1 margins 0.09, 0.72, 0.09, 0.94 spacing 0, 0.14
set grid lc rgb "gray85" lw 0.5
set tics nomirror out
set border 3
set key outside right top vertical Left reverse noenhanced samplen 2 spacing 1.2 box

set title title noenhanced font ",16"
set xlabel "day after the first session"
set ylabel "total collagen, dermis (1 = untreated)"
set xrange [0:*]
set style fill transparent solid 0.2 noborder
plot for [i = 0:nblocks - 1] dat index i using 1:3:4 with filledcurves lc i + 1 notitle, \
     for [i = 0:nblocks - 1] dat index i using 1:2 with lines lc i + 1 lw 2 title columnhead(1), \
     1 with lines lc rgb "gray50" dt 2 lw 1 title "untreated"

set title "Erythema over the first week" noenhanced font ",16"
unset key
set xlabel "day after the first session"
set ylabel "erythema index"
set xrange [0:early]
set yrange [0:*]
plot for [i = 0:nblocks - 1] dat index i using 1:6:7 with filledcurves lc i + 1 notitle, \
     for [i = 0:nblocks - 1] dat index i using 1:5 with lines lc i + 1 lw 2 notitle
unset multiplot
set output
