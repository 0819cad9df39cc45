import Foundation
import Geometry
import LandmarkMap
import Localization
import Logging

/// An anchor of a served landmark: a named pose in the landmark frame.
public struct ServedAnchor: Sendable, Equatable {
    public var name: String
    /// Anchor frame → landmark frame (metres, Y up).
    public var landmarkFromAnchor: Rigid3
    public init(name: String, landmarkFromAnchor: Rigid3) {
        self.name = name; self.landmarkFromAnchor = landmarkFromAnchor
    }
}

/// How the registry turns a `.landmark` file into something it can serve. The standard
/// loader reads with `LandmarkStore` and indexes with `Localizer`; tests inject fakes.
public struct LandmarkLoader: Sendable {
    /// Reads and fully validates a map file; throws on anything corrupt.
    public var readMap: @Sendable (URL) throws -> FeatureMap
    /// Builds the in-memory index that answers queries.
    public var makeLocalizer: @Sendable (FeatureMap) throws -> any PoseLocalizing
    /// The landmark's anchors (may be empty).
    public var readAnchors: @Sendable (URL, FeatureMap) throws -> [ServedAnchor]

    public init(readMap: @escaping @Sendable (URL) throws -> FeatureMap,
                makeLocalizer: @escaping @Sendable (FeatureMap) throws -> any PoseLocalizing,
                readAnchors: @escaping @Sendable (URL, FeatureMap) throws -> [ServedAnchor] = { _, _ in [] }) {
        self.readMap = readMap; self.makeLocalizer = makeLocalizer; self.readAnchors = readAnchors
    }
}

/// A landmark ready to answer queries.
public struct LoadedLandmark: Sendable {
    public var id: String
    public var metadata: MapMetadata
    public var keyframeCount: Int
    public var pointCount: Int
    public var observationCount: Int
    public var fileBytes: Int
    public var loadSeconds: Double
    public var anchors: [ServedAnchor]
    public var localizer: any PoseLocalizing
    /// The map's point positions (landmark frame): what hides a previewed character.
    public var pointPositions: [Vec3]
}

public enum RegistryError: Error, CustomStringConvertible {
    case invalidID(String)
    case invalidMap(id: String, reason: String)
    case io(String)
    case landmarkNotFound(String)
    case anchorExists(id: String, name: String)
    case anchorNotFound(id: String, name: String, existing: [String])
    public var description: String {
        switch self {
        case .landmarkNotFound(let id): "landmark \"\(id)\" not found"
        case .anchorExists(let id, let name):
            "landmark \"\(id)\" already has an anchor named \"\(name)\"; delete it first or pick another name"
        case .anchorNotFound(let id, let name, let existing):
            "landmark \"\(id)\" has no anchor named \"\(name)\"" + (existing.isEmpty ? " (it has none)" : " (it has: \(existing.joined(separator: ", ")))")
        case .invalidID(let id):
            "invalid landmark id \"\(id)\": use 1–64 letters, digits, '-' or '_'"
        case .invalidMap(let id, let reason): "the .landmark for \"\(id)\" is invalid: \(reason)"
        case .io(let s): s
        }
    }
}

/// The landmarks a server holds: a folder of `<id>.landmark` files, each loaded into memory.
/// Lookups are cheap and concurrent; `install` validates a new file completely (read and
/// index) before it renames it into the folder and swaps it in, so queries never see a
/// half-loaded map and a corrupt upload leaves the previous map serving.
public final class LandmarkRegistry: @unchecked Sendable {
    public let directory: URL
    let loader: LandmarkLoader
    let lock = NSLock()
    /// Serializes changes (uploads, deletions, anchor edits) so each reads the file it replaces.
    /// Always taken before `lock`.
    let adminLock = NSLock()
    var landmarks: [String: LoadedLandmark] = [:]
    private let logger = Logger(label: "landmark.server.registry")

    public init(directory: URL, loader: LandmarkLoader) {
        self.directory = directory; self.loader = loader
    }

