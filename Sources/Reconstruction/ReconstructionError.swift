import CVBridge
import Foundation

/// Why a reconstruction step failed. Each case names the file, the step or the value.
public enum ReconstructionError: Error, CustomStringConvertible, Equatable {
    /// A CVBridge call failed: the function, its status and the bridge's message.
    case bridge(function: String, status: String, message: String)
    /// Too few correspondences for an estimate (what, how many, how many needed).
    case notEnoughData(String, count: Int, needed: Int)
    /// Input arrays disagree or hold invalid values.
    case invalidInput(String)
    /// The photo folder holds no readable images.
    case noImages(folder: String)
    /// An image could not be read or decoded.
    case unreadableImage(name: String, reason: String)
    /// Intrinsics file problems: file and what is wrong (line/field).
    case badIntrinsics(file: String, reason: String)
    /// Priors file problems.
    case badPriors(file: String, reason: String)
    /// Nothing reconstructed: no image pair had enough verified geometry.
    case noInitialPair(images: Int, reason: String)
    /// Too few images registered.
    case tooFewRegistered(registered: Int, total: Int)

    public var description: String {
        switch self {
        case .bridge(let f, let s, let m): return "\(f) failed (\(s)): \(m)"
        case .notEnoughData(let what, let c, let n): return "\(what): \(c) given, at least \(n) needed"
        case .invalidInput(let m): return "invalid input: \(m)"
        case .noImages(let folder): return "no readable JPEG or PNG images in \(folder)"
        case .unreadableImage(let name, let reason): return "cannot read image \(name): \(reason)"
        case .badIntrinsics(let file, let reason): return "bad intrinsics file \(file): \(reason)"
        case .badPriors(let file, let reason): return "bad priors file \(file): \(reason)"
        case .noInitialPair(let n, let reason):
            return "nothing could be reconstructed from \(n) images: \(reason). Are the photos of one scene, with overlap?"
        case .tooFewRegistered(let r, let t):
            return "only \(r) of \(t) images could be registered; a map needs at least 2"
        }
    }

    /// Converts a failed CVBridge status into an error carrying the bridge's message.
    static func check(_ status: cvb_status, _ function: String) throws {
        guard status != CVB_OK else { return }
        throw ReconstructionError.bridge(function: function, status: String(cString: cvb_status_string(status)),
                                         message: String(cString: cvb_last_error()))
    }
}
