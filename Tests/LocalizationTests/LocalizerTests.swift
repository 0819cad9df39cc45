import Foundation
import Geometry
import LandmarkMap
import Reconstruction
import Testing
@testable import Localization
import Synthetic

@Suite struct LocalizerTests {
    @Test func coldMatchingFindsTheTruePointsAndThePose() throws {
        let scene = SyntheticScene.make()
        let options = LocalizationOptions()
        let localizer = try Localizer(map: scene.map, options: options)
        let matches = try matchToMap(scene.query, index: localizer.index, options: options)
        let correct = matches.filter { scene.truth[$0.keypoint] == $0.point }.count
        #expect(matches.count > 300)
        #expect(Double(correct) / Double(matches.count) > 0.9, "\(correct) of \(matches.count) correct")
        // One keypoint per point.
        #expect(Set(matches.map(\.point)).count == matches.count)

        let p3 = matches.map { localizer.index.positions[$0.point] }, p2 = matches.map { scene.query.keypoints[$0.keypoint].pixel }
        let h = try #require(estimatePose(points: p3, pixels: p2, intrinsics: scene.intrinsics, options: options))
        let e = poseErrors(h.cameraFromLandmark, scene.cameraFromLandmark)
        #expect(e.metres < 0.02 && e.degrees < 0.1, "error \(e)")
        #expect(localizer.verify(h, matches: matches.count, features: scene.query) == nil)
        #expect(h.rmse < 1)
    }

    @Test func coldSearchUsesOnlyTheStrongestFeaturesAndIndexesTheFullSet() throws {
        var scene = SyntheticScene.make(seed: 5)
        // Responses: every third keypoint strong, the rest weak.
        for i in scene.query.keypoints.indices { scene.query.keypoints[i].response = i % 3 == 0 ? 1 : 0.01 }
        var options = LocalizationOptions()
        let strong = Set(scene.query.keypoints.indices.filter { $0 % 3 == 0 })
        options.coldMatchFeatures = strong.count
        let localizer = try Localizer(map: scene.map, options: options)
        let matches = try matchStrongestToMap(scene.query, index: localizer.index, options: options)
        #expect(matches.count > 100)
        #expect(matches.allSatisfy { strong.contains($0.keypoint) }, "a weak keypoint was searched")
        // Indices are into the full set: the true point of each keypoint.
        let correct = matches.filter { scene.truth[$0.keypoint] == $0.point }.count
        #expect(Double(correct) / Double(matches.count) > 0.9, "\(correct) of \(matches.count) correct")
        // 0 searches every keypoint.
        options.coldMatchFeatures = 0
        let all = try matchStrongestToMap(scene.query, index: localizer.index, options: options)
        #expect(all.count > matches.count * 2)
    }

