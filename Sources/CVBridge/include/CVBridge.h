// CVBridge: OpenCV 4 and Eigen 3 behind one plain C header.
//
// Conventions (read once, they hold for every entry point):
// - Every function returns a cvb_status. On failure, cvb_last_error() returns a message for
//   the calling thread that names the problem; outputs are left untouched or zeroed.
// - No C++ exception crosses this header: every entry point catches and converts.
// - Memory: a struct or buffer filled by a cvb_* call is owned by the caller afterwards and
//   released with the matching cvb_*_free. Inputs are borrowed for the call only.
// - Matrices are row-major doubles. Poses are camera_from_world (x_cam = R x_world + t) in
//   OpenCV camera axes (x right, y down, z forward). Quaternions are [w, x, y, z].
// - Pixels: 8-bit, row-major, interleaved, channels 1 (gray) or 3 (RGB order, not BGR).
#ifndef CVBRIDGE_H
#define CVBRIDGE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: - Status

typedef enum {
    CVB_OK = 0,
    CVB_INVALID_ARGUMENT = 1,   ///< a NULL pointer, a negative count, a non-finite value
    CVB_DECODE_FAILED = 2,      ///< bytes are not a decodable image (truncated, corrupt, not an image)
    CVB_UNSUPPORTED = 3,        ///< a format or option this build does not support
    CVB_TOO_LARGE = 4,          ///< an image over the caller's pixel limit
    CVB_NOT_ENOUGH_DATA = 5,    ///< too few points or matches for the requested estimate
    CVB_ESTIMATION_FAILED = 6,  ///< a robust estimator found no model
    CVB_CANCELLED = 7,          ///< a progress callback returned non-zero
    CVB_INTERNAL = 8,           ///< an unexpected OpenCV/Eigen error; see cvb_last_error()
} cvb_status;

/// A short constant name for a status ("ok", "decode failed", ...). Never NULL.
const char *cvb_status_string(cvb_status status);
/// The calling thread's message for its last failed call; "" when none. Valid until the
/// thread's next cvb_* call. Never NULL.
const char *cvb_last_error(void);

/// Progress callback: `done` of `total` steps. Return non-zero to cancel the operation.
typedef int32_t (*cvb_progress_fn)(void *context, int32_t done, int32_t total);

// MARK: - Images

typedef struct {
    int32_t width;
    int32_t height;
    int32_t channels;   ///< 1, 3 (RGB) or 4 (RGBA; encode and resize only)
    uint8_t *pixels;    ///< width*height*channels bytes; free with cvb_image_free
} cvb_image;

/// Reads an encoded image's size from its header without decoding the pixels (JPEG, PNG).
/// Use it to refuse huge images before spending memory on them.
/// @return CVB_DECODE_FAILED when the header is not a JPEG/PNG header or is truncated.
cvb_status cvb_image_probe(const uint8_t *bytes, size_t length, int32_t *width, int32_t *height);

/// Decodes JPEG or PNG bytes to 8-bit pixels.
/// @param channels 1 (gray) or 3 (RGB).
/// @param apply_exif_orientation non-zero rotates/flips as the JPEG's EXIF orientation says.
/// @param max_pixels refuse (CVB_TOO_LARGE) images with more pixels; 0 means no limit.
/// @param out filled on success; free with cvb_image_free.
cvb_status cvb_image_decode(const uint8_t *bytes, size_t length, int32_t channels,
                            int32_t apply_exif_orientation, int64_t max_pixels, cvb_image *out);

/// Resizes with area interpolation (for downscaling) into a new image.
cvb_status cvb_image_resize(const cvb_image *src, int32_t width, int32_t height, cvb_image *out);

/// Encodes pixels as PNG (quality ignored) or JPEG (quality 1–100).
/// @param format 0 = PNG, 1 = JPEG. @param out_bytes free with cvb_buffer_free.
cvb_status cvb_image_encode(const cvb_image *image, int32_t format, int32_t quality,
                            uint8_t **out_bytes, size_t *out_length);

/// Frees an image's pixels and zeroes the struct. NULL is a no-op.
void cvb_image_free(cvb_image *image);
/// Frees a buffer returned by the bridge. NULL is a no-op.
void cvb_buffer_free(void *buffer);

// MARK: - Features

typedef enum { CVB_FEATURE_SIFT = 0, CVB_FEATURE_ORB = 1 } cvb_feature_type;

