import ArgumentParser

extension Landmark {
    /// `landmark anchor add|list|remove`: named poses on the landmark's surfaces.
    struct Anchor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "anchor",
            abstract: "Add, list and remove anchors: poses snapped to the landmark's reconstructed surfaces.",
            subcommands: [Add.self, List.self, Remove.self]
        )
    }
}
