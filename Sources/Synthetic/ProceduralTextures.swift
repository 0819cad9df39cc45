import Foundation
import Geometry
import Rendering
import Imaging

// Procedural textures of the synthetic landmark. Everything is drawn at metric scale with
// seeded random variation per brick, window, sign and slab, so that no two patches of a
// surface look alike (repetitive patterns confuse feature matching).

/// What a surface of the synthetic landmark is painted with.
enum SurfaceKind: Sendable {
    /// A wall with floors of windows. `floors` counts storeys of `floorHeight` metres from the
    /// bottom; `parapet` metres at the top are a coping band.
    case facade(style: FacadeStyle, floorHeight: Double, parapet: Double, shopFront: Bool)
    case roof
    case ground
    /// Painted metal panels (roof structures, kiosks).
    case metal
    /// Stone coping (parapet tops and inner faces).
    case coping
    /// A billboard: big sign with glyphs and pictures.
    case billboard
}

enum FacadeStyle: Sendable, CaseIterable { case brick, stone, plaster }

private typealias RGB = SIMD3<Float>

private func rgb(_ r: Float, _ g: Float, _ b: Float) -> RGB { RGB(r, g, b) }

private func pick<T>(_ a: [T], _ rng: inout SplitMix64) -> T { a[Int(rng.next() % UInt64(a.count))] }
private func rand(_ r: ClosedRange<Float>, _ rng: inout SplitMix64) -> Float { Float.random(in: r, using: &rng) }
private func chance(_ p: Double, _ rng: inout SplitMix64) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
private func vivid(_ rng: inout SplitMix64) -> RGB {
    pick([rgb(0.85, 0.12, 0.1), rgb(0.1, 0.35, 0.8), rgb(0.95, 0.75, 0.1), rgb(0.1, 0.6, 0.25),
          rgb(0.95, 0.45, 0.05), rgb(0.55, 0.15, 0.6), rgb(0.05, 0.05, 0.05), rgb(0.95, 0.95, 0.92),
          rgb(0.0, 0.55, 0.6), rgb(0.8, 0.3, 0.45)], &rng) * rand(0.8...1.05, &rng)
}

/// Soft blobs of random size, tone and opacity: weathering, stains, pebbles. They give the
/// difference-of-Gaussians detectors (SIFT) distinct blob features at many scales.
private func scatterBlobs(_ c: inout Canvas, perSquareMetre density: Double, radius: ClosedRange<Float>,
                          rng: inout SplitMix64, palette: (inout SplitMix64) -> SIMD3<Float>) {
    let area = Double(c.width * c.height) / Double(c.pixelsPerMetre * c.pixelsPerMetre)
    for _ in 0..<Int(area * density) {
        let r = radius.lowerBound * pow(radius.upperBound / radius.lowerBound, rand(0...1, &rng))  // log-uniform
        c.disc(cx: rand(0...Float(c.width), &rng), cy: rand(0...Float(c.height), &rng), radius: r,
               color: palette(&rng), opacity: rand(0.25...0.8, &rng))
    }
}

