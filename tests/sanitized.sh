#!/usr/bin/env bash
# sanitized.sh: runs a command with sanitizer reports written to files, and fails if any was written.
#
# Usage: bash tests/sanitized.sh LOGDIR COMMAND [ARGS...]     (make check-asan and make check-tsan)
#
# Empties LOGDIR, appends log_path=LOGDIR/report to ASAN_OPTIONS, UBSAN_OPTIONS and TSAN_OPTIONS (each
# process that reports writes LOGDIR/report.PID instead of writing to stderr; GCC's UBSan runtime,
# linked beside ASan, ignores it and writes to stderr), and runs the command. Criterion forks a
# process per test and records a test that passed before the process exits, so a leak report (made at
# exit) would not fail the suite, and a CLI run inside a test that is expected to fail would hide a
# report behind its exit status; the files catch both. Exits with the command's status if it failed,
# else 1 after printing every report if any file was written, else 0.
set -uo pipefail
(($# >= 2)) || {
    echo "usage: $0 LOGDIR COMMAND [ARGS...]" >&2
    exit 2
}
logdir="$(mkdir -p "$1" && cd "$1" && pwd)" || exit 1
shift
rm -f "$logdir"/*
for var in ASAN_OPTIONS UBSAN_OPTIONS TSAN_OPTIONS; do
    export "$var=${!var:+${!var}:}log_path=$logdir/report"
done

"$@"
status=$?
reports=("$logdir"/*)
if [[ -e "${reports[0]}" ]]; then
    for f in "${reports[@]}"; do
        printf '\n==== %s\n' "$f"
        cat "$f"
    done
    printf '\nsanitized: %d sanitizer report(s) in %s\n' "${#reports[@]}" "$logdir" >&2
    ((status != 0)) || status=1
fi
exit "$status"
