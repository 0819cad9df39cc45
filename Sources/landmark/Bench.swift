import ArgumentParser

/// `landmark bench …`: benchmarks that print their figures as JSON on stdout.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a benchmark and print its figures as JSON.",
        subcommands: [BenchRegister.self, BenchStoreCommand.self, BenchRetarget.self, BenchBatch.self, BenchAtlas.self, BenchLocalize.self, BenchDecimate.self, BenchRender.self, BenchPreview.self, BenchServe.self]
    )
}
