import Foundation
import Geometry

// The glTF 2.0 JSON document as Codable value types, one struct per schema object
// (https://registry.khronos.org/glTF/specs/2.0/glTF-2.0.html). Field names are the
// schema's; optional fields stay optional so that writing emits exactly what was read.
// Every object keeps its `extensions` and `extras` verbatim (pass-through). Properties
// outside the schema (neither a field, `extensions` nor `extras`) are dropped, except at
// the root, where they are kept in `GLTFDocument.unknown`.

/// `extensions` of any glTF object: extension name → its JSON object, kept verbatim.
public typealias GLTFExtensions = [String: JSONValue]

/// The root of a glTF document. Top-level arrays are non-optional (empty when absent) and
/// are written only when non-empty.
public struct GLTFDocument: Codable, Sendable, Equatable {
    public var asset: GLTFAssetInfo
    public var scene: Int?
    public var scenes: [GLTFScene] = []
    public var nodes: [GLTFNode] = []
    public var meshes: [GLTFMesh] = []
    public var accessors: [GLTFAccessor] = []
    public var bufferViews: [GLTFBufferView] = []
    public var buffers: [GLTFBuffer] = []
    public var materials: [GLTFMaterial] = []
    public var textures: [GLTFTexture] = []
    public var images: [GLTFImage] = []
    public var samplers: [GLTFSampler] = []
    public var skins: [GLTFSkin] = []
    public var animations: [GLTFAnimation] = []
    public var cameras: [GLTFCamera] = []
    public var extensionsUsed: [String] = []
    public var extensionsRequired: [String] = []
    public var extensions: GLTFExtensions?
    public var extras: JSONValue?
    /// Root properties outside the schema, kept verbatim.
    public var unknown: [String: JSONValue] = [:]

    public init(asset: GLTFAssetInfo = GLTFAssetInfo()) { self.asset = asset }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case asset, scene, scenes, nodes, meshes, accessors, bufferViews, buffers, materials,
             textures, images, samplers, skins, animations, cameras, extensionsUsed,
             extensionsRequired, extensions, extras
    }
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        asset = try c.decode(GLTFAssetInfo.self, forKey: .asset)
        scene = try c.decodeIfPresent(Int.self, forKey: .scene)
        scenes = try c.decodeIfPresent([GLTFScene].self, forKey: .scenes) ?? []
        nodes = try c.decodeIfPresent([GLTFNode].self, forKey: .nodes) ?? []
        meshes = try c.decodeIfPresent([GLTFMesh].self, forKey: .meshes) ?? []
        accessors = try c.decodeIfPresent([GLTFAccessor].self, forKey: .accessors) ?? []
        bufferViews = try c.decodeIfPresent([GLTFBufferView].self, forKey: .bufferViews) ?? []
        buffers = try c.decodeIfPresent([GLTFBuffer].self, forKey: .buffers) ?? []
        materials = try c.decodeIfPresent([GLTFMaterial].self, forKey: .materials) ?? []
        textures = try c.decodeIfPresent([GLTFTexture].self, forKey: .textures) ?? []
        images = try c.decodeIfPresent([GLTFImage].self, forKey: .images) ?? []
        samplers = try c.decodeIfPresent([GLTFSampler].self, forKey: .samplers) ?? []
        skins = try c.decodeIfPresent([GLTFSkin].self, forKey: .skins) ?? []
        animations = try c.decodeIfPresent([GLTFAnimation].self, forKey: .animations) ?? []
        cameras = try c.decodeIfPresent([GLTFCamera].self, forKey: .cameras) ?? []
        extensionsUsed = try c.decodeIfPresent([String].self, forKey: .extensionsUsed) ?? []
        extensionsRequired = try c.decodeIfPresent([String].self, forKey: .extensionsRequired) ?? []
        extensions = try c.decodeIfPresent(GLTFExtensions.self, forKey: .extensions)
        extras = try c.decodeIfPresent(JSONValue.self, forKey: .extras)
        let any = try decoder.container(keyedBy: AnyKey.self)
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        for key in any.allKeys where !known.contains(key.stringValue) {
            unknown[key.stringValue] = try any.decode(JSONValue.self, forKey: key)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(asset, forKey: .asset)
        try c.encodeIfPresent(scene, forKey: .scene)
        func put<T: Encodable>(_ a: [T], _ k: CodingKeys) throws { if !a.isEmpty { try c.encode(a, forKey: k) } }
        try put(scenes, .scenes); try put(nodes, .nodes); try put(meshes, .meshes)
        try put(accessors, .accessors); try put(bufferViews, .bufferViews); try put(buffers, .buffers)
        try put(materials, .materials); try put(textures, .textures); try put(images, .images)
        try put(samplers, .samplers); try put(skins, .skins); try put(animations, .animations)
        try put(cameras, .cameras); try put(extensionsUsed, .extensionsUsed)
        try put(extensionsRequired, .extensionsRequired)
        try c.encodeIfPresent(extensions, forKey: .extensions)
        try c.encodeIfPresent(extras, forKey: .extras)
        var any = encoder.container(keyedBy: AnyKey.self)
        for (k, v) in unknown { try any.encode(v, forKey: AnyKey(stringValue: k)) }
    }
}