enum ProceduralTextures {
    /// Paints a surface `widthMetres × heightMetres` (texture u across, v down).
    static func paint(_ kind: SurfaceKind, widthMetres: Double, heightMetres: Double, seed: UInt64, detail: Float = 1) -> Image8 {
        var rng = SplitMix64(seed: seed)
        let noise = ValueNoise(seed: seed &* 31 &+ 7)
        var c: Canvas
        switch kind {
        case .facade(let style, let floorHeight, let parapet, let shop):
            c = Canvas(widthMetres: widthMetres, heightMetres: heightMetres, pixelsPerMetre: 64 * detail)
            paintWall(&c, style: style, rng: &rng)
            let wallTone = c.pixels[c.pixels.count / 2]
            scatterBlobs(&c, perSquareMetre: 6, radius: 1.5...14, rng: &rng) { r in
                wallTone * rand(0.45...1.5, &r) + SIMD3(rand(-0.08...0.08, &r), rand(-0.08...0.08, &r), rand(-0.08...0.08, &r))
            }
            paintWindows(&c, floorHeight: floorHeight, parapet: parapet, heightMetres: heightMetres,
                         shopFront: shop, rng: &rng)
            paintDecals(&c, rng: &rng)
            c.modulate(noise: noise, scaleMetres: 3, amplitude: 0.14)
            c.modulate(noise: ValueNoise(seed: rng.next()), scaleMetres: 0.3, amplitude: 0.1, octaves: 2)
        case .roof:
            c = Canvas(widthMetres: widthMetres, heightMetres: heightMetres, pixelsPerMetre: 64 * detail)
            paintRoof(&c, noise: noise, rng: &rng)
        case .ground:
            c = Canvas(widthMetres: widthMetres, heightMetres: heightMetres, pixelsPerMetre: 32 * detail, maxSize: 3072)
            paintGround(&c, noise: noise, rng: &rng)
        case .metal:
            c = Canvas(widthMetres: widthMetres, heightMetres: heightMetres, pixelsPerMetre: 80 * detail)
            paintMetal(&c, rng: &rng)
            c.modulate(noise: noise, scaleMetres: 1, amplitude: 0.18)
        case .coping:
            c = Canvas(widthMetres: widthMetres, heightMetres: heightMetres, pixelsPerMetre: 64 * detail)
            paintBlocks(&c, base: rgb(0.72, 0.7, 0.66), blockMetres: (0.5, 1.1), rowMetres: 0.3, mortar: rgb(0.5, 0.5, 0.48), rng: &rng)
            c.modulate(noise: noise, scaleMetres: 0.8, amplitude: 0.2)
        case .billboard:
            c = Canvas(widthMetres: widthMetres, heightMetres: heightMetres, pixelsPerMetre: 96 * detail)
            paintBillboard(&c, rng: &rng)
        }
        c.grain(&rng, amplitude: 0.04)
        return c.image()
    }

    // MARK: Walls

    private static func paintWall(_ c: inout Canvas, style: FacadeStyle, rng: inout SplitMix64) {
        switch style {
        case .brick:
            let base = pick([rgb(0.62, 0.28, 0.2), rgb(0.7, 0.45, 0.3), rgb(0.55, 0.3, 0.25)], &rng)
            let rowH = c.t(0.075), mortarT = max(1, c.t(0.012))
            var y = 0, row = 0
            while y < c.height {
                var x = row % 2 == 0 ? 0 : -c.t(0.12)
                while x < c.width {
                    let len = c.t(Double(rand(0.2...0.28, &rng)))
                    let tone = base * rand(0.72...1.18, &rng) + rgb(rand(-0.04...0.04, &rng), rand(-0.03...0.03, &rng), 0)
                    let burnt = chance(0.06, &rng)
                    let color = burnt ? tone * 0.55 : tone
                    c.fill(x, y, x + len - mortarT, y + rowH - mortarT, color: color)
                    c.fill(x + len - mortarT, y, x + len, y + rowH, color: rgb(0.74, 0.72, 0.68))
                    x += len
                }
                c.fill(0, y + rowH - mortarT, c.width, y + rowH, color: rgb(0.74, 0.72, 0.68))
                y += rowH; row += 1
            }
        case .stone:
            let base = pick([rgb(0.78, 0.74, 0.64), rgb(0.7, 0.68, 0.64), rgb(0.8, 0.7, 0.55)], &rng)
            paintBlocks(&c, base: base, blockMetres: (0.5, 1.3), rowMetres: 0.42, mortar: base * 0.7, rng: &rng)
        case .plaster:
            let base = pick([rgb(0.85, 0.8, 0.68), rgb(0.7, 0.78, 0.8), rgb(0.88, 0.72, 0.6), rgb(0.76, 0.82, 0.7)], &rng)
            c.fill(0, 0, c.width, c.height, color: base)
            let stains = ValueNoise(seed: rng.next())
            c.modulate(noise: stains, scaleMetres: 0.7, amplitude: 0.12, octaves: 5)
            for _ in 0..<(c.width * c.height / 40000) {   // cracks
                c.stroke(&rng, x: rand(0...Float(c.width), &rng), y: rand(0...Float(c.height), &rng),
                         steps: Int(rand(10...40, &rng)), step: 2, radius: 0.7, color: base * 0.45, opacity: 0.8)
            }
        }
    }

