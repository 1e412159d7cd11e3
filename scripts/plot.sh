#!/usr/bin/env bash
# plot.sh: draws the standard figures of one microheal output file as PNGs.
#
# Usage: bash scripts/plot.sh OUT.h5 DIR          (`make plots` runs it on results/default.h5)
#
# Exports the tables with `microheal export` into a temporary directory (removed on exit) and runs
# the gnuplot scripts beside this one, writing into DIR (created if needed):
#   healing_curves.png          collagen I/III, total collagen, elastin vs time (scripts/healing_curves.gp)
#   early_response.png          erythema, open channels, re-epithelialisation, bleeding (scripts/early_response.gp)
#   cross_section_collagen.png  total collagen in a cross-section at several days (scripts/cross_section_collagen.gp)
# Prints the paths written. Environment:
#   MICROHEAL   the microheal binary (default: microheal at the repository root)
#   PLOT_DAYS   days of the cross-section panels, at most 6 (default "0 7 42 180"); each panel
#               shows the stored snapshot nearest to the day asked for
# Exits non-zero with a message if microheal or gnuplot is missing, or an export or a plot fails;
# a figure is moved into DIR only when gnuplot succeeded, so no partial PNG is left behind.
set -euo pipefail

die() {
    printf 'plot.sh: %s\n' "$*" >&2
    exit 1
}

if [[ $# -ne 2 ]]; then
    echo "usage: bash scripts/plot.sh OUT.h5 DIR" >&2
    exit 2
fi
h5=$1
outdir=$2

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
microheal=${MICROHEAL:-$root/microheal}
days=${PLOT_DAYS:-0 7 42 180}

[[ -x "$microheal" ]] || die "$microheal not found or not executable (run make first)"
command -v gnuplot >/dev/null 2>&1 || die "gnuplot not found (install gnuplot-nox, or run make deps)"
[[ -f "$h5" ]] || die "$h5: no such file (run: $microheal run CONFIG -o $h5)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/microheal-plot.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

export_table() { # export_table FILE ARGS...: microheal export H5 ARGS -o FILE
    local file=$1
    shift
    "$microheal" export "$h5" "$@" -o "$file" || die "microheal export $h5 $* failed"
    [[ -s "$file" ]] || die "microheal export $h5 $* wrote nothing"
}

export_table "$tmp/series.txt" --series
export_table "$tmp/sessions.txt" --sessions
ndays=$(wc -w <<<"$days")
((ndays >= 1 && ndays <= 6)) || die "PLOT_DAYS must list 1 to 6 days, not '$days'"
fields=""
i=0
for day in $days; do
    i=$((i + 1))
    export_table "$tmp/collagen_total_$i.txt" --field collagen_total --day "$day"
    fields+="$tmp/collagen_total_$i.txt "
done

mkdir -p "$outdir" || die "cannot create $outdir"

plot() { # plot NAME VARIABLES: gnuplot -e "VARIABLES; out=..." scripts/NAME.gp, then move the PNG to outdir
    local name=$1 vars=$2
    gnuplot -e "$vars; out='$tmp/$name.png'" "$here/$name.gp" || die "gnuplot $here/$name.gp failed"
    mv -f "$tmp/$name.png" "$outdir/$name.png" || die "cannot write $outdir/$name.png"
    echo "$outdir/$name.png"
}

plot healing_curves "series='$tmp/series.txt'; sessions='$tmp/sessions.txt'"
plot early_response "series='$tmp/series.txt'; sessions='$tmp/sessions.txt'"
plot cross_section_collagen "fields='${fields% }'"
