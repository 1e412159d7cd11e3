# cross_section_collagen.gp: heat maps of total collagen in a vertical cross-section, one panel per day.
#
# Usage: gnuplot -e "fields=\"'F0.txt' 'F7.txt' 'F42.txt'\"; out='cross_section_collagen.png'" \
#            scripts/cross_section_collagen.gp
#   fields      files from `microheal export OUT.h5 --field collagen_total --day D`, 1 to 6, as words
#               (quote a name that holds blanks: "'a b/F0.txt' 'F7.txt'")
#   titles      optional panel titles, one word each ("'day 0' 'day 7 (snapshot of day 6)'"); by default
#               "day D" with D read from the file's first line "# collagen_total at day D ...", the
#               day of the snapshot actually used
#   layer_tops  optional depths of the layer tops and of the bottom (mm; /grid/layer_top_mm, six words):
#               the tops of the papillary dermis, reticular dermis and hypodermis are drawn as dashed lines
#   out         PNG to write (default cross_section_collagen.png)
#   name        quantity named in the title (default "total collagen")
# Cells with value 0 lie outside the dermis (epidermis, hypodermis: no collagen in the model); they are
# left undrawn (grey). All panels share one colour range, from min(1, smallest dermal value) to the
# largest, so that they can be compared. Panels are drawn to scale, in up to two rows of three; the colour
# bar stands at the right. The canvas and fonts: style.gp. Exits with status 1 if no file is given or a
# file is empty.

if (!exists("fields") || words(fields) == 0) {
    print "cross_section_collagen.gp: set fields=\"'F1' 'F2' ...\" with gnuplot -e"
    exit status 1
}
if (!exists("out")) out = "cross_section_collagen.png"
if (!exists("name")) name = "total collagen"
n = words(fields)
if (n > 6) {
    print "cross_section_collagen.gp: at most 6 panels"
    exit status 1
}
load system(sprintf("dirname '%s'", ARG0)) . "/style.gp"

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
set cbtics nice_step(cbmax - cbmin, 5)

# Extent of the section (cell centres +- half a cell), for panels drawn to scale.
f = word(fields, 1)
stats f using 1:2 nooutput
x0 = STATS_min_x
x1 = STATS_max_x
z0 = STATS_min_y
z1 = STATS_max_y
# half a cell: the spacing of the x column (rows of one depth are consecutive)
dx = system(sprintf("awk '!/^#/ && NF == 3 { if (n++) { print $1 - x; exit } x = $1 }' '%s'", f)) + 0
half = dx > 0 ? 0.5 * dx : 0.005
x0 = x0 - half
x1 = x1 + half
z0 = z0 - half
z1 = z1 + half

# Day of a panel: the word after "day" in the file's first line.
day_of(f) = (_h = system(sprintf("head -n 1 '%s'", f)), _q = strstrt(_h, " day "), _q ? word(_h[_q + 5:], 1) : "?")

# Layout in pixels: a title band on top, a band for the depth label on the left, 1 x 1, 1 x 2, 2 x 2 or
# 2 x 3 cells, each with a panel drawn to scale and room for its title, tics and x label. The
# colour bar stands in the last cell when it is free, else in a band at the right.
rows = (n <= 2) ? 1 : 2
columns = (n + rows - 1) / rows
free_cell = (n < rows * columns)
top_px = 110.0
left_px = 50.0
right_px = free_cell ? 0.0 : 220.0
cell_w = (width - left_px - right_px) / columns
cell_h = (height - top_px) / rows
pad_l = 95.0
pad_r = 25.0
pad_t = 60.0
pad_b = 105.0
aspect = (z1 - z0) / (x1 - x0)
pw = cell_w - pad_l - pad_r
ph = pw * aspect
if (ph > cell_h - pad_t - pad_b) {
    ph = cell_h - pad_t - pad_b
    pw = ph / aspect
}
# one row: centred in the height left below the title
row_shift = (rows == 1) ? 0.5 * (cell_h - pad_t - ph - pad_b) : 0
@png_terminal
cell_left(c) = left_px + c * cell_w + pad_l + 0.5 * (cell_w - pad_l - pad_r - pw)
cell_top(r) = top_px + row_shift + r * cell_h + pad_t

viridis_cmd = viridis
@viridis_cmd
unset cblabel
set xlabel "x (mm)" offset 0,0.3
set xrange [x0:x1]
set yrange [z1:z0]
set tics out nomirror
set border 3 front
set key off
# Outside the dermis nothing is drawn and this grey background shows.
set object 1 rectangle from graph 0, graph 0 to graph 1, graph 1 behind fc rgb "gray80" fs solid 1.0 noborder
note = "grey: epidermis and hypodermis (no collagen)"
if (exists("layer_tops") && words(layer_tops) >= 5) {
    do for [l = 3:5] {
        set arrow l from graph 0, first word(layer_tops, l) to graph 1, first word(layer_tops, l) nohead \
            dt 2 lw 1 lc rgb "white" front
    }
    note = note . "; dashed: layer boundaries"
}

set output out
set multiplot
set label 1 sprintf("Cross-sections of the skin: %s", name) at screen 0.5, screen 1 - 38.0 / height center \
    font font_title
set label 2 note at screen 0.5, screen 1 - 80.0 / height center font font_small
do for [i = 1:n] {
    f = word(fields, i)
    r = (i - 1) / columns
    c = (i - 1) % columns
    set lmargin at screen cell_left(c) / width
    set rmargin at screen (cell_left(c) + pw) / width
    set tmargin at screen 1 - cell_top(r) / height
    set bmargin at screen 1 - (cell_top(r) + ph) / height
    set title (exists("titles") && words(titles) >= i ? word(titles, i) : sprintf("day %s", day_of(f))) \
        font font_panel offset 0,-0.3
    if (c == 0) {
        set ylabel "depth (mm)" offset 0.5,0
    } else {
        unset ylabel
    }
    # One colour bar for all panels (same range), drawn with the last one, its name above it: in the free
    # cell, or in the band at the right.
    if (i == n) {
        cb_x = free_cell ? left_px + (columns - 1) * cell_w + pad_l : width - right_px + 30
        cb_top = (free_cell ? cell_top(rows - 1) : cell_top(0)) + 20
        set colorbox vertical user origin screen cb_x / width, screen 1 - (cell_top(rows - 1) + ph) / height \
            size screen 30.0 / width, screen (cell_top(rows - 1) + ph - cb_top) / height
        set label 3 sprintf("%s\n(untreated = 1)", name) at screen cb_x / width, screen 1 - (cb_top - 60) / height \
            left font font_small
    } else {
        unset colorbox
    }
    plot f using 1:2:($3 > 0 ? $3 : NaN) with image
    unset label
}
unset multiplot
set output
