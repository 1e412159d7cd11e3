# sensitivity.gp: horizontal grouped bar chart of the sensitivity indices of the top-ranked parameters,
# one bar per observable, from the CSV that `microheal sensitivity` writes.
#
# Usage: gnuplot [-e "morris=1; top=15"] -c scripts/sensitivity.gp CSV [OUT]
#   CSV     sensitivity.csv (rows ranked by the overall index, first row = header); the observables
#           are the columns named index_<observable>, looked up in the header (read as data), so any
#           selection works; the numbers stand before the free-text columns (unit, source, status)
#   OUT     PNG to write (default sensitivity.png)
#   morris  1: Morris (mu*, >= 0); 0 (default): one at a time (signed S, bars may point left)
#   top     how many parameters to show (default 15); parameters not screened or without an index
#           are left out
# The arguments are file names, never gnuplot commands; the parameter names are data (ytic), shown as they
# are (papers/reliability.md). `microheal sensitivity` runs this script itself. Exits with status 1 if no
# index column is found.

if (ARGC < 1) {
    print "usage: gnuplot -c sensitivity.gp CSV [OUT]"
    exit status 1
}
csv = ARG1
out = ARGC >= 2 ? ARG2 : "sensitivity.png"
if (!exists("morris")) morris = 0
if (!exists("top")) top = 15
set datafile separator ","

# Header "rank,parameter,...,index_collagen_gain_d42,...,overall,..." read as data -> the columns and names
# of the index_ columns and the column of overall.
undefine STATS_*
stats csv every ::0:0:0:0 using (0) nooutput
if (!exists("STATS_columns")) { print "sensitivity.gp: no header in " . csv; exit status 1 }
_ncols = STATS_columns
# its fields k..hi, 50 at a time (a deeper recursion overflows gnuplot's stack)
_words(k, hi) = k > hi ? "" : " " . strcol(k) . _words(k + 1, hi)
hdr = ""
do for [_k = 1:_ncols:50] {
    stats csv every ::0:0:0:0 using (hdr = hdr . _words(_k, _k + 49 < _ncols ? _k + 49 : _ncols), 0) nooutput
}
icols = ""
inames = ""
do for [i = 1:words(hdr)] {
    w = word(hdr, i)
    if (strstrt(w, "index_") == 1) {
        icols = icols . sprintf(" %d", i)
        inames = inames . " " . w[7:]
    }
}
nobs = words(icols)
if (nobs == 0) { print "sensitivity.gp: no index_ column in " . csv; exit status 1 }

# Parameters shown: the first `top` rows that were screened and have an overall index (the CSV is ranked;
# unscreened rows have overall nan and come last).
c_over = 0
do for [i = 1:words(hdr)] { if (word(hdr, i) eq "overall") { c_over = i } }
if (c_over == 0) { print "sensitivity.gp: no overall column in " . csv; exit status 1 }
nshow = 0
stats csv skip 1 using (nshow = nshow + (column(c_over) == column(c_over) && nshow < top ? 1 : 0), 0) nooutput
if (nshow == 0) { print "sensitivity.gp: no screened parameter in " . csv; exit status 1 }

if (strstrt(GPVAL_TERMINALS, "pngcairo")) {
    set terminal pngcairo size 1200, 220 + 46 * nshow enhanced font ",14" linewidth 2
} else {
    set terminal png size 1200, 220 + 46 * nshow enhanced font ",14" linewidth 2
}
set output out

# Row r (0-based) at y = -r; observable j of nobs at an offset inside the row's band, top to bottom
# in the order of the key.
band = 0.8
h = band / nobs
yoff(j) = 0.5 * band - (j - 0.5) * h
set yrange [-nshow + 0.4:0.6]
set ytics () nomirror scale 0 noenhanced
set grid xtics lc rgb "gray85" lw 0.5
set tics out
set border 3
set yzeroaxis lt 1 lc rgb "gray40" lw 1
set offsets graph 0.02, graph 0.02, 0, 0
if (morris) {
    set offsets 0, graph 0.02, 0, 0
    set xrange [0:*]
    set xlabel "{/Symbol m}* = mean |(Δy/y_0) / (Δp/p_0)| over the elementary effects"
    set title sprintf("Morris screening: the %d most influential parameters", nshow) font ",16"
} else {
    set xlabel "S = (Δy/y_0) / (Δp/p_0)  (central differences at the base values)"
    set title sprintf("One-at-a-time sensitivity: the %d most influential parameters", nshow) font ",16"
}
set key bottom right vertical Left reverse samplen 1.5 spacing 1.2 box opaque noenhanced
set style fill solid 0.85 noborder
colors = "#1b5e9e #d95f02 #1b9e77 #7570b3 #e7298a"

# A row enters only when it is among the shown ones (the CSV is ranked; unscreened rows have overall nan).
shown(r, over) = (r < nshow && over == over)
x0(v) = (v == v) ? (v < 0 ? v : 0) : NaN
x1(v) = (v == v) ? (v < 0 ? 0 : v) : NaN
plot for [j = 1:nobs] csv skip 1 \
         using (shown($0, column(c_over)) ? 0 : NaN):(-$0 + yoff(j)) \
               :(x0(column(word(icols, j) + 0))):(x1(column(word(icols, j) + 0))) \
               :(-$0 + yoff(j) - 0.45 * h):(-$0 + yoff(j) + 0.45 * h) \
         with boxxyerror lc rgb word(colors, (j - 1) % 5 + 1) title word(inames, j), \
     csv skip 1 using (NaN):(-$0):ytic(2) notitle
set output
