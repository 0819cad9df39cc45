import ArgumentParser

/// The `landmark` command: one subcommand per job.
@main
struct Landmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "landmark",
        abstract: "LandmarkAR: visual positioning, asset optimization and motion retargeting for landmark AR.",
        subcommands: [Asset.self, Bench.self, BatchCommand.self, Mocap.self]
    )
}
