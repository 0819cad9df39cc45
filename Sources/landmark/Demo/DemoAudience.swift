import Anchoring
import Foundation
import Geometry
import LandmarkMap
import Rendering
import Imaging
import Synthetic

/// The demo's audience: query frames from where people would stand to watch the performer.
///
/// The synthetic landmark's own queries look at random parts of the building, mostly from
/// the street, where the 1 m parapet hides a performer standing on the roof; only a few see
/// it. The audience views look at the anchor instead: from 6–16 m away (a neighbouring roof, a
/// drone, a window across the street: where the performer is large enough to judge), from
/// street level up to 30 m, with the anchor anywhere in the middle of the frame
/// and the queries' other lighting, exposure, blur and noise. A candidate is kept only when
/// the ground-truth preview shows at least half of the character, whole inside the frame
/// (what a viewer checking the performer would frame).
enum DemoAudience {
    /// Up to `count` views (fewer if `maxCandidates` run out), named "audience/NNNN.png".
    static func views(count: Int, landmark: SyntheticLandmark, anchor: Anchor, character: Scene,
                      occluder: PreviewOccluder?, seed: UInt64, maxCandidates: Int = 300) throws -> [SyntheticView] {
        var rng = SplitMix64(seed: seed ^ 0xA0D1_E2CE)
        let k = landmark.intrinsics
        let blank = Image8(width: k.width, height: k.height, channels: 3)
        let chest = anchor.position + anchor.up * 0.9
        var views: [SyntheticView] = []
        for _ in 0..<maxCandidates where views.count < count {
            let azimuth = Double.random(in: 0..<(2 * .pi), using: &rng)
            let distance = Double.random(in: 6...16, using: &rng)
            let height = Double.random(in: 1.5...30, using: &rng)
            let eye = Vec3(chest.x + distance * sin(azimuth), height, chest.z + distance * cos(azimuth))
            // Aim near the performer, not always at it: it may sit anywhere in the middle of the frame.
            let target = chest + Vec3(Double.random(in: -3...3, using: &rng), Double.random(in: -2...2, using: &rng),
                                      Double.random(in: -3...3, using: &rng))
            let view = SyntheticLandmark.queryView(name: String(format: "audience/%04d.png", views.count), intrinsics: k,
                                                   eye: eye, target: target, rng: &rng)
            guard !landmark.isInsideModel(eye, margin: 1) else { continue }
            let truth = try PreviewRenderer.render(frame: blank, intrinsics: k, cameraFromLandmark: view.cameraFromWorld,
                                                   landmarkFromAnchor: anchor.landmarkFromAnchor, character: character,
                                                   occluder: occluder)
            guard truth.silhouettePixels > 0, truth.visiblePixels * 2 >= truth.silhouettePixels,
                  insideFrame(truth.silhouetteMask, margin: 8) else { continue }
            views.append(view)
        }
        return views
    }

    /// Whether every set pixel of `mask` lies at least `margin` pixels from the border.
    static func insideFrame(_ mask: Image8, margin: Int) -> Bool {
        let w = mask.width, h = mask.height
        func set(_ x: Int, _ y: Int) -> Bool { mask.pixels[(y * w + x) * mask.channels] != 0 }
        for y in 0..<h {
            let edgeRow = y < margin || y >= h - margin
            // Whole rows along the top and bottom, only the side margins elsewhere.
            let columns = edgeRow ? [0..<w] : [0..<min(margin, w), max(0, w - margin)..<w]
            for range in columns where range.contains(where: { set($0, y) }) { return false }
        }
        return true
    }
}
