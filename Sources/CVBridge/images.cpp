// Image codecs: header probing (size before decoding), decode with EXIF orientation,
// area resize and PNG/JPEG encoding. Pixels cross the seam as RGB, never BGR.
#include <cstring>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "CVBridge.h"
#include "bridge_internal.hpp"

namespace {

uint32_t be32(const uint8_t *p) { return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3]; }
uint16_t be16(const uint8_t *p) { return uint16_t((p[0] << 8) | p[1]); }

/// PNG: signature, then the IHDR chunk's width and height.
bool probe_png(const uint8_t *b, size_t n, int32_t *w, int32_t *h) {
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (n < 24 || std::memcmp(b, sig, 8) != 0 || std::memcmp(b + 12, "IHDR", 4) != 0) return false;
    uint32_t W = be32(b + 16), H = be32(b + 20);
    if (W == 0 || H == 0 || W > 0x7fffffff || H > 0x7fffffff) return false;
    *w = int32_t(W); *h = int32_t(H);
    return true;
}

/// JPEG: walk the marker segments up to the first SOFn frame header.
bool probe_jpeg(const uint8_t *b, size_t n, int32_t *w, int32_t *h) {
    if (n < 4 || b[0] != 0xFF || b[1] != 0xD8) return false;
    size_t i = 2;
    while (i + 4 <= n) {
        if (b[i] != 0xFF) return false;
        uint8_t marker = b[i + 1];
        if (marker == 0xFF) { ++i; continue; }             // fill byte
        if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) { i += 2; continue; }
        uint16_t len = be16(b + i + 2);
        if (len < 2) return false;
        bool sof = (marker >= 0xC0 && marker <= 0xCF) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (sof) {
            if (i + 9 > n) return false;
            *h = be16(b + i + 5);
            *w = be16(b + i + 7);
            return *w > 0 && *h > 0;
        }
        i += 2 + len;
    }
    return false;
}

cvb_status to_image(const cv::Mat &m, cvb_image *out) {
    size_t bytes = m.total() * m.elemSize();
    auto *px = static_cast<uint8_t *>(std::malloc(bytes ? bytes : 1));
    if (!px) return cvb::fail(CVB_INTERNAL, "out of memory for image");
    if (m.isContinuous()) std::memcpy(px, m.data, bytes);
    else for (int r = 0; r < m.rows; ++r) std::memcpy(px + r * m.cols * m.elemSize(), m.ptr(r), m.cols * m.elemSize());
    out->width = m.cols; out->height = m.rows; out->channels = m.channels(); out->pixels = px;
    return CVB_OK;
}

cv::Mat wrap(const cvb_image *img) {
    int type = img->channels == 1 ? CV_8UC1 : img->channels == 3 ? CV_8UC3 : CV_8UC4;
    return cv::Mat(img->height, img->width, type, img->pixels);
}

bool valid(const cvb_image *img) {
    return img && img->pixels && img->width > 0 && img->height > 0 &&
           (img->channels == 1 || img->channels == 3 || img->channels == 4);
}

} // namespace

extern "C" cvb_status cvb_image_probe(const uint8_t *bytes, size_t length, int32_t *width, int32_t *height) {
    return cvb::guarded("cvb_image_probe", [&]() -> cvb_status {
        if (!bytes || !width || !height) return cvb::fail(CVB_INVALID_ARGUMENT, "NULL argument");
        if (probe_png(bytes, length, width, height) || probe_jpeg(bytes, length, width, height)) return CVB_OK;
        return cvb::fail(CVB_DECODE_FAILED, length == 0 ? "empty image data"
                                                         : "not a JPEG or PNG image (or its header is truncated)");
    });
}

extern "C" cvb_status cvb_image_decode(const uint8_t *bytes, size_t length, int32_t channels,
                                       int32_t apply_exif_orientation, int64_t max_pixels, cvb_image *out) {
    return cvb::guarded("cvb_image_decode", [&]() -> cvb_status {
        if (!bytes || !out) return cvb::fail(CVB_INVALID_ARGUMENT, "NULL argument");
        if (channels != 1 && channels != 3) return cvb::fail(CVB_INVALID_ARGUMENT, "channels must be 1 or 3");
        *out = cvb_image{};
        int32_t w = 0, h = 0;
        cvb_status probe = cvb_image_probe(bytes, length, &w, &h);
        if (probe != CVB_OK) return probe;
        if (max_pixels > 0 && int64_t(w) * int64_t(h) > max_pixels)
            return cvb::fail(CVB_TOO_LARGE, "image is " + std::to_string(w) + "x" + std::to_string(h) +
                                                " pixels, over the limit of " + std::to_string(max_pixels));
        int flags = channels == 1 ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR;
        if (!apply_exif_orientation) flags |= cv::IMREAD_IGNORE_ORIENTATION;
        cv::Mat raw(1, int(length), CV_8UC1, const_cast<uint8_t *>(bytes));
        cv::Mat m = cv::imdecode(raw, flags);
        if (m.empty()) return cvb::fail(CVB_DECODE_FAILED, "image data is corrupt or truncated");
        if (channels == 3) cv::cvtColor(m, m, cv::COLOR_BGR2RGB);
        return to_image(m, out);
    });
}

extern "C" cvb_status cvb_image_resize(const cvb_image *src, int32_t width, int32_t height, cvb_image *out) {
    return cvb::guarded("cvb_image_resize", [&]() -> cvb_status {
        if (!valid(src) || !out || width <= 0 || height <= 0) return cvb::fail(CVB_INVALID_ARGUMENT, "bad image or size");
        cv::Mat dst;
        bool down = width < src->width || height < src->height;
        cv::resize(wrap(src), dst, cv::Size(width, height), 0, 0, down ? cv::INTER_AREA : cv::INTER_LINEAR);
        return to_image(dst, out);
    });
}

extern "C" cvb_status cvb_image_encode(const cvb_image *image, int32_t format, int32_t quality,
                                       uint8_t **out_bytes, size_t *out_length) {
    return cvb::guarded("cvb_image_encode", [&]() -> cvb_status {
        if (!valid(image) || !out_bytes || !out_length) return cvb::fail(CVB_INVALID_ARGUMENT, "bad image");
        cv::Mat m = wrap(image), bgr;
        if (image->channels == 3) cv::cvtColor(m, bgr, cv::COLOR_RGB2BGR);
        else if (image->channels == 4) cv::cvtColor(m, bgr, cv::COLOR_RGBA2BGRA);
        else bgr = m;
        std::vector<uchar> buf;
        std::vector<int> params;
        const char *ext = ".png";
        if (format == 1) { ext = ".jpg"; params = {cv::IMWRITE_JPEG_QUALITY, quality > 0 ? quality : 90}; }
        else if (format != 0) return cvb::fail(CVB_UNSUPPORTED, "format must be 0 (PNG) or 1 (JPEG)");
        if (!cv::imencode(ext, bgr, buf, params)) return cvb::fail(CVB_INTERNAL, "encoding failed");
        auto *p = static_cast<uint8_t *>(std::malloc(buf.size()));
        if (!p) return cvb::fail(CVB_INTERNAL, "out of memory");
        std::memcpy(p, buf.data(), buf.size());
        *out_bytes = p; *out_length = buf.size();
        return CVB_OK;
    });
}

extern "C" void cvb_image_free(cvb_image *image) {
    if (!image) return;
    std::free(image->pixels);
    *image = cvb_image{};
}

extern "C" void cvb_buffer_free(void *buffer) { std::free(buffer); }
