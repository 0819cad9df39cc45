/// Why a glTF asset could not be turned into a scene.
public enum GLTFSceneError: Error, CustomStringConvertible, Equatable {
    /// A base colour texture's image bytes are not a decodable image.
    case undecodableTexture(image: Int, name: String, reason: String)
    /// A vertex attribute has `count` elements (or too few components) for `vertexCount` positions.
    case attributeCount(mesh: Int, primitive: Int, attribute: String, count: Int, vertexCount: Int)
    /// A skin's inverse bind matrices accessor holds `count` matrices for `jointCount` joints.
    case inverseBindMatrixCount(skin: Int, count: Int, jointCount: Int)
    /// A pose gave `count` node transforms for an asset of `nodeCount` nodes.
    case nodeTransformCount(count: Int, nodeCount: Int)

    public var description: String {
        switch self {
        case .undecodableTexture(let i, let name, let reason):
            "base colour texture \(name) (image \(i)) is not a readable image: \(reason)"
        case .attributeCount(let m, let p, let a, let c, let n):
            "meshes[\(m)].primitives[\(p)]: \(a) has \(c) elements for \(n) vertices"
        case .inverseBindMatrixCount(let s, let c, let j):
            "skins[\(s)]: \(c) inverse bind matrices for \(j) joints"
        case .nodeTransformCount(let c, let n):
            "a pose gives \(c) node transforms for an asset of \(n) nodes"
        }
    }
}
