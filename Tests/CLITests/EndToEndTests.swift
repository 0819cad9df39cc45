import Foundation
import Testing
import Synthetic

/// The `landmark` executable end to end on a small synthetic landmark (issues 2 and 7):
/// register → info → export/import, localize, anchors, preview. Answers are checked against
/// the synthetic ground truth.
@Suite(.serialized) struct EndToEndTests {
    @Test func registerInfoExportImport() async throws {
        let fx = try await SyntheticFixture.get()
        #expect(FileManager.default.fileExists(atPath: fx.map.path))
        let info = try CLI.jsonObject(try CLI.ok(["info", fx.map.path, "--json"]).stdout)
        #expect(info["keyframes"] as? Int == SyntheticFixture.views, "every view registered: \(info)")
        #expect(info["metric"] as? Bool == true)
        #expect(info["units"] as? String == "m")
        #expect((info["points"] as? Int ?? 0) > 100)
        try CLI.ok(["info", fx.map.path, "--check"])

        let out = try CLI.scratch("export")
        let model = out.appendingPathComponent("model")
        try CLI.ok(["export", fx.map.path, "--format", "colmap", "--out", model.path])
        for file in ["cameras.txt", "images.txt", "points3D.txt"] {
            #expect(FileManager.default.fileExists(atPath: model.appendingPathComponent(file).path), "\(file) written")
        }
        let imagesTxt = try String(contentsOf: model.appendingPathComponent("images.txt"), encoding: .utf8)
        let imageLines = imagesTxt.split(separator: "\n").filter { !$0.hasPrefix("#") }
        // COLMAP writes two lines per image (pose line, then its 2D points; the latter may be empty).
        #expect(imagesTxt.split(separator: "\n", omittingEmptySubsequences: false).filter { $0.hasSuffix(".png") }.count
                == SyntheticFixture.views, "\(imageLines.count) non-comment lines")

        let ply = out.appendingPathComponent("points.ply")
        try CLI.ok(["export", fx.map.path, "--format", "ply", "--out", ply.path])
        let plyData = try Data(contentsOf: ply)
        let header = String(decoding: plyData.prefix(400), as: UTF8.self)
        #expect(header.hasPrefix("ply\n"))
        #expect(header.contains("element vertex \(info["points"] as? Int ?? -1)"), "\(header)")

