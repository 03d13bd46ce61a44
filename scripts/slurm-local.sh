#!/bin/bash
# A real Slurm on this one machine, to check that a study run as a Slurm array of shards
# and merged gives the very folder one `corridor run` writes.
#
#   sudo scripts/slurm-local.sh                      # tripp-opens, 10,000 replications, 8 shards
#   sudo SCENARIO=scenarios/baseline.toml REPLICATIONS=2000 SHARDS=4 scripts/slurm-local.sh
#
# It installs Slurm and munge from the Debian packages (apt-get), writes a single-node
# configuration under WORK (no cgroups, no accounting: it works in containers without
# systemd), starts munged, slurmctld and slurmd, builds corridor (release), runs the study
# once directly, submits the shards as an array job and the merge as a job depending on
# it (scripts/slurm/*.sbatch, the scripts docs/CLUSTER.md describes), waits, and compares
# the two result folders with diff -r. Exit status 0 only if they are identical.
# The daemons are stopped at the end unless KEEP=1. Debian 12 or 13, as root; not for CI.
set -euo pipefail

SCENARIO=${SCENARIO:-scenarios/tripp-opens.toml}
REPLICATIONS=${REPLICATIONS:-10000}
SHARDS=${SHARDS:-8}
WORK=${WORK:-/tmp/corridor-slurm}
KEEP=${KEEP:-0}
REPO=$(cd "$(dirname "$0")/.." && pwd)

say() { echo "[$(date -u +%T)] $*"; }
die() { echo "slurm-local: $*" >&2; exit 1; }
clock() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(clock)" 'BEGIN { printf "%.1f", b - a }'; }

[[ $(id -u) -eq 0 ]] || die "run as root (it installs packages and starts daemons)"
command -v apt-get >/dev/null || die "needs a Debian-like system with apt-get"

# --- 1. Packages -------------------------------------------------------------------
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null \
  || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  say "installing slurmctld, slurmd, slurm-client and munge (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # slurm-wlm is the metapackage of these three; munge authenticates the daemons.
  apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
fi
say "$(slurmctld -V) and munge $(dpkg-query -W -f='${Version}' munge 2>/dev/null || echo '?')"

# --- 2. munge: the package made the key; systemd would make /run/munge ---------------
mkdir -p /run/munge
chown munge:munge /run/munge
STARTED_MUNGE=0
if ! munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then
  say "starting munged"
  runuser -u munge -- /usr/sbin/munged
  STARTED_MUNGE=1
  sleep 1
fi
munge -n </dev/null | unmunge | grep -q 'STATUS: *Success' || die "munge does not work"

# --- 3. A single-node cluster configured under WORK ----------------------------------
stop_pid_files() {
  for pid in "$@"; do
    if [[ -s $pid ]] && kill -0 "$(cat "$pid")" 2>/dev/null; then kill "$(cat "$pid")"; fi
  done
}
stop_daemons() {
  stop_pid_files "$WORK/slurm/slurmd.pid" "$WORK/slurm/slurmctld.pid"
  # munged too, if this script started it.
  if [[ $STARTED_MUNGE == 1 ]]; then stop_pid_files /run/munge/munged.pid; fi
}
# Daemons left by an earlier run with KEEP=1.
stop_pid_files "$WORK/slurm/slurmd.pid" "$WORK/slurm/slurmctld.pid" 2>/dev/null || true
rm -rf "$WORK"
mkdir -p "$WORK/slurm/state" "$WORK/slurm/spool" "$WORK/slurm/log" "$WORK/study/shards" "$WORK/logs"
chown -R slurm:slurm "$WORK/slurm/state" "$WORK/slurm/log"
CPUS=$(nproc)
export SLURM_CONF=$WORK/slurm/slurm.conf
cat >"$SLURM_CONF" <<CONF
# Written by scripts/slurm-local.sh: one node (this machine), no cgroups (proctrack by
# process tree, no task confinement), no accounting database.
ClusterName=corridor-local
SlurmctldHost=localhost
SlurmUser=slurm
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$WORK/slurm/state
SlurmdSpoolDir=$WORK/slurm/spool
SlurmctldPidFile=$WORK/slurm/slurmctld.pid
SlurmdPidFile=$WORK/slurm/slurmd.pid
SlurmctldLogFile=$WORK/slurm/log/slurmctld.log
SlurmdLogFile=$WORK/slurm/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
MaxArraySize=10001
NodeName=localhost CPUs=$CPUS State=UNKNOWN
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
say "starting slurmctld and slurmd ($CPUS CPUs, config $SLURM_CONF)"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
if [[ $KEEP != 1 ]]; then trap stop_daemons EXIT; fi
for _ in $(seq 60); do
  if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then break; fi
  sleep 1
