#!/usr/bin/env bash
# smoke.sh: checks tests/slurm/cluster.sh end to end on a real single-node Slurm.
#
# Usage: bash tests/slurm/smoke.sh      (as root, from any directory; exit 0 on success)
#
# Starts a cluster in a mktemp directory (stopped on exit whatever happens), submits a 4-task job
# array (--array=0-3 --cpus-per-task=1) whose tasks write SLURM_ARRAY_TASK_ID, SLURM_CPUS_PER_TASK and
# their start and end times into one file each, and, while it runs, a second job with
# --dependency=afterany:<array> through `sbatch --wait` (under timeout). Waits for the array with a
# bounded squeue loop, checks the 4 files, that two tasks ran at the same time (2 cores, CR_Core), that
# the dependent job waited on Dependency and started after the last task ended, and that
# `sbatch --wait` returned 0. Prints the timings. On failure keeps the directory and prints the logs.
set -euo pipefail

readonly ARRAY_TIMEOUT=90 # seconds for the array to leave squeue (4 tasks of 2 s, 2 at a time)
readonly WAIT_TIMEOUT=120 # seconds for `sbatch --wait` of the dependent job

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
cluster="$here/cluster.sh"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/microheal-slurm.XXXXXX")
work="$dir/work"
waiter=
ok=0

