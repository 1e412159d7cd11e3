# sweep_response.gp: a sweep's metric against one axis: mean over replicates with +-sd error bars and a
# min-max band, one curve per combination of the other axes (grid, oat), or a scatter of the points (lhs, sobol).
#
# Usage: gnuplot -e "dat='response_K.dat'; out='response_K.png'; xlabel='K (mm)'; ylabel='M (1)'" scripts/sweep_response.gp
#   dat     table from `microheal sweep --plot DIR` (DIR/plots/response_K.dat): gnuplot data blocks (two blank
#           lines apart), each opening with a title row; columns "value mean sd min max n label" (mode response)
#           or "value metric point label" (mode scatter); a "# xtics (...)" line names a choice or bool axis' values
#   out     PNG to write (default sweep_response.png)
#   mode    response (default) or scatter
#   title, xlabel, ylabel   optional texts (drawn as given, no enhanced-text markup)
# Exits with status 1 without dat.

if (!exists("dat")) {
    print "sweep_response.gp: set dat='...' with gnuplot -e"
    exit status 1
}
if (!exists("out")) out = "sweep_response.png"
if (!exists("mode")) mode = "response"
if (!exists("title")) title = "sweep response"
if (!exists("xlabel")) xlabel = "axis value"
if (!exists("ylabel")) ylabel = "metric"

if (strstrt(GPVAL_TERMINALS, "pngcairo")) {
    set terminal pngcairo size 1200,800 enhanced font ",14" linewidth 2
} else {
    set terminal png size 1200,800 enhanced font ",14" linewidth 2
}
set output out

stats dat using 1 nooutput
nblocks = STATS_blocks
xt = system(sprintf("grep -m1 '^# xtics ' '%s' | cut -c9-", dat))
if (strlen(xt) > 0) {
    eval "set xtics " . xt
    set xrange [-0.5:*]
    set offsets 0, 0.5, 0, 0
} else {
    set offsets graph 0.03, graph 0.03, 0, 0
}

set title title noenhanced font ",16"
set xlabel xlabel noenhanced
set ylabel ylabel noenhanced
set grid lc rgb "gray85" lw 0.5
set tics nomirror out
set border 3
set key outside right top vertical Left reverse noenhanced samplen 2 spacing 1.3 box
set style fill transparent solid 0.15 noborder

if (mode eq "scatter") {
    plot dat index 0 using 1:2 with points pt 7 ps 1.5 lc rgb "#1b5e9e" title columnhead(1)
} else {
    plot for [i = 0:nblocks - 1] dat index i using 1:4:5 with filledcurves lc i + 1 notitle, \
         for [i = 0:nblocks - 1] dat index i using 1:2:3 with yerrorlines lc i + 1 lw 2 pt 7 ps 1.3 \
             title columnhead(1), \
         NaN with filledcurves lc rgb "gray60" title "min-max over replicates"
}
set output