    /// Irregular ashlar blocks: each row `rowMetres` high, blocks of random length and tone.
    private static func paintBlocks(_ c: inout Canvas, base: SIMD3<Float>, blockMetres: (Double, Double), rowMetres: Double,
                                    mortar: SIMD3<Float>, rng: inout SplitMix64) {
        let rowH = max(3, c.t(rowMetres)), joint = max(1, c.t(0.015))
        c.fill(0, 0, c.width, c.height, color: mortar)
        var y = 0
        while y < c.height {
            var x = -Int(rng.next() % UInt64(max(1, c.t(blockMetres.1))))
            while x < c.width {
                let len = c.t(Double.random(in: blockMetres.0...blockMetres.1, using: &rng))
                let tone = base * rand(0.82...1.12, &rng)
                let speck = ValueNoise(seed: rng.next())
                c.fill(x + joint, y + joint, x + len, y + rowH) { px, py, _ in
                    tone * (0.9 + 0.2 * speck.value(Float(px) * 0.35, Float(py) * 0.35))
                }
                x += len
            }
            y += rowH
        }
    }

    // MARK: Windows, doors, signs

    private static func paintWindows(_ c: inout Canvas, floorHeight: Double, parapet: Double, heightMetres: Double,
                                     shopFront: Bool, rng: inout SplitMix64) {
        let widthM = Double(c.width) / Double(c.pixelsPerMetre)
        let floors = Int(((heightMetres - parapet) / floorHeight).rounded(.down))
        // Coping band at the top, and a string course above each floor.
        c.fillMetres(0, 0, widthM, parapet, color: rgb(0.72, 0.7, 0.66) * rand(0.9...1.05, &rng))
        c.fillMetres(0, parapet - 0.08, widthM, parapet, color: rgb(0.3, 0.3, 0.3))
        let bays = max(1, Int((widthM / Double(rand(2.3...2.9, &rng))).rounded()))
        let bayW = widthM / Double(bays)
        for floor in 0..<floors {
            let bottom = heightMetres - Double(floor) * floorHeight      // v grows downward
            let top = bottom - floorHeight
            if floor > 0 { c.fillMetres(0, bottom - 0.12, widthM, bottom, color: rgb(0.6, 0.58, 0.55) * rand(0.85...1.1, &rng)) }
            for bay in 0..<bays {
                let centre = (Double(bay) + 0.5) * bayW + Double(rand(-0.12...0.12, &rng))
                if floor == 0 {
                    if shopFront && bay % 3 == 1 { paintShop(&c, centre: centre, width: bayW * 0.9, top: top, bottom: bottom, rng: &rng); continue }
                    if bay == bays / 2 { paintDoor(&c, centre: centre, top: top, bottom: bottom, rng: &rng); continue }
                }
                if chance(0.06, &rng) { continue }  // a blind bay
                let w = Double(rand(0.95...1.4, &rng)), h = Double(rand(1.35...1.8, &rng))
                let y0 = top + 0.75 + Double(rand(-0.05...0.05, &rng))
                paintWindow(&c, x0: centre - w / 2, y0: y0, x1: centre + w / 2, y1: y0 + h, rng: &rng)
            }
        }
    }

