import ArgumentParser
import Foundation

/// An error message on stderr and exit status 1, without ArgumentParser's usage text.
enum CleanExit {
    static func message(_ text: String, failure: Bool) -> ExitCode {
        FileHandle.standardError.write(Data("error: \(text)\n".utf8))
        return ExitCode(failure ? 1 : 0)
    }
}
