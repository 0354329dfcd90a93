#!/usr/bin/env bash
# Installs the Debian 12 packages subex needs to build, test and run, and nothing else.
#
# Idempotent: a package that is already installed is left alone, and the package index is
# refreshed only when something has to be installed. Uses sudo when not run as root.
set -euo pipefail

packages=(
  git
  build-essential
  cmake
  ninja-build
  ccache
  pkg-config
  libboost-dev
  librocksdb-dev
  libsimdjson-dev
  libabsl-dev
  libgtest-dev
  libgmock-dev
  libbenchmark-dev
  libtomlplusplus-dev
  libssl-dev  # SHA-256 of API keys and a CSPRNG for new keys (OpenSSL libcrypto).
  curl        # The README's tour.
  clang              # The fuzz targets (scripts/fuzz.sh): libFuzzer comes with clang,
  libclang-rt-14-dev # and its runtime with this package.
  wrk         # The end-to-end HTTP benchmark (bench/http_bench.sh).
  postgresql  # Its SQL peer (bench/pg_peer.sh runs a throwaway cluster of its own).
)
# The OpenAPI lint (scripts/lint-openapi.sh) runs Redocly CLI through npx: Node.js 20 or later
# with npm. A machine that has no npx gets Debian's nodejs and npm.
if ! command -v npx >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "setup: dpkg-query not found; this script expects Debian 12" >&2
  exit 1
fi

missing=()
for pkg in "${packages[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} packages present, nothing to install"
  exit 0
fi

sudo=()
if ((EUID != 0)); then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "setup: need root or sudo to install: ${missing[*]}" >&2
    exit 1
  fi
  sudo=(sudo)
fi

echo "setup: installing ${missing[*]}"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y --no-install-recommends "${missing[@]}"
echo "setup: installed ${missing[*]}"
