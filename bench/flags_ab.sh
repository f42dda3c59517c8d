#!/usr/bin/env bash
# Two mixtaped flag sets, alternated within each round on the same data: GET one
# collection (`wrk -t1 -c64 -d5s`) and durable create (`mixtape-bench --scenario create
# --connections 64 --duration 5`), each with the server's CPU per request. A fresh
# server per run (so every run starts alike); unpinned, on the same cores as the load
# generator; loopback only. Prints every run and the medians of each set. Used for
# issue #12's access-log (part 1) and thread-count (part 3) comparisons.
#   bench/flags_ab.sh ROUNDS "FLAGS A" "FLAGS B"     e.g.  bench/flags_ab.sh 5 "" "--access-log off"
# Two builds instead (same flags): A_BIN=old/app/mixtaped B_BIN=new/app/mixtaped bench/flags_ab.sh 5 "" ""
# (each defaults to $B/app/mixtaped). MODES="create" runs only the create rounds;
# CONNECTIONS=N sets the create clients (default 64).
# Needs a Release build in $B (default B-rel) and wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${B:-B-rel}
ROUNDS=$1 A=$2 BFLAGS=$3
PORT=18097
WORK=$(mktemp -d /tmp/mixtape-ab.XXXXXX)
source bench/lib.sh
trap bench_cleanup EXIT

# run_once MODE FLAGS BINARY: "REQ_PER_S SERVER_US_PER_REQUEST" of one run on a fresh server.
run_once() {
  local mode=$1 flags=$2 id before n rps
  rm -rf "$WORK/m" "$WORK/m.log"
  # shellcheck disable=SC2086 # FLAGS is a word list
  MIXTAPED=$3 start_server "$WORK/m" $flags
  id=$(sample_collection)
  before=$(cpu_ticks "$SERVER_PID")
  if [ "$mode" = get ]; then
    wrk -t1 -c64 -d5s -H "X-API-Key: $KEY" "http://127.0.0.1:$PORT/v1/music/org_local/collections/$id" >"$WORK/out"
    rps=$(wrk_out_rps)
    n=$(wrk_out_requests)
  else
    "$B/bench/mixtape-bench" --url "http://127.0.0.1:$PORT" --key "$KEY" --json --warmup 0 \
      --scenario create --connections "${CONNECTIONS:-64}" --duration 5 >"$WORK/out" 2>/dev/null
    rps=$(field throughput_rps <"$WORK/out")
    n=$(field requests <"$WORK/out")
  fi
  echo "$rps $(us_per_request "$(($(cpu_ticks "$SERVER_PID") - before))" "$n")"
  stop_server
  rm -f "$WORK/key"  # the next directory prints its own key
}

A_BIN=${A_BIN:-$B/app/mixtaped} B_BIN=${B_BIN:-$B/app/mixtaped}
for mode in ${MODES:-get create}; do
  a_rps=() b_rps=()
  for r in $(seq "$ROUNDS"); do
    read -r ra ua < <(run_once "$mode" "$A" "$A_BIN")
    read -r rb ub < <(run_once "$mode" "$BFLAGS" "$B_BIN")
    a_rps+=("$ra") b_rps+=("$rb")
    echo "$mode round $r: [$A] $ra req/s (server $ua us)  [$BFLAGS] $rb req/s (server $ub us)  ratio $(ratio "$ra" "$rb")"
  done
  ma=$(median "${a_rps[@]}") mb=$(median "${b_rps[@]}")
  echo "$mode medians: [$A] $ma  [$BFLAGS] $mb  ratio $(ratio "$ma" "$mb")"
done
