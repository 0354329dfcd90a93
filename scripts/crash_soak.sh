#!/usr/bin/env bash
# Durability soak (PRODUCT §8): builds Release and runs both crash tests — the engine's journal
# (crash_test) and the HTTP server's (crash_http_test) — with many kill -9 cycles —
# SUBEX_CRASH_CYCLES (default 300; CI runs 20) — on one data directory. SUBEX_CRASH_SEED changes
# the kill timings (default 20261123). Pass "Asan" to soak the sanitizer build instead.
#
#   scripts/crash_soak.sh [Release|Asan]
#   SUBEX_CRASH_CYCLES=1000 SUBEX_CRASH_SEED=7 scripts/crash_soak.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

type="${1:-Release}"
scripts/build.sh "$type"
export SUBEX_CRASH_CYCLES="${SUBEX_CRASH_CYCLES:-300}"
echo "== crash soak: ${SUBEX_CRASH_CYCLES} kill -9 cycles, seed ${SUBEX_CRASH_SEED:-20261123}"
"build/${type,,}/tests/crash_test"
exec "build/${type,,}/tests/crash_http_test"
