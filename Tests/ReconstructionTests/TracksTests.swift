import Geometry
import Testing
@testable import Reconstruction
import Features

@Suite struct TracksTests {
    /// Three images; matches 0:1–1:0, 1:0–2:3 chain into one track; 0:2–1:1 and 1:1–0:4 put
    /// two features of image 0 into one component, which is dropped as inconsistent.
    @Test func chainsMatchesAndDropsInconsistentTracks() {
        let pairs = [
            VerifiedPair(i: 0, j: 1, matches: [(1, 0), (2, 1), (4, 1)]),
            VerifiedPair(i: 1, j: 2, matches: [(0, 3)]),
        ]
        let tracks = buildTracks(imageFeatureCounts: [5, 2, 4], pairs: pairs)
        #expect(tracks.count == 1)
        #expect(Set(tracks[0]) == [TrackElement(image: 0, keypoint: 1), TrackElement(image: 1, keypoint: 0),
                                   TrackElement(image: 2, keypoint: 3)])
    }

    @Test func exhaustivePairsForSmallSets() throws {
        let empty = FeatureSet(kind: .sift, keypoints: [], descriptors: [], imageWidth: 1, imageHeight: 1)
        let pairs = try selectPairs(Array(repeating: empty, count: 4), exhaustiveLimit: 40, shortlist: 20)
        #expect(pairs.map { [$0.0, $0.1] } == [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]])
    }
}

/// A model whose photo of unknown focal length drifted to an absurd focal length is
/// recognized, so registration tries another start (sacre_coeur: 32,055 px from 1,229).
@Suite struct FocalPlausibilityTests {
    func mapper(refine: Bool) -> IncrementalMapper {
        let empty = FeatureSet(kind: .sift, keypoints: [], descriptors: [], imageWidth: 1024, imageHeight: 768)
        let k = CameraIntrinsics(width: 1024, height: 768, fx: 1229, fy: 1229, cx: 511.5, cy: 383.5)
        return IncrementalMapper(features: [empty, empty, empty], cameras: [k, k, k], imageCamera: [0, 1, 2],
                                 pixelScale: [1, 1, 1], tracks: [], options: ReconstructionOptions(), refineIntrinsics: refine)
    }

    @Test func focalLengthsFarFromTheirStartAreImplausible() {
        var m = mapper(refine: true)
        let initial = m.cameras
        m.poses = [.identity, .identity, nil]
        m.cameras[0].fx = 2800            // a telephoto photo: 2.3× the guess
        #expect(m.focalLengthsPlausible(initial: initial))
        m.cameras[2].fx = 40_000          // not registered: does not count
        #expect(m.focalLengthsPlausible(initial: initial))
        m.cameras[1].fx = 32_055          // 26× the guess
        #expect(!m.focalLengthsPlausible(initial: initial))
        m.cameras[1].fx = 100             // 0.08×
        #expect(!m.focalLengthsPlausible(initial: initial))
    }

    @Test func givenIntrinsicsAreAlwaysPlausible() {
        var m = mapper(refine: false)
        let initial = m.cameras
        m.poses = [.identity, .identity, .identity]
        m.cameras[1].fx = 32_055
        #expect(m.focalLengthsPlausible(initial: initial))
    }
}
