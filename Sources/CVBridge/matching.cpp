// Descriptor matching: exact brute force with Lowe's ratio test and a mutual check, and a
// reusable approximate index (FLANN randomized kd-trees for SIFT, hierarchical clustering for ORB; Muja & Lowe 2014).
#include <cmath>
#include <cstdlib>
#include <limits>
#include <opencv2/features2d.hpp>
#include <opencv2/flann.hpp>

#include "CVBridge.h"
#include "bridge_internal.hpp"

struct cvb_descriptor_index {
    cvb_feature_type type;
    int32_t bytes;
    int32_t count;
    cv::Mat data;                       // float rows (SIFT) or uint8 rows (ORB); owned
    std::unique_ptr<cv::flann::Index> flann;
};

namespace {

cv::Mat wrapDescriptors(cvb_feature_type type, int32_t bytes, const uint8_t *d, int32_t n) {
    cv::Mat raw(n, bytes, CV_8UC1, const_cast<uint8_t *>(d));
    if (type == CVB_FEATURE_ORB) return raw;
    cv::Mat f;
    raw.convertTo(f, CV_32F);
    return f;
}

/// Best and second-best neighbour of each row of `q` in `t`, exact.
std::vector<std::vector<cv::DMatch>> knn2(cvb_feature_type type, const cv::Mat &q, const cv::Mat &t) {
    cv::BFMatcher matcher(type == CVB_FEATURE_ORB ? cv::NORM_HAMMING : cv::NORM_L2, false);
    std::vector<std::vector<cv::DMatch>> out;
    matcher.knnMatch(q, t, out, 2);
    return out;
}

} // namespace

extern "C" cvb_status cvb_match_descriptors(cvb_feature_type type, int32_t descriptor_bytes,
                                            const uint8_t *query, int32_t query_count,
                                            const uint8_t *train, int32_t train_count,
                                            const cvb_match_options *options,
                                            cvb_match **out, int32_t *out_count) {
    return cvb::guarded("cvb_match_descriptors", [&]() -> cvb_status {
        if (!options || !out || !out_count) return cvb::fail(CVB_INVALID_ARGUMENT, "NULL argument");
        if (query_count < 0 || train_count < 0) return cvb::fail(CVB_INVALID_ARGUMENT, "negative count");
        int expected = type == CVB_FEATURE_SIFT ? 128 : 32;
        if (descriptor_bytes != expected)
            return cvb::fail(CVB_INVALID_ARGUMENT, "descriptor_bytes must be " + std::to_string(expected));
        *out = nullptr; *out_count = 0;
        if (query_count == 0 || train_count == 0) return CVB_OK;
        if (!query || !train) return cvb::fail(CVB_INVALID_ARGUMENT, "NULL descriptors");
        cv::Mat q = wrapDescriptors(type, descriptor_bytes, query, query_count);
        cv::Mat t = wrapDescriptors(type, descriptor_bytes, train, train_count);
        auto fwd = knn2(type, q, t);
        std::vector<int> backBest;
        if (options->mutual) {
            auto back = knn2(type, t, q);
            backBest.assign(size_t(train_count), -1);
            for (auto &m : back) if (!m.empty()) backBest[size_t(m[0].queryIdx)] = m[0].trainIdx;
        }
        std::vector<cvb_match> kept;
        for (auto &m : fwd) {
            if (m.empty()) continue;
            const cv::DMatch &best = m[0];
            if (options->ratio > 0 && m.size() > 1 && best.distance > options->ratio * m[1].distance) continue;
            if (options->max_distance > 0 && best.distance > float(options->max_distance)) continue;
            if (options->mutual && backBest[size_t(best.trainIdx)] != best.queryIdx) continue;
            kept.push_back(cvb_match{best.queryIdx, best.trainIdx, best.distance});
        }
        if (kept.empty()) return CVB_OK;
        *out = static_cast<cvb_match *>(std::malloc(sizeof(cvb_match) * kept.size()));
        if (!*out) return cvb::fail(CVB_INTERNAL, "out of memory for matches");
        std::copy(kept.begin(), kept.end(), *out);
        *out_count = int32_t(kept.size());
        return CVB_OK;
    });
}

