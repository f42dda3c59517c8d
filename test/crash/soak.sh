#!/usr/bin/env bash
# Longer crash soak than CI runs: the kill -9 test (plain and with compactions every few KiB)
# with many rounds, repeated. Usage: test/crash/soak.sh BUILD_DIR [ROUNDS [REPEATS]]
# e.g. test/crash/soak.sh B 40 5   (about 40 * 0.6 s * 2 per repeat)
set -euo pipefail
build="${1:?usage: $0 BUILD_DIR [ROUNDS [REPEATS]]}"
rounds="${2:-40}"
repeats="${3:-3}"
bin="$build/test/crash/test_crash_kill9"
[ -x "$bin" ] || { echo "soak: $bin not built" >&2; exit 2; }
for i in $(seq 1 "$repeats"); do
  echo "soak: repeat $i of $repeats, $rounds rounds each" >&2
  MIXTAPE_CRASH_ROUNDS="$rounds" "$bin" --log_level=message
done
echo "soak: passed" >&2
