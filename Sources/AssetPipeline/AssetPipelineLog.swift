import Logging
import Support

/// The asset pipeline's logger (`landmark.assetpipeline`): decimation's stage times and passes
/// at `.debug` (`landmark --log-level debug`), progress lines at `.info`.
let logger = makeLogger("assetpipeline")
