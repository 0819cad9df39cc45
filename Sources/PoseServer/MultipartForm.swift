import Foundation
import MultipartKit

/// Why a `multipart/form-data` body could not be read; each a 400 naming the problem.
enum MultipartFormError: Error, Equatable, CustomStringConvertible {
    /// The Content-Type has no (or an empty) `boundary` parameter.
    case missingBoundary
    /// The body breaks the multipart syntax, or ends before its parts do.
    case malformed(String)

    var description: String {
        switch self {
        case .missingBoundary: "multipart/form-data without a boundary parameter"
        case .malformed(let detail): "malformed multipart body: \(detail)"
        }
    }
}

/// Reads `multipart/form-data` bodies (RFC 7578) with MultipartKit's parser: the parts in
/// order, each with its headers and bytes (`[MultipartPart].firstPart(named:)` finds one).
enum MultipartForm {
    /// The `boundary` parameter of a Content-Type header (quoted or not, any parameter order).
    static func boundary(fromContentType contentType: String) throws -> String {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let keyValue = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if keyValue.count == 2, keyValue[0].lowercased() == "boundary" {
                let value = keyValue[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                // Never empty: MultipartParser traps on an empty boundary.
                if !value.isEmpty { return value }
            }
        }
        throw MultipartFormError.missingBoundary
    }

    /// The parts of `body`. The parser itself accepts a body that stops early (it waits for
    /// more bytes), so a body without a single part, or whose last part is not closed by a
    /// boundary, is refused here.
    static func parts(of body: ByteBuffer, boundary: String) throws -> [MultipartPart] {
        let parser = MultipartParser(boundary: boundary)
        var parts: [MultipartPart] = []
        var headers = HTTPHeaders()
        var partBody = ByteBuffer()
        var partStarted = false
        parser.onHeader = { name, value in headers.add(name: name, value: value); partStarted = true }
        parser.onBody = { bytes in partBody.writeBuffer(&bytes); partStarted = true }
        parser.onPartComplete = {
            parts.append(MultipartPart(headers: headers, body: partBody))
            headers = HTTPHeaders(); partBody = ByteBuffer(); partStarted = false
        }
        do { try parser.execute(body) } catch {
            throw MultipartFormError.malformed("part \(parts.count + 1) does not start with header lines (\"Name: value\", CRLF line ends, a blank line before its content) after its boundary")
        }
        if partStarted {
            throw MultipartFormError.malformed("the body ends inside part \(parts.count + 1), before its closing boundary \"--\(boundary)\"")
        }
        guard !parts.isEmpty else {
            throw MultipartFormError.malformed("no part delimited by boundary \"\(boundary)\" (check the boundary and the \"--\(boundary)--\" at the end)")
        }
        return parts
    }
}
