#!/usr/bin/env bash
# Runs one of the node tools of this folder for CTest: run.sh [--chromium] SCRIPT ARGS...
# Needs node and the pinned packages (`npm ci` here; tools/test.sh does it), and with
# --chromium Debian's chromium. When one is missing the test is skipped (exit 77) in a plain
# ctest run, and fails when MIXTAPE_REQUIRE_NODE_TOOLS=1 (tools/test.sh sets it): the test
# command never passes without having run them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
missing() {
  if [ "${MIXTAPE_REQUIRE_NODE_TOOLS:-0}" = "1" ]; then
    echo "FAIL: $1 (required by tools/test.sh)" >&2
    exit 1
  fi
  echo "SKIP: $1 (run tools/test.sh, or npm ci in test/contract)" >&2
  exit 77
}
if [ "${1:-}" = "--chromium" ]; then
  shift
  CHROMIUM="$(command -v chromium)" || missing "chromium is not installed"
  export CHROMIUM
fi
command -v node >/dev/null || missing "node is not installed"
[ -d "$here/node_modules/ajv" ] || missing "the npm packages of test/contract are not installed"
# The linters send nothing anywhere.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true SCARF_ANALYTICS=false DO_NOT_TRACK=1
script="$1"
shift
case "$script" in
  redocly) exec node "$here/node_modules/@redocly/cli/bin/cli.js" "$@" ;;
  spectral)
    [ -d "$here/node_modules/@stoplight/spectral-cli" ] || missing "Spectral is not installed (npm ci in test/contract)"
    exec node "$here/node_modules/@stoplight/spectral-cli/dist/index.js" "$@" ;;
  *) exec node "$here/$script" "$@" ;;
esac
