# sweep_response.gp: a sweep's metric against one axis: mean over replicates with +-sd error bars and a
# min-max band, one curve per combination of the other axes (grid, oat), or a scatter of the points (lhs, sobol).
#
# Usage: gnuplot [-e "scatter=0; ticks=0"] -c scripts/sweep_response.gp DAT [OUT [TITLE [XLABEL [YLABEL]]]]
#   DAT      table from `microheal sweep --plot DIR` (DIR/plots/response_K.dat): gnuplot data blocks (two blank
#            lines apart), each opening with a title row; columns "value mean sd min max n label" (response)
#            or "value metric point label" (scatter)
#   OUT      PNG to write (default sweep_response.png)
#   scatter  1: a scatter of the points (lhs, sobol); 0 (default): mean, sd and min-max per value
#   ticks    1: a choice or bool axis, its values drawn at their indices: the tic labels are the label column
#   TITLE, XLABEL, YLABEL   optional texts (drawn as given, no enhanced-text markup)
# The arguments are a file name and texts, never gnuplot commands; titles and labels are data, shown as
# they are (papers/reliability.md). Exits with status 1 without DAT.

if (ARGC < 1) {
    print "usage: gnuplot -c sweep_response.gp DAT [OUT [TITLE [XLABEL [YLABEL]]]]"
    exit status 1
}
dat = ARG1
out = ARGC >= 2 ? ARG2 : "sweep_response.png"
title = ARGC >= 3 ? ARG3 : "sweep response"
xlabel = ARGC >= 4 ? ARG4 : "axis value"
ylabel = ARGC >= 5 ? ARG5 : "metric"
if (!exists("scatter")) scatter = 0
if (!exists("ticks")) ticks = 0

if (strstrt(GPVAL_TERMINALS, "pngcairo")) {
    set terminal pngcairo size 1200,800 enhanced font ",14" linewidth 2
} else {
    set terminal png size 1200,800 enhanced font ",14" linewidth 2
}
set output out

stats dat using 1 nooutput
nblocks = STATS_blocks
if (ticks) {
    # a choice or bool axis: its values at their indices 0, 1, ...; the tic labels from the label column (4
    # in a scatter, 7 in a response) of the rows after each title row, read as data
    label_col = scatter ? 4 : 7
    stats dat every ::1 using 1 nooutput
    array tic_label[int(STATS_max) + 1]
    do for [i = 1:|tic_label|] { tic_label[i] = "" }
    stats dat every ::1 using (tic_label[int($1) + 1] = strcol(label_col), 0) nooutput
    set xtics () noenhanced
    do for [i = 1:|tic_label|] {
        if (strlen(tic_label[i]) > 0) { set xtics add (tic_label[i] i - 1) }
    }
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

if (scatter) {
    plot dat index 0 using 1:2 with points pt 7 ps 1.5 lc rgb "#1b5e9e" title columnhead(1)
} else {
    plot for [i = 0:nblocks - 1] dat index i using 1:4:5 with filledcurves lc i + 1 notitle, \
         for [i = 0:nblocks - 1] dat index i using 1:2:3 with yerrorlines lc i + 1 lw 2 pt 7 ps 1.3 \
             title columnhead(1), \
         NaN with filledcurves lc rgb "gray60" title "min-max over replicates"
}
set output
