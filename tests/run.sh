#!/usr/bin/env bash
# Runs the whole test suite (Criterion) from the repository root; exits non-zero on any failure.
# TEST_BIN names the test program (default build/tests/run_tests; make check-asan runs its sanitizer
# build); arguments go to it (e.g. --filter 'sim/*').
set -euo pipefail
cd "$(dirname "$0")/.."
# Two test processes at a time with one OpenMP thread each fit a 2-core machine; spinning OpenMP
# threads of concurrent tests would starve each other, so waiting threads sleep. The thread-count
# test sets its own counts (1 and 2).
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
# The tests' files go to a folder of this run's own (tests/helpers.h: mh_test_tmp), removed when
# the suite passes and kept, with its name printed, when it fails or MH_TEST_KEEP is set (the
# ParaView test's pictures are there).
MH_TEST_TMP="$(mktemp -d "${TMPDIR:-/tmp}/microheal-tests.XXXXXX")"
export MH_TEST_TMP
status=0
# Criterion prints a skipped test only when verbose; its TAP report (beside the human one) holds each
# with its reason, and the skips a test chose itself (not those a --filter left out) are printed here.
"${TEST_BIN:-build/tests/run_tests}" --jobs "${TEST_JOBS:-2}" -Otap:"$MH_TEST_TMP/report.tap" "$@" || status=$?
if [[ -f "$MH_TEST_TMP/report.tap" ]]; then
    skipped="$(grep -E '^ok - .*  # SKIP ' "$MH_TEST_TMP/report.tap" | grep -vE '# SKIP (test was skipped|Test is disabled)$' || true)"
    if [[ -n "$skipped" ]]; then
        echo "tests/run.sh: $(wc -l <<<"$skipped") test(s) skipped on this machine:" >&2
        sed -E 's/^ok - ([^ ]+)  # SKIP /  \1: /' <<<"$skipped" >&2
    fi
fi
# the small tmpfs of the full-disk test (tests/test_checkpoint.c), if a failed test left it mounted
awk -v t="$MH_TEST_TMP/" 'index($2, t) == 1 { print $2 }' /proc/mounts 2>/dev/null | while read -r m; do
    umount "$m" || true
done
if ((status == 0)) && [[ -z "${MH_TEST_KEEP:-}" ]]; then
    rm -rf "$MH_TEST_TMP"
else
    echo "tests/run.sh: the tests' files are kept in $MH_TEST_TMP" >&2
fi
exit "$status"
