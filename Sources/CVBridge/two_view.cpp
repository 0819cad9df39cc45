// Two-view geometry with OpenCV's USAC (MAGSAC++ scoring): the essential matrix of two
// calibrated cameras (Nistér's five-point solver) with the relative pose by the cheirality
// check, the fundamental matrix (seven/eight-point) and the homography (four-point).
#include <cmath>
#include <opencv2/calib3d.hpp>

#include "CVBridge.h"
#include "bridge_internal.hpp"

namespace {

cv::UsacParams usacParams(const cvb_ransac_options *o, double threshold) {
    cv::UsacParams p;
    p.confidence = o->confidence > 0 && o->confidence < 1 ? o->confidence : 0.9999;
    p.isParallel = false;
    p.maxIterations = o->max_iterations > 0 ? o->max_iterations : 10000;
    p.randomGeneratorState = int(o->seed & 0x7fffffff);
    p.sampler = cv::SAMPLING_UNIFORM;
    p.score = cv::SCORE_METHOD_MAGSAC;
    p.loMethod = cv::LOCAL_OPTIM_SIGMA;
    p.loIterations = 10;
    p.loSampleSize = 20;
    p.threshold = threshold;
    return p;
}

bool finite(const double *v, size_t n) {
    for (size_t i = 0; i < n; ++i) if (!std::isfinite(v[i])) return false;
    return true;
}

std::vector<cv::Point2d> points(const double *p, int32_t n) {
    std::vector<cv::Point2d> out(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) out[size_t(i)] = {p[2 * i], p[2 * i + 1]};
    return out;
}

cvb_status check(const double *p1, const double *p2, int32_t n, int32_t minimum, const cvb_ransac_options *o) {
    if (!p1 || !p2 || !o) return cvb::fail(CVB_INVALID_ARGUMENT, "NULL argument");
    if (n < minimum)
        return cvb::fail(CVB_NOT_ENOUGH_DATA, "need at least " + std::to_string(minimum) + " correspondences, got " + std::to_string(n));
    if (!finite(p1, size_t(n) * 2) || !finite(p2, size_t(n) * 2)) return cvb::fail(CVB_INVALID_ARGUMENT, "non-finite point");
    if (o->max_error_px <= 0) return cvb::fail(CVB_INVALID_ARGUMENT, "max_error_px must be > 0");
    return CVB_OK;
}

void writeMask(const cv::Mat &mask, int32_t n, uint8_t *out, int32_t *count) {
    int c = 0;
    for (int i = 0; i < n; ++i) {
        uint8_t v = mask.empty() ? 0 : (mask.at<uint8_t>(i) ? 1 : 0);
        if (out) out[i] = v;
        c += v;
    }
    if (count) *count = c;
}

} // namespace

extern "C" cvb_status cvb_estimate_relative_pose(const double *points1, const double *points2, int32_t n,
                                                 const double K1[9], const double K2[9],
                                                 const cvb_ransac_options *options,
                                                 double R_2from1[9], double t_2from1[3],
                                                 uint8_t *inlier_mask, int32_t *num_inliers) {
    return cvb::guarded("cvb_estimate_relative_pose", [&]() -> cvb_status {
        if (cvb_status s = check(points1, points2, n, 5, options); s != CVB_OK) return s;
        if (!K1 || !K2 || !R_2from1 || !t_2from1) return cvb::fail(CVB_INVALID_ARGUMENT, "NULL argument");
        // Normalize by each camera's intrinsics so that one identity K serves both; the
        // threshold becomes normalized units through the mean focal length.
        std::vector<cv::Point2d> n1(static_cast<size_t>(n)), n2(static_cast<size_t>(n));
        for (int i = 0; i < n; ++i) {
            n1[size_t(i)] = {(points1[2 * i] - K1[2]) / K1[0], (points1[2 * i + 1] - K1[5]) / K1[4]};
            n2[size_t(i)] = {(points2[2 * i] - K2[2]) / K2[0], (points2[2 * i + 1] - K2[5]) / K2[4]};
        }
        double f = (K1[0] + K1[4] + K2[0] + K2[4]) / 4;
        cv::Mat I = cv::Mat::eye(3, 3, CV_64F), mask;
        cv::Mat E = cv::findEssentialMat(n1, n2, I, I, cv::noArray(), cv::noArray(), mask,
                                         usacParams(options, options->max_error_px / f));
        if (E.empty() || E.rows < 3) return cvb::fail(CVB_ESTIMATION_FAILED, "no essential matrix found");
        E = E.rowRange(0, 3);
        cv::Mat R, t;
        int good = cv::recoverPose(E, n1, n2, I, R, t, mask);
        if (good < 5) return cvb::fail(CVB_ESTIMATION_FAILED, "too few points in front of both cameras");
        for (int r = 0; r < 3; ++r) for (int c = 0; c < 3; ++c) R_2from1[r * 3 + c] = R.at<double>(r, c);
        for (int i = 0; i < 3; ++i) t_2from1[i] = t.at<double>(i);
        writeMask(mask, n, inlier_mask, num_inliers);
        return CVB_OK;
    });
}

