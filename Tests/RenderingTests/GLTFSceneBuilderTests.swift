import Foundation
import Geometry
import GLTF
import Imaging
import Testing
@testable import Rendering

/// One triangle in its mesh frame:
///
///     v2 (0,1,0)
///      │ ╲
///     v0 (0,0,0) ── v1 (1,0,0)
private let trianglePositions: [Float] = [0, 0, 0, 1, 0, 0, 0, 1, 0]

/// A glTF asset with mesh 0 = the triangle (plus `attributes` filled in by `extra`).
private func triangleAsset(_ extra: (inout GLTFAsset, inout GLTFPrimitive) -> Void = { _, _ in }) -> GLTFAsset {
    var asset = GLTFAsset()
    let position = asset.appendAccessor(floats: trianglePositions, type: .vec3, target: .arrayBuffer, minMax: true)
    var primitive = GLTFPrimitive(attributes: ["POSITION": position])
    extra(&asset, &primitive)
    asset.document.meshes = [GLTFMesh(name: "triangle", primitives: [primitive])]
    return asset
}

private func translation(_ x: Double, _ y: Double, _ z: Double) -> Matrix4 {
    Matrix4.trs(translation: [x, y, z], rotation: [0, 0, 0, 1], scale: [1, 1, 1])
}

@Suite struct GLTFSceneBuilderTests {
    @Test func nodeTransformsComposeAndOnlyTheScenesNodesAreDrawn() throws {
        var asset = triangleAsset()
        var parent = GLTFNode(name: "parent"); parent.translation = [10, 0, 0]; parent.children = [1]
        var child = GLTFNode(name: "child"); child.translation = [0, 2, 0]; child.mesh = 0
        var stray = GLTFNode(name: "not in the scene"); stray.mesh = 0
        asset.document.nodes = [parent, child, stray]
        asset.document.scenes = [GLTFScene(nodes: [0])]
        asset.document.scene = 0

        let scene = try Scene(gltf: asset)
        #expect(scene.meshes.count == 1)
        #expect(scene.meshes[0].positions == [SIMD3(10, 2, 0), SIMD3(11, 2, 0), SIMD3(10, 3, 0)])
        #expect(scene.meshes[0].indices == [0, 1, 2])
        #expect(scene.materials == [Material()])       // glTF's default material, lit
    }

