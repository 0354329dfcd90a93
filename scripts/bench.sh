#!/usr/bin/env bash
# Builds Release and runs the engine benchmarks on a book of SUBEX_BENCH_OFFERS open offers
# (default 1,000,000). Extra arguments go to Google Benchmark, e.g.
#   scripts/bench.sh --benchmark_filter=OrderMatch
#   scripts/bench.sh --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh
scripts/build.sh Release
export SUBEX_BENCH_OFFERS="${SUBEX_BENCH_OFFERS:-1000000}"
echo "== engine benchmarks, ${SUBEX_BENCH_OFFERS} open offers, $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p')"
exec build/release/bench/subex_bench "$@"
