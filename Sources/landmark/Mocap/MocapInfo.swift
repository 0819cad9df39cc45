import ArgumentParser
import Foundation
import Motion

extension Landmark.Mocap {
    /// `landmark mocap info`.
    struct Info: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "info",
            abstract: "Print a BVH file's joints, channels, frames, fps, units, up axis and the bone mapping it would use.")
        @Argument(help: "The BVH file.") var bvh: String
        @OptionGroup var read: BVHReadOptions
        @Option(help: "A character glTF/GLB: also print its skeleton's mapping and the source→character pairs.") var character: String?
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let (units, up) = try read.parsed()
            try runMotion {
                let doc = try BVHReader.read(path: bvh)
                let src = try MotionSource(bvh: doc, units: units, up: up, label: bvh)
                let sk = src.clip.skeleton
                let joints = doc.joints.filter { !$0.isEndSite }
                let height = sk.restWorld().positions.map(\.y)
                var out: [String: Any] = [
                    "file": bvh, "joints": joints.count, "endSites": doc.joints.count - joints.count,
                    "channels": doc.channelCount, "frames": doc.frameCount, "fps": (1 / doc.frameTime * 1000).rounded() / 1000,
                    "durationSeconds": src.clip.duration, "metresPerUnit": src.metresPerUnit, "units": src.unitsNote,
                    "upAxis": src.upAxis.rawValue, "up": src.upNote,
                    "reference": src.referenceFrame.map { "frame \($0)" } ?? "rest pose",
                    "restExtentMetres": (height.max() ?? 0) - (height.min() ?? 0),
                    "mapping": src.map.describe(sk),
                ]
                if let character {
                    let (_, rig, tMap) = try RetargetJob.loadCharacter(character)
                    out["characterMapping"] = tMap.describe(rig.skeleton)
                }
                if global.json {
                    let data = try JSONSerialization.data(withJSONObject: out, options: [.prettyPrinted, .sortedKeys])
                    print(String(decoding: data, as: UTF8.self))
                    return
                }
                print("\(bvh): \(joints.count) joints (+\(doc.joints.count - joints.count) End Sites), \(doc.channelCount) channels, \(doc.frameCount) frames at \(String(format: "%.3f", 1 / doc.frameTime)) fps (\(String(format: "%.2f", src.clip.duration)) s)")
                print("units: \(src.unitsNote) → \(src.metresPerUnit) m/unit; up axis \(src.upAxis.rawValue) (\(src.upNote)); reference pose: \(src.referenceFrame.map { "frame \($0)" } ?? "rest")")
                print("joints:")
                for j in joints {
                    let parent = j.parent >= 0 ? doc.joints[j.parent].name : "-"
                    print("  \(j.name)  (parent \(parent); \(j.channels.map(\.rawValue).joined(separator: " ")))")
                }
                print("mapping:")
                for l in src.map.describe(sk) { print("  " + l) }
                if let cm = out["characterMapping"] as? [String] {
                    print("character \(character!) mapping:")
                    for l in cm { print("  " + l) }
                }
            }
        }
    }
}
