import Imaging


/// Drawing renders over photos.
public enum Compositing {
    /// `render` over `photo` where `mask` says so: out = photo × (1 − a) + render × a with
    /// a = mask / 255 per pixel.
    /// - Parameters:
    ///   - render: RGB (3 channels) or RGBA (4; its alpha multiplies the mask).
    ///   - photo: RGB, the same size as `render`.
    ///   - mask: 1 channel, the same size (e.g. `RenderResult.mask(instances:)`); nil uses the
    ///     render's alpha alone (RGBA) or covers everything (RGB).
    /// - Returns: an RGB image the size of the photo.
    public static func over(_ render: Image8, photo: Image8, mask: Image8? = nil) -> Image8 {
        precondition(render.width == photo.width && render.height == photo.height, "render and photo sizes differ")
        precondition(photo.channels == 3 && (render.channels == 3 || render.channels == 4), "RGB photo, RGB(A) render")
        if let mask { precondition(mask.channels == 1 && mask.width == photo.width && mask.height == photo.height, "mask size differs") }
        var out = photo
        let rc = render.channels
        for i in 0..<(photo.width * photo.height) {
            var a = mask.map { Int($0.pixels[i]) } ?? 255
            if rc == 4 { a = a * Int(render.pixels[4 * i + 3]) / 255 }
            if a == 0 { continue }
            for ch in 0..<3 {
                let p = Int(photo.pixels[3 * i + ch]), r = Int(render.pixels[rc * i + ch])
                out.pixels[3 * i + ch] = UInt8((p * (255 - a) + r * a + 127) / 255)
            }
        }
        return out
    }

    /// An RGBA copy of an RGB render with `mask` as its alpha (e.g. a character's visible
    /// silhouette), for engines and for `over`.
    public static func rgba(_ render: Image8, alpha mask: Image8) -> Image8 {
        precondition(render.channels == 3 && mask.channels == 1 && render.width == mask.width && render.height == mask.height)
        var out = Image8(width: render.width, height: render.height, channels: 4)
        for i in 0..<(render.width * render.height) {
            out.pixels[4 * i] = render.pixels[3 * i]; out.pixels[4 * i + 1] = render.pixels[3 * i + 1]
            out.pixels[4 * i + 2] = render.pixels[3 * i + 2]; out.pixels[4 * i + 3] = mask.pixels[i]
        }
        return out
    }
}
