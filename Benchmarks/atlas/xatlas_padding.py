"""xatlas 0.0.11 on OBJ meshes at padding 0 and 2, 1024², scored by ../shared/peers/eval/uv_eval.py raster.
Usage (peers venv): python Benchmarks/atlas/xatlas_padding.py MESH.obj [...]"""
import sys, time, numpy as np, trimesh, xatlas
import os
src = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../../shared/peers/eval/uv_eval.py')).read()
exec(src[:src.index('def load_uv')])   # only raster(): uv_eval.py is a script
for path in sys.argv[1:]:
    m = trimesh.load(path, process=False)
    for pad in [0, 2]:
        a = xatlas.Atlas(); a.add_mesh(np.asarray(m.vertices, np.float32), np.asarray(m.faces, np.uint32))
        po = xatlas.PackOptions(); po.padding = pad; po.resolution = 1024
        t = time.process_time(); a.generate(pack_options=po); dt = time.process_time() - t
        vmap, idx, uv = a[0]
        r = raster(uv, idx, 1024)
        print(path, "padding", pad, "util %.3f" % r["utilization"], "charts", a.chart_count, "cpu %.2f s" % dt)
