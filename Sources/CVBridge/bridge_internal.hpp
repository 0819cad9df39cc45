// Internal helpers for CVBridge's .cpp files: error reporting and exception guards.
#pragma once
#include <exception>
#include <string>
#include "CVBridge.h"

namespace cvb {
extern thread_local std::string last_error;

inline cvb_status fail(cvb_status status, const std::string &message) {
    last_error = message;
    return status;
}

/// Runs `body`, converting any C++ exception to CVB_INTERNAL with its message.
template <typename F> cvb_status guarded(const char *where, F &&body) {
    try {
        last_error.clear();
        return body();
    } catch (const std::exception &e) {
        return fail(CVB_INTERNAL, std::string(where) + ": " + e.what());
    } catch (...) {
        return fail(CVB_INTERNAL, std::string(where) + ": unknown exception");
    }
}
} // namespace cvb
