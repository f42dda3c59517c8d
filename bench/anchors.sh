#!/usr/bin/env bash
# Issue #12's headline in one session: mixtaped as shipped (default flags but --listen and
# --data-dir; unpinned, on the same cores as the load generator) against
#   GET:    nginx `return 200` of the same body (worker_processes auto, access_log off),
#           both driven by `wrk -t1 -c64 -d5s`;
#   create: redis-server --appendonly yes --appendfsync always, `redis-benchmark -c 64 -t set
#           -d 300`, against `mixtape-bench --scenario create --connections 64 --duration 5`.
# The systems alternate within each round; every round prints its ratio. Then the store is
# filled to 1M collections and the create rounds are repeated: those rounds run into
# compactions of the 1M store (each prints how many compactions it overlapped).
# Each figure comes with the CPU each side spent per request (server threads from /proc,
# the load generator's from its own rusage): with both on the same two cores, throughput is
# what the sum leaves. Loopback only. Needs a Release build in $B (default B-rel), wrk, nginx, redis-server.
#   bench/anchors.sh [rounds] [extra mixtaped flags...]   (rounds: default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
B=${B:-B-rel}
ROUNDS=${1:-3}
shift || true
PORT=18092 NGINX_PORT=18093 REDIS_PORT=18094
WORK=$(mktemp -d /tmp/mixtape-anchors.XXXXXX)
chmod 755 "$WORK"
source bench/lib.sh
trap bench_cleanup EXIT

start_server "$WORK/m" "$@"
ID=$(sample_collection)
URL="/v1/music/org_local/collections/$ID"
BODY=$(curl -sf -H "X-API-Key: $KEY" "http://127.0.0.1:$PORT$URL")
start_nginx "$NGINX_PORT" auto "default_type \"application/json; charset=utf-8\";
      add_header X-Request-Id req_0123456789abcdef; return 200 '$BODY';"
[ "$(curl -sf "http://127.0.0.1:$NGINX_PORT$URL")" = "$BODY" ] || { echo "nginx body differs"; exit 1; }

mkdir "$WORK/redis"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --appendonly yes --appendfsync always \
  --save '' --dir "$WORK/redis" --pidfile "$WORK/redis.pid" --daemonize yes >/dev/null
until redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; do sleep 0.05; done
# metric NAME: a value from /metrics.
metric() { curl -sf -H "X-API-Key: $KEY" "http://127.0.0.1:$PORT/metrics" | sed -n "s/^$1 \\([0-9]*\\).*/\\1/p"; }

get_ratios=() create_ratios=()
echo "== GET one collection ($(printf %s "$BODY" | wc -c) bytes) vs nginx, req/s"
# timed PIDS -- COMMAND...: runs COMMAND (its output to $WORK/out) and prints
# "SERVER_TICKS CLIENT_SECONDS": the CPU of PIDS meanwhile, and the command's own.
timed() {
  local pids=() before
  while [ "$1" != -- ]; do pids+=("$1"); shift; done
  shift
  before=$(cpu_ticks "${pids[@]}")
  /usr/bin/time -f '%U %S' -o "$WORK/time" "$@" >"$WORK/out" 2>/dev/null
  echo "$(($(cpu_ticks "${pids[@]}") - before)) $(awk '{ print $1 + $2 }' "$WORK/time")"
}
# cost SERVER_TICKS CLIENT_SECONDS REQUESTS: "server X us, client Y us" per request.
cost() { echo "server $(us_per_request "$1" "$3") us, client $(us_per_request "$(awk -v s="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN { print s * hz }')" "$3") us"; }
NGINX_PIDS=$(pgrep -P "$(cat "$WORK/nginx.pid")" | tr '\n' ' ')
for r in $(seq "$ROUNDS"); do
  read -r st ct < <(timed $NGINX_PIDS -- wrk -t1 -c64 -d5s "http://127.0.0.1:$NGINX_PORT$URL")
  n=$(wrk_out_rps) ncost=$(cost "$st" "$ct" "$(wrk_out_requests)")
  read -r st ct < <(timed "$SERVER_PID" -- wrk -t1 -c64 -d5s -H "X-API-Key: $KEY" "http://127.0.0.1:$PORT$URL")
  m=$(wrk_out_rps) mcost=$(cost "$st" "$ct" "$(wrk_out_requests)")
  get_ratios+=("$(ratio "$m" "$n")")
  echo "round $r: nginx $n ($ncost)  mixtape $m ($mcost)  ratio ${get_ratios[-1]}"
done
# create_rounds LABEL: ROUNDS alternated create rounds; appends to create_ratios.
REDIS_REQUESTS=${REDIS_REQUESTS:-150000}
create_rounds() {
  for r in $(seq "$ROUNDS"); do
    local before after rd m st ct rcost mcost
    read -r st ct < <(timed "$(cat "$WORK/redis.pid")" -- redis-benchmark -p "$REDIS_PORT" -c 64 -t set -d 300 -n "$REDIS_REQUESTS" -q)
    rd=$(tr '\r' '\n' <"$WORK/out" | sed -n 's/^SET: \([0-9.]*\) requests per second.*/\1/p' | tail -1)
    rcost=$(cost "$st" "$ct" "$REDIS_REQUESTS")
    before=$(metric mixtape_compactions_total)
    read -r st ct < <(timed "$SERVER_PID" -- "$B/bench/mixtape-bench" --url "http://127.0.0.1:$PORT" --key "$KEY" \
      --json --warmup 0 --scenario create --connections 64 --duration 5)
    after=$(metric mixtape_compactions_total)
    m=$(field throughput_rps <"$WORK/out") mcost=$(cost "$st" "$ct" "$(field requests <"$WORK/out")")
    create_ratios+=("$(ratio "$m" "$rd")")
    echo "round $r ($1): redis $rd ($rcost)  mixtape $m ($mcost)  ratio ${create_ratios[-1]}  compactions $((after - before))"
  done
}
echo "== durable create vs redis appendfsync always, req/s"
create_rounds "small store"
echo "== filling the store to 1,000,000 collections"
while [ "$(metric mixtape_collections)" -lt 1000000 ]; do bench --scenario create --connections 64 --duration 10 >/dev/null; done
echo "store: $(metric mixtape_collections) collections, RSS $(rss_mb) MB"
create_rounds "1M store"
echo "GET ratio: median $(median "${get_ratios[@]}"), min $(printf '%s\n' "${get_ratios[@]}" | sort -g | head -1)"
echo "create ratio: median $(median "${create_ratios[@]}"), min $(printf '%s\n' "${create_ratios[@]}" | sort -g | head -1)"
