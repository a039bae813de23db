#!/usr/bin/env bash
# Start a one-node SLURM cluster on this machine, for testing the cluster profile.
#
#   sudo tests/cluster/start-slurm.sh        # install (first time), configure, start, wait for idle
#   sudo tests/cluster/stop-slurm.sh         # stop every daemon this script started
#
# What it runs, all on loopback (127.0.0.1) and without systemd or cgroups:
#   munged      authentication            (Debian package munge)
#   mariadbd    accounting database       (mariadb-server; own datadir, port 127.0.0.1:$NALM_SLURM_DB_PORT)
#   slurmdbd    accounting daemon         (slurmdbd; `sacct` reads job states from it, and the
#                                           snakemake SLURM executor plugin polls `sacct`)
#   slurmctld   controller                (slurmctld)
#   slurmd      the one compute node      (slurmd; NodeName = `hostname -s`, all CPUs, real memory)
#
# Partition: "debug" (default). Account: "nalm" (user root is a member).
# State, logs and pid files live under $NALM_SLURM_DIR (default /tmp/nalm-slurm). The configuration
# is written to /etc/slurm/{slurm,slurmdbd}.conf so that sbatch/sinfo/sacct work from any shell;
# an existing slurm.conf that this script did not write is never overwritten.
#
# Idempotent: a second call finds the daemons running and only waits for the node to be idle.
# Exit codes: 0 ready; 2 not root; 3 foreign /etc/slurm/slurm.conf; 4 packages cannot be installed;
#             5 a daemon did not start (see the log named in the message).
set -euo pipefail

BASE=${NALM_SLURM_DIR:-/tmp/nalm-slurm}
DB_PORT=${NALM_SLURM_DB_PORT:-3307}
PARTITION=${NALM_SLURM_PARTITION:-debug}
ACCOUNT=${NALM_SLURM_ACCOUNT:-nalm}
CLUSTER=nalm
MARKER="# managed by nalm tests/cluster/start-slurm.sh"
CONF_DIR=/etc/slurm
NODE=$(hostname -s)

say() { echo "start-slurm: $*"; }
die() { local code=$1; shift; echo "start-slurm: ERROR: $*" >&2; exit "$code"; }

[[ $(id -u) -eq 0 ]] || die 2 "must run as root (it installs packages and starts system daemons)"

# --- 1. packages -------------------------------------------------------------------------------
need_install=0
for exe in munged slurmctld slurmd slurmdbd sbatch sacct sacctmgr mariadbd mariadb-install-db; do
    command -v "$exe" >/dev/null 2>&1 || [[ -x /usr/sbin/$exe ]] || need_install=1
done
if (( need_install )); then
    command -v apt-get >/dev/null || die 4 "slurm/munge/mariadb are missing and apt-get is not available"
    say "installing slurm-wlm, slurmdbd, munge, mariadb-server (apt-get)"
    # Keep apt from starting the packaged services (systemd units with the distribution's config):
    # this script starts the daemons itself, with its own configuration.
    policy=/usr/sbin/policy-rc.d
    own_policy=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod 755 "$policy"; own_policy=1
    fi
    export DEBIAN_FRONTEND=noninteractive
    ok=1
    apt-get update -q >"/tmp/nalm-slurm-apt.log" 2>&1 || ok=0
    if (( ok )); then
        apt-get install -y -q --no-install-recommends \
            slurm-wlm slurmctld slurmd slurm-client slurmdbd munge mariadb-server \
            >>"/tmp/nalm-slurm-apt.log" 2>&1 || ok=0
    fi
    (( own_policy )) && rm -f "$policy"
    (( ok )) || die 4 "apt-get failed; see /tmp/nalm-slurm-apt.log"
fi
export PATH=$PATH:/usr/sbin:/sbin

mkdir -p "$BASE"/{state,spool,log,run,mysql-run}
chmod 755 "$BASE"
LOG=$BASE/log

# --- 2. configuration --------------------------------------------------------------------------
if [[ -e $CONF_DIR/slurm.conf ]] && ! grep -qF "$MARKER" "$CONF_DIR/slurm.conf"; then
    die 3 "$CONF_DIR/slurm.conf exists and was not written by this script; refusing to overwrite it"
fi
mkdir -p "$CONF_DIR"

