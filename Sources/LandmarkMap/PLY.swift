import Foundation
import Geometry
import Support

/// A map's points as a PLY point cloud (http://paulbourke.net/dataformats/ply/) for
/// viewers (MeshLab, CloudCompare, Blender): `float x y z` in the landmark frame and
/// `uchar red green blue`, binary little-endian or ASCII. Optionally the keyframes' camera
/// centres follow the points as extra vertices in pure red (255, 0, 0); a header comment
/// says how many.
public enum PLY {
    public enum Encoding: String, Sendable, CaseIterable { case binary, ascii }

    /// The PLY file's bytes.
    public static func pointCloud(_ map: FeatureMap, includeCameras: Bool = false, encoding: Encoding = .binary) -> Data {
        var vertices: [(Vec3, SIMD3<UInt8>)] = map.points.map { ($0.position, $0.color) }
        if includeCameras { vertices += map.keyframes.map { ($0.center, SIMD3<UInt8>(255, 0, 0)) } }
        let frame = map.metadata.isMetric ? "metres, Y up"
            : map.metadata.isGravityAligned ? "Y up, the map's own scale (not metric)" : "the map's own scale (not metric)"
        var header = """
            ply
            format \(encoding == .binary ? "binary_little_endian" : "ascii") 1.0
            comment LandmarkAR map '\(map.metadata.name.filter { !$0.isNewline })', landmark frame in \(frame)

            """
        if includeCameras {
            header += "comment the last \(map.keyframes.count) vertices are camera centres (red)\n"
        }
        header += """
            element vertex \(vertices.count)
            property float x
            property float y
            property float z
            property uchar red
            property uchar green
            property uchar blue
            end_header

            """
        var data = Data(header.utf8)
        switch encoding {
        case .ascii:
            var body = ""
            for (p, c) in vertices { body += "\(Float(p.x)) \(Float(p.y)) \(Float(p.z)) \(c.x) \(c.y) \(c.z)\n" }
            data.append(contentsOf: Array(body.utf8))
        case .binary:
            data.reserveCapacity(data.count + vertices.count * 15)
            for (p, c) in vertices {
                for v in [Float(p.x), Float(p.y), Float(p.z)] {
                    withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) }
                }
                data.append(contentsOf: [c.x, c.y, c.z])
            }
        }
        return data
    }

    /// Writes the point cloud atomically (a temporary file renamed into place).
    public static func write(_ map: FeatureMap, to url: URL, includeCameras: Bool = false, encoding: Encoding = .binary) throws {
        do {
            try atomicReplace(pointCloud(map, includeCameras: includeCameras, encoding: encoding), at: url)
        } catch {
            throw PLYError.cannotWrite(path: url.path, reason: error.localizedDescription)
        }
    }
}

public enum PLYError: Error, CustomStringConvertible, Equatable, Sendable {
    case cannotWrite(path: String, reason: String)
    public var description: String {
        switch self {
        case .cannotWrite(let path, let reason): "\(path): cannot write the PLY file (\(reason))"
        }
    }
}
