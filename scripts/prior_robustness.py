#!/usr/bin/env python3
"""Tracking-prior robustness, measured from outside the project: each query frame is
localized by `landmark localize --prior` with its own ground-truth pose perturbed (metres,
degrees), or with another query's pose (a prior from the wrong place), and the JSON lines
are scored by ../shared/peers/eval/evalloc.py.

    scripts/prior_robustness.py LANDMARK MAP.landmark MODEL_DIR GROUND_TRUTH.json QUERIES_DIR \
        --intrinsics fx,fy,cx,cy [--levels 0.1,1 0.3,3 1,10 wrong] [--seed 0] [--out DIR]

MODEL_DIR is the map's COLMAP text export (`landmark export --format colmap`), which
evalloc.py uses to align the map to the ground truth. Prints one JSON object: per level,
evalloc's figures with the default tolerance (5 cm, 0.5°) and the answers reported
`localized` more than 10 cm or 1° off (`wrongOver10cm1deg`), how often the prior was
used, and the median wall time per frame as `localize` reports it. Needs numpy (for evalloc.py) and nothing else.
"""
import argparse, json, math, os, random, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
EVALLOC = os.path.join(HERE, "..", "..", "shared", "peers", "eval", "evalloc.py")


def qmul(a, b):
    w1, x1, y1, z1 = a; w2, x2, y2, z2 = b
    return [w1*w2 - x1*x2 - y1*y2 - z1*z2, w1*x2 + x1*w2 + y1*z2 - z1*y2,
            w1*y2 - x1*z2 + y1*w2 + z1*x2, w1*z2 + x1*y2 - y1*x2 + z1*w2]


def qrot(q, v):
    w, x, y, z = q
    p = qmul(qmul(q, [0.0, *v]), [w, -x, -y, -z])
    return p[1:]


def random_unit(rng):
    while True:
        v = [rng.gauss(0, 1) for _ in range(3)]
        n = math.sqrt(sum(c * c for c in v))
        if n > 1e-9:
            return [c / n for c in v]


def perturb(pose, metres, degrees, rng):
    """cameraFromWorld with its centre moved `metres` and its rotation turned `degrees`,
    each in a random direction."""
    q, t = pose["rotation"], pose["translation"]
    qinv = [q[0], -q[1], -q[2], -q[3]]
    centre = [-c for c in qrot(qinv, t)]
    axis = random_unit(rng); half = math.radians(degrees) / 2
    dq = [math.cos(half)] + [math.sin(half) * a for a in axis]
    q2 = qmul(dq, q)
    d = random_unit(rng)
    c2 = [centre[i] + metres * d[i] for i in range(3)]
    t2 = [-c for c in qrot(q2, c2)]
    return {"rotation": q2, "translation": t2}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("landmark"); ap.add_argument("map"); ap.add_argument("model")
    ap.add_argument("ground_truth"); ap.add_argument("queries")
    ap.add_argument("--intrinsics", required=True)
    ap.add_argument("--levels", nargs="+", default=["none", "0.1,1", "0.3,3", "1,10", "wrong"],
                    help="metres,degrees of drift; 'wrong' (another query's pose); 'none' (cold)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--sift-only", action="store_true")
    ap.add_argument("--process-per-frame", action="store_true",
                    help="one `localize` per frame with its prior in a file (for builds without per-frame prior files)")
    ap.add_argument("--out", help="folder for the JSON lines (default: a temporary folder)")
    a = ap.parse_args()
    gt = json.load(open(a.ground_truth))
    queries = sorted(gt["queries"], key=lambda q: q["name"])
    out = a.out or tempfile.mkdtemp(prefix="prior-")
    os.makedirs(out, exist_ok=True)
    report = {"map": os.path.basename(a.map), "queries": len(queries), "levels": {}}
    for level in a.levels:
        rng = random.Random(f"{a.seed}-{level}")
        priors = []
        for i, q in enumerate(queries):
            if level == "wrong":
                prior = queries[(i + 1) % len(queries)]["cameraFromWorld"]
            elif level == "none":
                prior = None
            else:
                m, d = (float(x) for x in level.split(","))
                prior = perturb(q["cameraFromWorld"], m, d, rng)
            priors.append(prior)
        images = [os.path.join(a.queries, os.path.basename(q["name"])) for q in queries]
        base = [a.landmark, "localize", a.map, "--intrinsics", a.intrinsics, "--json"] + (["--sift-only"] if a.sift_only else [])
        if level == "none":
            calls = [(base + images, len(images))]
        elif a.process_per_frame:
            calls = []
            for n, (image, prior) in enumerate(zip(images, priors)):
                prior_file = os.path.join(out, f"prior-{level.replace(',', '_')}-{n}.json")
                with open(prior_file, "w") as f:
                    json.dump(prior, f)
                calls.append((base + [image, "--prior", prior_file], 1))
        else:
            # One process: a JSON-lines file gives each frame its own prior.
            prior_file = os.path.join(out, f"priors-{level.replace(',', '_')}.jsonl")
            with open(prior_file, "w") as f:
                for image, prior in zip(images, priors):
                    f.write(json.dumps({"image": os.path.basename(image), "cameraFromLandmark": prior}) + "\n")
            calls = [(base + images + ["--prior", prior_file], len(images))]
        lines = []
        for cmd, expected in calls:
            r = subprocess.run(cmd, capture_output=True, text=True)
            got = [l for l in r.stdout.splitlines() if l.startswith("{")]
            if len(got) != expected:
                sys.exit(f"localize failed: {r.stderr.strip()}")
            lines += got
        path = os.path.join(out, f"level-{level.replace(',', '_')}.jsonl")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        def score(extra):
            r = subprocess.run([sys.executable, EVALLOC, a.model, path, "--synth", a.ground_truth, *extra],
                               capture_output=True, text=True, check=True)
            return json.loads(r.stdout)
        s = score([])
        strict = score(["--wrong", "0.1", "1"])
        answers = [json.loads(l) for l in lines]
        report["levels"][level] = {
            "localized": s["localized"], "within5cm0.5deg": s["within"], "wrong1m5deg": s["wrong"],
            "wrongOver10cm1deg": strict["wrong"],
            "worstLocalizedPosErr": max((p["posErr"] for p in s["perQuery"] if p["posErr"] is not None), default=None),
            "medianPosErr": s["medianPosErr"], "medianRotErrDeg": s["medianRotErrDeg"],
            "priorUsed": sum(1 for r in answers if (r.get("prior") or {}).get("used")),
            "priorRejected": sum(1 for r in answers if (r.get("prior") or {}).get("rejectedReason")),
            "p50WallMs": sorted(r["timingsMs"]["total"] for r in answers)[len(answers) // 2],
            "lines": path,
        }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
