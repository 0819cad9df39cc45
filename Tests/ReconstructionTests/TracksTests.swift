import Testing
@testable import Reconstruction

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