/// `asset`: version and provenance.
public struct GLTFAssetInfo: Codable, Sendable, Equatable {
    public var version: String = "2.0"
    public var generator: String?
    public var copyright: String?
    public var minVersion: String?
    public var extensions: GLTFExtensions?
    public var extras: JSONValue?
    public init(version: String = "2.0", generator: String? = "LandmarkAR") {
        self.version = version; self.generator = generator
    }
}

public struct GLTFScene: Codable, Sendable, Equatable {
    public var nodes: [Int]?
    public var name: String?
    public var extensions: GLTFExtensions?
    public var extras: JSONValue?
    public init(nodes: [Int]? = nil, name: String? = nil) { self.nodes = nodes; self.name = name }
}

/// A node. Its local transform is either `matrix` (16 numbers, column-major) or TRS:
/// `translation` [x,y,z], `rotation` unit quaternion **[x,y,z,w]** (glTF order, w last),
/// `scale` [x,y,z]; local = T·R·S. Absent means identity.
public struct GLTFNode: Codable, Sendable, Equatable {
    public var name: String?
    public var children: [Int]?
    public var camera: Int?
    public var skin: Int?
    public var mesh: Int?
    public var matrix: [Double]?
    public var translation: [Double]?
    public var rotation: [Double]?
    public var scale: [Double]?
    public var weights: [Double]?
    public var extensions: GLTFExtensions?
    public var extras: JSONValue?
    public init(name: String? = nil) { self.name = name }
}

public struct GLTFMesh: Codable, Sendable, Equatable {
    public var name: String?
    public var primitives: [GLTFPrimitive]
    /// Default morph target weights.
    public var weights: [Double]?
    public var extensions: GLTFExtensions?
    public var extras: JSONValue?
    public init(name: String? = nil, primitives: [GLTFPrimitive] = []) { self.name = name; self.primitives = primitives }
}

/// Primitive topology (`mode`). Absent means triangles.
public enum GLTFPrimitiveMode: Int, Sendable {
    case points = 0, lines, lineLoop, lineStrip, triangles, triangleStrip, triangleFan
}

public struct GLTFPrimitive: Codable, Sendable, Equatable {
    /// Attribute semantic ("POSITION", "NORMAL", "TEXCOORD_0", "JOINTS_0", …) → accessor.
    public var attributes: [String: Int]
    public var indices: Int?
    public var material: Int?
    /// See `GLTFPrimitiveMode`; nil means 4 (triangles).
    public var mode: Int?
    /// Morph targets: each maps a semantic to an accessor of displacements.
    public var targets: [[String: Int]]?
    public var extensions: GLTFExtensions?
    public var extras: JSONValue?
    public init(attributes: [String: Int] = [:], indices: Int? = nil, material: Int? = nil) {
        self.attributes = attributes; self.indices = indices; self.material = material
    }
    public var topology: GLTFPrimitiveMode { GLTFPrimitiveMode(rawValue: mode ?? 4) ?? .triangles }
}

/// Accessor component types (`componentType`).
public enum GLTFComponentType: Int, Sendable, CaseIterable {
    case byte = 5120, unsignedByte = 5121, short = 5122, unsignedShort = 5123,
         unsignedInt = 5125, float = 5126
    public var byteSize: Int {
        switch self {
        case .byte, .unsignedByte: return 1
        case .short, .unsignedShort: return 2
        case .unsignedInt, .float: return 4
        }
    }
}

/// Accessor element types (`type`).
public enum GLTFAccessorType: String, Sendable, CaseIterable {
    case scalar = "SCALAR", vec2 = "VEC2", vec3 = "VEC3", vec4 = "VEC4",
         mat2 = "MAT2", mat3 = "MAT3", mat4 = "MAT4"
    public var componentCount: Int {
        switch self {
        case .scalar: return 1
        case .vec2: return 2
        case .vec3: return 3
        case .vec4, .mat2: return 4
        case .mat3: return 9
        case .mat4: return 16
        }
    }
    /// Rows per matrix column (1 for scalars and vectors, which are one "column").
    var columnCount: Int {
        switch self {
        case .mat2: return 2
        case .mat3: return 3
        case .mat4: return 4
        default: return 1
        }
    }
}

