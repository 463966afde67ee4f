#!/usr/bin/env bash
# Live runs with the C++ store (`--store cpp`, docs/LIVE.md "The C++ store") end cleanly however
# they end:
#   1. a wallet's Node process (the libp2p node the C++ store drives) dies by SIGKILL mid-run:
#      the run is aborted at once, connsim says which process died and exits 1, and nothing of
#      the run is left (namespaces, Node processes, connsim-live-store processes);
#   2. SIGINT to connsim: exit 130 after the teardown, nothing left.
# Skips (77) like run_live_test.sh.
# usage: cpp_store_failure_test.sh CONNSIM SCENARIO_FILE
set -uo pipefail
connsim="$1"
scenario="$2"
source "$(dirname "$0")/live_requirements.sh"
require_live "live C++ store failure test"
[ -x "$(dirname "$connsim")/connsim-live-store" ] || { echo "FAIL: connsim-live-store is not built beside $connsim"; exit 1; }

fail() { echo "FAIL: $*"; exit 1; }
live_namespaces() { ip netns list | awk '{print $1}' | grep '^connsim-' || true; }
before="$(live_namespaces)"
ours() { comm -13 <(echo "$before" | sort) <(live_namespaces | sort) | grep -v '^$' || true; }

# Every process below `1` (pid), read from /proc (no procps needed) in one pass: the run may end
# within seconds of starting, so the scan must not cost a process per /proc entry.
descendants() {
  cat /proc/[0-9]*/status 2>/dev/null | awk -v root="$1" '
    /^Pid:/ { pid = $2 }
    /^PPid:/ { children[$2] = children[$2] " " pid }
    END {
      frontier = root
      while (frontier != "") {
        n = split(frontier, parents, " "); frontier = ""
        for (i = 1; i <= n; i++) {
          m = split(children[parents[i]], kids, " ")
          for (j = 1; j <= m; j++) { printf "%s ", kids[j]; frontier = frontier " " kids[j] }
        }
      }
      print ""
    }'
}
command_of() { tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null; }
alive() { [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }

start_run() {
  log="$(mktemp)"
  "$connsim" run --network live --store cpp "$scenario" --log >"$log" 2>&1 &
  connsim_pid=$!
  for _ in $(seq 1 1200); do
    grep -q "live started" "$log" && break
    kill -0 "$connsim_pid" 2>/dev/null || { cat "$log"; fail "connsim ended before the run started"; }
    sleep 0.1
  done
  grep -q "live started" "$log" || { cat "$log"; fail "the run did not start within 120 s"; }
  # The run's C++ stores and the Node processes that drive them.
  stores=""; nodes=""
  for pid in $(descendants "$connsim_pid"); do
    case "$(command_of "$pid")" in
      *connsim-live-store*) stores="$stores $pid"; nodes="$nodes $(awk '/^PPid:/ {print $2}' /proc/$pid/status)";;
    esac
  done
  [ -n "$stores" ] || { cat "$log"; fail "no connsim-live-store process under connsim $connsim_pid"; }
}
check_nothing_left() {
  for _ in $(seq 1 300); do
    local left=""
    for pid in $stores $nodes; do alive "$pid" && left="$left $pid"; done
    [ -z "$(ours)" ] && [ -z "$left" ] && return 0
    sleep 0.1
  done
  fail "$1: left behind: namespaces $(ours | tr '\n' ' ') processes$left"
}

# 1. A wallet's Node process dies.
start_run
victim="$(echo $nodes | awk '{print $1}')"
command_of "$victim" | grep -q peer_main.js || fail "the C++ store's parent $victim is not a wallet's Node process"
kill -KILL "$victim"
wait "$connsim_pid"
status=$?
cat "$log"
[ $status -eq 1 ] || fail "connsim exited $status after a wallet's node died, not 1"
grep -q "^FAIL .*live run failed: wallet-.* exited unexpectedly (SIGKILL)" "$log" || fail "no clear failure naming the dead process"
check_nothing_left "after a wallet's node died"
echo "ok: a wallet's node died: exit 1 with the reason, nothing left"

# 2. Ctrl-C.
start_run
sleep 1
kill -INT "$connsim_pid"
wait "$connsim_pid"
status=$?
[ $status -eq 130 ] || { cat "$log"; fail "connsim exited $status after SIGINT, not 130"; }
check_nothing_left "after SIGINT"
echo "ok: SIGINT with the C++ store: exit 130, nothing left"
echo "1 passed, 0 failed"
