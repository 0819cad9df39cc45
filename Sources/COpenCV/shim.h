// OpenCV reaches CVBridge's C++ only; this module exists so SwiftPM passes
// pkg-config's opencv4 include and link flags to the targets that depend on it.
