#!/usr/bin/env bash
# Installs what is missing, builds Release and starts subexd; arguments go to subexd unchanged.
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
exec "$server" "$@"
