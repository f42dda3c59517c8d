# Shell helpers shared by the bench scripts (sourced, not run). Loopback only.
# The caller sets B (build dir with app/mixtaped and bench/mixtape-bench), PORT and WORK
# (a temp dir, chmod 755 so that nginx's workers can read it), and calls bench_cleanup
# from its EXIT trap.
SERVER_PID=""

bench_cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null
  [ -f "$WORK/redis.pid" ] && kill "$(cat "$WORK/redis.pid")" 2>/dev/null
  rm -rf "$WORK"
}

# start_server DIR [FLAGS...]: starts mixtaped ($MIXTAPED, default $B/app/mixtaped) on
# $PORT, waits for /readyz, sets KEY (the key printed at the directory's first start; later
# starts reuse the one kept in $WORK/key).
start_server() {
  local dir=$1
  shift
  mkdir -p "$dir"
  "${MIXTAPED:-$B/app/mixtaped}" --listen "127.0.0.1:$PORT" --data-dir "$dir" "$@" >>"$dir.log" 2>&1 &
  SERVER_PID=$!
  until curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null; do
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$dir.log"; exit 1; }
    sleep 0.05
  done
  KEY=$(grep -o 'mxt_[A-Za-z0-9_-]*' "$dir.log" | head -1 || true)
  [ -n "$KEY" ] || KEY=$(cat "$WORK/key")
  echo "$KEY" >"$WORK/key"
}
stop_server() {
  kill "$SERVER_PID"
  wait "$SERVER_PID" || true
  SERVER_PID=""
}
rss_mb() { echo $(($(ps -o rss= -p "$SERVER_PID") / 1024)); }
bench() { "$B/bench/mixtape-bench" --url "http://127.0.0.1:$PORT" --key "$KEY" --warmup 1 --json "$@" 2>/dev/null; }
field() { sed -n "s/.*\"$1\":\([0-9.e+-]*\).*/\1/p"; }
# rps ARGS: mixtape-bench's throughput and, when there were any, the errors by status.
rps() {
  local out errors
  out=$(bench "$@")
  errors=$(sed -n 's/.*"errors":{\([^}]*\)}.*/\1/p' <<<"$out")
  echo "$(field throughput_rps <<<"$out")$([ "$errors" = '"transport":0' ] || echo " (errors: $errors)")"
}
# sample_collection: creates one collection on the server at $PORT (with $KEY), prints its id.
sample_collection() {
  curl -sf -H "X-API-Key: $KEY" -H 'Content-Type: application/json' -X POST \
    "http://127.0.0.1:$PORT/v1/music/org_local/collections" \
    -d '{"name":"Focus Sessions","description":"Instrumental tracks for deep work"}' | grep -o 'mcoll_[0-9a-f]*'
}
# wrk_out_rps / wrk_out_requests: requests per second / requests done, from wrk's output in $WORK/out.
wrk_out_rps() { sed -n 's/Requests\/sec: *//p' "$WORK/out"; }
wrk_out_requests() { sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$WORK/out"; }
# wrk_rps ARGS: wrk -t1 -c64 for 5 s (or $WRK_SECONDS), its requests per second.
wrk_rps() { wrk -t1 -c64 -d"${WRK_SECONDS:-5}s" "$@" | sed -n 's/Requests\/sec: *//p'; }
# start_nginx PORT WORKERS LOCATION_BODY: nginx without an access log, waits until it answers.
start_nginx() {
  cat >"$WORK/nginx.conf" <<NGINX
worker_processes $2;
error_log $WORK/nginx.err;
pid $WORK/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  server {
    listen 127.0.0.1:$1;
    location / { $3 }
  }
}
NGINX
  nginx -c "$WORK/nginx.conf"
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$1/" >/dev/null && return; sleep 0.05; done
  echo "nginx does not answer"; exit 1
}
stop_nginx() { kill "$(cat "$WORK/nginx.pid")"; rm -f "$WORK/nginx.pid"; }
# ratio A B: A/B to two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# median X...: the median of numbers (the lower middle one for an even count).
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# cpu_ticks PID...: user + system clock ticks used so far by every thread of these processes.
cpu_ticks() {
  local total=0 p t f
  for p in "$@"; do
    for t in /proc/"$p"/task/*/stat; do
      read -ra f <"$t" || continue
      total=$((total + f[13] + f[14]))
    done
  done
  echo "$total"
}
# us_per_request TICKS REQUESTS: CPU microseconds per request.
us_per_request() { awk -v t="$1" -v n="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }'; }
