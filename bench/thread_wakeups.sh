#!/usr/bin/env bash
# Drives subexd (durable, the demo market) with wrk and bench/wrk/market.lua, and prints, with
# wrk's figures, each busy thread's context switches during the run (per request answered) and
# the engine's batch sizes, for measuring how requests cross the I/O, engine and journal threads.
#
#   bench/thread_wakeups.sh [mixed|orders] [seconds=10]      (after scripts/build.sh Release)
#
# Settings go in the environment: SUBEX_STORAGE_DECIDE_AHEAD=32 bench/thread_wakeups.sh;
# SUBEX_BENCH_PRELOAD=<library> runs subexd with that library preloaded (another allocator).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)
mix=${1:-mixed}
seconds=${2:-10}
subexd="$repo/build/release/server/subexd"
[[ -x "$subexd" ]] || { echo "thread_wakeups: $subexd was not built" >&2; exit 1; }
work=$(mktemp -d)
pid=""
cleanup() {
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

(cd "$work" && LD_PRELOAD="${SUBEX_BENCH_PRELOAD:-}" exec "$subexd" --demo --quiet \
  --config "$repo/config/subex.toml" --data-dir "$work/data" --listen 127.0.0.1:18090 \
  >"$work/subexd.log" 2>&1) &
pid=$!
for _ in $(seq 1 600); do
  grep -q "listening on" "$work/subexd.log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/subexd.log" >&2; exit 1; }
  sleep 0.1
done
# The members the load signs with.
"$repo/bench/wrk/members.sh" http://127.0.0.1:18090 "$work/data/demo_keys.tsv" \
  >"$work/members.tsv"

# "tid voluntary involuntary cpu-ticks" for each of subexd's threads.
threads() {
  for t in /proc/"$pid"/task/*; do
    echo "$(basename "$t") $(awk '/^voluntary_ctxt/ {v = $2} /^nonvoluntary_ctxt/ {n = $2}
      END {print v, n}' "$t/status") $(awk '{print $14 + $15}' "$t/stat")"
  done | sort
}
threads >"$work/before"
SUBEX_BENCH_MEMBERS="$work/members.tsv" SUBEX_BENCH_MIX="$mix" \
  wrk -t2 -c32 -d"${seconds}s" --latency -s "$repo/bench/wrk/market.lua" http://127.0.0.1:18090 \
  >"$work/wrk.out" 2>&1
threads >"$work/after"
grep -E "Requests/sec|^ +50%|^ +99%|Non-2xx" "$work/wrk.out" || true
requests=$(awk '/requests in/ {print $1}' "$work/wrk.out")
echo "requests $requests"
join "$work/before" "$work/after" | awk -v r="$requests" '{
  v = $5 - $2; n = $6 - $3; t = $7 - $4
  if (v + n > 100) printf "thread %s: %d voluntary switches (%.2f per request), %d involuntary, %d cpu ticks\n", $1, v, v / r, n, t }'
curl -s http://127.0.0.1:18090/metrics |
  grep -E "^subex_engine_batch_size_(sum|count)|^subex_journal_batches_total" || true
