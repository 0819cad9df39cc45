import Foundation
import Motion

/// The seam between the `retarget` job kind and `Motion`: manifest fields →
/// `RetargetOptions`, `RetargetJob.run` (BVH + character → GLB with one new animation),
/// result → metrics.
///
/// `anchor: [x, y, z]`: Motion works in the character's frame, so the anchor's height `y` is
/// the ground the feet are planted on when `ground: true`; x and z are recorded in the
/// metrics (placing the character at the anchor is the Anchoring module's job at runtime).
enum MotionRetargetAdapter {
    static func run(_ invocation: JobInvocation) throws -> JobOutcome {
        guard let bvh = invocation.string("bvh"), let character = invocation.string("character"),
              let output = invocation.outputs["output"] else {
            throw BatchError.jobFailed("retarget: bvh, character and output are required")
        }
        let anchor = invocation.parameters["anchor"]?.arrayValue?.compactMap(\.numberValue)
        var options = RetargetOptions()
        if let fps = invocation.number("fps") { options.fps = fps }
        switch invocation.parameters["ground"] {
        case .bool(false)?: options.ground = nil
        case .number(let height)?: options.ground = height
        default: options.ground = anchor.map { $0[1] } ?? 0  // true or absent: the anchor's surface
        }
        let summary = try RetargetJob.run(bvhPath: bvh, characterPath: character, outPath: output.path, options: options)
        let result = summary.result
        var metrics: [String: ManifestValue] = [
            "frames": .number(Double(result.clip.frameCount)),
            "fps": .number(options.fps),
            "seconds": .number(result.times.last ?? 0),
            "mappedJoints": .number(Double(result.pairs.count)),
            "legScale": .number(result.scale),
            "contactsLeft": .number(Double(result.contacts.first?.count ?? 0)),
            "contactsRight": .number(Double(result.contacts.dropFirst().first?.count ?? 0)),
        ]
        if let ground = options.ground { metrics["ground"] = .number(ground) }
        if let anchor { metrics["anchor"] = .array(anchor.map(ManifestValue.number)) }
        return JobOutcome(metrics: metrics)
    }
}
