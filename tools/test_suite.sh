#!/usr/bin/env bash
# The whole suite (`make test`): the end-to-end tests start first, in the background, because they spend
# most of their time waiting on the local stack and the browser; the gates, then the unit and functional
# tests, run beside them, spread over the cores test by test (an idle worker takes tests from a busy one).
# The e2e tests themselves run in E2E_WORKERS processes (module by module, each process with its own local
# stack and browser): they are bound by waiting, not by the CPU, so three processes on two cores finish in
# about half the time. The e2e output is kept in test-artifacts/e2e.log and printed when they finish.
# Exits non-zero if any part failed (pytest exits 5 when it collected no test, so an empty run fails too).
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
WORKERS=${WORKERS:-auto}
E2E_WORKERS=${E2E_WORKERS:-3}
mkdir -p test-artifacts
log=test-artifacts/e2e.log

started=$SECONDS
"$VENV/bin/pytest" -n "$E2E_WORKERS" --dist loadfile --durations=15 tests/e2e >"$log" 2>&1 &
e2e=$!
trap 'kill "$e2e" 2>/dev/null' EXIT

status=0
make --no-print-directory lint typecheck cfn checkov || status=$?
if [ "$status" = 0 ]; then
  "$VENV/bin/pytest" -n "$WORKERS" --dist worksteal tests/unit tests/functional || status=$?
  echo "unit and functional tests: $((SECONDS - started)) s since the suite started"
fi
if [ "$status" != 0 ]; then
  echo "A gate or the unit/functional tests failed: stopping the end-to-end tests" >&2
  kill "$e2e" 2>/dev/null
  wait "$e2e" 2>/dev/null
  tail -n 40 "$log"
  exit "$status"
fi
wait "$e2e"
e2e_status=$?
trap - EXIT
echo "---------------- end-to-end tests (test-artifacts/e2e.log) ----------------"
cat "$log"
echo "whole suite: $((SECONDS - started)) s"
exit "$e2e_status"
