/// Vectors are the standard library's SIMD types: `Vec3` is a point or direction in metres
/// (landmark frame: right-handed, Y up) or pixels, depending on the API that takes it.
public typealias Vec2 = SIMD2<Double>
public typealias Vec3 = SIMD3<Double>
public typealias Vec4 = SIMD4<Double>

@inlinable public func dot(_ a: Vec3, _ b: Vec3) -> Double { (a * b).sum() }
@inlinable public func dot(_ a: Vec2, _ b: Vec2) -> Double { (a * b).sum() }
@inlinable public func cross(_ a: Vec3, _ b: Vec3) -> Vec3 {
    Vec3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}
@inlinable public func length(_ a: Vec3) -> Double { dot(a, a).squareRoot() }
@inlinable public func length(_ a: Vec2) -> Double { dot(a, a).squareRoot() }
@inlinable public func distance(_ a: Vec3, _ b: Vec3) -> Double { length(a - b) }
/// The unit vector along `a`; `a` itself when its length is zero.
@inlinable public func normalize(_ a: Vec3) -> Vec3 {
    let l = length(a)
    return l > 0 ? a / l : a
}

public extension SIMD3 where Scalar == Double {
    /// The landmark frame's up direction (glTF convention).
    static let up = Vec3(0, 1, 0)
    var isFinite: Bool { x.isFinite && y.isFinite && z.isFinite }
}