public struct GLTFAccessor: Codable, Sendable, Equatable {
    public var bufferView: Int?
    public var byteOffset: Int?
    /// See `GLTFComponentType`.
    public var componentType: Int
    /// Integer components map to [0,1] (unsigned) or [-1,1] (signed) when true.
    public var normalized: Bool?
    public var count: Int
    /// See `GLTFAccessorType`.
    public var type: String
    public var max: [Double]?
    public var min: [Double]?
    public var sparse: GLTFSparse?
    public var name: String?
    public var extensions: GLTFExtensions?
    public var extras: JSONValue?
    public init(bufferView: Int?, byteOffset: Int? = nil, componentType: GLTFComponentType,
                normalized: Bool? = nil, count: Int, type: GLTFAccessorType) {
        self.bufferView = bufferView; self.byteOffset = byteOffset
        self.componentType = componentType.rawValue; self.normalized = normalized
        self.count = count; self.type = type.rawValue
    }
    public var component: GLTFComponentType? { GLTFComponentType(rawValue: componentType) }
    public var elementType: GLTFAccessorType? { GLTFAccessorType(rawValue: type) }
}

public struct GLTFSparse: Codable, Sendable, Equatable {
    public struct Indices: Codable, Sendable, Equatable {
        public var bufferView: Int
        public var byteOffset: Int?
        public var componentType: Int
        public var extensions: GLTFExtensions?
        public var extras: JSONValue?
    }
    public struct Values: Codable, Sendable, Equatable {
        public var bufferView: Int
        public var byteOffset: Int?
        public var extensions: GLTFExtensions?
        public var extras: JSONValue?
    }
    public var count: Int
    public var indices: Indices
    public var values: Values
    public var extensions: GLTFExtensions?
    public var extras: JSONValue?
}

public struct GLTFBufferView: Codable, Sendable, Equatable {
    public var buffer: Int
    public var byteOffset: Int?
    public var byteLength: Int
    public var byteStride: Int?
    /// 34962 ARRAY_BUFFER (vertices), 34963 ELEMENT_ARRAY_BUFFER (indices).
    public var target: Int?
    public var name: String?
    public var extensions: GLTFExtensions?
    public var extras: JSONValue?
    public init(buffer: Int, byteOffset: Int?, byteLength: Int, byteStride: Int? = nil, target: Int? = nil) {
        self.buffer = buffer; self.byteOffset = byteOffset; self.byteLength = byteLength
        self.byteStride = byteStride; self.target = target
    }
}

public struct GLTFBuffer: Codable, Sendable, Equatable {
    /// Relative path or data: URI; nil for the GLB binary chunk.
    public var uri: String?
    public var byteLength: Int
    public var name: String?
    public var extensions: GLTFExtensions?
    public var extras: JSONValue?
    public init(uri: String? = nil, byteLength: Int) { self.uri = uri; self.byteLength = byteLength }
}

/// A reference to a texture from a material. `scale` is used by normal textures and
/// `strength` by occlusion textures; both are nil elsewhere.
public struct GLTFTextureInfo: Codable, Sendable, Equatable {
    public var index: Int
    public var texCoord: Int?
    public var scale: Double?
    public var strength: Double?
    public var extensions: GLTFExtensions?
    public var extras: JSONValue?
    public init(index: Int, texCoord: Int? = nil) { self.index = index; self.texCoord = texCoord }
}

public struct GLTFPBRMetallicRoughness: Codable, Sendable, Equatable {
    /// Linear RGBA multiplier; nil means [1,1,1,1].
    public var baseColorFactor: [Double]?
    public var baseColorTexture: GLTFTextureInfo?
    public var metallicFactor: Double?
    public var roughnessFactor: Double?
    public var metallicRoughnessTexture: GLTFTextureInfo?
    public var extensions: GLTFExtensions?
    public var extras: JSONValue?
    public init() {}
}

