import ArgumentParser
import LandmarkMap
import Foundation
import Motion

/// `landmark mocap …`: BVH motion capture onto a character's skeleton.
struct Mocap: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Inspect BVH mocap, retarget it onto a rigged glTF character, and measure the result.",
        subcommands: [MocapInfo.self, MocapRetarget.self, MocapReport.self, MocapMakeDemo.self]
    )
}

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

/// Runs `body`, printing Motion errors as one clear line and exiting non-zero.
func runMotion<T>(_ body: () throws -> T) throws -> T {
    do { return try body() }
    catch let e as MotionError {
        FileHandle.standardError.write(Data("error: \(e.description)\n".utf8))
        throw ExitCode.failure
    }
}

struct MocapInfo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info",
        abstract: "Print a BVH file's joints, channels, frames, fps, units, up axis and the bone mapping it would use.")
    @Argument(help: "The BVH file.") var bvh: String
    @OptionGroup var read: BVHReadOptions
    @Option(help: "A character glTF/GLB: also print its skeleton's mapping and the source→character pairs.") var character: String?
    @Flag(help: "Print JSON.") var json = false

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
            if json {
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

struct MocapRetarget: AsyncParsableCommand {
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

struct MocapReport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report",
        abstract: "Measure a retargeted animation: foot skating, penetration, floating, bone lengths, rotation difference, jitter.")
    @Argument(help: "A glTF/GLB written by `mocap retarget`.") var file: String
    @Option(help: "Animation index (default: the last retargeted one).") var animation: Int?
    @Option(help: "Source BVH (default: the one recorded in the file).") var source: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let r = try runMotion { try MotionReport.measure(path: file, animation: animation, sourceOverride: source) }
        if json {
            let enc = JSONEncoder(); enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try enc.encode(r), as: UTF8.self))
            return
        }
        func f(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "n/a" }
        print("\(file) '\(r.animation)': \(r.frames) frames at \(f(r.fps)) fps, \(f(r.durationSeconds)) s (source \(f(r.sourceDurationSeconds)) s)")
        print("foot skating in contact: \(f(r.skateMmPerFrame)) mm/frame over \(r.contactFrames) foot-frames")
        print("penetration: max \(f(r.penetrationMaxMm)) mm, \(r.framesBelow10mm) frames > 10 mm; floating in contact: \(f(r.floatingMmInContact)) mm")
        print("bone length error: \(String(format: "%.2e", r.boneLengthMaxRelativeError)) (relative, max)")
        print("rotation difference from source (mapped, outside IK legs): \(f(r.meanRotationDifferenceDeg))°; bone direction difference: \(f(r.meanBoneDirectionDifferenceDeg))°; IK legs: \(f(r.meanLegDirectionDifferenceDeg))°")
        print("jitter (mean jerk): \(f(r.jitterMeanJerk)) m/s³")
    }
}
