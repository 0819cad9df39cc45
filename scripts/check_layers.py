#!/usr/bin/env python3
"""Checks the module layering of Sources/: each module imports only modules of lower levels
(README, "Layout"), and nothing but the executables and the tests imports Synthetic.
Prints each violation and exits 1 when there is one."""
import pathlib
import re
import sys

LEVELS = {
    "Geometry": 0, "Support": 0,
    "Imaging": 1,
    "Features": 2, "Estimators": 2, "GLTF": 2,
    "LandmarkMap": 3, "Rendering": 3,
    "Reconstruction": 4, "Localization": 4, "AssetPipeline": 4, "Motion": 4,
    "Anchoring": 5, "Synthetic": 5,
    "Batch": 6, "PoseServer": 6, "Studio": 6,
    "landmark": 7, "landmark-bench": 7,
}
EXECUTABLES = {"landmark", "landmark-bench"}

root = pathlib.Path(__file__).resolve().parent.parent / "Sources"
problems = []
for module_dir in sorted(p for p in root.iterdir() if p.is_dir()):
    module = module_dir.name
    if module not in LEVELS:
        continue   # C modules and system libraries
    for f in sorted(module_dir.rglob("*.swift")):
        for line in f.read_text().splitlines():
            m = re.match(r"^(?:@testable\s+)?import\s+(?:(?:struct|enum|class|func|protocol)\s+)?(\w+)", line)
            if not m or m.group(1) not in LEVELS:
                continue
            dep = m.group(1)
            if dep == module:
                continue
            if LEVELS[dep] >= LEVELS[module]:
                problems.append(f"{f.relative_to(root.parent)}: {module} (level {LEVELS[module]}) imports {dep} (level {LEVELS[dep]})")
            if dep == "Synthetic" and module not in EXECUTABLES:
                problems.append(f"{f.relative_to(root.parent)}: only the executables and tests may import Synthetic")
for p in problems:
    print(p)
print(f"layering: {len(problems)} violation(s) in {root.parent.name}/Sources")
sys.exit(1 if problems else 0)
