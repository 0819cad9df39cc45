#!/usr/bin/env python3
"""Gravity and scale of a map against ground truth, from its COLMAP text export.

Aligns the map's camera centres to the ground truth's with the evaluation scripts' robust
similarity (geo.py: RANSAC over triplets + Umeyama), then reports
  - gravityErrorDeg: the angle between the map's +Y carried into the ground-truth frame and
    the ground truth's up (synthetic: +Y; Strecha: not known, see below),
  - scale: the similarity's scale (1 for a metric map), scaleErrorPercent,
  - the camera-centre and rotation errors evalsfm.py reports.
For a Strecha folder (fountain_p11) the world frame is not levelled, so the "up" it uses is
the ground-truth cameras' own horizon: the direction most perpendicular to their image x
axes (least squares), signed like their mean up; gravityErrorDeg is then against that, and
gtRollSpreadDeg says how level the ground-truth cameras are about it.

    frame_check.py MODEL_DIR (--synth ground_truth.json | --strecha GT_DIR) [--eval ../shared/peers/eval]
"""
import argparse, json, math, os, sys
import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("model"); ap.add_argument("--synth"); ap.add_argument("--strecha")
ap.add_argument("--eval", default=os.path.join(os.path.dirname(__file__), "../../../shared/peers/eval"))
a = ap.parse_args()
sys.path.insert(0, a.eval)
from geo import read_colmap_images, read_strecha, read_synth_gt, align_and_errors  # noqa: E402

est = read_colmap_images(a.model)
gt = read_strecha(a.strecha) if a.strecha else read_synth_gt(a.synth)[0]
errs, (s, R, t), size = align_and_errors(est, gt)
if a.strecha:
    xs = np.array([v[0][0] for v in gt.values()])          # rows of R_cw: camera axes in the world
    ups = np.array([-v[0][1] for v in gt.values()])
    w, V = np.linalg.eigh(xs.T @ xs)
    up = V[:, 0] * (1 if V[:, 0] @ ups.sum(0) > 0 else -1)
    roll = float(np.median(np.degrees(np.abs(np.arcsin(np.clip(xs @ up, -1, 1))))))
else:
    up = np.array([0.0, 1.0, 0.0]); roll = None
map_up = R @ np.array([0.0, 1.0, 0.0])
g = math.degrees(math.acos(max(-1.0, min(1.0, float(map_up @ up)))))
ce = np.array([e[0] for e in errs.values()]); re = np.array([e[1] for e in errs.values()])
out = {"registered": len(errs), "expected": len(gt), "gravityErrorDeg": g, "scale": float(s),
       "scaleErrorPercent": 100 * abs(float(s) - 1), "medianCenterErr": float(np.median(ce)),
       "medianRotErrDeg": float(np.median(re)), "sceneSize": size}
if roll is not None: out["gtRollSpreadDeg"] = roll
print(json.dumps(out))
