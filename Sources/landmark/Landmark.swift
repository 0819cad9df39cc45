import ArgumentParser
import Support

/// The `landmark` command: one subcommand per job, each a nested type in its own file
/// (`Landmark.Register` in Register.swift, `Landmark.Asset.Optimize` in Asset/Optimize.swift).
/// Benchmarks are a separate executable, `landmark-bench`.
@main
struct Landmark: AsyncParsableCommand {
    /// The command line's version, printed by `landmark --version`.
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "landmark",
        abstract: "LandmarkAR: visual positioning, asset optimization and motion retargeting for landmark AR.",
        version: version,
        subcommands: [Register.self, Anchor.self, Batch.self, Info.self, Scale.self, Export.self, Import.self, Synth.self, Mocap.self,
                      Localize.self, Serve.self, Asset.self, Preview.self, Demo.self]
    )

    /// Parses the command line, sends the log to stderr at the command's `--log-level`
    /// (swift-log allows one bootstrap per process, so it happens here, once), then runs.
    static func main() async {
        do {
            var command = try parseAsRoot()
            LoggingSetup.bootstrap(level: (command as? GlobalOptionsCommand)?.global.logLevel ?? .info)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
