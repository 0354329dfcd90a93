#!/usr/bin/env bash
# Installs what is missing, builds Release and Asan (AddressSanitizer + UndefinedBehaviorSanitizer),
# runs every test in both, the concurrent parts under ThreadSanitizer (scripts/tsan.sh), each fuzz
# target, then every benchmark briefly on a small world. Exits non-zero on any failure.
#
# Environment:
#   SUBEX_JOBS                parallel build and test jobs (default 2)
#   SUBEX_FUZZ_SECONDS        seconds each fuzz target runs (default 20; 0 skips fuzzing;
#                             scripts/fuzz.sh runs the long campaigns)
#   SUBEX_BENCH_SMOKE=0       skip the benchmark smoke (scripts/bench_all.sh --smoke)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

jobs="${SUBEX_JOBS:-2}"

scripts/setup.sh

echo "== Release: build"
scripts/build.sh Release
echo "== Release: test"
ctest --test-dir build/release --output-on-failure --no-tests=error -j "$jobs"

echo "== Release: the README's tour, verbatim"
scripts/tour_check.sh

echo "== Asan: build"
scripts/build.sh Asan
echo "== Asan: test"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan --output-on-failure --no-tests=error -j "$jobs"

echo "== Tsan: the concurrent parts under ThreadSanitizer"
scripts/tsan.sh

if [[ "${SUBEX_FUZZ_SECONDS:-20}" != 0 ]]; then
  echo "== fuzz: every target for ${SUBEX_FUZZ_SECONDS:-20} s (scripts/fuzz.sh runs long campaigns)"
  scripts/fuzz.sh "${SUBEX_FUZZ_SECONDS:-20}"
fi

if [[ "${SUBEX_BENCH_SMOKE:-1}" == 0 ]]; then
  echo "== benchmark smoke: skipped (SUBEX_BENCH_SMOKE=0)"
else
  echo "== benchmark smoke: every benchmark on a small world (scripts/bench_all.sh runs them full)"
  scripts/bench_all.sh --smoke
fi

echo "== OpenAPI lint"
scripts/lint-openapi.sh

echo "== all tests passed"
