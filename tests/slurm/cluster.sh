#!/usr/bin/env bash
# cluster.sh: a throwaway single-node Slurm cluster (slurmctld + slurmd on this machine) for tests,
# such as the test of `microheal sweep --slurm`. Everything lives in a directory the caller gives.
#
# Usage (as root; Debian 12's slurmctld, slurmd and slurm-client 22.05):
#   eval "$(tests/slurm/cluster.sh start DIR)"   # creates DIR, starts the daemons, waits for the node
#                                                # to be idle, prints `export SLURM_CONF=DIR/slurm.conf`
#   sbatch ...; squeue ...                       # any Slurm client, through SLURM_CONF
#   tests/slurm/cluster.sh stop DIR              # cancels jobs, stops the daemons, kills leftover steps
# `start` exits non-zero on failure, after printing the daemon log tails to stderr and stopping what it
# started. `stop` is safe to call twice, after a failed start, or on a DIR that was never started.
# tests/slurm/smoke.sh shows the whole cycle with a job array and a dependency.
#
# What DIR holds: slurm.conf, plugstack.conf (empty, so /etc/slurm's is not read), ports,
# slurmctld.pid, slurmd.pid (written by cluster.sh: the daemons' own pid files are in run/, kept apart
# because a daemon rewriting its pid file races with `start` reading it), state/ (StateSaveLocation),
# spool/ (SlurmdSpoolDir), log/ (daemon logs and their stderr). Nothing outside DIR is written;
# only root can start slurmd.
#
# Configuration: AuthType=auth/none and CredType=cred/none (both plugins ship in Debian's
# slurm-wlm-basic-plugins, so munge is not needed), SlurmUser=root, ProctrackType=proctrack/linuxproc and
# TaskPlugin=task/none (no cgroup plugin: this runs in containers and VMs without a delegated cgroup
# tree), select/cons_tres with CR_Core (on a 2-core machine 2 one-CPU tasks run at once), no accounting.
# The node is `hostname -s` with the CPU layout `slurmd -C` reports and 90% of its RealMemory, at
# 127.0.0.1. Ports: two free ports below the ephemeral range, chosen at random and checked against every
# TCP socket in /proc/net/tcp{,6} whatever its state (TIME_WAIT included), so back-to-back clusters do
# not clash; a start that still loses a port race ("Address already in use") is retried with new ports.
#
# Measured on the 2-core Debian 12 VM (no systemd), Slurm 22.05.8, with tests/slurm/smoke.sh:
#   start: 1.0-2.8 s (slurmctld answers `scontrol ping` in under 1 s, the node is idle a few tenths of
#          a second after slurmd starts); 5.0-5.4 s with both cores busy (2x `yes`, load average 6).
#   stop:  0.4-0.8 s, loaded or not, also with 4 running tasks to cancel (~0.5 s).
#   a 4-task array (--array=0-3 --cpus-per-task=1, each task `sleep 2`): 7.6-8.1 s from sbatch to
#          squeue empty, loaded or not. Tasks 0,1 start ~2.7 s after sbatch, tasks 2,3 ~1 s after they
#          end: slurmctld's main scheduler starts batch jobs on a ~3 s tick (SchedulerParameters
#          batch_sched_delay=0 did not change it), so budget ~3 s of latency per wave of tasks.
#   `sbatch --wait`: polls; the dependent job's sbatch --wait returned ~2 s after the job ended
#          (10.0 s after the array's submission every time). Its exit status is the job's (exit 3 -> 3).
#   an afterany dependent job starts ~1 s after the last array task ends.
# Quirks found:
#   - SlurmctldHost must name this host (`hostname -s`, or `localhost`, which slurmctld also accepts);
#     the address in parentheses pins it to 127.0.0.1. slurmd gets `-N NODENAME` explicitly, and
#     SLURM_CONF in its environment (slurmstepd inherits it; `stop` relies on that).
#     No cgroup plugin, no cgroup.conf, no munged needed.
#   - Daemons run with -D (no fork) under setsid, stdin/stdout/stderr redirected into DIR/log, so that
#     `eval "$(cluster.sh start DIR)"` does not hang on a pipe kept open by a daemon. With -D they log
#     both to DIR/log/NAME.log and to stderr (DIR/log/NAME.stderr).
#   - A fresh StateSaveLocation makes slurmctld log "error: Could not open ... state file": harmless.
#   - slurmstepd and the job's processes outlive slurmd: stopping the daemons alone leaves running jobs
#     behind. `stop` therefore scancels everything first, and then SIGKILLs the session of any
#     slurmstepd whose environment holds SLURM_CONF=DIR/slurm.conf.
#   - Killed daemons and steps stay <defunct> for a second or two until PID 1 reaps them: `pgrep`
#     lists them meanwhile; `stop` does not count zombies as leftovers.
#   - Without accounting there is no sacct; a finished job stays visible for MinJobAge (300 s) through
#     `squeue -t all -j ID -o '%i %T %r'` (COMPLETED, FAILED NonZeroExitCode, ...) and
#     `scontrol show job ID` (JobState, ExitCode, StartTime, EndTime).
#   - A batch job's stdout/stderr default to slurm-%A_%a.out (arrays) or slurm-%j.out in its working
#     directory, which defaults to sbatch's cwd. A working or output directory that does not exist
#     (or cannot be written) fails the job at launch: FAILED JobLaunchFailure, ExitCode 0:53, no output
#     file at all, node stays idle. Tests should pass --chdir and --output under a temp dir.
#   - The job sees SLURM_ARRAY_JOB_ID, SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_{COUNT,MIN,MAX,STEP},
#     SLURM_JOB_ID (its own per task), SLURM_CPUS_PER_TASK (only when --cpus-per-task/-c is given;
#     unset otherwise), SLURM_CPUS_ON_NODE, SLURM_SUBMIT_DIR, SLURM_JOB_NAME, SLURMD_NODENAME,
#     SLURM_CLUSTER_NAME=mhtest, and all of the submitter's environment (--export=ALL is the default),
#     SLURM_CONF included. sbatch --wrap runs the command under /bin/sh; the script is copied to
#     DIR/spool/jobNNNNN/slurm_script.
set -euo pipefail

