import ArgumentParser
import Motion

/// Options describing how to read a BVH file.
struct BVHReadOptions: ParsableArguments {
    @Option(help: "BVH length unit: auto (guess from the figure's height), m, cm, mm, in, or metres per unit.")
    var units: String = "auto"
    @Option(help: "BVH up axis: auto (from the rest skeleton, else frame 0), y, z, -y, …")
    var up: String = "auto"

    func parsed() throws -> (BVHUnits, UpAxis) {
        guard let u = BVHUnits(units) else { throw ValidationError("--units must be auto, m, cm, mm, in or a positive number of metres per unit") }
        guard let a = UpAxis(up) else { throw ValidationError("--up must be auto, x, y, z, -x, -y or -z") }
        return (u, a)
    }
}
