# depth_response.gp: the matrix gained at each depth: the change of total collagen, collagen I, collagen III
# and elastin relative to untreated skin, averaged over the width of the section, against depth, one
# panel per quantity and one curve per day, with the layer boundaries marked.
#
# Usage: gnuplot -e "profiles=\"'P1' 'P2' ...\"; days=\"'day 7' 'day 42'\"; out='depth_response.png'" \
#            scripts/depth_response.gp
#   profiles  files from `microheal export OUT.h5 --profile Q --day D`, as words (quote a name that holds
#             blanks), for Q = collagen_total, collagen_I, collagen_III, elastin in this order and, for each
#             Q, one per day in the order of days: 4 x words(days) files
#   days      the curves' titles, one word per day (e.g. "'day 7' 'day 42 (snapshot of day 40)'"), 1 to 4
#   out       PNG to write (default depth_response.png)
# Values are drawn in the dermis only (layer ids 2 and 3 of the profile's rows: the other layers hold no
# matrix in the model); the layer tops come from the first file's "# layer_top_mm" line. All panels share
# one x range. The canvas and fonts: style.gp. Exits with status 1 if the files do not match days.

if (!exists("profiles") || !exists("days") || words(days) < 1 || words(days) > 4) {
    print "depth_response.gp: set profiles=\"'P1' ...\" and days=\"'day 7' ...\" (1 to 4 days) with gnuplot -e"
    exit status 1
}
if (!exists("out")) out = "depth_response.png"
nd = words(days)
quantities = "collagen_total collagen_I collagen_III elastin"
quantity_titles = "'total collagen' 'collagen I' 'collagen III' 'elastin'"
nq = words(quantities)
if (words(profiles) != nq * nd) {
    print sprintf("depth_response.gp: %d files for %d quantities x %d days", words(profiles), nq, nd)
    exit status 1
}
load system(sprintf("dirname '%s'", ARG0)) . "/style.gp"
@png_terminal

file(q, d) = word(profiles, (q - 1) * nd + d)
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

# Layer tops (mm): "# layer_top_mm t0 t1 t2 t3 t4 bottom".
tops = system(sprintf("awk '/^# layer_top_mm/ { $1 = $2 = \"\"; print; exit }' '%s'", file(1, 1)))
if (words(tops) != 6) {
    print "depth_response.gp: no '# layer_top_mm' line in " . file(1, 1)
    exit status 1
}
set yrange [word(tops, 6) + 0:0]
do for [l = 2:5] {
    set arrow l from graph 0, first word(tops, l) to graph 1, first word(tops, l) nohead dt 2 lw 1 lc rgb "gray40" back
}
# Layer names at the middle of each layer, right of the last panel (epidermis: its two layers together).
layer_mid(a, b) = 0.5 * (word(tops, a) + word(tops, b))

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
plot for [d = 1:nd] NaN with linespoints ls d title word(days, d)
unset multiplot
set output
