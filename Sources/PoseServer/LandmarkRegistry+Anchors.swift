import Anchoring
import Foundation
import Geometry
import LandmarkMap

/// Where a new anchor goes, as the admin route receives it.
public enum AnchorTarget: Sendable, Equatable {
    /// A point in the landmark frame, snapped onto the surface below it (`landmark anchor add --at`).
    case point(Vec3)
    /// A pixel (x right, y down) of a registered image, cast onto the surface it sees
    /// (`landmark anchor add --pixel IMAGE X Y`).
    case pixel(image: String, pixel: Vec2)
}

extension LandmarkRegistry {
    /// Places an anchor with the same code as `landmark anchor add` (`AnchorPlacer`), stores
    /// it in the landmark's file and serves it.
    ///
    /// The file is changed atomically: a copy in the folder gets the anchor in one SQLite
    /// transaction, is fsynced, then renamed over `<id>.landmark`. Only then are the served
    /// anchors swapped (under the registry's lock, so a query sees the old list or the new
    /// one). Any failure (unknown landmark, a name that exists, a pixel whose ray meets no
    /// surface) throws before the file is touched, leaving the map unchanged.
    /// - Throws: `RegistryError.landmarkNotFound`, `.anchorExists`, `.io`;
    ///   `AnchorPlacementError`; `LandmarkStoreError` (`.invalidAnchor` for a bad name).
    public func addAnchor(named name: String, to id: String, at target: AnchorTarget,
                          yawDegrees: Double?) throws -> (anchor: Anchor, placement: AnchorPlacement) {
        adminLock.lock(); defer { adminLock.unlock() }
        guard landmark(id) != nil else { throw RegistryError.landmarkNotFound(id) }
        let file = fileURL(id)
        var map = try loader.readMap(file)
        if map.anchors.contains(where: { $0.name == name }) { throw RegistryError.anchorExists(id: id, name: name) }
        var options = AnchorPlacementOptions(yawDegrees: yawDegrees)
        options.seed = 0   // as the CLI: the same request places the same anchor
        let placement: AnchorPlacement
        switch target {
        case .point(let p): placement = try AnchorPlacer.place(in: map, near: p, options: options)
        case .pixel(let image, let pixel): placement = try AnchorPlacer.place(in: map, imageName: image, pixel: pixel, options: options)
        }
        let anchor = placement.anchor(named: name)
        try rewrite(id: id) { temp in try LandmarkStore.addAnchor(anchor, to: temp) }
        map.anchors.append(anchor)
        try swapAnchors(id: id, map: map)
        return (anchor, placement)
    }

    /// Removes the anchor `name` from the landmark's file (atomically, as `addAnchor`) and
    /// stops serving it.
    /// - Throws: `RegistryError.landmarkNotFound`, `.anchorNotFound` (the map unchanged), `.io`.
    public func removeAnchor(named name: String, from id: String) throws {
        adminLock.lock(); defer { adminLock.unlock() }
        guard landmark(id) != nil else { throw RegistryError.landmarkNotFound(id) }
        var map = try loader.readMap(fileURL(id))
        guard map.anchors.contains(where: { $0.name == name }) else {
            throw RegistryError.anchorNotFound(id: id, name: name, existing: map.anchors.map(\.name))
        }
        try rewrite(id: id) { temp in try LandmarkStore.removeAnchor(named: name, from: temp) }
        map.anchors.removeAll { $0.name == name }
        try swapAnchors(id: id, map: map)
    }

    func fileURL(_ id: String) -> URL { directory.appendingPathComponent("\(id).landmark") }

    /// Copies `<id>.landmark` to a hidden file beside it, applies `change` to the copy,
    /// fsyncs it and renames it over the original: readers see the old file or the new one.
    private func rewrite(id: String, _ change: (URL) throws -> Void) throws {
        let file = fileURL(id)
        let temp = directory.appendingPathComponent(".\(id).anchors-\(UUID().uuidString).landmark.tmp")
        defer { for suffix in ["", "-journal", "-wal", "-shm"] { unlink(temp.path + suffix) } }
        do { try FileManager.default.copyItem(at: file, to: temp) } catch {
            throw RegistryError.io("cannot copy \(file.lastPathComponent) to change its anchors: \(error)")
        }
        try change(temp)
        let fd = open(temp.path, O_RDONLY)
        guard fd >= 0, fsync(fd) == 0 else {
            if fd >= 0 { close(fd) }
            throw RegistryError.io("cannot sync the changed \(file.lastPathComponent): \(String(cString: strerror(errno)))")
        }
        close(fd)
        guard rename(temp.path, file.path) == 0 else {
            throw RegistryError.io("cannot move the changed \(file.lastPathComponent) into place: \(String(cString: strerror(errno)))")
        }
    }

    /// Serves the anchors of `map` (just written) for `id`; the index is unchanged.
    private func swapAnchors(id: String, map: FeatureMap) throws {
        let file = fileURL(id)
        let anchors = try loader.readAnchors(file, map)
        let bytes = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        lock.withLock {
            landmarks[id]?.anchors = anchors
            landmarks[id]?.fileBytes = bytes
        }
    }
}
