#!/usr/bin/env bash
# Runs `connsim sweep` on a Slurm cluster as a job array of N shards and a merge job that starts
# when every shard has succeeded (afterok); the merged directory holds what one unsharded sweep
# writes (runs.csv, summary.csv, summary.md, plots, index.html), plus the shard records.
#
#   bench/slurm/sweep_array.sh [--shards N] [--out DIR] [--connsim PATH] [--cpus-per-task C]
#                              [--partition P] [--time T] [--wait] SCENARIO [connsim sweep options...]
#
#   --shards N         array size: shard I of N runs as array task I (default 4)
#   --out DIR          shared output directory, seen by every node (default sweep-slurm)
#   --connsim PATH     the connsim binary, on a path every node sees (default: build/bin/connsim
#                      of this checkout)
#   --cpus-per-task C  CPUs per shard; each shard runs C worker processes (default 1)
#   --partition P, --time T   passed to sbatch
#   --wait             block until the merge job ends; exit with its status
# Sweep options (grid, seeds, --backend, plots) go after SCENARIO, exactly as for `connsim
# sweep`; do not pass --shard, --out or --jobs. Prints the array's and the merge's job ids.
# Logs: DIR/slurm-<array id>_<task>.log and DIR/slurm-merge-<job id>.log.
set -euo pipefail

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
here="$(cd "$(dirname "$0")" && pwd)"
shards=4 out=sweep-slurm connsim="$here/../../build/bin/connsim" cpus=1 wait=0
sbatch_extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --shards) shards="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --connsim) connsim="$2"; shift 2 ;;
    --cpus-per-task) cpus="$2"; shift 2 ;;
    --partition) sbatch_extra+=(--partition "$2"); shift 2 ;;
    --time) sbatch_extra+=(--time "$2"); shift 2 ;;
    --wait) wait=1; shift ;;
    -h|--help) usage ;;
    --*) echo "sweep_array.sh: unknown option $1 (sweep options go after SCENARIO)" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || usage
scenario="$1"; shift
case "$shards" in ''|*[!0-9]*|0) echo "sweep_array.sh: --shards must be a whole number >= 1, got \"$shards\"" >&2; exit 2 ;; esac
for option in "$@"; do
  case "$option" in --shard|--shard=*|--out|--out=*|-o|--jobs|--jobs=*|-j)
    echo "sweep_array.sh: $option is set by the script" >&2; exit 2 ;;
  esac
done
[ -x "$connsim" ] || { echo "sweep_array.sh: no connsim binary at $connsim (--connsim PATH)" >&2; exit 2; }
[ -f "$scenario" ] || { echo "sweep_array.sh: no scenario file $scenario" >&2; exit 2; }
command -v sbatch >/dev/null || { echo "sweep_array.sh: sbatch not found (Slurm's client commands)" >&2; exit 2; }

mkdir -p "$out"
connsim="$(cd "$(dirname "$connsim")" && pwd)/$(basename "$connsim")"
scenario="$(cd "$(dirname "$scenario")" && pwd)/$(basename "$scenario")"
out="$(cd "$out" && pwd)"
# Every word quoted for the job's shell; the shard and the worker count are the job's own.
quoted="$(printf '%q ' "$connsim" sweep "$scenario" "$@" --out "$out")"
shard_command="$quoted --jobs \${SLURM_CPUS_PER_TASK:-1} --shard \${SLURM_ARRAY_TASK_ID}/$shards"
merge_command="$(printf '%q ' "$connsim" merge "$out")"

array_id="$(sbatch --parsable "${sbatch_extra[@]}" --job-name=connsim-sweep --array="1-$shards" \
  --cpus-per-task="$cpus" --output="$out/slurm-%A_%a.log" --wrap="$shard_command")"
array_id="${array_id%%;*}"  # --parsable prints "id[;cluster]"
merge_args=(--parsable "${sbatch_extra[@]}" --job-name=connsim-merge --dependency="afterok:$array_id"
  --kill-on-invalid-dep=yes --output="$out/slurm-merge-%j.log" --wrap="$merge_command")
if [ "$wait" = 1 ]; then
  echo "array $array_id (shards 1-$shards), merge job waiting on it"
  set +e
  merge_id="$(sbatch --wait "${merge_args[@]}")"
  status=$?
  set -e
  echo "merge ${merge_id%%;*} ended with status $status; outputs in $out"
  exit "$status"
fi
merge_id="$(sbatch "${merge_args[@]}")"
echo "array ${array_id} (shards 1-$shards), merge ${merge_id%%;*} after it; outputs in $out"
