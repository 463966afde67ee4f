#!/bin/sh
# `connsim conform` end to end: its exit statuses and output (CTest conform.cli.<case>).
# usage: cli_case.sh CASE CONNSIM REPO
#   conforms       the project's store on a library scenario: exit 0, the PASS line and summary
#   diverges       a copy of js/store whose batches run one member at a time (not Promise.all):
#                  exit 1, the first divergence side by side; a second run prints the same bytes
#   invalid-file   a scenario with an unknown wallet: exit 2, nothing runs
#   bad-store-path --store-path to no directory: exit 2
#   no-node        Node not found ($CONNSIM_NODE): exit 2 and a line saying how to install it
set -u
case_name=$1 connsim=$2 repo=$3
library=$repo/scenarios/library
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "conform.cli.$case_name: $*" >&2; exit 1; }
# run ARGS...: runs connsim, leaves its exit status in $status, stdout in out, stderr in err
run() { "$connsim" "$@" >"$work/out" 2>"$work/err"; status=$?; cat "$work/out"; cat "$work/err" >&2; }
expect_status() { [ "$status" -eq "$1" ] || fail "expected exit $1, got $status"; }
expect_out() { grep -q -- "$1" "$work/out" || fail "stdout lacks: $1"; }
expect_err() { grep -q -- "$1" "$work/err" || fail "stderr lacks: $1"; }

case $case_name in
  conforms)
    run conform "$library/02-discovered-peer-webrtc.json"
    expect_status 0
    printf '%s\n' "PASS manual-2-discovered-peer-webrtc: 15 store acts the same (C++ PASS, JS PASS)" \
      "1 passed, 0 failed" | cmp -s - "$work/out" || fail "unexpected stdout"
    if [ -s "$work/err" ]; then fail "unexpected stderr"; fi
    ;;
  diverges)
    store=$work/store
    mkdir "$store" && cp -r "$repo/js/store/." "$store/"
    sed -i 's|const batchResults = await Promise.all(batch.map(peerId => this.connectToOnlinePeer(peerId)))|const batchResults: ConnectResult[] = []\n        for (const peerId of batch) batchResults.push(await this.connectToOnlinePeer(peerId))|' "$store/stores/p2p.ts"
    grep -q 'batchResults.push(await' "$store/stores/p2p.ts" || fail "could not make the store divergent"
    run conform "$library/50-bug-batch-head-of-line.json" --store-path "$store"
    expect_status 1
    expect_out "^FAIL bug-06-batch-head-of-line: store act #3: C++ store 10.000000s hub status p2 connecting | JS store 14.200000s hub status dead failed (All connection methods failed) (C++ PASS, JS FAIL)$"
    expect_out "^0 passed, 1 failed$"
    expect_err "^bug-06-batch-head-of-line: first divergence: store act #3"
    expect_err "^  > #3   10.000000s status hub p2 connecting  *| 14.200000s status hub dead failed"
    expect_err "^  history, C++ store (entries"
    expect_err "^  history, JS store (entries"
    expect_err "^             connsim run .*50-bug-batch-head-of-line.json --seed 1 --store js --store-path $store --log$"
    cp "$work/out" "$work/out.1" && cp "$work/err" "$work/err.1"
    run conform "$library/50-bug-batch-head-of-line.json" --store-path "$store"
    cmp -s "$work/out" "$work/out.1" && cmp -s "$work/err" "$work/err.1" || fail "a second run printed other bytes"
    # Every scenario is compared: one that conforms and one that does not, in order.
    run conform "$library/02-discovered-peer-webrtc.json" "$library/50-bug-batch-head-of-line.json" --store-path "$store"
    expect_status 1
    expect_out "^PASS manual-2-discovered-peer-webrtc"
    expect_out "^1 passed, 1 failed$"
    ;;
  invalid-file)
    run conform "$repo/tests/scenarios/hostile/unknown-wallet.json" "$library/02-discovered-peer-webrtc.json"
    expect_status 2
    expect_err "unknown-wallet.json:2:72: /timeline/0/peer: unknown wallet \"bobb\""
    expect_err "1 invalid input; nothing was run"
    if [ -s "$work/out" ]; then fail "something ran"; fi
    ;;
  bad-store-path)
    run conform "$library/02-discovered-peer-webrtc.json" --store-path "$work/no-such-store"
    expect_status 2
    expect_err "connsim: --store-path: $work/no-such-store is not a directory"
    ;;
  no-node)
    CONNSIM_NODE=$work/no-node run conform "$library/02-discovered-peer-webrtc.json"
    expect_status 2
    expect_err "install Node >= 18 and run scripts/install-deps.sh"
    ;;
  *) fail "unknown case" ;;
esac
