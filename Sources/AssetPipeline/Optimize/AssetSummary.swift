import Foundation
import GLTF

/// What an asset holds, for `landmark asset info`.
public struct AssetSummary: Sendable, Codable, Equatable {
    public struct MeshInfo: Sendable, Codable, Equatable {
        public var name: String?
        public var primitives: Int
        public var triangles: Int
        public var vertices: Int
        public var attributes: [String]
        public var morphTargets: Int
    }
    public struct SkinInfo: Sendable, Codable, Equatable {
        public var name: String?
        public var joints: Int
    }
    public struct AnimationInfo: Sendable, Codable, Equatable {
        public var name: String?
        public var channels: Int
        /// Seconds, from the largest sampler input time.
        public var duration: Double
    }
    public var meshes: [MeshInfo] = []
    public var triangles = 0
    public var vertices = 0
    public var nodes = 0
    public var materials: [String] = []
    public var textures = 0
    public var images = 0
    public var skins: [SkinInfo] = []
    public var animations: [AnimationInfo] = []
    public var extensionsUsed: [String] = []
    public var extensionsRequired: [String] = []

    public init(_ asset: GLTFAsset) throws {
        let d = asset.document
        for mesh in d.meshes {
            var info = MeshInfo(name: mesh.name, primitives: mesh.primitives.count, triangles: 0, vertices: 0, attributes: [], morphTargets: 0)
            var attributes = Set<String>()
            for p in mesh.primitives {
                attributes.formUnion(p.attributes.keys)
                info.morphTargets = Swift.max(info.morphTargets, p.targets?.count ?? 0)
                let vertexCount = p.attributes["POSITION"].map { d.accessors[$0].count } ?? 0
                info.vertices += vertexCount
                let corners = p.indices.map { d.accessors[$0].count } ?? vertexCount
                switch p.topology {
                case .triangles: info.triangles += corners / 3
                case .triangleStrip, .triangleFan: info.triangles += Swift.max(0, corners - 2)
                default: break
                }
            }
            info.attributes = attributes.sorted()
            meshes.append(info)
            triangles += info.triangles
            vertices += info.vertices
        }
        nodes = d.nodes.count
        materials = d.materials.enumerated().map { $0.element.name ?? "material \($0.offset)" }
        textures = d.textures.count
        images = d.images.count
        skins = d.skins.map { SkinInfo(name: $0.name, joints: $0.joints.count) }
        animations = try d.animations.map { a in
            var duration = 0.0
            for s in a.samplers {
                if let m = d.accessors[s.input].max?.first { duration = Swift.max(duration, m) }
                else { duration = Swift.max(duration, Double(try asset.readFloats(accessor: s.input).max() ?? 0)) }
            }
            return AnimationInfo(name: a.name, channels: a.channels.count, duration: duration)
        }
        extensionsUsed = d.extensionsUsed
        extensionsRequired = d.extensionsRequired
    }

    public var text: String {
        var lines: [String] = []
        lines.append("meshes      \(meshes.count) (\(triangles) triangles, \(vertices) vertices), nodes \(nodes)")
        for (i, m) in meshes.enumerated() {
            lines.append("  [\(i)] \(m.name ?? "-"): \(m.primitives) primitives, \(m.triangles) triangles, \(m.vertices) vertices, \(m.attributes.joined(separator: " "))\(m.morphTargets > 0 ? ", \(m.morphTargets) morph targets" : "")")
        }
        lines.append("materials   \(materials.count)\(materials.isEmpty ? "" : ": " + materials.joined(separator: ", "))")
        lines.append("textures    \(textures), images \(images)")
        lines.append("skins       \(skins.count)\(skins.isEmpty ? "" : ": " + skins.map { "\($0.name ?? "-") (\($0.joints) joints)" }.joined(separator: ", "))")
        lines.append("animations  \(animations.count)\(animations.isEmpty ? "" : ": " + animations.map { String(format: "%@ (%d channels, %.2f s)", $0.name ?? "-", $0.channels, $0.duration) }.joined(separator: ", "))")
        if !extensionsUsed.isEmpty { lines.append("extensions  \(extensionsUsed.joined(separator: ", "))\(extensionsRequired.isEmpty ? "" : " (required: \(extensionsRequired.joined(separator: ", ")))")") }
        return lines.joined(separator: "\n")
    }

    public func jsonString() throws -> String {
        let encoder = JSONEncoder(); encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
