#!/usr/bin/env bash
# The feed at portal scale (issue 21): durable matching orders against a real subexd while 0,
# 100 and 1,000 member followers, or 10 and 20 operator followers, follow the feed by long poll
# and by Server-Sent Events. The orders and the followers come from bench/feed_bench.cc (one
# epoll thread); see its header for what each column means.
#
#   bench/feed_bench.sh [seconds=5] [members=1000] [runs]      (after scripts/build.sh Release)
#
# `runs` is a comma-separated list of followers:kind:mode, e.g. "0:none:poll,20:operator:sse".
# FEED_BENCH_SUBEXD_FLAGS adds flags to each subexd, e.g. "--feed.linger_ms=0"; FEED_BENCH_SUBEXD
# runs another subexd binary (an earlier build's) with this script's client, and FEED_BENCH_CONFIG
# another config file (that build's).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)
seconds=${1:-5}
members=${2:-1000}
# By default every run with followers sits between two runs without: the machine's speed drifts
# by more than the followers cost over a few minutes, so each is compared with its neighbours.
runs=${3:-"0:none:poll,100:member:poll,0:none:poll,1000:member:poll,0:none:poll,10:operator:poll,0:none:poll,20:operator:poll,0:none:poll,100:member:sse,0:none:poll,1000:member:sse,0:none:poll,10:operator:sse,0:none:poll,20:operator:sse,0:none:poll"}
subexd="${FEED_BENCH_SUBEXD:-$repo/build/release/server/subexd}"  # Another build's, to compare.
client="$repo/build/release/bench/feed_bench"
for bin in "$subexd" "$client"; do
  [[ -x "$bin" ]] || { echo "feed_bench: $bin was not built (scripts/build.sh Release)" >&2; exit 1; }
done

work=$(mktemp -d)
pid=""
stop() {
  if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; fi
  pid=""
}
trap 'stop; rm -rf "$work"' EXIT

admin="feed-bench-admin-key-0123456789abcdef"
port=18090
echo "feed_bench: ${seconds} s per run, 32 order connections, ${members} members, a new subexd" \
  "per run; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
header=1
for run in ${runs//,/ }; do
  # Each run on a new journal: the same market, not the previous runs' orders.
  rm -rf "$work/data"
  (cd "$work" && SUBEX_ADMIN_KEY="$admin" exec "$subexd" --quiet \
    --config "${FEED_BENCH_CONFIG:-$repo/config/subex.toml}" --data-dir "$work/data" --listen "127.0.0.1:$port" \
    ${FEED_BENCH_SUBEXD_FLAGS:-} \
    >"$work/subexd.log" 2>&1) &
  pid=$!
  for _ in $(seq 1 600); do
    grep -q "listening on" "$work/subexd.log" && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/subexd.log" >&2; exit 1; }
    sleep 0.1
  done
  "$client" --port "$port" --admin-key "$admin" --pid "$pid" --seconds "$seconds" \
    --members "$members" --runs "$run" --header "$header" | tee -a "$work/rows"
  header=0
  stop
done

# Each run with followers against the mean of the runs without just before and after it.
awk '$1 == "followers" || NF < 10 { next }
     { ++last; kind[last] = $1; n[last] = $2; mode[last] = $3; rate[last] = $4 }
     END {
       print "\nagainst the neighbouring runs without followers:"
       for (i = 1; i <= last; ++i) {
         if (kind[i] == "none") continue
         sum = 0; k = 0
         for (j = i - 1; j >= 1; --j) if (kind[j] == "none") { sum += rate[j]; ++k; break }
         for (j = i + 1; j <= last; ++j) if (kind[j] == "none") { sum += rate[j]; ++k; break }
         if (k > 0) printf "%-9s %5d %-5s %8d orders/s = %3.0f %% of %.0f\n", kind[i], n[i], mode[i], rate[i], 100 * rate[i] / (sum / k), sum / k
       }
     }' "$work/rows"
