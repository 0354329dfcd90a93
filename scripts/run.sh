#!/usr/bin/env bash
# Installs what is missing, builds Release and starts subexd on 127.0.0.1:8080 with its journal
# in ./data, loading the demo market when the journal is empty. Arguments go to subexd after
# --demo (e.g. --listen 0.0.0.0:8080, --data-dir /srv/subex).
#
#   scripts/run.sh [subexd arguments...]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh
scripts/build.sh Release

server=build/release/server/subexd
if [[ ! -x "$server" ]]; then
  echo "run: $server was not built" >&2
  exit 1
fi
exec "$server" --demo "$@"
