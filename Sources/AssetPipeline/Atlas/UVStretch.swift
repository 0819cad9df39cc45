// L2 texture stretch of a parameterization: Sander, Snyder, Gortler, Hoppe, "Texture mapping
// progressive meshes", SIGGRAPH 2001, section 3. For a triangle mapped from 3D points q1..q3 to
// 2D points p1..p3, Ss and St are the partial derivatives of the inverse map; the L2 stretch is
// sqrt((|Ss|² + |St|²) / 2). Over a surface it is the area-weighted RMS, normalized by
// sqrt(total 2D area / total 3D area) so that 1 is isometric and larger is worse.
import Geometry

/// Accumulates Sander's L2 stretch over triangles.
struct StretchAccumulator: Sendable {
    private(set) var weightedSquares = 0.0   // Σ L2² · A3D
    private(set) var area3D = 0.0
    private(set) var area2D = 0.0

    /// Adds one triangle. Triangles with non-positive 2D area are ignored (they are flips,
    /// counted elsewhere).
    mutating func add(_ q1: Vec3, _ q2: Vec3, _ q3: Vec3, _ p1: SIMD2<Double>, _ p2: SIMD2<Double>, _ p3: SIMD2<Double>) {
        let a2 = signedArea(p1, p2, p3)
        let a3 = 0.5 * length(cross(q2 - q1, q3 - q1))
        guard a2 > 0, a3 > 0 else { return }
        let ss = (q1 * (p2.y - p3.y) + q2 * (p3.y - p1.y) + q3 * (p1.y - p2.y)) / (2 * a2)
        let st = (q1 * (p3.x - p2.x) + q2 * (p1.x - p3.x) + q3 * (p2.x - p1.x)) / (2 * a2)
        let l2sq = 0.5 * (dot(ss, ss) + dot(st, st))
        weightedSquares += l2sq * a3
        area3D += a3
        area2D += a2
    }

    mutating func add(_ other: StretchAccumulator) {
        weightedSquares += other.weightedSquares; area3D += other.area3D; area2D += other.area2D
    }

    /// The normalized L2 stretch (1 is isometric); 1 when nothing was added.
    var l2: Double {
        guard area3D > 0, area2D > 0 else { return 1 }
        return (weightedSquares / area3D).squareRoot() * (area2D / area3D).squareRoot()
    }
}

/// Twice-halved signed area of a 2D triangle: positive when p1, p2, p3 turn counter-clockwise.
@inline(__always)
func signedArea(_ p1: SIMD2<Double>, _ p2: SIMD2<Double>, _ p3: SIMD2<Double>) -> Double {
    0.5 * ((p2.x - p1.x) * (p3.y - p1.y) - (p3.x - p1.x) * (p2.y - p1.y))
}
