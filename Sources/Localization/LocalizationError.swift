import Foundation

/// Why a query could not be answered at all (as opposed to `not_localized`, which is an
/// answer). The server maps these to 4xx statuses; the CLI prints them and exits non-zero.
public enum LocalizationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The bytes are empty.
    case emptyImage
    /// The bytes are not a decodable JPEG/PNG; `reason` says what the decoder saw.
    case unreadableImage(reason: String)
    /// The header declares more pixels than the limit.
    case imageTooLarge(width: Int, height: Int, maxPixels: Int)
    /// An intrinsic is missing, non-finite or out of range; names the field.
    case invalidIntrinsics(String)
    /// The prior pose is malformed.
    case invalidPrior(String)
    /// The map cannot be localized against (no descriptors, wrong kind).
    case unusableMap(String)
    /// Options out of range; names the field.
    case invalidOptions(String)

    public var description: String {
        switch self {
        case .emptyImage: "the image is empty (0 bytes)"
        case .unreadableImage(let reason): "the image could not be decoded: \(reason)"
        case .imageTooLarge(let w, let h, let max):
            "the image is \(w)×\(h) = \(w * h) pixels, over the limit of \(max) pixels"
        case .invalidIntrinsics(let what): "invalid intrinsics: \(what)"
        case .invalidPrior(let what): "invalid prior pose: \(what)"
        case .unusableMap(let what): "the map cannot be used for localization: \(what)"
        case .invalidOptions(let what): "invalid localization options: \(what)"
        }
    }
}
