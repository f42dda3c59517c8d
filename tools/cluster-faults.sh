#!/usr/bin/env bash
# The failover tests (test/failover, docs/cluster.md), longer and at random moments: each
# fault is repeated ROUNDS times in its cluster (a three-member etcd, three mixtaped nodes at
# --sync-replicas 1 with a 2 s lease, HAProxy; everything on loopback), and after every run
# the same checks as in the suite hold: every acknowledged write on the leader, no version
# acknowledged twice, the nodes alike. Prints the median and the maximum of each figure.
#   tools/cluster-faults.sh [ROUNDS [SEED]]      (default 10 rounds; root for iptables and tmpfs)
# The build directory is $B (default B-test); the test binary must be built.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${B:-B-test}
ROUNDS=${1:-10}
SEED=${2:-$RANDOM}
bin="$B/test/failover/test_cluster_failover"
[ -x "$bin" ] || { echo "cluster-faults: build $bin first (ninja -C $B test_cluster_failover)" >&2; exit 2; }
log=$(mktemp /tmp/mixtape-cluster-faults.XXXXXX)
echo "cluster-faults: $ROUNDS rounds of each fault, seed $SEED; the log is $log"
status=0
MIXTAPE_FAILOVER_ROUNDS=$ROUNDS MIXTAPE_FAILOVER_SEED=$SEED "$bin" --log_level=message --color_output=no >"$log" 2>&1 || status=$?
grep -o 'FIGURE fault=[^ ]* [a-z_]*=[0-9]*' "$log" | sed 's/^FIGURE fault=//; s/=/ /' |
  awk '{ key = $1 " " $2; v[key] = v[key] " " $3 }
       END { for (k in v) print k, v[k] }' | sort |
  while read -r fault what values; do
    sorted=$(tr ' ' '\n' <<<"$values" | sort -n | grep .)
    n=$(wc -l <<<"$sorted")
    median=$(sed -n "$(((n + 1) / 2))p" <<<"$sorted")
    max=$(tail -1 <<<"$sorted")
    unit=""; [[ $what == *_ms ]] && unit=" ms"
    printf '%-20s %-26s n=%-3s median %6s%s  max %6s%s\n' "$fault" "$what" "$n" "$median" "$unit" "$max" "$unit"
  done
if [ "$status" -ne 0 ]; then
  echo "cluster-faults: FAILED (exit $status); the failures:" >&2
  grep -E 'error|fatal' "$log" | head -20 >&2
  exit "$status"
fi
echo "cluster-faults: every check held"
