# cross_section_collagen.gp: heat maps of total collagen in a vertical cross-section, one panel per day.
#
# Usage: gnuplot -e "fields='F0.txt F7.txt F42.txt F180.txt'; out='cross_section_collagen.png'" \
#            scripts/cross_section_collagen.gp
#   fields  space-separated files from `microheal export OUT.h5 --field collagen_total --day D`
#           (at most 6; no spaces in the names); each panel's day is read from the file's first line
#           "# collagen_total at day D ...", so it is the day of the snapshot actually used
#   out     PNG to write (default cross_section_collagen.png)
#   name    quantity named in the titles (default "total collagen")
# Cells with value 0 lie outside the dermis (epidermis, hypodermis: no collagen in the model); they are
# left undrawn (grey). All panels share one colour range, from min(1, smallest dermal value) to the
# largest, so that they can be compared. Exits with status 1 if no file is given or a file is empty.

if (!exists("fields") || words(fields) == 0) {
    print "cross_section_collagen.gp: set fields='F1 F2 ...' with gnuplot -e"
    exit status 1
}
if (!exists("out")) out = "cross_section_collagen.png"
if (!exists("name")) name = "total collagen"
n = words(fields)
if (n > 6) {
    print "cross_section_collagen.gp: at most 6 panels"
    exit status 1
}

# Layout: 1 panel; 2 side by side; 3 to 6 in two rows. Panels are drawn to scale (size ratio -1), so
# two side by side get a lower canvas; margins are set in pixels and converted to fractions of it.
rows = (n <= 2) ? 1 : 2
columns = (n + rows - 1) / rows
height = (n == 2) ? 480 : 800
if (strstrt(GPVAL_TERMINALS, "pngcairo")) {
    set terminal pngcairo size 1200,height enhanced font ",14"
} else {
    set terminal png size 1200,height enhanced font ",14"
}

# Shared colour range over the dermal cells (value > 0) of all panels; 1.0 (untreated) always inside.
cbmin = 1.0
cbmax = 1.0
do for [i = 1:n] {
    f = word(fields, i)
    undefine STATS_*
    stats f using 3 nooutput
    if (!exists("STATS_records") || STATS_records == 0) {
        print "cross_section_collagen.gp: no data in " . f
        exit status 1
    }
    if (STATS_max > 0) {
        stats f using ($3 > 0 ? $3 : NaN) nooutput
        cbmin = (STATS_min < cbmin) ? STATS_min : cbmin
        cbmax = (STATS_max > cbmax) ? STATS_max : cbmax
    }
}
if (cbmax - cbmin < 0.02) {
    cbmax = cbmin + 0.02
}
set cbrange [cbmin:cbmax]

# Day of each panel: the word after "day" in the file's first line.
day_of(f) = (_h = system(sprintf("head -n 1 '%s'", f)), _q = strstrt(_h, " day "), \
             _q ? word(_h[_q + 5:], 1) : "?")

# Viridis-like palette: dark blue (low) to yellow (high); readable in grey scale too.
set palette defined (0 "#440154", 0.25 "#3b528b", 0.5 "#21908d", 0.75 "#5dc963", 1 "#fde725")
set cblabel "collagen relative to untreated" offset 0.8,0
set xlabel "x (mm)" offset 0,0.3
set ylabel "depth (mm)" offset 1,0
set yrange [*:*] reverse
set tics out nomirror
set border 3 front
set key off
set size ratio -1
# Outside the dermis nothing is drawn and this grey background shows.
set object 1 rectangle from graph 0, graph 0 to graph 1, graph 1 behind fc rgb "gray80" fs solid 1.0 noborder

set output out
set multiplot layout rows, columns title sprintf("%s in a cross-section (grey: epidermis and hypodermis)", name) \
    font ",16" margins 0.095, 0.86, 72.0 / height, 1 - 96.0 / height spacing 0.07, 136.0 / height
do for [i = 1:n] {
    f = word(fields, i)
    set title sprintf("day %s", day_of(f)) font ",15" offset 0,-0.3
    # One colour bar for all panels (same range), drawn with the last one, right of the grid.
    if (i == n) {
        set colorbox vertical user origin screen 0.885, screen 72.0 / height size screen 0.022, screen 1 - 168.0 / height
    } else {
        unset colorbox
    }
    if ((i - 1) % columns == 0) {
        set ylabel "depth (mm)" offset 1,0
    } else {
        unset ylabel
    }
    set autoscale xfix
    set autoscale yfix
    plot f using 1:2:($3 > 0 ? $3 : NaN) with image
}
unset multiplot
set output
