# style.gp: what the gnuplot scripts of `microheal plot` share: a canvas that reads when projected, the
# palette of the cross-sections, and the column lookup of `microheal export --series` tables.
#
# Loaded by a script beside it, after its variables are set:
#     load system(sprintf("dirname '%s'", ARG0)) . "/style.gp"
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

# Column lookup: "# 1:t_days 2:dt_days ..." -> cols = " t_days=1 dt_days=2 ..."; col(name) = 0 if absent.
if (exists("series")) {
    hdr = system(sprintf("grep -m1 '^# 1:' '%s'", series))
    cols = ""
    do for [i = 2:words(hdr)] {
        w = word(hdr, i)
        cols = cols . " " . w[strstrt(w, ":") + 1:] . "=" . w[1:strstrt(w, ":") - 1]
    }
}
col(name) = (_p = strstrt(cols . " ", " " . name . "="), _p ? word(cols[_p + strlen(name) + 2:], 1) + 0 : 0)
