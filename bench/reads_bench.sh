#!/usr/bin/env bash
# Trading under reads (issue 22): durable matching orders against a real subexd while four
# clients read the whole state's fingerprint (GET /v1/state) or list 1,000 orders
# (GET /v1/orders?limit=1000) again and again with the operator's key, each run between two
# runs without readers. The same client and script as bench/feed_bench.sh (its header explains
# the columns; for readers, "delivered" is the reads answered and d50/d99 their latency).
#
#   bench/reads_bench.sh [seconds=5] [readers=4]      (after scripts/build.sh Release)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=${1:-5}
readers=${2:-4}
exec bench/feed_bench.sh "$seconds" 50 \
  "0:none:poll,${readers}:reader:state,0:none:poll,${readers}:reader:list,0:none:poll"