typedef struct {
    cvb_feature_type type;
    int32_t max_features;        ///< keep the strongest N; 0 means the detector's default
    double sift_contrast_threshold; ///< SIFT only; 0 means OpenCV's default (0.04)
    int32_t root_sift;           ///< SIFT only: non-zero applies RootSIFT before quantizing
} cvb_feature_options;

typedef struct {
    float x, y;        ///< pixels
    float size;        ///< diameter in pixels
    float angle;       ///< degrees, [0, 360) or -1
    float response;
    int32_t octave;
} cvb_keypoint;

typedef struct {
    int32_t count;
    int32_t descriptor_bytes;  ///< 128 for SIFT (uint8-quantized), 32 for ORB (binary)
    cvb_keypoint *keypoints;   ///< count entries
    uint8_t *descriptors;      ///< count*descriptor_bytes bytes
} cvb_features;

/// Detects keypoints and computes descriptors on an 8-bit gray image.
/// Keypoint positions follow the pixel-centre convention ((0, 0) is the centre of the first
/// pixel); OpenCV SIFT's +0.25 px bias from its upsampled first octave is removed, and so is
/// ORB's bias of 0.5·(1.2^level − 1) px from scaling whole level pixels to the input.
/// @param out filled on success; free with cvb_features_free.
cvb_status cvb_extract_features(const cvb_image *gray, const cvb_feature_options *options,
                                cvb_features *out);
void cvb_features_free(cvb_features *features);

// MARK: - Matching

typedef struct {
    int32_t query;   ///< index into the first (query) set
    int32_t train;   ///< index into the second (train) set
    float distance;
} cvb_match;

typedef struct {
    float ratio;        ///< Lowe's ratio test threshold, e.g. 0.8; 0 disables it
    int32_t mutual;     ///< non-zero keeps only mutual nearest neighbours
    int32_t max_distance; ///< reject matches farther than this; 0 means no limit
} cvb_match_options;

/// Matches two descriptor sets of one feature type (L2 for SIFT, Hamming for ORB).
/// @param out free with cvb_buffer_free; *out_count entries.
cvb_status cvb_match_descriptors(cvb_feature_type type, int32_t descriptor_bytes,
                                 const uint8_t *query, int32_t query_count,
                                 const uint8_t *train, int32_t train_count,
                                 const cvb_match_options *options,
                                 cvb_match **out, int32_t *out_count);

/// An index over one descriptor set for fast approximate k-nearest-neighbour search
/// (FLANN kd-trees for SIFT, hierarchical clustering for ORB). Built once, queried from many threads.
typedef struct cvb_descriptor_index cvb_descriptor_index;

cvb_status cvb_descriptor_index_create(cvb_feature_type type, int32_t descriptor_bytes,
                                       const uint8_t *descriptors, int32_t count,
                                       cvb_descriptor_index **out);
/// k nearest neighbours of each query row. Writes query_count*k indices and distances
/// (-1 and +inf where fewer than k exist). @param checks search effort; 0 is a safe default.
cvb_status cvb_descriptor_index_knn(const cvb_descriptor_index *index, const uint8_t *queries,
                                    int32_t query_count, int32_t k, int32_t checks,
                                    int32_t *indices, float *distances);
void cvb_descriptor_index_free(cvb_descriptor_index *index);

// MARK: - Robust estimation options

typedef struct {
    double max_error_px;      ///< inlier threshold in pixels
    double confidence;        ///< e.g. 0.9999
    int32_t max_iterations;   ///< 0 means a safe default (10000)
    uint64_t seed;            ///< seeds the sampler, so results are reproducible
} cvb_ransac_options;

// MARK: - Two-view geometry

/// Essential matrix with USAC (MAGSAC++) from pixel correspondences of two calibrated
/// cameras, then the relative pose by the cheirality check.
/// @param points1,points2 n×2 pixels. @param K1,K2 3×3 intrinsics.
/// @param R_2from1,t_2from1 camera2_from_camera1 with ‖t‖ = 1.
/// @param inlier_mask n bytes, 1 for inliers of the pose. May be NULL.
cvb_status cvb_estimate_relative_pose(const double *points1, const double *points2, int32_t n,
                                      const double K1[9], const double K2[9],
                                      const cvb_ransac_options *options,
                                      double R_2from1[9], double t_2from1[3],
                                      uint8_t *inlier_mask, int32_t *num_inliers);

/// Fundamental matrix with USAC (MAGSAC++) from pixel correspondences (uncalibrated).
cvb_status cvb_estimate_fundamental(const double *points1, const double *points2, int32_t n,
                                    const cvb_ransac_options *options, double F[9],
                                    uint8_t *inlier_mask, int32_t *num_inliers);

