#!/usr/bin/env bash
# Installs what is missing, checks the dependency graph, builds everything, runs the
# libFuzzer targets for a bounded time (tools/fuzz.sh: clang with ASan + UBSan,
# MIXTAPE_FUZZ_SECONDS per target, default 20; MIXTAPE_FUZZ=OFF skips), then the whole test
# suite (CTest).
# Set MIXTAPE_SANITIZE=ON to build and test the suite under AddressSanitizer + UBSan.
# Under CI (CI set) warnings are errors.
set -euo pipefail
cd "$(dirname "$0")/.."
# node runs the seeds' JavaScript examples and, with npm, the OpenAPI lint and contract tools
# (test/contract); chromium runs the seeds' fetch examples in a page on another origin
# (test/integration/browser_test.cpp) and loads the /docs page; neither may be skipped here.
# Debian's nodejs comes without npm (package npm); a nodejs that bundles it (NodeSource) would
# conflict with that package, so it is only asked for when the command is missing.
# prometheus brings promtool, which lints a /metrics scrape (test/integration/operations_test.cpp).
# etcd-server, haproxy and iptables run the failover tests (test/failover: a three-member etcd,
# HAProxy with tools/cluster/haproxy.cfg; a partition by iptables' owner match, as root).
tools=(nodejs chromium prometheus etcd-server haproxy iptables)
command -v npm >/dev/null || tools+=(npm)
./tools/install-deps.sh "${tools[@]}"
export MIXTAPE_REQUIRE_BROWSER=1 MIXTAPE_REQUIRE_PROMTOOL=1
# Under CI the failover faults that need root (iptables, tmpfs) must run, never skip.
[ -n "${CI:-}" ] && export MIXTAPE_REQUIRE_CLUSTER_FAULTS=1
# The pinned npm packages of test/contract (its package-lock.json), into test/contract/node_modules;
# again only when the lockfile changed since the last install (npm ci takes ~1 min).
# Node's own CA list does not know a CA the machine trusts (a TLS-inspecting proxy's, say):
# let it use the system bundle too.
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi
stamp=test/contract/node_modules/.installed-from-lock
if ! cmp -s test/contract/package-lock.json "$stamp"; then
  npm ci --prefix test/contract --ignore-scripts --no-audit --no-fund --loglevel=error
  cp test/contract/package-lock.json "$stamp"
fi
export MIXTAPE_REQUIRE_NODE_TOOLS=1  # test/contract/run.sh: a missing tool fails, never skips
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
