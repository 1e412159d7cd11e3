# first_week.gp: the first week after a session as an animation: blood, inflammatory cells, fibroblasts and
# collagen III in a cross-section, one frame per stored snapshot, as numbered PNGs and an animated GIF.
#
# Usage: gnuplot -e "array days[3] = [0, 0.25, 1]" -c scripts/first_week.gp PREFIX FRAMES_DIR [GIF]
#   PREFIX      the tables are the files PREFIX<KKK>_<Q>.txt from `microheal export OUT.h5 --field Q --day D`
#               for the frames KKK = 000, 001, ... and Q = blood, inflammatory_cells, fibroblasts,
#               collagen_III; e.g. PREFIX = "tables/frame_" names tables/frame_000_blood.txt
#   FRAMES_DIR  folder (existing) for FRAMES_DIR/frame_000.png, frame_001.png, ... (one PNG per frame)
#   GIF         optional: the animated GIF to write, the same frames (needs gnuplot's gif terminal;
#               without it no GIF is written and the script says so); the last frame is held about 2 s
#   days        array (in -e), one number per frame: its day after the session (the title: "day D", with
#               hours for a fraction of the first day); at least 2 frames
#   delay       optional: time per GIF frame in 1/100 s (default 70)
# The arguments are file names, never gnuplot commands (papers/reliability.md). Each quantity keeps one
# colour range over all frames, so that frames can be compared: blood and inflammatory cells from 0,
# fibroblasts and collagen III from min(1, smallest dermal value) (1 = untreated). Fibroblasts and
# collagen III are 0 outside the dermis: those cells are left grey. The canvas and fonts: style.gp. Exits
# with status 1 if a file is missing or empty.

if (ARGC < 2 || !exists("days")) {
    print "usage: gnuplot -e 'array days[N] = [D1, ...]' -c first_week.gp PREFIX FRAMES_DIR [GIF] (2 frames or more)"
    exit status 1
}
prefix = ARG1
frames_dir = ARG2
has_gif_file = ARGC >= 3 && strlen(ARG3) > 0
gif = has_gif_file ? ARG3 : ""
nf = |days|
if (nf < 2) {
    print "first_week.gp: 2 frames or more"
    exit status 1
}
if (!exists("delay")) delay = 70
quantities = "blood inflammatory_cells fibroblasts collagen_III"
quantity_titles = "'blood in the channels' 'inflammatory cells' 'fibroblasts' 'collagen III (new matrix)'"
quantity_units = "'volume fraction' 'density (model units)' 'untreated = 1' 'untreated = 1'"
# 1: a value of 0 lies outside the layers the quantity lives in (left grey); 0: 0 is a value (none)
quantity_masked = "0 0 1 1"
nq = words(quantities)
array titles[nf]
do for [k = 1:nf] {
    titles[k] = (days[k] > 0 && days[k] < 1) ? sprintf("day %g (%g h)", days[k], days[k] * 24) \
                                              : sprintf("day %g", days[k])
}
_d = ""; do for [_i = strlen(ARG0):1:-1] { if (ARG0[_i:_i] eq "/") { _d = ARG0[1:_i]; break } }
load (_d[1:1] eq "/" ? "" : "./") . _d . "style.gp"

file(k, q) = sprintf("%s%03d_%s.txt", prefix, k - 1, word(quantities, q))
masked(q) = word(quantity_masked, q) + 0

# One colour range per quantity over all frames.
array lo[nq]
array hi[nq]
do for [q = 1:nq] {
    lo[q] = masked(q) ? 1.0 : 0.0
    hi[q] = lo[q]
    do for [k = 1:nf] {
        undefine STATS_*
        stats file(k, q) using (masked(q) && $3 <= 0 ? NaN : $3) nooutput
        if (!exists("STATS_records")) {
            print "first_week.gp: no data in " . file(k, q)
            exit status 1
        }
        if (STATS_records > 0) {
            lo[q] = (STATS_min < lo[q]) ? STATS_min : lo[q]
            hi[q] = (STATS_max > hi[q]) ? STATS_max : hi[q]
        }
    }
    if (hi[q] - lo[q] < 1e-6 * (abs(lo[q]) + 1e-3)) {
        hi[q] = lo[q] + 1e-6 * (abs(lo[q]) + 1e-3)
    }
}

