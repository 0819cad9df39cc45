// Symmetric positive definite sparse solve (Eigen SimplicialLDLT on the upper triangle), behind
// cvb_sparse_symmetric_solve: for normal equations the caller assembles itself (LSCM).
#include <cmath>
#include <string>
#include <vector>

#include <Eigen/Sparse>

#include "CVBridge.h"
#include "bridge_internal.hpp"

extern "C" cvb_status cvb_sparse_symmetric_solve(int32_t n, const cvb_triplet *upper, int64_t count, const double *rhs,
                                                 double *x) {
    return cvb::guarded("cvb_sparse_symmetric_solve", [&]() -> cvb_status {
        if (n < 1 || count < 0 || !rhs || !x || (count > 0 && !upper))
            return cvb::fail(CVB_INVALID_ARGUMENT, "cvb_sparse_symmetric_solve: NULL pointer or non-positive size");
        std::vector<Eigen::Triplet<double, int>> entries;
        entries.reserve(size_t(count));
        for (int64_t i = 0; i < count; ++i) {
            const cvb_triplet &t = upper[i];
            if (t.row < 0 || t.col < 0 || t.row >= n || t.col >= n || t.row > t.col)
                return cvb::fail(CVB_INVALID_ARGUMENT, "cvb_sparse_symmetric_solve: entry " + std::to_string(i) + " at (" +
                                 std::to_string(t.row) + ", " + std::to_string(t.col) +
                                 ") is outside the upper triangle of " + std::to_string(n) + "×" + std::to_string(n));
            if (!std::isfinite(t.value))
                return cvb::fail(CVB_INVALID_ARGUMENT, "cvb_sparse_symmetric_solve: entry " + std::to_string(i) + " is not finite");
            entries.emplace_back(t.row, t.col, t.value);
        }
        Eigen::Map<const Eigen::VectorXd> b(rhs, n);
        if (!b.allFinite()) return cvb::fail(CVB_INVALID_ARGUMENT, "cvb_sparse_symmetric_solve: rhs is not finite");
        Eigen::SparseMatrix<double, Eigen::ColMajor, int> S(n, n);
        S.setFromTriplets(entries.begin(), entries.end());
        Eigen::SimplicialLDLT<Eigen::SparseMatrix<double, Eigen::ColMajor, int>, Eigen::Upper> ldlt;
        ldlt.compute(S);
        if (ldlt.info() != Eigen::Success)
            return cvb::fail(CVB_ESTIMATION_FAILED, "cvb_sparse_symmetric_solve: the factorization failed");
        const auto &D = ldlt.vectorD();
        double maxD = D.cwiseAbs().maxCoeff();
        if (!(maxD > 0) || D.minCoeff() <= maxD * 1e-14)
            return cvb::fail(CVB_ESTIMATION_FAILED, "cvb_sparse_symmetric_solve: the matrix is not positive definite");
        Eigen::VectorXd solution = ldlt.solve(b);
        if (ldlt.info() != Eigen::Success || !solution.allFinite())
            return cvb::fail(CVB_ESTIMATION_FAILED, "cvb_sparse_symmetric_solve: the solve failed");
        Eigen::Map<Eigen::VectorXd>(x, n) = solution;
        return CVB_OK;
    });
}
