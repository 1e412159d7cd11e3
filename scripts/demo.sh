#!/usr/bin/env bash
# demo.sh: the `make demo` job: simulates configs/default.ini, describes the output and plots it.
#
# Usage: bash scripts/demo.sh     (from anywhere; works in the repository root; needs ./microheal built)
# Writes results/default.h5 and the gallery of `microheal plot` (PNGs, a GIF and its frames) into results/.
# Stops at the first failure.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

[[ -x ./microheal ]] || {
    echo "demo.sh: ./microheal not built (run make)" >&2
    exit 1
}

mkdir -p results
./microheal run configs/default.ini -o results/default.h5
./microheal info results/default.h5
echo
echo "plots:"
./microheal plot results/default.h5 -o results
echo
echo "demo: results in $root/results (default.h5 and the pictures above)"
