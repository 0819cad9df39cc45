#!/usr/bin/env bash
# Bounded loopback load against `landmark serve` (issue 3's load bar).
#   Benchmarks/server/load.sh LANDMARK_BIN WORK_DIR [REQUESTS] [extra serve flags…]
# The client is `landmark-bench serve`, beside LANDMARK_BIN (or $BENCH).
# WORK_DIR holds gate.landmark and synth-*/ from `landmark demo --dir WORK_DIR`. The demo's
# query frames are resized to $SIZE (default 640×480) by the client (intrinsics scaled to match); the server
# listens on 127.0.0.1 only and is stopped at the end. One JSON line per concurrency (8, 32).
set -euo pipefail
BIN=${1:?landmark binary}; WORK=${2:?work dir}; REQUESTS=${3:-10000}; shift 3 || shift $#
BENCH=${BENCH:-$(dirname "$BIN")/landmark-bench}
PORT=${PORT:-8093}
MAPS="$WORK/maps"
mkdir -p "$MAPS"
cp -f "$WORK/gate.landmark" "$MAPS/gate.landmark"
SYNTH=$(ls -d "$WORK"/synth-* | head -1)
# The queries' intrinsics (all queries share one camera in `landmark synth`).
K=$(python3 -c "import json; q=json.load(open('$SYNTH/ground_truth.json'))['queries'][0]; print(f\"{q['fx']},{q['fy']},{q['cx']},{q['cy']}\")")
"$BIN" serve --landmarks "$MAPS" --host 127.0.0.1 --port "$PORT" "$@" 2> "$WORK/serve.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 1; done
for C in ${CONCURRENCY:-8 32}; do
  "$BENCH" serve --url "http://127.0.0.1:$PORT" --landmark gate --frames "$SYNTH/queries" --intrinsics "$K" \
      --resize "${SIZE:-640x480}" --concurrency "$C" --requests "$REQUESTS" --max-seconds 1500
done
