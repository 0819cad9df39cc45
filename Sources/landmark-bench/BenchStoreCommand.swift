import ArgumentParser
import Foundation
import LandmarkMap
import Synthetic

/// `landmark-bench store`: write / load / summary / validate times of a synthetic map.
struct BenchStoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Time writing and loading a synthetic .landmark map; prints JSON.",
        discussion: """
            Example (the figure in docs/landmark-format.md):
              landmark-bench store --points 12500 --track 4 --keyframes 60 --repetitions 5
            """)

    @Option(help: "Map points.") var points = 12_500
    @Option(help: "Observations per point (track length).") var track = 4
    @Option(help: "Keyframes.") var keyframes = 60
    @Option(help: "Timed repetitions (the median is reported).") var repetitions = 5
    @Option(help: "Seed of the synthetic map.") var seed: UInt64 = 1
    @Option(help: "Keep the written map at this path (else a temporary file, removed).") var keep: String?

    func validate() throws {
        guard points > 0, track > 0, keyframes >= track, repetitions > 0 else {
            throw ValidationError("need --points > 0, --track > 0, --keyframes ≥ --track and --repetitions > 0.")
        }
    }

    func run() throws {
        let map = SyntheticFeatureMap.make(seed: seed, keyframeCount: keyframes, pointCount: points, observationsPerPoint: track)
        let url = keep.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString).landmark")
        defer { if keep == nil { try? FileManager.default.removeItem(at: url) } }

        func median(_ body: () throws -> Void) rethrows -> Double {
            var times: [Double] = []
            for _ in 0..<repetitions {
                let start = DispatchTime.now().uptimeNanoseconds
                try body()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            return times.sorted()[times.count / 2]
        }
        let write = try median { try LandmarkStore.write(map, to: url) }
        var loaded: FeatureMap?
        let read = try median { loaded = try LandmarkStore.read(from: url) }
        let summary = try median { _ = try LandmarkStore.readMetadata(from: url) }
        let validate = try median { try LandmarkStore.validate(url) }
        guard loaded == map else { throw ValidationError("the map read back differs from the map written") }
        let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.int64Value ?? 0
        let result: [String: Any] = [
            "keyframes": keyframes, "points": points, "observations": map.observationCount,
            "fileSizeBytes": size, "seed": seed, "repetitions": repetitions,
            "writeSeconds": write, "readSeconds": read, "readMetadataSeconds": summary, "validateSeconds": validate,
        ]
        let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}