    @Test func aPoseReplacesTheNodesOwnTransforms() throws {
        var asset = triangleAsset()
        var node = GLTFNode(name: "mesh"); node.translation = [1, 0, 0]; node.mesh = 0
        asset.document.nodes = [node]
        let builder = try GLTFSceneBuilder(asset: asset)
        #expect(builder.restLocalTransforms == [translation(1, 0, 0)])
        let posed = try builder.scene(nodeLocalTransforms: [translation(0, 0, -3)])
        #expect(posed.meshes[0].positions == [SIMD3(0, 0, -3), SIMD3(1, 0, -3), SIMD3(0, 1, -3)])
        #expect(throws: GLTFSceneError.nodeTransformCount(count: 2, nodeCount: 1)) {
            try builder.scene(nodeLocalTransforms: [.identity, .identity])
        }
    }

    @Test func theBaseColourTextureUsesItsTexCoordSetAndSamplerWrap() throws {
        var image = Image8(width: 2, height: 2, channels: 3)
        image.pixels = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]
        let png = try image.encoded(.png)
        var asset = triangleAsset { asset, primitive in
            primitive.attributes["TEXCOORD_0"] = asset.appendAccessor(floats: [0, 0, 0, 0, 0, 0], type: .vec2, target: .arrayBuffer)
            primitive.attributes["TEXCOORD_1"] = asset.appendAccessor(floats: [0.25, 0.25, 0.75, 0.25, 0.25, 0.75], type: .vec2,
                                                                      target: .arrayBuffer)
            primitive.material = 0
        }
        asset.document.images = [GLTFImage(uri: "tile.png", mimeType: "image/png")]
        asset.imageData[0] = png
        var sampler = GLTFSampler(); sampler.wrapS = 33071   // CLAMP_TO_EDGE on one axis clamps both
        asset.document.samplers = [sampler]
        asset.document.textures = [GLTFTexture(source: 0, sampler: 0)]
        var material = GLTFMaterial(name: "tiled")
        var pbr = GLTFPBRMetallicRoughness()
        pbr.baseColorFactor = [0.5, 0.25, 1, 1]
        pbr.baseColorTexture = GLTFTextureInfo(index: 0, texCoord: 1)
        material.pbrMetallicRoughness = pbr
        material.doubleSided = true
        asset.document.materials = [material]
        var node = GLTFNode(); node.mesh = 0
        asset.document.nodes = [node]

        let scene = try Scene(gltf: asset, options: GLTFSceneOptions(unlit: true))
        #expect(scene.meshes[0].uvs == [SIMD2(0.25, 0.25), SIMD2(0.75, 0.25), SIMD2(0.25, 0.75)])
        #expect(scene.textures.count == 1 && scene.textures[0].wrap == .clamp && scene.textures[0].image.pixels == image.pixels)
        #expect(scene.materials == [Material(baseColor: SIMD3(0.5, 0.25, 1), texture: 0, doubleSided: true, unlit: true)])

        asset.imageData[0] = Data("not an image".utf8)
        #expect { try Scene(gltf: asset) } throws: { error in
            guard case GLTFSceneError.undecodableTexture(image: 0, name: "tile.png", _) = error else { return false }
            return "\(error)".contains("tile.png")
        }
    }

    /// Two joints up the y axis; v0 follows joint 0, v1 joint 1, v2 both with weights 1 + 1
    /// (renormalized to ½ + ½). The mesh node's own translation (5, 0, 0) is ignored when
    /// skinning, as glTF defines.
    private func skinnedAsset() -> GLTFAsset {
        var asset = triangleAsset { asset, primitive in
            primitive.attributes["JOINTS_0"] = asset.appendAccessor(uints: [0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0], type: .vec4,
                                                                    componentType: .unsignedByte, target: .arrayBuffer)
            primitive.attributes["WEIGHTS_0"] = asset.appendAccessor(floats: [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0], type: .vec4,
                                                                     target: .arrayBuffer)
        }
        let inverseBind: [Float] = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1,
                                    1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, -1, 0, 1]
        let ibm = asset.appendAccessor(floats: inverseBind, type: .mat4)
        var root = GLTFNode(name: "root"); root.children = [1]
        var tip = GLTFNode(name: "tip"); tip.translation = [0, 1, 0]
        var mesh = GLTFNode(name: "mesh"); mesh.mesh = 0; mesh.skin = 0; mesh.translation = [5, 0, 0]
        asset.document.nodes = [root, tip, mesh]
        asset.document.skins = [GLTFSkin(joints: [0, 1], inverseBindMatrices: ibm)]
        asset.document.scenes = [GLTFScene(nodes: [0, 2])]
        asset.document.scene = 0
        return asset
    }

    @Test func skinningBlendsTheJointsOfThePose() throws {
        let builder = try GLTFSceneBuilder(asset: skinnedAsset())
        // Rest pose: world(joint) · inverseBind(joint) is the identity for both joints.
        let rest = try builder.scene(skinning: true)
        #expect(rest.meshes[0].positions == [SIMD3(0, 0, 0), SIMD3(1, 0, 0), SIMD3(0, 1, 0)])
        // Move the tip joint 2 m along +x: v1 follows it fully, v2 half way.
        let pose = [Matrix4.identity, translation(2, 1, 0), translation(5, 0, 0)]
        let posed = try builder.scene(nodeLocalTransforms: pose, skinning: true)
        #expect(posed.meshes[0].positions == [SIMD3(0, 0, 0), SIMD3(3, 0, 0), SIMD3(1, 1, 0)])
        // Without skinning the mesh stays undeformed under its own node.
        let rigid = try builder.scene(nodeLocalTransforms: pose, skinning: false)
        #expect(rigid.meshes[0].positions == [SIMD3(5, 0, 0), SIMD3(6, 0, 0), SIMD3(5, 1, 0)])
    }

    @Test func stripsAreUnrolledWithTheirWinding() throws {
        var asset = GLTFAsset()
        let position = asset.appendAccessor(floats: [0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0], type: .vec3, target: .arrayBuffer, minMax: true)
        var strip = GLTFPrimitive(attributes: ["POSITION": position]); strip.mode = 5
        var points = GLTFPrimitive(attributes: ["POSITION": position]); points.mode = 0
        asset.document.meshes = [GLTFMesh(primitives: [strip, points])]
        var node = GLTFNode(); node.mesh = 0
        asset.document.nodes = [node]
        let scene = try Scene(gltf: asset)
        #expect(scene.meshes.count == 1)                      // points are not drawn
        #expect(scene.meshes[0].indices == [0, 1, 2, 2, 1, 3])
    }

    @Test func anAttributeOfTheWrongLengthIsNamed() throws {
        let asset = triangleAsset { asset, primitive in
            primitive.attributes["NORMAL"] = asset.appendAccessor(floats: [0, 0, 1, 0, 0, 1], type: .vec3, target: .arrayBuffer)
        }
        var withNode = asset
        var node = GLTFNode(); node.mesh = 0
        withNode.document.nodes = [node]
        #expect(throws: GLTFSceneError.attributeCount(mesh: 0, primitive: 0, attribute: "NORMAL", count: 2, vertexCount: 3)) {
            try Scene(gltf: withNode)
        }
    }
}
