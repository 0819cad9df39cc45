// swift-tools-version:6.0
import PackageDescription

// LandmarkAR: visual positioning, asset optimization, motion retargeting and anchoring
// for landmark AR. README.md describes the layout and the data flow.
let package = Package(
    name: "LandmarkAR",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "landmark", targets: ["landmark"]),
        .executable(name: "landmark-bench", targets: ["landmark-bench"]),
        .library(name: "Geometry", targets: ["Geometry"]),
        .library(name: "Imaging", targets: ["Imaging"]),
        .library(name: "Features", targets: ["Features"]),
        .library(name: "Estimators", targets: ["Estimators"]),
        .library(name: "GLTF", targets: ["GLTF"]),
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
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        // PoseServer: the /metrics registry and multipart bodies.
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        // Batch: content hashes of job inputs.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // System libraries: SwiftPM passes pkg-config's flags to the targets that depend on them.
        .systemLibrary(name: "COpenCV", pkgConfig: "opencv4", providers: [.apt(["libopencv-dev"])]),
        .systemLibrary(name: "CEigen", pkgConfig: "eigen3", providers: [.apt(["libeigen3-dev"])]),
        // Debian's libmeshoptimizer-dev has no pkg-config file: the module map links it by name.
        .systemLibrary(name: "CMeshOptimizer", providers: [.apt(["libmeshoptimizer-dev"])]),

        // C++17: OpenCV and Eigen behind one plain C header. The only C++ in the package.
        .target(name: "CVBridge", dependencies: ["COpenCV", "CEigen"]),

        // Swift modules, one job each; each imports only modules of lower levels (README, Layout).
        // Level 0: maths and process support.
        .target(name: "Geometry"),
        .target(name: "Support", dependencies: [.product(name: "Logging", package: "swift-log")]),
        // Level 1: images.
        .target(name: "Imaging", dependencies: ["Geometry", "CVBridge"]),
        // Level 2: features, estimators, glTF.
        .target(name: "Features", dependencies: ["Geometry", "Imaging", "CVBridge"]),
        .target(name: "Estimators", dependencies: ["Geometry", "Imaging", "CVBridge"]),
        .target(name: "GLTF", dependencies: ["Geometry", "Imaging", "Support"]),
        // Level 3: the map store, the rasterizer.
        .target(name: "LandmarkMap", dependencies: [
            "Geometry", "Features", "Support", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .target(name: "Rendering", dependencies: ["Geometry", "Imaging", "GLTF", "Support"]),
        // Level 4: registration, localization, assets, motion.
        .target(name: "Reconstruction", dependencies: [
            "Geometry", "Imaging", "Features", "Estimators", "LandmarkMap", "CVBridge", "Support",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Localization", dependencies: [
            "Geometry", "Imaging", "Features", "Estimators", "LandmarkMap", "Support",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "AssetPipeline", dependencies: [
            "Geometry", "Imaging", "GLTF", "Rendering", "CVBridge", "CMeshOptimizer", "Support",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Motion", dependencies: ["Geometry", "GLTF", "Support"]),
        // Level 5: anchoring and previews; synthetic data (the CLI and tests only).
        .target(name: "Anchoring", dependencies: [
            "Geometry", "Imaging", "Estimators", "LandmarkMap", "GLTF", "Rendering", ]),
        .target(name: "Synthetic", dependencies: [
            "Geometry", "Imaging", "Features", "Estimators", "LandmarkMap", "GLTF", "Rendering", "AssetPipeline", "Motion",
            "Support",
        ]),
        // Level 6: batch jobs, the pose-query HTTP service (Hummingbird 2).
        .target(name: "Batch", dependencies: [
            "Support", "AssetPipeline", "Motion",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Yams", package: "Yams"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "PoseServer", dependencies: [
            "Geometry", "Imaging", "LandmarkMap", "Localization", "Rendering", "Anchoring", .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "MultipartKit", package: "multipart-kit"),
        ]),
        // Level 7: the command line.
        .executableTarget(name: "landmark", dependencies: [
            "Geometry", "Imaging", "Features", "Estimators", "GLTF", "LandmarkMap", "Rendering", "Reconstruction",
            "Localization", "AssetPipeline", "Motion", "Anchoring", "Synthetic", "Support", "Batch", "PoseServer",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Yams", package: "Yams"),
        ]),
        // The benchmarks: figures as JSON on stdout (timings live here, never in tests).
        .executableTarget(name: "landmark-bench", dependencies: [
            "Geometry", "Imaging", "Features", "Estimators", "GLTF", "LandmarkMap", "Rendering", "Reconstruction",
            "Localization", "AssetPipeline", "Motion", "Anchoring", "Synthetic", "Support", "Batch",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "GeometryTests", dependencies: ["Geometry"]),
        .testTarget(name: "SupportTests", dependencies: ["Support", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging"]),
        .testTarget(name: "FeaturesTests", dependencies: ["Features", "Imaging", "Geometry", "Synthetic"]),
        .testTarget(name: "EstimatorsTests", dependencies: ["Estimators", "Imaging", "Geometry", "Synthetic"]),
        .testTarget(name: "GLTFTests", dependencies: ["GLTF", "Synthetic", "AssetPipeline"]),
        .testTarget(name: "LandmarkMapTests", dependencies: ["LandmarkMap", "Features", "Geometry", "Support", "Synthetic"]),
        .testTarget(name: "ReconstructionTests", dependencies: [
            "Reconstruction", "Features", "Estimators", "Imaging", "Rendering", "LandmarkMap", "Geometry", "Support", "Synthetic",
        ]),
        .testTarget(name: "LocalizationTests", dependencies: [
            "Localization", "Reconstruction", "Features", "Imaging", "LandmarkMap", "Geometry", "Synthetic",
        ]),
        .testTarget(name: "RenderingTests", dependencies: ["Rendering", "Imaging", "Geometry", "GLTF"]),
        .testTarget(name: "SyntheticTests", dependencies: ["Synthetic", "Rendering", "Imaging", "Geometry"]),
        .testTarget(name: "AssetPipelineTests", dependencies: [
            "AssetPipeline", "GLTF", "Rendering", "Imaging", "Geometry", "Support", "Synthetic", "CVBridge",
        ]),
        .testTarget(name: "MotionTests", dependencies: ["Motion", "Geometry", "Synthetic"]),
        .testTarget(name: "AnchoringTests", dependencies: [
            "Anchoring", "Estimators", "LandmarkMap", "Geometry", "GLTF", "Motion", "Rendering", "Imaging", "Synthetic",
        ]),
        .testTarget(name: "BatchTests", dependencies: [
            "Batch", "GLTF", "AssetPipeline", "landmark", .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "PoseServerTests", dependencies: [
            "PoseServer", "Localization", "LandmarkMap", "Rendering", "Imaging", "Geometry", "Anchoring", "Motion",
            "Synthetic",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "CLITests", dependencies: ["landmark", "Support", "Imaging", "Synthetic"]),
    ],
    cxxLanguageStandard: .cxx17
)
