/// The request line and headers of one HTTP/1.x request, parsed from raw bytes.
///
/// Strict where it matters for a status server and lenient where RFC 9112 allows: a bare LF ends a
/// line like CRLF, `Host` may be missing (HTTP/1.0 clients), header values may hold obs-text bytes
/// (decoded as UTF-8, invalid bytes replaced). Everything else that is not HTTP/1.x is refused with
/// an `HTTPRequestHead.Failure` carrying the status to answer (400, 431, 505).
package struct HTTPRequestHead: Sendable, Equatable {
    /// The largest head accepted (request line and headers); longer gets 431.
    package static let maximumSize = 16 * 1024
    /// The most header fields accepted; more gets 431.
    package static let maximumFields = 100

    /// The method token, e.g. `GET`.
    package var method: String
    /// The path, still percent-encoded, without the query: `/api/sensors`.
    package var path: String
    /// The query's parameters, percent-decoded; the first of a repeated name wins.
    package var query: [String: String]
    /// `HTTP/1.1` or `HTTP/1.0`.
    package var version: String
    /// The header fields in order, names as sent.
    package var fields: [(name: String, value: String)]

    /// The first value of the header `name` (case-insensitive), if present.
    package func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return fields.first { $0.name.lowercased() == wanted }?.value
    }

    /// Whether the request announces a body (`Content-Length` above 0 or any `Transfer-Encoding`).
    package var hasBody: Bool {
        if header("Transfer-Encoding") != nil { return true }
        guard let length = header("Content-Length") else { return false }
        return length != "0"
    }

    package static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.method == rhs.method && lhs.path == rhs.path && lhs.query == rhs.query && lhs.version == rhs.version
            && lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    /// A head that cannot be served, with the status to answer and a sentence for the body.
    package struct Failure: Error, Equatable {
        package var status: Int
        package var message: String
    }

    /// Finds where a head ends as its bytes arrive: the empty line after the headers (`\r\n\r\n`
    /// or `\n\n`). Each byte is looked at once, however the head is split into reads.
    package struct EndScanner {
        private var newlines = 0
        private var scanned = 0

        /// The head's length in `buffer` (which only grows between calls), or nil if not ended yet.
        package mutating func headLength(in buffer: [UInt8]) -> Int? {
            while scanned < buffer.count {
                let byte = buffer[scanned]
                scanned += 1
                if byte == 0x0A {
                    newlines += 1
                    if newlines == 2 { return scanned }
                } else if byte != 0x0D {
                    newlines = 0
                }
            }
            return nil
        }
    }

    /// Parses a complete head (as delimited by `EndScanner`).
    package static func parse(_ bytes: [UInt8]) throws(Failure) -> HTTPRequestHead {
        guard bytes.count <= maximumSize else {
            throw Failure(status: 431, message: "The request head is over \(maximumSize) bytes.")
        }
        var lines = lines(of: bytes[...])
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let requestLine = lines.first, !requestLine.isEmpty else {
            throw Failure(status: 400, message: "The request line is missing.")
        }
        var head = try parseRequestLine(requestLine)
        let fieldLines = lines.dropFirst()
        guard fieldLines.count <= maximumFields else {
            throw Failure(status: 431, message: "The request has over \(maximumFields) header fields.")
        }
        for line in fieldLines { head.fields.append(try parseField(line)) }
        return head
    }

    /// The lines of a request head, LF or CRLF ended.
    package static func lines(of bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            line.last == 0x0D ? line.dropLast() : line
        }
    }

    private static func parseRequestLine(_ line: ArraySlice<UInt8>) throws(Failure) -> HTTPRequestHead {
        guard line.allSatisfy({ $0 > 0x20 && $0 < 0x7F || $0 == 0x20 }) else {
            throw Failure(status: 400, message: "The request line holds control or non-ASCII bytes.")
        }
        let parts = line.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3, let method = parts.first, !method.isEmpty, method.allSatisfy(isTokenByte) else {
            throw Failure(status: 400, message: "The request line is not 'METHOD /path HTTP/1.1'.")
        }
        let target = String(decoding: parts[1], as: UTF8.self)
        let version = String(decoding: parts[2], as: UTF8.self)
        guard version.hasPrefix("HTTP/"), version.count == 8 else {
            throw Failure(status: 400, message: "The request line is not 'METHOD /path HTTP/1.1'.")
        }
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else {
            throw Failure(status: 505, message: "Only HTTP/1.0 and HTTP/1.1 are supported, not \(version).")
        }
        guard target.hasPrefix("/") else {
            throw Failure(status: 400, message: "The request target must be a path starting with '/'.")
        }
        let path: Substring, queryText: Substring
        if let mark = target.firstIndex(of: "?") {
            path = target[..<mark]
            queryText = target[target.index(after: mark)...]
        } else {
            path = Substring(target)
            queryText = ""
        }
        return HTTPRequestHead(method: String(decoding: method, as: UTF8.self), path: String(path),
                               query: try parseQuery(queryText), version: version, fields: [])
    }

    private static func parseQuery(_ text: Substring) throws(Failure) -> [String: String] {
        var query: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let equals = pair.firstIndex(of: "=")
            let rawName = equals.map { pair[..<$0] } ?? pair
            let rawValue = equals.map { pair[pair.index(after: $0)...] } ?? ""
            guard let name = percentDecoded(rawName), let value = percentDecoded(rawValue) else {
                throw Failure(status: 400, message: "The query has a bad percent escape.")
            }
            if query[name] == nil { query[name] = value }
        }
        return query
    }

    private static func parseField(_ line: ArraySlice<UInt8>) throws(Failure) -> (name: String, value: String) {
        if line.first == 0x20 || line.first == 0x09 {
            throw Failure(status: 400, message: "Folded header lines are not accepted.")
        }
        guard let colon = line.firstIndex(of: 0x3A) else {
            throw Failure(status: 400, message: "A header line has no ':'.")
        }
        let name = line[..<colon]
        guard !name.isEmpty, name.allSatisfy(isTokenByte) else {
            throw Failure(status: 400, message: "A header name is empty or holds bytes that are not allowed.")
        }
        var value = line[(colon + 1)...]
        while let first = value.first, first == 0x20 || first == 0x09 { value = value.dropFirst() }
        while let last = value.last, last == 0x20 || last == 0x09 { value = value.dropLast() }
        guard value.allSatisfy({ $0 >= 0x20 && $0 != 0x7F || $0 == 0x09 }) else {
            throw Failure(status: 400, message: "A header value holds control bytes.")
        }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }

    /// RFC 9110 `tchar`: letters, digits and ``!#$%&'*+-.^_`|~``.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    /// `text` with `%XX` escapes decoded; nil for a bad escape or bytes that are not UTF-8.
    package static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
