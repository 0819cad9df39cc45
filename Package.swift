// swift-tools-version:6.0
import PackageDescription

// LandmarkAR: visual positioning, asset optimization, motion retargeting and anchoring
// for landmark AR. README.md describes the layout and the data flow.
let package = Package(
    name: "LandmarkAR",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "landmark", targets: ["landmark"]),
        .library(name: "Geometry", targets: ["Geometry"]),
        .library(name: "LandmarkMap", targets: ["LandmarkMap"]),
        .library(name: "Reconstruction", targets: ["Reconstruction"]),
        .library(name: "Localization", targets: ["Localization"]),
        .library(name: "Rendering", targets: ["Rendering"]),
        .library(name: "AssetPipeline", targets: ["AssetPipeline"]),
        .library(name: "Motion", targets: ["Motion"]),
        .library(name: "Anchoring", targets: ["Anchoring"]),
        .library(name: "Batch", targets: ["Batch"]),
        .library(name: "PoseServer", targets: ["PoseServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
    ],
    targets: [
        // System libraries: SwiftPM passes pkg-config's flags to the targets that depend on them.
        .systemLibrary(name: "COpenCV", pkgConfig: "opencv4", providers: [.apt(["libopencv-dev"])]),
        .systemLibrary(name: "CEigen", pkgConfig: "eigen3", providers: [.apt(["libeigen3-dev"])]),
        // Debian's libmeshoptimizer-dev has no pkg-config file: the module map links it by name.
        .systemLibrary(name: "CMeshOptimizer", providers: [.apt(["libmeshoptimizer-dev"])]),

        // C++17: OpenCV and Eigen behind one plain C header. The only C++ in the package.
        .target(name: "CVBridge", dependencies: ["COpenCV", "CEigen"]),

        // Swift modules, one job each. Geometry has no dependencies.
        .target(name: "Geometry"),
        .target(name: "Support", dependencies: [.product(name: "Logging", package: "swift-log")]),
        .target(name: "LandmarkMap", dependencies: [
            "Geometry", "Support", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .target(name: "Rendering", dependencies: ["Geometry", "CVBridge", "Support"]),
        .target(name: "Reconstruction", dependencies: [
            "Geometry", "CVBridge", "LandmarkMap", "Rendering", "Support",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Localization", dependencies: [
            "Geometry", "CVBridge", "LandmarkMap", "Rendering", "Reconstruction", "Support",
        ]),
        .target(name: "AssetPipeline", dependencies: ["Geometry", "CVBridge", "CMeshOptimizer", "Rendering", "Support"]),
        .target(name: "Motion", dependencies: ["Geometry", "AssetPipeline", "Support"]),
        .target(name: "Anchoring", dependencies: [
            "Geometry", "LandmarkMap", "Rendering", "AssetPipeline", "Motion", "Support",
        ]),
        // Batch jobs over asset and motion libraries: manifest, SQLite job table, workers.
        .target(name: "Batch", dependencies: [
            "Support", "AssetPipeline", "Motion",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Yams", package: "Yams"),
        ]),
        // The pose-query HTTP service (Hummingbird 2).
        .target(name: "PoseServer", dependencies: [
            "Localization", "LandmarkMap", "Geometry", "Rendering", "Anchoring", "Support",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "landmark", dependencies: [
            "Geometry", "LandmarkMap", "Reconstruction", "Localization", "Rendering",
            "AssetPipeline", "Motion", "Anchoring", "Support", "Batch", "PoseServer",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        .testTarget(name: "GeometryTests", dependencies: ["Geometry"]),
        .testTarget(name: "LandmarkMapTests", dependencies: ["LandmarkMap", "Geometry", "Support"]),
        .testTarget(name: "ReconstructionTests", dependencies: [
            "Reconstruction", "Rendering", "LandmarkMap", "Geometry", "CVBridge", "Support",
        ]),
        .testTarget(name: "LocalizationTests", dependencies: [
            "Localization", "Reconstruction", "Rendering", "LandmarkMap", "Geometry",
        ]),
        .testTarget(name: "RenderingTests", dependencies: ["Rendering", "Geometry"]),
        .testTarget(name: "AssetPipelineTests", dependencies: ["AssetPipeline", "Rendering", "Geometry", "Support"]),
        .testTarget(name: "MotionTests", dependencies: ["Motion", "AssetPipeline", "Geometry"]),
        .testTarget(name: "AnchoringTests", dependencies: ["Anchoring", "LandmarkMap", "Geometry", "AssetPipeline", "Motion", "Rendering"]),
        .testTarget(name: "BatchTests", dependencies: ["Batch", "AssetPipeline", "landmark"]),
        .testTarget(name: "PoseServerTests", dependencies: [
            "PoseServer", "Localization", "LandmarkMap", "Rendering", "Geometry", "Anchoring", "Motion",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "CLITests", dependencies: ["landmark", "Support"]),
    ],
    cxxLanguageStandard: .cxx17
)
