import Dispatch
import Foundation
import Geometry
import Rendering

extension SyntheticLandmark {
    /// Writes the landmark to the folder `directory`:
    ///
    ///     images/0000.png …      capture views (PNG, RGB)
    ///     queries/0000.png …     query views
    ///     intrinsics.json        {"fx","fy","cx","cy","k1","k2","p1","p2","width","height"} (distortion 0)
    ///     model.obj, model.mtl   the mesh (OBJ, v up in vt as OBJ does) with
    ///     textures/*.png         one texture per face
    ///     ground_truth.json      see `GroundTruthFile`
    ///
    /// Everything is written into a temporary sibling folder that is renamed at the end, so a
    /// failed or interrupted run leaves nothing at `directory`.
    /// - Parameters:
    ///   - overwrite: replace an existing non-empty folder (otherwise it is an error).
    ///   - progress: called after each image (thread-safe callers only: it is called from
    ///     worker threads) with the number of images done of `views.count + queries.count`.
    public func write(to directory: URL, overwrite: Bool = false, progress: (@Sendable (Int) -> Void)? = nil) throws {
        let fm = FileManager.default
        let target = directory.standardizedFileURL
        if fm.fileExists(atPath: target.path) {
            let contents = (try? fm.contentsOfDirectory(atPath: target.path)) ?? ["?"]
            if !contents.isEmpty && !overwrite { throw SyntheticError.outputExists(path: target.path) }
        }
        let parent = target.deletingLastPathComponent()
        let temp = parent.appendingPathComponent(".\(target.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)")
        try? fm.removeItem(at: temp)
        do {
            for sub in ["images", "queries", "textures"] {
                try fm.createDirectory(at: temp.appendingPathComponent(sub), withIntermediateDirectories: true)
            }
            try writeModel(to: temp)
            try renderAll(into: temp, progress: progress)
            let k = intrinsics
            // A perfect pinhole: the zero distortion is stated, so registration keeps it
            // instead of refining k1, k2 (which fitted spurious values of ~1e-3 and bent the map).
            let intr: [String: Double] = ["fx": k.fx, "fy": k.fy, "cx": k.cx, "cy": k.cy, "k1": 0, "k2": 0, "p1": 0, "p2": 0,
                                          "width": Double(k.width), "height": Double(k.height)]
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys]
            try e.encode(intr).write(to: temp.appendingPathComponent("intrinsics.json"))
            try groundTruth().write(to: temp.appendingPathComponent("ground_truth.json"))
            if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }
            try fm.moveItem(at: temp, to: target)
        } catch {
            try? fm.removeItem(at: temp)
            if let e = error as? SyntheticError { throw e }
            throw SyntheticError.writeFailed(path: target.path, reason: "\(error)")
        }
    }

    /// Renders every capture and query view on all cores (one view per core) into `dir`.
    func renderAll(into dir: URL, progress: (@Sendable (Int) -> Void)?) throws {
        let all = views + queries
        let counter = Counter()
        let failures = FailureBox()
        let me = self
        DispatchQueue.concurrentPerform(iterations: all.count) { i in
            do {
                let img = try me.render(view: all[i], threads: 1)
                try img.encoded(.png).write(to: dir.appendingPathComponent(all[i].name))
            } catch { failures.record("\(all[i].name): \(error)") }
            progress?(counter.increment())
        }
        if let f = failures.first { throw SyntheticError.writeFailed(path: dir.path, reason: f) }
    }

    /// Writes model.obj, model.mtl and the face textures.
    func writeModel(to dir: URL) throws {
        var obj = "# LandmarkAR synthetic landmark, seed \(seed). Landmark frame: Y up, metres.\nmtllib model.mtl\n"
        var mtl = "# One material per face, each with its own texture.\n"
        var base = 1
        for (i, mesh) in scene.meshes.enumerated() {
            let name = textureNames[i]
            let material = scene.materials[mesh.material]
            obj += "o \(name)\nusemtl \(name)\n"
            for p in mesh.positions { obj += "v \(p.x) \(p.y) \(p.z)\n" }
            for t in mesh.uvs { obj += "vt \(t.x) \(1 - t.y)\n" }
            for n in mesh.normals { obj += "vn \(n.x) \(n.y) \(n.z)\n" }
            for t in 0..<mesh.triangleCount {
                let f = (0..<3).map { j -> String in let v = Int(mesh.indices[3 * t + j]) + base; return "\(v)/\(v)/\(v)" }
                obj += "f \(f.joined(separator: " "))\n"
            }
            base += mesh.positions.count
            mtl += "newmtl \(name)\nKa 1 1 1\nKd 1 1 1\nKs 0 0 0\nillum 1\n"
            if let t = material.texture {
                let file = "textures/\(name).png"
                try scene.textures[t].image.encoded(.png).write(to: dir.appendingPathComponent(file))
                mtl += "map_Kd \(file)\n"
            }
            mtl += "\n"
        }
        try Data(obj.utf8).write(to: dir.appendingPathComponent("model.obj"))
        try Data(mtl.utf8).write(to: dir.appendingPathComponent("model.mtl"))
    }
}

/// A thread-safe counter for progress.
final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func increment() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
}

/// Collects the first failure from worker threads.
final class FailureBox: @unchecked Sendable {
    private var messages: [String] = []
    private let lock = NSLock()
    func record(_ m: String) { lock.lock(); messages.append(m); lock.unlock() }
    var first: String? { lock.lock(); defer { lock.unlock() }; return messages.first }
}
