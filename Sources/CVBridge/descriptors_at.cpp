// Descriptors at given keypoints: SIFT descriptors computed at positions that come from
// elsewhere (a COLMAP text model), with unknown scale and orientation filled in first.
//
// References: D. G. Lowe, "Distinctive Image Features from Scale-Invariant Keypoints",
// IJCV 2004 (orientation assignment, section 5); OpenCV 4.6 sift.dispatch.cpp /
// sift.simd.hpp (keypoint size, octave packing and angle conventions reproduced here).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <unordered_map>
#include <vector>

#include <opencv2/features2d.hpp>
#include <opencv2/imgproc.hpp>

#include "CVBridge.h"
#include "bridge_internal.hpp"

namespace {

constexpr int kSiftBytes = 128;
constexpr float kSiftSigma = 1.6f;     // OpenCV's base sigma
constexpr int kOctaveLayers = 3;       // OpenCV's default

/// Sizes and angles of SIFT detections, bucketed on a grid for nearest-neighbour lookups.
struct DetectionGrid {
    float cell;
    std::vector<cv::KeyPoint> points;
    std::unordered_map<int64_t, std::vector<int>> buckets;

    static int64_t key(int cx, int cy) { return (int64_t(cx) << 32) ^ int64_t(uint32_t(cy)); }

    DetectionGrid(std::vector<cv::KeyPoint> detections, float radius)
        : cell(std::max(radius, 1.0f)), points(std::move(detections)) {
        for (int i = 0; i < int(points.size()); ++i)
            buckets[key(int(std::floor(points[i].pt.x / cell)), int(std::floor(points[i].pt.y / cell)))].push_back(i);
    }

    /// The nearest detection within `radius` of (x, y), preferring the stronger on ties; -1 if none.
    int nearest(float x, float y, float radius) const {
        int best = -1;
        float bestD2 = radius * radius;
        int cx = int(std::floor(x / cell)), cy = int(std::floor(y / cell));
        for (int dy = -1; dy <= 1; ++dy)
            for (int dx = -1; dx <= 1; ++dx) {
                auto it = buckets.find(key(cx + dx, cy + dy));
                if (it == buckets.end()) continue;
                for (int i : it->second) {
                    float ex = points[i].pt.x - x, ey = points[i].pt.y - y, d2 = ex * ex + ey * ey;
                    if (d2 < bestD2 || (d2 == bestD2 && best >= 0 && points[i].response > points[best].response)) {
                        best = i; bestD2 = d2;
                    }
                }
            }
        return best;
    }
};

/// Scale selection (Lindeberg 1998; Lowe 2004, section 3) at a given position: the keypoint
/// size (2σ, OpenCV's convention) whose difference-of-Gaussians response at the position is
/// strongest in magnitude, over 3 scales per octave from σ = 1.6 up to the coarsest octave
/// of at least 32 pixels.
struct ScaleSelector {
    struct Level { std::vector<cv::Mat> dog; int octave; };
    std::vector<Level> octaves;

    explicit ScaleSelector(const cv::Mat &gray) {
        cv::Mat base;
        gray.convertTo(base, CV_32F, 1.0 / 255.0);
        for (int o = 0; base.cols >= 32 && base.rows >= 32; ++o) {
            std::vector<cv::Mat> g(kOctaveLayers + 1);
            for (int j = 0; j <= kOctaveLayers; ++j)
                cv::GaussianBlur(base, g[j], cv::Size(), kSiftSigma * std::pow(2.0, double(j) / kOctaveLayers));
            Level level{{}, o};
            for (int j = 0; j < kOctaveLayers; ++j) level.dog.push_back(g[j + 1] - g[j]);
            octaves.push_back(std::move(level));
            cv::Mat down;
            cv::pyrDown(base, down);
            base = down;
        }
    }

