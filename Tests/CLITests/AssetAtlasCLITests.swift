import Foundation
import Testing

/// `landmark asset optimize --atlas --bake` and `asset compare --render` through the built
/// binary (issue 6): bad inputs exit non-zero naming the problem and leave no output file;
/// the render comparison prints its JSON.
@Suite struct AssetAtlasCLITests {
    /// A quad plus one triangle with UVs; `texture` is written beside it by the caller.
    static func writeOBJ(in dir: URL, uv3: String = "vt 1 1", mtlTexture: String?) throws -> URL {
        var obj = mtlTexture == nil ? "" : "mtllib m.mtl\nusemtl m\n"
        obj += "v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nv 0 0 1\nvt 0 0\nvt 1 0\n\(uv3)\nvt 0 1\nvt 0.5 0.5\n"
        obj += "f 1/1 2/2 3/3\nf 1/1 3/3 4/4\nf 1/1 5/5 2/2\n"
        let url = dir.appendingPathComponent("m.obj")
        try Data(obj.utf8).write(to: url)
        if let mtlTexture { try Data("newmtl m\nmap_Kd \(mtlTexture)\n".utf8).write(to: dir.appendingPathComponent("m.mtl")) }
        return url
    }

    func expectRefused(_ args: [String], out: URL, mentions: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try CLI.run(args)
        #expect(result.status != 0, "\(result.summary)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(mentions), "\(result.summary)", sourceLocation: sourceLocation)
        let dir = out.deletingLastPathComponent()
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".glb") || $0.contains(".tmp-") }
        #expect(left.isEmpty, "no output or temporary file left: \(left)", sourceLocation: sourceLocation)
    }

    @Test func aTextureThatIsNotAnImageLeavesNoOutput() throws {
        let dir = try CLI.scratch("atlas-fake-texture")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("this is not a png".utf8).write(to: dir.appendingPathComponent("fake.png"))
        let input = try Self.writeOBJ(in: dir, mtlTexture: "fake.png")
        let out = dir.appendingPathComponent("out.glb")
        try expectRefused(["asset", "optimize", input.path, "--ratio", "1", "--atlas", "64", "--bake", "--out", out.path],
                          out: out, mentions: "fake.png")
    }

    @Test func nanTextureCoordinatesLeaveNoOutput() throws {
        let dir = try CLI.scratch("atlas-nan-uv")
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try Self.writeOBJ(in: dir, uv3: "vt nan nan", mtlTexture: nil)
        let out = dir.appendingPathComponent("out.glb")
        try expectRefused(["asset", "optimize", input.path, "--ratio", "1", "--atlas", "64", "--bake", "--out", out.path],
                          out: out, mentions: "m.obj: vertex 2 has a NaN or infinite texture coordinate")
    }

    @Test func aNegativeTextureDetailIsRefused() throws {
        let dir = try CLI.scratch("texture-detail")
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try Self.writeOBJ(in: dir, mtlTexture: nil)
        let out = dir.appendingPathComponent("out.glb")
        try expectRefused(["asset", "optimize", input.path, "--ratio", "0.5", "--texture-detail=-1", "--out", out.path],
                          out: out, mentions: "--texture-detail must be ≥ 0")
    }

    @Test func renderComparisonPrintsSixViews() throws {
        let dir = try CLI.scratch("atlas-render")
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = try Self.writeOBJ(in: dir, mtlTexture: nil)
        let renders = dir.appendingPathComponent("renders")
        let result = try CLI.ok(["asset", "compare", input.path, input.path, "--render", "6", "--size", "32",
                                 "--samples", "200", "--renders-out", renders.path, "--json"])
        let json = try CLI.jsonObject(result.stdout)
        let render = try #require(json["render"] as? [String: Any])
        let views = try #require(render["views"] as? [[String: Any]])
        #expect(views.count == 6)
        #expect((render["meanPSNR"] as? Double) == 99)
        #expect(FileManager.default.fileExists(atPath: renders.appendingPathComponent("view_e2_diff.png").path))
    }
}
