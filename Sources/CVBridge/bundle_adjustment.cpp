// Bundle adjustment: Levenberg–Marquardt on reprojection error (Triggs et al., "Bundle
// Adjustment — A Modern Synthesis", 2000), with the points eliminated by the Schur complement
// so that only the reduced camera system is factored (Cholesky, Eigen), a Huber loss by
// iteratively reweighted least squares, and intrinsics fixed or refined.
//
// Parameters: a pose update is a left rotation increment ω (R ← exp(ω) R) and t ← t + δt;
// intrinsics are [f][cx cy][k1 k2] as the options select (fy keeps its ratio to fx);
// points are updated additively.
#include <algorithm>
#include <cmath>
#include <vector>
#include <Eigen/Dense>

#include "CVBridge.h"
#include "bridge_internal.hpp"

namespace {

using Vec3 = Eigen::Vector3d;
using Mat3 = Eigen::Matrix3d;
constexpr int kMaxCamCols = 11;  // 6 pose + 5 intrinsics

/// The per-observation linearization.
struct Linearization {
    double r[2] = {0, 0};
    double weight = 0;             // IRLS weight (0 when the point is behind the camera)
    int cols[kMaxCamCols];         // global column of each camera-side parameter, or -1
    double Jc[2][kMaxCamCols];     // ∂r/∂camera-side parameters
    double Jp[2][3];               // ∂r/∂point
    int ncols = 0;
};

struct Layout {
    std::vector<int> poseCol, camCol, pointFree;
    int intrinsicsDim = 0;
    int numCols = 0;
    bool focal = false, pp = false, dist = false;
};

Mat3 quatToMatrix(const double *q) {
    Eigen::Quaterniond Q(q[0], q[1], q[2], q[3]);
    Q.normalize();
    return Q.toRotationMatrix();
}

/// Huber: ρ(s) for a squared residual norm s, and its derivative (the IRLS weight).
void huber(double s, double delta, double *rho, double *weight) {
    if (delta <= 0 || s <= delta * delta) { *rho = s; *weight = 1; return; }
    double n = std::sqrt(s);
    *rho = 2 * delta * n - delta * delta;
    *weight = delta / n;
}

/// Projects a point, optionally with Jacobians. Returns false when behind the camera.
bool project(const double *cam, const Mat3 &R, const double *t, const double *X, double uv[2],
             Linearization *lin, const Layout *L, int poseCol, int camCol) {
    Vec3 RX = R * Vec3(X[0], X[1], X[2]);
    Vec3 Xc = RX + Vec3(t[0], t[1], t[2]);
    if (Xc.z() <= 1e-9) return false;
    double fx = cam[0], fy = cam[1], cx = cam[2], cy = cam[3], k1 = cam[4], k2 = cam[5], p1 = cam[6], p2 = cam[7];
    double iz = 1 / Xc.z(), x = Xc.x() * iz, y = Xc.y() * iz;
    double r2 = x * x + y * y, radial = 1 + k1 * r2 + k2 * r2 * r2;
    double dx = x * radial + 2 * p1 * x * y + p2 * (r2 + 2 * x * x);
    double dy = y * radial + p1 * (r2 + 2 * y * y) + 2 * p2 * x * y;
    uv[0] = fx * dx + cx;
    uv[1] = fy * dy + cy;
    if (!lin) return true;
    // ∂(distorted)/∂(normalized)
    double drdx = (k1 + 2 * k2 * r2) * 2 * x, drdy = (k1 + 2 * k2 * r2) * 2 * y;
    double a00 = radial + x * drdx + 2 * p1 * y + 6 * p2 * x;
    double a01 = x * drdy + 2 * p1 * x + 2 * p2 * y;
    double a10 = y * drdx + 2 * p1 * x + 2 * p2 * y;
    double a11 = radial + y * drdy + 6 * p1 * y + 2 * p2 * x;
    // ∂uv/∂Xc = diag(fx, fy) · A · ∂n/∂Xc
    Eigen::Matrix<double, 2, 3> dn;
    dn << iz, 0, -x * iz, 0, iz, -y * iz;
    Eigen::Matrix2d A;
    A << fx * a00, fx * a01, fy * a10, fy * a11;
    Eigen::Matrix<double, 2, 3> J = A * dn;
    Eigen::Matrix<double, 2, 3> Jp = J * R;
    for (int i = 0; i < 2; ++i) for (int j = 0; j < 3; ++j) lin->Jp[i][j] = Jp(i, j);
    int k = 0;
    if (poseCol >= 0) {
        // ∂Xc/∂ω = −[RX]×, ∂Xc/∂t = I
        Mat3 skew;
        skew << 0, -RX.z(), RX.y(), RX.z(), 0, -RX.x(), -RX.y(), RX.x(), 0;
        Eigen::Matrix<double, 2, 3> Jw = -J * skew;
        for (int c = 0; c < 3; ++c) { lin->cols[k] = poseCol + c; lin->Jc[0][k] = Jw(0, c); lin->Jc[1][k] = Jw(1, c); ++k; }
        for (int c = 0; c < 3; ++c) { lin->cols[k] = poseCol + 3 + c; lin->Jc[0][k] = J(0, c); lin->Jc[1][k] = J(1, c); ++k; }
    }
    if (camCol >= 0) {
        int c = camCol;
        if (L->focal) { lin->cols[k] = c++; lin->Jc[0][k] = dx; lin->Jc[1][k] = dy * (fy / fx); ++k; }
        if (L->pp) {
            lin->cols[k] = c++; lin->Jc[0][k] = 1; lin->Jc[1][k] = 0; ++k;
            lin->cols[k] = c++; lin->Jc[0][k] = 0; lin->Jc[1][k] = 1; ++k;
        }
        if (L->dist) {
            lin->cols[k] = c++; lin->Jc[0][k] = fx * x * r2; lin->Jc[1][k] = fy * y * r2; ++k;
            lin->cols[k] = c++; lin->Jc[0][k] = fx * x * r2 * r2; lin->Jc[1][k] = fy * y * r2 * r2; ++k;
        }
    }
    lin->ncols = k;
    return true;
}

struct State {
    std::vector<double> cameras, poses, points;
};

/// Robust cost and raw squared error over all observations (behind-camera ones skipped).
double evaluate(const cvb_ba_problem &P, const State &S, double delta, double *sumSq, int *valid) {
    std::vector<Mat3> Rs(size_t(P.num_images));
    for (int i = 0; i < P.num_images; ++i) Rs[size_t(i)] = quatToMatrix(&S.poses[size_t(i) * 7]);
    double cost = 0, sq = 0;
    int n = 0;
    for (int o = 0; o < P.num_observations; ++o) {
        const auto &ob = P.observations[o];
        const double *cam = &S.cameras[size_t(P.image_camera[ob.image]) * 8];
        double uv[2];
        if (!project(cam, Rs[size_t(ob.image)], &S.poses[size_t(ob.image) * 7 + 4], &S.points[size_t(ob.point) * 3], uv,
                     nullptr, nullptr, -1, -1))
            continue;
        double ex = uv[0] - ob.x, ey = uv[1] - ob.y, s = ex * ex + ey * ey, rho, w;
        huber(s, delta, &rho, &w);
        cost += rho; sq += s; ++n;
    }
    if (sumSq) *sumSq = sq;
    if (valid) *valid = n;
    return cost;
}

void applyRotation(double *q, const Vec3 &w) {
    double angle = w.norm();
    Eigen::Quaterniond dq = angle < 1e-12 ? Eigen::Quaterniond(1, w.x() / 2, w.y() / 2, w.z() / 2)
                                          : Eigen::Quaterniond(Eigen::AngleAxisd(angle, w / angle));
    Eigen::Quaterniond Q(q[0], q[1], q[2], q[3]);
    Eigen::Quaterniond N = (dq * Q).normalized();
    q[0] = N.w(); q[1] = N.x(); q[2] = N.y(); q[3] = N.z();
}

cvb_status validate(const cvb_ba_problem *P) {
    if (!P) return cvb::fail(CVB_INVALID_ARGUMENT, "NULL problem");
    if (P->num_cameras <= 0 || P->num_images <= 0 || P->num_points < 0 || P->num_observations < 0)
        return cvb::fail(CVB_INVALID_ARGUMENT, "bundle adjustment needs cameras and images");
    if (!P->cameras || !P->image_camera || !P->image_poses || (P->num_points > 0 && !P->points) ||
        (P->num_observations > 0 && !P->observations))
        return cvb::fail(CVB_INVALID_ARGUMENT, "NULL array in problem");
    for (int i = 0; i < P->num_images; ++i)
        if (P->image_camera[i] < 0 || P->image_camera[i] >= P->num_cameras)
            return cvb::fail(CVB_INVALID_ARGUMENT, "image " + std::to_string(i) + " has a bad camera index");
    for (int o = 0; o < P->num_observations; ++o) {
        const auto &ob = P->observations[o];
        if (ob.image < 0 || ob.image >= P->num_images || ob.point < 0 || ob.point >= P->num_points)
            return cvb::fail(CVB_INVALID_ARGUMENT, "observation " + std::to_string(o) + " has a bad index");
        if (!std::isfinite(ob.x) || !std::isfinite(ob.y))
            return cvb::fail(CVB_INVALID_ARGUMENT, "observation " + std::to_string(o) + " is not finite");
    }
    return CVB_OK;
}

} // namespace

