#!/usr/bin/env bash
# Issue #11's measurements in one session, with the server as shipped (default flags but
# --listen, --data-dir and, where a collection must take more than 10,000 tracks,
# --max-tracks), unpinned. Loopback only. Needs a Release build in $B (default B-rel),
# wrk and nginx. Prints one line per measurement; bench/RESULTS.md keeps a run.
#   bench/track_scale.sh [rounds]        (rounds: default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
B=${B:-B-rel}
ROUNDS=${1:-3}
PORT=18090 NGINX_PORT=18091
WORK=$(mktemp -d /tmp/mixtape-track-scale.XXXXXX)
chmod 755 "$WORK"  # nginx's workers read page.json as another user
source bench/lib.sh
trap bench_cleanup EXIT

echo "== add-track: into empty vs 10,000-track collections, and create (req/s)"
start_server "$WORK/a" --max-tracks 20000
for r in $(seq "$ROUNDS"); do
  create=$(rps --scenario create --duration 5)
  empty=$(rps --scenario add-track --prepare 64 --duration 5)
  full=$(rps --scenario add-track --prepare 64 --tracks 10000 --duration 5)
  echo "round $r: create $create  add-track(empty) $empty  add-track(10k) $full"
done
stop_server

echo "== GET of a 200-track page at offset 9800 vs nginx serving the same bytes (req/s)"
start_server "$WORK/b"
bench --scenario tracks --prepare 1 --tracks 10000 --duration 0.2 >/dev/null
ID=$(curl -s -H "X-API-Key: $KEY" "http://127.0.0.1:$PORT/v1/music/org_local/collections?limit=1" |
  grep -o 'mcoll_[0-9a-f]*' | head -1)
URL="/v1/music/org_local/collections/$ID/tracks?offset=9800"
curl -s -H "X-API-Key: $KEY" "http://127.0.0.1:$PORT$URL" >"$WORK/page.json"
start_nginx "$NGINX_PORT" 1 'root '"$WORK"'; default_type "application/json; charset=utf-8"; try_files /page.json =404;'
curl -sf "http://127.0.0.1:$NGINX_PORT/" | cmp -s - "$WORK/page.json" || { echo "nginx does not serve the page"; exit 1; }
for r in $(seq "$ROUNDS"); do
  n=$(wrk_rps "http://127.0.0.1:$NGINX_PORT$URL")
  m=$(wrk_rps -H "X-API-Key: $KEY" "http://127.0.0.1:$PORT$URL")
  echo "round $r: nginx $n  mixtape $m  ($(stat -c %s "$WORK/page.json") bytes)"
done
stop_nginx

echo "== PATCH .../order with all 10,000 ids, one connection (latency, us)"
bench --scenario reorder --prepare 4 --tracks 10000 --connections 1 --duration 5 |
  sed -n 's/.*"latency_us":{\([^}]*\)}.*/\1/p'
stop_server

echo "== 1,000 collections x 10,000 unique tracks: RSS, then restart"
start_server "$WORK/c"
bench --scenario get --prepare 1000 --tracks 10000 --duration 0.2 >/dev/null
echo "live: RSS $(rss_mb) MB"
stop_server
start=$(date +%s%N)
start_server "$WORK/c"
echo "restart: ready after $((($(date +%s%N) - start) / 1000000)) ms, RSS $(rss_mb) MB;" \
  "$(grep -o 'snapshot_ms=[0-9]* replay_ms=[0-9]*' "$WORK/c.log" | tail -1)"
stop_server
