# sweep_heatmap.gp: a grid sweep's metric on two axes: the mean over replicates (and any other axes) of each
# cell as a colour map, with the value printed in the cell.
#
# Usage: gnuplot -c scripts/sweep_heatmap.gp DAT [OUT [TITLE [XLABEL [YLABEL [CBLABEL]]]]]
#   DAT      table from `microheal sweep --plot DIR` (DIR/plots/heatmap_A_B.dat): "i j mean n a b", a blank
#            line after each i; a and b are the values at the indices i and j (the tic labels)
#   OUT      PNG to write (default sweep_heatmap.png)
#   TITLE, XLABEL, YLABEL, CBLABEL   optional texts (drawn as given, no enhanced-text markup)
# The arguments are a file name and texts, never gnuplot commands (papers/reliability.md). Exits with status
# 1 without DAT.

if (ARGC < 1) {
    print "usage: gnuplot -c sweep_heatmap.gp DAT [OUT [TITLE [XLABEL [YLABEL [CBLABEL]]]]]"
    exit status 1
}
dat = ARG1
out = ARGC >= 2 ? ARG2 : "sweep_heatmap.png"
title = ARGC >= 3 ? ARG3 : "sweep: mean over replicates"
xlabel = ARGC >= 4 ? ARG4 : "first axis"
ylabel = ARGC >= 5 ? ARG5 : "second axis"
cblabel = ARGC >= 6 ? ARG6 : "metric"

if (strstrt(GPVAL_TERMINALS, "pngcairo")) {
    set terminal pngcairo size 1200,800 enhanced font ",14" linewidth 2
} else {
    set terminal png size 1200,800 enhanced font ",14" linewidth 2
}
set output out

set xtics () noenhanced
set ytics () noenhanced
stats dat using 1:2 nooutput
set xrange [STATS_min_x - 0.5:STATS_max_x + 0.5]
set yrange [STATS_min_y - 0.5:STATS_max_y + 0.5]

set title title noenhanced font ",16"
set xlabel xlabel noenhanced
set ylabel ylabel noenhanced
set cblabel cblabel noenhanced
set tics out nomirror
set palette defined (0 "#440154", 0.25 "#3b528b", 0.5 "#21908d", 0.75 "#5dc963", 1 "#fde725")
set style textbox opaque noborder
set key off

plot dat using 1:2:3 with image, \
     dat using 1:2:(sprintf("%.3g", $3)):xtic(5):ytic(6) with labels boxed font ",14"
set output
