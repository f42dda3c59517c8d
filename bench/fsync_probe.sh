#!/usr/bin/env bash
# What a durable append costs on a filesystem, and what the journal's reserved zeros save
# (docs/journal-format.md §2): N synchronous 7,000-byte writes (a typical 64-client batch)
# with dd's O_DSYNC, first each one growing the file (a sync must commit the new length),
# then over the same bytes again (a sync only flushes data). Prints the mean per write.
#   bench/fsync_probe.sh [DIR] [N]     DIR: where the data directory lives (default .), N: 2000
set -euo pipefail
dir=${1:-.} n=${2:-2000}
f=$(mktemp "$dir/fsync-probe.XXXXXX")
trap 'rm -f "$f"' EXIT
mean_us() {  # dd arguments...: mean microseconds per write
  local start end
  start=$(date +%s%N)
  dd if=/dev/zero of="$f" bs=7000 count="$n" oflag=dsync status=none "$@"
  end=$(date +%s%N)
  echo $(((end - start) / n / 1000))
}
for round in 1 2 3; do
  : >"$f"
  grow=$(mean_us)
  over=$(mean_us conv=notrunc)
  echo "round $round: growing the file $grow us/write, over written blocks $over us/write"
done