cleanup() {
    local t0
    if [[ -n "$waiter" ]] && kill -0 "$waiter" 2>/dev/null; then
        kill "$waiter" 2>/dev/null || true
        wait "$waiter" 2>/dev/null || true
    fi
    if ((!ok)) && [[ -d "$dir/log" ]]; then
        for f in "$dir"/log/*.log "$work"/*.out; do
            [[ -s "$f" ]] || continue
            printf '==> %s (last 20 lines) <==\n' "$f" >&2
            tail -n 20 "$f" >&2
        done
    fi
    t0=$(now)
    "$cluster" stop "$dir" || echo "smoke: cluster.sh stop failed" >&2
    echo "smoke: stop $(elapsed "$t0") s"
    if ((ok)); then
        rm -rf "$dir"
    else
        echo "smoke: FAILED; files kept in $dir" >&2
    fi
}
trap cleanup EXIT
trap "exit 130" INT
trap "exit 143" TERM

fail() {
    printf 'smoke: %s\n' "$*" >&2
    exit 1
}

t0=$(now)
conf=$("$cluster" start "$dir") || fail "cluster.sh start failed"
eval "$conf"
[[ "${SLURM_CONF:-}" == "$dir/slurm.conf" ]] || fail "start printed '$conf'"
echo "smoke: start $(elapsed "$t0") s"
mkdir -p "$work"

# A task: its id and CPUs, then its start and end times (one file each, renamed when complete).
cat >"$work/task.sh" <<'EOF'
#!/bin/bash
f="$1/task_$SLURM_ARRAY_TASK_ID"
{
    echo "task=$SLURM_ARRAY_TASK_ID"
    echo "cpus=${SLURM_CPUS_PER_TASK-unset}"
    echo "job=$SLURM_JOB_ID array=$SLURM_ARRAY_JOB_ID node=$SLURMD_NODENAME"
    echo "start=$(date +%s.%N)"
    sleep 2
    echo "end=$(date +%s.%N)"
} >"$f.tmp"
mv "$f.tmp" "$f"
EOF
cat >"$work/after.sh" <<'EOF'
#!/bin/bash
echo "start=$(date +%s.%N) job=$SLURM_JOB_ID" >"$1/after"
EOF

t0=$(now)
array=$(cd / && sbatch --parsable --array=0-3 --cpus-per-task=1 --job-name=smoke-array \
    --chdir="$work" --output="$work/slurm-%A_%a.out" "$work/task.sh" "$work") ||
    fail "sbatch of the array failed"
array=${array%%;*}
[[ "$array" =~ ^[0-9]+$ ]] || fail "sbatch --parsable printed '$array'"
echo "smoke: array job $array submitted"

# The dependent job, through sbatch --wait in the background; its first line is the job id.
timeout "$WAIT_TIMEOUT" sbatch --wait --parsable --dependency="afterany:$array" --job-name=smoke-after \
    --chdir="$work" --output="$work/slurm-%j.out" "$work/after.sh" "$work" \
    >"$dir/waiter.out" 2>"$dir/waiter.err" &
waiter=$!
for ((i = 0; i < 50; i++)); do
    [[ -s "$dir/waiter.out" ]] && break
    sleep 0.1
done
after=$(head -n 1 "$dir/waiter.out")
after=${after%%;*}
[[ "$after" =~ ^[0-9]+$ ]] || fail "sbatch --wait printed '$after': $(cat "$dir/waiter.err")"
reason=$(timeout 10 squeue -h -j "$after" -o '%T %r')
echo "smoke: dependent job $after submitted: $reason"
[[ "$reason" == "PENDING Dependency" ]] || fail "dependent job $after is '$reason', not PENDING Dependency"

# Wait for the array to leave squeue, bounded.
deadline=$(($(date +%s) + ARRAY_TIMEOUT))
while :; do
    left=$(timeout 10 squeue -h -j "$array" -o %i) || fail "squeue failed"
    [[ -z "$left" ]] && break
    (($(date +%s) < deadline)) || fail "array $array still in squeue after $ARRAY_TIMEOUT s: $left"
    sleep 0.2
done
echo "smoke: array done in $(elapsed "$t0") s after submission"

last_end=0
starts=()
ends=()
for id in 0 1 2 3; do
    f="$work/task_$id"
    [[ -s "$f" ]] || fail "no output from task $id ($f)"
    grep -qx "task=$id" "$f" || fail "$f: wrong task id: $(cat "$f")"
    grep -qx "cpus=1" "$f" || fail "$f: SLURM_CPUS_PER_TASK is not 1: $(cat "$f")"
    grep -q "array=$array " "$f" || fail "$f: wrong SLURM_ARRAY_JOB_ID: $(cat "$f")"
    s=$(sed -n 's/^start=//p' "$f")
    e=$(sed -n 's/^end=//p' "$f")
    starts+=("$s")
    ends+=("$e")
    last_end=$(awk -v a="$last_end" -v b="$e" 'BEGIN { print (b > a) ? b : a }')
done
# Two tasks overlap when one starts before the other ends (2 cores, CR_Core: 2 run at once).
overlap=0
for i in 0 1 2 3; do
    for j in 0 1 2 3; do
        ((i < j)) || continue
        if awk -v s1="${starts[i]}" -v e1="${ends[i]}" -v s2="${starts[j]}" -v e2="${ends[j]}" \
            'BEGIN { exit !(s1 < e2 && s2 < e1) }'; then
            overlap=1
        fi
    done
done
for i in 0 1 2 3; do
    awk -v t="$t0" -v s="${starts[i]}" -v e="${ends[i]}" -v i="$i" \
        'BEGIN { printf "smoke: task %d ran from +%.1f s to +%.1f s\n", i, s - t, e - t }'
done
((overlap)) || fail "no two array tasks ran at the same time"
echo "smoke: 4 task files correct; tasks ran 2 at a time"

rc=0
wait "$waiter" || rc=$?
waiter=
((rc == 0)) || fail "sbatch --wait for job $after exited $rc: $(cat "$dir/waiter.err")"
echo "smoke: dependent job done $(elapsed "$t0") s after the array's submission (sbatch --wait returned 0)"
[[ -s "$work/after" ]] || fail "dependent job $after wrote nothing"
after_start=$(sed -n 's/^start=\([0-9.]*\).*/\1/p' "$work/after")
awk -v a="$after_start" -v b="$last_end" 'BEGIN { exit !(a >= b) }' ||
    fail "dependent job started at $after_start, before the array's last task ended at $last_end"
echo "smoke: dependent job started $(awk -v a="$after_start" -v b="$last_end" 'BEGIN { printf "%.1f", a - b }') s after the last task ended"

ok=1
echo "smoke: OK"
