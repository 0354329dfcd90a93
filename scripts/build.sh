#!/usr/bin/env bash
# Configures and builds one build type into build/<type>: Release (default), Asan or Debug.
#
#   scripts/build.sh [Release|Asan|Debug]
#
# Warnings are errors. SUBEX_JOBS sets the number of parallel compile jobs (default 2).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

case "${1:-Release}" in
  Release | release) type=Release ;;
  Asan | asan | ASan | ASAN) type=Asan ;;
  Debug | debug) type=Debug ;;
  *)
    echo "usage: scripts/build.sh [Release|Asan|Debug]" >&2
    exit 2
    ;;
esac

dir="build/${type,,}"
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" -DSUBEX_WERROR=ON
ninja -C "$dir" -j "${SUBEX_JOBS:-2}"
