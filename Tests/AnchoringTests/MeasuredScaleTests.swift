import Foundation
import Testing
import Geometry
import LandmarkMap
@testable import Anchoring
import Synthetic

/// `MapScaling`: metres from one measured distance, on the synthetic building (metres, Y up)
/// shrunk into an arbitrary map scale.
@Suite struct MeasuredScaleTests {
    /// The building map in map units: every coordinate × `mapPerMetre`, not metric, levelled
    /// by camera-up (so scaling makes it metric).
    static func shrunkMap(mapPerMetre: Double = 0.37) -> FeatureMap {
        var map = SyntheticFeatureMap.building(metric: false)
        map.transform(by: Sim3(scale: mapPerMetre))
        map.metadata.frame = FrameProvenance(gravity: GravityEstimate(source: .cameraUp, cameraCount: 12, spreadDegrees: 30, uncertaintyDegrees: 0.2))
        return map
    }

    /// Pixels of two points known in metres: a roof point and a point on the front wall.
    static func measurements(_ map: FeatureMap) throws -> (PixelMeasurement, PixelMeasurement, metres: Double) {
        let roof = Vec3(3, 12, 1), wall = Vec3(-4, 6, 5)
        let k = map.cameras[0].intrinsics, kf = map.keyframes[0]
        // The map's camera is in map units, so project the shrunk points.
        let a = try #require(k.project(kf.cameraFromLandmark * (roof * 0.37)))
        let b = try #require(k.project(kf.cameraFromLandmark * (wall * 0.37)))
        return (PixelMeasurement(image: "0003.png", pixel: a), PixelMeasurement(image: "0003.png", pixel: b), distance(roof, wall))
    }

    @Test func scalesToTheMeasuredDistanceWithinAHalfPercent() throws {
        var map = Self.shrunkMap()
        let (a, b, metres) = try Self.measurements(map)
        let result = try MapScaling.scale(&map, from: a, to: b, metres: metres)
        // True factor 1 / 0.37; the surfaces carry 5 mm noise.
        #expect(abs(result.scale * 0.37 - 1) < 0.005, "scale \(result.scale * 0.37) of the truth")
        #expect(result.from.method == "surface" && result.to.method == "surface")
        #expect(result.relativeUncertainty > 0 && result.relativeUncertainty < 0.01)
        // The whole map moved: the camera centre is back at (0, 22, 25) m.
        #expect(distance(map.keyframes[0].center, Vec3(0, 22, 25)) < 0.1)
        #expect(map.metadata.isMetric && map.metadata.frame?.scale.source == .measuredDistance)
        #expect(map.metadata.frame?.gravity.source == .cameraUp)
        #expect(map.metadata.alignment?.contains("measured distance") == true)
    }

    @Test func withoutGravityTheMapIsMetresButNotMetric() throws {
        var map = Self.shrunkMap()
        map.metadata.frame = nil   // an old, unlevelled map: gravity "none"
        let (a, b, metres) = try Self.measurements(map)
        _ = try MapScaling.scale(&map, from: a, to: b, metres: metres)
        #expect(!map.metadata.isMetric)
        #expect(map.metadata.frame?.gravity.source == GravityEstimate.Source.none)
        #expect(map.metadata.frame?.scale.source == .measuredDistance)
    }

    /// Bad input names the problem and leaves the file byte-identical; good input rewrites it.
    @Test func fileIsRewrittenOnlyOnSuccess() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("MeasuredScaleTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("box.landmark")
        let map = Self.shrunkMap()
        try LandmarkStore.write(map, to: url)
        let original = try Data(contentsOf: url)
        let (a, b, metres) = try Self.measurements(map)

        func expectUnchanged(_ a: PixelMeasurement, _ b: PixelMeasurement, metres: Double, _ check: (MapScalingError) -> Bool,
                             sourceLocation: SourceLocation = #_sourceLocation) {
            do {
                _ = try MapScaling.scaleMap(at: url, from: a, to: b, metres: metres)
                Issue.record("no error", sourceLocation: sourceLocation)
            } catch let error as MapScalingError {
                #expect(check(error), "\(error)", sourceLocation: sourceLocation)
            } catch {
                Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
            }
            #expect((try? Data(contentsOf: url)) == original, "the file changed", sourceLocation: sourceLocation)
        }
        expectUnchanged(PixelMeasurement(image: "9999.png", pixel: a.pixel), b, metres: metres) {
            if case .unknownImage("9999.png", _) = $0 { return true } else { return false }
        }
        expectUnchanged(a, PixelMeasurement(image: "0003.png", pixel: Vec2(1024, 10)), metres: metres) {
            if case .pixelOutsideImage = $0 { return true } else { return false }
        }
        // The top row looks over the building into the empty distance.
        expectUnchanged(a, PixelMeasurement(image: "0003.png", pixel: Vec2(512, 2)), metres: metres) {
            if case .noPointsNear = $0 { return true } else { return false }
        }
        for bad in [0.0, -2.0, Double.nan, Double.infinity] {
            expectUnchanged(a, b, metres: bad) { if case .invalidDistance = $0 { return true } else { return false } }
        }
        expectUnchanged(a, a, metres: metres) { if case .pointsTooClose = $0 { return true } else { return false } }

        let result = try MapScaling.scaleMap(at: url, from: a, to: b, metres: metres)
        #expect(abs(result.scale * 0.37 - 1) < 0.005)
        let back = try LandmarkStore.read(from: url)
        #expect(back.metadata.isMetric && back.metadata.frame?.scale.source == .measuredDistance)
        #expect(abs((back.metadata.frame?.scale.relativeUncertainty ?? 0) - result.relativeUncertainty) < 1e-15)
        #expect(distance(back.keyframes[0].center, Vec3(0, 22, 25)) < 0.1)
        try LandmarkStore.validate(url)
    }
}
