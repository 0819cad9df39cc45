import Foundation
import Imaging

extension GLTFAsset {
    /// The encoded bytes (PNG, JPEG, …) of `images[index]`: from `imageData` (external files
    /// and data: URIs, resolved when the asset was read) or from its buffer view.
    /// - Returns: nil when the index is out of range or the image has no bytes.
    public func imageBytes(_ index: Int) -> Data? {
        let doc = document
        guard index >= 0, index < doc.images.count else { return nil }
        if let data = imageData[index] { return data }
        if let v = doc.images[index].bufferView, v < doc.bufferViews.count {
            let view = doc.bufferViews[v]
            guard view.buffer < buffers.count else { return nil }
            let buffer = buffers[view.buffer]
            let start = buffer.startIndex + (view.byteOffset ?? 0)
            guard start + view.byteLength <= buffer.endIndex else { return nil }
            return buffer.subdata(in: start..<(start + view.byteLength))
        }
        return nil
    }

    /// A readable name for `images[index]` in messages: its uri, name, or "images[i]".
    public func imageName(_ index: Int) -> String {
        guard index >= 0, index < document.images.count else { return "images[\(index)]" }
        let image = document.images[index]
        if let uri = image.uri, !uri.hasPrefix("data:") { return uri }
        return image.name.map { "images[\(index)] '\($0)'" } ?? "images[\(index)]"
    }

    /// The image a texture reference samples, decoded to `channels` channels.
    /// - Returns: nil when `info` is nil or names no image with bytes.
    /// - Throws: `ImageError` naming the image when its bytes are not a decodable image.
    public func decodedImage(_ info: GLTFTextureInfo?, channels: Int = 3) throws -> Image8? {
        guard let info, info.index >= 0, info.index < document.textures.count,
              let source = document.textures[info.index].source, let bytes = imageBytes(source) else { return nil }
        return try Image8(decoding: bytes, channels: channels, name: imageName(source))
    }
}
