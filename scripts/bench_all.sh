#!/usr/bin/env bash
# Runs the whole benchmark suite (PRODUCT §8), one benchmark after the other, and keeps what it
# printed in build/bench-results/<UTC time>.log:
#
#   1. the engine on a million open offers (scripts/bench.sh), on 4 KiB pages and on huge pages
#      as subexd runs;
#   2. what a cache miss costs on the machine (memory_latency);
#   3. snapshots at a million open offers (snapshot_bench);
#   4. recovery of a million journalled events and durable commands/s (recovery_bench), and a
#      restart from a snapshot in new processes (recovery_bench restart);
#   5. cluster analytics (analytics_bench) and what metrics cost (metrics_bench);
#   6. end to end over HTTP: subexd against the ceiling and the PostgreSQL peer (bench/http_bench.sh);
#   7. the feed at portal scale: durable orders while many clients follow it (bench/feed_bench.sh).
#
#   scripts/bench_all.sh            # about five minutes on two cores; nothing else should run
#   scripts/bench_all.sh --smoke    # every benchmark on a small world, briefly (CI runs this)
#
# Installs what is missing and builds Release first. Exits non-zero if any benchmark fails.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

smoke=0
suffix=""
case "${1:-}" in
  "") ;;
  --smoke)
    smoke=1
    suffix=" (smoke)"
    ;;
  *)
    echo "usage: scripts/bench_all.sh [--smoke]" >&2
    exit 2
    ;;
esac

scripts/setup.sh
scripts/build.sh Release

bin=build/release/bench
huge_pages="glibc.malloc.hugetlb=1:glibc.malloc.top_pad=67108864"
if ((smoke)); then
  offers=20000
  gbench=(--benchmark_min_time=0.01)
  latency=(--benchmark_filter='MiB:1/' --benchmark_min_time=0.01)
  recovery=(20000 0.2 2)
  restart=(restart 20000)
  http=(2 8)
  feed=(1 50 "0:none:poll,20:member:poll,5:operator:poll,20:member:sse,5:operator:sse")
else
  offers=1000000
  gbench=()
  latency=()
  recovery=()
  restart=(restart)
  http=(10 32)
  feed=(5 1000)
fi

mkdir -p build/bench-results
log="build/bench-results/$(date -u +%Y-%m-%dT%H%M%SZ)${suffix:+-smoke}.log"
exec > >(tee "$log") 2>&1

echo "== subex benchmarks${suffix}, $(date -u '+%Y-%m-%d %H:%M UTC')," \
  "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "== $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(uname -r)," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"

step() {
  echo
  echo "== $*"
}

export SUBEX_BENCH_OFFERS="$offers"

step "engine, ${offers} open offers, 4 KiB pages"
"$bin/subex_bench" "${gbench[@]}"
step "engine, ${offers} open offers, huge pages as subexd runs (GLIBC_TUNABLES=$huge_pages)"
GLIBC_TUNABLES="$huge_pages" "$bin/subex_bench" "${gbench[@]}"

step "memory latency"
"$bin/memory_latency" "${latency[@]}"

step "snapshots, ${offers} open offers"
"$bin/snapshot_bench" "${gbench[@]}"

step "recovery and durable throughput"
"$bin/recovery_bench" "${recovery[@]}"
step "restart from a snapshot, in new processes"
"$bin/recovery_bench" "${restart[@]}"

step "cluster analytics"
"$bin/analytics_bench" "${gbench[@]}"
step "metrics, ${offers} open offers"
"$bin/metrics_bench" "${gbench[@]}"

step "end to end over HTTP"
bench/http_bench.sh "${http[@]}"

step "the feed at portal scale"
bench/feed_bench.sh "${feed[@]}"

echo
echo "== done; this output is in $log"
