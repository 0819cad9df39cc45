import ArgumentParser
import Foundation
import Motion

/// `landmark-bench retarget`: frames retargeted per second.
struct BenchRetarget: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "retarget",
        abstract: "Time retargeting a BVH onto a character (JSON on stdout).")
    @Option(help: "The BVH (default: ../shared/data/mocap/cmu_cgspeed_motionbuilder/01_03.bvh).")
    var bvh: String = "../shared/data/mocap/cmu_cgspeed_motionbuilder/01_03.bvh"
    @Option(help: "The character (default: ../shared/data/characters/robot.glb).")
    var character: String = "../shared/data/characters/robot.glb"
    @Option(help: "Output fps (default: the source's, so every source frame is retargeted).") var fps: Double?
    @Option(help: "Timed repetitions (the best is reported).") var repeats: Int = 3

    func run() async throws {
        let t0 = Date()
        let doc = try BVHReader.read(path: bvh)
        let tParse = Date().timeIntervalSince(t0)
        let src = try MotionSource(bvh: doc, label: bvh)
        let (_, rig, tMap) = try RetargetJob.loadCharacter(character)
        var opts = RetargetOptions()
        opts.fps = fps ?? src.clip.fps
        var best = Double.infinity, frames = 0
        for _ in 0..<max(1, repeats) {
            let t = Date()
            let r = try Retargeter.retarget(source: src, target: rig.skeleton, targetMap: tMap, options: opts)
            best = min(best, Date().timeIntervalSince(t)); frames = r.clip.frameCount
        }
        let out: [String: Any] = [
            "bvh": bvh, "character": character, "sourceFrames": doc.frameCount, "sourceJoints": src.clip.skeleton.count,
            "targetJoints": rig.skeleton.count, "outputFrames": frames, "fps": opts.fps,
            "parseSeconds": tParse, "retargetSeconds": best, "framesPerSecond": Double(frames) / best,
            "includes": "sampling, FK, rest alignment, contacts, foot IK, local conversion",
        ]
        let data = try JSONSerialization.data(withJSONObject: out, options: [.prettyPrinted, .sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}