    private static func paintWindow(_ c: inout Canvas, x0: Double, y0: Double, x1: Double, y1: Double, rng: inout SplitMix64) {
        let frame = pick([rgb(0.95, 0.95, 0.93), rgb(0.2, 0.2, 0.22), rgb(0.45, 0.3, 0.18), rgb(0.2, 0.4, 0.3),
                          rgb(0.6, 0.62, 0.65)], &rng)
        let f = Double(rand(0.05...0.1, &rng))
        // Lintel and sill.
        c.fillMetres(x0 - 0.08, y0 - 0.14, x1 + 0.08, y0, color: rgb(0.55, 0.52, 0.48) * rand(0.8...1.2, &rng))
        c.fillMetres(x0 - 0.1, y1, x1 + 0.1, y1 + 0.07, color: rgb(0.82, 0.8, 0.76) * rand(0.85...1.1, &rng))
        c.fillMetres(x0 - 0.1, y1 + 0.07, x1 + 0.1, y1 + 0.1, color: rgb(0.25, 0.24, 0.22))
        c.fillMetres(x0, y0, x1, y1, color: frame)
        // Glass: a dark gradient with sky reflections, sometimes lit or curtained.
        let gx0 = c.t(x0 + f), gy0 = c.t(y0 + f), gx1 = c.t(x1 - f), gy1 = c.t(y1 - f)
        let lit = chance(0.12, &rng)
        let glassTop = lit ? rgb(0.95, 0.85, 0.55) : rgb(0.35, 0.45, 0.55) * rand(0.7...1.2, &rng)
        let glassBottom = lit ? rgb(0.8, 0.6, 0.3) : rgb(0.1, 0.13, 0.18) * rand(0.7...1.3, &rng)
        let span = Float(max(1, gy1 - gy0))
        c.fill(gx0, gy0, gx1, gy1) { _, y, _ in
            let t = Float(y - gy0) / span
            return glassTop * (1 - t) + glassBottom * t
        }
        for _ in 0..<Int(rand(1...4, &rng)) {   // reflections
            let rx = rand(Float(gx0)...Float(max(gx0 + 1, gx1)), &rng), ry = rand(Float(gy0)...Float(max(gy0 + 1, gy1)), &rng)
            let r = rand(3...Float(max(4, (gx1 - gx0) / 3)), &rng)
            c.disc(cx: rx, cy: ry, radius: r, color: rgb(0.75, 0.82, 0.9), opacity: rand(0.2...0.5, &rng),
                   clip: (gx0, gy0, gx1, gy1))
        }
        if chance(0.5, &rng) {   // a curtain
            let col = vivid(&rng) * 0.8 + rgb(0.15, 0.15, 0.15)
            let cover = Int(Float(gx1 - gx0) * rand(0.2...0.6, &rng))
            let left = chance(0.5, &rng)
            let freq = rand(0.3...0.8, &rng)
            let cx0 = left ? gx0 : gx1 - cover, cx1 = left ? gx0 + cover : gx1
            c.fill(cx0, gy0, cx1, gy1) { x, _, _ in col * (0.8 + 0.2 * sin(Float(x) * freq)) }
        }
        // Mullions and transoms.
        let style = Int(rng.next() % 4)
        let mw = max(2, c.t(0.05))
        if style == 1 || style == 3 { let mx = (gx0 + gx1) / 2; c.fill(mx - mw / 2, gy0, mx + mw / 2, gy1, color: frame) }
        if style == 2 || style == 3 {
            let my = gy0 + Int(Float(gy1 - gy0) * rand(0.3...0.5, &rng))
            c.fill(gx0, my - mw / 2, gx1, my + mw / 2, color: frame)
        }
        if chance(0.2, &rng) {   // a flower box
            let by0 = c.t(y1 - 0.05), by1 = c.t(y1 + 0.2)
            c.fill(c.t(x0), by0, c.t(x1), by1, color: rgb(0.4, 0.25, 0.15) * rand(0.8...1.2, &rng))
            for _ in 0..<Int(rand(8...20, &rng)) {
                c.disc(cx: rand(Float(c.t(x0))...Float(c.t(x1)), &rng), cy: Float(by0) - rand(0...8, &rng),
                       radius: rand(1.5...4, &rng), color: chance(0.5, &rng) ? vivid(&rng) : rgb(0.15, 0.45, 0.12))
            }
        }
    }

