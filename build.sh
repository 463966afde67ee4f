#!/usr/bin/env bash
# The README's two commands:
#   ./build.sh suite   install dependencies, build, run the bundled scenario library
#   ./build.sh test    install dependencies, build, run every test with CTest
# Builds with clang++-14 (GCC 12 cannot compile ns-3 3.37's headers as C++20) into build/,
# executables in build/bin/.
# And for CI:
#   ./build.sh sanitize  the whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer
#                        (preset `sanitize`, build-sanitize/), plus 20 s of the loader fuzzer
#                        (label fuzz). Skips the labels in CONNSIM_SANITIZE_SKIP (default
#                        "bench|js|html|live": live runs real Node processes for minutes (live/'s own
#                        unit tests still run); timings mean nothing under ASan, and the JavaScript
#                        suites and the browser's checks of the HTML reports run no sanitized
#                        code; the report writer's own tests, scenarios.report_html, still run).
set -euo pipefail
cd "$(dirname "$0")"

what="${1:-suite}"
case "$what" in suite|test|build|sanitize) ;; *) echo "usage: ./build.sh suite|test|build|sanitize" >&2; exit 2 ;; esac

scripts/install-deps.sh
if [ "$what" = sanitize ]; then
  cmake --preset sanitize >/dev/null
  cmake --build --preset sanitize -j 2
  ctest --preset sanitize -LE "${CONNSIM_SANITIZE_SKIP:-bench|js|html|live}"
  exit 0
fi
cmake --preset default >/dev/null
cmake --build --preset default -j 2

case "$what" in
  suite) build/bin/connsim run scenarios/library ;;
  test) ctest --preset default ;;
  build) ;;
esac
