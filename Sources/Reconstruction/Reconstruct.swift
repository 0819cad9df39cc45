import Foundation
import Geometry
import LandmarkMap
import Support
import Imaging
import Features

private final class BarSink: ProgressSink, @unchecked Sendable {
    let bar: ProgressBar?
    init(_ bar: ProgressBar?) { self.bar = bar }
    func advance() { bar?.advance() }
}

/// Features of one photo plus what the map needs from its pixels.
private struct ExtractedPhoto: Sendable {
    var features: FeatureSet
    /// sRGB colour under each keypoint.
    var colors: [SIMD3<UInt8>]
    /// The focal length EXIF states, in pixels; nil when absent.
    var exifFocal: Double?
    /// ORB features for the query layer (SIFT maps) and the colour under each.
    var orb: FeatureSet?
    var orbColors: [SIMD3<UInt8>] = []
}

/// Registers a folder of photos: features, pair matching with geometric verification,
/// tracks, incremental structure from motion and bundle adjustment, into a `FeatureMap`
/// in the reconstruction's own frame and scale (`metadata.isMetric == false`; see
/// `alignToPriors` for metres).
///
/// Photos that cannot be decoded are skipped with a warning (`onWarning`); photos that
/// cannot be registered are listed in `stats.unregistered`.
/// - Throws: `ReconstructionError.noImages` when no photo decodes, `.noInitialPair` when
///   no pair of photos has enough verified, well-triangulated matches (unrelated photos).
public func reconstruct(_ collection: PhotoCollection, options: ReconstructionOptions = ReconstructionOptions(),
                        name: String = "landmark",
                        onWarning: (String) -> Void = { _ in }) throws -> ReconstructionResult {
    try options.validate()
    var warnings: [String] = []
    func warn(_ s: String) { warnings.append(s); onWarning(s) }
    var stages: [ReconstructionStats.StageTime] = []
    var clock = Date()
    func lap(_ stage: String) {
        stages.append(.init(stage: stage, seconds: Date().timeIntervalSince(clock)))
        clock = Date()
    }
    // A bar on a terminal, log lines under a scheduler (ProgressBar decides).
    let showBars = options.showProgress

    // 1. Features, two photos at a time (decode, gray, downscale, extract).
    let photos = collection.photos
    let extracted = SlotArray<ExtractedPhoto>(count: photos.count)
    let failures = SlotArray<String>(count: photos.count)
    let featureBar = BarSink(showBars ? ProgressBar("features", total: photos.count, logger: logger) : nil)
    let featureOptions = options.features
    let orbOptions = options.orbLayer.enabled && options.features.kind == .sift
        ? FeatureOptions(kind: .orb, maxFeatures: options.orbLayer.maxFeatures, maxImageSize: options.features.maxImageSize) : nil
    parallelFor(photos.count) { i in
        defer { featureBar.advance() }
        do {
            guard let data = try? Data(contentsOf: photos[i].url) else { throw ReconstructionError.unreadableImage(name: photos[i].name, reason: "cannot read the file") }
            let isJPEG = data.count >= 2 && data[data.startIndex] == 0xFF && data[data.startIndex + 1] == 0xD8
            if isJPEG && !ImageCheck.jpegHasEndMarker(data) {
                throw ReconstructionError.unreadableImage(name: photos[i].name, reason: "truncated JPEG (no end-of-image marker)")
            }
            let image = try Image8(decoding: data, channels: 3, name: photos[i].name)
            let f = try extractFeatures(image, options: featureOptions)
            func colors(_ f: FeatureSet) -> [SIMD3<UInt8>] {
                f.keypoints.map { k -> SIMD3<UInt8> in
                    let x = min(image.width - 1, max(0, Int(k.x.rounded()))), y = min(image.height - 1, max(0, Int(k.y.rounded())))
                    let p = (y * image.width + x) * 3
                    return SIMD3(image.pixels[p], image.pixels[p + 1], image.pixels[p + 2])
                }
            }
            var photo = ExtractedPhoto(features: f, colors: colors(f),
                                       exifFocal: exifFocalLengthPixels(data, width: image.width, height: image.height))
            if let orbOptions {
                let orb = try extractFeatures(image, options: orbOptions)
                photo.orb = orb
                photo.orbColors = colors(orb)
            }
            extracted[i] = photo
        } catch {
            failures[i] = "\(error)"
        }
    }
    featureBar.bar?.finish()
    var kept: [Int] = []
    for i in photos.indices {
        if let reason = failures[i] { warn(reason.hasPrefix("cannot read image") ? "skipping: \(reason)" : "skipping \(photos[i].name): \(reason)") }
        else if let e = extracted[i], e.features.count >= 20 { kept.append(i) }
        else { warn("skipping \(photos[i].name): too few features (\(extracted[i]?.features.count ?? 0))") }
    }
    guard !kept.isEmpty else { throw ReconstructionError.noUsableImages(folder: collection.folder.path, skipped: warnings) }
    guard kept.count >= 2 else {
        throw ReconstructionError.noInitialPair(images: 1, reason: "only \(photos[kept[0]].name) is usable; at least two overlapping photos are needed")
    }
    let names = kept.map { photos[$0].name }
    let features = kept.map { extracted[$0]!.features }
    let colors = kept.map { extracted[$0]!.colors }
    let exifFocals = kept.map { extracted[$0]!.exifFocal }
    lap("features")

    // 2. Cameras: known intrinsics shared per image size, or one guessed camera per photo.
    var cameras: [CameraIntrinsics] = [], imageCamera: [Int] = []
    if let prior = options.intrinsics {
        var bySize: [String: Int] = [:]
        for f in features {
            let key = "\(f.imageWidth)x\(f.imageHeight)"
            if bySize[key] == nil { bySize[key] = cameras.count; cameras.append(prior.intrinsics(width: f.imageWidth, height: f.imageHeight)) }
            imageCamera.append(bySize[key]!)
        }
    } else {
        for (f, exif) in zip(features, exifFocals) {
            // EXIF's 35 mm-equivalent focal when present, else 1.2 × the longer side.
            let focal = exif ?? 1.2 * Double(max(f.imageWidth, f.imageHeight))
            imageCamera.append(cameras.count)
            cameras.append(CameraIntrinsics(width: f.imageWidth, height: f.imageHeight, fx: focal, fy: focal,
                                            cx: Double(f.imageWidth) / 2 - 0.5, cy: Double(f.imageHeight) / 2 - 0.5))
        }
    }
    let pixelScale = features.map { f -> Double in
        let long = Double(max(f.imageWidth, f.imageHeight))
        return options.features.maxImageSize > 0 ? max(1, long / Double(options.features.maxImageSize)) : 1
    }

    // 3. Pairs, matching and geometric verification.
    let pairs = try selectPairs(features, exhaustiveLimit: options.exhaustiveLimit, shortlist: options.shortlistSize)
    let matchBar = BarSink(showBars ? ProgressBar("matching", total: pairs.count, logger: logger) : nil)
    let verified = try matchAndVerify(features, pairs: pairs, pixelScale: pixelScale, options: options, progress: matchBar)
    matchBar.bar?.finish()
    lap("matching")
    guard !verified.isEmpty else {
        throw ReconstructionError.noInitialPair(images: features.count, reason: "no two photos share enough verified matches")
    }

    // 4. Tracks and incremental mapping.
    let tracks = buildTracks(imageFeatureCounts: features.map(\.count), pairs: verified)
    logger.debug("features \(features.map(\.count)); pairs \(verified.map { "\($0.i)-\($0.j):\($0.matches.count)" }); tracks \(tracks.count)")
    // Up to three starts: when a model leaves photos out, another initial pair may do better.
    var best: IncrementalMapper?
    var tried = Set<Int>()
    let registerBar = showBars ? ProgressBar("registering", total: features.count, logger: logger) : nil
    for _ in 0..<3 {
        var mapper = IncrementalMapper(features: features, cameras: cameras, imageCamera: imageCamera, pixelScale: pixelScale,
                                       tracks: tracks, options: options, refineIntrinsics: options.intrinsics == nil)
        mapper.refineDistortion = !(options.intrinsics?.distortionKnown ?? false)
        guard let start = mapper.initialize(pairs: verified, excluding: tried) else { break }
        tried.insert(start.i * features.count + start.j)
        registerBar?.update(2)
        mapper.run { registerBar?.advance() }
        let plausible = mapper.focalLengthsPlausible(initial: cameras)
        logger.debug("start \(start): registered \(mapper.registeredCount), points \(mapper.pointCount), plausible focal lengths \(plausible)")
        if plausible == false { warn("the model started from photos \(names[start.i]) and \(names[start.j]) settled on an implausible focal length; trying another start") }
        // A model with plausible focal lengths beats one without; then more photos win.
        if let b = best {
            let mine = (plausible ? 1 : 0, mapper.registeredCount), theirs = (b.focalLengthsPlausible(initial: cameras) ? 1 : 0, b.registeredCount)
            if mine > theirs { best = mapper }
        } else {
            best = mapper
        }
        if plausible, mapper.registeredCount == features.count || mapper.registeredCount * 4 >= features.count * 3 { break }
    }
    registerBar?.finish()
    guard let mapper = best, mapper.registeredCount >= 2, mapper.pointCount > 0 else {
        throw ReconstructionError.noInitialPair(images: features.count,
                                                reason: "no photo pair has enough well-triangulated matches with parallax")
    }
    lap("mapping")

    // 5. The feature map.
    var map = buildMap(mapper, names: names, colors: colors, name: name, options: options)
    lap("output")
    if orbOptions != nil {
        var orb: [Int64: FeatureSet] = [:], orbColors: [Int64: [SIMD3<UInt8>]] = [:], scales: [Int64: Double] = [:]
        for (i, k) in kept.enumerated() {
            guard let e = extracted[k], let f = e.orb else { continue }
            orb[Int64(i + 1)] = f; orbColors[Int64(i + 1)] = e.orbColors; scales[Int64(i + 1)] = pixelScale[i]
        }
        let urls = Dictionary(uniqueKeysWithValues: kept.enumerated().map { (Int64($0.offset + 1), photos[$0.element].url) })
        map.orbPoints = try buildORBLayer(map: map, features: orb, colors: orbColors, pixelScale: scales, options: options.orbLayer) { id in
            // Decoded again, one keyframe at a time, rather than every photo kept in memory.
            guard let url = urls[id], let data = try? Data(contentsOf: url) else { return nil }
            return try? Image8(decoding: data, channels: 1, name: url.lastPathComponent)
        }
        lap("orb layer")
    }
    var stats = mapStats(map, mapper: mapper, imageCount: photos.count, verifiedPairs: verified.count)
    stats.unregistered = photos.indices.filter { !kept.contains($0) }.map { photos[$0].name }
        + kept.indices.filter { mapper.poses[$0] == nil }.map { names[$0] }
    stats.stageSeconds = stages
    return ReconstructionResult(map: map, stats: stats, warnings: warnings)
}