# Real memory as slurmd measures it (a configured value above it would drain the node).
mem_mb=$(slurmd -C 2>/dev/null | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' | head -1)
[[ -n $mem_mb ]] || mem_mb=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 ))
# CPUs as slurmd counts them (not `nproc`, which honours OMP_NUM_THREADS).
cpus=$(slurmd -C 2>/dev/null | sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' | head -1)
[[ -n $cpus ]] || cpus=$(nproc --all)

# Every client talks to 127.0.0.1. slurmd binds to the loopback address when the host name resolves
# to it (NoInAddrAny); slurmctld and slurmdbd have no bind option in 22.05 and listen on all
# addresses, accepting only requests signed with this host's munge key. mariadbd binds 127.0.0.1.
comm_params=""
if getent hosts "$NODE" | awk '{print $1}' | grep -qx '127\.[0-9.]*'; then
    comm_params="CommunicationParameters=NoInAddrAny"
fi

db_pass_file=$BASE/db-password
[[ -s $db_pass_file ]] || { head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$db_pass_file"; }
chmod 600 "$db_pass_file"
db_pass=$(cat "$db_pass_file")

new_conf=$(mktemp)
cat >"$new_conf" <<EOF
$MARKER
# One-node test cluster on $NODE. State and logs: $BASE. Stop with tests/cluster/stop-slurm.sh.
ClusterName=$CLUSTER
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
$comm_params
StateSaveLocation=$BASE/state
SlurmdSpoolDir=$BASE/spool
SlurmctldPidFile=$BASE/run/slurmctld.pid
SlurmdPidFile=$BASE/run/slurmd.pid
SlurmctldLogFile=$LOG/slurmctld.log
SlurmdLogFile=$LOG/slurmd.log
# No cgroups inside a container: track processes through /proc, no task binding.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=30
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1000
SchedulerType=sched/backfill
ReturnToService=2
KillWait=5
# Accounting through slurmdbd, so that sacct works (the snakemake executor plugin polls it).
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort=6819
JobCompType=jobcomp/none
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=$PARTITION Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
conf_changed=0
if ! cmp -s "$new_conf" "$CONF_DIR/slurm.conf"; then
    conf_changed=1
    install -m 644 "$new_conf" "$CONF_DIR/slurm.conf"
fi
cat >"$new_conf" <<EOF
$MARKER
AuthType=auth/munge
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=6819
SlurmUser=root
LogFile=$LOG/slurmdbd.log
PidFile=$BASE/run/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$DB_PORT
StorageUser=slurm
StoragePass=$db_pass
StorageLoc=slurm_acct_db
EOF
install -m 600 "$new_conf" "$CONF_DIR/slurmdbd.conf"
rm -f "$new_conf"

alive() { [[ -s $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
wait_for() {  # wait_for SECONDS DESCRIPTION LOGFILE COMMAND...
    local secs=$1 what=$2 logf=$3; shift 3
    local i
    for ((i = 0; i < secs * 2; i++)); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.5
    done
    echo "--- last lines of $logf ---" >&2; tail -n 20 "$logf" >&2 2>/dev/null || true
    die 5 "$what did not come up within ${secs}s (log: $logf)"
}

# --- 3. munge ----------------------------------------------------------------------------------
if [[ ! -s /etc/munge/munge.key ]]; then
    say "creating /etc/munge/munge.key"
    if command -v mungekey >/dev/null; then mungekey --create --force >/dev/null
    else dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none; fi
    chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key
fi
mkdir -p /run/munge /var/log/munge /var/lib/munge
chown munge:munge /run/munge /var/log/munge /var/lib/munge
chmod 755 /run/munge
if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    say "munged already running"
else
    say "starting munged"
    # munged runs as user munge (its pid file and socket are in /run/munge).
    runuser -u munge -- /usr/sbin/munged </dev/null >>"$LOG/munged.out" 2>&1 || true
    touch "$BASE/run/munged.started"   # so that stop-slurm.sh stops it again
    wait_for 20 munged /var/log/munge/munged.log sh -c 'munge -n | unmunge'
fi

# --- 4. mariadb (accounting storage) -----------------------------------------------------------
DATADIR=$BASE/mysql
SOCK=$BASE/mysql-run/mysqld.sock   # mysql-run/ is owned by user mysql: socket, pid file, log
chown mysql:mysql "$BASE/mysql-run"
db() { mariadb --no-defaults -uroot -S "$SOCK" "$@"; }
if [[ ! -d $DATADIR/mysql ]]; then
    say "initialising the accounting database in $DATADIR"
    mkdir -p "$DATADIR"; chown mysql:mysql "$DATADIR"
    mariadb-install-db --no-defaults --user=mysql --datadir="$DATADIR" --skip-test-db \
        --auth-root-authentication-method=socket >"$LOG/mariadb-install.log" 2>&1 \
        || die 5 "mariadb-install-db failed (log: $LOG/mariadb-install.log)"
fi
if db -e 'select 1' >/dev/null 2>&1; then
    say "mariadbd already running"
else
    say "starting mariadbd on 127.0.0.1:$DB_PORT"
    setsid /usr/sbin/mariadbd --no-defaults --user=mysql --datadir="$DATADIR" \
        --socket="$SOCK" --port="$DB_PORT" --bind-address=127.0.0.1 --skip-name-resolve \
        --pid-file="$BASE/mysql-run/mariadbd.pid" --log-error="$BASE/mysql-run/mariadbd.log" \
        --innodb-buffer-pool-size=128M --innodb-log-file-size=64M --innodb-lock-wait-timeout=900 \
        </dev/null >>"$LOG/mariadbd.out" 2>&1 &
    wait_for 60 mariadbd "$BASE/mysql-run/mariadbd.log" db -e 'select 1'
fi
db <<EOF
CREATE DATABASE IF NOT EXISTS slurm_acct_db;
CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY '$db_pass';
CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY '$db_pass';
ALTER USER 'slurm'@'127.0.0.1' IDENTIFIED BY '$db_pass';
ALTER USER 'slurm'@'localhost' IDENTIFIED BY '$db_pass';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';
EOF

# --- 5. slurmdbd -------------------------------------------------------------------------------
if alive "$BASE/run/slurmdbd.pid"; then
    say "slurmdbd already running"
else
    say "starting slurmdbd"
    slurmdbd </dev/null >>"$LOG/slurmdbd.out" 2>&1 || die 5 "slurmdbd failed to start (log: $LOG/slurmdbd.log)"
fi
wait_for 60 slurmdbd "$LOG/slurmdbd.log" sacctmgr -n list cluster
if ! sacctmgr -n -P list cluster format=cluster | grep -qx "$CLUSTER"; then
    sacctmgr -i add cluster "$CLUSTER" >/dev/null
fi
if ! sacctmgr -n -P list account format=account | grep -qx "$ACCOUNT"; then
    sacctmgr -i add account "$ACCOUNT" cluster="$CLUSTER" description="nalm test account" organization=nalm >/dev/null
fi
if ! sacctmgr -n -P list user root withassoc format=account | grep -qx "$ACCOUNT"; then
    sacctmgr -i add user root account="$ACCOUNT" cluster="$CLUSTER" >/dev/null
fi

# --- 6. slurmctld, slurmd ----------------------------------------------------------------------
restart() {  # restart NAME PIDFILE: a changed node definition needs fresh daemons
    local pid; pid=$(cat "$2")
    say "configuration changed: restarting $1"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    rm -f "$2"
}
if (( conf_changed )); then
    alive "$BASE/run/slurmd.pid" && restart slurmd "$BASE/run/slurmd.pid"
    alive "$BASE/run/slurmctld.pid" && restart slurmctld "$BASE/run/slurmctld.pid"
fi
if alive "$BASE/run/slurmctld.pid"; then
    say "slurmctld already running"
else
    say "starting slurmctld"
    slurmctld </dev/null >>"$LOG/slurmctld.out" 2>&1 || die 5 "slurmctld failed to start (log: $LOG/slurmctld.log)"
fi
wait_for 30 slurmctld "$LOG/slurmctld.log" scontrol ping
if alive "$BASE/run/slurmd.pid"; then
    say "slurmd already running"
else
    say "starting slurmd (node $NODE, $cpus CPUs, ${mem_mb} MB)"
    slurmd </dev/null >>"$LOG/slurmd.out" 2>&1 || die 5 "slurmd failed to start (log: $LOG/slurmd.log)"
fi

node_idle() {
    local state
    state=$(sinfo -h -n "$NODE" -o %T 2>/dev/null | head -1)
    case $state in
        idle|mixed|allocated|completing) return 0 ;;
        drain*|down) scontrol update nodename="$NODE" state=resume >/dev/null 2>&1 || true; return 1 ;;
        *) return 1 ;;
    esac
}
wait_for 60 "node $NODE (idle in sinfo)" "$LOG/slurmd.log" node_idle

say "ready: partition '$PARTITION' (default), account '$ACCOUNT', node $NODE, $cpus CPUs, ${mem_mb} MB; state in $BASE"
sinfo
