import CVBridge

/// Why a call into the vision code (features, matching, estimators) failed: a bridge call's
/// status and message, too few correspondences, or arguments that disagree.
public enum VisionError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A CVBridge call failed: the function, its status and the bridge's message.
    case bridge(function: String, status: String, message: String)
    /// Too few correspondences for an estimate (what, how many, how many needed).
    case notEnoughData(String, count: Int, needed: Int)
    /// Input arrays disagree or hold invalid values.
    case invalidInput(String)

    public var description: String {
        switch self {
        case .bridge(let f, let s, let m): "\(f) failed (\(s)): \(m)"
        case .notEnoughData(let what, let c, let n): "\(what): \(c) given, at least \(n) needed"
        case .invalidInput(let m): "invalid input: \(m)"
        }
    }

    /// Converts a failed CVBridge status into an error carrying the bridge's message.
    package static func check(_ status: cvb_status, _ function: String) throws {
        guard status != CVB_OK else { return }
        throw VisionError.bridge(function: function, status: String(cString: cvb_status_string(status)),
                                 message: String(cString: cvb_last_error()))
    }
}
