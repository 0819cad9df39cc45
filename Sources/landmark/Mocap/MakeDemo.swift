import ArgumentParser
import Foundation
import Motion
import Synthetic

extension Landmark.Mocap {
    /// `landmark mocap make-demo`: the project's own character and clip, made procedurally.
    struct MakeDemo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "make-demo",
            abstract: "Write the procedural rigged humanoid (humanoid.glb) and a procedural walk clip (walk.bvh).")
        @Option(help: "Output folder.") var out: String = "Assets"
        @Option(help: "Walk clip length in seconds.") var seconds: Double = 4

        func validate() throws {
            guard seconds > 0, seconds <= 120 else { throw ValidationError("--seconds must be between 0 and 120") }
        }
        func run() async throws {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let glb = (out as NSString).appendingPathComponent("humanoid.glb")
            let bvh = (out as NSString).appendingPathComponent("walk.bvh")
            try runMotion {
                try ProceduralHumanoid.writeCharacter(to: glb)
                try BVHWriter.write(ProceduralHumanoid.walkClip(seconds: seconds), to: bvh)
            }
            print("\(glb): procedural humanoid, \(ProceduralHumanoid.jointCount) joints, 1.75 m, Y up")
            print("\(bvh): procedural walk, \(seconds) s at 30 fps")
        }
    }
}
