import Foundation
import LandmarkMap

/// An anchor as JSON: rotation [w, x, y, z], translation and the surface, landmark frame.
struct AnchorJSON: Codable {
    struct Pose: Codable { var rotation: [Double]; var translation: [Double] }
    var name: String
    var landmarkFromAnchor: Pose
    var surfacePoint: [Double]
    var surfaceNormal: [Double]
    var createdAt: Double

    init(_ a: LandmarkMap.Anchor) {
        name = a.name
        landmarkFromAnchor = Pose(rotation: a.landmarkFromAnchor.rotation.wxyz,
                                  translation: [a.landmarkFromAnchor.translation.x, a.landmarkFromAnchor.translation.y, a.landmarkFromAnchor.translation.z])
        surfacePoint = [a.surfacePoint.x, a.surfacePoint.y, a.surfacePoint.z]
        surfaceNormal = [a.surfaceNormal.x, a.surfaceNormal.y, a.surfaceNormal.z]
        createdAt = a.createdAt
    }
    func jsonLine() throws -> String { String(decoding: try JSONEncoder.landmark.encode(self), as: UTF8.self) }
}
