#!/usr/bin/env bash
# ThreadSanitizer over the server's concurrent parts: builds the Tsan type (build/tsan) — subexd
# and the tests that run threads — and runs them, failing on the first data race or lock-order
# inversion:
#
#   - in process: the pipeline (engine thread, journal thread, snapshots, readers), the sharded
#     metrics, and the feed's window with many followers and writers (storage_test, pipeline_test,
#     telemetry_test, api_test, feed_test);
#   - out of process: the end-to-end suites against a ThreadSanitizer subexd — its I/O threads,
#     the engine queue, the feed's long polls and streams, rate limits, thousands of
#     connections, the graceful stop, kill -9 under load (api_e2e_test, feed_e2e_test,
#     hostile_e2e_test, stop_e2e_test, crash_http_test) — which exits 66 on a report, failing
#     the test that stops it.
#
#   scripts/tsan.sh
#
# SUBEX_JOBS sets the parallel build jobs (default 2). RocksDB comes from Debian without
# instrumentation: its internal hand-offs are suppressed (scripts/tsan.supp); races between our
# threads are reported.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

suites=(storage_test pipeline_test telemetry_test api_test feed_test api_e2e_test feed_e2e_test hostile_e2e_test stop_e2e_test crash_http_test)

scripts/build.sh Tsan subexd "${suites[@]}"

export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 suppressions=$(pwd)/scripts/tsan.supp ${TSAN_OPTIONS:-}"
# Fewer kill cycles than the Release run: every start replays under instrumentation.
export SUBEX_CRASH_CYCLES="${SUBEX_CRASH_CYCLES:-5}"
# The suites SUBEX_JOBS (default 2) at a time; each one's output is shown when it fails.
jobs="${SUBEX_JOBS:-2}"
logs=build/tsan/logs
mkdir -p "$logs"
run_suite() {
  local exe
  exe="$(find build/tsan -type f -name "$1" -perm -u+x | head -n 1)"
  if "$exe" --gtest_brief=1 >"$logs/$1.log" 2>&1; then
    echo "== tsan: $1 passed"
  else
    echo "== tsan: $1 FAILED"
    cat "$logs/$1.log"
    return 1
  fi
}
export -f run_suite
export logs
printf '%s\n' "${suites[@]}" | xargs -P "$jobs" -I{} bash -c 'run_suite {}'
