// Debian's libmeshoptimizer-dev (scripts/setup.sh installs it): /usr/include/meshoptimizer.h,
// -lmeshoptimizer. No pkg-config file ships with it, so the module map links it by name.
#include <meshoptimizer.h>

/// A read prefetch hint for the decimator's collapse loop (AssetPipeline/Simplify), which
/// visits positions in cost order, i.e. at random: it asks for the data of the collapses a
/// few steps ahead so that their cache misses overlap. Swift has no prefetch intrinsic; this
/// static inline function is compiled into the caller. No effect on results.
static inline void lmk_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }
