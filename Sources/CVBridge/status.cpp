// Status strings and the per-thread error message shared by every entry point.
#include "CVBridge.h"
#include "bridge_internal.hpp"

namespace cvb {
thread_local std::string last_error;
}

extern "C" const char *cvb_status_string(cvb_status status) {
    switch (status) {
    case CVB_OK: return "ok";
    case CVB_INVALID_ARGUMENT: return "invalid argument";
    case CVB_DECODE_FAILED: return "decode failed";
    case CVB_UNSUPPORTED: return "unsupported";
    case CVB_TOO_LARGE: return "too large";
    case CVB_NOT_ENOUGH_DATA: return "not enough data";
    case CVB_ESTIMATION_FAILED: return "estimation failed";
    case CVB_CANCELLED: return "cancelled";
    case CVB_INTERNAL: return "internal error";
    }
    return "unknown status";
}

extern "C" const char *cvb_last_error(void) { return cvb::last_error.c_str(); }
