#!/usr/bin/env bash
# Installs what is missing, checks the dependency graph, builds everything, runs the
# libFuzzer targets for a bounded time (tools/fuzz.sh: clang with ASan + UBSan,
# MIXTAPE_FUZZ_SECONDS per target, default 20; MIXTAPE_FUZZ=OFF skips), then the whole test
# suite (CTest).
# Set MIXTAPE_SANITIZE=ON to build and test the suite under AddressSanitizer + UBSan.
# Under CI (CI set) warnings are errors.
set -euo pipefail
cd "$(dirname "$0")/.."
# node runs the seeds' JavaScript examples against the server; chromium runs them in a browser
# page on another origin (test/integration/browser_test.cpp), which must not be skipped here.
./tools/install-deps.sh nodejs chromium
export MIXTAPE_REQUIRE_BROWSER=1
./tools/check-deps.sh
build="B-test"
sanitize="${MIXTAPE_SANITIZE:-OFF}"
[ "$sanitize" = "ON" ] && build="B-asan"
werror=OFF
[ -n "${CI:-}" ] && werror=ON
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMIXTAPE_SANITIZE="$sanitize" \
  -DMIXTAPE_WERROR="$werror" >/dev/null
cmake --build "$build" -j "$(nproc)"
if [ "${MIXTAPE_FUZZ:-ON}" != "OFF" ]; then
  ./tools/fuzz.sh
fi
cd "$build"
ctest -j "$(nproc)" --output-on-failure --timeout 600  # last: its summary closes the output
