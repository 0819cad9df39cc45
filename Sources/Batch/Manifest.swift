import Foundation
import Yams

/// A batch manifest (`jobs.yaml` or `jobs.json`), expanded into jobs.
///
/// ```yaml
/// version: 1
/// defaults:                      # per kind, under each job's own fields (a job's field wins whole)
///   optimize: {targets: {ratio: 0.25}, atlas: true}
///   retarget: {character: assets/hero.glb, fps: 30}
/// jobs:
///   - kind: optimize
///     input: meshes/*.obj        # a glob: one job per file
///     output: out/{stem}.glb
///   - kind: retarget
///     name: boxing
///     bvh: mocap/boxing.bvh
///     output: out/boxing.glb
/// ```
///
/// Decoding is strict: an unknown key is an error naming the job and the field (and the
/// closest valid key). An error in the manifest's structure (syntax, top level, `defaults`)
/// rejects the manifest; an error in one job entry makes only that job fail.
public struct Manifest: Sendable {
    /// The manifest file (or a stand-in name for text).
    public var fileName: String
    /// Relative paths in the manifest are resolved against this folder.
    public var baseDirectory: URL
    /// The expanded jobs, in manifest order, with duplicates (same id) removed.
    public var jobs: [JobSpec]

    static let topLevelKeys = ["version", "defaults", "jobs"]
    static let commonJobKeys = ["kind", "name"]

    /// Reads and expands a manifest file: `.json` is parsed as JSON, anything else as YAML.
    public static func load(_ url: URL, registry: JobKindRegistry = .standard) throws(BatchError) -> Manifest {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw .manifest(file: url.path, line: nil, message: "cannot read the manifest: \(error.localizedDescription)")
        }
        return try parse(text, fileName: url.lastPathComponent, isJSON: url.pathExtension.lowercased() == "json",
                         baseDirectory: url.deletingLastPathComponent(), registry: registry)
    }

    /// Parses and expands manifest text.
    public static func parse(_ text: String, fileName: String = "jobs.yaml", isJSON: Bool = false,
                             baseDirectory: URL, registry: JobKindRegistry = .standard) throws(BatchError) -> Manifest {
        var lines: [String: Int] = [:]
        let root: ManifestValue
        if isJSON {
            do { root = try ManifestValue.parse(json: text) } catch {
                throw .manifest(file: fileName, line: nil, message: "not valid JSON: \(error)")
            }
        } else {
            do {
                guard let node = try Yams.compose(yaml: text) else {
                    throw BatchError.manifest(file: fileName, line: nil, message: "the manifest is empty")
                }
                root = try convert(node, path: "", lines: &lines, fileName: fileName)
            } catch let error as BatchError { throw error } catch {
                throw .manifest(file: fileName, line: nil, message: "not valid YAML: \(error)")
            }
        }
        var builder = ManifestExpander(fileName: fileName, baseDirectory: baseDirectory.standardizedFileURL,
                                       registry: registry, lines: lines)
        return Manifest(fileName: fileName, baseDirectory: baseDirectory.standardizedFileURL,
                        jobs: try builder.expand(root))
    }

    /// YAML node → JSON value, recording each path's line ("jobs[2].targets" → 14).
    private static func convert(_ node: Node, path: String, lines: inout [String: Int], fileName: String) throws -> ManifestValue {
        if let line = node.mark?.line { lines[path] = line }
        switch node {
        case .scalar(let scalar):
            let tag = node.tag
            if tag == Tag(.null) { return .null }
            if tag == Tag(.bool) { return node.bool.map(ManifestValue.bool) ?? .string(scalar.string) }
            if tag == Tag(.int) { return node.int.map { .number(Double($0)) } ?? .string(scalar.string) }
            if tag == Tag(.float) { return node.float.map(ManifestValue.number) ?? .string(scalar.string) }
            return .string(scalar.string)
        case .sequence(let sequence):
            return .array(try sequence.enumerated().map { index, element in
                try convert(element, path: "\(path)[\(index)]", lines: &lines, fileName: fileName)
            })
        case .mapping(let mapping):
            var object: [String: ManifestValue] = [:]
            for (keyNode, valueNode) in mapping {
                guard let key = keyNode.string else {
                    throw BatchError.manifest(file: fileName, line: keyNode.mark?.line, message: "a key must be a string")
                }
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                if object[key] != nil {
                    throw BatchError.manifest(file: fileName, line: keyNode.mark?.line, message: "duplicate key '\(childPath)'")
                }
                object[key] = try convert(valueNode, path: childPath, lines: &lines, fileName: fileName)
                if let line = keyNode.mark?.line { lines[childPath] = line }
            }
            return .object(object)
        case .alias:
            throw BatchError.manifest(file: fileName, line: node.mark?.line, message: "YAML aliases are not supported")
        }
    }
}
