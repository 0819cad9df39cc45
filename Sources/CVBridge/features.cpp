// Local features: SIFT (Lowe 2004) with COLMAP's uint8 descriptor quantization and optional
// RootSIFT (Arandjelović & Zisserman 2012), and ORB (Rublee et al. 2011).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <opencv2/features2d.hpp>

#include "CVBridge.h"
#include "bridge_internal.hpp"

namespace {

/// The position bias of OpenCV SIFT keypoints in input pixels (see cvb_extract_features).
constexpr float kSiftUpsampleShift = 0.25f;
/// ORB's pyramid: 8 levels, each 1/1.2 the size of the last.
constexpr float kOrbScaleFactor = 1.2f;
constexpr int kOrbLevels = 8;

/// SIFT float descriptors → uint8 as COLMAP stores them: L2-normalize (or L1 + sqrt for
/// RootSIFT), scale by 512, round and clamp to 255.
void quantizeSift(const cv::Mat &desc, bool rootSift, uint8_t *out) {
    for (int r = 0; r < desc.rows; ++r) {
        const float *d = desc.ptr<float>(r);
        float v[128];
        if (rootSift) {
            double l1 = 0;
            for (int i = 0; i < 128; ++i) l1 += std::fabs(d[i]);
            if (l1 <= 0) l1 = 1;
            for (int i = 0; i < 128; ++i) v[i] = float(std::sqrt(std::fabs(d[i]) / l1));
        } else {
            double l2 = 0;
            for (int i = 0; i < 128; ++i) l2 += double(d[i]) * d[i];
            l2 = l2 > 0 ? std::sqrt(l2) : 1;
            for (int i = 0; i < 128; ++i) v[i] = float(d[i] / l2);
        }
        for (int i = 0; i < 128; ++i) {
            float q = std::round(v[i] * 512.0f);
            out[size_t(r) * 128 + i] = uint8_t(std::min(255.0f, std::max(0.0f, q)));
        }
    }
}

/// Keeps the `maxCount` strongest keypoints (by response; ties keep their order) and
/// their descriptor rows, in place.
void keepStrongest(std::vector<cv::KeyPoint> &kps, cv::Mat &desc, int maxCount) {
    if (maxCount <= 0 || int(kps.size()) <= maxCount) return;
    std::vector<int> order(kps.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = int(i);
    std::sort(order.begin(), order.end(), [&](int a, int b) {
        const float ra = kps[size_t(a)].response, rb = kps[size_t(b)].response;
        return ra > rb || (ra == rb && a < b);
    });
    order.resize(size_t(maxCount));
    std::vector<cv::KeyPoint> keptKeypoints;
    keptKeypoints.reserve(order.size());
    cv::Mat keptDescriptors(int(order.size()), desc.cols, desc.type());
    for (size_t r = 0; r < order.size(); ++r) {
        keptKeypoints.push_back(kps[size_t(order[r])]);
        desc.row(order[r]).copyTo(keptDescriptors.row(int(r)));
    }
    kps.swap(keptKeypoints);
    desc = keptDescriptors;
}

} // namespace

extern "C" cvb_status cvb_extract_features(const cvb_image *gray, const cvb_feature_options *options,
                                           cvb_features *out) {
    return cvb::guarded("cvb_extract_features", [&]() -> cvb_status {
        if (!gray || !options || !out || !gray->pixels) return cvb::fail(CVB_INVALID_ARGUMENT, "NULL argument");
        if (gray->channels != 1) return cvb::fail(CVB_INVALID_ARGUMENT, "features need a 1-channel gray image");
        if (gray->width <= 0 || gray->height <= 0) return cvb::fail(CVB_INVALID_ARGUMENT, "empty image");
        *out = cvb_features{0, 0, nullptr, nullptr};
        cv::Mat img(gray->height, gray->width, CV_8UC1, gray->pixels);
        std::vector<cv::KeyPoint> kps;
        cv::Mat desc;
        int bytes = 0;
        if (options->type == CVB_FEATURE_SIFT) {
            double contrast = options->sift_contrast_threshold > 0 ? options->sift_contrast_threshold : 0.04;
            // Detect and describe without a count limit (one Gaussian pyramid; detect then
            // compute would build it twice), then keep the strongest N by response: OpenCV's
            // own nfeatures cut happens before orientation duplicates are added.
            auto sift = cv::SIFT::create(0, 3, contrast, 10, 1.6);
            sift->detectAndCompute(img, cv::noArray(), kps, desc);
            keepStrongest(kps, desc, options->max_features);
            bytes = 128;
        } else if (options->type == CVB_FEATURE_ORB) {
            int n = options->max_features > 0 ? options->max_features : 5000;
            auto orb = cv::ORB::create(n, kOrbScaleFactor, kOrbLevels, 31, 0, 2, cv::ORB::HARRIS_SCORE, 31, 20);
            orb->detectAndCompute(img, cv::noArray(), kps, desc);
            bytes = 32;
        } else {
            return cvb::fail(CVB_UNSUPPORTED, "unknown feature type");
        }
        int n = int(kps.size());
        if (desc.rows != n) return cvb::fail(CVB_INTERNAL, "descriptor count differs from keypoint count");
        out->count = n;
        out->descriptor_bytes = bytes;
        out->keypoints = static_cast<cvb_keypoint *>(std::malloc(sizeof(cvb_keypoint) * size_t(std::max(n, 1))));
        out->descriptors = static_cast<uint8_t *>(std::malloc(size_t(std::max(n, 1)) * size_t(bytes)));
        if (!out->keypoints || !out->descriptors) {
            cvb_features_free(out);
            return cvb::fail(CVB_INTERNAL, "out of memory for features");
        }
        // OpenCV's SIFT detects on a 2× bilinearly upsampled image (first octave −1) whose
        // pixel u lies at u/2 − 0.25 of the input, but reports keypoints at u/2: every SIFT
        // keypoint comes out +0.25 px in x and y (measured on Gaussian blobs at known
        // sub-pixel positions: +0.24…0.25 px at every octave). Undo it so that keypoints
        // follow the pixel-centre convention the intrinsics use; left in, it acts as a
        // 0.25 px principal-point error in every camera (a ~0.015° rotation bias at f≈1000).
        // OpenCV's ORB reports a FAST corner found at whole pixel u of pyramid level L
        // (scale s = 1.2^L) at u·s, but that pixel's centre lies at (u + 0.5)·s − 0.5 of the
        // input: add 0.5·(s − 1) (0.1 px at level 1, 1.3 px at level 7), else the bias
        // differs between a map keyframe and a query that see a corner at different levels.
        // (cv::cornerSubPix on each level was tried: 3 ms more per 640×480 frame, no gain
        // in pose accuracy on the synthetic queries, and it drifts on blob-like corners.)
        for (int i = 0; i < n; ++i) {
            const auto &k = kps[size_t(i)];
            const float shift = options->type == CVB_FEATURE_SIFT
                ? -kSiftUpsampleShift : 0.5f * (std::pow(kOrbScaleFactor, float(k.octave)) - 1.0f);
            out->keypoints[i] = cvb_keypoint{k.pt.x + shift, k.pt.y + shift, k.size, k.angle, k.response, k.octave};
        }
        if (n > 0) {
            if (options->type == CVB_FEATURE_SIFT) quantizeSift(desc, options->root_sift != 0, out->descriptors);
            else for (int r = 0; r < n; ++r) std::memcpy(out->descriptors + size_t(r) * 32, desc.ptr<uint8_t>(r), 32);
        }
        return CVB_OK;
    });
}

extern "C" void cvb_features_free(cvb_features *features) {
    if (!features) return;
    std::free(features->keypoints);
    std::free(features->descriptors);
    *features = cvb_features{0, 0, nullptr, nullptr};
}
