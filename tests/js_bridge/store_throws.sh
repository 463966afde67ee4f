#!/bin/sh
# A JavaScript store that throws fails its scenario with the store's message (exit 1), and
# never hangs: a copy of js/store whose connectToOnlinePeer throws, run with --store-path.
# usage: store_throws.sh CONNSIM SCENARIO JS_DIR
set -u
connsim=$1 scenario=$2 js_dir=$3
store=$(mktemp -d)
trap 'rm -rf "$store"' EXIT
cp -r "$js_dir/store/." "$store/"
sed -i 's|async connectToOnlinePeer(peerId: string): Promise<ConnectResult> {|&\n      throw new Error("injected by store_throws.sh")|' "$store/stores/p2p.ts"
grep -q 'injected by store_throws.sh' "$store/stores/p2p.ts" || { echo "could not inject the throw" >&2; exit 1; }
out=$("$connsim" run "$scenario" --store js --store-path "$store" 2>&1)
status=$?
echo "$out"
[ "$status" -eq 1 ] || { echo "expected exit 1, got $status" >&2; exit 1; }
echo "$out" | grep -q 'JavaScript store error in wallet .*injected by store_throws.sh' || { echo "no clear message" >&2; exit 1; }
