#!/usr/bin/env bash
# Prints the members bench/wrk/market.lua signs with (its SUBEX_BENCH_MEMBERS file), from the
# demo's keys and a running subexd: one line per supplier with the processes it registered, one
# per customer.
#
#   bench/wrk/members.sh http://127.0.0.1:18080 data/demo_keys.tsv >members.tsv
set -euo pipefail

url=$1
keys=$2
while IFS=$'\t' read -r id name key role; do
  if [[ "$role" == *supplier* ]]; then
    processes=$(curl -s "$url/v1/members/$id" -H "Authorization: Bearer $key" |
      sed -n 's/.*"processes":\[\([^]]*\)\].*/\1/p' | tr -d '"' | tr ',' ' ')
    printf 'supplier\t%s\t%s\n' "$key" "$processes"
  fi
  if [[ "$role" == *customer* ]]; then printf 'customer\t%s\t\n' "$key"; fi
done <"$keys"