    private static func paintDoor(_ c: inout Canvas, centre: Double, top: Double, bottom: Double, rng: inout SplitMix64) {
        let w = Double(rand(1.2...1.8, &rng)), h = Double(rand(2.2...2.5, &rng))
        let x0 = centre - w / 2, y0 = bottom - h
        c.fillMetres(x0 - 0.15, y0 - 0.3, x0 + w + 0.15, bottom, color: rgb(0.8, 0.78, 0.74) * rand(0.85...1.1, &rng))
        let wood = pick([rgb(0.4, 0.22, 0.1), rgb(0.15, 0.25, 0.45), rgb(0.12, 0.3, 0.16), rgb(0.5, 0.1, 0.1)], &rng)
        c.fillMetres(x0, y0, x0 + w, bottom, color: wood)
        for i in 0..<2 { for j in 0..<3 {   // panels
            let px = x0 + 0.1 + Double(i) * (w / 2), py = y0 + 0.15 + Double(j) * (h - 0.2) / 3
            c.fillMetres(px, py, px + w / 2 - 0.2, py + (h - 0.2) / 3 - 0.15, color: wood * rand(0.7...0.9, &rng))
        } }
        c.disc(cx: Float(c.t(centre + 0.05)), cy: Float(c.t(bottom - 1.05)), radius: 3, color: rgb(0.85, 0.75, 0.3))
        // A house number plate.
        let plateX = c.t(x0 + w + 0.3), plateY = c.t(y0 + 0.2)
        c.fill(plateX, plateY, plateX + c.t(0.35), plateY + c.t(0.25), color: rgb(0.1, 0.2, 0.55))
        c.glyphs(&rng, x: plateX + 3, y: plateY + 3, count: 2, cell: 2, color: rgb(0.95, 0.95, 0.95))
    }

    private static func paintShop(_ c: inout Canvas, centre: Double, width: Double, top: Double, bottom: Double,
                                  rng: inout SplitMix64) {
        let x0 = centre - width / 2, x1 = centre + width / 2
        // The sign board with its lettering.
        let signTop = top + 0.25, signBottom = top + 0.85
        let bg = vivid(&rng), ink = (bg.x + bg.y + bg.z) > 1.4 ? rgb(0.05, 0.05, 0.08) : rgb(0.97, 0.96, 0.9)
        c.fillMetres(x0, signTop, x1, signBottom, color: bg)
        c.fillMetres(x0, signBottom - 0.04, x1, signBottom, color: bg * 0.5)
        let cell = max(2, c.t(0.045))
        let count = Int((width - 0.3) * Double(c.pixelsPerMetre) / Double(6 * cell))
        c.glyphs(&rng, x: c.t(x0 + 0.15), y: c.t(signTop + 0.13), count: max(1, count), cell: cell, color: ink)
        // The shop window with goods on shelves.
        c.fillMetres(x0, signBottom + 0.1, x1, bottom - 0.05, color: rgb(0.25, 0.25, 0.27))
        let shelves = Int(rand(2...4, &rng))
        for s in 0..<shelves {
            let sy = signBottom + 0.25 + Double(s) * (bottom - signBottom - 0.5) / Double(shelves)
            var sx = x0 + 0.1
            while sx < x1 - 0.2 {
                let bw = Double(rand(0.08...0.3, &rng)), bh = Double(rand(0.1...0.35, &rng))
                c.fillMetres(sx, sy + 0.4 - bh, sx + bw, sy + 0.4, color: vivid(&rng))
                sx += bw + Double(rand(0.02...0.1, &rng))
            }
            c.fillMetres(x0 + 0.05, sy + 0.4, x1 - 0.05, sy + 0.44, color: rgb(0.6, 0.6, 0.6))
        }
        // A poster.
        if chance(0.7, &rng) {
            let px = c.t(x0 + Double(rand(0.1...0.5, &rng)) * width), py = c.t(signBottom + 0.3)
            let pw = c.t(0.45), ph = c.t(0.6)
            c.fill(px, py, px + pw, py + ph, color: rgb(0.95, 0.93, 0.85))
            c.disc(cx: Float(px + pw / 2), cy: Float(py + ph / 3), radius: Float(pw) / 4, color: vivid(&rng))
            c.glyphs(&rng, x: px + 2, y: py + ph * 2 / 3, count: 4, cell: 1, color: rgb(0.1, 0.1, 0.1))
        }
    }

