#!/usr/bin/env bash
# Lints the OpenAPI document the server embeds (api/openapi.json) with Redocly CLI, pinned so that
# the result does not change under us. Needs Node.js (20 or later) and the npm registry.
#
#   scripts/lint-openapi.sh
#
# Fails on any error; warnings are printed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly REDOCLY_CLI_VERSION=2.77.0
exec npx --yes "@redocly/cli@${REDOCLY_CLI_VERSION}" lint --config api/redocly.yaml api/openapi.json
