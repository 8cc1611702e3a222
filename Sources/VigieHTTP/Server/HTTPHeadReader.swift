/// Reads one request head from a client socket, within a deadline and the size limit.
package enum HTTPHeadReader {
    /// What came in on the connection.
    package enum Outcome: Sendable {
        /// A well-formed head.
        case head(HTTPRequestHead)
        /// A head that cannot be served: answer this, then close.
        case refused(HTTPResponse)
        /// The client left, the server is stopping, or the read failed: close without answering.
        case closed
    }

    /// Blocks until a complete head arrived, the client sent more than `HTTPRequestHead.maximumSize`
    /// bytes without ending it (431), `timeout` passed (408), or `stop` fired.
    package static func read(_ socket: HTTPSocket, timeout: Duration, stop: HTTPStopSignal) -> Outcome {
        let deadline = ContinuousClock.now + timeout
        var buffer: [UInt8] = []
        var scanner = HTTPRequestHead.EndScanner()
        while true {
            switch socket.waitReadable(until: deadline, stop: stop) {
            case .stopped: return .closed
            case .timedOut: return .refused(.text(408, "The request did not arrive in time.\n"))
            case .readable: break
            }
            guard socket.read(into: &buffer) > 0 else { return .closed }
            if let length = scanner.headLength(in: buffer) {
                do {
                    return .head(try HTTPRequestHead.parse(Array(buffer[..<length])))
                } catch {
                    return .refused(.text(error.status, error.message + "\n"))
                }
            }
            if buffer.count > HTTPRequestHead.maximumSize {
                return .refused(.text(431, "The request head is over \(HTTPRequestHead.maximumSize) bytes.\n"))
            }
        }
    }
}
