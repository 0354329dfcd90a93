#!/usr/bin/env bash
# Configures and builds one build type into build/<type>: Release (default), Asan, Tsan or Debug.
# Names of targets after the type build only those (and what they need).
#
#   scripts/build.sh [Release|Asan|Tsan|Debug] [target...]
#
# Warnings are errors. SUBEX_JOBS sets the number of parallel compile jobs (default 2).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

case "${1:-Release}" in
  Release | release) type=Release ;;
  Asan | asan | ASan | ASAN) type=Asan ;;
  Tsan | tsan | TSan | TSAN) type=Tsan ;;
  Debug | debug) type=Debug ;;
  *)
    echo "usage: scripts/build.sh [Release|Asan|Tsan|Debug] [target...]" >&2
    exit 2
    ;;
esac

dir="build/${type,,}"
# The sanitizer builds run tests, not benchmarks: they leave the benchmarks out.
benchmarks=ON
[[ "$type" == Asan || "$type" == Tsan ]] && benchmarks=OFF
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" -DSUBEX_WERROR=ON \
  -DSUBEX_BENCHMARKS="$benchmarks"
shift || true
ninja -C "$dir" -j "${SUBEX_JOBS:-2}" "$@"
