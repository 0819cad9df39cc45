#!/usr/bin/env python3
"""The true distance between the surface points under two pixels of a synthetic landmark.

Casts each pixel's ray (ground-truth camera, OpenCV pixel convention) against DIR/model.obj
and prints both hits and their distance in metres: the `--metres` for `landmark scale`.
numpy only.

    synth_distance.py DIR IMG U V IMG U V
"""
import json, os, sys
import numpy as np

def qrot(q):
    w, x, y, z = q
    return np.array([[1-2*(y*y+z*z), 2*(x*y-w*z), 2*(x*z+w*y)],
                     [2*(x*y+w*z), 1-2*(x*x+z*z), 2*(y*z-w*x)],
                     [2*(x*z-w*y), 2*(y*z+w*x), 1-2*(x*x+y*y)]])

def load_obj(path):
    vs, tris = [], []
    for line in open(path):
        p = line.split()
        if not p: continue
        if p[0] == "v": vs.append([float(c) for c in p[1:4]])
        elif p[0] == "f":
            idx = [int(c.split("/")[0]) - 1 for c in p[1:]]
            for k in range(1, len(idx) - 1): tris.append((idx[0], idx[k], idx[k + 1]))
    v = np.array(vs)
    return v[[t[0] for t in tris]], v[[t[1] for t in tris]], v[[t[2] for t in tris]]

def hit(origin, d, tri):
    a, b, c = tri
    e1, e2 = b - a, c - a
    p = np.cross(d, e2); det = (e1 * p).sum(1)
    ok = np.abs(det) > 1e-12
    inv = np.where(ok, 1 / np.where(ok, det, 1), 0)
    s = origin - a
    u = (s * p).sum(1) * inv
    q = np.cross(s, e1)
    v = (q @ d) * inv
    t = (e2 * q).sum(1) * inv
    good = ok & (u >= 0) & (v >= 0) & (u + v <= 1) & (t > 1e-6)
    if not good.any(): return None
    return origin + d * t[good].min()

def main(folder, args):
    gt = json.load(open(os.path.join(folder, "ground_truth.json")))
    views = {os.path.basename(im["name"]): im for im in gt["images"]}
    tri = load_obj(os.path.join(folder, "model.obj"))
    pts = []
    for name, u, v in (args[0:3], args[3:6]):
        im = views[name]; cfw = im["cameraFromWorld"]
        R = qrot(cfw["rotation"]); tr = np.array(cfw["translation"])
        c = -R.T @ tr
        d = R.T @ np.array([(float(u) - im["cx"]) / im["fx"], (float(v) - im["cy"]) / im["fy"], 1.0])
        p = hit(c, d / np.linalg.norm(d), tri)
        if p is None: sys.exit(f"the ray through {name} ({u}, {v}) hits nothing")
        pts.append(p)
    print(json.dumps({"points": [p.tolist() for p in pts], "metres": float(np.linalg.norm(pts[0] - pts[1]))}))

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:8])
