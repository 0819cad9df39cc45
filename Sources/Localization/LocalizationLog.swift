import Logging
import Support

/// Pose queries' logger (`landmark.localization`): each query's match and inlier counts
/// before and after guided re-matching at `.debug` (`landmark --log-level debug`).
let logger = makeLogger("localization")
