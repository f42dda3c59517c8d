#!/usr/bin/env bash
# replay.sh FUZZER DIR...: runs FUZZER once over every file in the DIRs (no fuzzing), as
# CTest and tools/fuzz.sh do with the seed corpus and the regression inputs. Missing or
# empty DIRs are fine; dotfiles (.gitkeep) are skipped. When an input fails, every input
# is run on its own so that all the failing ones are named ("replay: FAILED: FILE").
set -uo pipefail
fuzzer=$1
shift
inputs=()
for dir in "$@"; do
  [ -d "$dir" ] || continue
  for f in "$dir"/*; do
    [ -f "$f" ] && inputs+=("$f")
  done
done
if [ ${#inputs[@]} -eq 0 ]; then
  echo "replay: no inputs for $(basename "$fuzzer")"
  exit 0
fi
# libFuzzer runs each file given as an argument once and exits (at the first failure).
opts=(-rss_limit_mb=2048 -timeout=10)
"$fuzzer" "${opts[@]}" "${inputs[@]}" && exit 0
failed=0
for f in "${inputs[@]}"; do
  if ! "$fuzzer" "${opts[@]}" "$f" >/dev/null 2>&1; then
    echo "replay: FAILED: $f"
    failed=$((failed + 1))
  fi
done
echo "replay: $failed of ${#inputs[@]} inputs failed"
exit 1