extern "C" cvb_status cvb_estimate_fundamental(const double *points1, const double *points2, int32_t n,
                                               const cvb_ransac_options *options, double F[9],
                                               uint8_t *inlier_mask, int32_t *num_inliers) {
    return cvb::guarded("cvb_estimate_fundamental", [&]() -> cvb_status {
        if (cvb_status s = check(points1, points2, n, 8, options); s != CVB_OK) return s;
        if (!F) return cvb::fail(CVB_INVALID_ARGUMENT, "NULL argument");
        cv::Mat mask;
        cv::Mat Fm = cv::findFundamentalMat(points(points1, n), points(points2, n), mask,
                                            usacParams(options, options->max_error_px));
        if (Fm.empty() || Fm.rows < 3) return cvb::fail(CVB_ESTIMATION_FAILED, "no fundamental matrix found");
        for (int r = 0; r < 3; ++r) for (int c = 0; c < 3; ++c) F[r * 3 + c] = Fm.at<double>(r, c);
        writeMask(mask, n, inlier_mask, num_inliers);
        return CVB_OK;
    });
}

extern "C" cvb_status cvb_estimate_homography(const double *points1, const double *points2, int32_t n,
                                              const cvb_ransac_options *options, double H[9],
                                              uint8_t *inlier_mask, int32_t *num_inliers) {
    return cvb::guarded("cvb_estimate_homography", [&]() -> cvb_status {
        if (cvb_status s = check(points1, points2, n, 4, options); s != CVB_OK) return s;
        if (!H) return cvb::fail(CVB_INVALID_ARGUMENT, "NULL argument");
        cv::Mat mask;
        cv::Mat Hm = cv::findHomography(points(points1, n), points(points2, n), mask,
                                        usacParams(options, options->max_error_px));
        if (Hm.empty()) return cvb::fail(CVB_ESTIMATION_FAILED, "no homography found");
        for (int r = 0; r < 3; ++r) for (int c = 0; c < 3; ++c) H[r * 3 + c] = Hm.at<double>(r, c);
        writeMask(mask, n, inlier_mask, num_inliers);
        return CVB_OK;
    });
}

extern "C" cvb_status cvb_triangulate(const double P1[12], const double P2[12], const double *points1,
                                      const double *points2, int32_t n, double *points3d) {
    return cvb::guarded("cvb_triangulate", [&]() -> cvb_status {
        if (!P1 || !P2 || !points1 || !points2 || !points3d) return cvb::fail(CVB_INVALID_ARGUMENT, "NULL argument");
        if (n < 0) return cvb::fail(CVB_INVALID_ARGUMENT, "negative count");
        if (n == 0) return CVB_OK;
        cv::Mat A(3, 4, CV_64F, const_cast<double *>(P1)), B(3, 4, CV_64F, const_cast<double *>(P2));
        cv::Mat x1(2, n, CV_64F), x2(2, n, CV_64F);
        for (int i = 0; i < n; ++i) {
            x1.at<double>(0, i) = points1[2 * i]; x1.at<double>(1, i) = points1[2 * i + 1];
            x2.at<double>(0, i) = points2[2 * i]; x2.at<double>(1, i) = points2[2 * i + 1];
        }
        cv::Mat X;
        cv::triangulatePoints(A, B, x1, x2, X);
        X.convertTo(X, CV_64F);
        for (int i = 0; i < n; ++i) {
            double w = X.at<double>(3, i);
            for (int k = 0; k < 3; ++k)
                points3d[3 * i + k] = std::fabs(w) > 1e-300 ? X.at<double>(k, i) / w : std::nan("");
        }
        return CVB_OK;
    });
}