        let back = out.appendingPathComponent("back.landmark")
        try CLI.ok(["import", "colmap", model.path, "--images", fx.synth.appendingPathComponent("images").path, "--out", back.path])
        let backInfo = try CLI.jsonObject(try CLI.ok(["info", back.path, "--json"]).stdout)
        #expect(backInfo["keyframes"] as? Int == SyntheticFixture.views)
        #expect(backInfo["points"] as? Int == info["points"] as? Int)
    }

    /// `localize` answers from the map's ORB query layer when it has one; `--sift-only` from SIFT.
    @Test func localizationUsesTheORBLayer() async throws {
        let fx = try await SyntheticFixture.get()
        let info = try CLI.jsonObject(try CLI.ok(["info", fx.map.path, "--json"]).stdout)
        let layer = try #require(info["orbLayerPoints"] as? Int)
        #expect(layer > 1000, "register --orb-layer triangulated \(layer) ORB points")
        let queries = fx.groundTruth.queries
        let paths = queries.map { fx.synth.appendingPathComponent($0.name).path }
        let fast = try CLI.ok(["localize", fx.map.path] + paths + ["--intrinsics", fx.intrinsicsArgument, "--json"])
        let lines = fast.stdout.split(separator: "\n")
        try #require(lines.count == queries.count, "\(fast.summary)")
        var fromORB = 0
        for (line, truth) in zip(lines, queries) {
            let object = try CLI.jsonObject(String(line))
            guard object["status"] as? String == "localized" else { continue }
            if object["features"] as? String == "orb" {
                fromORB += 1
                #expect(object["fallbackReason"] is NSNull, "\(line)")
            } else {
                #expect(object["features"] as? String == "sift" && object["fallbackReason"] is String, "a fallback names its reason: \(line)")
            }
            let inverse = try #require(object["landmarkFromCamera"] as? [String: Any])
            let centre = try #require(CLI.doubles(inverse["translation"]))
            // As the SIFT test below: the bar is statistical, a wrong pose would be metres off.
            let error = PoseMath.distance(centre, PoseMath.centre(truth.cameraFromWorld))
            #expect(error < 0.15, "\(truth.name): camera centre off by \(error) m: \(line)")
        }
        #expect(fromORB >= 2, "the ORB layer answered \(fromORB) of \(queries.count): \(fast.stdout)")
        let plain = try CLI.ok(["localize", fx.map.path, paths[0], "--intrinsics", fx.intrinsicsArgument, "--json", "--sift-only"])
        #expect(try CLI.jsonObject(plain.stdout)["features"] as? String == "sift")
        #expect(try CLI.jsonObject(plain.stdout)["fallbackReason"] is NSNull)
    }

    @Test func localizeQueriesAgainstGroundTruth() async throws {
        let fx = try await SyntheticFixture.get()
        let queries = fx.groundTruth.queries
        let paths = queries.map { fx.synth.appendingPathComponent($0.name).path }
        let result = try CLI.ok(["localize", fx.map.path] + paths + ["--intrinsics", fx.intrinsicsArgument, "--json", "--sift-only"])
        let lines = result.stdout.split(separator: "\n")
        try #require(lines.count == queries.count, "one JSON line per frame: \(result.summary)")
        var localized = 0, within5cm = 0
        for (line, truth) in zip(lines, queries) {
            let object = try CLI.jsonObject(String(line))
            for key in ["image", "status", "cameraFromLandmark", "landmarkFromCamera", "inliers", "timingsMs", "intrinsics"] {
                #expect(object[key] != nil, "key \(key) in \(line)")
            }
            #expect(object["timingsMs"] is [String: Any])
            // At 640×480 a blurred, noisy query can fall short of --min-inliers (answered
            // not_localized, with a reason); every pose that is answered must be right.
            guard object["status"] as? String == "localized" else {
                #expect(object["status"] as? String == "not_localized" && object["reason"] is String, "\(line)")
                continue
            }
            localized += 1
            let pose = try #require(object["cameraFromLandmark"] as? [String: Any])
            let rotation = try #require(CLI.doubles(pose["rotation"]))
            let translation = try #require(CLI.doubles(pose["translation"]))
            try #require(rotation.count == 4 && translation.count == 3)
            #expect(abs(rotation.map { $0 * $0 }.reduce(0, +) - 1) < 1e-6, "unit quaternion")
            let inverse = try #require(object["landmarkFromCamera"] as? [String: Any])
            let centre = try #require(CLI.doubles(inverse["translation"]))
            #expect(PoseMath.distance(PoseMath.centre(rotation: rotation, translation: translation), centre) < 1e-4, "landmarkFromCamera inverts cameraFromLandmark")
            // The bar is statistical (≥ 95 % of queries within 5 cm): query 2 here sees one
            // façade with 50–90 inliers and has landed 2–12 cm off on different maps. A wrong
            // pose would be metres off.
            let error = PoseMath.distance(centre, PoseMath.centre(truth.cameraFromWorld))
            #expect(error < 0.15, "\(truth.name): camera centre off by \(error) m")
            if error < 0.05 { within5cm += 1 }
            let angle = PoseMath.angleDegrees(rotation, truth.cameraFromWorld.rotation)
            #expect(angle < 0.5, "\(truth.name): rotation off by \(angle)°")
            #expect((object["inliers"] as? Int ?? 0) >= 30)
        }
        #expect(localized >= queries.count - 1, "\(localized)/\(queries.count) queries localized: \(result.stdout)")
        #expect(within5cm >= queries.count - 1, "\(within5cm)/\(queries.count) within 5 cm: \(result.stdout)")
    }

    /// A capture view above the roof that sees the roof's point, and that pixel.
    static func roofPixel(_ gt: GroundTruthFile) throws -> (view: GroundTruthFile.View, u: Double, v: Double) {
        let candidates = gt.images.compactMap { view -> (GroundTruthFile.View, Double, Double, Double)? in
            guard let p = PoseMath.project(gt.roof.point, in: view),
                  p.u > 40, p.v > 40, p.u < Double(view.width - 40), p.v < Double(view.height - 40) else { return nil }
            let height = PoseMath.centre(view.cameraFromWorld)[1]
            guard height > gt.roof.point[1] + 1 else { return nil }
            return (view, p.u, p.v, height)
        }
        let best = try #require(candidates.max { $0.3 < $1.3 }, "no capture view looks down on the roof point")
        return (best.0, best.1, best.2)
    }

    /// A pixel whose ray goes up and misses the landmark's box (sky), with its view. The box
    /// bounds model.obj's vertices above the ground, grown by 1 m.
    static func skyPixel(_ gt: GroundTruthFile, model: URL) throws -> (view: GroundTruthFile.View, u: Double, v: Double) {
        var lo = [Double](repeating: .infinity, count: 3), hi = [Double](repeating: -.infinity, count: 3)
        for line in try String(contentsOf: model, encoding: .utf8).split(separator: "\n") where line.hasPrefix("v ") {
            let v = line.split(separator: " ").dropFirst().compactMap { Double($0) }
            guard v.count >= 3, v[1] > 0.05 else { continue }
            for i in 0..<3 { lo[i] = min(lo[i], v[i] - 1); hi[i] = max(hi[i], v[i] + 1) }
        }
        func missesBox(_ c: [Double], _ d: [Double]) -> Bool {
            var t0 = 0.0, t1 = Double.infinity
            for i in 0..<3 {
                if abs(d[i]) < 1e-12 {
                    if c[i] < lo[i] || c[i] > hi[i] { return true }
                    continue
                }
                let a = (lo[i] - c[i]) / d[i], b = (hi[i] - c[i]) / d[i]
                t0 = max(t0, min(a, b)); t1 = min(t1, max(a, b))
            }
            return t0 > t1
        }
        for view in gt.images {
            let c = PoseMath.centre(view.cameraFromWorld)
            for step in 0...8 {
                let u = 2 + Double(step) * Double(view.width - 5) / 8, v = 2.0
                let d = PoseMath.ray(u: u, v: v, in: view)
                if d[1] > 0.05, missesBox(c, d) { return (view, u, v) }
            }
        }
        throw CLIFixtureError("no capture pixel whose ray misses the landmark")
    }

    @Test func anchorsAddListRefusePreviewRemove() async throws {
        let fx = try await SyntheticFixture.get()
        let dir = try CLI.scratch("anchor")
        let map = dir.appendingPathComponent("a.landmark")
        try FileManager.default.copyItem(at: fx.map, to: map)

        let roof = try Self.roofPixel(fx.groundTruth)
        let added = try CLI.ok(["anchor", "add", map.path, "--name", "roof", "--pixel", roof.view.name,
                                String(format: "%.1f", roof.u), String(format: "%.1f", roof.v), "--json"])
        let anchor = try CLI.jsonObject(added.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        let pose = try #require(anchor["landmarkFromAnchor"] as? [String: Any])
        let position = try #require(CLI.doubles(pose["translation"]))
        let normal = try #require(CLI.doubles(anchor["surfaceNormal"]))
        // On the roof plane (y = roof height, normal up) within 2 cm and 1° (issue 7's bar).
        let offset = (0..<3).map { (position[$0] - fx.groundTruth.roof.point[$0]) * fx.groundTruth.roof.normal[$0] }.reduce(0, +)
        #expect(abs(offset) < 0.02, "anchor \(position) is \(offset) m off the roof plane")
        let up = (0..<3).map { normal[$0] * fx.groundTruth.roof.normal[$0] }.reduce(0, +)
        #expect(acos(min(1, up)) * 180 / .pi < 1, "anchor normal \(normal)")

        let listed = try CLI.ok(["anchor", "list", map.path, "--json"])
        let array = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(array.count == 1 && array.first?["name"] as? String == "roof")

        // Refusals leave the map's bytes as they were.
        let before = try Data(contentsOf: map)
        let duplicate = try CLI.run(["anchor", "add", map.path, "--name", "roof", "--pixel", roof.view.name,
                                     String(format: "%.1f", roof.u), String(format: "%.1f", roof.v)])
        #expect(duplicate.status != 0, "\(duplicate.summary)")
        #expect(duplicate.stderr.contains("roof"), "\(duplicate.summary)")
        let sky = try Self.skyPixel(fx.groundTruth, model: fx.synth.appendingPathComponent("model.obj"))
        let skyRun = try CLI.run(["anchor", "add", map.path, "--name", "sky", "--pixel", sky.view.name,
                                  String(format: "%.1f", sky.u), String(format: "%.1f", sky.v)])
        #expect(skyRun.status != 0, "a pixel whose ray hits nothing: \(skyRun.summary)")
        #expect(!skyRun.stderr.isEmpty, "\(skyRun.summary)")
        let unknownOut = dir.appendingPathComponent("unknown.png")
        let unknown = try CLI.run(["preview", map.path, fx.synth.appendingPathComponent(fx.groundTruth.queries[0].name).path,
                                   "--intrinsics", fx.intrinsicsArgument, "--anchor", "nosuch",
                                   "--character", fx.humanoid.path, "--out", unknownOut.path])
        #expect(unknown.status != 0, "\(unknown.summary)")
        #expect(unknown.stderr.contains("nosuch"), "\(unknown.summary)")
        #expect(!FileManager.default.fileExists(atPath: unknownOut.path), "no preview left behind")
        #expect(try Data(contentsOf: map) == before, "map bytes unchanged by refused commands")
        let after = try CLI.ok(["anchor", "list", map.path, "--json"])
        #expect(after.stdout == listed.stdout)

        // Preview on the anchor.
        let query = fx.groundTruth.queries[0]
        let png = dir.appendingPathComponent("p.png")
        try CLI.ok(["preview", map.path, fx.synth.appendingPathComponent(query.name).path,
                    "--intrinsics", fx.intrinsicsArgument, "--anchor", "roof",
                    "--character", fx.humanoid.path, "--out", png.path])
        let size = try #require(pngSize(try Data(contentsOf: png)), "preview is a PNG")
        #expect(size.width == query.width && size.height == query.height)

        try CLI.ok(["anchor", "remove", map.path, "--name", "roof"])
        let empty = try CLI.ok(["anchor", "list", map.path, "--json"])
        let none = try #require(try JSONSerialization.jsonObject(with: Data(empty.stdout.utf8)) as? [Any])
        #expect(none.isEmpty)
        let removeAgain = try CLI.run(["anchor", "remove", map.path, "--name", "roof"])
        #expect(removeAgain.status != 0, "removing a missing anchor: \(removeAgain.summary)")
    }
}

/// Width and height from a PNG's IHDR, nil when not a PNG.
func pngSize(_ data: Data) -> (width: Int, height: Int)? {
    let bytes = [UInt8](data.prefix(24))
    guard bytes.count == 24, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { return nil }
    func be32(_ i: Int) -> Int { bytes[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) } }
    return (be32(16), be32(20))
}

struct CLIFixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
