// Eigen is header-only; this module exists so SwiftPM passes pkg-config's eigen3 include flags.
