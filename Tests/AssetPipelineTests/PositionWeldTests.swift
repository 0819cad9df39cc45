import Foundation
import Geometry
import Testing
@testable import AssetPipeline

@Suite struct PositionWeldTests {
    func weld(_ positions: [SIMD3<Float>]) -> (ids: [UInt32], representatives: [UInt32]) {
        var ids = [UInt32](repeating: 0, count: positions.count)
        let reps = positions.withUnsafeBufferPointer { p in
            ids.withUnsafeMutableBufferPointer { PositionWeld.weld(p, ids: $0) }
        }
        return (ids, reps)
    }

    @Test func groupsEqualPositionsInOrderOfFirstAppearance() {
        let a = SIMD3<Float>(1, 2, 3), b = SIMD3<Float>(0, 0, 0), c = SIMD3<Float>(1, 2, 3.0000005)
        let (ids, reps) = weld([a, b, a, c, SIMD3(-0.0, 0, -0.0), c])
        #expect(ids == [0, 1, 0, 2, 1, 2])          // −0 equals +0, as Float equality says
        #expect(reps == [0, 1, 3])
    }

    @Test func matchesADictionaryOnAGrid() {
        // 30 000 positions on a coarse lattice, so most repeat; the answer from a
        // Dictionary keyed by position is the reference.
        var rng = SplitMix64(seed: 5)
        let positions = (0..<30_000).map { _ in
            SIMD3<Float>(Float(rng.next() % 20), Float(rng.next() % 20), Float(rng.next() % 5) * 0.25)
        }
        var table: [SIMD3<Float>: UInt32] = [:]
        var expectedReps: [UInt32] = []
        let expectedIDs = positions.enumerated().map { i, p -> UInt32 in
            if let id = table[p] { return id }
            table[p] = UInt32(expectedReps.count); expectedReps.append(UInt32(i))
            return UInt32(expectedReps.count - 1)
        }
        let (ids, reps) = weld(positions)
        #expect(ids == expectedIDs)
        #expect(reps == expectedReps)
        #expect(reps.count == 2000)
    }
}
