import ArgumentParser
import Foundation
import LandmarkMap

extension Landmark.Anchor {
    /// `landmark anchor remove MAP --name N`.
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
