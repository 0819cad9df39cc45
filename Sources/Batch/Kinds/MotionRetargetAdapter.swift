import Foundation
import Motion

/// The seam between the `retarget` job kind and `Motion`.
///
/// STUB until Motion's public retarget function lands on this branch: every `retarget` job
/// fails with "not available yet" (the other jobs run).
enum MotionRetargetAdapter {
    static func run(_ invocation: JobInvocation) throws -> JobOutcome {
        throw BatchError.notAvailable(kind: "retarget",
                                      reason: "Motion's retarget function is not merged into this build")
    }
}
