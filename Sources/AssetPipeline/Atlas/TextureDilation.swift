// Gutter filling for baked textures, so no seam shows under bilinear filtering or at any mip
// level: first a few rings of iterative dilation (each empty texel next to a filled one takes
// the mean of its filled 8-neighbours), then push-pull (Gortler et al., "The Lumigraph", 1996,
// section 3.5.2): a pyramid of weighted means is built down to 1×1 and every still-empty texel
// takes the bilinear value of the coarser level, so the whole image is defined and mips of the
// gutters average to the charts' own colours.
import Rendering
import Imaging

/// Fills every texel where `covered` is false from the covered ones.
/// - Parameters:
///   - image: any channel count; covered texels are left unchanged.
///   - covered: width × height flags, row-major.
///   - dilationRings: rings of exact neighbour dilation before push-pull (default 4).
/// - Returns: the image unchanged when nothing is covered.
public func fillGutters(_ image: inout Image8, covered: [Bool], dilationRings: Int = 4) {
    let w = image.width, h = image.height, ch = image.channels
    precondition(covered.count == w * h, "coverage mask must have one flag per texel")
    guard covered.contains(true) else { return }
    var color = image.pixels.map { Float($0) }
    var known = covered

    // 1. Rings of dilation.
    for _ in 0..<dilationRings {
        var next = known
        var changed = false
        for y in 0..<h {
            for x in 0..<w where !known[y * w + x] {
                var sum = [Float](repeating: 0, count: ch)
                var n: Float = 0
                for dy in -1...1 {
                    for dx in -1...1 where dx != 0 || dy != 0 {
                        let xx = x + dx, yy = y + dy
                        guard xx >= 0, yy >= 0, xx < w, yy < h, known[yy * w + xx] else { continue }
                        for c in 0..<ch { sum[c] += color[(yy * w + xx) * ch + c] }
                        n += 1
                    }
                }
                guard n > 0 else { continue }
                for c in 0..<ch { color[(y * w + x) * ch + c] = sum[c] / n }
                next[y * w + x] = true
                changed = true
            }
        }
        known = next
        if !changed { break }
    }

    // 2. Push-pull for the rest.
    if known.contains(false) {
        pushPull(&color, &known, width: w, height: h, channels: ch)
    }
    image.pixels = color.map { UInt8(max(0, min(255, $0.rounded()))) }
}

/// Recursively fills unknown texels from a half-resolution weighted mean.
private func pushPull(_ color: inout [Float], _ known: inout [Bool], width w: Int, height h: Int, channels ch: Int) {
    guard w > 1 || h > 1 else { return }
    let w2 = (w + 1) / 2, h2 = (h + 1) / 2
    var coarse = [Float](repeating: 0, count: w2 * h2 * ch)
    var coarseKnown = [Bool](repeating: false, count: w2 * h2)
    for y in 0..<h2 {
        for x in 0..<w2 {
            var n: Float = 0
            for dy in 0..<2 {
                for dx in 0..<2 {
                    let xx = 2 * x + dx, yy = 2 * y + dy
                    guard xx < w, yy < h, known[yy * w + xx] else { continue }
                    for c in 0..<ch { coarse[(y * w2 + x) * ch + c] += color[(yy * w + xx) * ch + c] }
                    n += 1
                }
            }
            if n > 0 {
                for c in 0..<ch { coarse[(y * w2 + x) * ch + c] /= n }
                coarseKnown[y * w2 + x] = true
            }
        }
    }
    if coarseKnown.contains(false) { pushPull(&coarse, &coarseKnown, width: w2, height: h2, channels: ch) }
    // Pull: bilinear from the coarse level at the fine texel's centre.
    for y in 0..<h {
        for x in 0..<w where !known[y * w + x] {
            let fx = max(0, min(Float(w2 - 1), (Float(x) + 0.5) / 2 - 0.5))
            let fy = max(0, min(Float(h2 - 1), (Float(y) + 0.5) / 2 - 0.5))
            let x0 = Int(fx), y0 = Int(fy), x1 = min(x0 + 1, w2 - 1), y1 = min(y0 + 1, h2 - 1)
            let ax = fx - Float(x0), ay = fy - Float(y0)
            for c in 0..<ch {
                let v00 = coarse[(y0 * w2 + x0) * ch + c], v10 = coarse[(y0 * w2 + x1) * ch + c]
                let v01 = coarse[(y1 * w2 + x0) * ch + c], v11 = coarse[(y1 * w2 + x1) * ch + c]
                color[(y * w + x) * ch + c] = (v00 * (1 - ax) + v10 * ax) * (1 - ay) + (v01 * (1 - ax) + v11 * ax) * ay
            }
            known[y * w + x] = true
        }
    }
}
