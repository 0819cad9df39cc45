// Debian's libmeshoptimizer-dev (scripts/setup.sh installs it): /usr/include/meshoptimizer.h,
// -lmeshoptimizer. No pkg-config file ships with it, so the module map links it by name.
#include <meshoptimizer.h>
