import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal blocking HTTP/1.1 client for the load benchmark: one keep-alive TCP connection
/// to a loopback address, requests with a body, responses with a Content-Length (what the
/// pose server sends). No dependency beyond the C library, so its own cost is small and
/// known. Not thread-safe: use one per thread.
final class LoopbackHTTPClient {
    /// A response: status, the headers (lower-cased names) and the body.
    struct Response {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
    }

    enum ClientError: Error, CustomStringConvertible {
        case notLoopback(String)
        case connect(String)
        case io(String)
        case protocolError(String)
        var description: String {
            switch self {
            case .notLoopback(let h): "\(h) is not a loopback address: the benchmark only loads 127.0.0.1, ::1 or localhost"
            case .connect(let s): "cannot connect: \(s)"
            case .io(let s): "connection error: \(s)"
            case .protocolError(let s): "malformed HTTP response: \(s)"
            }
        }
    }

    let host: String
    let port: Int
    /// Seconds a send or receive may block before the request fails.
    let timeoutSeconds: Int
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []

    /// Only 127.0.0.1 (any 127/8), ::1 and localhost are accepted.
    init(host: String, port: Int, timeoutSeconds: Int = 60) throws {
        guard host == "localhost" || host == "::1" || host.hasPrefix("127.") else { throw ClientError.notLoopback(host) }
        self.host = host == "localhost" ? "127.0.0.1" : host
        self.port = port
        self.timeoutSeconds = timeoutSeconds
    }

    deinit { close() }

    func close() {
        if fd >= 0 { Glibc.close(fd); fd = -1 }
        buffer.removeAll(keepingCapacity: true)
    }

    private func connect() throws {
        let v6 = host.contains(":")
        let s = socket(v6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard s >= 0 else { throw ClientError.connect(String(cString: strerror(errno))) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(s, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let result: Int32
        if v6 {
            var addr = sockaddr_in6()
            addr.sin6_family = sa_family_t(AF_INET6)
            addr.sin6_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET6, host, &addr.sin6_addr)
            result = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(s, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
        } else {
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else { Glibc.close(s); throw ClientError.connect("bad address \(host)") }
            result = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        }
        guard result == 0 else {
            let message = String(cString: strerror(errno))
            Glibc.close(s)
            throw ClientError.connect("\(host):\(port): \(message)")
        }
        fd = s
    }

    /// Sends one request and reads its response. Reconnects once when a kept-alive
    /// connection turns out closed.
    func send(method: String, path: String, headers: [(String, String)] = [], body: [UInt8] = []) throws -> Response {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Length: \(body.count)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        let request = Array(head.utf8) + body
        for attempt in 0..<2 {
            let fresh = fd < 0
            if fresh { try connect() }
            do {
                try write(request)
                return try readResponse()
            } catch let error as ClientError {
                close()
                // A kept-alive connection the server closed meanwhile: retry once on a new one.
                if attempt == 0 && !fresh, case .io = error { continue }
                throw error
            }
        }
        throw ClientError.io("unreachable")
    }

    private func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw ClientError.io("send: \(String(cString: strerror(errno)))") }
            offset += n
        }
    }

    /// Reads more bytes into `buffer`; throws when the peer closed or the read timed out.
    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { throw ClientError.io(n == 0 ? "closed by the server" : "recv: \(String(cString: strerror(errno)))") }
        buffer.append(contentsOf: chunk[0..<n])
    }

    private func readResponse() throws -> Response {
        // Head: up to the blank line.
        var headEnd: Int?
        while headEnd == nil {
            if let r = Self.find([13, 10, 13, 10], in: buffer) { headEnd = r } else {
                guard buffer.count < 1 << 20 else { throw ClientError.protocolError("head over 1 MB") }
                try fill()
            }
        }
        let head = String(decoding: buffer[0..<headEnd!], as: UTF8.self)
        buffer.removeFirst(headEnd! + 4)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw ClientError.protocolError("status line \(statusLine)") }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        guard let length = headers["content-length"].flatMap(Int.init) else {
            throw ClientError.protocolError("no Content-Length (status \(status))")
        }
        while buffer.count < length { try fill() }
        let body = Array(buffer[0..<length])
        buffer.removeFirst(length)
        if headers["connection"]?.lowercased() == "close" { close() }
        return Response(status: status, headers: headers, body: body)
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }
}
