#!/usr/bin/env python3
"""How well the descriptors of a `landmark import colmap` map serve localization.

For every ordered pair of registered images (A, B): the map side is A's stored
descriptors (one per observation); the query side is OpenCV SIFT detectAndCompute on
photo B. For each point seen in both, take B's query detections within 2 px of B's
observation of it; the point counts as found when one of them matches A's descriptor of
that point as nearest neighbour with Lowe's ratio < 0.8. Prints the share found.

With --colmap-db, also scores OpenCV descriptors computed at COLMAP's own keypoint
shapes (scale and orientation from its database): the upper bound an import could reach
without COLMAP's database.

Needs the peers' venv (numpy, opencv-python-headless, pycolmap):
  python Benchmarks/import_descriptor_check.py MODEL_DIR PHOTOS X.landmark [--colmap-db database.db]
"""
import argparse, math, sqlite3
import numpy as np, cv2, pycolmap

ap = argparse.ArgumentParser()
ap.add_argument("model"); ap.add_argument("photos"); ap.add_argument("landmark")
ap.add_argument("--colmap-db")
a = ap.parse_args()
rec = pycolmap.Reconstruction(a.model)
sift = cv2.SIFT_create()
obs, query, imgs = {}, {}, {}
for iid, im in rec.images.items():
    img = cv2.imread(f"{a.photos}/{im.name}", cv2.IMREAD_GRAYSCALE); imgs[iid] = img
    obs[iid] = [(idx, p.point3D_id, p.xy[0] - 0.5, p.xy[1] - 0.5) for idx, p in enumerate(im.points2D) if p.has_point3D()]
    k, d = sift.detectAndCompute(img, None); query[iid] = (np.array([x.pt for x in k]), d.astype(np.float32))

def score(M):
    total = found = 0
    for ia, (pa, Da) in M.items():
        shared = set(pa.tolist())
        for ib in M:
            if ia == ib: continue
            Pq, Dq = query[ib]
            for _, pid, x, y in obs[ib]:
                if pid not in shared: continue
                near = np.where(np.hypot(Pq[:, 0] - x, Pq[:, 1] - y) < 2)[0]
                if len(near) == 0: continue
                total += 1
                for j in near:
                    d = np.linalg.norm(Da - Dq[j], axis=1); o = np.argsort(d)
                    if pa[o[0]] == pid and d[o[0]] < 0.8 * d[o[1]]: found += 1; break
    return found / max(1, total), total

db = sqlite3.connect(f"file:{a.landmark}?mode=ro", uri=True); M = {}
for pid, kf, d in db.execute("SELECT pointId, keyframeId, descriptor FROM observations ORDER BY id"):
    M.setdefault(kf, ([], []))[0].append(pid); M[kf][1].append(np.frombuffer(d, np.uint8).astype(np.float32))
M = {k: (np.array(v[0]), np.stack(v[1])) for k, v in M.items()}
share, total = score(M)
print(f"{a.landmark}: {share:.3f} of {total} shared observations found")
if a.colmap_db:
    cdb = sqlite3.connect(a.colmap_db); ids = {n: i for i, n in cdb.execute("SELECT image_id, name FROM images")}; U = {}
    for iid, im in rec.images.items():
        rows, cols, data = cdb.execute("SELECT rows, cols, data FROM keypoints WHERE image_id=?", (ids[im.name],)).fetchone()
        K = np.frombuffer(data, np.float32).reshape(rows, cols)
        kps = [cv2.KeyPoint(float(x), float(y), float(2 * math.hypot(K[i][2], K[i][4])),
                            float(math.degrees(math.atan2(K[i][4], K[i][2])) % 360)) for i, _, x, y in obs[iid]]
        _, D = sift.compute(imgs[iid], kps); U[iid] = (np.array([p for _, p, _, _ in obs[iid]]), D.astype(np.float32))
    share, total = score(U)
    print(f"upper bound (OpenCV SIFT at COLMAP's keypoint shapes): {share:.3f} of {total}")
