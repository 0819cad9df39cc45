import Foundation
import Testing
import Synthetic

/// A tracking prior only proposes: with the prior of another query (the wrong place) or one
/// drifted by metres and degrees, `landmark localize --prior` answers as it would cold, and
/// never a pose far from the truth. Each frame gets its own prior from a JSON-lines file.
@Suite struct PriorRobustnessTests {
    /// (label, prior of query i) for the fixture's queries.
    static func priors(_ gt: GroundTruthFile) -> [(String, [[String: Any]])] {
        let queries = gt.queries
        func pose(_ p: GroundTruthFile.Pose) -> [String: Any] { ["rotation": p.rotation, "translation": p.translation] }
        // The camera moved by `metres` along x and turned `degrees` about its y axis.
        func drifted(_ p: GroundTruthFile.Pose, metres: Double, degrees: Double) -> [String: Any] {
            let half = degrees * .pi / 360
            let dq = [cos(half), 0, sin(half), 0]
            let q = multiply(dq, p.rotation)
            let centre = PoseMath.centre(p)
            let moved = [centre[0] + metres, centre[1], centre[2]]
            return ["rotation": q, "translation": PoseMath.rotate(q, moved).map { -$0 }]
        }
        return [
            ("wrong place", queries.indices.map { i in
                ["image": queries[i].name, "cameraFromLandmark": pose(queries[(i + 1) % queries.count].cameraFromWorld)] }),
            ("1 m, 10°", queries.map { ["image": $0.name, "cameraFromLandmark": drifted($0.cameraFromWorld, metres: 1, degrees: 10)] }),
            ("5 cm, 0.5°", queries.map { ["image": $0.name, "cameraFromLandmark": drifted($0.cameraFromWorld, metres: 0.05, degrees: 0.5)] }),
        ]
    }

