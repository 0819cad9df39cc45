import Foundation

/// An error the CLI reports as it is: a sentence naming the problem.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Writes one line to stderr (warnings; stdout stays the command's output).
func printError(_ s: String) {
    FileHandle.standardError.write(Data((s + "\n").utf8))
}

extension JSONEncoder {
    /// Sorted keys, no escaped slashes: stable output for scripts and tests.
    static var landmark: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
}
