import Geometry

/// How `Scene(gltf:options:)` poses and shades a glTF asset (see `GLTFSceneBuilder`).
public struct GLTFSceneOptions: Sendable {
    /// Each node's parentFromNode transform, one per glTF node (an animation sampled at a
    /// time); nil: the nodes' own transforms (the rest pose).
    public var nodeLocalTransforms: [Matrix4]?
    /// true: skinned meshes follow their joints (linear-blend skinning); false: they are
    /// drawn undeformed under their node's transform, like rigid meshes.
    public var skinning: Bool
    /// true: base colours are drawn as they are, without lighting (what a texture
    /// comparison wants); false: lit by the rasterizer's sun.
    public var unlit: Bool

    public init(nodeLocalTransforms: [Matrix4]? = nil, skinning: Bool = false, unlit: Bool = false) {
        self.nodeLocalTransforms = nodeLocalTransforms
        self.skinning = skinning
        self.unlit = unlit
    }
}
