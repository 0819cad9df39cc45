import ArgumentParser
import Foundation
import Geometry
import LandmarkMap

extension Landmark.Anchor {
    /// `landmark anchor add MAP --name N (--pixel IMAGE X Y | --at X Y Z)`.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Place an anchor from a pixel of a registered image, or snap a 3D point onto the surface below it.",
            discussion: """
            Examples:
              landmark anchor add gate.landmark --name roof --pixel images/0003.png 512 140 --yaw 180
              landmark anchor add gate.landmark --name plaza --at 2.0 0.0 -5.5
            """)

        @Argument(help: "The .landmark file to add the anchor to.") var map: String
        @Option(help: "The anchor's name, unique in the map.") var name: String
        @Option(parsing: .upToNextOption, help: "IMAGE X Y: a registered image's name and a pixel in it.")
        var pixel: [String] = []
        @Option(parsing: .upToNextOption, help: "X Y Z: a point in the landmark frame to snap onto the surface below it.")
        var at: [Double] = []
        @Option(help: "Yaw in degrees about the anchor's up (0 faces the landmark's +Z); default: face the capture cameras.")
        var yaw: Double?
        @Flag(help: "Stand upright (up = the landmark's +Y) even on a tilted or vertical surface, e.g. at the edge of a narrow ledge whose top holds no map points. Needs a gravity-aligned map (priors or camera-up).")
        var upright = false
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            guard pixel.isEmpty != at.isEmpty else { throw ValidationError("Give exactly one of --pixel IMAGE X Y or --at X Y Z.") }
            if !pixel.isEmpty {
                guard pixel.count == 3, Double(pixel[1]) != nil, Double(pixel[2]) != nil else {
                    throw ValidationError("--pixel takes an image name and two numbers, e.g. --pixel images/0003.png 512 140.")
                }
            }
            if !at.isEmpty, at.count != 3 || !at.allSatisfy(\.isFinite) {
                throw ValidationError("--at takes three finite numbers X Y Z in the landmark frame.")
            }
            if let problem = LandmarkMap.Anchor.problem(withName: name) { throw ValidationError("--name: \(problem).") }
            if let yaw, !yaw.isFinite { throw ValidationError("--yaw must be a finite number of degrees.") }
        }

        func run() async throws {
            let target: AnchorTarget = pixel.count == 3 ? .pixel(image: pixel[0], Vec2(Double(pixel[1])!, Double(pixel[2])!))
                : .point(Vec3(at[0], at[1], at[2]))
            let request = AnchorRequest(name: name, target: target, yawDegrees: yaw, upright: upright)
            let placed = try request.place(inMapAt: URL(fileURLWithPath: map))
            print(global.json ? try AnchorJSON(placed.anchor).jsonLine() : placed.text)
        }
    }
}
