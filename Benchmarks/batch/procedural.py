#!/usr/bin/env python3
"""Writes deterministic procedural OBJ meshes (UV spheres, tori, a terrain grid) into a folder.

Usage: procedural.py OUT_DIR
Every run writes byte-identical files, so batch outputs can be compared across runs.
"""
import math
import os
import sys


def write_obj(path, vertices, faces):
    with open(path, "w") as f:
        f.write("# procedural mesh written by Benchmarks/batch/procedural.py\n")
        for x, y, z in vertices:
            f.write(f"v {x:.6f} {y:.6f} {z:.6f}\n")
        for a, b, c in faces:
            f.write(f"f {a + 1} {b + 1} {c + 1}\n")


def grid_faces(rows, cols, wrap_cols):
    faces = []
    width = cols if wrap_cols else cols + 1
    for r in range(rows):
        for c in range(cols):
            c1 = (c + 1) % cols if wrap_cols else c + 1
            a, b = r * width + c, r * width + c1
            d, e = (r + 1) * width + c, (r + 1) * width + c1
            faces += [(a, d, b), (b, d, e)]
    return faces


def sphere(rings, segments, radius=1.0):
    vertices = []
    for r in range(rings + 1):
        theta = math.pi * r / rings
        for s in range(segments):
            phi = 2 * math.pi * s / segments
            vertices.append((radius * math.sin(theta) * math.cos(phi), radius * math.cos(theta),
                             radius * math.sin(theta) * math.sin(phi)))
    return vertices, grid_faces(rings, segments, True)


def torus(rings, segments, major=1.0, minor=0.3):
    vertices = []
    for r in range(rings + 1):
        u = 2 * math.pi * r / rings
        for s in range(segments):
            v = 2 * math.pi * s / segments
            vertices.append(((major + minor * math.cos(v)) * math.cos(u), minor * math.sin(v),
                             (major + minor * math.cos(v)) * math.sin(u)))
    return vertices, grid_faces(rings, segments, True)


def terrain(n, size=10.0):
    vertices = []
    for r in range(n + 1):
        for c in range(n + 1):
            x, z = size * c / n - size / 2, size * r / n - size / 2
            y = 0.4 * math.sin(x * 1.3) * math.cos(z * 0.7) + 0.15 * math.sin(x * 4.1 + z * 3.3)
            vertices.append((x, y, z))
    return vertices, grid_faces(n, n, False)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    write_obj(os.path.join(out, "sphere_small.obj"), *sphere(64, 128))
    write_obj(os.path.join(out, "sphere_large.obj"), *sphere(256, 512))
    write_obj(os.path.join(out, "torus.obj"), *torus(256, 128))
    write_obj(os.path.join(out, "terrain.obj"), *terrain(300))


if __name__ == "__main__":
    main()
