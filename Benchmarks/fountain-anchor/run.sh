#!/usr/bin/env bash
# Issue 7's real check: an anchor on fountain_p11's basin from one photo, previews on photos
# localized against the map. Usage: Benchmarks/fountain-anchor/run.sh [OUT_DIR]
# (from the package root, after `swift build -c release`).
set -euo pipefail
DATA=${DATA:-../shared/data/landmarks/fountain_p11}
OUT=${1:-.build/fountain-anchor}
L=${LANDMARK:-.build/release/landmark}
HERE=$(dirname "$0")
rm -rf "$OUT"; mkdir -p "$OUT/map" "$OUT/queries"
for i in 0000 0002 0004 0006 0008 0010; do ln -s "$(realpath "$DATA/images/$i.jpg")" "$OUT/map/"; done
for i in 0003 0005 0007; do ln -s "$(realpath "$DATA/images/$i.jpg")" "$OUT/queries/"; done
python3 "$HERE/strecha_priors.py" "$DATA/gt_dense_cameras" "$OUT/priors.json"
$L register "$OUT/map" --intrinsics "$DATA/images/K.txt" --priors "$OUT/priors.json" --out "$OUT/fountain.landmark"
# The basin's back rim in 0000.jpg; the rim's narrow top holds no map
# points, so the ray meets the rim's face just below the edge and --upright keeps the
# performer standing.
$L anchor add "$OUT/fountain.landmark" --name basin --pixel 0000.jpg 1150 1430 --upright
$L mocap make-demo --out "$OUT"
$L mocap retarget "$OUT/walk.bvh" --character "$OUT/humanoid.glb" --anchor "$OUT/fountain.landmark:basin" --out "$OUT/humanoid_walk.glb"
for q in 0003 0005 0007; do
  $L preview "$OUT/fountain.landmark" "$OUT/queries/$q.jpg" --intrinsics "$DATA/images/K.txt" \
     --anchor basin --character "$OUT/humanoid_walk.glb" --time 0.5 --out "$OUT/preview_$q.png" --json
done
