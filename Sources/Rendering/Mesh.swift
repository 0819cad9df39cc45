import Geometry

/// A triangle mesh for rendering, in its own frame (metres unless the caller says otherwise).
///
/// Attributes are per vertex; an empty array means "absent": no `normals` → flat shading from
/// the triangle's face normal; no `uvs` → textures are not sampled; no `colors` → white.
/// Triangles are counter-clockwise when seen from their front (glTF's convention).
/// One mesh has one material (as a glTF primitive does).
public struct Mesh: Sendable, Equatable {
    public var positions: [SIMD3<Float>]
    public var normals: [SIMD3<Float>]
    /// Texture coordinates: u to the right, v **down** (v = 0 is the texture's first row,
    /// as glTF and `Image8` store them). OBJ files store v up: flip with `1 - v`.
    public var uvs: [SIMD2<Float>]
    /// Linear RGB in [0, 1], multiplied with the material's colour and texture.
    public var colors: [SIMD3<Float>]
    /// Three indices per triangle into the vertex arrays.
    public var indices: [UInt32]
    /// Index into `Scene.materials`.
    public var material: Int

    public init(positions: [SIMD3<Float>], normals: [SIMD3<Float>] = [], uvs: [SIMD2<Float>] = [],
                colors: [SIMD3<Float>] = [], indices: [UInt32], material: Int = 0) {
        self.positions = positions; self.normals = normals; self.uvs = uvs
        self.colors = colors; self.indices = indices; self.material = material
    }

    public var triangleCount: Int { indices.count / 3 }

    /// Why a mesh cannot be rendered.
    public func validationError(materialCount: Int) -> RenderError? {
        let n = positions.count
        if indices.count % 3 != 0 { return .indexCountNotMultipleOfThree(count: indices.count) }
        if let bad = indices.first(where: { Int($0) >= n }) { return .indexOutOfRange(index: Int(bad), vertexCount: n) }
        if !normals.isEmpty && normals.count != n { return .attributeCount(name: "normals", count: normals.count, vertexCount: n) }
        if !uvs.isEmpty && uvs.count != n { return .attributeCount(name: "uvs", count: uvs.count, vertexCount: n) }
        if !colors.isEmpty && colors.count != n { return .attributeCount(name: "colors", count: colors.count, vertexCount: n) }
        if material < 0 || material >= materialCount { return .materialOutOfRange(material: material, materialCount: materialCount) }
        return nil
    }

    /// Appends another mesh's triangles (same attribute layout expected; missing attributes
    /// are filled with defaults when the other mesh has them).
    public mutating func append(_ other: Mesh) {
        let base = UInt32(positions.count)
        func merge<T>(_ a: inout [T], _ b: [T], count: Int, otherCount: Int, fill: T) {
            if a.isEmpty && b.isEmpty { return }
            if a.isEmpty { a = [T](repeating: fill, count: count) }
            a += b.isEmpty ? [T](repeating: fill, count: otherCount) : b
        }
        let n = positions.count, m = other.positions.count
        merge(&normals, other.normals, count: n, otherCount: m, fill: SIMD3<Float>(0, 1, 0))
        merge(&uvs, other.uvs, count: n, otherCount: m, fill: .zero)
        merge(&colors, other.colors, count: n, otherCount: m, fill: SIMD3<Float>(repeating: 1))
        positions += other.positions
        indices += other.indices.map { $0 + base }
    }
}

/// How a material colours a surface: `baseColor × vertex colour × texture`, then lit.
public struct Material: Sendable, Equatable {
    /// Linear RGB multiplier in [0, 1].
    public var baseColor: SIMD3<Float>
    /// Index into `Scene.textures`, or nil for no texture.
    public var texture: Int?
    /// When false, triangles seen from behind are culled; when true they are drawn with their
    /// normal flipped toward the camera.
    public var doubleSided: Bool
    /// When true, lighting is skipped (the colour is emitted as is).
    public var unlit: Bool
    /// When true, the surface writes depth and its triangle id but no colour: an occluder
    /// (e.g. the building hiding a character's feet in a preview).
    public var depthOnly: Bool

