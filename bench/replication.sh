#!/usr/bin/env bash
# Issue #24's measurements of replication (docs/replication.md), with the servers as shipped
# (default flags but --listen, --data-dir and the replication flags), unpinned, on loopback:
# a primary and one local standby on this machine's one disk.
#   bench/replication.sh [rounds]     (rounds of the alternated comparisons: default 3)
# Prints one line per measurement; bench/RESULTS.md keeps a run.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${B:-B-rel}
ROUNDS=${1:-3}
PORT=18096
SPORT=18097
WORK=$(mktemp -d /tmp/mixtape-replication-bench.XXXXXX)
chmod 755 "$WORK"
source bench/lib.sh
MIXTAPED=${MIXTAPED:-$B/app/mixtaped}
STANDBY_PID=""
SAMPLER=""
cleanup() {
  [ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null
  [ -n "$STANDBY_PID" ] && kill "$STANDBY_PID" 2>/dev/null && wait "$STANDBY_PID" 2>/dev/null
  bench_cleanup
}
trap cleanup EXIT

# replication_key DIR: a MIXTAPE_REPLICATION key in DIR's keys file (sets RKEY), loaded.
replication_key() {
  RKEY=$("$MIXTAPED" keys add --data-dir "$1" --principal usr_standby --capability MIXTAPE_REPLICATION 2>/dev/null)
  kill -HUP "$SERVER_PID"
  sleep 0.2
}
# start_standby DIR: a standby of the primary on $PORT, with the primary's keys; waits until it
# follows and has caught up.
start_standby() {
  mkdir -p "$1"
  cp "$WORK/a/keys.json" "$1/keys.json"
  "$MIXTAPED" --listen "127.0.0.1:$SPORT" --data-dir "$1" --replicate-from "http://127.0.0.1:$PORT" \
    --replication-key "$RKEY" >>"$1.log" 2>&1 &
  STANDBY_PID=$!
  until caught_up; do
    kill -0 "$STANDBY_PID" 2>/dev/null || { cat "$1.log"; exit 1; }
    sleep 0.05
  done
}
stop_standby() { kill "$STANDBY_PID"; wait "$STANDBY_PID" || true; STANDBY_PID=""; }
seq_at() { curl -s "http://127.0.0.1:$1/primary" | sed -n 's/.*"seq":\([0-9]*\).*/\1/p'; }
caught_up() {
  local s p
  s=$(seq_at "$SPORT"); p=$(seq_at "$PORT")
  [ -n "$s" ] && [ -n "$p" ] && [ "$s" -ge "$p" ]
}
primary_writable() { [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/primary")" = 200 ]; }
restart_primary() {
  stop_server
  start_server "$WORK/a" "$@"
  until primary_writable; do sleep 0.05; done
}
# The standby's lag_ms (its /replica) every 100 ms into $WORK/lag, until killed (a curl each:
# sampled sparsely, so that the sampling costs the measured servers little CPU).
sample_lag() {
  : >"$WORK/lag"
  (while :; do curl -s "http://127.0.0.1:$SPORT/replica" | grep -o '"lag_ms":[0-9]*' | cut -d: -f2 >>"$WORK/lag"; sleep 0.1; done) &
  SAMPLER=$!
}
stop_sampling() { kill "$SAMPLER"; wait "$SAMPLER" 2>/dev/null || true; SAMPLER=""; }
percentile() { sort -n "$1" | awk -v p="$2" '{ v[NR] = $1 } END { i = int(NR * p); if (i < 1) i = 1; print v[i] }'; }

echo "== durable creates/s (mixtape-bench --scenario create, 5 s): alone, with a standby at --sync-replicas 0, at 1"
start_server "$WORK/a"
replication_key "$WORK/a"
start_standby "$WORK/s"
stop_standby
for r in $(seq "$ROUNDS"); do
  alone=$(rps --scenario create --duration 5)
  start_standby "$WORK/s"
  async=$(rps --scenario create --duration 5)
  until caught_up; do sleep 0.05; done
  restart_primary --sync-replicas 1
  sync=$(rps --scenario create --duration 5)
  stop_standby
  restart_primary
  echo "round $r: alone $alone  async $async ($(ratio "${async%% *}" "${alone%% *}")x)" \
    " sync $sync ($(ratio "${sync%% *}" "${alone%% *}")x)"
done

echo "== the standby's lag (its /replica lag_ms every 100 ms) under creates at the full rate, --sync-replicas 0, 10 s"
start_standby "$WORK/s"
sample_lag
rate=$(rps --scenario create --duration 10)
stop_sampling
echo "creates $rate/s; lag p50 $(percentile "$WORK/lag" 0.5) ms, p99 $(percentile "$WORK/lag" 0.99) ms, max $(percentile "$WORK/lag" 1) ms over $(wc -l <"$WORK/lag") samples"
stop_standby

echo "== GET of one collection (wrk -t1 -c64, 5 s): on the primary and on the standby, alternated"
start_standby "$WORK/s"
ID=$(sample_collection)
until caught_up; do sleep 0.05; done
for r in $(seq "$ROUNDS"); do
  p=$(wrk_rps -H "X-API-Key: $KEY" "http://127.0.0.1:$PORT/v1/music/org_local/collections/$ID")
  s=$(wrk_rps -H "X-API-Key: $KEY" "http://127.0.0.1:$SPORT/v1/music/org_local/collections/$ID")
  echo "round $r: primary $p  standby $s ($(ratio "$s" "$p")x)"
done
stop_standby
stop_server

# bootstrap NAME PREPARE...: a fresh standby of a primary holding what `mixtape-bench
# --prepare` made: time to follow and catch up, and both servers' RSS after.
bootstrap() {
  local name=$1 start ms
  shift
  rm -rf "$WORK/a" "$WORK/a.log" "$WORK/$name" "$WORK/$name.log"
  start_server "$WORK/a"
  replication_key "$WORK/a"
  bench --scenario get "$@" --duration 0.2 >/dev/null
  start=$(date +%s%N)
  start_standby "$WORK/$name"
  ms=$((($(date +%s%N) - start) / 1000000))
  echo "$name: bootstrap and catch-up in $ms ms; RSS primary $(rss_mb) MB, standby $(($(ps -o rss= -p "$STANDBY_PID") / 1024)) MB"
  stop_standby
  stop_server
}
echo "== bootstrap of a standby"
bootstrap collections-1m --prepare 1000000
bootstrap tracks-10m --prepare 1000 --tracks 10000
