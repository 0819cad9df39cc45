#!/usr/bin/env python3
"""Times meshoptimizer's simplify on a mesh written by `landmark-bench decimate`.

Input: a raw file "LMKM" | uint32 vertexCount | uint32 indexCount | float32 xyz × vertexCount |
uint32 indices × indexCount (little endian), the same welded mesh the Swift decimator gets.
Settings as ../shared/peers/mesh_baseline.py: target_index_count = 3·target, target_error = 1.0.
One untimed warm-up call, then `--repeats` timed calls; prints one JSON object with the
median thread CPU seconds (time.thread_time) and median wall seconds (time.perf_counter).

Usage: python meshopt_peer.py --input mesh.bin --target 6945 [--repeats 5]
"""
import argparse
import json
import statistics
import sys
import time

import numpy as np

try:
    import meshoptimizer as mo
except ImportError:  # the caller treats a non-zero exit as "peer not available"
    print(json.dumps({"error": "meshoptimizer is not importable"}))
    sys.exit(2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", required=True)
    ap.add_argument("--target", type=int, required=True)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    raw = open(args.input, "rb").read()
    if raw[:4] != b"LMKM":
        print(json.dumps({"error": f"{args.input}: not an LMKM mesh file"}))
        sys.exit(1)
    nv, ni = np.frombuffer(raw, np.uint32, 2, 4)
    pos = np.frombuffer(raw, np.float32, 3 * int(nv), 12).reshape(-1, 3).copy()
    idx = np.frombuffer(raw, np.uint32, int(ni), 12 + 12 * int(nv)).copy()
    dest = np.zeros_like(idx)
    err = np.zeros(1, np.float32)
    cpu, wall, n = [], [], 0
    for r in range(args.repeats + 1):
        t0, c0 = time.perf_counter(), time.thread_time()
        n = mo.simplify(dest, idx, pos, target_index_count=args.target * 3, target_error=1.0, result_error=err)
        c1, t1 = time.thread_time(), time.perf_counter()
        if r > 0:
            cpu.append(c1 - c0)
            wall.append(t1 - t0)
    print(json.dumps({"tool": "meshoptimizer.simplify", "version": getattr(mo, "__version__", "?"),
                      "outputTriangles": int(n) // 3, "cpuSeconds": statistics.median(cpu),
                      "seconds": statistics.median(wall), "cpuRuns": cpu, "wallRuns": wall}))


if __name__ == "__main__":
    main()