/// Homography with USAC from pixel correspondences (for planar-scene / rotation-only checks).
cvb_status cvb_estimate_homography(const double *points1, const double *points2, int32_t n,
                                   const cvb_ransac_options *options, double H[9],
                                   uint8_t *inlier_mask, int32_t *num_inliers);

// MARK: - Triangulation

/// Linear (DLT) triangulation of n points seen by two 3×4 projection matrices P = K [R|t]
/// in pixels. @param points3d n×3 output.
cvb_status cvb_triangulate(const double P1[12], const double P2[12], const double *points1,
                           const double *points2, int32_t n, double *points3d);

// MARK: - Absolute pose

/// Camera pose from 2D–3D correspondences: P3P/AP3P minimal samples in USAC, then
/// Levenberg–Marquardt refinement on the inliers.
/// @param points3d n×3 world points; @param points2d n×2 pixels.
/// @param K 3×3; @param distortion k1,k2,p1,p2 or NULL.
/// @param R,t camera_from_world out (also the initial guess when use_guess is non-zero).
cvb_status cvb_solve_pnp_ransac(const double *points3d, const double *points2d, int32_t n,
                                const double K[9], const double *distortion,
                                const cvb_ransac_options *options, int32_t use_guess,
                                double R[9], double t[3], uint8_t *inlier_mask,
                                int32_t *num_inliers);

/// Levenberg–Marquardt refinement of a camera_from_world pose on given correspondences.
cvb_status cvb_refine_pose(const double *points3d, const double *points2d, int32_t n,
                           const double K[9], const double *distortion, double R[9], double t[3]);

// MARK: - Bundle adjustment

typedef struct {
    int32_t image;     ///< index into the problem's images
    int32_t point;     ///< index into the problem's points
    double x, y;       ///< observed pixel
} cvb_ba_observation;

/// A bundle-adjustment problem. Arrays are borrowed and updated in place on success.
typedef struct {
    int32_t num_cameras;
    int32_t num_images;
    int32_t num_points;
    int32_t num_observations;
    double *cameras;              ///< 8 per camera: fx, fy, cx, cy, k1, k2, p1, p2
    const int32_t *image_camera;  ///< num_images camera indices
    double *image_poses;          ///< 7 per image: qw, qx, qy, qz, tx, ty, tz (camera_from_world)
    double *points;               ///< 3 per point
    const cvb_ba_observation *observations;
    const uint8_t *image_fixed;   ///< num_images flags: 1 keeps the pose constant; may be NULL
    const uint8_t *point_fixed;   ///< num_points flags; may be NULL
} cvb_ba_problem;

typedef struct {
    int32_t max_iterations;     ///< 0 means 50
    double loss_scale_px;       ///< Huber loss scale in pixels; 0 means plain least squares
    int32_t refine_focal;       ///< non-zero refines fx (and fy with the same ratio)
    int32_t refine_principal_point;
    int32_t refine_distortion;  ///< k1, k2
    double function_tolerance;  ///< relative cost change to stop; 0 means 1e-8
    cvb_progress_fn progress;   ///< may be NULL
    void *progress_context;
} cvb_ba_options;

typedef struct {
    int32_t iterations;
    double initial_rmse_px;
    double final_rmse_px;
    int32_t converged;
} cvb_ba_report;

/// Levenberg–Marquardt on reprojection error with a sparse Schur complement (Eigen),
/// a robust loss, intrinsics fixed or refined. Gauge: keep at least one image fixed (and
/// the scale, e.g. a second image's translation norm) or the caller re-normalizes.
cvb_status cvb_bundle_adjust(cvb_ba_problem *problem, const cvb_ba_options *options,
                             cvb_ba_report *report);

// MARK: - Descriptors at given keypoints

typedef struct {
    /// Keypoints with size <= 0 (unknown, e.g. from a COLMAP text model) take the size and
    /// angle of the nearest SIFT detection on the image within this many pixels (the
    /// position stays as given). 0 disables the detection pass.
    float snap_radius_px;
    /// Size (diameter, pixels) for keypoints with size <= 0 that found no detection to snap
    /// to. 0 (the safe default) selects it per keypoint: the scale whose difference-of-
    /// Gaussians response at the position is strongest (the keypoint's angle is then
    /// recomputed for that scale).
    float default_size_px;
} cvb_descriptor_options;