    static float sample(const cv::Mat &m, float x, float y) {
        x = std::clamp(x, 0.0f, float(m.cols - 1)); y = std::clamp(y, 0.0f, float(m.rows - 1));
        int x0 = std::min(int(x), m.cols - 2 < 0 ? 0 : m.cols - 2), y0 = std::min(int(y), m.rows - 2 < 0 ? 0 : m.rows - 2);
        float fx = x - x0, fy = y - y0;
        auto at = [&](int yy, int xx) { return m.at<float>(std::min(yy, m.rows - 1), std::min(xx, m.cols - 1)); };
        return (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
    }

    /// The size (diameter in full-resolution pixels) of the strongest DoG response at (x, y).
    float size(float x, float y) const {
        float best = -1, bestSize = 12;
        for (const Level &level : octaves) {
            const float f = 1.0f / float(1 << level.octave);
            for (int j = 0; j < int(level.dog.size()); ++j) {
                float r = std::abs(sample(level.dog[j], x * f, y * f));
                if (r > best) {
                    best = r;
                    bestSize = 2 * kSiftSigma * std::pow(2.0f, float(j) / kOctaveLayers) * float(1 << level.octave);
                }
            }
        }
        return bestSize;
    }
};

/// A Gaussian pyramid of float images: level L is the image blurred and halved L times.
std::vector<cv::Mat> buildPyramid(const cv::Mat &gray) {
    std::vector<cv::Mat> levels;
    cv::Mat f;
    gray.convertTo(f, CV_32F, 1.0 / 255.0);
    cv::GaussianBlur(f, f, cv::Size(), 1.0);
    levels.push_back(f);
    while (levels.back().cols >= 32 && levels.back().rows >= 32) {
        cv::Mat down;
        cv::pyrDown(levels.back(), down);
        levels.push_back(down);
    }
    return levels;
}

/// SIFT's orientation assignment: a 36-bin histogram of gradient directions weighted by
/// magnitude and a Gaussian of 1.5 × the keypoint's scale, smoothed; the highest peak,
/// interpolated by a parabola. Degrees in [0, 360), image axes (y down), as OpenCV's
/// KeyPoint::angle.
float dominantOrientation(const std::vector<cv::Mat> &pyramid, float x, float y, float size) {
    const float sigma = std::max(size * 0.5f, 0.8f);                 // keypoint scale in pixels
    int level = std::clamp(int(std::floor(std::log2(sigma / kSiftSigma))), 0, int(pyramid.size()) - 1);
    const cv::Mat &img = pyramid[level];
    const float f = 1.0f / float(1 << level);
    const float px = x * f, py = y * f, sigmaWindow = 1.5f * sigma * f;
    const int radius = std::max(1, int(std::lround(3 * sigmaWindow)));
    constexpr int kBins = 36;
    float hist[kBins] = {0};
    const int ix = int(std::lround(px)), iy = int(std::lround(py));
    for (int dy = -radius; dy <= radius; ++dy) {
        int yy = iy + dy;
        if (yy <= 0 || yy >= img.rows - 1) continue;
        for (int dx = -radius; dx <= radius; ++dx) {
            int xx = ix + dx;
            if (xx <= 0 || xx >= img.cols - 1) continue;
            float gx = img.at<float>(yy, xx + 1) - img.at<float>(yy, xx - 1);
            float gy = img.at<float>(yy + 1, xx) - img.at<float>(yy - 1, xx);
            float w = std::exp(-float(dx * dx + dy * dy) / (2 * sigmaWindow * sigmaWindow));
            float angle = std::atan2(gy, gx) * float(180.0 / CV_PI);
            if (angle < 0) angle += 360;
            int bin = int(std::lround(angle * kBins / 360.0f)) % kBins;
            hist[bin] += w * std::sqrt(gx * gx + gy * gy);
        }
    }
    float smooth[kBins];
    for (int i = 0; i < kBins; ++i) {
        auto h = [&](int j) { return hist[(j + kBins) % kBins]; };
        smooth[i] = (h(i - 2) + h(i + 2)) * (1.f / 16) + (h(i - 1) + h(i + 1)) * (4.f / 16) + h(i) * (6.f / 16);
    }
    int peak = int(std::max_element(smooth, smooth + kBins) - smooth);
    if (smooth[peak] <= 0) return 0;
    float l = smooth[(peak + kBins - 1) % kBins], r = smooth[(peak + 1) % kBins];
    float denom = l - 2 * smooth[peak] + r;
    float offset = denom != 0 ? 0.5f * (l - r) / denom : 0;
    float angle = (peak + offset) * 360.0f / kBins;
    if (angle < 0) angle += 360;
    if (angle >= 360) angle -= 360;
    return angle;
}

/// OpenCV's packed octave field for a keypoint of `size`, so SIFT::compute samples the
/// pyramid image matching the keypoint's scale (sift.dispatch.cpp: unpackOctave).
int packOctave(float size, int maxOctave) {
    float t = std::log2(std::max(size, 0.5f) / kSiftSigma);
    int octave = int(std::floor(t)) - 1;
    int layer = int(std::lround((t - std::floor(t)) * kOctaveLayers));
    octave = std::clamp(octave, -1, maxOctave);
    layer = std::clamp(layer, 0, kOctaveLayers);
    return (octave & 255) | (layer << 8);
}

} // namespace

extern "C" cvb_status cvb_compute_descriptors(const cvb_image *gray, cvb_feature_type type,
                                              const cvb_descriptor_options *options, int32_t count,
                                              cvb_keypoint *keypoints, uint8_t *descriptors,
                                              uint8_t *snapped) {
    return cvb::guarded("cvb_compute_descriptors", [&]() -> cvb_status {
        // Preconditions.
        if (!gray || !gray->pixels || gray->channels != 1 || gray->width <= 0 || gray->height <= 0)
            return cvb::fail(CVB_INVALID_ARGUMENT, "cvb_compute_descriptors: need a non-empty 1-channel image");
        if (count < 0) return cvb::fail(CVB_INVALID_ARGUMENT, "cvb_compute_descriptors: negative keypoint count");
        if (type != CVB_FEATURE_SIFT)
            return cvb::fail(CVB_UNSUPPORTED, "cvb_compute_descriptors: only SIFT descriptors can be computed at given keypoints");
        if (count == 0) return CVB_OK;
        if (!keypoints || !descriptors)
            return cvb::fail(CVB_INVALID_ARGUMENT, "cvb_compute_descriptors: keypoints and descriptors must not be NULL");
        for (int i = 0; i < count; ++i)
            if (!std::isfinite(keypoints[i].x) || !std::isfinite(keypoints[i].y) || !std::isfinite(keypoints[i].size) ||
                !std::isfinite(keypoints[i].angle))
                return cvb::fail(CVB_INVALID_ARGUMENT, "cvb_compute_descriptors: keypoint " + std::to_string(i) + " is not finite");
        const float snapRadius = options ? options->snap_radius_px : 2.0f;
        const float defaultSize = options ? options->default_size_px : 0.0f;
        const cv::Mat img(gray->height, gray->width, CV_8UC1, gray->pixels);
        auto sift = cv::SIFT::create();

        // Stage 1: unknown sizes take the nearest detection's size and angle, else the default size.
        if (snapped) std::memset(snapped, 0, size_t(count));
        bool needDetections = snapRadius > 0 &&
            std::any_of(keypoints, keypoints + count, [](const cvb_keypoint &k) { return k.size <= 0; });
        if (needDetections) {
            std::vector<cv::KeyPoint> detections;
            sift->detect(img, detections);
            DetectionGrid grid(std::move(detections), snapRadius);
            for (int i = 0; i < count; ++i) {
                if (keypoints[i].size > 0) continue;
                int j = grid.nearest(keypoints[i].x, keypoints[i].y, snapRadius);
                if (j < 0) continue;
                keypoints[i].size = grid.points[j].size;
                keypoints[i].angle = grid.points[j].angle;
                if (snapped) snapped[i] = 1;
            }
        }
        if (std::any_of(keypoints, keypoints + count, [](const cvb_keypoint &k) { return k.size <= 0; })) {
            if (defaultSize > 0) {
                for (int i = 0; i < count; ++i)
                    if (keypoints[i].size <= 0) keypoints[i].size = defaultSize;
            } else {
                ScaleSelector selector(img);
                for (int i = 0; i < count; ++i)
                    if (keypoints[i].size <= 0) {
                        keypoints[i].size = selector.size(keypoints[i].x, keypoints[i].y);
                        if (keypoints[i].angle >= 0) keypoints[i].angle = -1;   // orientation belongs to the scale
                    }
            }
        }

        // Stage 2: unknown angles get the dominant gradient orientation.
        if (std::any_of(keypoints, keypoints + count, [](const cvb_keypoint &k) { return k.angle < 0; })) {
            auto pyramid = buildPyramid(img);
            for (int i = 0; i < count; ++i)
                if (keypoints[i].angle < 0)
                    keypoints[i].angle = dominantOrientation(pyramid, keypoints[i].x, keypoints[i].y, keypoints[i].size);
        }

        // Stage 3: SIFT descriptors on the pyramid level of each keypoint's scale.
        int maxOctave = std::max(0, int(std::floor(std::log2(std::min(gray->width, gray->height) / 16.0))));
        std::vector<cv::KeyPoint> kps(static_cast<size_t>(count));
        for (int i = 0; i < count; ++i) {
            const cvb_keypoint &k = keypoints[i];
            kps[i] = cv::KeyPoint(k.x, k.y, k.size, k.angle, 0, packOctave(k.size, maxOctave));
        }
        cv::Mat desc;
        sift->detectAndCompute(img, cv::noArray(), kps, desc, true);
        if (desc.rows != count || desc.cols != kSiftBytes)
            return cvb::fail(CVB_INTERNAL, "cvb_compute_descriptors: OpenCV returned " + std::to_string(desc.rows) + " descriptors for " +
                                               std::to_string(count) + " keypoints");
        cv::Mat bytes;
        desc.convertTo(bytes, CV_8U);   // OpenCV's float SIFT values are already integers in 0…255
        for (int i = 0; i < count; ++i) {
            std::memcpy(descriptors + size_t(i) * kSiftBytes, bytes.ptr<uint8_t>(i), kSiftBytes);
            keypoints[i].response = 0;
            keypoints[i].octave = 0;
        }
        return CVB_OK;
    });
}
