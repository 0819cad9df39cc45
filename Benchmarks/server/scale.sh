#!/usr/bin/env bash
# Many landmarks served at once (issue 3's scale bar): N copies of one map under N ids.
#   Benchmarks/server/scale.sh LANDMARK_BIN MAP.landmark [COUNTS…]   (default counts: 0 1 10 50)
# For each count: start `landmark serve` on 127.0.0.1, wait for /healthz, then read the
# server's RSS (/metrics), its CPU time so far (/proc/PID/stat) and each map's load time
# (GET /v1/landmarks → loadSeconds); stop it. One JSON line per count.
set -euo pipefail
BIN=${1:?landmark binary}; MAP=${2:?a .landmark}; shift 2
COUNTS=${*:-0 1 10 50}
PORT=${PORT:-8094}
TICKS=$(getconf CLK_TCK)
for N in $COUNTS; do
  DIR=$(mktemp -d /tmp/landmark-scale.XXXXXX)
  for i in $(seq 1 "$N"); do cp "$MAP" "$DIR/map$(printf %02d "$i").landmark"; done
  START=$(date +%s.%N)
  "$BIN" serve --landmarks "$DIR" --host 127.0.0.1 --port "$PORT" 2> "$DIR/serve.log" &
  SERVER=$!
  for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
  READY=$(date +%s.%N)
  CPU=$(awk -v t="$TICKS" '{print ($14+$15)/t}' /proc/$SERVER/stat)
  RSS=$(curl -sf "http://127.0.0.1:$PORT/metrics" | awk '/^landmark_resident_memory_bytes/ {print $2}')
  LOADS=$(curl -sf "http://127.0.0.1:$PORT/v1/landmarks" | python3 -c "import json,sys; l=json.load(sys.stdin)['landmarks']; s=sorted(x['loadSeconds'] for x in l); print(json.dumps({'served':len(l),'loadSecondsMedian':s[len(s)//2] if s else None,'loadSecondsMax':s[-1] if s else None,'points':l[0]['points'] if l else 0,'fileBytes':l[0]['fileBytes'] if l else 0}))")
  kill $SERVER; wait $SERVER 2>/dev/null || true
  echo "{\"maps\":$N,\"readySecondsWall\":$(echo "$READY - $START" | bc),\"serverCpuSecondsAtReady\":$CPU,\"rssBytes\":$RSS,\"perMap\":$LOADS,\"loadAverage\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
  rm -rf "$DIR"
done
