// Texture re-baking onto a new UV atlas ("transfer" baking, as in xNormal or Blender's selected-
// to-active bake): for every texel of the target atlas, the texel's point and normal on the
// target surface are found by rasterizing the target triangles in UV space; the line along the
// texel's normal is intersected with a BVH over the source surface and the hit nearest to the
// texel within the cage distance (either side; same-facing source triangles first) is taken,
// falling back to the closest source point; the source
// material is sampled there (bilinear, repeat) and the source's shading normal is written in the
// target's tangent frame. Gutters are filled last (see TextureDilation.swift).
import Geometry
import Rendering
import Imaging

/// One material of the source mesh. Textures are sampled with the mesh's UVs (glTF convention:
/// (0, 0) is the image's top-left corner) and multiplied by the factors, as glTF does.
public struct BakeMaterial: Sendable {
    public var baseColor: Image8?
    /// Linear multiplier of base colour, RGBA in [0, 1].
    public var baseColorFactor: SIMD4<Double> = SIMD4(1, 1, 1, 1)
    /// glTF layout: roughness in G, metallic in B.
    public var metallicRoughness: Image8?
    public var metallicFactor: Double = 1
    public var roughnessFactor: Double = 1
    public var emissive: Image8?
    public var emissiveFactor: SIMD3<Double> = SIMD3(0, 0, 0)
    public init(baseColor: Image8? = nil, metallicRoughness: Image8? = nil, emissive: Image8? = nil) {
        self.baseColor = baseColor; self.metallicRoughness = metallicRoughness; self.emissive = emissive
    }
    /// Whether any channel comes from an image.
    public var hasTexture: Bool { baseColor != nil || metallicRoughness != nil || emissive != nil }
}

/// The surface baked from (the original, e.g. high-poly, asset).
public struct BakeSource: Sendable {
    public var positions: [Vec3]
    public var indices: [UInt32]
    /// Per-vertex normals, or nil for face normals.
    public var normals: [Vec3]?
    /// Per-vertex UVs (glTF convention), or nil when no material has a texture.
    public var uvs: [SIMD2<Double>]?
    /// Material of each triangle (index into `materials`), or nil for material 0.
    public var materialOfTriangle: [Int32]?
    public var materials: [BakeMaterial]
    public init(positions: [Vec3], indices: [UInt32], normals: [Vec3]? = nil, uvs: [SIMD2<Double>]? = nil,
                materialOfTriangle: [Int32]? = nil, materials: [BakeMaterial]) {
        self.positions = positions; self.indices = indices; self.normals = normals; self.uvs = uvs
        self.materialOfTriangle = materialOfTriangle; self.materials = materials
    }
}

/// The surface baked onto: usually `UVAtlas` output (positions of the decimated mesh and the
/// atlas UVs, glTF convention).
public struct BakeTarget: Sendable {
    public var positions: [Vec3]
    public var indices: [UInt32]
    public var normals: [Vec3]?
    public var uvs: [SIMD2<Double>]
    public init(positions: [Vec3], indices: [UInt32], normals: [Vec3]? = nil, uvs: [SIMD2<Double>]) {
        self.positions = positions; self.indices = indices; self.normals = normals; self.uvs = uvs
    }
}

public struct BakeOptions: Sendable, Equatable {
    /// Width and height of the baked textures, in texels. Default 1024.
    public var resolution = 1024
    /// How far (model units) the cage sits outside the target surface; rays search this far on
    /// both sides. 0 means 2 % of the target's bounding-box diagonal.
    public var cageDistance = 0.0
    public var bakeBaseColor = true
    public var bakeMetallicRoughness = true
    public var bakeEmissive = true
    /// A tangent-space normal map (glTF: +X along +u, +Y toward decreasing v, i.e. up in the image).
    public var bakeNormal = true
    /// Rings of exact dilation before push-pull fills the rest of the gutters.
    public var dilationRings = 4
    /// Fill the gutters (false leaves uncovered texels black, to combine several bakes into one
    /// atlas and fill once with `fillGutters`).
    public var fillGutters = true
    public init() {}

    public func validate() throws {
        guard resolution >= 1 && resolution <= 16384 else {
            throw BakeError.invalidOption(name: "resolution", reason: "must be between 1 and 16384 texels, got \(resolution)")
        }
        guard cageDistance >= 0 && cageDistance.isFinite else {
            throw BakeError.invalidOption(name: "cageDistance", reason: "must be finite and ≥ 0, got \(cageDistance)")
        }
        guard dilationRings >= 0 else { throw BakeError.invalidOption(name: "dilationRings", reason: "must be ≥ 0") }
    }
}

