#!/bin/bash
# Atlas CPU time and utilization, ours against xatlas, measured in the same minutes.
# Usage: Benchmarks/atlas/compare_xatlas.sh LANDMARK_BENCH_BINARY REPEATS MESH.obj [MESH.obj ...]
# Ours: median of REPEATS runs of `landmark-bench atlas MESH --gutter G` (G = 0 and 2; cpuSeconds =
# process CPU time of generateUVAtlas). xatlas: 3 runs of xatlas_padding.py (padding 0 and 2),
# which needs the peers venv (PYTHON, default /tmp/peers-venv/bin/python).
set -euo pipefail
B=$1; R=$2; shift 2
PY=${PYTHON:-/tmp/peers-venv/bin/python}
HERE=$(cd "$(dirname "$0")" && pwd)
for m in "$@"; do
  for g in 0 2; do
    for i in $(seq "$R"); do "$B" atlas "$m" --gutter "$g"; done | python3 -c "
import json, sys, statistics as st
ds = [json.loads(l) for l in sys.stdin]
d = ds[0]
print('$(basename "$m" .obj) gutter $g: charts', d['charts'], 'utilization %.4f' % d['utilization'], 'flips', d['flips'],
      'overlap texels', d['overlapTexels'], 'CPU median %.3f s' % st.median(x['cpuSeconds'] for x in ds),
      'wall median %.3f s' % st.median(x['seconds'] for x in ds))"
  done
done
for i in 1 2 3; do "$PY" "$HERE/xatlas_padding.py" "$@"; done | sort
