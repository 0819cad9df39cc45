#!/usr/bin/env python3
"""Two pixels of one photo and the true distance between their points, for a map of a
Strecha scene (fountain_p11): the `--between` and `--metres` of `landmark scale`.

Reads the map's COLMAP text export, takes map points observed in IMAGE with tracks of at
least 4 photos, triangulates each from its track with the ground-truth cameras (linear DLT),
keeps those that reproject within 1 px, and picks two far apart in the image (about half the
image apart, near its middle row). Prints the pixels in OpenCV's convention (COLMAP's minus
0.5), the ground-truth points and their distance in metres. numpy only.

    strecha_distance.py MODEL_DIR GT_DIR IMAGE [--eval ../shared/peers/eval]
"""
import argparse, json, os, sys
import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("model"); ap.add_argument("gt"); ap.add_argument("image")
ap.add_argument("--eval", default=os.path.join(os.path.dirname(__file__), "../../../shared/peers/eval"))
a = ap.parse_args()
sys.path.insert(0, a.eval)
from geo import read_strecha  # noqa: E402

gt = read_strecha(a.gt)
lines = [l for l in open(os.path.join(a.model, "images.txt")) if not l.startswith("#")]
names, obs = {}, {}
for i in range(0, len(lines) - 1, 2):
    p = lines[i].split()
    if len(p) < 10: continue
    iid, name = int(p[0]), os.path.basename(p[9])
    names[iid] = name
    xy = lines[i + 1].split()
    obs[iid] = [(float(xy[k]) - 0.5, float(xy[k + 1]) - 0.5) for k in range(0, len(xy), 3)]
target = [i for i, n in names.items() if n == a.image]
if not target: sys.exit(f"{a.image} is not in the model")
target = target[0]
cands = []
for l in open(os.path.join(a.model, "points3D.txt")):
    if l.startswith("#") or not l.strip(): continue
    p = l.split(); track = list(map(int, p[8:]))
    pairs = [(track[k], track[k + 1]) for k in range(0, len(track), 2)]
    if len(pairs) < 4 or target not in [im for im, _ in pairs]: continue
    A, Ps, xs = [], [], []
    for im, idx in pairs:
        R, t, K = gt[names[im]]
        P = K @ np.hstack([R, t[:, None]]); x, y = obs[im][idx]
        A += [x * P[2] - P[0], y * P[2] - P[1]]; Ps.append(P); xs.append((x, y))
    X = np.linalg.svd(np.array(A))[2][-1]; X = X[:3] / X[3]
    err = max(np.hypot(*(((P @ np.append(X, 1))[:2] / (P @ np.append(X, 1))[2]) - np.array(xy))) for P, xy in zip(Ps, xs))
    if err < 1.0:
        cands.append((obs[target][dict(pairs)[target]], X))
if len(cands) < 2: sys.exit("fewer than 2 well-triangulated points in that image")
K = gt[a.image][2]; w, h = 2 * K[0, 2], 2 * K[1, 2]
def score(c, fx, fy): return np.hypot(c[0][0] - fx * w, c[0][1] - fy * h)
first = min(cands, key=lambda c: score(c, 0.3, 0.5)); second = min(cands, key=lambda c: score(c, 0.7, 0.5))
print(json.dumps({"image": a.image, "pixels": [list(first[0]), list(second[0])], "points": [first[1].tolist(), second[1].tolist()],
                  "metres": float(np.linalg.norm(first[1] - second[1])), "candidates": len(cands)}))
