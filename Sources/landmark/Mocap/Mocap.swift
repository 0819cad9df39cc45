import ArgumentParser
import Foundation
import Motion

extension Landmark {
    /// `landmark mocap …`: BVH motion capture onto a character's skeleton.
    struct Mocap: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Inspect BVH mocap, retarget it onto a rigged glTF character, and measure the result.",
            subcommands: [Info.self, Retarget.self, Report.self, MakeDemo.self]
        )
    }
}

/// Runs `body`, printing Motion errors as one clear line and exiting non-zero.
func runMotion<T>(_ body: () throws -> T) throws -> T {
    do { return try body() }
    catch let e as MotionError {
        FileHandle.standardError.write(Data("error: \(e.description)\n".utf8))
        throw ExitCode.failure
    }
}
