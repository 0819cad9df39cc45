"""Agreement of a LandmarkAR query pose with COLMAP's for the same query (focal unknown).

usage: python compare_with_colmap.py COLMAP_MODEL_DIR OUR_COLMAP_EXPORT_DIR OUR_LOCALIZE.json VPS_BASELINE.json
Aligns our map's camera centres to COLMAP's by a Sim3 (by image name), moves our query
pose into COLMAP's frame and prints the centre difference (COLMAP units and as a fraction
of the points' 5-95 % box diagonal; the camera box is printed too) and the rotation
difference in degrees.
"""
import json, sys, numpy as np, pycolmap
def qmat(q):
    w,x,y,z=q; return np.array([[1-2*(y*y+z*z),2*(x*y-w*z),2*(x*z+w*y)],[2*(x*y+w*z),1-2*(x*x+z*z),2*(y*z-w*x)],[2*(x*z-w*y),2*(y*z+w*x),1-2*(x*x+y*y)]])
rec=pycolmap.Reconstruction(sys.argv[1])
C={}
for iid,im in rec.images.items():
    T=im.cam_from_world() if callable(im.cam_from_world) else im.cam_from_world
    R=T.rotation.matrix(); t=T.translation; C[im.name]=-R.T@t
pts=np.array([p.xyz for p in rec.points3D.values()])
ours={}
lines=[l for l in open(sys.argv[2]+'/images.txt') if not l.startswith('#')]
for i in range(0,len(lines),2):
    a=lines[i].split(); R=qmat(list(map(float,a[1:5]))); t=np.array(list(map(float,a[5:8]))); ours[a[9]]=-R.T@t
names=sorted(set(C)&set(ours)); S=np.array([ours[n] for n in names]); D=np.array([C[n] for n in names])
# Umeyama
ms,md=S.mean(0),D.mean(0); Sc,Dc=S-ms,D-md
U,s,Vt=np.linalg.svd(Dc.T@Sc/len(S)); E=np.eye(3); E[2,2]=np.sign(np.linalg.det(U@Vt))
Rs=U@E@Vt; sc=(s*np.diag(E)).sum()/((Sc**2).sum()/len(S)); ts=md-sc*Rs@ms
res=np.linalg.norm((sc*(Rs@S.T)).T+ts-D,axis=1)
lo,hi=np.percentile(pts,5,axis=0),np.percentile(pts,95,axis=0); size=np.linalg.norm(hi-lo)
camspread=np.linalg.norm(D.max(0)-D.min(0))
print("cameras aligned",len(names),"residual median %.4f max %.4f (COLMAP units)"%(np.median(res),res.max()),"scene size (5-95%% bbox diag of COLMAP points) %.3f, camera bbox %.3f"%(size,camspread))
v=json.load(open(sys.argv[4]))['localize_pycolmap']
Rq=np.array(v['R']); tq=np.array(v['t']); Cq=-Rq.T@tq
L=json.loads(open(sys.argv[3]).read()); cf=L['cameraFromLandmark']; Ro=qmat(cf['rotation']); to=np.array(cf['translation']); Co=-Ro.T@to
Co2=sc*Rs@Co+ts
Ro2=Ro@Rs.T  # camera_from_colmap
dr=np.degrees(np.arccos(np.clip((np.trace(Ro2@Rq.T)-1)/2,-1,1)))
dc=np.linalg.norm(Co2-Cq)
print(json.dumps({"centre_diff_colmap_units":dc,"centre_diff_fraction_of_scene":dc/size,"rotation_diff_deg":dr,"our_focal":L['intrinsics']['fx'],"colmap_focal":v['estimated_focal'],"our_inliers":L['inliers'],"colmap_inliers":v['num_inliers']}))
