#!/usr/bin/env bash
# The end-to-end benchmark (PRODUCT §8), in one run, with the same load generator for everyone:
#
#   1. subexd (durable: every batch synced) with the demo market, driven by wrk with
#      bench/wrk/market.lua: half new offers, half orders, from the demo's members, each with its
#      own key;
#   2. the ceiling (bench/ceiling_server.cc): the same HTTP layer and body reader, nothing behind
#      them, driven by the same script;
#   3. orders only, against subexd, and against the PostgreSQL peer (bench/pg_peer.sh) when
#      PostgreSQL is installed.
#
# Prints requests/s, p50/p99 latency and the ratios. Not part of CI, which runs a short smoke.
#
#   bench/http_bench.sh [seconds=10] [connections=32]      (after scripts/build.sh Release)
#
# With SUBEX_BENCH_PERF=<file>, subexd is profiled with `perf record -g` during the offers and
# orders run (see BENCHMARKS.md for reading it: perf report -i <file> --no-children).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)
seconds=${1:-10}
connections=${2:-32}
subexd="$repo/build/release/server/subexd"
ceiling="$repo/build/release/bench/ceiling_server"
for bin in "$subexd" "$ceiling"; do
  [[ -x "$bin" ]] || { echo "http_bench: $bin was not built (scripts/build.sh Release)" >&2; exit 1; }
done
command -v wrk >/dev/null || { echo "http_bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

wait_listening() {  # log file, pid
  for _ in $(seq 1 600); do
    grep -q "listening on" "$1" && return 0
    kill -0 "$2" 2>/dev/null || { cat "$1" >&2; return 1; }
    sleep 0.1
  done
  cat "$1" >&2
  return 1
}

# Runs wrk and prints "requests/s p50_ms p99_ms non2xx".
load() {  # url, mix
  SUBEX_BENCH_MEMBERS="$work/members.tsv" SUBEX_BENCH_MIX="$2" \
    wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$repo/bench/wrk/market.lua" "$1" \
    >"$work/wrk.out" 2>&1 || { cat "$work/wrk.out" >&2; return 1; }
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec:/ { rps = $2 }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /Non-2xx or 3xx responses:/ { bad = $5 }
    END { printf "%.0f %.2f %.2f %d\n", rps, p50, p99, bad }' "$work/wrk.out"
}

# subexd with the demo market, durable.
(cd "$work" && exec "$subexd" --demo --quiet --config "$repo/config/subex.toml" \
  --data-dir "$work/data" --listen 127.0.0.1:18080 >"$work/subexd.log" 2>&1) &
pids+=($!)
wait_listening "$work/subexd.log" "${pids[0]}"

# The members the load signs with: suppliers with the processes they registered.
"$repo/bench/wrk/members.sh" http://127.0.0.1:18080 "$work/data/demo_keys.tsv" \
  >"$work/members.tsv"

echo "subexd: ${seconds} s, ${connections} connections, offers and orders..." >&2
if [[ -n "${SUBEX_BENCH_PERF:-}" ]]; then
  perf record -F 999 -g -p "${pids[0]}" -o "$SUBEX_BENCH_PERF" -- sleep "$seconds" \
    >"$work/perf.log" 2>&1 &
  perf_pid=$!
fi
read -r s_rps s_p50 s_p99 s_bad < <(load http://127.0.0.1:18080 mixed)
[[ -n "${SUBEX_BENCH_PERF:-}" ]] && wait "$perf_pid"
echo "subexd: ${seconds} s, ${connections} connections, orders only..." >&2
read -r o_rps o_p50 o_p99 o_bad < <(load http://127.0.0.1:18080 orders)

(exec "$ceiling" --listen 127.0.0.1:18081 >"$work/ceiling.log" 2>&1) &
pids+=($!)
wait_listening "$work/ceiling.log" "${pids[1]}"
echo "ceiling: ${seconds} s, ${connections} connections, offers and orders..." >&2
read -r c_rps c_p50 c_p99 c_bad < <(load http://127.0.0.1:18081 mixed)

pg_tps=""
if [[ -x bench/pg_peer.sh ]] && compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null; then
  echo "postgresql peer: ${seconds} s, ${connections} clients, orders only..." >&2
  pg_tps=$(bench/pg_peer.sh "$seconds" "$connections" | awk '/^orders_per_second/ {print $2}')
fi

printf '\n%-34s %12s %10s %10s %10s\n' "" "requests/s" "p50 ms" "p99 ms" "non-2xx"
printf '%-34s %12s %10s %10s %10s\n' "ceiling (HTTP + body, nothing else)" "$c_rps" "$c_p50" "$c_p99" "$c_bad"
printf '%-34s %12s %10s %10s %10s\n' "subexd, offers and orders, durable" "$s_rps" "$s_p50" "$s_p99" "$s_bad"
printf '%-34s %12s %10s %10s %10s\n' "subexd, orders only, durable" "$o_rps" "$o_p50" "$o_p99" "$o_bad"
[[ -n "$pg_tps" ]] && printf '%-34s %12s\n' "postgresql peer, orders only" "$pg_tps"
echo
awk -v s="$s_rps" -v c="$c_rps" 'BEGIN { printf "subexd / ceiling: %.2f (bar: >= 0.5 with p99 <= 5 ms)\n", s / c }'
[[ -n "$pg_tps" ]] &&
  awk -v o="$o_rps" -v p="$pg_tps" 'BEGIN { printf "subexd / postgresql, orders: %.1f (bar: >= 30)\n", o / p }'
exit 0
