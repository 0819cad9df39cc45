import CVBridge

/// x = argmin ‖A x − b‖₂ for a sparse A given as (row, column, value) entries (duplicates are
/// summed), through CVBridge (Eigen: normal equations + LDLᵀ, SparseQR fallback).
/// - Returns: nil and the bridge's message when the system is singular or invalid.
func sparseLeastSquares(rows: Int, columns: Int, entries: [cvb_triplet], rhs: [Double]) -> (x: [Double]?, message: String) {
    precondition(rhs.count == rows, "rhs must have one value per row")
    var x = [Double](repeating: 0, count: columns)
    let status = entries.withUnsafeBufferPointer { t in
        cvb_sparse_least_squares(Int32(rows), Int32(columns), t.baseAddress, Int64(t.count), rhs,
                                 CVB_SPARSE_NORMAL_LDLT, &x, nil)
    }
    return status == CVB_OK ? (x, "") : (nil, String(cString: cvb_last_error()))
}
