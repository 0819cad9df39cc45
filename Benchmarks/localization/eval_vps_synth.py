"""Scores vps_baseline.py results on a `landmark synth` query set against its ground truth.

usage: python eval_vps_synth.py GROUND_TRUTH.json COLMAP_MODEL_DIR 'RESULTS_GLOB'
The COLMAP map (the vps_baseline workspace's sparse model) is aligned to the ground-truth
capture centres by a Sim3 (Umeyama); each query pose is moved by it and compared with the
true query pose. Prints per-localizer counts and median errors as JSON.
"""
import json, sys, glob, numpy as np, pycolmap
def qmat(q):
    w,x,y,z=q; return np.array([[1-2*(y*y+z*z),2*(x*y-w*z),2*(x*z+w*y)],[2*(x*y+w*z),1-2*(x*x+z*z),2*(y*z-w*x)],[2*(x*z-w*y),2*(y*z+w*x),1-2*(x*x+y*y)]])
gt=json.load(open(sys.argv[1]))
G={v['name'].split('/')[-1]:(qmat(v['cameraFromWorld']['rotation']),np.array(v['cameraFromWorld']['translation'])) for v in gt['images']}
Q={v['name'].split('/')[-1]:(qmat(v['cameraFromWorld']['rotation']),np.array(v['cameraFromWorld']['translation'])) for v in gt['queries']}
rec=pycolmap.Reconstruction(sys.argv[2])
S=[];D=[]
for iid,im in rec.images.items():
    T=im.cam_from_world() if callable(im.cam_from_world) else im.cam_from_world
    R=T.rotation.matrix(); t=T.translation; S.append(-R.T@t); Rg,tg=G[im.name]; D.append(-Rg.T@tg)
S=np.array(S);D=np.array(D); ms,md=S.mean(0),D.mean(0); Sc,Dc=S-ms,D-md
U,s,Vt=np.linalg.svd(Dc.T@Sc/len(S)); E=np.eye(3); E[2,2]=np.sign(np.linalg.det(U@Vt)); Rs=U@E@Vt; sc=(s*np.diag(E)).sum()/((Sc**2).sum()/len(S)); ts=md-sc*Rs@ms
res=np.linalg.norm((sc*(Rs@S.T)).T+ts-D,axis=1); print("COLMAP map: %d registered, camera centre error after Sim3 median %.4f m"%(len(S),np.median(res)))
out={}
for meth in ['localize_pycolmap','poselib','localize_opencv']:
    errs=[];times=[];ok=0;within=0;wrong=0;n=0
    for f in sorted(sorted(glob.glob(sys.argv[3]))):
        d=json.load(open(f)); name=d['query']; v=d['localize_pycolmap']['poselib'] if meth=='poselib' else d[meth]
        n+=1
        if meth!='poselib': times.append(v['total_s'])
        else: times.append(v['pose_s'])
        if not v.get('localized'): continue
        R=np.array(v['R']); t=np.array(v['t']); C=-R.T@t; C2=sc*Rs@C+ts; R2=R@Rs.T
        Rg,tg=Q[name]; Cg=-Rg.T@tg
        dc=np.linalg.norm(C2-Cg); dr=np.degrees(np.arccos(np.clip((np.trace(R2@Rg.T)-1)/2,-1,1)))
        ok+=1; errs.append((dc,dr)); within+= dc<=0.05 and dr<=0.5; wrong+= dc>1 or dr>5
    e=np.array(errs)
    out[meth]={"queries":n,"localized":ok,"within_5cm_0.5deg":int(within),"wrong_over_1m_5deg":int(wrong),"median_position_m":float(np.median(e[:,0])) if len(e) else None,"median_rotation_deg":float(np.median(e[:,1])) if len(e) else None,"p50_time_s":float(np.median(times))}
print(json.dumps(out,indent=1))