    static func multiply(_ a: [Double], _ b: [Double]) -> [Double] {
        [a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3],
         a[0] * b[1] + a[1] * b[0] + a[2] * b[3] - a[3] * b[2],
         a[0] * b[2] - a[1] * b[3] + a[2] * b[0] + a[3] * b[1],
         a[0] * b[3] + a[1] * b[2] - a[2] * b[1] + a[3] * b[0]]
    }

    @Test func aWrongOrDriftedPriorNeverGivesAWrongPose() async throws {
        let fx = try await SyntheticFixture.get()
        let queries = fx.groundTruth.queries
        let paths = queries.map { fx.synth.appendingPathComponent($0.name).path }
        let scratch = try CLI.scratch("priors")
        for (label, priors) in Self.priors(fx.groundTruth) {
            let file = scratch.appendingPathComponent("priors.jsonl")
            let lines = try priors.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
            try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
            let result = try CLI.ok(["localize", fx.map.path] + paths
                                    + ["--intrinsics", fx.intrinsicsArgument, "--prior", file.path, "--json"])
            let answers = result.stdout.split(separator: "\n")
            try #require(answers.count == queries.count, "\(label): \(result.summary)")
            var localized = 0
            for (line, truth) in zip(answers, queries) {
                let object = try CLI.jsonObject(String(line))
                let prior = try #require(object["prior"] as? [String: Any], "\(label): every answer reports its prior: \(line)")
                let used = try #require(prior["used"] as? Bool)
                #expect(used || prior["rejectedReason"] is String, "\(label): a prior not used says why: \(line)")
                guard object["status"] as? String == "localized" else { continue }
                localized += 1
                let inverse = try #require(object["landmarkFromCamera"] as? [String: Any])
                let pose = try #require(object["cameraFromLandmark"] as? [String: Any])
                let centre = try #require(CLI.doubles(inverse["translation"]))
                let error = PoseMath.distance(centre, PoseMath.centre(truth.cameraFromWorld))
                let angle = PoseMath.angleDegrees(try #require(CLI.doubles(pose["rotation"])), truth.cameraFromWorld.rotation)
                // The bar: no answer reported localized more than 10 cm or 1° off.
                #expect(error < 0.1 && angle < 1, "\(label), \(truth.name): \(error) m, \(angle)° off: \(line)")
                // The answer says how far the prior was from it.
                #expect(prior["offsetMetres"] is Double && prior["offsetDegrees"] is Double, "\(line)")
                if label == "wrong place" { #expect(!used, "a prior from another query's place was used: \(line)") }
            }
            #expect(localized >= queries.count - 1, "\(label): \(localized)/\(queries.count) localized: \(result.stdout)")
        }
    }

    @Test func priorArgumentFormsAndErrors() async throws {
        let fx = try await SyntheticFixture.get()
        let q = fx.groundTruth.queries[0]
        let path = fx.synth.appendingPathComponent(q.name).path
        let inline = #"{"rotation":\#(q.cameraFromWorld.rotation),"translation":\#(q.cameraFromWorld.translation)}"#
        let r = try CLI.ok(["localize", fx.map.path, path, "--intrinsics", fx.intrinsicsArgument, "--prior", inline, "--json"])
        #expect((try CLI.jsonObject(r.stdout)["prior"] as? [String: Any])?["used"] as? Bool == true, "\(r.stdout)")
        // Without a prior the answer's "prior" is null.
        let cold = try CLI.ok(["localize", fx.map.path, path, "--intrinsics", fx.intrinsicsArgument, "--json"])
        #expect(try CLI.jsonObject(cold.stdout)["prior"] is NSNull)
        // A file of several priors must name each frame.
        let scratch = try CLI.scratch("priors-bad")
        let file = scratch.appendingPathComponent("p.jsonl")
        try "\(inline)\n\(inline)\n".write(to: file, atomically: true, encoding: .utf8)
        let bad = try CLI.run(["localize", fx.map.path, path, "--intrinsics", fx.intrinsicsArgument, "--prior", file.path])
        #expect(bad.status != 0 && bad.stderr.contains("\"image\""), "\(bad.summary)")
        let missing = try CLI.run(["localize", fx.map.path, path, "--prior", scratch.appendingPathComponent("none.json").path])
        #expect(missing.status != 0 && missing.stderr.contains("neither a JSON pose nor a file"), "\(missing.summary)")
    }
}

/// The server gives the same guarantee: `landmark serve` over the fixture's map, queried by
/// curl (a client that is not the server's code) with each frame's prior taken from another
/// query's place.
@Suite struct ServedPriorTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "needs curl"))
    func aWrongPlacePriorIsRejectedByTheServer() async throws {
        let fx = try await SyntheticFixture.get()
        let folder = try CLI.scratch("serve-prior")
        try FileManager.default.copyItem(at: fx.map, to: folder.appendingPathComponent("gate.landmark"))
        let exe = try #require(CLI.executable)
        let port = Int.random(in: 20_000..<40_000)
        let server = Process()
        server.executableURL = exe
        server.arguments = ["serve", "--landmarks", folder.path, "--port", "\(port)", "--log-level", "warning"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }

        func curl(_ args: [String]) throws -> (status: Int, body: String) {
            let out = folder.appendingPathComponent("curl-\(UUID().uuidString)")
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            p.arguments = ["-s", "-o", out.path, "-w", "%{http_code}"] + args
            let pipe = Pipe()
            p.standardOutput = pipe
            try p.run()
            let code = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            let body = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
            return (Int(code) ?? 0, body)
        }
        let base = "http://127.0.0.1:\(port)"
        var ready = false
        for _ in 0..<240 where !ready {
            ready = try curl(["\(base)/healthz"]).status == 200
            if !ready { try await Task.sleep(for: .milliseconds(250)) }
        }
        try #require(ready, "landmark serve did not answer /healthz on port \(port)")

        let queries = fx.groundTruth.queries
        let q0 = queries[0]
        let intrinsics = "fx=\(q0.fx)&fy=\(q0.fy)&cx=\(q0.cx)&cy=\(q0.cy)"
        for (i, truth) in queries.enumerated() {
            let other = queries[(i + 1) % queries.count].cameraFromWorld
            let prior = #"{"rotation":\#(other.rotation),"translation":\#(other.translation)}"#
            let image = fx.synth.appendingPathComponent(truth.name).path
            let r = try curl(["-X", "POST", "--data-binary", "@\(image)", "-H", "Content-Type: image/png",
                              "-H", "X-Prior-Pose: \(prior)", "\(base)/v1/landmarks/gate/localize?\(intrinsics)"])
            try #require(r.status == 200, "\(truth.name): HTTP \(r.status): \(r.body)")
            let object = try CLI.jsonObject(r.body)
            let report = try #require(object["prior"] as? [String: Any], "\(r.body)")
            #expect(report["used"] as? Bool == false && report["rejectedReason"] is String, "\(truth.name): \(r.body)")
            guard object["status"] as? String == "localized" else { continue }
            let inverse = try #require(object["landmarkFromCamera"] as? [String: Any])
            let centre = try #require(CLI.doubles(inverse["translation"]))
            let error = PoseMath.distance(centre, PoseMath.centre(truth.cameraFromWorld))
            #expect(error < 0.1, "\(truth.name): answered \(error) m off with another query's prior: \(r.body)")
        }
    }
}
