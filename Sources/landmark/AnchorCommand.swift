import ArgumentParser
import Anchoring
import Foundation
import Geometry
import LandmarkMap

/// `landmark anchor add|list|remove`: named poses on the landmark's surfaces.
struct AnchorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anchor",
        abstract: "Add, list and remove anchors: poses snapped to the landmark's reconstructed surfaces.",
        subcommands: [Add.self, List.self, Remove.self]
    )
}

extension AnchorCommand {
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
        @Flag(help: "Stand upright (up = the landmark's +Y) even on a tilted or vertical surface, e.g. at the edge of a narrow ledge whose top holds no map points. Needs a metric map.")
        var upright = false
        @Flag(help: "Print the anchor as JSON.") var json = false

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
            if let problem = Anchor.problem(withName: name) { throw ValidationError("--name: \(problem).") }
            if let yaw, !yaw.isFinite { throw ValidationError("--yaw must be a finite number of degrees.") }
        }

        func run() async throws {
            let url = URL(fileURLWithPath: map)
            let featureMap = try LandmarkStore.read(from: url)
            if featureMap.anchors.contains(where: { $0.name == name }) {
                throw CLIError("map \(map) already has an anchor named '\(name)'; remove it first or pick another name")
            }
            var options = AnchorPlacementOptions(yawDegrees: yaw)
            options.seed = 0
            options.upright = upright
            if upright, !featureMap.metadata.isMetric {
                throw CLIError("--upright needs a metric, gravity-aligned map (register with --priors); \(map) keeps its own scale")
            }
            let placement: AnchorPlacement
            if pixel.count == 3 {
                placement = try AnchorPlacer.place(in: featureMap, imageName: pixel[0],
                                                   pixel: Vec2(Double(pixel[1])!, Double(pixel[2])!), options: options)
            } else {
                placement = try AnchorPlacer.place(in: featureMap, near: Vec3(at[0], at[1], at[2]), options: options)
            }
            let anchor = placement.anchor(named: name)
            try LandmarkStore.addAnchor(anchor, to: url)
            if json {
                print(try AnchorJSON(anchor).jsonLine())
            } else {
                let p = anchor.position, u = anchor.up
                print(String(format: "anchor '%@' at (%.3f, %.3f, %.3f), up (%.3f, %.3f, %.3f), on a surface of %d map points (RMS %.4f)",
                             name, p.x, p.y, p.z, u.x, u.y, u.z, placement.supportPoints, placement.rmsDistance))
                if !featureMap.metadata.isMetric {
                    print("note: this map is in its own scale (not metric); positions are in map units")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a map's anchors.")
        @Argument(help: "The .landmark file.") var map: String
        @Flag(help: "Print one JSON array.") var json = false

        func run() async throws {
            let anchors = try LandmarkStore.anchors(in: URL(fileURLWithPath: map))
            if json {
                let data = try JSONEncoder.landmark.encode(anchors.map(AnchorJSON.init))
                print(String(decoding: data, as: UTF8.self))
                return
            }
            if anchors.isEmpty { print("no anchors"); return }
            for a in anchors {
                let p = a.position, f = a.forward
                print(String(format: "%@\tposition (%.3f, %.3f, %.3f)\tforward (%.3f, %.3f, %.3f)", a.name, p.x, p.y, p.z, f.x, f.y, f.z))
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an anchor by name.")
        @Argument(help: "The .landmark file.") var map: String
        @Option(help: "The anchor's name.") var name: String

        func run() async throws {
            try LandmarkStore.removeAnchor(named: name, from: URL(fileURLWithPath: map))
            print("removed anchor '\(name)'")
        }
    }
}

/// An anchor as JSON: rotation [w, x, y, z], translation and the surface, landmark frame.
struct AnchorJSON: Codable {
    struct Pose: Codable { var rotation: [Double]; var translation: [Double] }
    var name: String
    var landmarkFromAnchor: Pose
    var surfacePoint: [Double]
    var surfaceNormal: [Double]
    var createdAt: Double

    init(_ a: Anchor) {
        name = a.name
        landmarkFromAnchor = Pose(rotation: a.landmarkFromAnchor.rotation.wxyz,
                                  translation: [a.landmarkFromAnchor.translation.x, a.landmarkFromAnchor.translation.y, a.landmarkFromAnchor.translation.z])
        surfacePoint = [a.surfacePoint.x, a.surfacePoint.y, a.surfacePoint.z]
        surfaceNormal = [a.surfaceNormal.x, a.surfaceNormal.y, a.surfaceNormal.z]
        createdAt = a.createdAt
    }
    func jsonLine() throws -> String { String(decoding: try JSONEncoder.landmark.encode(self), as: UTF8.self) }
}

/// An error the CLI reports as it is: a sentence naming the problem.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension JSONEncoder {
    /// Sorted keys, no escaped slashes: stable output for scripts and tests.
    static var landmark: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
}
