#!/usr/bin/env bash
# CTest slurm.sweep_array (label slurm): a one-node Slurm cluster on this machine runs a small
# sweep as a job array (bench/slurm/sweep_array.sh) and its merge job; the merged outputs must
# equal the local unsharded sweep's (files byte for byte, runs.csv without wall_seconds).
#
#   slurm_array_test.sh CONNSIM SOURCE_DIR
#
# It writes a slurm.conf for this host (CPUs=2, no cgroups, no accounting, ports of its own) in
# a temporary directory, starts munged, slurmctld and slurmd there as root and stops them and
# removes the directory on every exit (trap). Skipped (77) with a notice when not root or when
# slurm-wlm / munge are missing (scripts/install-deps.sh installs them), unless CI=true, where
# that is a failure.
set -euo pipefail
connsim="$1" source_dir="$2"

skip() {
  if [ "${CI:-}" = true ]; then echo "slurm.sweep_array: $1 (CI=true: failing instead of skipping)" >&2; exit 1; fi
  echo "slurm.sweep_array: skipped: $1" >&2
  exit 77
}
[ "$(id -u)" -eq 0 ] || skip "needs root to start slurmctld, slurmd and munged"
for program in munged slurmctld slurmd sbatch sinfo squeue; do
  command -v "$program" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin"
  command -v "$program" >/dev/null 2>&1 || skip "$program not found (apt-get install slurm-wlm munge)"
done

work="$(mktemp -d /tmp/connsim-slurm.XXXXXX)"
chmod 755 "$work"
pids=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ] && [ "$status" -ne 77 ]; then
    for log in "$work"/*.log "$work"/out/slurm-*.log; do
      [ -f "$log" ] && { echo "--- $log"; tail -n 30 "$log"; } >&2
    done
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

host="$(hostname)"
# Ports of this run's own, so two runs (or a system Slurm) do not meet.
base_port=$(( 20000 + ($$ % 20000) ))
mkdir -p "$work/state" "$work/spool" "$work/munge"
chmod 711 "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge/munge.key"
socket="$work/munge/munge.socket"
munged --force --key-file="$work/munge/munge.key" --socket="$socket" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/munged.log" \
  --seed-file="$work/munge/munged.seed" --foreground >"$work/munged.out" 2>&1 &
pids+=($!)

cat > "$work/slurm.conf" <<CONF
ClusterName=connsimtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$base_port
SlurmdPort=$((base_port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
SlurmdTimeout=60
MinJobAge=60
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=connsim Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"

for _ in $(seq 50); do [ -S "$socket" ] && break; sleep 0.1; done
[ -S "$socket" ] || { echo "slurm.sweep_array: munged did not start" >&2; exit 1; }
slurmctld -D -i -f "$SLURM_CONF" >"$work/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" -N "$host" >"$work/slurmd.out" 2>&1 &
pids+=($!)
state=""
for _ in $(seq 120); do
  state="$(sinfo -h -N -o %T 2>/dev/null | head -n 1 || true)"
  [ "$state" = idle ] && break
  sleep 0.25
done
[ "$state" = idle ] || { echo "slurm.sweep_array: the node did not become idle (state \"$state\")" >&2; exit 1; }
echo "slurm.sweep_array: one-node cluster up ($host, CPUs=2, port $base_port)"

scenario="$source_dir/scenarios/library/11-criterion-connection-success-mixed.json"
grid=(--policies fixed,exponential --max-attempts 1,3 --base-delays 500ms,1s --concurrency batch:3
      --seeds 3)
"$connsim" sweep "$scenario" "${grid[@]}" --jobs 2 --out "$work/local" >/dev/null
"$source_dir/bench/slurm/sweep_array.sh" --shards 3 --out "$work/out" --connsim "$connsim" --wait \
  "$scenario" "${grid[@]}"

# The shards ran as array tasks 1..3 (one log each) and wrote their records; the merge job ran.
for i in 1 2 3; do
  [ -f "$work/out/shard-$i-of-3.json" ] || { echo "slurm.sweep_array: no record of shard $i/3" >&2; exit 1; }
  ls "$work/out"/slurm-*_"$i".log >/dev/null || { echo "slurm.sweep_array: no log of array task $i" >&2; exit 1; }
done
grep -q "^merged 3 shards of sweep criterion-connection-success-mixed: 24/24 runs" "$work"/out/slurm-merge-*.log ||
  { echo "slurm.sweep_array: the merge job did not merge 24 runs" >&2; exit 1; }
"$source_dir/tests/shards/same_sweep_outputs.sh" "$work/local" "$work/out"
echo "slurm.sweep_array: the array's merged sweep equals the local one"