/// Computes descriptors at given keypoint positions on an 8-bit gray image, e.g. to give a
/// map imported from COLMAP the descriptors localization matches against.
/// Unknown scale and orientation are filled in first: a keypoint with size <= 0 snaps to
/// the nearest SIFT detection (see options), else gets a selected or the default size; a keypoint with
/// angle < 0 gets the dominant gradient orientation in a Gaussian window of its scale
/// (SIFT's orientation assignment, OpenCV's angle convention: degrees in [0, 360),
/// image axes with y down).
/// @return CVB_UNSUPPORTED for types other than CVB_FEATURE_SIFT; CVB_INVALID_ARGUMENT for
///   a non-gray image, a NULL pointer with count > 0, or a non-finite position.
/// @param gray 1-channel image; borrowed.
/// @param options may be NULL (snap radius 2 px, size selected per keypoint).
/// @param count number of keypoints; 0 is a no-op.
/// @param keypoints count entries, in/out: x, y are read (pixels, OpenCV convention: (0,0)
///   is the centre of the first pixel); size and angle are read, and on return hold the
///   values the descriptor was computed with. response and octave are ignored and zeroed.
/// @param descriptors caller-allocated, count*128 bytes: SIFT descriptors quantized to
///   uint8 (as OpenCV and COLMAP store them), row i for keypoint i.
/// @param snapped caller-allocated, count bytes (1 where the keypoint took a detection's
///   size and angle, else 0); may be NULL.
cvb_status cvb_compute_descriptors(const cvb_image *gray, cvb_feature_type type,
                                   const cvb_descriptor_options *options, int32_t count,
                                   cvb_keypoint *keypoints, uint8_t *descriptors,
                                   uint8_t *snapped);

// MARK: - Sparse least squares

/// One non-zero entry of a sparse matrix: A[row, col] += value (duplicates are summed).
typedef struct {
    int32_t row;
    int32_t col;
    double value;
} cvb_triplet;

typedef enum {
    /// Normal equations AᵀA x = Aᵀb with a simplicial LDLᵀ (AMD ordering). Fastest; squares
    /// the condition number, which is harmless for well-posed problems such as LSCM with two
    /// pinned vertices. Falls back to CVB_SPARSE_QR when AᵀA is not positive definite.
    CVB_SPARSE_NORMAL_LDLT = 0,
    /// Sparse QR with COLAMD ordering. Slower, robust to rank deficiency.
    CVB_SPARSE_QR = 1,
} cvb_sparse_method;

/// Sparse linear least squares: x = argmin ‖A x − b‖₂ (Eigen SimplicialLDLT or SparseQR).
/// Used by UV parameterization (LSCM), usable by any over-determined sparse linear problem.
/// @return CVB_INVALID_ARGUMENT for a NULL pointer, non-positive sizes, an index out of range or a
///   non-finite value; CVB_ESTIMATION_FAILED when the system is singular (a column with no entry,
///   a rank-deficient A under QR).
/// @param rows,cols the size of A (rows ≥ 1, cols ≥ 1).
/// @param triplets triplet_count entries of A, any order; borrowed.
/// @param rhs rows values of b; borrowed.
/// @param method CVB_SPARSE_NORMAL_LDLT (0) is a safe default.
/// @param x cols values, written on success (caller-owned).
/// @param residual_norm ‖A x − b‖₂ on success; may be NULL.
cvb_status cvb_sparse_least_squares(int32_t rows, int32_t cols, const cvb_triplet *triplets,
                                    int64_t triplet_count, const double *rhs,
                                    cvb_sparse_method method, double *x, double *residual_norm);

/// Symmetric positive definite sparse solve: x = S⁻¹ b, S given by the entries of its upper
/// triangle (row ≤ col; duplicates are summed; entries below the diagonal are an error), by
/// Eigen's SimplicialLDLT (AMD ordering). For callers that assemble normal equations AᵀA
/// themselves (LSCM: one 6×6 block per triangle), which skips forming A and the product.
/// @return CVB_INVALID_ARGUMENT for a NULL pointer, n < 1, an index out of range or below the
///   diagonal, or a non-finite value; CVB_ESTIMATION_FAILED when S is not numerically positive
///   definite (the caller may fall back to cvb_sparse_least_squares, which tries QR).
/// @param n the size of S (n ≥ 1).
/// @param upper count entries of S's upper triangle, any order; borrowed.
/// @param rhs n values of b; borrowed.
/// @param x n values, written on success (caller-owned).
cvb_status cvb_sparse_symmetric_solve(int32_t n, const cvb_triplet *upper, int64_t count, const double *rhs, double *x);

#ifdef __cplusplus
}
#endif
#endif