    /// Graffiti, drain pipes, posters and stains scattered over a facade's ground floor and walls.
    private static func paintDecals(_ c: inout Canvas, rng: inout SplitMix64) {
        let widthM = Double(c.width) / Double(c.pixelsPerMetre), heightM = Double(c.height) / Double(c.pixelsPerMetre)
        for _ in 0..<Int(rand(1...3, &rng)) {   // drain pipes
            let x = Double(rand(0.2...Float(widthM - 0.2), &rng))
            c.fillMetres(x, 0.3, x + 0.1, heightM, color: rgb(0.35, 0.36, 0.38) * rand(0.8...1.3, &rng))
            var y = 1.0
            while y < heightM { c.fillMetres(x - 0.02, y, x + 0.12, y + 0.04, color: rgb(0.2, 0.2, 0.2)); y += Double(rand(1.5...2.5, &rng)) }
        }
        for _ in 0..<Int(widthM / 6 + 1) {   // graffiti on the ground floor
            let col = vivid(&rng)
            let x = rand(0...Float(c.width), &rng), y = Float(c.height) - rand(Float(c.t(0.4))...Float(c.t(1.6)), &rng)
            for _ in 0..<Int(rand(2...5, &rng)) {
                c.stroke(&rng, x: x + rand(-30...30, &rng), y: y + rand(-10...10, &rng), steps: Int(rand(15...50, &rng)),
                         step: 2, radius: rand(1.2...3, &rng), color: col)
            }
        }
        for _ in 0..<Int(widthM / 5 + 1) {   // stickers and small signs
            let x = c.t(Double(rand(0...Float(widthM - 0.5), &rng))), y = c.height - c.t(Double(rand(1.0...2.6, &rng)))
            let w = c.t(Double(rand(0.15...0.5, &rng))), h = c.t(Double(rand(0.1...0.4, &rng)))
            let bg = vivid(&rng)
            c.fill(x, y, x + w, y + h, color: bg)
            c.glyphs(&rng, x: x + 2, y: y + 2, count: max(1, w / 8), cell: 1, color: (bg.x + bg.y + bg.z) > 1.4 ? .zero : SIMD3(repeating: 1))
        }
    }

    // MARK: Roof, ground, metal, billboard

    private static func paintRoof(_ c: inout Canvas, noise: ValueNoise, rng: inout SplitMix64) {
        let base = pick([rgb(0.45, 0.44, 0.42), rgb(0.5, 0.47, 0.42), rgb(0.38, 0.4, 0.42)], &rng)
        let fine = ValueNoise(seed: rng.next())
        let w = c.width
        c.fill(0, 0, w, c.height) { x, y, _ in   // gravel: coarse stains × fine speckle
            let coarse = noise.fbm(Float(x) / 90, Float(y) / 90, octaves: 4)
            let speck = fine.value(Float(x) * 0.6, Float(y) * 0.6)
            return base * (0.7 + 0.5 * coarse) * (0.8 + 0.4 * speck)
        }
        scatterBlobs(&c, perSquareMetre: 14, radius: 1.5...16, rng: &rng) { r in
            chance(0.1, &r) ? vivid(&r) : base * rand(0.3...1.9, &r)
        }
        // Membrane seams at irregular spacing.
        var x = 0
        while x < w { x += c.t(Double(rand(0.8...1.4, &rng))); c.fill(x, 0, x + 2, c.height, color: base * 0.55) }
        for _ in 0..<(c.width * c.height / 30000) {   // tar patches and puddle stains
            let r = rand(4...Float(c.t(0.6)), &rng)
            c.disc(cx: rand(0...Float(w), &rng), cy: rand(0...Float(c.height), &rng), radius: r,
                   color: chance(0.6, &rng) ? rgb(0.12, 0.12, 0.13) : base * 1.35, opacity: rand(0.4...0.9, &rng))
        }
        for _ in 0..<(c.width * c.height / 60000) {   // paint marks and scrawls
            c.stroke(&rng, x: rand(0...Float(w), &rng), y: rand(0...Float(c.height), &rng), steps: Int(rand(10...40, &rng)),
                     step: 3, radius: rand(1.5...4, &rng), color: chance(0.5, &rng) ? rgb(0.9, 0.8, 0.1) : rgb(0.92, 0.92, 0.9))
        }
        for _ in 0..<(c.width * c.height / 80000) {   // hatches, drains and labelled boxes
            let bx = Int(rand(0...Float(w), &rng)), by = Int(rand(0...Float(c.height), &rng))
            let bw = c.t(Double(rand(0.3...1.2, &rng))), bh = c.t(Double(rand(0.3...1.2, &rng)))
            let col = pick([rgb(0.6, 0.62, 0.65), rgb(0.75, 0.3, 0.2), rgb(0.2, 0.3, 0.5), rgb(0.85, 0.85, 0.8)], &rng)
            c.fill(bx, by, bx + bw, by + bh, color: col)
            c.fill(bx + 3, by + 3, bx + bw - 3, by + bh - 3, color: col * 0.8)
            c.glyphs(&rng, x: bx + 5, y: by + 5, count: max(1, (bw - 10) / 8), cell: 1, color: rgb(0.05, 0.05, 0.05))
        }
    }