    /// Loads every `*.landmark` in the folder and one level down (the registry's
    /// `Landmarks/NAME/NAME.landmark`), each served under its file stem; a stem already
    /// loaded from the folder itself is not loaded again. Returns the failures by file name
    /// (each also logged) so one corrupt file does not stop the others from serving.
    @discardableResult
    public func loadAll() -> [String: String] {
        func maps(in folder: URL) -> [URL] {
            let files = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
            return files.filter { $0.pathExtension == "landmark" }.sorted { $0.path < $1.path }
        }
        let subfolders = ((try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: [.isDirectoryKey])) ?? [])
            .filter { !$0.lastPathComponent.hasPrefix(".") && (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true }
            .sorted { $0.path < $1.path }
        var failures: [String: String] = [:]
        var seen = Set<String>()
        for file in maps(in: directory) + subfolders.flatMap(maps(in:)) {
            let id = file.deletingPathExtension().lastPathComponent
            guard seen.insert(id).inserted else { continue }
            guard Self.isValidID(id) else { failures[file.lastPathComponent] = RegistryError.invalidID(id).description; continue }
            do {
                let loaded = try load(id: id, file: file)
                lock.withLock { landmarks[id] = loaded }
                logger.info("loaded \(id): \(loaded.pointCount) points in \(String(format: "%.2f", loaded.loadSeconds)) s")
            } catch {
                failures[file.lastPathComponent] = "\(error)"
                logger.error("skipped \(file.lastPathComponent): \(error)")
            }
        }
        AllocatorTuning.releaseFreeMemory()   // the maps read only to build their indexes
        return failures
    }

    public func landmark(_ id: String) -> LoadedLandmark? { lock.withLock { landmarks[id] } }
    public var all: [LoadedLandmark] { lock.withLock { landmarks.values.sorted { $0.id < $1.id } } }
    public var count: Int { lock.withLock { landmarks.count } }

    /// Validates `data` as a `.landmark`, then atomically replaces (or adds) `id`.
    /// - Returns: the loaded landmark and whether it replaced an existing one.
    public func install(id: String, data: Data) throws -> (LoadedLandmark, replaced: Bool) {
        guard Self.isValidID(id) else { throw RegistryError.invalidID(id) }
        adminLock.lock(); defer { adminLock.unlock() }
        defer { AllocatorTuning.releaseFreeMemory() }   // the upload read only to build its index
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temp = directory.appendingPathComponent(".\(id).upload-\(UUID().uuidString).landmark.tmp")
        defer { try? FileManager.default.removeItem(at: temp) }
        do { try data.write(to: temp) } catch { throw RegistryError.io("cannot write the upload: \(error)") }
        let loaded: LoadedLandmark
        do { loaded = try load(id: id, file: temp) } catch {
            // Name the upload, not the hidden temporary file.
            throw RegistryError.invalidMap(id: id, reason: "\(error)".replacingOccurrences(of: temp.path + ": ", with: "")
                .replacingOccurrences(of: temp.path, with: "the upload"))
        }
        let target = directory.appendingPathComponent("\(id).landmark")
        return try lock.withLock {
            // rename(2) replaces the target atomically: readers of the old file keep their handle.
            guard rename(temp.path, target.path) == 0 else {
                throw RegistryError.io("cannot move the upload into place: \(String(cString: strerror(errno)))")
            }
            let replaced = landmarks[id] != nil
            landmarks[id] = loaded
            return (loaded, replaced)
        }
    }

    /// Stops serving `id` and deletes its file; false when it was not served.
    public func remove(id: String) throws -> Bool {
        guard Self.isValidID(id) else { throw RegistryError.invalidID(id) }
        adminLock.lock(); defer { adminLock.unlock() }
        return try lock.withLock {
            guard landmarks.removeValue(forKey: id) != nil else { return false }
            let file = directory.appendingPathComponent("\(id).landmark")
            if FileManager.default.fileExists(atPath: file.path) {
                do { try FileManager.default.removeItem(at: file) } catch {
                    throw RegistryError.io("cannot delete \(file.lastPathComponent): \(error)")
                }
            }
            return true
        }
    }

    private func load(id: String, file: URL) throws -> LoadedLandmark {
        let start = Date()
        let map = try loader.readMap(file)
        let localizer = try loader.makeLocalizer(map)
        let anchors = try loader.readAnchors(file, map)
        let bytes = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        return LoadedLandmark(id: id, metadata: map.metadata, keyframeCount: map.keyframes.count,
                              pointCount: map.points.count, observationCount: map.observationCount,
                              fileBytes: bytes, loadSeconds: Date().timeIntervalSince(start),
                              anchors: anchors, localizer: localizer, pointPositions: map.points.map(\.position))
    }

    /// 1–64 of [A-Za-z0-9_-], not starting with '.' (so never a path).
    public static func isValidID(_ id: String) -> Bool {
        guard (1...64).contains(id.utf8.count) else { return false }
        return id.utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45 || c == 95
        }
    }
}
