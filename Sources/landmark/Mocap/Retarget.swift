import ArgumentParser
import Foundation
import LandmarkMap
import Motion

extension Landmark.Mocap {
    /// `landmark mocap retarget`.
    struct Retarget: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "retarget",
            abstract: "Retarget a BVH onto a rigged glTF character; writes the character with one new animation.")
        @Argument(help: "The BVH file.") var bvh: String
        @Option(help: "The character (glTF or GLB with a skin).") var character: String
        @Option(help: "Output .glb or .gltf.") var out: String
        @Option(name: .customLong("bvh-out"), help: "Also write the result as BVH on the character's skeleton (centimetres).") var bvhOut: String?
        @Option(help: "JSON {\"sourceBone\": \"characterBone\"} overriding the automatic mapping.") var map: String?
        @Option(help: "Output frame rate.") var fps: Double = 30
        @Option(help: "Ground height in metres (the anchor surface); feet are planted on it.") var ground: Double = 0
        @Option(help: "MAP:ANCHOR, e.g. gate.landmark:roof: plant the feet on that anchor's surface (the character's root stands on the anchor, so its surface is y = 0 of the anchor frame).")
        var anchor: String?
        @Flag(name: .customLong("in-place"), help: "Remove the horizontal root motion.") var inPlace = false
        @Flag(name: .customLong("no-foot-ik"), help: "Do not lock feet during contacts.") var noFootIK = false
        @Option(help: "Animation name (default: the BVH file name).") var name: String?
        @Flag(name: .customLong("keep-animations"), help: "Keep the character's own animations (default: the output holds only the new one).") var keepAnimations = false
        @OptionGroup var read: BVHReadOptions

        func validate() throws {
            guard fps > 0, fps <= 1000 else { throw ValidationError("--fps must be between 0 and 1000 frames per second") }
            guard ground.isFinite else { throw ValidationError("--ground must be a number of metres") }
            if let anchor {
                guard let colon = anchor.lastIndex(of: ":"), colon != anchor.startIndex, anchor.index(after: colon) != anchor.endIndex else {
                    throw ValidationError("--anchor takes MAP:ANCHOR, e.g. gate.landmark:roof")
                }
            }
            let ext = URL(fileURLWithPath: out).pathExtension.lowercased()
            guard ext == "glb" || ext == "gltf" else { throw ValidationError("--out must end in .glb or .gltf") }
        }

        func run() async throws {
            let (units, up) = try read.parsed()
            var opts = RetargetOptions()
            opts.fps = fps; opts.ground = ground; opts.inPlace = inPlace; opts.footIK = !noFootIK
            if let anchor {
                // The anchor frame's origin is on the surface with +Y along its up: the ground is y = 0.
                let colon = anchor.lastIndex(of: ":")!
                let mapPath = String(anchor[..<colon]), anchorName = String(anchor[anchor.index(after: colon)...])
                let anchors = try LandmarkStore.anchors(in: URL(fileURLWithPath: mapPath))
                guard anchors.contains(where: { $0.name == anchorName }) else {
                    throw CLIError("map \(mapPath) has no anchor named '\(anchorName)'" + (anchors.isEmpty ? " (it has none)" : " (it has: \(anchors.map(\.name).joined(separator: ", ")))"))
                }
                opts.ground = 0
            }
            let s = try runMotion {
                try RetargetJob.run(bvhPath: bvh, characterPath: character, outPath: out, bvhOutPath: bvhOut, mapPath: map,
                                    units: units, up: up, options: opts, animationName: name,
                                    keepExistingAnimations: keepAnimations)
            }
            let r = s.result
            print("\(out): animation '\(name ?? URL(fileURLWithPath: bvh).deletingPathExtension().lastPathComponent)' \(r.clip.frameCount) frames at \(fps) fps, \(String(format: "%.3f", r.times.last ?? 0)) s; \(r.pairs.count) mapped joints, leg scale \(String(format: "%.3f", r.scale)); contacts L \(r.contacts[0].count) R \(r.contacts[1].count)")
            if let bvhOut { print("\(bvhOut): BVH on the character's skeleton (cm)") }
        }
    }
}