    public init(baseColor: SIMD3<Float> = SIMD3(repeating: 1), texture: Int? = nil, doubleSided: Bool = false,
                unlit: Bool = false, depthOnly: Bool = false) {
        self.baseColor = baseColor; self.texture = texture; self.doubleSided = doubleSided
        self.unlit = unlit; self.depthOnly = depthOnly
    }
}

/// One placement of a mesh in the world: `x_world = worldFromMesh.apply(x_mesh)`.
public struct MeshInstance: Sendable, Equatable {
    public var mesh: Int
    public var worldFromMesh: Sim3
    public init(mesh: Int, worldFromMesh: Sim3 = .identity) { self.mesh = mesh; self.worldFromMesh = worldFromMesh }
}

/// What the rasterizer draws: meshes, their materials and textures, and their placements.
/// With no `instances`, every mesh is drawn once in place (world = mesh frame).
public struct Scene: Sendable {
    public var meshes: [Mesh]
    public var materials: [Material]
    public var textures: [Texture]
    public var instances: [MeshInstance]

    public init(meshes: [Mesh] = [], materials: [Material] = [Material()], textures: [Texture] = [],
                instances: [MeshInstance] = []) {
        self.meshes = meshes; self.materials = materials; self.textures = textures; self.instances = instances
    }

    /// Adds a texture and returns its index.
    @discardableResult public mutating func addTexture(_ t: Texture) -> Int { textures.append(t); return textures.count - 1 }
    /// Adds a material and returns its index.
    @discardableResult public mutating func addMaterial(_ m: Material) -> Int { materials.append(m); return materials.count - 1 }
    /// Adds a mesh and returns its index.
    @discardableResult public mutating func addMesh(_ m: Mesh) -> Int { meshes.append(m); return meshes.count - 1 }

    /// The placements drawn: `instances`, or every mesh once when there are none.
    public var effectiveInstances: [MeshInstance] {
        instances.isEmpty ? meshes.indices.map { MeshInstance(mesh: $0) } : instances
    }
    public var triangleCount: Int { effectiveInstances.reduce(0) { $0 + meshes[$1.mesh].triangleCount } }

    /// Checks indices, attribute counts, material and texture references.
    public func validate() throws {
        for (i, m) in meshes.enumerated() {
            if let e = m.validationError(materialCount: materials.count) { throw RenderError.invalidMesh(mesh: i, e.description) }
        }
        for (i, m) in materials.enumerated() {
            if let t = m.texture, t < 0 || t >= textures.count { throw RenderError.textureOutOfRange(material: i, texture: t, textureCount: textures.count) }
        }
        for inst in instances where inst.mesh < 0 || inst.mesh >= meshes.count {
            throw RenderError.instanceOutOfRange(mesh: inst.mesh, meshCount: meshes.count)
        }
    }
}

/// Why a scene could not be rendered.
public enum RenderError: Error, CustomStringConvertible, Equatable {
    case indexCountNotMultipleOfThree(count: Int)
    case indexOutOfRange(index: Int, vertexCount: Int)
    case attributeCount(name: String, count: Int, vertexCount: Int)
    case materialOutOfRange(material: Int, materialCount: Int)
    case invalidMesh(mesh: Int, String)
    case textureOutOfRange(material: Int, texture: Int, textureCount: Int)
    case instanceOutOfRange(mesh: Int, meshCount: Int)
    case invalidCamera(String)

    public var description: String {
        switch self {
        case .indexCountNotMultipleOfThree(let c): "index count \(c) is not a multiple of 3"
        case .indexOutOfRange(let i, let n): "index \(i) out of range for \(n) vertices"
        case .attributeCount(let name, let c, let n): "\(name) has \(c) entries for \(n) vertices"
        case .materialOutOfRange(let m, let n): "material \(m) out of range (\(n) materials)"
        case .invalidMesh(let m, let why): "mesh \(m): \(why)"
        case .textureOutOfRange(let m, let t, let n): "material \(m) refers to texture \(t) of \(n)"
        case .instanceOutOfRange(let m, let n): "instance refers to mesh \(m) of \(n)"
        case .invalidCamera(let why): "invalid camera: \(why)"
        }
    }
}
