import Geometry
import Imaging

/// Intersection over union of two 0/255 masks of the same size: 1 when both are empty.
public func maskIoU(_ a: Image8, _ b: Image8) -> Double {
    var inter = 0, union = 0
    for i in 0..<min(a.pixels.count, b.pixels.count) {
        let x = a.pixels[i] != 0, y = b.pixels[i] != 0
        if x && y { inter += 1 }
        if x || y { union += 1 }
    }
    return union == 0 ? 1 : Double(inter) / Double(union)
}

/// The centroid of a mask's set pixels (pixels, OpenCV convention); nil when none is set.
public func maskCentroid(_ m: Image8) -> Vec2? {
    var sx = 0.0, sy = 0.0, n = 0.0
    for y in 0..<m.height { for x in 0..<m.width where m.pixels[(y * m.width + x) * m.channels] != 0 {
        sx += Double(x); sy += Double(y); n += 1
    } }
    return n > 0 ? Vec2(sx / n, sy / n) : nil
}
