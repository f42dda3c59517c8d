#!/usr/bin/env bash
# Issue #25's throughput figures for a cluster (docs/cluster.md), with the servers as shipped
# (default flags but the cluster's), unpinned, on loopback: a three-member etcd, three
# mixtaped nodes and HAProxy with the shipped tools/cluster/haproxy.cfg, all on this one
# 2-core machine and its one disk. Durable creates/s through HAProxy against the same on
# the leader directly, at --sync-replicas 0 and 1, alternated.
#   bench/cluster.sh [rounds]      (default 3)
# Failover times come from tools/cluster-faults.sh. bench/RESULTS.md keeps a run.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${B:-B-rel}
ROUNDS=${1:-3}
WORK=$(mktemp -d /tmp/mixtape-cluster-bench.XXXXXX)
chmod 755 "$WORK"
source bench/lib.sh
MIXTAPED=${MIXTAPED:-$B/app/mixtaped}
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

ETCD="http://127.0.0.1:18301,http://127.0.0.1:18302,http://127.0.0.1:18303"
start_etcd() {
  local initial="e1=http://127.0.0.1:18311,e2=http://127.0.0.1:18312,e3=http://127.0.0.1:18313" i
  for i in 1 2 3; do
    etcd --name "e$i" --data-dir "$WORK/e$i" --listen-client-urls "http://127.0.0.1:1830$i" \
      --advertise-client-urls "http://127.0.0.1:1830$i" --listen-peer-urls "http://127.0.0.1:1831$i" \
      --initial-advertise-peer-urls "http://127.0.0.1:1831$i" --initial-cluster "$initial" \
      --initial-cluster-state new >"$WORK/e$i.log" 2>&1 &
    PIDS+=($!)
  done
  until curl -sf http://127.0.0.1:18301/health | grep -q true; do sleep 0.1; done
}
NODE_PIDS=()
# start_nodes SYNC CLUSTER: three nodes of a new cluster (fresh directories), waits until a
# write goes through HAProxy.
start_nodes() {
  local sync=$1 name=$2 i
  rm -rf "$WORK"/n?
  for i in 1 2 3; do
    mkdir -p "$WORK/n$i"
    cp "$WORK/keys.json" "$WORK/n$i/keys.json"
    "$MIXTAPED" --listen "127.0.0.1:1832$i" --data-dir "$WORK/n$i" --cluster-etcd "$ETCD" --cluster-name "$name" \
      --node-name "n$i" --sync-replicas "$sync" --replication-key "$RKEY" >"$WORK/n$i.log" 2>&1 &
    NODE_PIDS+=($!)
    [ "$i" = 1 ] && until grep -q elected "$WORK/n1.log"; do sleep 0.05; done
  done
  until [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "X-API-Key: $KEY" -H 'Content-Type: application/json' \
    -d '{"name":"ready"}' http://127.0.0.1:18330/v1/music/org_local/collections)" = 201 ]; do sleep 0.1; done
}
stop_nodes() {
  kill "${NODE_PIDS[@]}" 2>/dev/null || true
  for p in "${NODE_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  NODE_PIDS=()
}
leader_port() {
  local i
  for i in 1 2 3; do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:1832$i/primary")" = 200 ] && { echo "1832$i"; return; }
  done
}
creates() { PORT=$1 rps --scenario create --duration 5; }

KEY=$("$MIXTAPED" keys add --keys "$WORK/keys.json" --principal usr_bench --org org_local --capability USE_MUSIC_GENERATION 2>/dev/null)
RKEY=$("$MIXTAPED" keys add --keys "$WORK/keys.json" --principal usr_standby --capability MIXTAPE_REPLICATION 2>/dev/null)
start_etcd
MIXTAPE_WRITE_BIND=127.0.0.1:18330 MIXTAPE_READ_BIND=127.0.0.1:18331 MIXTAPE_NODE1=127.0.0.1:18321 \
  MIXTAPE_NODE2=127.0.0.1:18322 MIXTAPE_NODE3=127.0.0.1:18323 haproxy -f tools/cluster/haproxy.cfg -db >"$WORK/haproxy.log" 2>&1 &
PIDS+=($!)

for sync in 0 1; do
  echo "== durable creates/s (mixtape-bench --scenario create, 5 s), --sync-replicas $sync: through HAProxy and on the leader directly"
  start_nodes "$sync" "bench$sync"
  leader=$(leader_port)
  for r in $(seq "$ROUNDS"); do
    via=$(creates 18330)
    direct=$(creates "$leader")
    echo "round $r: HAProxy $via  direct $direct ($(ratio "${via%% *}" "${direct%% *}")x)"
  done
  stop_nodes
done
