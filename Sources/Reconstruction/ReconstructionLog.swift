import Logging
import Support

/// Registration's logger (`landmark.reconstruction`): pair choices, registration steps and
/// the ORB layer at `.debug` (`landmark --log-level debug`), progress lines at `.info`.
let logger = makeLogger("reconstruction")
