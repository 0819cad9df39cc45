import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// File-name patterns for manifest inputs: `*`, `?`, `[abc]` within one path component
/// (fnmatch), and `**` for any number of folders. Hidden files match only a pattern that
/// starts with a dot. Matches are returned sorted, so a manifest expands the same way on
/// every machine.
enum Glob {
    static func isPattern(_ path: String) -> Bool {
        path.contains { "*?[".contains($0) }
    }

    /// The pattern's leading folders without wildcards (the base `{dir}` is relative to).
    static func staticBase(of pattern: String) -> String {
        var components: [String] = []
        for component in pattern.split(separator: "/", omittingEmptySubsequences: false).dropLast() {
            if isPattern(String(component)) { break }
            components.append(String(component))
        }
        let base = components.joined(separator: "/")
        return base.isEmpty && pattern.hasPrefix("/") ? "/" : base
    }

    /// Absolute paths of the regular files matching an absolute `pattern`, sorted.
    static func match(_ pattern: String) -> [String] {
        let components = pattern.split(separator: "/").map(String.init)
        var results: [String] = []
        walk(directory: pattern.hasPrefix("/") ? "/" : ".", components: components[...], into: &results)
        return results.sorted()
    }

    private static func walk(directory: String, components: ArraySlice<String>, into results: inout [String]) {
        guard let component = components.first else { return }
        let rest = components.dropFirst()
        let fm = FileManager.default
        func join(_ name: String) -> String { directory == "/" ? "/" + name : directory + "/" + name }
        func isDirectory(_ path: String) -> Bool {
            var isDir: ObjCBool = false
            return fm.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
        }
        if component == "**" {
            walk(directory: directory, components: rest, into: &results)  // zero folders
            let entries = ((try? fm.contentsOfDirectory(atPath: directory)) ?? []).sorted()
            for name in entries where !name.hasPrefix(".") && isDirectory(join(name)) {
                walk(directory: join(name), components: components, into: &results)
            }
            return
        }
        let candidates: [String]
        if isPattern(component) {
            let entries = (try? fm.contentsOfDirectory(atPath: directory)) ?? []
            candidates = entries.filter { name in
                (!name.hasPrefix(".") || component.hasPrefix(".")) && fnmatch(component, name, 0) == 0
            }
        } else {
            candidates = [component]
        }
        for name in candidates {
            let path = join(name)
            if rest.isEmpty {
                var isDir: ObjCBool = false
                if fm.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue, !results.contains(path) {
                    results.append(path)
                }
            } else if isDirectory(path) {
                walk(directory: path, components: rest, into: &results)
            }
        }
    }
}

/// The `{stem}`-style variables of an output template, taken from the job's primary input.
struct TemplateVariables {
    var values: [String: String]
    static let names = ["stem", "name", "ext", "parent", "dir"]

    /// - Parameters:
    ///   - input: the matched input's absolute path.
    ///   - base: the folder the glob started from (`{dir}` is `input`'s folder relative to it).
    init(input: String, base: String) {
        let url = URL(fileURLWithPath: input)
        let folder = url.deletingLastPathComponent().path
        var dir = ""
        let standardBase = URL(fileURLWithPath: base).standardizedFileURL.path
        if folder.hasPrefix(standardBase + "/") { dir = String(folder.dropFirst(standardBase.count + 1)) }
        values = [
            "stem": url.deletingPathExtension().lastPathComponent,
            "name": url.lastPathComponent,
            "ext": url.pathExtension,
            "parent": url.deletingLastPathComponent().lastPathComponent,
            "dir": dir,
        ]
    }

    /// Replaces every `{variable}`; throws the unknown variable's name.
    func apply(to template: String) throws(TemplateError) -> String {
        var result = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { throw .unclosed }
            let name = String(rest[rest.index(after: open)..<close])
            guard let value = values[name] else { throw .unknown(name) }
            result += value
            rest = rest[rest.index(after: close)...]
        }
        result += rest
        // `{dir}` may be empty: collapse the doubled slash it leaves behind.
        while result.contains("//") { result = result.replacingOccurrences(of: "//", with: "/") }
        return result
    }

    enum TemplateError: Error {
        case unknown(String)
        case unclosed
    }
}
