#!/usr/bin/env bash
# Regenerates docs/openapi.json (what the binary embeds and serves at /openapi.json) from
# docs/openapi.yaml with the pinned tooling of test/contract, and lints the YAML (Redocly,
# then Spectral).
# Run after editing docs/openapi.yaml; the test openapi_json_is_current fails until then.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d test/contract/node_modules/ajv ] && [ -d test/contract/node_modules/@stoplight/spectral-cli ] ||
  npm ci --prefix test/contract --ignore-scripts --no-audit --no-fund
node test/contract/openapi-json.mjs docs/openapi.yaml docs/openapi.json
test/contract/run.sh redocly lint --config test/contract/redocly.yaml docs/openapi.yaml
test/contract/run.sh spectral lint --ruleset test/contract/.spectral.yaml --fail-severity warn docs/openapi.yaml
