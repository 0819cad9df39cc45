import Foundation
import Testing

/// The layering of README's "Layout": each module imports only modules of lower levels, and
/// only the executables import Synthetic (scripts/check_layers.py says the same from a shell).
@Suite struct ModuleLayeringTests {
    static let levels: [String: Int] = [
        "Geometry": 0, "Support": 0, "Imaging": 1, "Features": 2, "Estimators": 2, "GLTF": 2,
        "LandmarkMap": 3, "Rendering": 3, "Reconstruction": 4, "Localization": 4, "AssetPipeline": 4, "Motion": 4,
        "Anchoring": 5, "Synthetic": 5, "Batch": 6, "PoseServer": 6, "Studio": 6, "landmark": 7, "landmark-bench": 7,
    ]
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    @Test func everyImportPointsDown() throws {
        var problems: [String] = []
        let modules = try FileManager.default.contentsOfDirectory(atPath: Self.sources.path).sorted()
        for module in modules {
            guard let level = Self.levels[module] else { continue }   // C modules
            let folder = Self.sources.appendingPathComponent(module)
            let files = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
            for file in files {
                let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                for line in text.split(separator: "\n") where line.hasPrefix("import ") || line.hasPrefix("@testable import ") {
                    let words = line.split(separator: " ")
                    let name = String(words.last!).split(separator: ".").first.map(String.init) ?? ""
                    guard name != module, let other = Self.levels[name] else { continue }
                    if other >= level { problems.append("\(module)/\(file) imports \(name) (level \(other) ≥ \(level))") }
                    if name == "Synthetic" && level < 7 { problems.append("\(module)/\(file) imports Synthetic") }
                }
            }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "; "))")
        #expect(modules.contains("Estimators") && modules.contains("Features"))
    }
}
