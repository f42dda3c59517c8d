#!/usr/bin/env bash
# Installs what is missing, builds mixtaped (Release) and runs it on the defaults:
# 127.0.0.1:8080, data in ./data. The first start prints an API key and a curl line.
# Extra arguments go to mixtaped (e.g. ./tools/run.sh --listen 127.0.0.1:9090).
set -euo pipefail
cd "$(dirname "$0")/.."
./tools/install-deps.sh
cmake -S . -B B -G Ninja -DCMAKE_BUILD_TYPE=Release -DMIXTAPE_BUILD_TESTS=OFF >/dev/null
cmake --build B --target mixtaped -j "$(nproc)"
exec ./B/app/mixtaped "$@"
