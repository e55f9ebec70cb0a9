#!/usr/bin/env bash
# A single-node Slurm on this machine, for `workbench run --executor slurm` and its tests (docs/scale-out.md).
#   scripts/slurm.sh start    install slurm-wlm and munge when missing, configure localhost, start munged,
#                             slurmctld and slurmd, wait until the node is idle (reuses a running Slurm)
#   scripts/slurm.sh status   prints the node's state; exit 0 when Slurm answers
#   scripts/slurm.sh stop     stops the daemons this script started (by their pid files)
# Needs root (or sudo). The configuration is written to /etc/slurm/slurm.conf only when none exists or it is
# ours (first line below); state, spool and logs live in $WORKBENCH_SLURM_DIR (default /var/tmp/workbench-slurm).
# Settings: one node on localhost, CPUs = min(2, cores), ProctrackType=proctrack/linuxproc, TaskPlugin=task/none
# (no cgroups), no accounting (status comes from squeue/scontrol, not sacct); a dependent job is scheduled as soon
# as its dependencies end (batch_sched_delay=0: about 1 s per link of a chain instead of 3).
set -euo pipefail
marker="# written by workbench scripts/slurm.sh"
conf=/etc/slurm/slurm.conf
base="${WORKBENCH_SLURM_DIR:-/var/tmp/workbench-slurm}"
wait_seconds="${WORKBENCH_SLURM_WAIT:-60}"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"

die() { echo "slurm.sh: error: $*" >&2; exit 1; }
say() { echo "slurm.sh: $*" >&2; }

install_packages() {
  local missing=()
  for p in slurm-wlm munge; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    command -v apt-get >/dev/null || die "apt-get not found: install ${missing[*]} by hand (Debian/Ubuntu packages)"
    say "installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

node_name() { hostname -s; }

write_config() {
  if [ -f "$conf" ] && ! head -1 "$conf" | grep -qF "$marker"; then
    say "keeping the existing $conf (not written by this script)"
    return
  fi
  local cpus; cpus=$(nproc); [ "$cpus" -gt 2 ] && cpus=2
  local node; node=$(node_name)
  $SUDO mkdir -p "$base/state" "$base/spool" "$base/log" /etc/slurm
  local text
  text="$marker
ClusterName=workbench
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$base/state
SlurmdSpoolDir=$base/spool
SlurmctldPidFile=$base/slurmctld.pid
SlurmdPidFile=$base/slurmd.pid
SlurmctldLogFile=$base/log/slurmctld.log
SlurmdLogFile=$base/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SchedulerParameters=sched_min_interval=100000,batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
MinJobAge=600
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=workbench Nodes=$node Default=YES MaxTime=INFINITE State=UP"
  if [ ! -f "$conf" ] || [ "$(cat "$conf")" != "$text" ]; then
    printf '%s\n' "$text" | $SUDO tee "$conf" >/dev/null
    say "wrote $conf (node $node, $cpus CPUs, state in $base)"
    # A running controller re-reads it.
    if scontrol ping 2>/dev/null | grep -q "is UP"; then $SUDO scontrol reconfigure || true; fi
  fi
}

# munged runs as the munge user; its key is created by the package (or here when missing).
start_munge() {
  if [ -S /run/munge/munge.socket.2 ] && munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then return; fi
  [ -f /etc/munge/munge.key ] || $SUDO mungekey --create --keyfile=/etc/munge/munge.key
  $SUDO chown munge:munge /etc/munge/munge.key; $SUDO chmod 400 /etc/munge/munge.key
  $SUDO mkdir -p /run/munge /var/log/munge /var/lib/munge
  $SUDO chown munge:munge /run/munge /var/log/munge /var/lib/munge
  $SUDO runuser -u munge -- /usr/sbin/munged || die "munged did not start (see /var/log/munge/munged.log)"
  munge -n </dev/null | unmunge >/dev/null || die "munged started but a credential does not round-trip"
}

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

node_state() { sinfo -h -N -n "$(node_name)" -o "%T" 2>/dev/null | head -1; }

start() {
  if scontrol ping 2>/dev/null | grep -q "is UP" && [ "$(node_state)" = "idle" ]; then
    say "Slurm is already running, node $(node_name) idle"; return
  fi
  install_packages
  write_config
  start_munge
  running "$base/slurmctld.pid" || $SUDO slurmctld || die "slurmctld did not start (see $base/log/slurmctld.log)"
  running "$base/slurmd.pid" || $SUDO slurmd || die "slurmd did not start (see $base/log/slurmd.log)"
  local waited=0 state=""
  while ((waited < wait_seconds)); do
    state=$(node_state || true)
    case "$state" in
      idle|mixed|allocated) say "Slurm is up: node $(node_name) $state"; return ;;
      down*|drain*|drained*) $SUDO scontrol update nodename="$(node_name)" state=resume 2>/dev/null || true ;;
    esac
    sleep 1; waited=$((waited + 1))
  done
  die "node $(node_name) not idle after ${wait_seconds}s (state: ${state:-no answer}); see $base/log/slurmctld.log and slurmd.log"
}

stop() {
  for d in slurmd slurmctld; do
    if running "$base/$d.pid"; then $SUDO kill "$(cat "$base/$d.pid")"; say "stopped $d"; fi
  done
  if [ -f /run/munge/munged.pid ] && kill -0 "$(cat /run/munge/munged.pid)" 2>/dev/null; then
    $SUDO kill "$(cat /run/munge/munged.pid)"; say "stopped munged"
  fi
}

status() {
  scontrol ping 2>/dev/null | grep -q "is UP" || { echo "slurm: not running"; exit 1; }
  echo "slurm: node $(node_name) $(node_state)"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: scripts/slurm.sh start|stop|status" >&2; exit 2 ;;
esac
