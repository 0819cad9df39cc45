import Foundation

/// `retarget`: maps a BVH take onto a character's skeleton with feet planted, and writes the
/// animated character, through `Motion` (see `MotionRetargetAdapter.swift`).
///
/// ```yaml
/// - kind: retarget
///   bvh: mocap/**/*.bvh          # one job per take
///   character: assets/hero.glb
///   output: out/{parent}_{stem}.glb
///   anchor: [0, 12.5, 3]        # root position in the landmark frame (metres, Y up)
///   fps: 30
///   ground: true                # plant feet at the anchor's height (or a height in metres; false: no planting)
/// ```
public struct RetargetKind: JobKind {
    public init() {}
    public let name = "retarget"
    public var parameters: [ParameterSpec] {
        [
            ParameterSpec("bvh", .inputPath, required: true, help: "the motion-capture take (.bvh; may be a glob)"),
            ParameterSpec("character", .inputPath, required: true, help: "the rigged character (.glb/.gltf)"),
            ParameterSpec("output", .outputPath, required: true, help: "the animated GLB to write"),
            ParameterSpec("anchor", .list(.number),
                          help: "where the root stands: [x, y, z] metres in the landmark frame (Y up); y is the ground"),
            ParameterSpec("fps", .number, help: "resample the animation to this frame rate (default: the BVH's)"),
            ParameterSpec("ground", .oneOf([.boolean, .number]),
                          help: "plant the feet: true for the anchor's surface, or a ground height in metres"),
        ]
    }

    public func validate(_ parameters: [String: ManifestValue]) throws(BatchError) {
        if let fps = parameters["fps"]?.numberValue, !(fps > 0 && fps <= 1000) {
            throw .invalidJob(job: "", field: "fps", message: "must be in (0, 1000], got \(fps)")
        }
        if let output = parameters["output"]?.stringValue, !output.lowercased().hasSuffix(".glb") {
            throw .invalidJob(job: "", field: "output", message: "must end in .glb (a .gltf writes side files that cannot be committed atomically), got '\(output)'")
        }
        if let anchor = parameters["anchor"]?.arrayValue, anchor.count != 3 {
            throw .invalidJob(job: "", field: "anchor", message: "a position needs 3 numbers [x, y, z], got \(anchor.count)")
        }
    }

    public func run(_ invocation: JobInvocation) throws -> JobOutcome {
        try MotionRetargetAdapter.run(invocation)
    }
}
