import Foundation
import Testing
import Synthetic

/// The synthetic landmark shared by the end-to-end tests: synthesized, registered with its
/// ground-truth priors (metres, Y up) and an ORB query layer, and given the demo humanoid,
/// once per test run.
struct SyntheticFixture: Sendable {
    /// Synth settings: the full-size capture (40 views at 1024×768) registers every view;
    /// at 640×480 the far street ring lacks matches and only part of the capture registers.
    static let views = 40, queries = 3, width = 1024, height = 768, seed = 3

    var dir: URL
    var synth: URL { dir.appendingPathComponent("synth") }
    var map: URL { dir.appendingPathComponent("s.landmark") }
    var groundTruth: GroundTruthFile
    var humanoid: URL { dir.appendingPathComponent("assets/humanoid.glb") }
    var intrinsicsArgument: String {
        let q = groundTruth.queries[0]
        return "\(q.fx),\(q.fy),\(q.cx),\(q.cy)"
    }

    /// Built once; every test awaits the same task.
    static let shared = Task<SyntheticFixture, any Error> {
        let dir = try CLI.scratch("fixture")
        let synth = dir.appendingPathComponent("synth")
        try CLI.ok(["synth", "--seed", "\(seed)", "--views", "\(views)", "--queries", "\(queries)",
                    "--width", "\(width)", "--height", "\(height)", "--out", synth.path])
        try CLI.ok(["register", synth.appendingPathComponent("images").path,
                    "--intrinsics", synth.appendingPathComponent("intrinsics.json").path,
                    "--priors", synth.appendingPathComponent("ground_truth.json").path, "--orb-layer",
                    "--out", dir.appendingPathComponent("s.landmark").path])
        try CLI.ok(["mocap", "make-demo", "--out", dir.appendingPathComponent("assets").path])
        let gt = try GroundTruthFile.read(from: synth.appendingPathComponent("ground_truth.json"))
        return SyntheticFixture(dir: dir, groundTruth: gt)
    }

    static func get() async throws -> SyntheticFixture { try await shared.value }
}

/// Small pose maths on [w,x,y,z] quaternions and [x,y,z] arrays (no dependency on the modules).
enum PoseMath {
    static func rotate(_ q: [Double], _ v: [Double]) -> [Double] {
        let w = q[0], u = [q[1], q[2], q[3]]
        let uv = cross(u, v), uuv = cross(u, uv)
        return (0..<3).map { v[$0] + 2 * (w * uv[$0] + uuv[$0]) }
    }
    static func conjugate(_ q: [Double]) -> [Double] { [q[0], -q[1], -q[2], -q[3]] }
    static func cross(_ a: [Double], _ b: [Double]) -> [Double] {
        [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
    }
    static func distance(_ a: [Double], _ b: [Double]) -> Double {
        (0..<3).map { (a[$0] - b[$0]) * (a[$0] - b[$0]) }.reduce(0, +).squareRoot()
    }
    /// Camera centre in the world from a cameraFromWorld pose: −Rᵀ t.
    static func centre(rotation: [Double], translation: [Double]) -> [Double] {
        rotate(conjugate(rotation), translation).map { -$0 }
    }
    static func centre(_ pose: GroundTruthFile.Pose) -> [Double] { centre(rotation: pose.rotation, translation: pose.translation) }
    /// Pixel (OpenCV convention) of world point `x` in `view`, nil when behind the camera.
    static func project(_ x: [Double], in view: GroundTruthFile.View) -> (u: Double, v: Double)? {
        let r = rotate(view.cameraFromWorld.rotation, x)
        let p = (0..<3).map { r[$0] + view.cameraFromWorld.translation[$0] }
        guard p[2] > 0 else { return nil }
        return (view.fx * p[0] / p[2] + view.cx, view.fy * p[1] / p[2] + view.cy)
    }
    /// World direction of the ray through pixel (u, v) of `view`.
    static func ray(u: Double, v: Double, in view: GroundTruthFile.View) -> [Double] {
        let d = [(u - view.cx) / view.fx, (v - view.cy) / view.fy, 1]
        return rotate(conjugate(view.cameraFromWorld.rotation), d)
    }
    /// Angle in degrees between two unit quaternions.
    static func angleDegrees(_ a: [Double], _ b: [Double]) -> Double {
        let dot = abs((0..<4).map { a[$0] * b[$0] }.reduce(0, +))
        return 2 * acos(min(1, dot)) * 180 / .pi
    }
}
