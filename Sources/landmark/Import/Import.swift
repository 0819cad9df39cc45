import ArgumentParser

extension Landmark {
    /// `landmark import …`: maps made by other tools.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Turn a reconstruction made by another tool into a landmark map.",
            subcommands: [Colmap.self])
    }
}
