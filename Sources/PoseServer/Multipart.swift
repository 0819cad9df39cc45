import Foundation

/// A minimal `multipart/form-data` reader (RFC 7578) for the localize route: the parts'
/// names, content types and bytes. Enough for an image part and a JSON part; no nesting.
struct MultipartPart {
    var name: String?
    var contentType: String?
    var body: Data
}

enum MultipartError: Error, CustomStringConvertible {
    case missingBoundary
    case malformed(String)
    var description: String {
        switch self {
        case .missingBoundary: "multipart/form-data without a boundary parameter"
        case .malformed(let s): "malformed multipart body: \(s)"
        }
    }
}

enum Multipart {
    /// The `boundary` parameter of a Content-Type header.
    static func boundary(fromContentType contentType: String) throws -> String {
        for param in contentType.split(separator: ";").dropFirst() {
            let kv = param.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2, kv[0].lowercased() == "boundary" {
                let value = kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                if !value.isEmpty { return value }
            }
        }
        throw MultipartError.missingBoundary
    }

    static func parse(_ body: Data, boundary: String) throws -> [MultipartPart] {
        let bytes = [UInt8](body)
        let delimiter = Array("--\(boundary)".utf8)
        var positions: [Int] = []
        var i = 0
        while let p = find(delimiter, in: bytes, from: i) { positions.append(p); i = p + delimiter.count }
        guard positions.count >= 2 else { throw MultipartError.malformed("boundary \"\(boundary)\" not found twice") }
        var parts: [MultipartPart] = []
        for (a, b) in zip(positions, positions.dropFirst()) {
            var start = a + delimiter.count
            if start + 1 < bytes.count, bytes[start] == 13, bytes[start + 1] == 10 { start += 2 }
            var end = b
            if end >= 2, bytes[end - 2] == 13, bytes[end - 1] == 10 { end -= 2 }
            guard start <= end else { throw MultipartError.malformed("empty part") }
            let segment = Array(bytes[start..<end])
            guard let split = find([13, 10, 13, 10], in: segment, from: 0) else {
                throw MultipartError.malformed("a part has no header/body separator")
            }
            let header = String(decoding: segment[..<split], as: UTF8.self)
            var part = MultipartPart(name: nil, contentType: nil, body: Data(segment[(split + 4)...]))
            for line in header.components(separatedBy: "\r\n") {
                let kv = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard kv.count == 2 else { continue }
                switch kv[0].lowercased() {
                case "content-type": part.contentType = kv[1]
                case "content-disposition":
                    for param in kv[1].split(separator: ";") {
                        let p = param.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                        if p.count == 2, p[0].lowercased() == "name" {
                            part.name = p[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                        }
                    }
                default: break
                }
            }
            parts.append(part)
        }
        return parts
    }

    private static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, hay.count >= needle.count, from <= hay.count - needle.count else { return nil }
        var i = from
        while i <= hay.count - needle.count {
            if hay[i] == needle[0] && Array(hay[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }
}
