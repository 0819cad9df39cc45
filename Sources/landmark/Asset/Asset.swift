import ArgumentParser

extension Landmark {
    /// `landmark asset …`: inspect, optimize and compare meshes and glTF assets.
    struct Asset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Inspect, optimize (decimate, LODs) and compare meshes and glTF assets.",
            subcommands: [Info.self, Optimize.self, Compare.self, UV.self]
        )
    }
}
