#!/bin/sh
# Runs the rest of the command line when Node and js/node_modules are there; otherwise exits 77
# (CTest SKIP) with a line saying how to install them, or 1 under CI=true.
# usage: needs_node.sh JS_DIR COMMAND...
js_dir=$1
shift
if ! command -v "${CONNSIM_NODE:-node}" >/dev/null 2>&1 || [ ! -d "$js_dir/node_modules/pinia" ]; then
  echo "skipped: Node or js/node_modules is missing; install Node >= 18 and run scripts/install-deps.sh" >&2
  [ "${CI:-}" = true ] && exit 1
  exit 77
fi
exec "$@"
