#!/usr/bin/env bash
# The PostgreSQL peer of bench/http_bench.sh: a throwaway PostgreSQL cluster (Debian's
# postgresql, port 15432 on a socket in a temporary directory, synchronous_commit on, fsync on),
# the schema and matching function of bench/pg/schema.sql, the market of bench/pg/data.sql, and
# pgbench placing orders through place_order() from many clients. Started and torn down here.
# Prints "orders_per_second N".
#
#   bench/pg_peer.sh [seconds=10] [clients=32]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)
seconds=${1:-10}
clients=${2:-32}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x "$pgbin/postgres" ]] || { echo "pg_peer: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }

work=$(mktemp -d)
# PostgreSQL will not run as root: the cluster belongs to the postgres user when we are root.
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  chown postgres "$work"
  as_pg=(runuser -u postgres --)
fi
cleanup() {
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/db" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

"${as_pg[@]}" "$pgbin/initdb" -D "$work/db" -A trust -U postgres >/dev/null
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/db" -l "$work/pg.log" -w \
  -o "-p 15432 -k $work -c listen_addresses='' -c synchronous_commit=on -c fsync=on
      -c shared_buffers=256MB -c max_connections=$((clients + 20))" start >/dev/null 2>&1
psql=("${as_pg[@]}" "$pgbin/psql" -h "$work" -p 15432 -U postgres -q -v ON_ERROR_STOP=1 postgres)

"${psql[@]}" <bench/pg/schema.sql
# The taxonomy's codes, with a transport tariff per unit and km like config/processes.toml's.
grep -o 'code = "[^"]*"' config/processes.toml | cut -d'"' -f2 |
  awk '{ printf "INSERT INTO processes VALUES (%d, '\''%s'\'', 0.4);\n", NR, $1 }' | "${psql[@]}"
"${psql[@]}" <bench/pg/data.sql
cp bench/pg/order.sql "$work/order.sql"
chmod 644 "$work/order.sql"

processes=$(grep -c 'code = "' config/processes.toml)
"${as_pg[@]}" "$pgbin/pgbench" -h "$work" -p 15432 -U postgres -n -c "$clients" -j 2 \
  -T "$seconds" -D processes="$processes" -f "$work/order.sql" postgres >"$work/pgbench.out" 2>&1 ||
  { cat "$work/pgbench.out" >&2; exit 1; }
allocated=$("${psql[@]}" -At -c "SELECT count(*), coalesce(sum(allocated), 0), coalesce(sum(quantity), 0) FROM orders")
echo "pg_peer: orders, allocated units, ordered units: $allocated" >&2
awk '/^tps = / { print "orders_per_second", int($3 + 0.5) }' "$work/pgbench.out"
