#!/bin/sh
# One library scenario's conformance test (CTest conform.<name>): runs `connsim conform` on it
# and checks the outcome against tests/conform/known_divergent.txt.
# usage: conform_scenario.sh conforms|diverges CONNSIM SCENARIO [conform options...]
#   conforms  the scenario is not listed: conform must exit 0
#   diverges  the scenario is listed: conform must exit 1 (it still diverges); exit 0 fails the
#             test with a line saying to remove the scenario from the list
# Any other exit status (2: invalid input, the JavaScript store cannot run) fails either way.
set -u
expect=$1 connsim=$2 scenario=$3
shift 3
"$connsim" conform "$scenario" "$@"
status=$?
name=$(basename "$scenario" .json)
case "$expect:$status" in
  conforms:0 | diverges:1) exit 0 ;;
  diverges:0)
    echo "$name conforms now: remove it from tests/conform/known_divergent.txt" >&2
    exit 1 ;;
  conforms:1)
    echo "$name diverges (see above); it is not in tests/conform/known_divergent.txt" >&2
    exit 1 ;;
  *)
    echo "connsim conform exited $status" >&2
    exit 1 ;;
esac
