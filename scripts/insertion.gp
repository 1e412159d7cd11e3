# insertion.gp: how deep needles really go, for device designers (`microheal insert CONFIG... -o DIR`).
# Left: effective depth against needle length, one curve per configuration (mean over the needles that
# puncture, with their standard deviation), beside the line depth = length. Right: the force that makes
# every needle of the array puncture, against needle spacing with the array's footprint kept (closer needles
# are more needles), and the share of needles that fail to puncture.
#
# Usage: gnuplot -e "ncases=N" -c scripts/insertion.gp LENGTHS OUT SPACINGS [LABEL1 ... LABEL6]
#   LENGTHS   insertion_length.dat: one data set per case (blank lines between), columns
#             case length_mm depth_mm depth_sd_mm fraction fail_fraction puncture_force_n array_force_n label
#   OUT       PNG to write
#   SPACINGS  insertion_spacing.dat: case spacing_mm needles depth_mm fail_fraction hub_travel_mm array_force_n label
#   LABELk    the name of case k - 1 in the key, shown as given (no markup)
# The arguments are file names and text, never gnuplot commands (papers/reliability.md).

if (ARGC < 3 || !exists("ncases")) {
    print "usage: gnuplot -e ncases=N -c insertion.gp LENGTHS OUT SPACINGS [LABELS]"
    exit status 1
}
lengths = ARG1
out = ARG2
spacings = ARG3
label(k) = k == 0 && ARGC >= 4 ? ARG4 : k == 1 && ARGC >= 5 ? ARG5 : k == 2 && ARGC >= 6 ? ARG6 : \
           k == 3 && ARGC >= 7 ? ARG7 : k == 4 && ARGC >= 8 ? ARG8 : k == 5 && ARGC >= 9 ? ARG9 : sprintf("case %d", k + 1)

width = 1800
height = 820
fontsize = 18
_d = ""; do for [_i = strlen(ARG0):1:-1] { if (ARG0[_i:_i] eq "/") { _d = ARG0[1:_i]; break } }
load (_d[1:1] eq "/" ? "" : "./") . _d . "style.gp"
@png_terminal
set output out
set encoding utf8
set termoption noenhanced
set multiplot layout 1, 2 title "How deep the needles go (insertion model, papers/insertion.md)" font font_title

set title "Effective depth against needle length" font font_panel
set xlabel "needle length (mm)"
set ylabel "effective depth (mm): mean ± sd over the needles that puncture"
set key top left font font_small
set grid
set xrange [0:*]
set yrange [0:*]
plot x with lines lc rgb "#999999" dt 2 title "depth = length", \
     for [k = 0:ncases - 1] lengths index k using 2:3:4 with yerrorlines lw 2 pt 7 lc k + 1 title label(k)

set title "Force to puncture every needle; needles that fail" font font_panel
set xlabel "needle spacing (mm), the array's footprint kept"
set ylabel "array force to puncture (N)"
set y2label "needles that fail to puncture (%)"
set logscale x
set logscale y
set xrange [*:*]
set yrange [*:*]
set y2range [0:100]
set y2tics
set ytics nomirror
set key top right font font_small
plot for [k = 0:ncases - 1] spacings index k using 2:7 with linespoints lw 2 pt 7 lc k + 1 title label(k) . ": force", \
     for [k = 0:ncases - 1] spacings index k using 2:($5 * 100) axes x1y2 with linespoints lw 1 dt 2 pt 6 lc k + 1 \
         title label(k) . ": fail"
unset multiplot