public enum BakeError: Error, CustomStringConvertible, Equatable {
    case invalidOption(name: String, reason: String)
    case invalidMesh(which: String, reason: String)
    /// Nothing to bake: no source texture, factor or normal channel is requested.
    case nothingToBake

    public var description: String {
        switch self {
        case .invalidOption(let name, let reason): "bake option \(name): \(reason)"
        case .invalidMesh(let which, let reason): "\(which) mesh: \(reason)"
        case .nothingToBake: "nothing to bake: every channel is off"
        }
    }
}

/// Baked textures (nil for channels not requested) and how each texel was found.
public struct BakedTextures: Sendable {
    public var baseColor: Image8?
    public var metallicRoughness: Image8?
    public var emissive: Image8?
    public var normal: Image8?
    /// Texels inside target triangles (before gutter filling), row-major.
    public var covered: [Bool]
    /// Covered texels found by the ray, by the closest-point fallback, and not at all.
    public var rayHits = 0
    public var closestPointFallbacks = 0
}

/// Bakes the source's materials and normals onto the target's atlas.
/// - Throws: `BakeError` for invalid options, mismatched array sizes or out-of-range indices.
public func bakeTextures(source: BakeSource, target: BakeTarget, options: BakeOptions = BakeOptions()) throws -> BakedTextures {
    try options.validate()
    try checkMesh("source", source.positions.count, source.indices, [("normals", source.normals?.count), ("uvs", source.uvs?.count)])
    try checkMesh("target", target.positions.count, target.indices, [("normals", target.normals?.count), ("uvs", target.uvs.count)])
    if let m = source.materialOfTriangle {
        guard m.count == source.indices.count / 3 else {
            throw BakeError.invalidMesh(which: "source", reason: "materialOfTriangle has \(m.count) entries for \(source.indices.count / 3) triangles")
        }
        if let bad = m.first(where: { $0 < 0 || Int($0) >= max(1, source.materials.count) }) {
            throw BakeError.invalidMesh(which: "source", reason: "material index \(bad) out of range (\(source.materials.count) materials)")
        }
    }
    for (i, uv) in target.uvs.enumerated() where !(uv.x.isFinite && uv.y.isFinite) {
        throw BakeError.invalidMesh(which: "target", reason: "UV of vertex \(i) is NaN or infinite")
    }
    guard options.bakeBaseColor || options.bakeMetallicRoughness || options.bakeEmissive || options.bakeNormal else {
        throw BakeError.nothingToBake
    }

    let n = options.resolution
    let bvh = SurfaceBVH(positions: source.positions, indices: source.indices)
    var lo = Vec3(repeating: .infinity), hi = Vec3(repeating: -.infinity)
    for p in target.positions { lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p) }
    let cage = options.cageDistance > 0 ? options.cageDistance : 0.02 * max(length(hi - lo), 1e-12)
    let materials = source.materials.isEmpty ? [BakeMaterial()] : source.materials
    let alpha = materials.contains { $0.baseColor?.channels == 4 }
    let colorChannels = alpha ? 4 : 3

    var base = [UInt8](repeating: 0, count: options.bakeBaseColor ? n * n * colorChannels : 0)
    var mr = [UInt8](repeating: 0, count: options.bakeMetallicRoughness ? n * n * 3 : 0)
    var emissive = [UInt8](repeating: 0, count: options.bakeEmissive ? n * n * 3 : 0)
    var normal = [UInt8](repeating: 0, count: options.bakeNormal ? n * n * 3 : 0)
    var covered = [Bool](repeating: false, count: n * n)
    var result = BakedTextures(covered: [])

    for t in 0..<(target.indices.count / 3) {
        let i0 = Int(target.indices[3 * t]), i1 = Int(target.indices[3 * t + 1]), i2 = Int(target.indices[3 * t + 2])
        let p0 = target.positions[i0], p1 = target.positions[i1], p2 = target.positions[i2]
        // Texel space: x = u·n, y = v·n (image rows, top down).
        let a = target.uvs[i0] * Double(n), b = target.uvs[i1] * Double(n), c = target.uvs[i2] * Double(n)
        let d = (b.x - a.x) * (c.y - a.y) - (c.x - a.x) * (b.y - a.y)
        guard abs(d) > 1e-12 else { continue }
        let faceNormal = normalize(cross(p1 - p0, p2 - p0))
        guard faceNormal.isFinite, dot(faceNormal, faceNormal) > 0.5 else { continue }
        // Tangent frame from UV gradients: T = ∂P/∂u, B = ∂P/∂(1 − v) (glTF green = up).
        let du1 = (b.x - a.x) / Double(n), dv1 = -(b.y - a.y) / Double(n)
        let du2 = (c.x - a.x) / Double(n), dv2 = -(c.y - a.y) / Double(n)
        let r = 1 / (du1 * dv2 - du2 * dv1)
        let tangent = ((p1 - p0) * dv2 - (p2 - p0) * dv1) * r
        let bitangent = ((p2 - p0) * du1 - (p1 - p0) * du2) * r

        let x0 = max(0, Int((min(a.x, b.x, c.x) - 0.5).rounded(.up))), x1 = min(n - 1, Int((max(a.x, b.x, c.x) - 0.5).rounded(.down)))
        let y0 = max(0, Int((min(a.y, b.y, c.y) - 0.5).rounded(.up))), y1 = min(n - 1, Int((max(a.y, b.y, c.y) - 0.5).rounded(.down)))
        guard x0 <= x1, y0 <= y1 else { continue }
        for y in y0...y1 {
            let py = Double(y) + 0.5
            for x in x0...x1 {
                let px = Double(x) + 0.5
                let w1 = ((px - a.x) * (c.y - a.y) - (c.x - a.x) * (py - a.y)) / d
                let w2 = ((b.x - a.x) * (py - a.y) - (px - a.x) * (b.y - a.y)) / d
                let w0 = 1 - w1 - w2
                guard w1 >= -1e-9, w2 >= -1e-9, w0 >= -1e-9 else { continue }
                let texel = y * n + x
                guard !covered[texel] else { continue }
                let point = p0 * w0 + p1 * w1 + p2 * w2
                var nrm = faceNormal
                if let tn = target.normals {
                    let interp = normalize(tn[i0] * w0 + tn[i1] * w1 + tn[i2] * w2)
                    if interp.isFinite && dot(interp, interp) > 0.5 { nrm = interp }
                }
                // Find the source point: the hit along the normal line nearest to the texel's
                // point within the cage distance on either side, on a source triangle facing
                // the same way, else on any, else the closest point. (The first hit from the
                // cage inward took another part lying within the cage, e.g. a ring in front
                // of a panel's bevel on DamagedHelmet.)
                var hit = bvh.intersectNearest(origin: point, direction: nrm, maxDistance: cage, facing: faceNormal)
                    ?? bvh.intersectNearest(origin: point, direction: nrm, maxDistance: cage)
                if hit != nil { result.rayHits += 1 } else {
                    hit = bvh.closestPoint(to: point)
                    if hit != nil { result.closestPointFallbacks += 1 }
                }
                guard let h = hit else { continue }
                covered[texel] = true
                let s0 = Int(source.indices[3 * h.triangle]), s1 = Int(source.indices[3 * h.triangle + 1]), s2 = Int(source.indices[3 * h.triangle + 2])
                let sw0 = 1 - h.u - h.v
                let material = materials[Int(source.materialOfTriangle?[h.triangle] ?? 0)]
                let suv = source.uvs.map { $0[s0] * sw0 + $0[s1] * h.u + $0[s2] * h.v } ?? .zero

                if options.bakeBaseColor {
                    var rgba = material.baseColorFactor
                    if let img = material.baseColor { rgba = rgba * sampleBilinear(img, suv) }
                    for ch in 0..<colorChannels { base[texel * colorChannels + ch] = toByte(rgba[ch]) }
                }
                if options.bakeMetallicRoughness {
                    var m = SIMD3<Double>(0, material.roughnessFactor, material.metallicFactor)
                    if let img = material.metallicRoughness {
                        let s = sampleBilinear(img, suv)
                        m = SIMD3(0, s.y * material.roughnessFactor, s.z * material.metallicFactor)
                    }
                    for ch in 0..<3 { mr[texel * 3 + ch] = toByte(m[ch]) }
                }
                if options.bakeEmissive {
                    var e = material.emissiveFactor
                    if let img = material.emissive { let s = sampleBilinear(img, suv); e = e * SIMD3(s.x, s.y, s.z) }
                    for ch in 0..<3 { emissive[texel * 3 + ch] = toByte(e[ch]) }
                }
                if options.bakeNormal {
                    let q0 = source.positions[s0], q1 = source.positions[s1], q2 = source.positions[s2]
                    var sn = normalize(cross(q1 - q0, q2 - q0))
                    if let sns = source.normals {
                        let interp = normalize(sns[s0] * sw0 + sns[s1] * h.u + sns[s2] * h.v)
                        if interp.isFinite && dot(interp, interp) > 0.5 { sn = interp }
                    }
                    if dot(sn, nrm) < 0 && source.normals == nil { sn = -sn }
                    // Gram–Schmidt frame at the texel.
                    var tt = normalize(tangent - nrm * dot(nrm, tangent))
                    if !tt.isFinite || dot(tt, tt) < 0.5 { tt = anyPerpendicular(nrm) }
                    var bb = cross(nrm, tt)
                    if dot(bb, bitangent) < 0 { bb = -bb }
                    let local = SIMD3(dot(sn, tt), dot(sn, bb), dot(sn, nrm))
                    for ch in 0..<3 { normal[texel * 3 + ch] = toByte(local[ch] * 0.5 + 0.5) }
                }
            }
        }
    }

    func finish(_ pixels: [UInt8], _ channels: Int) -> Image8 {
        var img = Image8(width: n, height: n, channels: channels, pixels: pixels)
        if options.fillGutters { AssetPipeline.fillGutters(&img, covered: covered, dilationRings: options.dilationRings) }
        return img
    }
    if options.bakeBaseColor { result.baseColor = finish(base, colorChannels) }
    if options.bakeMetallicRoughness { result.metallicRoughness = finish(mr, 3) }
    if options.bakeEmissive { result.emissive = finish(emissive, 3) }
    if options.bakeNormal { result.normal = finish(normal, 3) }
    result.covered = covered
    return result
}