public struct GLTFMaterial: Codable, Sendable, Equatable {
    public var name: String?
    public var pbrMetallicRoughness: GLTFPBRMetallicRoughness?
    public var normalTexture: GLTFTextureInfo?
    public var occlusionTexture: GLTFTextureInfo?
    public var emissiveTexture: GLTFTextureInfo?
    public var emissiveFactor: [Double]?
    /// "OPAQUE" (default), "MASK" or "BLEND".
    public var alphaMode: String?
    public var alphaCutoff: Double?
    public var doubleSided: Bool?
    public var extensions: GLTFExtensions?
    public var extras: JSONValue?
    public init(name: String? = nil) { self.name = name }
}

public struct GLTFTexture: Codable, Sendable, Equatable {
    public var sampler: Int?
    public var source: Int?
    public var name: String?
    public var extensions: GLTFExtensions?
    public var extras: JSONValue?
    public init(source: Int?, sampler: Int? = nil) { self.source = source; self.sampler = sampler }
}

/// An image: a `uri` (relative path or data: URI) or a `bufferView` with a `mimeType`.
public struct GLTFImage: Codable, Sendable, Equatable {
    public var uri: String?
    public var mimeType: String?
    public var bufferView: Int?
    public var name: String?
    public var extensions: GLTFExtensions?
    public var extras: JSONValue?
    public init(uri: String? = nil, mimeType: String? = nil, bufferView: Int? = nil) {
        self.uri = uri; self.mimeType = mimeType; self.bufferView = bufferView
    }
}

public struct GLTFSampler: Codable, Sendable, Equatable {
    public var magFilter: Int?
    public var minFilter: Int?
    public var wrapS: Int?
    public var wrapT: Int?
    public var name: String?
    public var extensions: GLTFExtensions?
    public var extras: JSONValue?
    public init() {}
}

/// A skin: `joints` are node indices; `inverseBindMatrices` is a MAT4 float accessor with
/// one column-major matrix per joint (absent means identities).
public struct GLTFSkin: Codable, Sendable, Equatable {
    public var inverseBindMatrices: Int?
    public var skeleton: Int?
    public var joints: [Int]
    public var name: String?
    public var extensions: GLTFExtensions?
    public var extras: JSONValue?
    public init(joints: [Int], inverseBindMatrices: Int? = nil) {
        self.joints = joints; self.inverseBindMatrices = inverseBindMatrices
    }
}

public struct GLTFAnimation: Codable, Sendable, Equatable {
    public struct Target: Codable, Sendable, Equatable {
        public var node: Int?
        /// "translation", "rotation", "scale" or "weights".
        public var path: String
        public var extensions: GLTFExtensions?
        public var extras: JSONValue?
        public init(node: Int?, path: String) { self.node = node; self.path = path }
    }
    public struct Channel: Codable, Sendable, Equatable {
        public var sampler: Int
        public var target: Target
        public var extensions: GLTFExtensions?
        public var extras: JSONValue?
        public init(sampler: Int, target: Target) { self.sampler = sampler; self.target = target }
    }
    /// `input`: accessor of key times in seconds (SCALAR float); `output`: accessor of values
    /// (rotations as [x,y,z,w]); `interpolation`: "LINEAR" (default), "STEP" or "CUBICSPLINE".
    public struct Sampler: Codable, Sendable, Equatable {
        public var input: Int
        public var interpolation: String?
        public var output: Int
        public var extensions: GLTFExtensions?
        public var extras: JSONValue?
        public init(input: Int, output: Int, interpolation: String? = nil) {
            self.input = input; self.output = output; self.interpolation = interpolation
        }
    }
    public var name: String?
    public var channels: [Channel]
    public var samplers: [Sampler]
    public var extensions: GLTFExtensions?
    public var extras: JSONValue?
    public init(name: String? = nil, channels: [Channel] = [], samplers: [Sampler] = []) {
        self.name = name; self.channels = channels; self.samplers = samplers
    }
}

/// A camera, kept verbatim apart from its type (this package does not interpret cameras).
public struct GLTFCamera: Codable, Sendable, Equatable {
    public var type: String
    public var perspective: JSONValue?
    public var orthographic: JSONValue?
    public var name: String?
    public var extensions: GLTFExtensions?
    public var extras: JSONValue?
}

extension GLTFNode {
    /// The node's transform in its parent's frame: `matrix` when given, else T·R·S from
    /// `translation`, `rotation` ([x, y, z, w]) and `scale` (glTF's defaults for absent ones).
    public var localMatrix: Matrix4 {
        if let m = matrix, m.count == 16 { return Matrix4(columnMajor: m) }
        return Matrix4.trs(translation: translation ?? [0, 0, 0], rotation: rotation ?? [0, 0, 0, 1], scale: scale ?? [1, 1, 1])
    }
}