done
sinfo -h -o '%T' | grep -qE '^(idle|mixed|allocated)' \
  || die "the node did not come up: see $WORK/slurm/log/*.log"
sinfo

# --- 4. corridor, and the single run to compare with --------------------------------
cd "$REPO"
if [[ -z ${CORRIDOR:-} ]]; then
  say "building corridor (release)"
  cargo build --release --quiet
  CORRIDOR=$REPO/target/release/corridor
fi
export CORRIDOR
"$CORRIDOR" --version
NAME=$("$CORRIDOR" validate "$SCENARIO" | sed -n 's/.*scenario `\([^`]*\)`.*/\1/p')
[[ -n $NAME ]] || die "cannot read the scenario's name from $SCENARIO"
say "uptime: $(uptime)"
say "single run: $SCENARIO, $REPLICATIONS replications"
t=$(clock)
"$CORRIDOR" run "$SCENARIO" --replications "$REPLICATIONS" --out "$WORK/single" --quiet
T_SINGLE=$(since "$t")
say "single run: ${T_SINGLE} s"

# --- 5. The array of shards and the dependent merge ----------------------------------
cd "$WORK"
t=$(clock)
ARRAY=$(sbatch --parsable --array=0-$((SHARDS - 1)) \
  --chdir="$WORK" --output="$WORK/logs/%x-%A_%a.out" \
  --export=ALL,SCENARIO="$REPO/$SCENARIO",REPLICATIONS="$REPLICATIONS",STUDY="$WORK/study",CORRIDOR="$CORRIDOR" \
  "$REPO/scripts/slurm/shards.sbatch")
ARRAY=${ARRAY%%;*}
MERGE=$(sbatch --parsable --dependency=afterok:"$ARRAY" --kill-on-invalid-dep=yes \
  --chdir="$WORK" --output="$WORK/logs/%x-%j.out" \
  --export=ALL,STUDY="$WORK/study",CORRIDOR="$CORRIDOR" \
  "$REPO/scripts/slurm/merge.sbatch")
MERGE=${MERGE%%;*}
say "submitted array job $ARRAY (shards 0-$((SHARDS - 1))) and merge job $MERGE (afterok:$ARRAY)"
squeue
while squeue -h -j "$ARRAY,$MERGE" 2>/dev/null | grep -q .; do sleep 2; done
T_SLURM=$(since "$t")
say "array and merge finished: ${T_SLURM} s from submission"

# Job states from the controller (no accounting database: scontrol keeps finished jobs
# for MinJobAge, 300 s by default).
for j in "$ARRAY" "$MERGE"; do
  scontrol show job "$j" 2>/dev/null | awk '
    /JobId=/ { for (i = 1; i <= NF; i++) if ($i ~ /^(JobId|ArrayTaskId|JobName)=/) printf "%s ", $i }
    /JobState=/ { for (i = 1; i <= NF; i++) if ($i ~ /^JobState=/) printf "%s ", $i }
    / ExitCode=/ { for (i = 1; i <= NF; i++) if ($i ~ /^ExitCode=/) printf "%s ", $i }
    /RunTime=/ { for (i = 1; i <= NF; i++) if ($i ~ /^RunTime=/) printf "%s\n", $i }'
done
echo "--- merge log"
cat "$WORK"/logs/corridor-merge-"$MERGE".out
ls -l "$WORK/study/shards"

# --- 6. The comparison ---------------------------------------------------------------
[[ -d $WORK/study/results/$NAME ]] || die "no merged results: see $WORK/logs/"
if diff -r "$WORK/single/$NAME" "$WORK/study/results/$NAME"; then
  say "IDENTICAL: $WORK/study/results/$NAME (merge of $SHARDS Slurm shards) and $WORK/single/$NAME (one run), $(find "$WORK/single/$NAME" -type f | wc -l) files"
  say "timings: single run ${T_SINGLE} s; Slurm array of $SHARDS shards + merge ${T_SLURM} s (on $CPUS CPUs)"
else
  die "the merged folder differs from the single run"
fi