extern "C" cvb_status cvb_descriptor_index_create(cvb_feature_type type, int32_t descriptor_bytes,
                                                  const uint8_t *descriptors, int32_t count,
                                                  cvb_descriptor_index **out) {
    return cvb::guarded("cvb_descriptor_index_create", [&]() -> cvb_status {
        if (!out) return cvb::fail(CVB_INVALID_ARGUMENT, "NULL argument");
        *out = nullptr;
        int expected = type == CVB_FEATURE_SIFT ? 128 : 32;
        if (descriptor_bytes != expected)
            return cvb::fail(CVB_INVALID_ARGUMENT, "descriptor_bytes must be " + std::to_string(expected));
        if (count < 0 || (count > 0 && !descriptors)) return cvb::fail(CVB_INVALID_ARGUMENT, "bad descriptors");
        auto idx = std::make_unique<cvb_descriptor_index>();
        idx->type = type; idx->bytes = descriptor_bytes; idx->count = count;
        if (count > 0) {
            idx->data = wrapDescriptors(type, descriptor_bytes, descriptors, count).clone();
            // OpenCV's FLANN randomizes its trees (and LSH tables) through cv::theRNG(), a
            // per-thread generator whose state is whatever that thread drew last: seed it, or
            // the trees, and so the approximate matches, depend on which worker thread
            // built them.
            cv::theRNG() = cv::RNG(0x5eed);
            if (type == CVB_FEATURE_SIFT)
                idx->flann = std::make_unique<cv::flann::Index>(idx->data, cv::flann::KDTreeIndexParams(4),
                                                                cvflann::FLANN_DIST_L2);
            else
                // Hierarchical k-medoids trees, not LSH: on the synthetic ORB layer (11k
                // points, 30k descriptors) LSH(12, 20, 2) took 300 ms for 2000 queries.
                idx->flann = std::make_unique<cv::flann::Index>(idx->data, cv::flann::HierarchicalClusteringIndexParams(32, cvflann::FLANN_CENTERS_RANDOM, 4, 100),
                                                                cvflann::FLANN_DIST_HAMMING);
        }
        *out = idx.release();
        return CVB_OK;
    });
}

extern "C" cvb_status cvb_descriptor_index_knn(const cvb_descriptor_index *index, const uint8_t *queries,
                                               int32_t query_count, int32_t k, int32_t checks,
                                               int32_t *indices, float *distances) {
    return cvb::guarded("cvb_descriptor_index_knn", [&]() -> cvb_status {
        if (!index || !indices || !distances) return cvb::fail(CVB_INVALID_ARGUMENT, "NULL argument");
        if (query_count < 0 || k <= 0) return cvb::fail(CVB_INVALID_ARGUMENT, "query_count must be ≥ 0 and k > 0");
        for (size_t i = 0; i < size_t(query_count) * size_t(k); ++i) {
            indices[i] = -1;
            distances[i] = std::numeric_limits<float>::infinity();
        }
        if (query_count == 0 || index->count == 0) return CVB_OK;
        if (!queries) return cvb::fail(CVB_INVALID_ARGUMENT, "NULL queries");
        int kk = std::min(k, index->count);
        cv::Mat q = wrapDescriptors(index->type, index->bytes, queries, query_count);
        cv::Mat ind, dist;
        cv::flann::SearchParams params(checks > 0 ? checks : 64);
        const_cast<cv::flann::Index *>(index->flann.get())->knnSearch(q, ind, dist, kk, params);
        for (int r = 0; r < query_count; ++r) {
            for (int j = 0; j < kk; ++j) {
                int id = ind.at<int>(r, j);
                float d = dist.type() == CV_32F ? dist.at<float>(r, j) : float(dist.at<int>(r, j));
                if (index->type == CVB_FEATURE_SIFT) d = std::sqrt(std::max(0.0f, d));  // FLANN L2 is squared
                if (id < 0 || id >= index->count) continue;
                indices[size_t(r) * k + j] = id;
                distances[size_t(r) * k + j] = d;
            }
        }
        return CVB_OK;
    });
}

extern "C" void cvb_descriptor_index_free(cvb_descriptor_index *index) { delete index; }
