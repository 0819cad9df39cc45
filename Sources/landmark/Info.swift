import ArgumentParser
import Foundation
import LandmarkMap

extension Landmark {
    /// `landmark info X.landmark [--json] [--check]`: what a landmark file holds.
    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "info",
            abstract: "Show what a .landmark file holds: counts, feature kind, scale, anchors.",
            discussion: """
                Reads only the metadata and counts (fast on any map). --check also runs the full
                integrity check a server runs on uploads and exits non-zero if it fails.

                Example:
                  landmark info gate.landmark
                  landmark info gate.landmark --json
                """)

        @Argument(help: "The .landmark file.")
        var file: String

        @OptionGroup var global: GlobalOptions

        @Flag(help: "Also run the full integrity check (SQLite integrity, schema, references).")
        var check = false

        func run() throws {
            let url = URL(fileURLWithPath: file)
            let summary = check ? try LandmarkStore.validate(url) : try LandmarkStore.readMetadata(from: url)
            if global.json {
                print(try MapInfoText.json(summary, checked: check))
            } else {
                print(MapInfoText.text(summary, checked: check))
            }
        }
    }
}
