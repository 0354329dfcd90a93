#!/usr/bin/env bash
# Installs what is missing, builds Release and Asan (AddressSanitizer + UndefinedBehaviorSanitizer),
# runs every test in both, the concurrent parts under ThreadSanitizer (scripts/tsan.sh), each fuzz
# target, then short benchmark smoke runs. Exits non-zero on any failure.
#
# Environment:
#   SUBEX_JOBS                parallel build and test jobs (default 2)
#   SUBEX_FUZZ_SECONDS        seconds each fuzz target runs (default 60; 0 skips fuzzing)
#   SUBEX_BENCH_SMOKE=0       skip the benchmark smoke runs
#   SUBEX_BENCH_SMOKE_FILTER  --benchmark_filter for the smoke run (default ".")
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

if [[ "${SUBEX_FUZZ_SECONDS:-60}" != 0 ]]; then
  echo "== fuzz: every target for ${SUBEX_FUZZ_SECONDS:-60} s (scripts/fuzz.sh runs long campaigns)"
  scripts/fuzz.sh "${SUBEX_FUZZ_SECONDS:-60}"
fi

bench=build/release/bench/subex_bench
if [[ "${SUBEX_BENCH_SMOKE:-1}" == 0 ]]; then
  echo "== bench smoke: skipped (SUBEX_BENCH_SMOKE=0)"
elif [[ ! -x "$bench" ]]; then
  echo "== bench smoke: skipped ($bench not built)"
else
  echo "== bench smoke (20,000 offers; scripts/bench.sh runs the full 1,000,000)"
  SUBEX_BENCH_OFFERS="${SUBEX_BENCH_OFFERS:-20000}" "$bench" --benchmark_min_time=0.01 --benchmark_filter="${SUBEX_BENCH_SMOKE_FILTER:-.}"
fi

if [[ "${SUBEX_BENCH_SMOKE:-1}" != 0 ]]; then
  echo "== HTTP benchmark smoke (bench/http_bench.sh runs 10 s a side)"
  bench/http_bench.sh 3 8
fi

echo "== OpenAPI lint"
scripts/lint-openapi.sh

echo "== all tests passed"
