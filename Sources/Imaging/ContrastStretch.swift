import Foundation

/// Linear contrast stretch of an 8-bit gray frame: the `lowFraction` and `1 − lowFraction`
/// quantiles of its histogram go to 0 and 255. SIFT's contrast threshold is absolute, so a
/// dark or hazy query frame (a shadowed façade, dusk, a low exposure) yields a fraction of
/// the features the same view gives in good light; stretching makes the threshold relative
/// to the frame's own contrast. Descriptors are normalized, so they do not change. Frames
/// whose quantiles already span `minSpan` levels or more are returned unchanged (only
/// stretching, never compressing).
public func stretchContrast(_ gray: Image8, lowFraction: Double = 0.01, minSpan: Int = 200) -> Image8 {
    precondition(gray.channels == 1, "stretchContrast needs a gray image")
    var histogram = [Int](repeating: 0, count: 256)
    for v in gray.pixels { histogram[Int(v)] += 1 }
    let n = gray.pixels.count
    let cut = Int(Double(n) * lowFraction)
    var low = 0, seen = 0
    while low < 255, seen + histogram[low] <= cut { seen += histogram[low]; low += 1 }
    var high = 255
    seen = 0
    while high > 0, seen + histogram[high] <= cut { seen += histogram[high]; high -= 1 }
    guard high > low, high - low < minSpan else { return gray }
    let scale = 255.0 / Double(high - low)
    let table = (0..<256).map { UInt8(max(0, min(255, (Double($0 - low) * scale).rounded()))) }
    var out = gray
    for i in out.pixels.indices { out.pixels[i] = table[Int(out.pixels[i])] }
    return out
}
