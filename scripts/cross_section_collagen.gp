# cross_section_collagen.gp: heat maps of total collagen in a vertical cross-section, one panel per day.
#
# Usage: gnuplot [-e "array days[3] = [0, 7, 42]; ..."] -c scripts/cross_section_collagen.gp OUT F1 [F2 ... F6]
#   OUT         PNG to write
#   F1 ... F6   files from `microheal export OUT.h5 --field collagen_total --day D`, one panel each
#   days        optional array (in -e), the day of each panel's snapshot: its title is "day D"; by default D
#               is read from the file's first line "# collagen_total at day D ...", the snapshot's day
#   asked       optional array beside days: the day asked for; a panel whose snapshot is of another day is
#               titled "day D (nearest to A)"
#   layer_tops  optional array (in -e) of the depths of the layer tops and of the bottom (mm;
#               /grid/layer_top_mm, six numbers): the tops of the papillary dermis, reticular dermis and
#               hypodermis are drawn as dashed lines
# The arguments are file names, never gnuplot commands (papers/reliability.md). Cells with value 0 lie
# outside the dermis (epidermis, hypodermis: no collagen in the model); they are left undrawn (grey). All
# panels share one colour range, from min(1, smallest dermal value) to the largest, so that they can be
# compared. Panels are drawn to scale, in up to two rows of three; the colour bar stands at the right. The
# canvas and fonts: style.gp. Exits with status 1 if no file is given or a file is empty.

if (ARGC < 2 || ARGC > 7) {
    print "usage: gnuplot -c cross_section_collagen.gp OUT F1 [F2 ... F6] (1 to 6 panels)"
    exit status 1
}
out = ARG1
n = ARGC - 1
name = "total collagen"
file(i) = value(sprintf("ARG%d", i + 1))
has_days = exists("days")
if (has_days) {
    if (|days| < n) {
        print sprintf("cross_section_collagen.gp: %d days for %d panels", |days|, n)
        exit status 1
    }
}
_d = ""; do for [_i = strlen(ARG0):1:-1] { if (ARG0[_i:_i] eq "/") { _d = ARG0[1:_i]; break } }
load (_d[1:1] eq "/" ? "" : "./") . _d . "style.gp"

# Shared colour range over the dermal cells (value > 0) of all panels; 1.0 (untreated) always inside.
cbmin = 1.0
cbmax = 1.0
do for [i = 1:n] {
    f = file(i)
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
f = file(1)
stats f using 1:2 nooutput
x0 = STATS_min_x
x1 = STATS_max_x
z0 = STATS_min_y
z1 = STATS_max_y
# half a cell: the spacing of the x column (the first two points of the first row)
_x0 = NaN
dx = 0
stats f every ::0:0:1:0 using (_x0 == _x0 ? (dx = $1 - _x0) : (_x0 = $1), 0) nooutput
half = dx > 0 ? 0.5 * dx : 0.005
x0 = x0 - half
x1 = x1 + half
z0 = z0 - half
z1 = z1 + half

# Title of panel i: from days (and asked), else the day in the file's first line "# Q at day D ...", read as
# data (its words are its columns with the comment characters off).
array titles[n]
do for [i = 1:n] {
    if (has_days) {
        _t = sprintf("day %g", days[i])
        if (exists("asked")) {
            if (abs(days[i] - asked[i]) > 1e-9 * (1 + abs(asked[i]))) {
                _t = sprintf("day %g (nearest to %g)", days[i], asked[i])
            }
        }
    } else {
        _t = "?"
        set datafile commentschars ""
        stats file(i) every ::0:0:0:0 \
            using (_t = (strcol(1) eq "#" && strcol(4) eq "day") ? "day " . strcol(5) : "?", 0) nooutput
        set datafile commentschars "#"
    }
    titles[i] = _t
}

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
if (exists("layer_tops")) {
    do for [l = 3:5] {
        set arrow l from graph 0, first layer_tops[l] to graph 1, first layer_tops[l] nohead \
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
    f = file(i)
    r = (i - 1) / columns
    c = (i - 1) % columns
    set lmargin at screen cell_left(c) / width
    set rmargin at screen (cell_left(c) + pw) / width
    set tmargin at screen 1 - cell_top(r) / height
    set bmargin at screen 1 - (cell_top(r) + ph) / height
    set title titles[i] noenhanced font font_panel offset 0,-0.3
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