extern "C" cvb_status cvb_bundle_adjust(cvb_ba_problem *problem, const cvb_ba_options *options,
                                        cvb_ba_report *report) {
    return cvb::guarded("cvb_bundle_adjust", [&]() -> cvb_status {
        if (cvb_status s = validate(problem); s != CVB_OK) return s;
        if (!options) return cvb::fail(CVB_INVALID_ARGUMENT, "NULL options");
        const cvb_ba_problem &P = *problem;
        const int maxIter = options->max_iterations > 0 ? options->max_iterations : 50;
        const double delta = options->loss_scale_px;
        const double ftol = options->function_tolerance > 0 ? options->function_tolerance : 1e-8;

        // Layout: which parameters are free and where their columns are. Images and cameras
        // with no observation stay fixed (they would make the system singular).
        Layout L;
        L.focal = options->refine_focal != 0; L.pp = options->refine_principal_point != 0;
        L.dist = options->refine_distortion != 0;
        L.intrinsicsDim = (L.focal ? 1 : 0) + (L.pp ? 2 : 0) + (L.dist ? 2 : 0);
        std::vector<int> imageObs(size_t(P.num_images), 0), pointObs(size_t(P.num_points), 0);
        for (int o = 0; o < P.num_observations; ++o) { ++imageObs[size_t(P.observations[o].image)]; ++pointObs[size_t(P.observations[o].point)]; }
        L.poseCol.assign(size_t(P.num_images), -1);
        L.camCol.assign(size_t(P.num_cameras), -1);
        for (int i = 0; i < P.num_images; ++i) {
            if (imageObs[size_t(i)] == 0 || (P.image_fixed && P.image_fixed[i])) continue;
            L.poseCol[size_t(i)] = L.numCols; L.numCols += 6;
        }
        if (L.intrinsicsDim > 0) {
            std::vector<int> camObs(size_t(P.num_cameras), 0);
            for (int i = 0; i < P.num_images; ++i) camObs[size_t(P.image_camera[i])] += imageObs[size_t(i)];
            for (int c = 0; c < P.num_cameras; ++c)
                if (camObs[size_t(c)] > 0) { L.camCol[size_t(c)] = L.numCols; L.numCols += L.intrinsicsDim; }
        }
        L.pointFree.assign(size_t(P.num_points), 0);
        for (int p = 0; p < P.num_points; ++p)
            L.pointFree[size_t(p)] = pointObs[size_t(p)] > 0 && !(P.point_fixed && P.point_fixed[p]);
        std::vector<std::vector<int>> obsOfPoint(size_t(P.num_points));
        for (int o = 0; o < P.num_observations; ++o) obsOfPoint[size_t(P.observations[o].point)].push_back(o);

        State cur{std::vector<double>(P.cameras, P.cameras + size_t(P.num_cameras) * 8),
                  std::vector<double>(P.image_poses, P.image_poses + size_t(P.num_images) * 7),
                  std::vector<double>(P.points, P.points + size_t(P.num_points) * 3)};
        double sq0 = 0;
        int valid0 = 0;
        double cost = evaluate(P, cur, delta, &sq0, &valid0);
        cvb_ba_report rep{0, valid0 ? std::sqrt(sq0 / valid0) : 0, 0, 0};

        std::vector<Linearization> lin(size_t(P.num_observations));
        std::vector<Mat3> Vinv(size_t(P.num_points));
        std::vector<Vec3> gp(size_t(P.num_points));
        double lambda = 1e-4;
        const int nc = L.numCols;
        Eigen::MatrixXd S(nc, nc);
        Eigen::VectorXd b(nc), gc(nc), diagU(nc);
        bool relinearize = true;
        int iter = 0;
        for (; iter < maxIter; ++iter) {
            if (options->progress && options->progress(options->progress_context, iter, maxIter))
                return cvb::fail(CVB_CANCELLED, "bundle adjustment cancelled");
            // 1. Linearize: residuals, Jacobians and IRLS weights at the current estimate.
            if (relinearize) {
                std::vector<Mat3> Rs(size_t(P.num_images));
                for (int i = 0; i < P.num_images; ++i) Rs[size_t(i)] = quatToMatrix(&cur.poses[size_t(i) * 7]);
                for (int o = 0; o < P.num_observations; ++o) {
                    const auto &ob = P.observations[o];
                    int cam = P.image_camera[ob.image];
                    Linearization &l = lin[size_t(o)];
                    double uv[2];
                    l.ncols = 0;
                    if (!project(&cur.cameras[size_t(cam) * 8], Rs[size_t(ob.image)], &cur.poses[size_t(ob.image) * 7 + 4],
                                 &cur.points[size_t(ob.point) * 3], uv, &l, &L, L.poseCol[size_t(ob.image)], L.camCol[size_t(cam)])) {
                        l.weight = 0; l.ncols = 0; continue;
                    }
                    l.r[0] = uv[0] - ob.x; l.r[1] = uv[1] - ob.y;
                    double rho;
                    huber(l.r[0] * l.r[0] + l.r[1] * l.r[1], delta, &rho, &l.weight);
                }
                // Camera-side gradient and the diagonal of U (for damping), undamped.
                gc.setZero(); diagU.setZero();
                for (const auto &l : lin) {
                    if (l.weight == 0) continue;
                    for (int a = 0; a < l.ncols; ++a) {
                        gc[l.cols[a]] += l.weight * (l.Jc[0][a] * l.r[0] + l.Jc[1][a] * l.r[1]);
                        diagU[l.cols[a]] += l.weight * (l.Jc[0][a] * l.Jc[0][a] + l.Jc[1][a] * l.Jc[1][a]);
                    }
                }
                relinearize = false;
            }
            // 2. Reduced camera system S δc = b with damped U and V.
            S.setZero();
            b = -gc;
            for (const auto &l : lin) {
                if (l.weight == 0) continue;
                for (int a = 0; a < l.ncols; ++a)
                    for (int c = 0; c < l.ncols; ++c)
                        S(l.cols[a], l.cols[c]) += l.weight * (l.Jc[0][a] * l.Jc[0][c] + l.Jc[1][a] * l.Jc[1][c]);
            }
            for (int a = 0; a < nc; ++a) S(a, a) += lambda * std::min(std::max(diagU[a], 1e-6), 1e32);
            double Tbuf[kMaxCamCols][3];
            std::vector<std::array<double, kMaxCamCols * 3>> Wbuf;
            for (int p = 0; p < P.num_points; ++p) {
                if (!L.pointFree[size_t(p)]) continue;
                Mat3 V = Mat3::Zero();
                Vec3 g = Vec3::Zero();
                for (int o : obsOfPoint[size_t(p)]) {
                    const auto &l = lin[size_t(o)];
                    if (l.weight == 0) continue;
                    Eigen::Map<const Eigen::Matrix<double, 2, 3, Eigen::RowMajor>> Jp(&l.Jp[0][0]);
                    V += l.weight * Jp.transpose() * Jp;
                    g += l.weight * Jp.transpose() * Eigen::Vector2d(l.r[0], l.r[1]);
                }
                for (int d = 0; d < 3; ++d) V(d, d) += lambda * std::min(std::max(V(d, d), 1e-6), 1e32);
                Mat3 Vi = V.inverse();
                if (!Vi.allFinite()) Vi.setZero();
                Vinv[size_t(p)] = Vi; gp[size_t(p)] = g;
                // W_i = w Jc_iᵀ Jp_i (ncols × 3) for each observation of the point.
                const auto &obs = obsOfPoint[size_t(p)];
                Wbuf.resize(obs.size());
                for (size_t i = 0; i < obs.size(); ++i) {
                    const auto &l = lin[size_t(obs[i])];
                    for (int a = 0; a < l.ncols; ++a)
                        for (int d = 0; d < 3; ++d)
                            Wbuf[i][size_t(a * 3 + d)] = l.weight * (l.Jc[0][a] * l.Jp[0][d] + l.Jc[1][a] * l.Jp[1][d]);
                }
                Vec3 Vg = Vi * g;
                for (size_t i = 0; i < obs.size(); ++i) {
                    const auto &li = lin[size_t(obs[i])];
                    if (li.weight == 0 || li.ncols == 0) continue;
                    // T_i = W_i V⁻¹; b −= T_i (−g_p)  →  b += W_i V⁻¹ g_p
                    for (int a = 0; a < li.ncols; ++a) {
                        for (int d = 0; d < 3; ++d)
                            Tbuf[a][d] = Wbuf[i][size_t(a * 3)] * Vi(0, d) + Wbuf[i][size_t(a * 3 + 1)] * Vi(1, d) +
                                         Wbuf[i][size_t(a * 3 + 2)] * Vi(2, d);
                        b[li.cols[a]] += Wbuf[i][size_t(a * 3)] * Vg[0] + Wbuf[i][size_t(a * 3 + 1)] * Vg[1] +
                                         Wbuf[i][size_t(a * 3 + 2)] * Vg[2];
                    }
                    for (size_t j = 0; j < obs.size(); ++j) {
                        const auto &lj = lin[size_t(obs[j])];
                        if (lj.weight == 0 || lj.ncols == 0) continue;
                        for (int a = 0; a < li.ncols; ++a)
                            for (int c = 0; c < lj.ncols; ++c)
                                S(li.cols[a], lj.cols[c]) -= Tbuf[a][0] * Wbuf[j][size_t(c * 3)] +
                                                             Tbuf[a][1] * Wbuf[j][size_t(c * 3 + 1)] +
                                                             Tbuf[a][2] * Wbuf[j][size_t(c * 3 + 2)];
                    }
                }
            }
            // 3. Solve for the cameras, back-substitute the points.
            Eigen::VectorXd dc = Eigen::VectorXd::Zero(nc);
            bool solved = true;
            if (nc > 0) {
                Eigen::LDLT<Eigen::MatrixXd> ldlt(S);
                dc = ldlt.solve(b);
                solved = ldlt.info() == Eigen::Success && dc.allFinite();
            }
            if (!solved) { lambda *= 10; if (lambda > 1e16) break; continue; }
            State trial = cur;
            for (int i = 0; i < P.num_images; ++i) {
                int c = L.poseCol[size_t(i)];
                if (c < 0) continue;
                applyRotation(&trial.poses[size_t(i) * 7], Vec3(dc[c], dc[c + 1], dc[c + 2]));
                for (int k = 0; k < 3; ++k) trial.poses[size_t(i) * 7 + 4 + k] += dc[c + 3 + k];
            }
            for (int cam = 0; cam < P.num_cameras; ++cam) {
                int c = L.camCol[size_t(cam)];
                if (c < 0) continue;
                double *k = &trial.cameras[size_t(cam) * 8];
                if (L.focal) { double ratio = k[1] / k[0]; k[0] += dc[c]; k[1] = k[0] * ratio; ++c; }
                if (L.pp) { k[2] += dc[c]; k[3] += dc[c + 1]; c += 2; }
                if (L.dist) { k[4] += dc[c]; k[5] += dc[c + 1]; }
            }
            for (int p = 0; p < P.num_points; ++p) {
                if (!L.pointFree[size_t(p)]) continue;
                Vec3 rhs = -gp[size_t(p)];
                for (int o : obsOfPoint[size_t(p)]) {
                    const auto &l = lin[size_t(o)];
                    if (l.weight == 0) continue;
                    // −Σ W_iᵀ δc_i with W_i = w Jc_iᵀ Jp_i
                    double jc[2] = {0, 0};
                    for (int a = 0; a < l.ncols; ++a) { jc[0] += l.Jc[0][a] * dc[l.cols[a]]; jc[1] += l.Jc[1][a] * dc[l.cols[a]]; }
                    for (int d = 0; d < 3; ++d) rhs[d] -= l.weight * (l.Jp[0][d] * jc[0] + l.Jp[1][d] * jc[1]);
                }
                Vec3 dp = Vinv[size_t(p)] * rhs;
                for (int d = 0; d < 3; ++d) trial.points[size_t(p) * 3 + d] += dp[d];
            }
            // 4. Accept or reject the step.
            double newCost = evaluate(P, trial, delta, nullptr, nullptr);
            if (std::isfinite(newCost) && newCost < cost) {
                double change = (cost - newCost) / std::max(cost, 1e-300);
                cur = std::move(trial);
                cost = newCost;
                lambda = std::max(lambda / 3, 1e-12);
                relinearize = true;
                if (change < ftol) { rep.converged = 1; ++iter; break; }
            } else {
                lambda *= 4;
                if (lambda > 1e16) { rep.converged = 1; break; }
            }
        }
        std::copy(cur.cameras.begin(), cur.cameras.end(), P.cameras);
        std::copy(cur.poses.begin(), cur.poses.end(), P.image_poses);
        std::copy(cur.points.begin(), cur.points.end(), P.points);
        double sq = 0;
        int valid = 0;
        evaluate(P, cur, delta, &sq, &valid);
        rep.iterations = iter;
        rep.final_rmse_px = valid ? std::sqrt(sq / valid) : 0;
        if (report) *report = rep;
        return CVB_OK;
    });
}
