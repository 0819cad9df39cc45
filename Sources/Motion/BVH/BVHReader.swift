import Foundation
import Geometry

/// Reads BVH motion-capture files (Biovision Hierarchy).
///
/// Accepts per-joint channel counts and orders as the file gives them (6-channel joints
/// anywhere), End Sites, joint names with spaces or colons, numbers in any float notation
/// (`.5`, `1e-3`, `-0`), CR/LF line ends and several ROOTs. Every failure names the line.
public enum BVHReader {
    /// Reads and parses the file at `path`.
    public static func read(path: String) throws -> BVHDocument {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MotionError.unreadableFile(path: path, reason: "no such file or not readable")
        }
        let text = String(decoding: data, as: UTF8.self)
        return try parse(text)
    }

    /// Parses BVH text.
    public static func parse(_ text: String) throws -> BVHDocument {
        // Split on LF (dropping a CR before it), or on CR alone for old Mac files. Works on
        // bytes: Swift treats CR LF as one Character.
        let bytes = Array(text.utf8)
        let separator: UInt8 = bytes.contains(10) ? 10 : 13
        var lines = [Substring]()
        lines.reserveCapacity(4096)
        var start = 0
        for i in 0...bytes.count where i == bytes.count || bytes[i] == separator {
            var end = i
            if end > start && bytes[end - 1] == 13 { end -= 1 }
            lines.append(Substring(decoding: bytes[start..<end], as: UTF8.self))
            start = i + 1
        }
        var cursor = LineCursor(lines: lines)
        let joints = try parseHierarchy(&cursor)
        let (frameCount, frameTime) = try parseMotionHeader(&cursor)
        let channelCount = joints.reduce(0) { $0 + $1.channels.count }
        let values = try parseFrames(&cursor, frameCount: frameCount, channelCount: channelCount)
        return BVHDocument(joints: joints, frameTime: frameTime, values: values)
    }

    // MARK: - Hierarchy

    /// Walks tokens with their 1-based line numbers.
    struct LineCursor {
        let lines: [Substring]
        var line = 0            // index into lines
        var tokens: [Substring] = []
        var tokenIndex = 0

        init(lines: [Substring]) { self.lines = lines; load() }
        mutating func load() {
            tokens = line < lines.count ? lines[line].split(whereSeparator: { $0 == " " || $0 == "\t" }) : []
            tokenIndex = 0
        }
        var lineNumber: Int { min(line, max(lines.count - 1, 0)) + 1 }
        var atEnd: Bool { line >= lines.count }
        /// The next token, moving over blank lines; nil at the end of the file.
        mutating func next() -> Substring? {
            while !atEnd {
                if tokenIndex < tokens.count { tokenIndex += 1; return tokens[tokenIndex - 1] }
                line += 1; load()
            }
            return nil
        }
        /// The rest of the current line after the last token read, trimmed.
        mutating func restOfLine() -> Substring {
            let rest = tokens[tokenIndex...].joined(separator: " ")
            tokenIndex = tokens.count
            return Substring(rest)
        }
        mutating func nextLine() { line += 1; load() }
    }

    static func parseHierarchy(_ c: inout LineCursor) throws -> [BVHJoint] {
        guard let first = c.next() else { throw MotionError.bvhSyntax(line: 1, message: "empty file") }
        guard first.uppercased() == "HIERARCHY" else {
            throw MotionError.bvhSyntax(line: c.lineNumber, message: "expected HIERARCHY, found '\(first)'")
        }
        var joints = [BVHJoint]()
        var stack = [Int]()             // open joints
        var pendingBrace = false        // a ROOT/JOINT/End Site waiting for its "{"
        while true {
            guard let tok = c.next() else {
                let open = stack.last.map { " inside joint '\(joints[$0].name)'" } ?? ""
                throw MotionError.bvhSyntax(line: c.lineNumber, message: "file ends before MOTION\(open) (truncated file)")
            }
            switch tok {
            case "ROOT", "JOINT":
                if tok == "ROOT" && !stack.isEmpty {
                    throw MotionError.bvhSyntax(line: c.lineNumber, message: "ROOT inside joint '\(joints[stack.last!].name)'")
                }
                if tok == "JOINT" && stack.isEmpty {
                    throw MotionError.bvhSyntax(line: c.lineNumber, message: "JOINT outside any ROOT")
                }
                let parent = stack.last ?? -1
                var name = c.restOfLine().trimmingCharacters(in: .whitespaces)
                var opened = false
                if name.hasSuffix("{") { name = String(name.dropLast()).trimmingCharacters(in: .whitespaces); opened = true }
                guard !name.isEmpty else { throw MotionError.bvhSyntax(line: c.lineNumber, message: "\(tok) without a name") }
                joints.append(BVHJoint(name: name, parent: parent, offset: .zero, channels: []))
                if opened { stack.append(joints.count - 1); pendingBrace = false } else { pendingBrace = true }
            case "End":
                guard let parent = stack.last else { throw MotionError.bvhSyntax(line: c.lineNumber, message: "End Site outside any joint") }
                let rest = c.restOfLine()
                joints.append(BVHJoint(name: joints[parent].name + " End", parent: parent, offset: .zero, channels: [], isEndSite: true))
                if rest.hasSuffix("{") { stack.append(joints.count - 1); pendingBrace = false } else { pendingBrace = true }
            case "{":
                guard pendingBrace else { throw MotionError.bvhSyntax(line: c.lineNumber, message: "unexpected '{'") }
                pendingBrace = false
                stack.append(joints.count - 1)
            case "}":
                guard !stack.isEmpty else { throw MotionError.bvhSyntax(line: c.lineNumber, message: "unmatched '}'") }
                stack.removeLast()
            case "OFFSET":
                guard let j = stack.last else { throw MotionError.bvhSyntax(line: c.lineNumber, message: "OFFSET outside a joint") }
                var v = [Double]()
                let line = c.lineNumber
                for _ in 0..<3 {
                    guard let t = c.next() else { throw MotionError.bvhSyntax(line: line, message: "OFFSET needs 3 numbers") }
                    guard let d = Double(t) else { throw MotionError.bvhSyntax(line: c.lineNumber, message: "OFFSET value '\(t)' is not a number") }
                    v.append(d)
                }
                joints[j].offset = Vec3(v[0], v[1], v[2])
            case "CHANNELS":
                guard let j = stack.last, !joints[j].isEndSite else {
                    throw MotionError.bvhSyntax(line: c.lineNumber, message: "CHANNELS outside a joint")
                }
                let line = c.lineNumber
                guard let nt = c.next(), let n = Int(nt), n >= 0, n <= 6 else {
                    throw MotionError.bvhSyntax(line: line, message: "CHANNELS needs a count from 0 to 6")
                }
                var chans = [BVHChannel]()
                for _ in 0..<n {
                    guard let t = c.next() else { throw MotionError.bvhSyntax(line: line, message: "CHANNELS declares \(n) channels but lists fewer") }
                    guard let ch = BVHChannel.allCases.first(where: { $0.rawValue.lowercased() == t.lowercased() }) else {
                        throw MotionError.bvhSyntax(line: c.lineNumber, message: "unknown channel '\(t)' (expected Xposition … Zrotation)")
                    }
                    chans.append(ch)
                }
                if Set(chans).count != chans.count {
                    throw MotionError.bvhSyntax(line: line, message: "a channel is listed twice for joint '\(joints[j].name)'")
                }
                joints[j].channels = chans
            case "MOTION":
                if !stack.isEmpty {
                    throw MotionError.bvhSyntax(line: c.lineNumber, message: "MOTION before joint '\(joints[stack.last!].name)' is closed (missing '}')")
                }
                guard !joints.isEmpty else { throw MotionError.bvhSyntax(line: c.lineNumber, message: "no ROOT before MOTION") }
                c.tokenIndex = c.tokens.count
                return joints
            default:
                throw MotionError.bvhSyntax(line: c.lineNumber, message: "unexpected '\(tok)'")
            }
        }
    }

    // MARK: - Motion

    static func parseMotionHeader(_ c: inout LineCursor) throws -> (Int, Double) {
        var frames: Int?
        var frameTime: Double?
        while frames == nil || frameTime == nil {
            guard let tok = c.next() else {
                throw MotionError.bvhSyntax(line: c.lineNumber, message: "file ends before 'Frames:' and 'Frame Time:' (truncated file)")
            }
            let line = c.lineNumber
            if tok.lowercased().hasPrefix("frames:") {
                let inline = tok.dropFirst("frames:".count)
                let t = inline.isEmpty ? c.next() : inline
                guard let t, let n = Int(t), n >= 0 else { throw MotionError.bvhSyntax(line: line, message: "'Frames:' needs a whole number") }
                frames = n
            } else if tok.lowercased() == "frame" {
                guard let t2 = c.next(), t2.lowercased().hasPrefix("time:") else {
                    throw MotionError.bvhSyntax(line: line, message: "expected 'Frame Time:'")
                }
                let inline = t2.dropFirst("time:".count)
                let t = inline.isEmpty ? c.next() : inline
                guard let t, let d = Double(t), d > 0 else { throw MotionError.bvhSyntax(line: line, message: "'Frame Time:' needs a positive number of seconds") }
                frameTime = d
            } else {
                throw MotionError.bvhSyntax(line: line, message: "expected 'Frames:' or 'Frame Time:', found '\(tok)'")
            }
        }
        c.nextLine()
        return (frames!, frameTime!)
    }

    static func parseFrames(_ c: inout LineCursor, frameCount: Int, channelCount: Int) throws -> [Double] {
        var values = [Double]()
        values.reserveCapacity(frameCount * channelCount)
        var read = 0
        var lineIndex = c.line
        var lastFrameLine = c.line - 1
        let lines = c.lines
        while read < frameCount {
            // Skip blank lines.
            while lineIndex < lines.count && lines[lineIndex].allSatisfy({ $0 == " " || $0 == "\t" }) { lineIndex += 1 }
            guard lineIndex < lines.count else {
                // Name the line where the next frame should have been.
                throw MotionError.bvhTruncated(line: lastFrameLine + 2, framesRead: read, framesDeclared: frameCount)
            }
            var found = 0
            for tok in lines[lineIndex].split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                found += 1
                guard found <= channelCount else { continue }
                guard let d = Double(tok), d.isFinite else {
                    throw MotionError.bvhNotANumber(line: lineIndex + 1, column: found, token: String(tok))
                }
                values.append(d)
            }
            if found != channelCount {
                throw MotionError.bvhValueCount(line: lineIndex + 1, expected: channelCount, found: found)
            }
            read += 1
            lastFrameLine = lineIndex
            lineIndex += 1
        }
        return values
    }
}
