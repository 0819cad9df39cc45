import Foundation
import Geometry
import Testing
@testable import Localization
import Imaging

@Suite struct LocalizationResultTests {
    @Test func jsonLineHasTheIssueFormat() throws {
        let pose = Rigid3(rotation: Quaternion(axis: Vec3(0, 1, 0), angle: 0.3), translation: Vec3(1, 2, 3))
        let r = LocalizationResult(status: .localized, cameraFromLandmark: pose, inliers: 120, matches: 200, rmsePx: 0.81234,
                                   confidence: 0.9, timings: StageTimings(decode: 1, features: 10, match: 2, pose: 3, total: 16))
        let line = r.jsonLine(image: "q1.jpg")
        #expect(!line.contains("\n"))
        let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(o["image"] as? String == "q1.jpg")
        #expect(o["status"] as? String == "localized")
        #expect(o["inliers"] as? Int == 120)
        #expect(o["rmsePx"] as? Double == 0.812)
        let c = try #require(o["cameraFromLandmark"] as? [String: Any])
        let q = try #require(c["rotation"] as? [Double])
        #expect(abs(q[0] - cos(0.15)) < 1e-9 && abs(q[2] - sin(0.15)) < 1e-9)
        #expect(c["translation"] as? [Double] == [1, 2, 3])
        let l = try #require(o["landmarkFromCamera"] as? [String: Any])
        let t = try #require(l["translation"] as? [Double])
        let centre = pose.centerOfTargetInSource
        #expect(abs(t[0] - centre.x) < 1e-6 && abs(t[2] - centre.z) < 1e-6)
        #expect((o["timingsMs"] as? [String: Double])?["features"] == 10)

        let no = LocalizationResult.notLocalized("12 inliers").jsonObject(image: "q2.jpg")
        #expect(no["status"] as? String == "not_localized")
        #expect(no["reason"] as? String == "12 inliers")
        #expect(no["cameraFromLandmark"] is NSNull)
    }

    /// A report with a median over no views (NaN) still prints, with null there.
    @Test func nonFiniteNumbersBecomeNull() throws {
        let line = LocalizationResult.serialize(["a": 1.5, "b": Double.nan, "c": ["d": [Double.infinity, 2]] as [String: Any], "e": "x"])
        let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
        #expect(o["a"] as? Double == 1.5)
        #expect(o["b"] is NSNull)
        let inner = try #require((o["c"] as? [String: Any])?["d"] as? [Any])
        #expect(inner.first is NSNull && inner.count == 2)
        #expect(o["e"] as? String == "x")
    }

    @Test func priorJSONForms() throws {
        let a = try PoseJSON.parseCameraFromLandmark(Data(#"{"rotation":[1,0,0,0],"translation":[0,0,5]}"#.utf8))
        #expect(a.translation == Vec3(0, 0, 5))
        let b = try PoseJSON.parseCameraFromLandmark(Data(#"{"image":"x","landmarkFromCamera":{"rotation":[1,0,0,0],"translation":[0,0,5]}}"#.utf8))
        #expect(b.translation == Vec3(0, 0, -5))
        #expect(throws: LocalizationError.self) { try PoseJSON.parseCameraFromLandmark(Data(#"{"rotation":[1,0,0],"translation":[0,0,5]}"#.utf8)) }
        #expect(throws: LocalizationError.self) { try PoseJSON.parseCameraFromLandmark(Data("nope".utf8)) }
    }

    @Test func intrinsicsParsingAndValidation() throws {
        let k = try QueryIntrinsics(parsing: "500, 501, 320, 240")
        #expect(k == QueryIntrinsics(fx: 500, fy: 501, cx: 320, cy: 240))
        #expect(try QueryIntrinsics(parsing: "800").resolved(width: 640, height: 480)?.cx == 319.5)
        for bad in ["500,500,320", "a,b,c,d", "-5,5,1,1", "nan,1,1,1", "0,1,1,1", "inf,1,1,1"] {
            #expect(throws: LocalizationError.self, "\(bad)") { try QueryIntrinsics(parsing: bad) }
        }
    }

    @Test func truncatedJPEGIsRefusedBeforeDecoding() throws {
        let img = Image8(width: 32, height: 32, channels: 3, fill: 90)
        let jpeg = try img.encoded(.jpeg)
        try ImageCheck.requireComplete(jpeg)
        #expect(throws: ImageError.truncatedJPEG) { try ImageCheck.requireComplete(jpeg.prefix(jpeg.count - 10)) }
        try ImageCheck.requireComplete(try img.encoded(.png))
    }
}