    @Test func priorMatchingInWindowsAgreesWithTheColdPose() throws {
        let scene = SyntheticScene.make(seed: 2)
        let options = LocalizationOptions()
        let localizer = try Localizer(map: scene.map, options: options)
        // The client's last fix, 5 cm and 0.5° off.
        let prior = Rigid3(rotation: (Quaternion(axis: Vec3(0, 1, 0), angle: 0.5 * .pi / 180) * scene.cameraFromLandmark.rotation).normalized,
                           translation: scene.cameraFromLandmark.translation + Vec3(0.05, 0, 0))
        let matches = matchWithPrior(scene.query, index: localizer.index, cameraFromLandmark: prior,
                                     intrinsics: scene.intrinsics, options: options)
        let correct = matches.filter { scene.truth[$0.keypoint] == $0.point }.count
        #expect(matches.count > 300)
        #expect(Double(correct) / Double(matches.count) > 0.95)
        let h = try #require(estimatePose(points: matches.map { localizer.index.positions[$0.point] },
                                          pixels: matches.map { scene.query.keypoints[$0.keypoint].pixel },
                                          intrinsics: scene.intrinsics, options: options))
        let e = poseErrors(h.cameraFromLandmark, scene.cameraFromLandmark)
        #expect(e.metres < 0.02 && e.degrees < 0.1, "error \(e)")
    }

    @Test func guidedRematchingFindsTheMissedInliersAndRefinesThePose() throws {
        let scene = SyntheticScene.make(seed: 6)
        // A first pose from only 80 of the whole-map matches (as a strict ratio test in a
        // repetitive façade leaves).
        let strict = LocalizationOptions()
        let localizer = try Localizer(map: scene.map, options: strict)
        let cold = Array(try matchToMap(scene.query, index: localizer.index, options: strict).prefix(80))
        let p3 = cold.map { localizer.index.positions[$0.point] }, p2 = cold.map { scene.query.keypoints[$0.keypoint].pixel }
        let first = try #require(estimatePose(points: p3, pixels: p2, intrinsics: scene.intrinsics, options: strict))
        var options = LocalizationOptions()
        options.guidedWindowPixels = 4
        let (refined, matches) = refineWithGuidedMatches(first, correspondences: cold, features: scene.query,
                                                         index: localizer.index, options: options, refineFocal: false)
        let visible = scene.truth.compactMap { $0 }.count
        #expect(refined.inlierCount > first.inlierCount)
        #expect(Double(refined.inlierCount) > 0.9 * Double(visible), "\(refined.inlierCount) of \(visible) visible points")
        let correct = matches.indices.filter { refined.inliers[$0] && scene.truth[matches[$0].keypoint] == matches[$0].point }.count
        #expect(Double(correct) > 0.98 * Double(refined.inlierCount))
        let e = poseErrors(refined.cameraFromLandmark, scene.cameraFromLandmark)
        let e0 = poseErrors(first.cameraFromLandmark, scene.cameraFromLandmark)
        #expect(e.metres < 0.01 && e.degrees < 0.05, "error \(e) (first pose \(e0))")
    }

    @Test func unknownFocalIsEstimated() throws {
        let scene = SyntheticScene.make(seed: 3)
        let options = LocalizationOptions()
        let localizer = try Localizer(map: scene.map, options: options)
        let matches = try matchToMap(scene.query, index: localizer.index, options: options)
        let h = try #require(estimatePoseAndFocal(points: matches.map { localizer.index.positions[$0.point] },
                                                  pixels: matches.map { scene.query.keypoints[$0.keypoint].pixel },
                                                  width: 640, height: 480, cx: 319.5, cy: 239.5, options: options))
        #expect(abs(h.intrinsics.fx - 500) / 500 < 0.02, "focal \(h.intrinsics.fx)")
        let e = poseErrors(h.cameraFromLandmark, scene.cameraFromLandmark)
        #expect(e.metres < 0.3 && e.degrees < 0.5, "error \(e)")
    }

    @Test func unrelatedFeaturesAreNotLocalized() throws {
        // Only outliers: the query sees none of the map.
        let scene = SyntheticScene.make(seed: 4, outliers: 800, visibleFraction: 0)
        let options = LocalizationOptions()
        let localizer = try Localizer(map: scene.map, options: options)
        let matches = try matchToMap(scene.query, index: localizer.index, options: options)
        let p3 = matches.map { localizer.index.positions[$0.point] }, p2 = matches.map { scene.query.keypoints[$0.keypoint].pixel }
        if let h = estimatePose(points: p3, pixels: p2, intrinsics: scene.intrinsics, options: options) {
            #expect(localizer.verify(h, matches: matches.count, features: scene.query) != nil,
                    "\(h.inlierCount) inliers of \(matches.count) passed verification")
        }
    }

    @Test func weakEvidenceIsNamed() throws {
        let scene = SyntheticScene.make(seed: 5)
        var options = LocalizationOptions()
        options.minInliers = 30
        let localizer = try Localizer(map: scene.map, options: options)
        let idx = Array(0..<60)
        // 20 true correspondences bunched in one corner are refused for spread.
        let h = PoseHypothesis(cameraFromLandmark: scene.cameraFromLandmark, intrinsics: scene.intrinsics,
                               inliers: idx.map { $0 < 40 }, inlierCount: 40, rmse: 0.5, cells: 1)
        #expect(localizer.verify(h, matches: 60, features: scene.query)?.contains("cells") == true)
        var few = h; few.inlierCount = 12; few.cells = 10
        #expect(localizer.verify(few, matches: 60, features: scene.query)?.contains("12 inliers") == true)
        var low = h; low.cells = 10
        #expect(localizer.verify(low, matches: 1000, features: scene.query)?.contains("inlier ratio") == true)
    }

    @Test func mapWithoutDescriptorsIsUnusable() {
        let map = FeatureMap(metadata: MapMetadata(name: "bare"), points: (0..<10).map {
            MapPoint(id: Int64($0), position: Vec3(Double($0), 0, 0), observations: [Observation(keyframeID: 0, keypointIndex: 0, pixel: .zero)])
        })
        #expect(throws: LocalizationError.self) { try Localizer(map: map) }
    }
}