private func buildMap(_ m: IncrementalMapper, names: [String], colors: [[SIMD3<UInt8>]], name: String,
                      options: ReconstructionOptions) -> FeatureMap {
    let kind = options.features.kind
    var metadata = MapMetadata(name: name, featureKind: kind, isMetric: false, alignment: nil,
                               createdAt: Date().timeIntervalSince1970,
                               generator: "landmark register (\(kind.rawValue), max \(options.features.maxFeatures) features, ≤\(options.features.maxImageSize) px, seed \(options.seed))")
    metadata.alignment = nil
    let usedCameras = Set(m.imageCamera.indices.filter { m.poses[$0] != nil }.map { m.imageCamera[$0] })
    let cameras = m.cameras.indices.filter { usedCameras.contains($0) }.map { MapCamera(id: Int64($0 + 1), intrinsics: m.cameras[$0]) }
    var keyframes: [Keyframe] = []
    for i in m.poses.indices { if let p = m.poses[i] { keyframes.append(Keyframe(id: Int64(i + 1), name: names[i], cameraID: Int64(m.imageCamera[i] + 1), cameraFromLandmark: p)) } }
    var points: [MapPoint] = []
    for t in m.tracks.indices {
        guard let X = m.points[t] else { continue }
        var obs: [Observation] = []
        var sum = SIMD3<Double>.zero, err = 0.0
        for (e, el) in m.tracks[t].enumerated() where m.valid[t][e] {
            let img = Int(el.image), k = Int(el.keypoint)
            let kp = m.features[img].keypoints[k]
            obs.append(Observation(keyframeID: Int64(img + 1), keypointIndex: el.keypoint, pixel: kp.pixel,
                                   size: kp.size, angle: kp.angle, descriptor: m.features[img].descriptor(k)))
            let c = colors[img][k]
            sum += SIMD3(Double(c.x), Double(c.y), Double(c.z))
            err += m.reprojectionError(X, el) ?? 0
        }
        guard obs.count >= 2 else { continue }
        let mean = sum / Double(obs.count)
        points.append(MapPoint(id: Int64(points.count + 1), position: X,
                               color: SIMD3(UInt8(mean.x.rounded()), UInt8(mean.y.rounded()), UInt8(mean.z.rounded())),
                               reprojectionError: err / Double(obs.count), observations: obs))
    }
    return FeatureMap(metadata: metadata, cameras: cameras, keyframes: keyframes, points: points)
}

private func mapStats(_ map: FeatureMap, mapper: IncrementalMapper, imageCount: Int, verifiedPairs: Int) -> ReconstructionStats {
    let nObs = map.observationCount
    let errSum = map.points.reduce(0.0) { $0 + $1.reprojectionError * Double($1.observations.count) }
    return ReconstructionStats(imageCount: imageCount, registeredCount: map.keyframes.count, pointCount: map.points.count,
                               observationCount: nObs, meanReprojectionError: nObs > 0 ? errSum / Double(nObs) : 0,
                               meanTrackLength: map.points.isEmpty ? 0 : Double(nObs) / Double(map.points.count),
                               unregistered: [], stageSeconds: [], verifiedPairs: verifiedPairs)
}
