// Chart packing into one square atlas.
//
// 1. Each chart is turned to its minimum-area bounding rectangle (rotating calipers over the
//    convex hull: Toussaint 1983, "Solving geometric problems with the rotating calipers").
// 2. At a trial density (texels per model unit), every chart is rasterized conservatively
//    (every texel its triangles touch) and dilated by the gutter.
// 3. Charts, largest first, are dropped onto a horizon ("Tetris" packing, Lévy et al. 2002,
//    section 5): for each of the four 90° turns and every column, the chart rests on the
//    current skyline with its own lower profile; the position with the least wasted area
//    under the chart (ties: lowest) wins and the skyline takes the chart's upper profile.
// 4. The density is searched (bracketing, then bisection on a log scale) for the largest value
//    whose packing fits the square.
// Because every chart claims all texels it touches plus the gutter, no texel can be claimed
// by two charts.

import Foundation

/// A chart to pack: its UVs (model units, any placement) and triangles (local indices).
struct PackingChart: Sendable {
    var uvs: [SIMD2<Double>]
    var triangles: [Int32]
}

/// Where a packed chart's vertices land, in texels of the atlas (x right, y up from row 0).
struct PackingResult: Sendable {
    /// Per chart, per vertex: texel coordinates in [0, resolution].
    var texelUVs: [[SIMD2<Double>]]
    var texelsPerUnit: Double
    /// Rows used by the highest chart.
    var usedHeight: Int
}

/// Turns the chart so its minimum-area bounding rectangle is axis-aligned, and moves it to the origin.
func alignToMinimumRectangle(_ uvs: [SIMD2<Double>]) -> [SIMD2<Double>] {
    let hull = convexHull(uvs)
    var bestAngle = 0.0, bestArea = Double.infinity
    if hull.count >= 3 {
        for i in 0..<hull.count {
            let e = hull[(i + 1) % hull.count] - hull[i]
            let len = (e.x * e.x + e.y * e.y).squareRoot()
            guard len > 0 else { continue }
            let d = e / len, n = SIMD2(-d.y, d.x)
            var lo = SIMD2<Double>(repeating: .infinity), hi = SIMD2<Double>(repeating: -.infinity)
            for p in hull {
                let q = SIMD2((p * d).sum(), (p * n).sum())
                lo = pointwiseMin(lo, q); hi = pointwiseMax(hi, q)
            }
            let area = (hi.x - lo.x) * (hi.y - lo.y)
            if area < bestArea { bestArea = area; bestAngle = atan2(d.y, d.x) }
        }
    }
    let c = cos(-bestAngle), s = sin(-bestAngle)
    var out = uvs.map { SIMD2($0.x * c - $0.y * s, $0.x * s + $0.y * c) }
    var lo = SIMD2<Double>(repeating: .infinity)
    for p in out { lo = pointwiseMin(lo, p) }
    for i in out.indices { out[i] -= lo }
    return out
}