readonly START_TIMEOUT=30 # seconds for slurmctld to answer and for the node to become idle
readonly STOP_TIMEOUT=15  # seconds for jobs to end after scancel, and for daemons after SIGTERM
readonly CLIENT_TIMEOUT=10 # seconds for one client command (scontrol, sinfo, squeue, scancel)

die() {
    printf 'cluster.sh: %s\n' "$*" >&2
    exit 1
}

usage() {
    printf 'usage: %s start|stop DIR\n' "$0" >&2
    exit 2
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# used_ports: every local TCP port of any socket in any state, one per line, in decimal
used_ports() {
    local f _ local_addr _rest
    for f in /proc/net/tcp /proc/net/tcp6; do
        [[ -r "$f" ]] || continue
        while read -r _ local_addr _rest; do
            [[ "$local_addr" == *:* ]] && echo $((16#${local_addr##*:}))
        done <"$f"
    done
    return 0
}

# pick_ports N: N distinct free ports below the ephemeral range
pick_ports() {
    local n=$1 low=10000 high eph_low used p picked=()
    eph_low=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
    high=$((eph_low - 1))
    ((high > low + 1000)) || high=30000
    used=" $(used_ports | tr '\n' ' ') "
    for ((tries = 0; ${#picked[@]} < n && tries < 1000; tries++)); do
        p=$((low + (RANDOM * 32768 + RANDOM) % (high - low)))
        [[ "$used" == *" $p "* ]] && continue
        used+="$p "
        picked+=("$p")
    done
    ((${#picked[@]} == n)) || die "could not find $n free TCP ports"
    echo "${picked[*]}"
}

# The /proc helpers below use only builtins (no $(...), no tr or cat): `stop` polls them, and a fork
# per process costs seconds on a loaded 2-core machine.

# read_stat PID: sets st_state (R, S, Z, ...) and st_sid from /proc/PID/stat; false when PID is gone
read_stat() {
    local line rest
    st_state='' st_sid=''
    { IFS= read -r line <"/proc/$1/stat"; } 2>/dev/null || return 1
    rest=${line##*) } # the command name, in parentheses, may hold spaces
    read -r st_state _ _ st_sid _ <<<"$rest"
}

# read_args PID: sets args to PID's command line, arguments joined by spaces; false when PID is gone
read_args() {
    local -a argv=()
    { mapfile -d '' -t argv <"/proc/$1/cmdline"; } 2>/dev/null || return 1
    args="${argv[*]}"
}

# pid_of DAEMON: the pid in DIR/DAEMON.pid when that process is alive and is DAEMON with this DIR's conf
pid_of() {
    local daemon=$1 pid=
    { read -r pid <"$dir/$daemon.pid"; } 2>/dev/null || [[ -n "$pid" ]] || return 1
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    read_args "$pid" || return 1
    [[ "$args" == *"$daemon"*"$dir/slurm.conf"* ]] || return 1
    read_stat "$pid" || return 1
    [[ "$st_state" != Z ]] || return 1
    echo "$pid"
}

# find_steps: sets steps to the live slurmstepd processes of this cluster (their environment, inherited
# from slurmd, holds our SLURM_CONF)
find_steps() {
    local p e
    local -a envs
    steps=()
    for p in /proc/[0-9]*; do
        p=${p#/proc/}
        read_args "$p" || continue
        [[ "$args" == slurmstepd* ]] || continue
        read_stat "$p" || continue
        [[ "$st_state" != Z ]] || continue
        envs=()
        { mapfile -d '' -t envs <"/proc/$p/environ"; } 2>/dev/null || continue
        for e in "${envs[@]}"; do
            if [[ "$e" == "SLURM_CONF=$dir/slurm.conf" ]]; then
                steps+=("$p")
                break
            fi
        done
    done
}

# find_session SID: sets victims to the live processes of session SID
find_session() {
    local p
    victims=()
    for p in /proc/[0-9]*; do
        p=${p#/proc/}
        read_stat "$p" || continue
        [[ "$st_sid" == "$1" && "$st_state" != Z ]] && victims+=("$p")
    done
    return 0
}

client() { # client CMD ARGS...: a Slurm client command against this cluster, bounded in time
    SLURM_CONF="$dir/slurm.conf" timeout "$CLIENT_TIMEOUT" "$@"
}

ctld_up() { [[ "$(client scontrol ping 2>/dev/null)" == *" is UP"* ]]; }

log_tails() {
    local f n
    for f in "$dir"/log/*; do # the .stderr files mostly repeat the .log files
        [[ -s "$f" ]] || continue
        n=30
        [[ "$f" == *.stderr ]] && n=10
        printf '==> %s (last %s lines) <==\n' "$f" "$n" >&2
        tail -n "$n" "$f" >&2
    done
}

# kill_daemon NAME: SIGTERM, then SIGKILL after STOP_TIMEOUT seconds
kill_daemon() {
    local name=$1 pid i
    pid=$(pid_of "$name") || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
        pid_of "$name" >/dev/null || return 0
        sleep 0.1
    done
    printf 'cluster.sh: %s (pid %s) ignored SIGTERM for %s s; sending SIGKILL\n' \
        "$name" "$pid" "$STOP_TIMEOUT" >&2
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        pid_of "$name" >/dev/null || return 0
        sleep 0.1
    done
    printf 'cluster.sh: %s (pid %s) survived SIGKILL\n' "$name" "$pid" >&2
    return 1
}

cmd_stop() {
    local i p own_sid rc=0 jobs=()
    [[ -d "$dir" ]] || return 0
    # Cancel the jobs while slurmctld is there, so that slurmstepd ends them the ordinary way.
    if pid_of slurmctld >/dev/null && [[ -r "$dir/slurm.conf" ]]; then
        mapfile -t jobs < <(client squeue -h -o %A 2>/dev/null || true)
        if ((${#jobs[@]} > 0)); then
            client scancel --quiet "${jobs[@]}" 2>/dev/null || true
            for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
                find_steps
                ((${#steps[@]} == 0)) && break
                sleep 0.1
            done
        fi
    fi
    kill_daemon slurmd || rc=1
    kill_daemon slurmctld || rc=1
    # slurmstepd and the job's processes outlive slurmd: kill their sessions (never our own).
    read_stat $$ || true
    own_sid=$st_sid
    for ((i = 0; i < 3; i++)); do
        find_steps
        ((${#steps[@]} > 0)) || break
        for p in "${steps[@]}"; do
            read_stat "$p" || continue
            if [[ -n "$st_sid" && "$st_sid" != 0 && "$st_sid" != 1 && "$st_sid" != "$own_sid" ]]; then
                find_session "$st_sid"
                ((${#victims[@]} == 0)) || kill -KILL "${victims[@]}" 2>/dev/null || true
            fi
            kill -KILL "$p" 2>/dev/null || true
        done
        sleep 0.5
    done
    find_steps
    if ((${#steps[@]} > 0)); then
        printf 'cluster.sh: slurmstepd processes survived: %s\n' "${steps[*]}" >&2
        rc=1
    fi
    rm -f "$dir/slurmctld.pid" "$dir/slurmd.pid"
    return "$rc"
}

# write_conf CTLD_PORT SLURMD_PORT
write_conf() {
    local node layout mem
    node=$(hostname -s)
    # slurmd -C: "NodeName=vm CPUs=2 Boards=1 SocketsPerBoard=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=24105"
    layout=$(slurmd -C 2>/dev/null | head -n 1) || die "slurmd -C failed"
    mem=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$layout")
    [[ -n "$mem" ]] || die "no RealMemory in slurmd -C output: $layout"
    mem=$((mem * 9 / 10))
    layout=$(sed -e 's/NodeName=[^ ]* *//' -e 's/ *RealMemory=[0-9]*//' <<<"$layout")
    : >"$dir/plugstack.conf"
    cat >"$dir/slurm.conf" <<EOF
# Written by tests/slurm/cluster.sh: a throwaway single-node cluster, no munge, no cgroups.
ClusterName=mhtest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$1
SlurmdPort=$2
AuthType=auth/none
CredType=cred/none
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
PlugStackConfig=$dir/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
KillWait=5
MailProg=/bin/true
NodeName=$node NodeAddr=127.0.0.1 $layout RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
    echo "$1 $2" >"$dir/ports"
}

# spawn DAEMON ARGS...: DAEMON in the foreground (-D) of its own session, detached from our stdio;
# sets spawned to its pid and records it in DIR/DAEMON.pid
spawn() {
    local daemon=$1
    shift
    SLURM_CONF="$dir/slurm.conf" setsid "$daemon" -D -f "$dir/slurm.conf" "$@" \
        </dev/null >>"$dir/log/$daemon.stderr" 2>&1 &
    spawned=$!
    echo "$spawned" >"$dir/$daemon.pid.tmp"
    mv -f "$dir/$daemon.pid.tmp" "$dir/$daemon.pid"
}

# alive PID: PID exists and is not a zombie (a child of ours that exited stays a zombie until reaped;
# right after the fork it may not have exec'd the daemon yet, so its command line is not checked)
alive() { read_stat "$1" && [[ "$st_state" != Z ]]; }

# try_start: one attempt with fresh ports; returns 0 when the node is idle, 2 on a port clash, 1 else
try_start() {
    local ports node state ctld slurmd deadline
    ports=$(pick_ports 2)
    write_conf "${ports% *}" "${ports#* }"
    node=$(hostname -s)
    spawn slurmctld
    ctld=$spawned
    deadline=$((SECONDS + START_TIMEOUT))
    while :; do
        alive "$ctld" || { echo "slurmctld exited at start" >&2; break; }
        ctld_up && break
        ((SECONDS < deadline)) || { echo "slurmctld did not answer in $START_TIMEOUT s" >&2; break; }
        sleep 0.2
    done
    if alive "$ctld" && ctld_up; then
        spawn slurmd -N "$node"
        slurmd=$spawned
        deadline=$((SECONDS + START_TIMEOUT))
        while :; do
            alive "$slurmd" || { echo "slurmd exited at start" >&2; break; }
            alive "$ctld" || { echo "slurmctld exited" >&2; break; }
            state=$(client sinfo -h -n "$node" -o %t 2>/dev/null || true)
            if [[ "$state" == idle ]]; then
                printf 'cluster.sh: up in %s s (ports %s, node %s)\n' "$(elapsed "$t_start")" "$ports" "$node" >&2
                return 0
            fi
            ((SECONDS < deadline)) || {
                echo "node $node not idle after $START_TIMEOUT s (state: ${state:-none})" >&2
                break
            }
            sleep 0.2
        done
    fi
    if grep -qs 'Address already in use' "$dir"/log/*; then
        return 2
    fi
    return 1
}

cmd_start() {
    local attempt rc
    t_start=$(now)
    [[ "$(id -u)" -eq 0 ]] || die "must run as root (slurmd runs jobs as their user)"
    local d
    for d in slurmctld slurmd sinfo scontrol squeue scancel setsid timeout; do
        command -v "$d" >/dev/null 2>&1 || die "$d not found (install slurmctld slurmd slurm-client)"
    done
    for d in auth_none cred_none; do
        compgen -G "/usr/lib/*/slurm*/$d.so" >/dev/null || compgen -G "/usr/lib*/slurm/$d.so" >/dev/null ||
            die "Slurm plugin $d.so not found (Debian: slurm-wlm-basic-plugins)"
    done
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd -P)
    cmd_stop || true # a previous cluster in the same DIR
    for attempt in 1 2 3; do
        rm -rf "$dir/state" "$dir/spool" "$dir/log" "$dir/run"
        mkdir -p "$dir/state" "$dir/spool" "$dir/log" "$dir/run"
        rc=0
        try_start || rc=$?
        if ((rc == 0)); then
            printf 'export SLURM_CONF=%q\n' "$dir/slurm.conf"
            return 0
        fi
        if ((rc == 2 && attempt < 3)); then
            echo "cluster.sh: port clash; retrying with other ports" >&2
            cmd_stop || true
            continue
        fi
        break
    done
    echo "cluster.sh: start failed in $dir" >&2
    log_tails
    cmd_stop || true
    return 1
}

(($# == 2)) || usage
dir=$2
[[ -n "$dir" ]] || usage
case "$1" in
start) cmd_start ;;
stop)
    [[ -d "$dir" ]] && dir=$(cd "$dir" && pwd -P)
    cmd_stop
    ;;
*) usage ;;
esac
