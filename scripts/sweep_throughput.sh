#!/usr/bin/env bash
# sweep_throughput.sh: points per hour of microheal sweep, locally and under mpirun, on this machine.
#
# Usage: bash scripts/sweep_throughput.sh [NP]     (NP: processes and ranks, default: the cores)
# Runs configs/sweeps/throughput.ini (16 points of a 60-day single-session 2-D run) three ways into
# fresh folders: local with -j NP, mpirun -np NP, and, for reference, local with -j 1; each with one
# OpenMP thread per process. Prints wall time and points per hour of each, and checks that the three
# summaries are the same bytes. Exit 1 if a run fails or the summaries differ.
set -euo pipefail
cd "$(dirname "$0")/.."
np="${1:-$(getconf _NPROCESSORS_ONLN)}"
sweep=configs/sweeps/throughput.ini
make -s microheal
out="$(mktemp -d /tmp/mh_throughput_XXXXXX)"
trap 'rm -rf "$out"' EXIT
export OMP_NUM_THREADS=1 OMP_WAIT_POLICY=passive
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
points=$(./microheal sweep --check "$sweep" | sed -n 's/.* = \([0-9]*\) points$/\1/p')
run() { # run NAME COMMAND...: times it, prints the line
    local name="$1"
    shift
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>"$out/$name.log" || { cat "$out/$name.log" >&2; exit 1; }
    t1=$(date +%s.%N)
    awk -v n="$points" -v a="$t0" -v b="$t1" -v name="$name" \
        'BEGIN { printf "%-22s %3d points in %7.1f s: %7.0f points/hour\n", name, n, b - a, n * 3600 / (b - a) }'
}
echo "microheal sweep throughput, $(getconf _NPROCESSORS_ONLN) cores (load average $(cut -d" " -f1 /proc/loadavg)), $sweep"
run "local -j 1" ./microheal sweep "$sweep" -o "$out/serial" -j 1 -q
run "local -j $np" ./microheal sweep "$sweep" -o "$out/local" -j "$np" -q
run "mpirun -np $np" mpirun -np "$np" ./microheal sweep "$sweep" -o "$out/mpi" -q
cmp "$out/serial/summary.csv" "$out/local/summary.csv" && cmp "$out/local/summary.csv" "$out/mpi/summary.csv" &&
    cmp "$out/local/summary.h5" "$out/mpi/summary.h5" && echo "summaries: identical (csv and h5)"
