#!/usr/bin/env bash
# CTest shards.cli: sharded commands and `connsim merge` give what the unsharded command writes.
#   - connsim sweep in 1, 3 and 5 shards (5 > the grid's points x seeds / 5: some shards hold
#     few runs), merged: every output file byte for byte (runs.csv: wall_seconds aside);
#   - connsim run DIR in 3 shards with --junit, merged: the unsharded JUnit (times aside), and
#     the shards' PASS/FAIL lines are the unsharded run's;
#   - bad --shard values and incomplete or mixed shard sets are refused with exit 2.
#   shards_cli_test.sh CONNSIM SOURCE_DIR WORK_DIR
set -euo pipefail
connsim="$1" source_dir="$2" work="$3"
rm -rf "$work"
mkdir -p "$work"
cd "$work"
fail() { echo "shards.cli: $*" >&2; exit 1; }
expect_status() {  # expect_status N COMMAND...: runs COMMAND, which must exit N
  local want="$1"; shift
  local got=0
  "$@" >out.txt 2>err.txt || got=$?
  [ "$got" = "$want" ] || { cat out.txt err.txt >&2; fail "$* exited $got, expected $want"; }
}

scenario="$source_dir/scenarios/library/11-criterion-connection-success-mixed.json"
grid=(--policies fixed,exponential --max-attempts 1,3 --base-delays 500ms,1s --concurrency batch:3 --seeds 3 --jobs 2)
"$connsim" sweep "$scenario" "${grid[@]}" --out whole >/dev/null
for n in 1 3 5; do
  for i in $(seq "$n"); do
    "$connsim" sweep "$scenario" "${grid[@]}" --out "sharded-$n" --shard "$i/$n" >/dev/null
  done
  [ ! -e "sharded-$n/runs.csv" ] || fail "a shard wrote runs.csv"
  "$connsim" merge "sharded-$n" > merge.txt
  grep -q "^merged $n shards\? of sweep criterion-connection-success-mixed: 24/24 runs; wrote" merge.txt ||
    fail "merge of $n shards said: $(cat merge.txt)"
  "$source_dir/tests/shards/same_sweep_outputs.sh" whole "sharded-$n" || fail "$n shards merged differ"
done
# The records can be named one by one, and the outputs go elsewhere with --out.
"$connsim" merge sharded-3/shard-2-of-3.json sharded-3/shard-3-of-3.json sharded-3/shard-1-of-3.json \
  --out elsewhere >/dev/null
"$source_dir/tests/shards/same_sweep_outputs.sh" whole elsewhere || fail "merge --out differs"

# Refusals: exit 2, a message, nothing written.
expect_status 2 "$connsim" sweep "$scenario" --shard 0/3
grep -q -- '--shard: expected I/N with 1 <= I <= N <= 100000, e.g. 2/4; got "0/3"' err.txt || fail "0/3: $(cat err.txt)"
expect_status 2 "$connsim" sweep "$scenario" --shard 4/3
expect_status 2 "$connsim" run "$scenario" --shard 2
expect_status 2 "$connsim" run "$scenario" --shard x/y
mkdir partial
cp sharded-3/shard-1-of-3.json sharded-3/shard-3-of-3.json partial/
expect_status 2 "$connsim" merge partial
grep -q "missing shard 2/3 (shard-2-of-3.json)" err.txt || fail "partial: $(cat err.txt)"
[ ! -e partial/runs.csv ] || fail "an incomplete merge wrote runs.csv"
cp sharded-5/shard-2-of-5.json partial/
expect_status 2 "$connsim" merge partial
grep -q "shard 2/5 is not of the same sweep as shard 1/3" err.txt || fail "mixed: $(cat err.txt)"
expect_status 2 "$connsim" merge empty-nothing-here
mkdir empty
expect_status 2 "$connsim" merge empty

# connsim run over a directory, sharded with JUnit.
mkdir lib
for f in 01 03 05 07 10 11 21; do cp "$source_dir"/scenarios/library/"$f"-*.json lib/; done
"$connsim" run lib --junit whole.xml > whole.txt
for i in 1 2 3; do "$connsim" run lib --shard "$i/3" --junit "shard-$i.xml" > "shard-$i.txt"; done
grep -h '^PASS\|^FAIL' shard-*.txt | sort > shards-lines.txt
grep -h '^PASS\|^FAIL' whole.txt | sort > whole-lines.txt
[ "$(wc -l < whole-lines.txt)" = 7 ] || fail "the unsharded run did not run 7 scenarios"
diff whole-lines.txt shards-lines.txt >&2 || fail "the shards' PASS/FAIL lines differ"
[ "$(grep -c '^PASS\|^FAIL' shard-1.txt)" = 3 ] || fail "shard 1/3 of 7 should run 3 scenarios"
"$connsim" merge shard-3.xml shard-1.xml shard-2.xml --junit merged.xml > merge.txt
grep -q "^merged 3 shards: 7 passed, 0 failed; wrote merged.xml" merge.txt || fail "$(cat merge.txt)"
diff <(sed 's/ time="[0-9.]*"//' whole.xml) <(sed 's/ time="[0-9.]*"//' merged.xml) >&2 ||
  fail "the merged JUnit differs from the unsharded one"
expect_status 2 "$connsim" merge shard-1.xml shard-2.xml --junit m.xml
expect_status 2 "$connsim" merge shard-1.xml shard-2.xml shard-3.xml
grep -q -- "--junit FILE" err.txt || fail "merge of JUnit without --junit: $(cat err.txt)"
expect_status 2 "$connsim" merge whole.xml --junit m.xml
grep -q "no shard properties" err.txt || fail "an unsharded JUnit: $(cat err.txt)"
expect_status 2 "$connsim" merge shard-1.xml sharded-3/shard-1-of-3.json --junit m.xml
echo "shards.cli: sharded sweeps and runs merge into the unsharded outputs"