    private static func paintGround(_ c: inout Canvas, noise: ValueNoise, rng: inout SplitMix64) {
        // Plaza slabs of random size and tone within 18 m of the centre, asphalt beyond.
        let w = c.width, h = c.height
        let asphalt = ValueNoise(seed: rng.next())
        let cxT = Float(w) / 2, cyT = Float(h) / 2, plazaR = Float(c.t(18))
        c.fill(0, 0, w, h) { x, y, _ in
            let n = asphalt.value(Float(x) * 0.7, Float(y) * 0.7)
            return rgb(0.27, 0.27, 0.28) * (0.75 + 0.5 * n)
        }
        var y = 0
        while y < h {
            let rowH = c.t(Double(rand(0.45...0.8, &rng)))
            var x = -Int(rng.next() % 30)
            while x < w {
                let len = c.t(Double(rand(0.5...1.2, &rng)))
                let mx = Float(x + len / 2) - cxT, my = Float(y + rowH / 2) - cyT
                if mx * mx + my * my < plazaR * plazaR {
                    let tone = pick([rgb(0.7, 0.66, 0.6), rgb(0.6, 0.58, 0.56), rgb(0.75, 0.6, 0.5), rgb(0.55, 0.55, 0.6)], &rng)
                        * rand(0.8...1.15, &rng)
                    c.fill(x + 1, y + 1, x + len, y + rowH, color: tone)
                } else { _ = rng.next() }
                x += len
            }
            y += rowH
        }
        c.modulate(noise: noise, scaleMetres: 4, amplitude: 0.2)
        scatterBlobs(&c, perSquareMetre: 3, radius: 1...10, rng: &rng) { r in
            chance(0.08, &r) ? vivid(&r) : SIMD3(repeating: rand(0.05...0.85, &r))
        }
        for _ in 0..<(w * h / 25000) {   // stains, leaves, gum
            c.disc(cx: rand(0...Float(w), &rng), cy: rand(0...Float(h), &rng), radius: rand(1...Float(c.t(0.4)), &rng),
                   color: pick([rgb(0.15, 0.15, 0.15), rgb(0.5, 0.35, 0.1), rgb(0.8, 0.8, 0.78), rgb(0.3, 0.4, 0.15)], &rng),
                   opacity: rand(0.3...0.9, &rng))
        }
        for _ in 0..<(w * h / 200000) {   // manhole covers and painted marks
            let x = rand(0...Float(w), &rng), y = rand(0...Float(h), &rng)
            if chance(0.5, &rng) {
                c.disc(cx: x, cy: y, radius: Float(c.t(0.35)), color: rgb(0.2, 0.2, 0.22))
                c.glyphs(&rng, x: Int(x) - 8, y: Int(y) - 4, count: 3, cell: 1, color: rgb(0.35, 0.35, 0.36))
            } else {
                c.stroke(&rng, x: x, y: y, steps: Int(rand(5...20, &rng)), step: 4, radius: 2.5,
                         color: chance(0.5, &rng) ? rgb(0.95, 0.95, 0.9) : rgb(0.95, 0.8, 0.1))
            }
        }
    }

