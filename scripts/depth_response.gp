# depth_response.gp: the matrix gained at each depth: the change of total collagen, collagen I, collagen III
# and elastin relative to untreated skin, averaged over the width of the section, against depth, one
# panel per quantity and one curve per day, with the layer boundaries marked.
#
# Usage: gnuplot -e "array days[2] = [7, 42]" -c scripts/depth_response.gp OUT PREFIX
#   OUT     PNG to write
#   PREFIX  the tables are the files PREFIX<Q>_<K>.txt from `microheal export OUT.h5 --profile Q --day D`
#           for Q = collagen_total, collagen_I, collagen_III, elastin and K = 0, 1, ... one per day (in
#           the order of days); e.g. PREFIX = "tables/depth_" names tables/depth_collagen_total_0.txt
#   days    array (in -e) of the days of the snapshots (1 to 4): the curves are titled "day D"
#   asked   optional array beside days: the day asked for; a curve whose snapshot is of another day is
#           titled "day D (nearest to A)"
# The arguments are file names, never gnuplot commands (papers/reliability.md). Values are drawn in the
# dermis only (layer ids 2 and 3 of the profile's rows: the other layers hold no matrix in the model); the
# layer tops come from the first file's "# layer_top_mm" line. All panels share one x range. The canvas
# and fonts: style.gp. Exits with status 1 if a file is missing or empty.

if (ARGC < 2 || !exists("days")) {
    print "usage: gnuplot -e 'array days[N] = [D1, ...]' -c depth_response.gp OUT PREFIX (1 to 4 days)"
    exit status 1
}
out = ARG1
prefix = ARG2
nd = |days|
if (nd < 1 || nd > 4) {
    print "depth_response.gp: 1 to 4 days"
    exit status 1
}
array titles[nd]
do for [d = 1:nd] {
    titles[d] = sprintf("day %g", days[d])
    if (exists("asked")) {
        if (abs(days[d] - asked[d]) > 1e-9 * (1 + abs(asked[d]))) {
            titles[d] = sprintf("day %g (nearest to %g)", days[d], asked[d])
        }
    }
}
quantities = "collagen_total collagen_I collagen_III elastin"
quantity_titles = "'total collagen' 'collagen I' 'collagen III' 'elastin'"
nq = words(quantities)
_d = ""; do for [_i = strlen(ARG0):1:-1] { if (ARG0[_i:_i] eq "/") { _d = ARG0[1:_i]; break } }
load (_d[1:1] eq "/" ? "" : "./") . _d . "style.gp"
@png_terminal

file(q, d) = sprintf("%s%s_%d.txt", prefix, word(quantities, q), d - 1)
dermal(layer) = (layer == 2 || layer == 3)
change(layer, mean) = dermal(layer) ? 100.0 * (mean - 1.0) : NaN

# Shared x range over every curve, 0 (untreated) always inside.
xmin = 0.0
xmax = 0.0
do for [q = 1:nq] {
    do for [d = 1:nd] {
        undefine STATS_*
        stats file(q, d) using (change($2, $3)) nooutput
        if (!exists("STATS_records")) {
            print "depth_response.gp: no data in " . file(q, d)
            exit status 1
        }
        if (STATS_records > 0) {
            xmin = (STATS_min < xmin) ? STATS_min : xmin
            xmax = (STATS_max > xmax) ? STATS_max : xmax
        }
    }
}
xpad = (xmax - xmin > 0) ? 0.06 * (xmax - xmin) : 1.0
set xrange [xmin - xpad:xmax + xpad]
set xtics nice_step(xmax - xmin + 2 * xpad, 4)

# Layer tops (mm): the header line "# layer_top_mm t0 t1 t2 t3 t4 bottom" among the first rows, read as
# data (its words are its columns with the comment characters off).
array tops[6] = [NaN, NaN, NaN, NaN, NaN, NaN]
set datafile commentschars ""
stats file(1, 1) every ::0:0:5:0 using ((strcol(1) eq "#" && strcol(2) eq "layer_top_mm") ? \
    (tops[1] = $3, tops[2] = $4, tops[3] = $5, tops[4] = $6, tops[5] = $7, tops[6] = $8) : 0, 0) nooutput
set datafile commentschars "#"
if (tops[6] != tops[6]) {
    print "depth_response.gp: no '# layer_top_mm' line in " . file(1, 1)
    exit status 1
}
set yrange [tops[6]:0]
do for [l = 2:5] {
    set arrow l from graph 0, first tops[l] to graph 1, first tops[l] nohead dt 2 lw 1 lc rgb "gray40" back
}
# Layer names at the middle of each layer, right of the last panel (epidermis: its two layers together).
layer_mid(a, b) = 0.5 * (tops[a] + tops[b])

set style line 1 lc rgb "#e08214" lw 3 pt 7 ps 0.8
set style line 2 lc rgb "#b2182b" lw 3 pt 5 ps 0.8
set style line 3 lc rgb "#2166ac" lw 3 pt 9 ps 0.8
set style line 4 lc rgb "#1b7837" lw 3 pt 11 ps 0.8
set tics out nomirror
set border 3
set grid xtics lc rgb "gray85" lw 0.5
set xzeroaxis lt -1 lw 1

left = 0.085
right = 0.84
gap = 0.018
pw = (right - left - (nq - 1) * gap) / nq

set output out
set multiplot title "Matrix gained at each depth (mean over the width, relative to untreated skin)" font font_title
do for [q = 1:nq] {
    set lmargin at screen left + (q - 1) * (pw + gap)
    set rmargin at screen left + (q - 1) * (pw + gap) + pw
    set tmargin at screen 0.84
    set bmargin at screen 0.2
    set title word(quantity_titles, q) font font_panel
    set xlabel "change (%)"
    if (q == 1) {
        set ylabel "depth (mm)" offset 0.5,0
        set format y "%g"
    } else {
        unset ylabel
        set format y ""
    }
    unset label
    if (q == nq) {
        set label 11 "epidermis" at graph 1.04, first layer_mid(1, 3) left font font_small
        set label 12 "papillary dermis" at graph 1.04, first layer_mid(3, 4) left font font_small
        set label 13 "reticular dermis" at graph 1.04, first layer_mid(4, 5) left font font_small
        set label 14 "hypodermis" at graph 1.04, first layer_mid(5, 6) left font font_small
    }
    plot for [d = 1:nd] file(q, d) using (change($2, $3)):1 with linespoints ls d pi 8 notitle
}
# The key, one row under the panels: an empty plot as wide as the canvas.
unset title
unset xlabel
unset ylabel
unset label
unset arrow
unset grid
unset xzeroaxis
unset border
unset tics
set lmargin at screen 0.02
set rmargin at screen 0.98
set tmargin at screen 0.07
set bmargin at screen 0.01
set key at screen 0.5, screen 0.04 center center horizontal Left reverse samplen 2 width 3
plot for [d = 1:nd] NaN with linespoints ls d title titles[d]
unset multiplot
set output
