import Glibc

/// One blocking HTTP/1.1 exchange for `StatusClient`: connect, send the request, read the answer
/// to the end of the stream (the request says `Connection: close`), parse it.
package enum StatusExchange {
    /// The status code and body of an answer.
    package struct Response: Equatable, Sendable {
        package var status: Int
        package var body: [UInt8]
    }

    /// Why there is no answer, in words for the user (e.g. `connection refused`).
    package struct Failure: Error, Equatable {
        package var reason: String
    }

    /// The largest answer read; the gateway's biggest page is far smaller.
    package static let maximumSize = 64 * 1024 * 1024

    /// Blocks for at most about `timeout` per step (connect, each send, each read).
    package static func run(_ request: [UInt8], to address: HTTPSocketAddress, timeout: Duration) -> Result<Response, Failure> {
        let descriptor = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return .failure(Failure(reason: "cannot open a socket: \(HTTPSocket.lastError)")) }
        let socket = HTTPSocket(descriptor: descriptor)
        socket.setTimeouts(timeout)
        guard address.withSockaddr({ connect(descriptor, $0, $1) }) == 0 else {
            return .failure(Failure(reason: errno == EINPROGRESS ? "connection timed out" : HTTPSocket.lastError.lowercased()))
        }
        guard socket.writeAll(request) else {
            return .failure(Failure(reason: "sending the request failed: \(HTTPSocket.lastError.lowercased())"))
        }
        var answer: [UInt8] = []
        while true {
            let count = socket.read(into: &answer, limit: 65_536)
            if count == 0 { break }
            if count < 0 {
                let timedOut = errno == EAGAIN || errno == EWOULDBLOCK
                return .failure(Failure(reason: timedOut ? "no answer within \(timeout)" : HTTPSocket.lastError.lowercased()))
            }
            if answer.count > maximumSize { return .failure(Failure(reason: "the answer is over \(maximumSize) bytes")) }
        }
        return parse(answer)
    }

    /// Parses a whole answer: status line, headers, then the body (`Content-Length` bytes if given,
    /// else everything to the end of the stream).
    package static func parse(_ answer: [UInt8]) -> Result<Response, Failure> {
        var scanner = HTTPRequestHead.EndScanner()
        guard let headLength = scanner.headLength(in: answer) else {
            return .failure(Failure(reason: answer.isEmpty ? "the connection closed without an answer" : "the answer's head is incomplete"))
        }
        let lines = HTTPRequestHead.lines(of: answer[..<headLength]).filter { !$0.isEmpty }
            .map { String(decoding: $0, as: UTF8.self) }
        let statusParts = lines.first?.split(separator: " ", maxSplits: 2) ?? []
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), statusParts[1].count == 3,
              let status = Int(statusParts[1]) else {
            return .failure(Failure(reason: "the answer is not HTTP/1.x"))
        }
        var body = Array(answer[headLength...])
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingPrefix(" ")
            if name == "transfer-encoding" { return .failure(Failure(reason: "a chunked answer is not supported")) }
            if name == "content-length" {
                guard let length = Int(value), length >= 0, length <= body.count else {
                    return .failure(Failure(reason: "the answer is shorter than its Content-Length"))
                }
                body = Array(body[..<length])
            }
        }
        return .success(Response(status: status, body: body))
    }
}
