import Foundation
import Geometry

/// Intrinsics read from a file, before they are tied to an image size.
public struct IntrinsicsPrior: Sendable, Equatable {
    public var fx: Double, fy: Double, cx: Double, cy: Double
    public var k1 = 0.0, k2 = 0.0, p1 = 0.0, p2 = 0.0
    /// Whether the file states the distortion (a JSON with k1…); a bare K matrix does not,
    /// so registration refines k1, k2 in its final bundle adjustment.
    public var distortionKnown = false
    /// The image size the values refer to, when the file says; nil means "the photos' size".
    public var width: Int?
    public var height: Int?

    public init(fx: Double, fy: Double, cx: Double, cy: Double, k1: Double = 0, k2: Double = 0, p1: Double = 0,
                p2: Double = 0, width: Int? = nil, height: Int? = nil) {
        self.fx = fx; self.fy = fy; self.cx = cx; self.cy = cy
        self.k1 = k1; self.k2 = k2; self.p1 = p1; self.p2 = p2; self.width = width; self.height = height
    }

    /// Intrinsics for a photo of `width`×`height` pixels; scaled when the file's size differs
    /// by a uniform factor.
    public func intrinsics(width w: Int, height h: Int) -> CameraIntrinsics {
        var k = CameraIntrinsics(width: w, height: h, fx: fx, fy: fy, cx: cx, cy: cy, k1: k1, k2: k2, p1: p1, p2: p2)
        if let fw = width, fw > 0, fw != w {
            k.width = fw; k.height = height ?? h
            k = k.scaled(by: Double(w) / Double(fw))
            k.width = w; k.height = h
        }
        return k
    }

    /// Reads a JSON object `{fx, fy, cx, cy[, k1, k2, p1, p2][, width, height]}` (also
    /// accepted nested under "intrinsics" or as the first of "cameras"), or a 3×3 K matrix
    /// as text (`K.txt`: three rows of three numbers; spaces, commas, tabs and Windows line
    /// endings allowed).
    public static func load(from url: URL) throws -> IntrinsicsPrior {
        let name = url.lastPathComponent
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ReconstructionError.badIntrinsics(file: url.path, reason: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ReconstructionError.badIntrinsics(file: name, reason: "not UTF-8 text")
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let prior = trimmed.hasPrefix("{") ? try parseJSON(data, name: name) : try parseMatrix(trimmed, name: name)
        try prior.validate(name: name)
        return prior
    }

    func validate(name: String) throws {
        for (field, v) in [("fx", fx), ("fy", fy), ("cx", cx), ("cy", cy), ("k1", k1), ("k2", k2), ("p1", p1), ("p2", p2)] {
            guard v.isFinite else { throw ReconstructionError.badIntrinsics(file: name, reason: "\(field) is not a finite number") }
        }
        guard fx > 0, fy > 0 else { throw ReconstructionError.badIntrinsics(file: name, reason: "focal lengths must be positive (fx \(fx), fy \(fy))") }
        guard cx > 0, cy > 0 else { throw ReconstructionError.badIntrinsics(file: name, reason: "the principal point must be inside the image (cx \(cx), cy \(cy))") }
    }

    static func parseJSON(_ data: Data, name: String) throws -> IntrinsicsPrior {
        guard var obj = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ReconstructionError.badIntrinsics(file: name, reason: "not a JSON object")
        }
        if let nested = obj["intrinsics"] as? [String: Any] { obj = nested }
        else if let cams = obj["cameras"] as? [[String: Any]], let first = cams.first { obj = first }
        func num(_ key: String, required: Bool) throws -> Double? {
            guard let v = obj[key] else {
                if required { throw ReconstructionError.badIntrinsics(file: name, reason: "missing field \"\(key)\"") }
                return nil
            }
            // JSON true/false arrive as NSNumber too; on Linux `0 is Bool` and `1 is Bool`
            // hold for integers as well, so booleans are told apart by their C type ("c").
            guard let n = v as? NSNumber, String(cString: n.objCType) != "c" else {
                throw ReconstructionError.badIntrinsics(file: name, reason: "field \"\(key)\" is not a number")
            }
            return n.doubleValue
        }
        var prior = IntrinsicsPrior(fx: try num("fx", required: true)!, fy: try num("fy", required: true)!,
                               cx: try num("cx", required: true)!, cy: try num("cy", required: true)!,
                               k1: try num("k1", required: false) ?? 0, k2: try num("k2", required: false) ?? 0,
                               p1: try num("p1", required: false) ?? 0, p2: try num("p2", required: false) ?? 0,
                               width: try num("width", required: false).map { Int($0) },
                               height: try num("height", required: false).map { Int($0) })
        prior.distortionKnown = ["k1", "k2", "p1", "p2"].contains { obj[$0] != nil }
        return prior
    }

    static func parseMatrix(_ text: String, name: String) throws -> IntrinsicsPrior {
        let lines = text.replacingOccurrences(of: "\r", with: "\n").split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard lines.count == 3 else {
            throw ReconstructionError.badIntrinsics(file: name, reason: "expected a 3×3 matrix on 3 lines, found \(lines.count) lines")
        }
        var m: [Double] = []
        for (i, line) in lines.enumerated() {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," || $0 == ";" })
            guard fields.count == 3 else {
                throw ReconstructionError.badIntrinsics(file: name, reason: "line \(i + 1) has \(fields.count) values, expected 3")
            }
            for f in fields {
                guard let v = Double(f), v.isFinite else {
                    throw ReconstructionError.badIntrinsics(file: name, reason: "line \(i + 1): \"\(f)\" is not a number")
                }
                m.append(v)
            }
        }
        guard abs(m[1]) < 1e-6 * abs(m[0]) + 1e-9, m[3] == 0, m[6] == 0, m[7] == 0, abs(m[8] - 1) < 1e-9 else {
            throw ReconstructionError.badIntrinsics(file: name, reason: "not a camera matrix [fx 0 cx; 0 fy cy; 0 0 1]")
        }
        return IntrinsicsPrior(fx: m[0], fy: m[4], cx: m[2], cy: m[5])
    }
}
