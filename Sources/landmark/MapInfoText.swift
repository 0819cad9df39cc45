import Foundation
import LandmarkMap

/// Formats a `MapSummary` for `landmark info`.
enum MapInfoText {
    struct JSONInfo: Encodable {
        var path: String
        var name: String
        var keyframes: Int, cameras: Int, points: Int, observations: Int, descriptors: Int
        var orbLayerPoints: Int
        var featureKind: String
        var metric: Bool
        var units: String
        var alignment: String?
        /// How +Y (up) was found: source "priors" | "camera-up" | "none" | "unknown".
        var gravity: Gravity
        /// How the scale was found: source "priors" | "measured-distance" | "none" | "unknown".
        var scale: Scale
        var anchors: [String]
        var schemaVersion: Int
        var fileSizeBytes: Int64
        var createdAt: Double
        var generator: String
        var integrityChecked: Bool

        struct Gravity: Encodable {
            var source: String
            var cameras: Int
            var spreadDegrees: Double
            var uncertaintyDegrees: Double
        }
        struct Scale: Encodable {
            var source: String
            var relativeUncertainty: Double
            var detail: String?
        }
    }

    /// Metres: marked metric, or a scale with a known source.
    static func hasScale(_ md: MapMetadata) -> Bool { md.isMetric || md.resolvedFrame.scale.source.isKnown }

    static func json(_ s: MapSummary, checked: Bool) throws -> String {
        let frame = s.metadata.resolvedFrame
        let info = JSONInfo(
            path: s.path, name: s.metadata.name, keyframes: s.keyframeCount, cameras: s.cameraCount, points: s.pointCount,
            observations: s.observationCount, descriptors: s.descriptorCount, orbLayerPoints: s.orbPointCount, featureKind: s.metadata.featureKind.rawValue,
            metric: s.metadata.isMetric, units: hasScale(s.metadata) ? "m" : "map units (own scale, not metric)",
            alignment: s.metadata.alignment,
            gravity: .init(source: frame.gravity.source.rawValue, cameras: frame.gravity.cameraCount,
                           spreadDegrees: frame.gravity.spreadDegrees, uncertaintyDegrees: frame.gravity.uncertaintyDegrees),
            scale: .init(source: frame.scale.source.rawValue, relativeUncertainty: frame.scale.relativeUncertainty, detail: frame.scale.detail),
            anchors: s.anchorNames, schemaVersion: s.schemaVersion,
            fileSizeBytes: s.fileSizeBytes, createdAt: s.metadata.createdAt, generator: s.metadata.generator,
            integrityChecked: checked)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(info), as: UTF8.self)
    }

    static func text(_ s: MapSummary, checked: Bool) -> String {
        let md = s.metadata
        let kind = md.featureKind == .sift ? "SIFT (128-byte descriptors)" : "ORB (32-byte binary descriptors)"
        let provenance = md.resolvedFrame
        let frame = if md.isMetric {
            "metric: metres, Y up" + (md.alignment.map { " (\($0))" } ?? "")
        } else if md.isGravityAligned {
            "NOT metric: Y up, but the reconstruction's own scale (`landmark scale` with one measured distance makes it metric)"
        } else if hasScale(md) {
            "NOT metric: metres, but the reconstruction's own orientation (+Y is not up)"
        } else {
            "NOT metric: the reconstruction's own scale and orientation (register with --priors for metres, Y up)"
        }
        var descriptors = "\(grouped(s.descriptorCount)) with descriptors"
        if s.observationCount > 0 && s.descriptorCount == 0 { descriptors = "none with descriptors: this map cannot localize queries" }
        let created = md.createdAt > 0
            ? ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: md.createdAt)) : "unknown"
        var lines = [
            "\(s.path)",
            "  name:          \(md.name)",
            "  keyframes:     \(grouped(s.keyframeCount))",
            "  cameras:       \(grouped(s.cameraCount))",
            "  points:        \(grouped(s.pointCount))",
            "  observations:  \(grouped(s.observationCount)) (\(descriptors))",
            "  feature kind:  \(kind)",
            "  ORB layer:     \(s.orbPointCount > 0 ? "\(grouped(s.orbPointCount)) points (queries with intrinsics try it first)" : "none (register --orb-layer adds one)")",
            "  frame:         \(frame)",
            "  gravity:       \(gravityText(provenance.gravity))",
            "  scale:         \(scaleText(provenance.scale))",
            "  anchors:       \(s.anchorNames.isEmpty ? "none" : s.anchorNames.joined(separator: ", "))",
            "  created:       \(created) by \(md.generator)",
            "  file:          \(byteCount(s.fileSizeBytes)), schema version \(s.schemaVersion)",
        ]
        if checked { lines.append("  integrity:     ok (full check passed)") }
        return lines.joined(separator: "\n")
    }

    /// How up was found and how sure it is.
    static func gravityText(_ g: GravityEstimate) -> String {
        switch g.source {
        case .cameraUp:
            String(format: "camera-up: the up %d cameras agree on, ±%.2f° (their ups spread %.1f° around it)",
                   g.cameraCount, g.uncertaintyDegrees, g.spreadDegrees)
        case .priors:
            String(format: "priors: the priors' frame, %d cameras, ±%.2g°", g.cameraCount, g.uncertaintyDegrees)
        case .none: "none (the reconstruction's own orientation)"
        case .unknown: "unknown (not recorded: the map was made before schema version 4)"
        }
    }

    /// How the scale was found and how sure it is.
    static func scaleText(_ s: ScaleEstimate) -> String {
        switch s.source {
        case .measuredDistance:
            String(format: "measured-distance, ±%.2g %%", 100 * s.relativeUncertainty) + (s.detail.map { " (\($0))" } ?? "")
        case .priors: String(format: "priors, ±%.2g %%", 100 * s.relativeUncertainty)
        case .none: "none (the reconstruction's own scale)"
        case .unknown: "unknown (not recorded: the map was made before schema version 4)"
        }
    }

    static func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return out
    }

    static func byteCount(_ bytes: Int64) -> String {
        let b = Double(bytes)
        if b >= 1_000_000 { return String(format: "%.1f MB", b / 1_000_000) }
        if b >= 1_000 { return String(format: "%.1f kB", b / 1_000) }
        return "\(bytes) bytes"
    }
}
