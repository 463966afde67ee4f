#!/usr/bin/env bash
# Nothing of a live run survives its end, however it ends (docs/LIVE.md, "Cleanup and crashes"):
#   1. connsim killed with SIGKILL mid-run: its conductor sees stdin close and tears down;
#   2. connsim interrupted with SIGINT: it exits 130 after the teardown;
#   3. the conductor itself killed with SIGKILL: its namespaces stay until `connsim live-cleanup`.
# Each case checks `ip netns list` for the run's namespaces. Skips (77) like run_live_test.sh.
# usage: kill_test.sh CONNSIM SCENARIO_FILE
set -uo pipefail
connsim="$1"
scenario="$2"
source "$(dirname "$0")/live_requirements.sh"
require_live "live cleanup test"

fail() { echo "FAIL: $*"; exit 1; }
# The namespaces of live runs whose owner pid file names `pid` (the conductor), or all of them.
live_namespaces() { ip netns list | awk '{print $1}' | grep '^connsim-' || true; }
before="$(live_namespaces)"
ours() { comm -13 <(echo "$before" | sort) <(live_namespaces | sort) | grep -v '^$' || true; }

# Waits until the run has namespaces and its wallets are up (the "started" report), at most 120 s.
start_run() {
  log="$(mktemp)"
  "$connsim" run --network live "$scenario" --log >"$log" 2>&1 &
  connsim_pid=$!
  for _ in $(seq 1 1200); do
    grep -q "live started" "$log" && return 0
    kill -0 "$connsim_pid" 2>/dev/null || { cat "$log"; fail "connsim ended before the run started"; }
    sleep 0.1
  done
  cat "$log"; fail "the run did not start within 120 s"
}
wait_clean() {
  for _ in $(seq 1 300); do
    [ -z "$(ours)" ] && return 0
    sleep 0.1
  done
  fail "$1: namespaces left: $(ours | tr '\n' ' ')"
}

# 1. SIGKILL to connsim.
start_run
[ -n "$(ours)" ] || fail "no namespaces while the run runs"
sleep 1
kill -KILL "$connsim_pid"
wait "$connsim_pid" 2>/dev/null
wait_clean "after SIGKILL to connsim"
echo "ok: SIGKILL to connsim left nothing"

# 2. SIGINT to connsim.
start_run
sleep 1
kill -INT "$connsim_pid"
wait "$connsim_pid"
status=$?
[ $status -eq 130 ] || fail "connsim exited $status after SIGINT, not 130"
wait_clean "after SIGINT to connsim"
echo "ok: SIGINT to connsim: exit 130, nothing left"

# 3. SIGKILL to the conductor: its namespaces stay, live-cleanup removes them.
start_run
# The conductor: connsim's child whose command line names conductor.js (read from /proc, so the
# test needs no procps).
conductor_pid=""
for status in /proc/[0-9]*/status; do
  dir="${status%/status}"
  [ "$(awk '/^PPid:/ {print $2}' "$status" 2>/dev/null)" = "$connsim_pid" ] || continue
  tr '\0' ' ' < "$dir/cmdline" 2>/dev/null | grep -q conductor.js && conductor_pid="${dir#/proc/}" && break
done
[ -n "$conductor_pid" ] || fail "no conductor process under connsim $connsim_pid"
kill -KILL "$conductor_pid"
wait "$connsim_pid" 2>/dev/null
[ -n "$(ours)" ] || echo "note: the namespaces were gone already"
"$connsim" live-cleanup || fail "connsim live-cleanup failed"
wait_clean "after connsim live-cleanup"
echo "ok: SIGKILL to the conductor: live-cleanup removed the rest"
echo "1 passed, 0 failed"
