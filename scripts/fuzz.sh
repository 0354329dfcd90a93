#!/usr/bin/env bash
# Builds the fuzz targets with clang (libFuzzer + AddressSanitizer + UndefinedBehaviorSanitizer)
# into build/fuzz and runs each for SECONDS (default 60), SUBEX_JOBS (default 2) at a time, from
# the seed corpora in fuzz/corpus. Each prints its seed: `-seed=N` on the target reruns it.
# New inputs the fuzzer finds go to a scratch directory (build/fuzz/corpus) unless --keep, which
# merges them into fuzz/corpus. A crash fails the run; its input is left in build/fuzz/crashes.
#
#   scripts/fuzz.sh [SECONDS] [--keep] [TARGET...]    targets: event snapshot body engine http
#
# Long campaigns: scripts/fuzz.sh 3600 --keep engine
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=60
keep=0
targets=()
for arg in "$@"; do
  case "$arg" in
    --keep) keep=1 ;;
    [0-9]*) seconds=$arg ;;
    *) targets+=("$arg") ;;
  esac
done
[[ ${#targets[@]} -gt 0 ]] || targets=(event snapshot body engine http)
command -v clang++ >/dev/null || { echo "fuzz: clang++ is missing (apt-get install clang)" >&2; exit 1; }

CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=Fuzz \
  -DBUILD_TESTING=OFF >/dev/null
ninja -C build/fuzz -j "${SUBEX_JOBS:-2}" $(printf '%s_fuzz ' "${targets[@]}")

mkdir -p build/fuzz/crashes
# Runs one target for the whole time; its summary goes to build/fuzz/<target>.log.
run_target() {
  local t=$1 scratch="build/fuzz/corpus/$1"
  mkdir -p "$scratch"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "build/fuzz/fuzz/${t}_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="build/fuzz/crashes/${t}-" \
    "$scratch" "fuzz/corpus/$t" 2>&1 |
    grep -E "^INFO: Seed:|^#[0-9]+ +DONE|stat::number_of_executed_units|ERROR|SUMMARY|fuzz:" \
      >"build/fuzz/$t.log" || true
  if [[ $keep == 1 ]]; then
    "build/fuzz/fuzz/${t}_fuzz" -merge=1 "fuzz/corpus/$t" "$scratch" >/dev/null 2>&1
  fi
}

# SUBEX_JOBS targets at a time (default 2), each for the whole time.
jobs="${SUBEX_JOBS:-2}"
running=0
for t in "${targets[@]}"; do
  echo "== fuzz $t: ${seconds} s"
  run_target "$t" &
  running=$((running + 1))
  if ((running >= jobs)); then
    wait -n || true
    running=$((running - 1))
  fi
done
wait
failed=0
for t in "${targets[@]}"; do
  echo "-- $t"
  cat "build/fuzz/$t.log"
  if compgen -G "build/fuzz/crashes/${t}-*" >/dev/null; then
    echo "fuzz: $t found a failing input: $(ls build/fuzz/crashes/${t}-*)" >&2
    failed=1
  fi
done
[[ $failed == 0 ]] || exit 1
echo "fuzz: every target ran ${seconds} s without a failure"
