import Foundation
import Testing
import Imaging

/// `landmark register` on bad input (issue 2): a non-zero exit, a message on stderr naming
/// the file or the problem, and no `.landmark` file left behind. Also the root help and
/// ArgumentParser's validation exit code.
@Suite struct BadInputTests {
    /// A seeded blocky noise image: plenty of features, nothing to reconstruct from alone.
    static func noiseImage(seed: UInt64, width: Int = 480, height: Int = 360) -> Image8 {
        var state = seed &+ 0x9E37_79B9_7F4A_7C15
        func next() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        let block = 6
        var cells = [UInt8]()
        let cw = width / block + 1, ch = height / block + 1
        for _ in 0..<(cw * ch * 3) { cells.append(next()) }
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let cell = ((y / block) * cw + x / block) * 3
                for c in 0..<3 { pixels[(y * width + x) * 3 + c] = cells[cell + c] }
            }
        }
        return Image8(width: width, height: height, channels: 3, pixels: pixels)
    }

    /// Runs register on `folder` and checks the failure contract; returns the result.
    @discardableResult
    static func expectRefused(_ folder: URL, extra: [String] = [], mentions: [String],
                              sourceLocation: SourceLocation = #_sourceLocation) throws -> CLI.Result {
        let outDir = try CLI.scratch("out")
        let out = outDir.appendingPathComponent("bad.landmark")
        let result = try CLI.run(["register", folder.path, "--out", out.path] + extra)
        #expect(result.status != 0, "\(result.summary)", sourceLocation: sourceLocation)
        let stderr = result.stderr.lowercased()
        #expect(mentions.contains { stderr.contains($0.lowercased()) },
                "stderr names one of \(mentions): \(result.summary)", sourceLocation: sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: out.path), "no .landmark left behind", sourceLocation: sourceLocation)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: outDir.path)
        #expect(leftovers.isEmpty, "nothing left in the output folder: \(leftovers)", sourceLocation: sourceLocation)
        return result
    }

    @Test func emptyFolder() throws {
        let folder = try CLI.scratch("empty")
        try Self.expectRefused(folder, mentions: [folder.lastPathComponent, "no photo", "no image"])
    }

    @Test func onlyANonImageFile() throws {
        let folder = try CLI.scratch("nonimage")
        try Data("not a photo\n".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        try Data("also not a photo".utf8).write(to: folder.appendingPathComponent("fake.jpg"))
        try Self.expectRefused(folder, mentions: ["fake.jpg", "notes.txt", "no photo", "no image"])
    }

    @Test func truncatedJPEGAmongTooFewPhotos() throws {
        let folder = try CLI.scratch("truncated")
        try Self.noiseImage(seed: 1).encoded(.jpeg).write(to: folder.appendingPathComponent("good.jpg"))
        let whole = try Self.noiseImage(seed: 2).encoded(.jpeg)
        try whole.prefix(whole.count / 3).write(to: folder.appendingPathComponent("cut.jpg"))
        try Self.expectRefused(folder, mentions: ["cut.jpg"])
    }

    @Test func garbageKMatrix() throws {
        let folder = try CLI.scratch("garbageK")
        try Self.noiseImage(seed: 3).write(to: folder.appendingPathComponent("a.png"))
        try Self.noiseImage(seed: 4).write(to: folder.appendingPathComponent("b.png"))
        let k = try CLI.scratch("k").appendingPathComponent("K.txt")
        try Data("focal is about eight hundred\n1 2\n".utf8).write(to: k)
        try Self.expectRefused(folder, extra: ["--intrinsics", k.path], mentions: ["K.txt"])
    }

    @Test func twoCopiesOfOnePhoto() throws {
        let folder = try CLI.scratch("copies")
        let image = try Self.noiseImage(seed: 5).encoded(.png)
        try image.write(to: folder.appendingPathComponent("one.png"))
        try image.write(to: folder.appendingPathComponent("two.png"))
        try Self.expectRefused(folder, mentions: ["one.png", "two.png", "identical", "duplicate", "same", "baseline", "parallax"])
    }

    @Test func rootHelpListsEverySubcommand() throws {
        let help = try CLI.ok(["--help"]).stdout
        for name in ["register", "anchor", "batch", "info", "scale", "export", "import", "synth", "mocap", "localize",
                     "serve", "asset", "preview", "demo"] {
            #expect(help.contains("  \(name) "), "root help lists \(name)")
        }
        #expect(!help.contains("  bench "), "benchmarks are landmark-bench's, not the user's")
    }

    @Test func versionAndNestedHelp() throws {
        let version = try CLI.ok(["--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!version.isEmpty && version.first?.isNumber == true, "--version prints a version: \(version)")
        let optimize = try CLI.ok(["asset", "optimize", "--help"]).stdout
        for flag in ["--out", "--ratio", "--lods", "--json", "--log-level"] {
            #expect(optimize.contains(flag), "asset optimize --help lists \(flag)")
        }
        let retarget = try CLI.ok(["mocap", "retarget", "--help"]).stdout
        #expect(retarget.contains("--character") && retarget.contains("--anchor"))
    }

    @Test func badFlagExits64() throws {
        let unknown = try CLI.run(["register", "/tmp", "--out", "x.landmark", "--no-such-flag"])
        #expect(unknown.status == 64, "\(unknown.summary)")
        #expect(unknown.stderr.contains("--no-such-flag"), "\(unknown.summary)")
        let invalid = try CLI.run(["synth", "--views", "3", "--out", try CLI.scratch("v").appendingPathComponent("s").path])
        #expect(invalid.status == 64, "\(invalid.summary)")
        #expect(invalid.stderr.contains("views"), "\(invalid.summary)")
        let format = try CLI.run(["export", "x.landmark", "--format", "obj", "--out", "x"])
        #expect(format.status == 64 && format.stderr.contains("obj"), "\(format.summary)")
        let contrast = try CLI.run(["register", try CLI.scratch("c").path, "--out", "x.landmark", "--sift-contrast", "-0.5"])
        #expect(contrast.status == 64 && contrast.stderr.contains("--sift-contrast"), "\(contrast.summary)")
    }
}
