#!/usr/bin/env bash
# Builds the fuzz targets with clang (libFuzzer + AddressSanitizer + UndefinedBehaviorSanitizer)
# into build/fuzz and runs each for SECONDS (default 60), from the seed corpora in fuzz/corpus.
# New inputs the fuzzer finds go to a scratch directory (build/fuzz/corpus) unless --keep, which
# merges them into fuzz/corpus. A crash stops the run; its input is left in build/fuzz/crashes.
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
for t in "${targets[@]}"; do
  scratch="build/fuzz/corpus/$t"
  mkdir -p "$scratch"
  echo "== fuzz $t: ${seconds} s"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "build/fuzz/fuzz/${t}_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="build/fuzz/crashes/${t}-" \
    "$scratch" "fuzz/corpus/$t" 2>&1 | grep -E "^#[0-9]+ +DONE|stat::number_of_executed_units|ERROR|SUMMARY|fuzz:" || true
  if compgen -G "build/fuzz/crashes/${t}-*" >/dev/null; then
    echo "fuzz: $t found a failing input: $(ls build/fuzz/crashes/${t}-*)" >&2
    exit 1
  fi
  if [[ $keep == 1 ]]; then
    "build/fuzz/fuzz/${t}_fuzz" -merge=1 "fuzz/corpus/$t" "$scratch" >/dev/null 2>&1
  fi
done
echo "fuzz: every target ran ${seconds} s without a failure"
