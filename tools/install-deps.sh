#!/usr/bin/env bash
# Installs what building and testing mixtape needs on Debian 12, and nothing that is
# already there. Safe to run again. Uses sudo when not root.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config
  dpkg-dev file  # dpkg-shlibdeps and file(1), which CPack's DEB generator runs, for the .deb and its test
  libboost1.81-dev libboost-json1.81-dev libboost-test1.81-dev libboost-url1.81-dev
  libmimalloc-dev  # mixtaped's allocator (app/allocator.hpp)
  curl  # the README walk-through and the seed-example tests
)
packages+=("$@")  # callers may ask for more (e.g. wrk, nginx-light for benchmarks)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "mixtape: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
