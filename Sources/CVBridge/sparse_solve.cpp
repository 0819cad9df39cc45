// Sparse linear least squares for UV parameterization (LSCM) and other sparse problems:
// normal equations with Eigen's SimplicialLDLT, or SparseQR, behind cvb_sparse_least_squares.
#include <cmath>
#include <string>
#include <vector>

#include <Eigen/Sparse>
#include <Eigen/SparseQR>
#include <Eigen/OrderingMethods>

#include "CVBridge.h"
#include "bridge_internal.hpp"

namespace {

using SpMat = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;

/// Least squares by sparse QR (COLAMD). Returns false when the factorization fails.
bool solve_qr(const SpMat &A, const Eigen::VectorXd &b, Eigen::VectorXd &x) {
    Eigen::SparseQR<SpMat, Eigen::COLAMDOrdering<int>> qr;
    qr.compute(A);
    if (qr.info() != Eigen::Success) return false;
    if (qr.rank() < A.cols()) return false;
    x = qr.solve(b);
    return qr.info() == Eigen::Success && x.allFinite();
}

/// Least squares by the normal equations and a simplicial LDLᵀ. Returns false when AᵀA is
/// not numerically positive definite.
bool solve_normal_ldlt(const SpMat &A, const Eigen::VectorXd &b, Eigen::VectorXd &x) {
    SpMat AtA = (A.transpose() * A).pruned();
    Eigen::VectorXd Atb = A.transpose() * b;
    Eigen::SimplicialLDLT<SpMat> ldlt;
    ldlt.compute(AtA);
    if (ldlt.info() != Eigen::Success) return false;
    const auto &D = ldlt.vectorD();
    double maxD = D.cwiseAbs().maxCoeff();
    if (!(maxD > 0) || D.minCoeff() <= maxD * 1e-14) return false;
    x = ldlt.solve(Atb);
    return ldlt.info() == Eigen::Success && x.allFinite();
}

} // namespace

extern "C" cvb_status cvb_sparse_least_squares(int32_t rows, int32_t cols, const cvb_triplet *triplets,
                                               int64_t triplet_count, const double *rhs,
                                               cvb_sparse_method method, double *x, double *residual_norm) {
    return cvb::guarded("cvb_sparse_least_squares", [&]() -> cvb_status {
        if (rows < 1 || cols < 1 || triplet_count < 0 || !rhs || !x || (triplet_count > 0 && !triplets))
            return cvb::fail(CVB_INVALID_ARGUMENT, "cvb_sparse_least_squares: NULL pointer or non-positive size");
        if (method != CVB_SPARSE_NORMAL_LDLT && method != CVB_SPARSE_QR)
            return cvb::fail(CVB_INVALID_ARGUMENT, "cvb_sparse_least_squares: unknown method " + std::to_string(int(method)));
        std::vector<Eigen::Triplet<double, int>> entries;
        entries.reserve(size_t(triplet_count));
        std::vector<uint8_t> used(size_t(cols), 0);
        for (int64_t i = 0; i < triplet_count; ++i) {
            const cvb_triplet &t = triplets[i];
            if (t.row < 0 || t.row >= rows || t.col < 0 || t.col >= cols)
                return cvb::fail(CVB_INVALID_ARGUMENT, "cvb_sparse_least_squares: triplet " + std::to_string(i) +
                                 " at (" + std::to_string(t.row) + ", " + std::to_string(t.col) + ") is outside " +
                                 std::to_string(rows) + "×" + std::to_string(cols));
            if (!std::isfinite(t.value))
                return cvb::fail(CVB_INVALID_ARGUMENT, "cvb_sparse_least_squares: triplet " + std::to_string(i) + " is not finite");
            if (t.value != 0) used[size_t(t.col)] = 1;
            entries.emplace_back(t.row, t.col, t.value);
        }
        for (int32_t c = 0; c < cols; ++c)
            if (!used[size_t(c)])
                return cvb::fail(CVB_ESTIMATION_FAILED, "cvb_sparse_least_squares: column " + std::to_string(c) + " has no entry");
        Eigen::Map<const Eigen::VectorXd> b(rhs, rows);
        if (!b.allFinite()) return cvb::fail(CVB_INVALID_ARGUMENT, "cvb_sparse_least_squares: rhs is not finite");
        SpMat A(rows, cols);
        A.setFromTriplets(entries.begin(), entries.end());
        A.makeCompressed();

        Eigen::VectorXd solution;
        bool ok = false;
        if (method == CVB_SPARSE_NORMAL_LDLT) ok = solve_normal_ldlt(A, b, solution);
        if (!ok) ok = solve_qr(A, b, solution);
        if (!ok) return cvb::fail(CVB_ESTIMATION_FAILED, "cvb_sparse_least_squares: the system is singular or rank deficient");
        Eigen::Map<Eigen::VectorXd>(x, cols) = solution;
        if (residual_norm) *residual_norm = (A * solution - b).norm();
        return CVB_OK;
    });
}
