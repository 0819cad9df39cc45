import Anchoring
import ArgumentParser
import Foundation
import Geometry
import LandmarkMap

extension Landmark {
    /// `landmark scale MAP --between IMG U V IMG U V --metres D`: metres from one measured distance.
    struct Scale: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scale a map to metres from one measured distance between two pixels of its photos.",
            discussion: """
            Each pixel is placed in 3D as `anchor add --pixel` places an anchor: the ray through it \
            meets a plane fitted to the map points around it (else the median depth of the points \
            observed nearest it). The whole map (camera centres, points, anchors) is then scaled \
            about its origin so those two points are D metres apart, and rewritten atomically: on \
            any error the file is left as it was. A map registered without --priors is levelled \
            (camera-up gravity) at registration, so after `scale` it is metric: metres, Y up.

            Example:
              landmark scale gate.landmark --between 0003.png 412 388 0003.png 655 391 --metres 4.2
            """)

        @Argument(help: "The .landmark file to scale (rewritten in place).")
        var map: String

        @Option(parsing: .upToNextOption,
                help: "IMAGE U V IMAGE U V: two pixels (OpenCV convention) of registered photos, named as stored in the map.")
        var between: [String] = []

        @Option(parsing: .unconditional, help: "The real distance between the two pixels' points, in metres (> 0).")
        var metres: Double

        @OptionGroup var global: GlobalOptions

        /// The two pixels of `--between`, when well formed.
        var measurements: (PixelMeasurement, PixelMeasurement)? {
            guard between.count == 6, let u0 = Double(between[1]), let v0 = Double(between[2]),
                  let u1 = Double(between[4]), let v1 = Double(between[5]),
                  [u0, v0, u1, v1].allSatisfy(\.isFinite) else { return nil }
            return (PixelMeasurement(image: between[0], pixel: Vec2(u0, v0)), PixelMeasurement(image: between[3], pixel: Vec2(u1, v1)))
        }

        func validate() throws {
            guard measurements != nil else {
                throw ValidationError("--between takes two pixels as IMAGE U V IMAGE U V, e.g. --between 0003.png 412 388 0007.png 655 391 (got \(between.count) values).")
            }
            guard metres.isFinite, metres > 0 else { throw ValidationError("--metres must be a distance in metres > 0, got \(metres).") }
        }

        func run() throws {
            let (a, b) = measurements!
            let url = URL(fileURLWithPath: map)
            let result: MeasuredScale
            do {
                result = try MapScaling.scaleMap(at: url, from: a, to: b, metres: metres)
            } catch let error as MapScalingError {
                throw CLIError("cannot scale \(map): \(error)")
            }
            if global.json {
                print(String(decoding: try JSONEncoder.landmark.encode(ScaleJSON(result, map: map)), as: UTF8.self))
                return
            }
            for p in [result.from, result.to] {
                print(String(format: "%@ → (%.4f, %.4f, %.4f) map units, ±%.2g (%@ of %d points)", p.measurement.description,
                             p.position.x, p.position.y, p.position.z, p.standardError, p.method, p.supportPoints))
            }
            print(String(format: "scaled %@ by %.6g: %.6g map units = %g m (±%.2g %%)", map, result.scale, result.mapDistance,
                         result.metres, 100 * result.relativeUncertainty))
            print(result.frame.isMetric ? "frame: metric: metres, Y up (gravity: \(result.frame.gravity.source.rawValue))"
                                        : "frame: metres, but not gravity-aligned (registered with --gravity none): +Y is not up")
        }
    }
}

/// `landmark scale --json`.
struct ScaleJSON: Encodable {
    struct End: Encodable {
        var image: String
        var pixel: [Double]
        var position: [Double]
        var standardError: Double
        var method: String
        var supportPoints: Int
    }
    var map: String
    var from: End, to: End
    var mapDistance: Double
    var metres: Double
    var scale: Double
    var relativeUncertainty: Double
    var metric: Bool
    var gravitySource: String

    init(_ r: MeasuredScale, map: String) {
        func end(_ p: LocatedPixel) -> End {
            End(image: p.measurement.image, pixel: [p.measurement.pixel.x, p.measurement.pixel.y],
                position: [p.position.x, p.position.y, p.position.z], standardError: p.standardError,
                method: p.method, supportPoints: p.supportPoints)
        }
        self.map = map; from = end(r.from); to = end(r.to)
        mapDistance = r.mapDistance; metres = r.metres; scale = r.scale
        relativeUncertainty = r.relativeUncertainty; metric = r.frame.isMetric
        gravitySource = r.frame.gravity.source.rawValue
    }
}
