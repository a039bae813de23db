#!/usr/bin/env bash
# Stop the one-node SLURM cluster started by tests/cluster/start-slurm.sh.
#
#   sudo tests/cluster/stop-slurm.sh            # cancel jobs, stop slurmd, slurmctld, slurmdbd, mariadbd, munged
#   sudo tests/cluster/stop-slurm.sh --purge    # ... and delete $NALM_SLURM_DIR and the /etc/slurm files it wrote
#
# Only daemons whose pid files live under $NALM_SLURM_DIR (default /tmp/nalm-slurm) are stopped,
# plus munged when start-slurm.sh was the one that started it. Idempotent: stopping a stopped
# cluster reports "not running" and exits 0.
set -euo pipefail

BASE=${NALM_SLURM_DIR:-/tmp/nalm-slurm}
MARKER="# managed by nalm tests/cluster/start-slurm.sh"
export PATH=$PATH:/usr/sbin:/sbin
purge=0
[[ ${1:-} == --purge ]] && purge=1

say() { echo "stop-slurm: $*"; }
[[ $(id -u) -eq 0 ]] || { echo "stop-slurm: ERROR: must run as root" >&2; exit 2; }

stop_pidfile() {  # stop_pidfile NAME PIDFILE
    local name=$1 pidfile=$2 pid i
    if [[ ! -s $pidfile ]] || ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
        say "$name not running"
        rm -f "$pidfile"
        return 0
    fi
    pid=$(cat "$pidfile")
    say "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 60; i++)); do
        kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; return 0; }
        sleep 0.5
    done
    say "$name did not stop after 30s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$pidfile"
}

if [[ -d $BASE/run ]]; then
    if [[ -s $BASE/run/slurmctld.pid ]] && kill -0 "$(cat "$BASE/run/slurmctld.pid")" 2>/dev/null; then
        n=$(squeue -h 2>/dev/null | wc -l || echo 0)
        if (( n > 0 )); then
            say "cancelling $n queued/running job(s)"
            scancel --full --signal=TERM --user=root 2>/dev/null || true
            scancel --user=root 2>/dev/null || true
            sleep 2
        fi
    fi
    stop_pidfile slurmd "$BASE/run/slurmd.pid"
    stop_pidfile slurmctld "$BASE/run/slurmctld.pid"
    stop_pidfile slurmdbd "$BASE/run/slurmdbd.pid"
    stop_pidfile mariadbd "$BASE/mysql-run/mariadbd.pid"
    if [[ -e $BASE/run/munged.started ]]; then
        stop_pidfile munged /run/munge/munged.pid
        rm -f "$BASE/run/munged.started"
    else
        say "munged was not started by start-slurm.sh; leaving it alone"
    fi
else
    say "nothing to stop ($BASE/run does not exist)"
fi

if (( purge )); then
    say "removing $BASE"
    rm -rf "$BASE"
    for f in /etc/slurm/slurm.conf /etc/slurm/slurmdbd.conf; do
        if [[ -e $f ]] && grep -qF "$MARKER" "$f"; then say "removing $f"; rm -f "$f"; fi
    done
fi
say "done"