/// Bilinear sample with repeat wrapping at glTF UV `uv`; RGBA in [0, 1] (alpha 1 when absent,
/// gray replicated).
public func sampleBilinear(_ image: Image8, _ uv: SIMD2<Double>) -> SIMD4<Double> {
    let w = image.width, h = image.height, ch = image.channels
    let fx = uv.x * Double(w) - 0.5, fy = uv.y * Double(h) - 0.5
    guard fx.isFinite, fy.isFinite, w > 0, h > 0 else { return SIMD4(0, 0, 0, 1) }
    let xf = fx.rounded(.down), yf = fy.rounded(.down)
    let ax = fx - xf, ay = fy - yf
    func wrap(_ v: Double, _ n: Int) -> Int { let m = Int(v.truncatingRemainder(dividingBy: Double(n))); return m < 0 ? m + n : m }
    let x0 = wrap(xf, w), x1 = (x0 + 1) % w, y0 = wrap(yf, h), y1 = (y0 + 1) % h
    func texel(_ x: Int, _ y: Int) -> SIMD4<Double> {
        let p = (y * w + x) * ch
        switch ch {
        case 1: let g = Double(image.pixels[p]); return SIMD4(g, g, g, 255)
        case 3: return SIMD4(Double(image.pixels[p]), Double(image.pixels[p + 1]), Double(image.pixels[p + 2]), 255)
        default: return SIMD4(Double(image.pixels[p]), Double(image.pixels[p + 1]), Double(image.pixels[p + 2]), Double(image.pixels[p + 3]))
        }
    }
    let top = texel(x0, y0) * (1 - ax) + texel(x1, y0) * ax
    let bottom = texel(x0, y1) * (1 - ax) + texel(x1, y1) * ax
    return (top * (1 - ay) + bottom * ay) / 255
}

@inline(__always)
private func toByte(_ v: Double) -> UInt8 { UInt8(max(0, min(255, (v * 255).rounded()))) }

private func anyPerpendicular(_ n: Vec3) -> Vec3 {
    normalize(abs(n.x) < 0.9 ? cross(n, Vec3(1, 0, 0)) : cross(n, Vec3(0, 1, 0)))
}

private func checkMesh(_ which: String, _ vertexCount: Int, _ indices: [UInt32], _ attributes: [(String, Int?)]) throws {
    guard indices.count % 3 == 0 else { throw BakeError.invalidMesh(which: which, reason: "index count \(indices.count) is not a multiple of 3") }
    if let bad = indices.first(where: { Int($0) >= vertexCount }) {
        throw BakeError.invalidMesh(which: which, reason: "index \(bad) out of range (\(vertexCount) vertices)")
    }
    for (name, count) in attributes {
        if let count, count != vertexCount {
            throw BakeError.invalidMesh(which: which, reason: "\(name) has \(count) entries for \(vertexCount) vertices")
        }
    }
}
