# sweep_heatmap.gp: a grid sweep's metric on two axes: the mean over replicates (and any other axes) of each
# cell as a colour map, with the value printed in the cell.
#
# Usage: gnuplot -e "dat='heatmap_A_B.dat'; out='heatmap_A_B.png'; xlabel='A (mm)'; ylabel='B (1/cm^2)'" scripts/sweep_heatmap.gp
#   dat      table from `microheal sweep --plot DIR` (DIR/plots/heatmap_A_B.dat): "i j mean n", a blank line
#            after each i; "# xtics (...)" and "# ytics (...)" lines give the values at the indices i and j
#   out      PNG to write (default sweep_heatmap.png)
#   title, xlabel, ylabel, cblabel   optional texts (drawn as given, no enhanced-text markup)
# Exits with status 1 without dat.

if (!exists("dat")) {
    print "sweep_heatmap.gp: set dat='...' with gnuplot -e"
    exit status 1
}
if (!exists("out")) out = "sweep_heatmap.png"
if (!exists("title")) title = "sweep: mean over replicates"
if (!exists("xlabel")) xlabel = "first axis"
if (!exists("ylabel")) ylabel = "second axis"
if (!exists("cblabel")) cblabel = "metric"

if (strstrt(GPVAL_TERMINALS, "pngcairo")) {
    set terminal pngcairo size 1200,800 enhanced font ",14" linewidth 2
} else {
    set terminal png size 1200,800 enhanced font ",14" linewidth 2
}
set output out

xt = system(sprintf("grep -m1 '^# xtics ' '%s' | cut -c9-", dat))
yt = system(sprintf("grep -m1 '^# ytics ' '%s' | cut -c9-", dat))
if (strlen(xt) > 0) { eval "set xtics " . xt }
if (strlen(yt) > 0) { eval "set ytics " . yt }
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
     dat using 1:2:(sprintf("%.3g", $3)) with labels boxed font ",14"
set output
