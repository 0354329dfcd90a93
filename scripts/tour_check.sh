#!/usr/bin/env bash
# Runs the README's tour exactly as written against a fresh `subexd --demo` and checks what it
# prints, so that the tour keeps working verbatim. Uses a temporary data directory and port 8080
# on 127.0.0.1 (as the tour does); fails if that port is taken.
#
#   scripts/tour_check.sh        (after scripts/build.sh Release)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)
server="$repo/build/release/server/subexd"
work=$(mktemp -d)
log="$work/subexd.log"
cleanup() {
  [[ -n "${pid:-}" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The tour's shell blocks, in order, from "## The tour" to the next section.
awk '/^## The tour/{on=1; next} /^## /{on=0} on' README.md |
  awk '/^ *```sh/{code=1; next} /^ *```/{code=0; next} code' | sed 's/^   //' >"$work/tour.sh"

cd "$work"
"$server" --demo --config "$repo/config/subex.toml" --listen 127.0.0.1:8080 >"$log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
  grep -q "listening on" "$log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.1
done
grep -q "listening on" "$log" || { cat "$log"; echo "tour: subexd did not start" >&2; exit 1; }

out=$(bash -e "$work/tour.sh")
expect() {
  if ! grep -qF -- "$1" <<<"$out"; then
    printf '%s\n' "$out"
    echo "tour: expected to see: $1" >&2
    exit 1
  fi
}
expect '"name":"Yelets Gear Works"'
expect '"api_key":"sx_'
expect '"free_total":496'
expect '"status":"allocated"'
expect '"unit_price":1850.00'
expect '"transport":5.81'
expect '"type":"contract.created"'
expect '"field":"quantity"'
expect '"status":404'
expect '"state":"accepted"'
expect '"items":[],"next":null'
expect '"status":"ranked"'
expect "\"status\":\"allocated\",\"start\":\"$(date -u -d '+8 days' +%F)\",\"due\":\"$(date -u -d '+38 days' +%F)\""
expect '"name":"Lipetsk Machine-Building Cluster","from":"2026-06-01","to":"2026-10-31","members":29'
expect '"contracts":{"count":95,"value":263965380.00,'
expect '"estimate":1320480.2015915117,'
echo "tour: the README's tour works as written"
