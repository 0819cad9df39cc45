// Absolute pose from 2D–3D correspondences: OpenCV's USAC (Ivashechkin et al. 2021) with
// minimal P3P samples and MAGSAC++ scoring, falling back to classic RANSAC with AP3P
// (Ke & Roumeliotis 2017); then Levenberg–Marquardt refinement on the inliers.
#include <cmath>
#include <opencv2/calib3d.hpp>

#include "CVBridge.h"
#include "bridge_internal.hpp"

namespace {

bool finite(const double *v, size_t n) {
    for (size_t i = 0; i < n; ++i) if (!std::isfinite(v[i])) return false;
    return true;
}

cv::Mat distortionMat(const double *d) {
    if (!d) return cv::Mat();
    if (d[0] == 0 && d[1] == 0 && d[2] == 0 && d[3] == 0) return cv::Mat();
    return (cv::Mat_<double>(1, 4) << d[0], d[1], d[2], d[3]);
}

/// Marks correspondences whose reprojection error is within `threshold` pixels (and that
/// lie in front of the camera); returns their count.
int markInliers(const std::vector<cv::Point3d> &obj, const std::vector<cv::Point2d> &img, const cv::Mat &K,
                const cv::Mat &dist, const cv::Mat &rvec, const cv::Mat &tvec, double threshold,
                std::vector<uint8_t> &mask) {
    std::vector<cv::Point2d> proj;
    cv::projectPoints(obj, rvec, tvec, K, dist, proj);
    cv::Matx33d R;
    cv::Rodrigues(rvec, R);
    cv::Vec3d t(tvec.at<double>(0), tvec.at<double>(1), tvec.at<double>(2));
    int count = 0;
    mask.assign(obj.size(), 0);
    for (size_t i = 0; i < obj.size(); ++i) {
        cv::Vec3d pc = R * cv::Vec3d(obj[i].x, obj[i].y, obj[i].z) + t;
        double dx = proj[i].x - img[i].x, dy = proj[i].y - img[i].y;
        if (pc[2] > 0 && dx * dx + dy * dy <= threshold * threshold) { mask[i] = 1; ++count; }
    }
    return count;
}

void toOutputs(const cv::Mat &rvec, const cv::Mat &tvec, double R[9], double t[3]) {
    cv::Matx33d Rm;
    cv::Rodrigues(rvec, Rm);
    for (int r = 0; r < 3; ++r) for (int c = 0; c < 3; ++c) R[r * 3 + c] = Rm(r, c);
    for (int i = 0; i < 3; ++i) t[i] = tvec.at<double>(i);
}

void fromInputs(const double R[9], const double t[3], cv::Mat &rvec, cv::Mat &tvec) {
    cv::Matx33d Rm(R[0], R[1], R[2], R[3], R[4], R[5], R[6], R[7], R[8]);
    cv::Rodrigues(Rm, rvec);
    tvec = (cv::Mat_<double>(3, 1) << t[0], t[1], t[2]);
}

} // namespace

