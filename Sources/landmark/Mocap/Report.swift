import ArgumentParser
import Foundation
import Motion

extension Landmark.Mocap {
    /// `landmark mocap report`.
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "report",
            abstract: "Measure a retargeted animation: foot skating, penetration, floating, bone lengths, rotation difference, jitter.")
        @Argument(help: "A glTF/GLB written by `mocap retarget`.") var file: String
        @Option(help: "Animation index (default: the last retargeted one).") var animation: Int?
        @Option(help: "Source BVH (default: the one recorded in the file).") var source: String?
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let r = try runMotion { try MotionReport.measure(path: file, animation: animation, sourceOverride: source) }
            if global.json {
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
}
