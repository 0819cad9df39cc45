import Anchoring
import ArgumentParser
import AssetPipeline
import Foundation
import Geometry
import LandmarkMap
import Localization
import Motion
import Reconstruction
import Rendering
import Imaging
import GLTF
import Synthetic

extension Landmark {
    /// `landmark demo`: the whole chain on the built-in synthetic landmark, with ground truth.
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the whole chain on the built-in landmark: synth → register → localize → anchor → retarget → preview.",
            discussion: """
            Synthesizes the built-in landmark (seed 7, cached in --dir), registers it with its \
            camera priors (metres, Y up), localizes its query views, places an anchor on the roof \
            from a pixel, retargets the project's walk clip onto its humanoid with the feet on the \
            anchor's surface, and renders previews over query frames. Every step is scored against \
            the ground truth; the report goes to stdout (JSON with --json) and the files to --dir.
            """)

        @Option(help: "Working folder for the synthetic landmark, the map and the previews.")
        var dir: String = ".demo"
        @Option(help: "Capture views (at least 40 for the full demo).") var views: Int = 40
        @Option(help: "Query views.") var queries: Int = 20
        @Option(help: "Audience views: frames looking at the performer, rendered, localized and scored.") var audience: Int = 12
        @OptionGroup var global: GlobalOptions
        /// `--seed`: the synthetic landmark's; 7 is the built-in one.
        var seed: UInt64 { global.seed(default: 7) }
        var json: Bool { global.json }

        func validate() throws {
            guard views >= 8, queries >= 1, audience >= 0 else { throw ValidationError("--views must be ≥ 8, --queries ≥ 1 and --audience ≥ 0.") }
        }

        func run() async throws {
            let root = URL(fileURLWithPath: dir)
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            func say(_ s: String) { if !json { print(s) } }
            let start = Date()

            // 1. The synthetic landmark (cached per seed and size).
            let synthDir = root.appendingPathComponent("synth-\(seed)-\(views)-\(queries)")
            let gtURL = synthDir.appendingPathComponent("ground_truth.json")
            var clock = Date()
            // The model and cameras (rebuilt from the seed when the images are cached): the audience views render it.
            var landmark: SyntheticLandmark?
            if !FileManager.default.fileExists(atPath: gtURL.path) {
                let made = try SyntheticLandmark.make(seed: seed, options: SyntheticOptions(viewCount: views, queryCount: queries))
                try made.write(to: synthDir, overwrite: true)
                landmark = made
            }
            let truth = try GroundTruthFile.read(from: gtURL)
            say(String(format: "1. synthetic landmark: %d views + %d queries in %@ (%.1f s)", truth.images.count, truth.queries.count,
                       synthDir.path, Date().timeIntervalSince(clock)))

            // 2. Registration, aligned to metres by the camera priors.
            clock = Date()
            let mapURL = root.appendingPathComponent("gate.landmark")
            var options = ReconstructionOptions()
            options.seed = seed
            // COLMAP's SIFT threshold (its peak threshold 0.0067 per scale ≈ OpenCV's 0.02): 1.7× the
            // points and a map 2.4× closer to the priors (RMS 0.86 cm vs 2.09 cm on seed 7), for
            // about twice the matching time.
            options.features.siftContrastThreshold = 0.02
            options.intrinsics = try IntrinsicsPrior.load(from: synthDir.appendingPathComponent("intrinsics.json"))
            options.intrinsics?.distortionKnown = true   // the synthetic camera is a pinhole (older caches do not say so)
            options.showProgress = !json
            var result = try reconstruct(try PhotoCollection.scan(synthDir.appendingPathComponent("images")), options: options, name: "gate")
            let frame = try alignToPriors(&result.map, priors: try CameraPriors.load(from: gtURL), seed: seed)
            try LandmarkStore.write(result.map, to: mapURL)
            let gtCameras = try GroundTruth.load(from: gtURL)
            let errors = evaluatePoses(result.map, groundTruth: gtCameras, seed: seed)
            let s = result.stats
            let registration = DemoReport.Registration(
                registered: s.registeredCount, images: s.imageCount, points: s.pointCount,
                meanReprojectionErrorPx: JSONNumber(s.meanReprojectionError), seconds: Date().timeIntervalSince(clock),
                medianCenterErrorM: JSONNumber(errors?.medianCenterError ?? -1),
                medianRotationErrorDeg: JSONNumber(errors?.medianRotationErrorDegrees ?? -1), frame: frame)
            say(String(format: "2. registered %d/%d views, %d points, reprojection %.3f px; vs ground truth: centre %.4f m, rotation %.4f° (median) in %.1f s",
                       s.registeredCount, s.imageCount, s.pointCount, s.meanReprojectionError,
                       errors?.medianCenterError ?? .nan, errors?.medianRotationErrorDegrees ?? .nan, Date().timeIntervalSince(clock)))

            // 3. Localize every query against the stored map.
            clock = Date()
            var map = try LandmarkStore.read(from: mapURL)
            let localizer = try Localizer(map: map)
            var localized: [(view: GroundTruthFile.View, pose: Rigid3)] = []
            var centreErrors: [Double] = [], rotationErrors: [Double] = [], within = 0, wrong = 0
            for q in truth.queries {
                let data = try Data(contentsOf: synthDir.appendingPathComponent(q.name))
                let r = try localizer.localize(LocalizationQuery(imageData: data, name: q.name,
                                                                 intrinsics: QueryIntrinsics(fx: q.fx, fy: q.fy, cx: q.cx, cy: q.cy)))
                guard let pose = r.cameraFromLandmark else { continue }
                let error = QueryPoseError(cameraFromLandmark: pose, truth: q.cameraFromWorld.rigid)
                centreErrors.append(error.centreMetres); rotationErrors.append(error.rotationDegrees)
                if error.isAccurate { within += 1 }
                if error.isWrong { wrong += 1 }
                localized.append((q, pose))
            }
            let medianCentre = median(centreErrors), medianRotation = median(rotationErrors)
            let localization = DemoReport.Localization(
                queries: truth.queries.count, localized: localized.count, within5cm05deg: within, wrongReportedLocalized: wrong,
                medianCenterErrorM: JSONNumber(medianCentre), medianRotationErrorDeg: JSONNumber(medianRotation),
                seconds: Date().timeIntervalSince(clock))
            say(String(format: "3. localized %d/%d queries; %d within 5 cm and 0.5°; median %.4f m, %.4f°; %d wrong poses reported",
                       localized.count, truth.queries.count, within, medianCentre, medianRotation, wrong))

            // 4. An anchor on the roof: the open roof spot with the most reconstructed points around it
            //    (nothing standing on it), clicked in the capture view that looks most directly down at it.
            let roofPoint = truth.roof.pointVector, roofNormal = normalize(truth.roof.normalVector)
            let roofSpot = try Self.openRoofSpot(map: map, roofPoint: roofPoint, roofNormal: roofNormal)
            let roofViews = map.keyframes.compactMap { kf -> (Keyframe, Vec2, Double)? in
                guard let k = map.camera(id: kf.cameraID)?.intrinsics, let px = k.project(kf.cameraFromLandmark * roofSpot),
                      px.x > 50, px.y > 50, px.x < Double(k.width - 50), px.y < Double(k.height - 50) else { return nil }
                let down = dot(normalize(roofSpot - kf.center), -roofNormal)   // 1 looking straight down
                return (kf, px, down)
            }.sorted { $0.2 > $1.2 }
            guard let (anchorView, anchorPixel, _) = roofViews.first else { throw CLIError("no registered view sees the roof") }
            let placement = try AnchorPlacer.place(in: map, imageName: anchorView.name, pixel: anchorPixel)
            let anchor = placement.anchor(named: "roof")
            if map.anchors.contains(where: { $0.name == "roof" }) { try LandmarkStore.removeAnchor(named: "roof", from: mapURL) }
            try LandmarkStore.addAnchor(anchor, to: mapURL)
            map.anchors = [anchor]
            let planeError = abs(dot(anchor.position - roofPoint, roofNormal))
            let upError = acos(min(1, dot(anchor.up, roofNormal))) * 180 / .pi
            let anchorReport = DemoReport.Anchor(
                image: anchorView.name, pixel: [anchorPixel.x, anchorPixel.y], position: [anchor.position.x, anchor.position.y, anchor.position.z],
                roofPlaneErrorM: JSONNumber(planeError), upErrorDeg: JSONNumber(upError), supportPoints: placement.supportPoints)
            say(String(format: "4. anchor 'roof' from %@ pixel (%.0f, %.0f): %.4f m from the true roof plane, up off by %.3f°",
                       anchorView.name, anchorPixel.x, anchorPixel.y, planeError, upError))

            // 5. Retarget the project's walk onto its humanoid, feet on the anchor's surface (y = 0 in the anchor frame).
            clock = Date()
            let characterURL = root.appendingPathComponent("humanoid.glb"), clipURL = root.appendingPathComponent("walk.bvh")
            let animatedURL = root.appendingPathComponent("humanoid_walk.glb")
            try ProceduralHumanoid.writeCharacter(to: characterURL.path)
            try BVHWriter.write(ProceduralHumanoid.walkClip(), to: clipURL.path)
            var retargetOptions = RetargetOptions()
            retargetOptions.ground = 0
            _ = try RetargetJob.run(bvhPath: clipURL.path, characterPath: characterURL.path, outPath: animatedURL.path, options: retargetOptions)
            let motion = try MotionReport.measure(path: animatedURL.path)
            let retarget = DemoReport.Retarget(
                output: animatedURL.path, footSkatingMmPerFrame: JSONNumber(motion.skateMmPerFrame),
                floatingMmInContact: JSONNumber(motion.floatingMmInContact), maxPenetrationMm: JSONNumber(motion.penetrationMaxMm),
                seconds: Date().timeIntervalSince(clock))
            say(String(format: "5. retargeted the walk onto the humanoid: foot skating %.2f mm/frame, deepest penetration %.2f mm → %@",
                       motion.skateMmPerFrame, motion.penetrationMaxMm, animatedURL.path))

            // 6. Previews over localized queries that see the anchor, scored against the ground-truth pose.
            let poser = try CharacterPoser(asset: try GLTFAsset(contentsOf: animatedURL), name: "humanoid_walk.glb")
            let occluder = try PreviewSupport.occluder(map: map, meshPath: synthDir.appendingPathComponent("model.obj").path)
            let scene = try poser.scene(animation: 0, time: 0.5)
            // Every localized view whose frame holds the anchor is scored against the same preview
            // from the ground-truth pose. Where the character is visible (at least half of it in
            // the ground-truth preview), what the viewer sees is compared: the visible silhouettes'
            // IoU and centroids. Where the building hides it, occlusion must agree. The
            // unoccluded silhouettes' IoU over every view is reported too.
            func score(_ name: String, frame image: Image8, intrinsics k: CameraIntrinsics, estimate pose: Rigid3,
                       truth: Rigid3) throws -> DemoPreviewScore? {
                guard let px = k.project(pose * anchor.position), px.x > 40, px.y > 40,
                      px.x < Double(k.width - 40), px.y < Double(k.height - 40) else { return nil }
                let estimated = try PreviewRenderer.render(frame: image, intrinsics: k, cameraFromLandmark: pose,
                                                           landmarkFromAnchor: anchor.landmarkFromAnchor, character: scene, occluder: occluder)
                let truthRender = try PreviewRenderer.render(frame: image, intrinsics: k, cameraFromLandmark: truth,
                                                             landmarkFromAnchor: anchor.landmarkFromAnchor, character: scene, occluder: occluder)
                guard estimated.silhouettePixels > 50 else { return nil }
                return DemoPreviewScore(name: name, estimated: estimated, truth: truthRender,
                                        centreError: distance(pose.centerOfTargetInSource, truth.centerOfTargetInSource))
            }
            var scored: [DemoPreviewScore] = []
            for (view, pose) in localized {
                let image = try Image8(contentsOf: synthDir.appendingPathComponent(view.name))
                if let s = try score("query_" + (view.name as NSString).lastPathComponent, frame: image, intrinsics: view.intrinsics,
                                     estimate: pose, truth: view.cameraFromWorldRigid) { scored.append(s) }
            }

            // 6b. The audience: frames from where viewers would watch the performer (DemoAudience),
            //     rendered, localized like any query and scored the same way.
            clock = Date()
            let synthetic = try landmark ?? SyntheticLandmark.make(seed: seed, options: SyntheticOptions(viewCount: views, queryCount: queries))
            let audienceViews = try DemoAudience.views(count: audience, landmark: synthetic, anchor: anchor, character: scene,
                                                       occluder: occluder, seed: seed)
            let audienceDir = root.appendingPathComponent("audience")
            try? FileManager.default.removeItem(at: audienceDir)
            try FileManager.default.createDirectory(at: audienceDir, withIntermediateDirectories: true)
            var audienceScored: [DemoPreviewScore] = [], audienceLocalized = 0
            for view in audienceViews {
                let image = try synthetic.render(view: view)
                try image.write(to: root.appendingPathComponent(view.name))
                let k = view.intrinsics
                let r = try localizer.localize(gray: image, intrinsics: QueryIntrinsics(fx: k.fx, fy: k.fy, cx: k.cx, cy: k.cy))
                guard let pose = r.cameraFromLandmark else { continue }
                audienceLocalized += 1
                if let s = try score("audience_" + (view.name as NSString).lastPathComponent, frame: image, intrinsics: k, estimate: pose,
                                     truth: view.cameraFromWorld) { audienceScored.append(s) }
            }
            try GroundTruthFile(images: [], queries: audienceViews.map { GroundTruthFile.View(name: $0.name, intrinsics: $0.intrinsics,
                                                                                              cameraFromWorld: $0.cameraFromWorld) },
                                roof: truth.roof, mesh: nil, seed: seed)
                .write(to: audienceDir.appendingPathComponent("ground_truth.json"))

            // The previews written: the three audience views with the character largest, the
            // query view with it most visible, and one where the building hides it.
            var chosen = Array(audienceScored.sorted { $0.truth.silhouettePixels > $1.truth.silhouettePixels }.prefix(3))
            if let best = scored.max(by: { $0.visibleFraction < $1.visibleFraction }), best.visible { chosen.append(best) }
            if let hidden = scored.last(where: { !$0.visible && $0.visibleFraction < 0.5 }) { chosen.append(hidden) }
            var previews: [DemoReport.Preview] = []
            for old in (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
            where old.hasPrefix("preview_") && old.hasSuffix(".png") {
                try? FileManager.default.removeItem(at: root.appendingPathComponent(old))
            }
            for c in chosen {
                let out = root.appendingPathComponent("preview_\(c.name)")
                try c.estimated.image.write(to: out)
                previews.append(DemoReport.Preview(file: out.path, silhouetteIoU: JSONNumber(c.visible ? c.visibleIoU : c.silhouetteIoU),
                                                   centroidOffsetPx: JSONNumber(c.offset), visibleFraction: JSONNumber(c.visibleFraction)))
                say(String(format: "6. preview %@: %.0f%% of the character visible; %@ IoU %.3f, centroid offset %.2f px against the ground-truth pose",
                           out.path, 100 * c.visibleFraction, c.visible ? "visible silhouette" : "hidden silhouette",
                           c.visible ? c.visibleIoU : c.silhouetteIoU, c.offset))
            }
            let visible = scored.filter(\.visible), hidden = scored.filter { !$0.visible }
            let occlusionAgrees = hidden.filter { $0.visibleFraction < 0.5 }.count
            let audienceVisible = audienceScored.filter(\.visible)
            let allVisible = visible + audienceVisible
            let previewScores = DemoReport.PreviewScores(
                queries: scored.count, visibleViews: visible.count, hiddenViews: hidden.count,
                visibleMedianIoU: JSONNumber(median(visible.map(\.visibleIoU))),
                visibleMinIoU: JSONNumber(visible.map(\.visibleIoU).min() ?? .nan),
                visibleMaxCentroidOffsetPx: JSONNumber(visible.map(\.offset).max() ?? .nan),
                hiddenViewsHiddenInEstimate: occlusionAgrees,
                allViewsUnoccludedMedianIoU: JSONNumber(median(scored.map(\.silhouetteIoU))),
                allViewsUnoccludedMinIoU: JSONNumber(scored.map(\.silhouetteIoU).min() ?? .nan),
                allViewsMaxCentroidOffsetPx: JSONNumber(scored.map(\.offset).max() ?? .nan),
                views: scored.map(\.report))
            let audienceReport = DemoReport.Audience(
                views: audienceViews.count, localized: audienceLocalized, scored: audienceScored.count, visibleViews: audienceVisible.count,
                visibleMedianIoU: JSONNumber(median(audienceVisible.map(\.visibleIoU))),
                visibleMinIoU: JSONNumber(audienceVisible.map(\.visibleIoU).min() ?? .nan),
                maxCentroidOffsetPx: JSONNumber(audienceVisible.map(\.offset).max() ?? .nan),
                medianSilhouettePixels: JSONNumber(median(audienceVisible.map { Double($0.truth.silhouettePixels) })),
                folder: audienceDir.path, seconds: Date().timeIntervalSince(clock), viewsScored: audienceScored.map(\.report))
            let visibleViews = DemoReport.VisibleViews(
                count: allVisible.count, medianIoU: JSONNumber(median(allVisible.map(\.visibleIoU))),
                minIoU: JSONNumber(allVisible.map(\.visibleIoU).min() ?? .nan),
                maxCentroidOffsetPx: JSONNumber(allVisible.map(\.offset).max() ?? .nan))
            let visibleSummary = visible.isEmpty ? "the character shows in none of them"
                : String(format: "in the %d where the character is visible: visible-silhouette IoU median %.3f (min %.3f), centroid offset ≤ %.2f px",
                         visible.count, median(visible.map(\.visibleIoU)), visible.map(\.visibleIoU).min() ?? .nan, visible.map(\.offset).max() ?? .nan)
            say(String(format: "   %d query views hold the anchor; %@; in the %d where the building hides it: hidden in %d previews too",
                       scored.count, visibleSummary, hidden.count, occlusionAgrees))
            say(String(format: "   (unoccluded silhouettes over all %d views: IoU median %.3f, min %.3f)",
                       scored.count, median(scored.map(\.silhouetteIoU)), scored.map(\.silhouetteIoU).min() ?? .nan))
            say(String(format: "   audience: %d views looking at the performer, %d localized; where it shows (%d): visible-silhouette IoU median %.3f (min %.3f), centroid offset ≤ %.2f px, silhouette %.0f px (median)",
                       audienceViews.count, audienceLocalized, audienceVisible.count, median(audienceVisible.map(\.visibleIoU)),
                       audienceVisible.map(\.visibleIoU).min() ?? .nan, audienceVisible.map(\.offset).max() ?? .nan,
                       median(audienceVisible.map { Double($0.truth.silhouettePixels) })))
            let report = DemoReport(seed: seed, registration: registration, localization: localization, anchor: anchorReport,
                                    retarget: retarget, previewScores: previewScores, audience: audienceReport,
                                    visibleViews: visibleViews, previews: previews, seconds: Date().timeIntervalSince(start))
            if json { print(String(decoding: try JSONEncoder.landmark.encode(report), as: UTF8.self)) }
            else { say(String(format: "done in %.1f s; files in %@", Date().timeIntervalSince(start), root.path)) }
        }
    }

}

extension Landmark.Demo {
    /// A spot on the roof plane with the most map points within 1.5 m and none standing
    /// more than 15 cm above the roof within 2 m (no stair house, parapet or billboard).
    static func openRoofSpot(map: FeatureMap, roofPoint: Vec3, roofNormal: Vec3) throws -> Vec3 {
        let heights = map.points.map { dot($0.position - roofPoint, roofNormal) }
        let roof = map.points.indices.filter { abs(heights[$0]) < 0.05 }.map { map.points[$0].position }
        let above = map.points.indices.filter { heights[$0] > 0.15 }.map { map.points[$0].position }
        func flat(_ v: Vec3) -> Double { length(v - roofNormal * dot(v, roofNormal)) }
        var best: (Vec3, Int)?
        for (i, c) in roof.enumerated() where i % 4 == 0 {
            guard !above.contains(where: { flat($0 - c) < 2 }) else { continue }
            let support = roof.reduce(0) { $0 + (flat($1 - c) < 1.5 ? 1 : 0) }
            if support > (best?.1 ?? 0) { best = (c, support) }
        }
        guard let spot = best?.0 else { throw CLIError("the map has no open roof area to anchor on") }
        return spot
    }
}