extern "C" cvb_status cvb_solve_pnp_ransac(const double *points3d, const double *points2d, int32_t n,
                                           const double K[9], const double *distortion,
                                           const cvb_ransac_options *options, int32_t use_guess,
                                           double R[9], double t[3], uint8_t *inlier_mask,
                                           int32_t *num_inliers) {
    return cvb::guarded("cvb_solve_pnp_ransac", [&]() -> cvb_status {
        if (!points3d || !points2d || !K || !options || !R || !t)
            return cvb::fail(CVB_INVALID_ARGUMENT, "NULL argument");
        if (n < 4) return cvb::fail(CVB_NOT_ENOUGH_DATA, "PnP needs at least 4 correspondences, got " + std::to_string(n));
        if (!finite(points3d, size_t(n) * 3) || !finite(points2d, size_t(n) * 2) || !finite(K, 9))
            return cvb::fail(CVB_INVALID_ARGUMENT, "non-finite input");
        if (options->max_error_px <= 0) return cvb::fail(CVB_INVALID_ARGUMENT, "max_error_px must be > 0");
        std::vector<cv::Point3d> obj(static_cast<size_t>(n));
        std::vector<cv::Point2d> img(static_cast<size_t>(n));
        for (int i = 0; i < n; ++i) {
            obj[size_t(i)] = {points3d[3 * i], points3d[3 * i + 1], points3d[3 * i + 2]};
            img[size_t(i)] = {points2d[2 * i], points2d[2 * i + 1]};
        }
        cv::Mat Km(3, 3, CV_64F, const_cast<double *>(K));
        cv::Mat dist = distortionMat(distortion);
        // The robust loop runs on undistorted pixels; refinement uses the full model.
        std::vector<cv::Point2d> undist = img;
        if (!dist.empty()) cv::undistortPoints(img, undist, Km, dist, cv::noArray(), Km);
        int maxIter = options->max_iterations > 0 ? options->max_iterations : 10000;
        double conf = options->confidence > 0 && options->confidence < 1 ? options->confidence : 0.9999;

        cv::Mat rvec, tvec;
        bool ok = false;
        std::vector<int> inl;
        if (use_guess) fromInputs(R, t, rvec, tvec);
        try {
            cv::UsacParams p;
            p.confidence = conf;
            p.isParallel = false;
            p.maxIterations = maxIter;
            p.randomGeneratorState = int(options->seed & 0x7fffffff);
            p.sampler = cv::SAMPLING_UNIFORM;
            p.score = cv::SCORE_METHOD_MAGSAC;
            p.loMethod = cv::LOCAL_OPTIM_SIGMA;
            p.loIterations = 10;
            p.loSampleSize = 14;
            p.threshold = options->max_error_px;
            cv::Mat r2, t2;
            ok = cv::solvePnPRansac(obj, undist, Km, cv::noArray(), r2, t2, inl, p) && inl.size() >= 4;
            if (ok) { rvec = r2; tvec = t2; }
        } catch (const cv::Exception &) {
            ok = false;
        }
        if (!ok) {
            cv::theRNG().state = options->seed ? options->seed : 0x5eed;
            cv::Mat r2, t2;
            if (use_guess) { r2 = rvec.clone(); t2 = tvec.clone(); }
            ok = cv::solvePnPRansac(obj, undist, Km, cv::noArray(), r2, t2, use_guess != 0, maxIter,
                                    float(options->max_error_px), conf, inl, cv::SOLVEPNP_AP3P) && inl.size() >= 4;
            if (ok) { rvec = r2; tvec = t2; }
        }
        if (!ok) return cvb::fail(CVB_ESTIMATION_FAILED, "PnP RANSAC found no pose with 4 or more inliers");
        rvec.convertTo(rvec, CV_64F); tvec.convertTo(tvec, CV_64F);
        rvec = rvec.reshape(1, 3); tvec = tvec.reshape(1, 3);

        // Refine on the inliers with the full camera model, then re-mark and refine once more.
        std::vector<uint8_t> mask;
        int count = markInliers(obj, img, Km, dist, rvec, tvec, options->max_error_px, mask);
        for (int round = 0; round < 2 && count >= 4; ++round) {
            std::vector<cv::Point3d> o; std::vector<cv::Point2d> m;
            for (int i = 0; i < n; ++i) if (mask[size_t(i)]) { o.push_back(obj[size_t(i)]); m.push_back(img[size_t(i)]); }
            cv::solvePnPRefineLM(o, m, Km, dist, rvec, tvec,
                                 cv::TermCriteria(cv::TermCriteria::EPS + cv::TermCriteria::COUNT, 50, 1e-10));
            count = markInliers(obj, img, Km, dist, rvec, tvec, options->max_error_px, mask);
        }
        if (count < 4) return cvb::fail(CVB_ESTIMATION_FAILED, "PnP pose has fewer than 4 inliers after refinement");
        toOutputs(rvec, tvec, R, t);
        if (inlier_mask) for (int i = 0; i < n; ++i) inlier_mask[i] = mask[size_t(i)];
        if (num_inliers) *num_inliers = count;
        return CVB_OK;
    });
}

extern "C" cvb_status cvb_refine_pose(const double *points3d, const double *points2d, int32_t n,
                                      const double K[9], const double *distortion, double R[9], double t[3]) {
    return cvb::guarded("cvb_refine_pose", [&]() -> cvb_status {
        if (!points3d || !points2d || !K || !R || !t) return cvb::fail(CVB_INVALID_ARGUMENT, "NULL argument");
        if (n < 3) return cvb::fail(CVB_NOT_ENOUGH_DATA, "pose refinement needs at least 3 correspondences");
        if (!finite(points3d, size_t(n) * 3) || !finite(points2d, size_t(n) * 2) || !finite(R, 9) || !finite(t, 3))
            return cvb::fail(CVB_INVALID_ARGUMENT, "non-finite input");
        std::vector<cv::Point3d> obj(static_cast<size_t>(n));
        std::vector<cv::Point2d> img(static_cast<size_t>(n));
        for (int i = 0; i < n; ++i) {
            obj[size_t(i)] = {points3d[3 * i], points3d[3 * i + 1], points3d[3 * i + 2]};
            img[size_t(i)] = {points2d[2 * i], points2d[2 * i + 1]};
        }
        cv::Mat Km(3, 3, CV_64F, const_cast<double *>(K));
        cv::Mat rvec, tvec;
        fromInputs(R, t, rvec, tvec);
        cv::solvePnPRefineLM(obj, img, Km, distortionMat(distortion), rvec, tvec,
                             cv::TermCriteria(cv::TermCriteria::EPS + cv::TermCriteria::COUNT, 50, 1e-10));
        toOutputs(rvec, tvec, R, t);
        return CVB_OK;
    });
}
