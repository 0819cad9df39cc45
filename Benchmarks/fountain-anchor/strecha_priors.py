#!/usr/bin/env python3
"""Camera-centre priors (ground_truth.json format) from Strecha .camera files, levelled.

Strecha's frame is not Y up. This rotates it so that the mean of the cameras' up vectors
(-Y of each camera, in the world) becomes +Y, the landmark convention, keeping metres.
Standard library only.

    strecha_priors.py GT_DIR OUT.json
"""
import json, math, os, sys

def read_camera(path):
    rows = [list(map(float, l.split())) for l in open(path) if l.strip()]
    r = rows[4:7]          # camera-to-world rotation (columns: camera axes in the world)
    return r, rows[7]      # and the camera centre

def main(gt_dir, out):
    cams = {f[:-len('.camera')]: read_camera(os.path.join(gt_dir, f))
            for f in sorted(os.listdir(gt_dir)) if f.endswith('.camera')}
    up = [0.0, 0.0, 0.0]
    for r, _ in cams.values():
        for i in range(3): up[i] -= r[i][1]          # R @ (0, -1, 0)
    n = math.sqrt(sum(u * u for u in up)); y = [u / n for u in up]
    a = [0, 0, 1] if abs(y[2]) < 0.9 else [1, 0, 0]
    x = [a[1]*y[2]-a[2]*y[1], a[2]*y[0]-a[0]*y[2], a[0]*y[1]-a[1]*y[0]]
    n = math.sqrt(sum(v * v for v in x)); x = [v / n for v in x]
    z = [x[1]*y[2]-x[2]*y[1], x[2]*y[0]-x[0]*y[2], x[0]*y[1]-x[1]*y[0]]
    images = [{'name': name, 'center': [sum(w[i] * c[i] for i in range(3)) for w in (x, y, z)]}
              for name, (_, c) in cams.items()]
    json.dump({'images': images}, open(out, 'w'), indent=1)

if __name__ == '__main__':
    main(*sys.argv[1:3])