# Extent of the section: cell centres +- half a cell (the spacing of the x column).
_x0 = NaN
dx = 0
stats file(1, 1) every ::0:0:1:0 using (_x0 == _x0 ? (dx = $1 - _x0) : (_x0 = $1), 0) nooutput
stats file(1, 1) using 1:2 nooutput
half = dx > 0 ? 0.5 * dx : 0.005
set xrange [STATS_min_x - half:STATS_max_x + half]
set yrange [STATS_max_y + half:STATS_min_y - half]
aspect = (STATS_max_y - STATS_min_y + 2 * half) / (STATS_max_x - STATS_min_x + 2 * half)

# Layout in pixels: title band, then 2 x 2 cells, each a panel to scale with its colour bar at the right.
top_px = 120.0
cell_w = width / 2.0
cell_h = (height - top_px) / 2.0
pad_l = 150.0
pad_r = 250.0
pad_t = 60.0
pad_b = 90.0
pw = cell_w - pad_l - pad_r
ph = pw * aspect
if (ph > cell_h - pad_t - pad_b) {
    ph = cell_h - pad_t - pad_b
    pw = ph / aspect
}

viridis_cmd = viridis
@viridis_cmd
set tics out nomirror
set border 3 front
set key off
set ylabel "depth (mm)" offset 0.5,0

# Pass 1 draws each frame into its PNG (pngcairo); pass 2, when a GIF is asked for and the gif terminal is
# there, draws the same frames again into the animation (gd: the palette's colours survive, which a PNG
# copied into a GIF would not; its fonts are smaller at the same size, hence the factor).
has_gif = strstrt(GPVAL_TERMINALS, " gif ") > 0
if (has_gif_file && !has_gif) {
    print "first_week.gp: this gnuplot has no gif terminal: no animation, the frames only"
}
passes = (has_gif_file && has_gif) ? 2 : 1
hold = ceil(200.0 / delay) - 1
# (macros are expanded when the loop below is read: set before it)
gif_terminal = sprintf("set terminal gif animate delay %d loop 0 size %d,%d enhanced font 'sans,%d'", delay, width, \
                       height, fontsize)
do for [pass = 1:passes] {
    if (pass == 2) {
        @gif_terminal
        font_title = sprintf(",%d", (fontsize + 4))
        font_panel = sprintf(",%d", (fontsize + 2))
        font_small = sprintf(",%d", (fontsize - 4))
        set output gif
    }
    # the GIF holds the last frame for about 2 s: it is drawn hold more times
    do for [kk = 1:nf + (pass == 2 && hold > 0 ? hold : 0)] {
        k = (kk <= nf) ? kk : nf
        if (pass == 1) {
            @png_terminal
            set output sprintf("%s/frame_%03d.png", frames_dir, k - 1)
        }
        set multiplot
        set label 1 sprintf("The first week after microneedling: %s", titles[k]) at screen 0.5, \
            screen 1 - 45.0 / height center font font_title
        set label 2 sprintf("frame %d of %d; grey: no fibroblasts or collagen (epidermis, hypodermis)", k, nf) \
            at screen 0.5, screen 1 - 90.0 / height center font font_small
        do for [q = 1:nq] {
            r = (q - 1) / 2
            c = (q - 1) % 2
            left = c * cell_w + pad_l
            upper = top_px + r * cell_h + pad_t
            set lmargin at screen left / width
            set rmargin at screen (left + pw) / width
            set tmargin at screen 1 - upper / height
            set bmargin at screen 1 - (upper + ph) / height
            set title word(quantity_titles, q) font font_panel offset 0,-0.3
            if (r == 1) {
                set xlabel "x (mm)" offset 0,0.3
            } else {
                unset xlabel
            }
            set cbrange [lo[q]:hi[q]]
            set cbtics nice_step(hi[q] - lo[q], 4)
            set cblabel word(quantity_units, q) font font_small offset 0.5,0
            set colorbox vertical user origin screen (left + pw + 25) / width, screen 1 - (upper + ph) / height \
                size screen 25.0 / width, screen ph / height
            if (masked(q)) {
                # grey over the cells outside the layers (an opaque layer there: NaN cells of an image
                # are left transparent by pngcairo but painted white by the gif terminal)
                plot file(k, q) using 1:2:($3 > 0 ? $3 : NaN) with image, \
                     file(k, q) using 1:2:(204):(204):(204):($3 > 0 ? 0 : 255) with rgbalpha
            } else {
                plot file(k, q) using 1:2:3 with image
            }
            unset label
        }
        unset multiplot
        if (pass == 1) {
            set output
        }
    }
    set output
}
