# style.gp: what the gnuplot scripts of `microheal plot` share: a canvas that reads when projected, the
# palette of the cross-sections, and the column lookup of `microheal export --series` tables.
#
# Loaded by a script beside it (ARG0 is that script's path), after its variables are set:
#     _d = ""; do for [_i = strlen(ARG0):1:-1] { if (ARG0[_i:_i] eq "/") { _d = ARG0[1:_i]; break } }
#     load (_d[1:1] eq "/" ? "" : "./") . _d . "style.gp"
# (the folder of ARG0 with "./" in front of a relative one: a file name that gnuplot reads as a file, never
# as '<command'). Nothing here runs a command or evaluates text read from a file or an argument.
# Before loading, a script may set width and height (pixels; default 1600 x 1000) and fontsize (points;
# default 22). Defines:
#   png_terminal    "set terminal ..." for a PNG of that size (pngcairo, else png): use as @png_terminal
#   font_title, font_panel, font_small   font specifications for the title, panel titles and labels
#   viridis         "set palette ..." of the heat maps (dark blue low, yellow high; readable in grey scale)
#   col(name)       when series names a table of `microheal export --series`: the column of name in its
#                   "# 1:t_days 2:..." header line (0 if absent), so reordered or added columns do not matter
#   nice_step(r, n) a tic step for a range r with at most about n tics: 1, 2 or 5 times a power of ten

if (!exists("width")) width = 1600
if (!exists("height")) height = 1000
if (!exists("fontsize")) fontsize = 22
font_title = sprintf(",%d", fontsize + 4)
font_panel = sprintf(",%d", fontsize + 2)
font_small = sprintf(",%d", fontsize - 4)
png_kind = strstrt(GPVAL_TERMINALS, "pngcairo") ? "pngcairo" : "png"
png_terminal = sprintf("set terminal %s size %d,%d enhanced font ',%d' linewidth 2", png_kind, width, height, fontsize)
viridis = 'set palette defined (0 "#440154", 0.25 "#3b528b", 0.5 "#21908d", 0.75 "#5dc963", 1 "#fde725")'
nice_step(r, n) = (_p = 10**floor(log10(r / n)), _r = r / _p, (_r <= n ? 1 : _r <= 2 * n ? 2 : _r <= 5 * n ? 5 : 10) * _p)

# Column lookup: the header line "# 1:t_days 2:dt_days ..." read as data (comment characters off: its words
# are its columns), found among the first rows as the one whose second word starts with "1:";
# -> cols = " t_days=1 dt_days=2 ..."; col(name) = 0 if absent.
cols = ""
if (exists("series")) {
    set datafile commentschars ""
    _row = -1
    stats series every ::0::9 \
        using ((_row < 0 && strcol(1) eq "#" && strstrt(strcol(2), "1:") == 1) ? (_row = $0) : 0) nooutput
    if (_row < 0) {
        print "style.gp: no '# 1:t_days ...' header line in " . series
        exit status 1
    }
    stats series every ::_row::_row using (0) nooutput
    _ncols = STATS_columns
    # its words k..hi, 50 at a time (a deeper recursion overflows gnuplot's stack)
    _words(k, hi) = k > hi ? "" : " " . strcol(k) . _words(k + 1, hi)
    _hdr = ""
    do for [_k = 2:_ncols:50] {
        stats series every ::_row::_row using (_hdr = _hdr . _words(_k, _k + 49 < _ncols ? _k + 49 : _ncols), 0) \
            nooutput
    }
    set datafile commentschars "#"
    do for [i = 1:words(_hdr)] {
        w = word(_hdr, i)
        cols = cols . " " . w[strstrt(w, ":") + 1:] . "=" . w[1:strstrt(w, ":") - 1]
    }
}
col(name) = (_p = strstrt(cols . " ", " " . name . "="), _p ? word(cols[_p + strlen(name) + 2:], 1) + 0 : 0)
