#!/usr/bin/env bash
# Installs what is missing, builds everything and runs the whole test suite (CTest).
# Set MIXTAPE_SANITIZE=ON to build and test under AddressSanitizer + UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
./tools/install-deps.sh
build="B-test"
sanitize="${MIXTAPE_SANITIZE:-OFF}"
[ "$sanitize" = "ON" ] && build="B-asan"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMIXTAPE_SANITIZE="$sanitize" >/dev/null
cmake --build "$build" -j "$(nproc)"
cd "$build"
ctest -j "$(nproc)" --output-on-failure --timeout 600
