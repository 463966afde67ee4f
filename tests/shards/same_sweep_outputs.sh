#!/usr/bin/env bash
# same_sweep_outputs.sh WHOLE MERGED: exit 0 when the merged sweep directory holds every file of
# the unsharded one with the same bytes (runs.csv: every column but wall_seconds, a wall-clock
# time); otherwise names each difference and exits 1. Shard records and Slurm logs in MERGED
# are not compared.
set -euo pipefail
whole="$1" merged="$2"
status=0
without_wall() {  # runs.csv without its wall_seconds column (found by the header's name)
  awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "wall_seconds") w = i }
                    { if (!w) { print "no wall_seconds column"; exit 1 }
                      $w = ""; print }' "$1"
}
count=0
for file in "$whole"/*; do
  name="$(basename "$file")"
  count=$((count + 1))
  if [ ! -f "$merged/$name" ]; then
    echo "missing in the merged sweep: $name" >&2; status=1; continue
  fi
  if [ "$name" = runs.csv ]; then
    if ! diff <(without_wall "$file") <(without_wall "$merged/$name") >&2; then
      echo "runs.csv differs (wall_seconds aside)" >&2; status=1
    fi
    rows_whole=$(wc -l < "$file"); rows_merged=$(wc -l < "$merged/$name")
    [ "$rows_whole" -gt 1 ] || { echo "runs.csv has no runs" >&2; status=1; }
    [ "$rows_whole" = "$rows_merged" ] || status=1
  elif ! cmp -s "$file" "$merged/$name"; then
    echo "differs: $name" >&2; status=1
  fi
done
for name in runs.csv summary.csv summary.md index.html; do
  [ -f "$whole/$name" ] || { echo "the unsharded sweep wrote no $name" >&2; status=1; }
done
[ "$status" = 0 ] && echo "same: $count files"
exit "$status"
