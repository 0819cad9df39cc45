// Triangle coverage by edge functions (Pineda 1988, "A parallel algorithm for polygon
// rasterization"), with the top-left fill rule of Direct3D/OpenGL so that two triangles sharing
// an edge never both cover, nor both miss, a sample on it. Shared by the camera rasterizer and
// the UV-space rasterizer.
//
// Samples are at integer coordinates: sample (x, y) is the centre of pixel (x, y), as in
// OpenCV's pixel convention.

/// Calls `body(x, y, b0, b1, b2)` for every sample covered by the triangle (a, b, c) in the
/// rows `rows` and columns `0..<width`, with screen-space barycentric weights (b0 + b1 + b2 = 1).
/// The triangle may have either winding; degenerate triangles cover nothing.
@inline(__always)
func forEachCoveredSample(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ cx: Double, _ cy: Double,
                          rows: Range<Int>, width: Int,
                          _ body: (Int, Int, Double, Double, Double) -> Void) {
    var bx = bx, by = by, cx = cx, cy = cy
    var area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
    var swapped = false
    if area < 0 { swap(&bx, &cx); swap(&by, &cy); area = -area; swapped = true }
    guard area > 0, area.isFinite else { return }
    // Bounding box of samples, clipped to the rows and columns.
    let minX = max(0, Int(max(-1, min(ax, bx, cx)).rounded(.up)))
    let maxX = min(width - 1, Int(min(Double(width), max(ax, bx, cx)).rounded(.down)))
    let minY = max(rows.lowerBound, Int(max(-1, min(ay, by, cy)).rounded(.up)))
    let maxY = min(rows.upperBound - 1, Int(min(Double(rows.upperBound), max(ay, by, cy)).rounded(.down)))
    guard minX <= maxX, minY <= maxY else { return }
    // E_i(x, y) = A_i x + B_i y + C_i, positive inside; edge i is opposite vertex i.
    let a0 = by - cy, b0 = cx - bx, c0 = -(a0 * bx + b0 * by)   // edge b→c
    let a1 = cy - ay, b1 = ax - cx, c1 = -(a1 * cx + b1 * cy)   // edge c→a
    let a2 = ay - by, b2 = bx - ax, c2 = -(a2 * ax + b2 * ay)   // edge a→b
    let tl0 = a0 > 0 || (a0 == 0 && b0 > 0)
    let tl1 = a1 > 0 || (a1 == 0 && b1 > 0)
    let tl2 = a2 > 0 || (a2 == 0 && b2 > 0)
    let invArea = 1 / area
    for y in minY...maxY {
        let fy = Double(y)
        let r0 = b0 * fy + c0, r1 = b1 * fy + c1, r2 = b2 * fy + c2
        // The span where all three edge functions are about non-negative, widened by one
        // sample and then tested exactly.
        var lo = Double(minX), hi = Double(maxX)
        @inline(__always) func limit(_ a: Double, _ r: Double) -> Bool {
            if a > 0 { lo = max(lo, (-r / a).rounded(.down) - 1) }
            else if a < 0 { hi = min(hi, (-r / a).rounded(.up) + 1) }
            else if r < 0 { return false }
            return true
        }
        guard limit(a0, r0), limit(a1, r1), limit(a2, r2), lo <= hi else { continue }
        for x in Int(lo)...Int(hi) {
            let fx = Double(x)
            let e0 = a0 * fx + r0, e1 = a1 * fx + r1, e2 = a2 * fx + r2
            guard e0 > 0 || (e0 == 0 && tl0), e1 > 0 || (e1 == 0 && tl1), e2 > 0 || (e2 == 0 && tl2) else { continue }
            let w0 = e0 * invArea, w1 = e1 * invArea, w2 = e2 * invArea
            if swapped { body(x, y, w0, w2, w1) } else { body(x, y, w0, w1, w2) }
        }
    }
}
