import Foundation
import Geometry

/// Pinhole intrinsics of a query frame, in pixels of the frame as sent. With `fx == nil`
/// the focal length is estimated; `cx`/`cy` default to the image centre.
public struct QueryIntrinsics: Sendable, Equatable {
    public var fx: Double?
    public var fy: Double?
    public var cx: Double?
    public var cy: Double?

    public init(fx: Double? = nil, fy: Double? = nil, cx: Double? = nil, cy: Double? = nil) {
        self.fx = fx; self.fy = fy; self.cx = cx; self.cy = cy
    }
    /// Unknown focal length, principal point at the centre.
    public static let unknown = QueryIntrinsics()

    public var focalKnown: Bool { fx != nil }

    /// Checks every given value: finite, focal lengths > 0, principal point ≥ 0; `fy`
    /// without `fx` is refused.
    public func validate() throws {
        for (name, value) in [("fx", fx), ("fy", fy), ("cx", cx), ("cy", cy)] {
            guard let value else { continue }
            guard value.isFinite else { throw LocalizationError.invalidIntrinsics("\(name) is not a finite number") }
            guard value >= 0 else { throw LocalizationError.invalidIntrinsics("\(name) is negative (\(value))") }
        }
        if let fx, fx <= 0 { throw LocalizationError.invalidIntrinsics("fx must be > 0") }
        if let fy, fy <= 0 { throw LocalizationError.invalidIntrinsics("fy must be > 0") }
        if fy != nil && fx == nil { throw LocalizationError.invalidIntrinsics("fy given without fx") }
    }

    /// Full intrinsics for a frame of `width`×`height` (fy defaults to fx); nil when the
    /// focal length is unknown.
    public func resolved(width: Int, height: Int) -> CameraIntrinsics? {
        guard let fx else { return nil }
        return CameraIntrinsics(width: width, height: height, fx: fx, fy: fy ?? fx,
                                cx: cx ?? Double(width) / 2 - 0.5, cy: cy ?? Double(height) / 2 - 0.5)
    }

    /// Parses "fx,fy,cx,cy" (4 numbers) or "f" (1 number, centred principal point).
    public init(parsing text: String) throws {
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let values = parts.map { Double($0) }
        guard values.allSatisfy({ $0 != nil }), values.count == 4 || values.count == 1 else {
            throw LocalizationError.invalidIntrinsics("expected \"fx,fy,cx,cy\" or \"f\", got \"\(text)\"")
        }
        if values.count == 1 { self.init(fx: values[0], fy: values[0]) }
        else { self.init(fx: values[0], fy: values[1], cx: values[2], cy: values[3]) }
        try validate()
    }
}

/// One pose query: an encoded frame, its intrinsics and an optional tracking prior.
public struct LocalizationQuery: Sendable {
    /// JPEG or PNG bytes.
    public var imageData: Data
    /// Names the frame in errors and output (a file name); may be nil.
    public var name: String?
    public var intrinsics: QueryIntrinsics
    /// The client's previous pose moved by its own tracking (OpenCV camera axes); nil for a
    /// cold query.
    public var cameraFromLandmarkPrior: Rigid3?

    public init(imageData: Data, name: String? = nil, intrinsics: QueryIntrinsics,
                cameraFromLandmarkPrior: Rigid3? = nil) {
        self.imageData = imageData; self.name = name; self.intrinsics = intrinsics
        self.cameraFromLandmarkPrior = cameraFromLandmarkPrior
    }
}

/// Anything that answers pose queries against one landmark. `Localizer` is the real one;
/// tests of the server substitute a fake.
public protocol PoseLocalizing: Sendable {
    /// Answers one query. Throws `LocalizationError` for a request that cannot be answered
    /// (bad image, bad intrinsics); weak evidence is a `not_localized` result, not an error.
    func localize(_ query: LocalizationQuery) throws -> LocalizationResult
}
