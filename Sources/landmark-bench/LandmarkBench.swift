import ArgumentParser
import Features

/// `landmark-bench …`: benchmarks that print their figures as JSON on stdout. Apart from the
/// `landmark` command so that its help lists only the user's jobs; timings live only here.
@main
struct LandmarkBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "landmark-bench",
        abstract: "Run a LandmarkAR benchmark and print its figures as JSON.",
        subcommands: [BenchRegister.self, BenchStoreCommand.self, BenchRetarget.self, BenchBatch.self, BenchAtlas.self,
                      BenchLocalize.self, BenchDecimate.self, BenchRender.self, BenchPreview.self, BenchServe.self]
    )
}

extension FeatureKind: ExpressibleByArgument {}
