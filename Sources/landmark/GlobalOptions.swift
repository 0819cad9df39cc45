import ArgumentParser
import Logging

/// The options every command that uses them shares, through `@OptionGroup var global: GlobalOptions`:
/// the seed of random choices, JSON output, and the log level on stderr.
struct GlobalOptions: ParsableArguments {
    @Option(help: "Seed of every random choice; the same seed gives the same output (default: 0; synth and demo: 7, the built-in landmark).")
    var seed: UInt64?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Option(help: "Log messages on stderr from this level up: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    /// `--seed`, or the command's own default when it is not given.
    func seed(default value: UInt64) -> UInt64 { seed ?? value }
}

/// A command with the global options; `Landmark.main` reads its `--log-level` before it runs.
protocol GlobalOptionsCommand {
    var global: GlobalOptions { get }
}

extension Landmark.Register: GlobalOptionsCommand {}
extension Landmark.Synth: GlobalOptionsCommand {}
extension Landmark.Localize: GlobalOptionsCommand {}
extension Landmark.Info: GlobalOptionsCommand {}
extension Landmark.Scale: GlobalOptionsCommand {}
extension Landmark.Demo: GlobalOptionsCommand {}
extension Landmark.Preview: GlobalOptionsCommand {}
extension Landmark.Serve: GlobalOptionsCommand {}
extension Landmark.Anchor.List: GlobalOptionsCommand {}
extension Landmark.Anchor.Add: GlobalOptionsCommand {}
extension Landmark.Batch.Status: GlobalOptionsCommand {}
extension Landmark.Mocap.Report: GlobalOptionsCommand {}
extension Landmark.Mocap.Info: GlobalOptionsCommand {}
extension Landmark.Asset.Compare: GlobalOptionsCommand {}
extension Landmark.Asset.Info: GlobalOptionsCommand {}
extension Landmark.Asset.Optimize: GlobalOptionsCommand {}

extension Logger.Level: @retroactive ExpressibleByArgument {}
