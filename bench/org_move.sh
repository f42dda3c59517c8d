#!/usr/bin/env bash
# Issue #23's measurements of moving an organization, with the server as shipped (default
# flags but --listen and --data-dir), unpinned, loopback only: the export of an organization
# (org_local, filled by mixtape-bench) and its import into a second, empty server — time,
# MB/s, and each server's peak RSS added meanwhile (sampled every 10 ms). bench/RESULTS.md
# keeps a run.
#   bench/org_move.sh
set -euo pipefail
cd "$(dirname "$0")/.."
B=${B:-B-rel}
PORT=18096
WORK=$(mktemp -d /tmp/mixtape-org-bench.XXXXXX)
source bench/lib.sh
TARGET_PID=""
cleanup() {
  [ -n "$TARGET_PID" ] && kill "$TARGET_PID" 2>/dev/null
  bench_cleanup
}
trap cleanup EXIT
MIXTAPED=${MIXTAPED:-$B/app/mixtaped}
URL=http://127.0.0.1:$PORT/admin/v1/orgs/org_local

# admin_key DIR PID: an admin key in DIR's keys file, loaded (SIGHUP); sets ADMIN.
admin_key() {
  ADMIN=$("$MIXTAPED" keys add --data-dir "$1" --principal usr_ops --capability MIXTAPE_ADMIN 2>/dev/null)
  kill -HUP "$2"
  until [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "X-API-Key: $ADMIN" "$URL/unfreeze")" = 200 ]; do
    sleep 0.05
  done
}
# timed NAME PID COMMAND...: runs COMMAND, prints its ms and the peak resident set PID added
# meanwhile: all of it (VmRSS, which counts a mapped snapshot's file pages) and the anonymous
# part (RssAnon: heap and stacks).
timed() {
  local name=$1 pid=$2 sampler start ms
  shift 2
  local before before_anon
  before=$(kb VmRSS "$pid"); before_anon=$(kb RssAnon "$pid")
  (peak=$before; anon=$before_anon
   while :; do
     rss=$(kb VmRSS "$pid"); a=$(kb RssAnon "$pid")
     [ "$rss" -gt "$peak" ] && peak=$rss; [ "$a" -gt "$anon" ] && anon=$a
     echo "$peak $anon" >"$WORK/peak"; sleep 0.01
   done) &
  sampler=$!
  start=$(date +%s%N)
  "$@"
  ms=$((($(date +%s%N) - start) / 1000000))
  kill "$sampler"; wait "$sampler" 2>/dev/null || true
  read -r peak anon <"$WORK/peak"
  echo "$name ${ms} ms, server RSS $((before / 1024)) MB -> peak $((peak / 1024)) MB, of it anonymous $((before_anon / 1024)) -> $((anon / 1024)) MB"
  LAST_MS=$ms
}
kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$2/status"; }

# move LABEL PREPARE_ARGS...: fills a source, freezes and exports org_local, imports it.
move() {
  local label=$1 bytes
  shift
  echo "== $label"
  start_server "$WORK/$label-source"
  local source_pid=$SERVER_PID
  admin_key "$WORK/$label-source" "$source_pid"
  bench --scenario get --prepare "$@" --duration 0.2 >/dev/null
  curl -sf -X POST -H "X-API-Key: $ADMIN" "$URL/freeze" >/dev/null
  timed "export:" "$source_pid" curl -sf -H "X-API-Key: $ADMIN" "$URL/export" -o "$WORK/org.ndjson"
  bytes=$(stat -c %s "$WORK/org.ndjson")
  echo "  $((bytes / 1048576)) MB, $(awk -v b="$bytes" -v t="$LAST_MS" 'BEGIN { printf "%.0f", b / 1048576 / (t / 1000) }') MB/s; end line: $(tail -1 "$WORK/org.ndjson")"
  stop_server
  PORT=$((PORT + 1)) start_server "$WORK/$label-target"
  TARGET_PID=$SERVER_PID
  URL=http://127.0.0.1:$((PORT + 1))/admin/v1/orgs/org_local admin_key "$WORK/$label-target" "$TARGET_PID"
  timed "import:" "$TARGET_PID" curl -sf -X POST -H "X-API-Key: $ADMIN" --data-binary @"$WORK/org.ndjson" \
    "http://127.0.0.1:$((PORT + 1))/admin/v1/orgs/org_local/import" -o "$WORK/import.json"
  echo "  $(awk -v b="$bytes" -v t="$LAST_MS" 'BEGIN { printf "%.0f", b / 1048576 / (t / 1000) }') MB/s; answer: $(cat "$WORK/import.json")"
  kill "$TARGET_PID"; wait "$TARGET_PID" 2>/dev/null || true
  TARGET_PID=""
  SERVER_PID=""
  rm -rf "$WORK/$label-source" "$WORK/$label-target" "$WORK/org.ndjson"
}

move collections-1m 1000000
move tracks-10m 1000 --tracks 10000