    private static func paintMetal(_ c: inout Canvas, rng: inout SplitMix64) {
        let base = pick([rgb(0.62, 0.64, 0.66), rgb(0.55, 0.6, 0.55), rgb(0.7, 0.68, 0.6), rgb(0.5, 0.55, 0.65)], &rng)
        c.fill(0, 0, c.width, c.height, color: base)
        var x = 0
        while x < c.width {   // panels with seams and rivets
            let pw = c.t(Double(rand(0.5...1.1, &rng)))
            c.fill(x, 0, x + pw, c.height, color: base * rand(0.85...1.12, &rng))
            c.fill(x, 0, x + 2, c.height, color: base * 0.5)
            var ry = 6
            while ry < c.height { c.disc(cx: Float(x + 6), cy: Float(ry), radius: 1.5, color: base * 0.6); ry += Int(rand(14...30, &rng)) }
            x += pw
        }
        for _ in 0..<Int(rand(1...3, &rng)) {   // vent grilles
            let gx = Int(rand(0...Float(max(1, c.width - 40)), &rng)), gy = Int(rand(0...Float(max(1, c.height - 30)), &rng))
            let gw = Int(rand(25...80, &rng)), gh = Int(rand(20...60, &rng))
            c.fill(gx, gy, gx + gw, gy + gh) { _, y, _ in (y - gy) % 5 < 2 ? rgb(0.1, 0.1, 0.1) : base * 0.8 }
        }
        for _ in 0..<Int(rand(2...5, &rng)) {   // labels and rust
            let lx = Int(rand(0...Float(c.width), &rng)), ly = Int(rand(0...Float(c.height), &rng))
            if chance(0.5, &rng) {
                let bg = vivid(&rng)
                c.fill(lx, ly, lx + 40, ly + 18, color: bg)
                c.glyphs(&rng, x: lx + 2, y: ly + 2, count: 6, cell: 2, color: (bg.x + bg.y + bg.z) > 1.4 ? .zero : SIMD3(repeating: 1))
            } else {
                c.stroke(&rng, x: Float(lx), y: Float(ly), steps: 30, step: 1.5, radius: rand(2...5, &rng),
                         color: rgb(0.5, 0.25, 0.1), opacity: 0.5)
            }
        }
    }

    private static func paintBillboard(_ c: inout Canvas, rng: inout SplitMix64) {
        let bg = vivid(&rng)
        c.fill(0, 0, c.width, c.height, color: bg)
        let ink = (bg.x + bg.y + bg.z) > 1.4 ? rgb(0.05, 0.05, 0.1) : rgb(0.98, 0.97, 0.92)
        // A picture: overlapping discs and rectangles.
        let px0 = Int(Float(c.width) * 0.6)
        for _ in 0..<12 {
            c.disc(cx: rand(Float(px0)...Float(c.width), &rng), cy: rand(0...Float(c.height), &rng),
                   radius: rand(6...Float(c.height / 3), &rng), color: vivid(&rng))
        }
        let cell = max(3, c.height / 40)
        var gy = cell * 3
        while gy < c.height - 8 * cell {
            c.glyphs(&rng, x: cell * 3, y: gy, count: (px0 - 6 * cell) / (6 * cell), cell: cell, color: ink)
            gy += 9 * cell + Int(rng.next() % UInt64(cell * 2))
        }
        c.fill(0, 0, c.width, 6, color: rgb(0.2, 0.2, 0.2))
        c.fill(0, c.height - 6, c.width, c.height, color: rgb(0.2, 0.2, 0.2))
    }
}