/// Andrew's monotone chain; counter-clockwise hull without collinear points.
func convexHull(_ points: [SIMD2<Double>]) -> [SIMD2<Double>] {
    let p = points.sorted { $0.x != $1.x ? $0.x < $1.x : $0.y < $1.y }
    guard p.count >= 3 else { return p }
    func turn(_ o: SIMD2<Double>, _ a: SIMD2<Double>, _ b: SIMD2<Double>) -> Double {
        (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
    }
    var hull: [SIMD2<Double>] = []
    for q in p {
        while hull.count >= 2 && turn(hull[hull.count - 2], hull[hull.count - 1], q) <= 0 { hull.removeLast() }
        hull.append(q)
    }
    let lower = hull.count + 1
    for q in p.reversed().dropFirst() {
        while hull.count >= lower && turn(hull[hull.count - 2], hull[hull.count - 1], q) <= 0 { hull.removeLast() }
        hull.append(q)
    }
    hull.removeLast()
    return hull
}

/// A chart's footprint at one density: the lower and upper profiles of its conservative
/// raster dilated by the gutter, for each of the four quarter turns. Coordinates are texels of
/// a box `width` × `height` whose origin sits `margin` texels below-left of the chart's UV origin.
struct ChartFootprint {
    var width: Int
    var height: Int
    var margin: Int
    /// Per rotation: lowest and highest occupied row of every column (Int32.max / -1 if empty).
    var bottom: [[Int32]]
    var top: [[Int32]]
    /// Occupied texels before dilation (for ordering).
    var texels: Int
}

/// Rasterizes a chart conservatively at `density` texels per unit and dilates it by `gutter`,
/// keeping only row and column profiles.
func chartFootprint(_ chart: PackingChart, density: Double, gutter: Int) -> ChartFootprint {
    let margin = gutter + 1
    var hi = SIMD2<Double>(repeating: 0)
    for p in chart.uvs { hi = pointwiseMax(hi, p) }
    let w = Int((hi.x * density).rounded(.up)) + 2 * margin
    let h = Int((hi.y * density).rounded(.up)) + 2 * margin
    var colMin = [Int32](repeating: .max, count: w), colMax = [Int32](repeating: -1, count: w)
    var rowMin = [Int32](repeating: .max, count: h), rowMax = [Int32](repeating: -1, count: h)
    var texels = 0
    let off = Double(margin)
    let tri = chart.triangles, uvs = chart.uvs
    for t in 0..<(tri.count / 3) {
        let a = uvs[Int(tri[3 * t])] * density + off
        let b = uvs[Int(tri[3 * t + 1])] * density + off
        let c = uvs[Int(tri[3 * t + 2])] * density + off
        texels += touchSpans(a, b, c, count: w, lo: &colMin, hi: &colMax)
        _ = touchSpans(SIMD2(a.y, a.x), SIMD2(b.y, b.x), SIMD2(c.y, c.x), count: h, lo: &rowMin, hi: &rowMax)
    }
    // Square dilation acts on profiles as a sliding min/max over ±gutter, widened by gutter.
    func dilated(_ lo: [Int32], _ hi: [Int32]) -> ([Int32], [Int32]) {
        guard gutter > 0 else { return (lo, hi) }
        var dlo = lo, dhi = hi
        for i in 0..<lo.count {
            var m = Int32.max, M: Int32 = -1
            for j in max(0, i - gutter)...min(lo.count - 1, i + gutter) where lo[j] != .max {
                m = min(m, lo[j]); M = max(M, hi[j])
            }
            if m != .max { dlo[i] = m - Int32(gutter); dhi[i] = M + Int32(gutter) } else { dlo[i] = .max; dhi[i] = -1 }
        }
        return (dlo, dhi)
    }
    let (cMin, cMax) = dilated(colMin, colMax)
    let (rMin, rMax) = dilated(rowMin, rowMax)
    let h1 = Int32(h - 1), w1 = Int32(w - 1)
    // Rotation 0: (x, y); 1: (h-1-y, x); 2: (w-1-x, h-1-y); 3: (y, w-1-x).
    let b0 = cMin, t0 = cMax
    var b1 = [Int32](repeating: .max, count: h), t1 = [Int32](repeating: -1, count: h)
    var b2 = [Int32](repeating: .max, count: w), t2 = [Int32](repeating: -1, count: w)
    var b3 = [Int32](repeating: .max, count: h), t3 = [Int32](repeating: -1, count: h)
    for x in 0..<w where cMin[x] != .max {
        b2[w - 1 - x] = h1 - cMax[x]; t2[w - 1 - x] = h1 - cMin[x]
    }
    for y in 0..<h where rMin[y] != .max {
        b1[h - 1 - y] = rMin[y]; t1[h - 1 - y] = rMax[y]
        b3[y] = w1 - rMax[y]; t3[y] = w1 - rMin[y]
    }
    return ChartFootprint(width: w, height: h, margin: margin, bottom: [b0, b1, b2, b3], top: [t0, t1, t2, t3], texels: texels)
}

/// For every unit column strip [x, x+1] the triangle abc touches, widens lo[x]...hi[x] to the
/// rows (floor of y) the triangle touches inside the strip: the exact conservative extent,
/// from the edge pieces inside the strip. Returns the number of texels touched.
@inline(__always)
func touchSpans(_ a: SIMD2<Double>, _ b: SIMD2<Double>, _ c: SIMD2<Double>, count: Int,
                lo: inout [Int32], hi: inout [Int32]) -> Int {
    let x0 = max(0, Int(min(a.x, b.x, c.x).rounded(.down))), x1 = min(count - 1, Int(max(a.x, b.x, c.x).rounded(.down)))
    guard x0 <= x1 else { return 0 }
    var touched = 0
    let edges = ((a, b), (b, c), (c, a))
    for x in x0...x1 {
        let sa = Double(x), sb = Double(x + 1)
        var ymin = Double.infinity, ymax = -Double.infinity
        for e in 0..<3 {
            let (p, q) = e == 0 ? edges.0 : e == 1 ? edges.1 : edges.2
            let ex0 = min(p.x, q.x), ex1 = max(p.x, q.x)
            guard ex1 >= sa, ex0 <= sb else { continue }
            if ex1 - ex0 <= 1e-12 {
                ymin = min(ymin, p.y, q.y); ymax = max(ymax, p.y, q.y)
            } else {
                let u0 = max(ex0, sa), u1 = min(ex1, sb)
                let slope = (q.y - p.y) / (q.x - p.x)
                let y0 = p.y + (u0 - p.x) * slope, y1 = p.y + (u1 - p.x) * slope
                ymin = min(ymin, y0, y1); ymax = max(ymax, y0, y1)
            }
        }
        guard ymin <= ymax else { continue }
        let r0 = Int32(ymin.rounded(.down)), r1 = Int32(ymax.rounded(.down))
        if r0 < lo[x] { lo[x] = r0 }
        if r1 > hi[x] { hi[x] = r1 }
        touched += Int(r1 - r0) + 1
    }
    return touched
}

/// Calls `body` for every texel whose unit square touches triangle abc (either winding).
@inline(__always)
func rasterizeConservative(_ a: SIMD2<Double>, _ b: SIMD2<Double>, _ c: SIMD2<Double>, width: Int, height: Int,
                           _ body: (Int, Int) -> Void) {
    let x0 = max(0, Int(min(a.x, b.x, c.x).rounded(.down))), x1 = min(width - 1, Int(max(a.x, b.x, c.x).rounded(.down)))
    let y0 = max(0, Int(min(a.y, b.y, c.y).rounded(.down))), y1 = min(height - 1, Int(max(a.y, b.y, c.y).rounded(.down)))
    guard x0 <= x1, y0 <= y1 else { return }
    let orient = (b.x - a.x) * (c.y - a.y) - (c.x - a.x) * (b.y - a.y)
    let (p, q, r) = orient >= 0 ? (a, b, c) : (a, c, b)
    // Edge functions E(x, y) = nx x + ny y + k, ≥ 0 inside; test at the texel's best corner.
    func edge(_ u: SIMD2<Double>, _ v: SIMD2<Double>) -> (Double, Double, Double) {
        let nx = -(v.y - u.y), ny = v.x - u.x
        return (nx, ny, -(nx * u.x + ny * u.y))
    }
    let e0 = edge(p, q), e1 = edge(q, r), e2 = edge(r, p)
    let eps = 1e-9 * max(1, abs(orient))
    for y in y0...y1 {
        let fy = Double(y)
        for x in x0...x1 {
            let fx = Double(x)
            let v0 = e0.0 * (e0.0 > 0 ? fx + 1 : fx) + e0.1 * (e0.1 > 0 ? fy + 1 : fy) + e0.2
            let v1 = e1.0 * (e1.0 > 0 ? fx + 1 : fx) + e1.1 * (e1.1 > 0 ? fy + 1 : fy) + e1.2
            let v2 = e2.0 * (e2.0 > 0 ? fx + 1 : fx) + e2.1 * (e2.1 > 0 ? fy + 1 : fy) + e2.2
            if v0 >= -eps && v1 >= -eps && v2 >= -eps { body(x, y) }
        }
    }
}

/// Maps a chart-bitmap point (continuous texel coordinates) through a quarter-turn rotation.
@inline(__always)
func rotatePoint(_ p: SIMD2<Double>, rotation: Int, width w: Int, height h: Int) -> SIMD2<Double> {
    switch rotation {
    case 0: return p
    case 1: return SIMD2(Double(h) - p.y, p.x)
    case 2: return SIMD2(Double(w) - p.x, Double(h) - p.y)
    default: return SIMD2(p.y, Double(w) - p.x)
    }
}

private struct Placement: Equatable { var rotation: Int; var x: Int; var y: Int }

/// Weight of the resulting top row against wasted texels when choosing a position.
private let heightWeight = Int(ProcessInfo.processInfo.environment["ATLAS_HW"] ?? "4") ?? 4

/// Horizon packing at one density. Returns nil when a chart does not fit.
private func packHorizon(_ footprints: [ChartFootprint], order: [Int], resolution n: Int, heightLimit: Int, allowRotation: Bool)
    -> (placements: [Placement], height: Int)? {
    var sky = [Int32](repeating: 0, count: n)
    var prefix = [Int](repeating: 0, count: n + 1)     // prefix sums of sky
    var placements = [Placement](repeating: Placement(rotation: 0, x: 0, y: 0), count: footprints.count)
    var maxHeight = 0
    for c in order {
        let fp = footprints[c]
        var best: (score: Int, y: Int, placement: Placement)? = nil
        for rotation in 0..<(allowRotation ? 4 : 1) {
            let rw = rotation % 2 == 0 ? fp.width : fp.height
            let rh = rotation % 2 == 0 ? fp.height : fp.width
            guard rw <= n, rh <= heightLimit else { continue }
            let bottom = fp.bottom[rotation], top = fp.top[rotation]
            var occupied = 0, sumBottom = 0, maxTop: Int32 = -1
            for i in 0..<rw where bottom[i] != .max { occupied += 1; sumBottom += Int(bottom[i]); maxTop = max(maxTop, top[i]) }
            guard occupied > 0 else { continue }
            let contiguous = occupied == rw
            let pull = heightWeight * rw / 16
            sky.withUnsafeBufferPointer { s in
                prefix.withUnsafeBufferPointer { ps in
                    bottom.withUnsafeBufferPointer { bt in
                        // Score of resting the chart at column x: wasted texels under it plus a
                        // pull toward low positions. It grows with the resting row y, so the scan
                        // of y stops as soon as the score cannot beat the best one.
                        func consider(_ x: Int) {
                            var skySum = 0
                            if contiguous { skySum = ps[x + rw] - ps[x] } else {
                                for i in 0..<rw where bt[i] != .max { skySum += Int(s[x + i]) }
                            }
                            let base = sumBottom - skySum + pull * (Int(maxTop) + 1)
                            let slope = occupied + pull
                            var yLimit = Int32.max
                            if let b = best { yLimit = Int32(clamping: (b.score - base) / slope + 1) }
                            var y: Int32 = 0
                            for i in 0..<rw where bt[i] != .max {
                                let need = s[x + i] - bt[i]
                                if need > y { y = need; if y > yLimit { return } }
                            }
                            guard Int(y) + Int(maxTop) + 1 <= heightLimit else { return }
                            let score = base + slope * Int(y)
                            if best == nil || score < best!.score || (score == best!.score && Int(y) < best!.y) {
                                best = (score, Int(y), Placement(rotation: rotation, x: x, y: Int(y)))
                            }
                        }
                        // Coarse scan, then every column around the best coarse position.
                        let step = rw >= 48 ? 4 : rw >= 16 ? 2 : 1
                        let before = best?.placement
                        var x = 0
                        while x <= n - rw { consider(x); x += step }
                        consider(n - rw)
                        if step > 1, let p = best?.placement, p != before {
                            for x in max(0, p.x - step + 1)...min(n - rw, p.x + step - 1) { consider(x) }
                        }
                    }
                }
            }
        }
        guard let chosen = best else { return nil }
        let p = chosen.placement
        let bottom = fp.bottom[p.rotation], top = fp.top[p.rotation]
        for i in 0..<bottom.count where bottom[i] != .max {
            sky[p.x + i] = max(sky[p.x + i], Int32(p.y) + top[i] + 1)
            maxHeight = max(maxHeight, Int(sky[p.x + i]))
        }
        for x in p.x..<n { prefix[x + 1] = prefix[x] + Int(sky[x]) }
        placements[c] = p
    }
    return (placements, maxHeight)
}

/// Packs charts (already in model units at one common density) into a square atlas.
/// - Throws: `AtlasError.chartsDoNotFit` when even a tiny density does not fit.
func packCharts(_ charts: [PackingChart], resolution n: Int, gutter: Int, allowRotation: Bool) throws -> PackingResult {
    let aligned = charts.map { PackingChart(uvs: alignToMinimumRectangle($0.uvs), triangles: $0.triangles) }
    var totalArea = 0.0
    for c in aligned {
        for t in 0..<(c.triangles.count / 3) {
            totalArea += abs(signedArea(c.uvs[Int(c.triangles[3 * t])], c.uvs[Int(c.triangles[3 * t + 1])], c.uvs[Int(c.triangles[3 * t + 2])]))
        }
    }
    guard totalArea > 0 else { throw AtlasError.chartsDoNotFit(charts: charts.count, resolution: n) }

    func attempt(_ density: Double, heightLimit: Int) -> (footprints: [ChartFootprint], placements: [Placement], height: Int)? {
        let t0 = ContinuousClock.now
        let fps = aligned.map { chartFootprint($0, density: density, gutter: gutter) }
        debugPack("footprints \(ContinuousClock.now - t0)")
        let order = fps.indices.sorted {
            let a = fps[$0].texels, b = fps[$1].texels
            return a != b ? a > b : $0 < $1
        }
        let packed = packHorizon(fps, order: order, resolution: n, heightLimit: heightLimit, allowRotation: allowRotation)
        debugPack("attempt \(density) limit \(heightLimit) -> \(packed.map { "height \($0.height)" } ?? "fail")")
        guard let packed else { return nil }
        return (fps, packed.placements, packed.height)
    }

    // 1. Estimate the density from unbounded packings (height grows with density²).
    var density = (0.6 * Double(n * n) / totalArea).squareRoot()
    for _ in 0..<2 {
        guard let r = attempt(density, heightLimit: Int(Int32.max / 2)) else { density *= 0.5; continue }
        density *= (Double(n) / Double(max(1, r.height))).squareRoot()
    }
    // 2. Bracket the largest density whose packing fits the square, then bisect.
    var best: (density: Double, footprints: [ChartFootprint], placements: [Placement], height: Int)? = nil
    var lo = 0.0, hi = Double.infinity
    for _ in 0..<40 {
        if let r = attempt(density, heightLimit: n) {
            best = (density, r.footprints, r.placements, r.height); lo = density
            if hi.isFinite { break }
            density *= 1.02
        } else {
            hi = density
            if best != nil { break }
            density *= 0.97
        }
    }
    guard var best else { throw AtlasError.chartsDoNotFit(charts: charts.count, resolution: n) }
    var steps = 0
    while hi.isFinite && hi / lo > 1.006 && steps < 3 {
        steps += 1
        let mid = (lo * hi).squareRoot()
        if let r = attempt(mid, heightLimit: n) { lo = mid; best = (mid, r.footprints, r.placements, r.height) } else { hi = mid }
    }

    var texelUVs: [[SIMD2<Double>]] = []
    texelUVs.reserveCapacity(aligned.count)
    for (c, chart) in aligned.enumerated() {
        let fp = best.footprints[c], p = best.placements[c]
        let off = Double(fp.margin)
        texelUVs.append(chart.uvs.map { uv in
            rotatePoint(uv * best.density + off, rotation: p.rotation, width: fp.width, height: fp.height)
                + SIMD2(Double(p.x), Double(p.y))
        })
    }
    return PackingResult(texelUVs: texelUVs, texelsPerUnit: best.density, usedHeight: best.height)
}

import Foundation
func debugPack(_ s: String) { if ProcessInfo.processInfo.environment["ATLAS_DEBUG"] != nil { FileHandle.standardError.write(Data((s + "\n").utf8)) } }
