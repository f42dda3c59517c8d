#!/usr/bin/env bash
# Issue #23's measurements of the online backup, with the server as shipped (default flags
# but --listen, --data-dir and, for 10,000-track collections, nothing else: --max-tracks is
# 10,000 by default), unpinned. Loopback only. Prints one line per measurement;
# bench/RESULTS.md keeps a run.
#   bench/backup.sh [rounds]        (rounds of the throughput comparison: default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
B=${B:-B-rel}
ROUNDS=${1:-3}
PORT=18095
WORK=$(mktemp -d /tmp/mixtape-backup-bench.XXXXXX)
source bench/lib.sh
BACKUP_LOOP=""
cleanup() {
  [ -n "$BACKUP_LOOP" ] && kill "$BACKUP_LOOP" 2>/dev/null
  bench_cleanup
}
trap cleanup EXIT
MIXTAPED=${MIXTAPED:-$B/app/mixtaped}

# admin_key DIR: adds an admin key to DIR's keys file, loads it (SIGHUP), sets ADMIN.
admin_key() {
  ADMIN=$("$MIXTAPED" keys add --data-dir "$1" --principal usr_ops --capability MIXTAPE_ADMIN 2>/dev/null)
  kill -HUP "$SERVER_PID"
  until [ "$(curl -s -o /dev/null -w '%{http_code}' -H "X-API-Key: $ADMIN" "http://127.0.0.1:$PORT/admin/v1/backup" )" = 200 ]; do
    sleep 0.05
  done
}
# measure_backup NAME: one backup of the running server: time, MB/s, the server's peak RSS
# added meanwhile (sampled every 10 ms), then the restore's time.
measure_backup() {
  local before peak rss start ms bytes sampler restore_ms
  before=$(rss_mb)
  (peak=0; while :; do rss=$(($(ps -o rss= -p "$SERVER_PID") / 1024)); [ "$rss" -gt "$peak" ] && peak=$rss && echo "$peak" >"$WORK/peak"; sleep 0.01; done) &
  sampler=$!
  start=$(date +%s%N)
  "$MIXTAPED" backup --from "http://127.0.0.1:$PORT" --key "$ADMIN" --out "$WORK/$1.bak" >/dev/null
  ms=$((($(date +%s%N) - start) / 1000000))
  kill "$sampler"; wait "$sampler" 2>/dev/null || true
  peak=$(cat "$WORK/peak")
  bytes=$(stat -c %s "$WORK/$1.bak")
  start=$(date +%s%N)
  "$MIXTAPED" restore --from "$WORK/$1.bak" --data-dir "$WORK/$1.restored" >/dev/null
  restore_ms=$((($(date +%s%N) - start) / 1000000))
  echo "$1: backup $((bytes / 1048576)) MB in $ms ms ($(awk -v b="$bytes" -v t="$ms" 'BEGIN { printf "%.0f", b / 1048576 / (t / 1000) }') MB/s)," \
    "server RSS $before MB -> peak $peak MB (+$((peak - before)) MB); restore (with its load check) $restore_ms ms"
  rm -rf "$WORK/$1.restored" "$WORK/$1.bak"
}

echo "== backup and restore of 1,000,000 collections"
start_server "$WORK/a"
admin_key "$WORK/a"
bench --scenario get --prepare 1000000 --duration 0.2 >/dev/null
measure_backup collections-1m
echo "== GET and create with backups running back to back vs none (req/s, same server, 1M collections)"
for r in $(seq "$ROUNDS"); do
  get_quiet=$(rps --scenario get --duration 5)
  create_quiet=$(rps --scenario create --duration 5)
  (while :; do "$MIXTAPED" backup --from "http://127.0.0.1:$PORT" --key "$ADMIN" --out "$WORK/loop.bak" >/dev/null 2>&1; done) &
  BACKUP_LOOP=$!
  get_busy=$(rps --scenario get --duration 5)
  create_busy=$(rps --scenario create --duration 5)
  kill "$BACKUP_LOOP"; wait "$BACKUP_LOOP" 2>/dev/null || true
  BACKUP_LOOP=""
  echo "round $r: get $get_quiet -> $get_busy ($(ratio "$get_busy" "$get_quiet")x)" \
    " create $create_quiet -> $create_busy ($(ratio "$create_busy" "$create_quiet")x)"
done
stop_server

echo "== backup and restore of 10,000,000 track references (1,000 collections x 10,000)"
start_server "$WORK/b"
admin_key "$WORK/b"
bench --scenario get --prepare 1000 --tracks 10000 --duration 0.2 >/dev/null
measure_backup tracks-10m
stop_server
