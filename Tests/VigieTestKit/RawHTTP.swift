import Dispatch
import Glibc

/// A test's raw TCP client for the HTTP listener: sends exact bytes, reads to the end of the stream.
package final class RawHTTP: @unchecked Sendable {
    package let descriptor: Int32

    /// Connects to `127.0.0.1:port`; reads give up after `timeout` seconds of silence.
    package init(port: Int, timeout: Int = 30) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var wait = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(descriptor)
            throw TestFailure("connect failed: errno \(errno)")
        }
    }

    deinit { close(descriptor) }

    package func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Everything the server sends until it closes (off the cooperative pool); nil if the read timed out.
    package func readToEnd() async -> String? {
        await withCheckedContinuation { continuation in
            DispatchQueue(label: "test.raw-http").async {
                var answer: [UInt8] = []
                var chunk = [UInt8](repeating: 0, count: 4096)
                while true {
                    let count = recv(self.descriptor, &chunk, chunk.count, 0)
                    if count == 0 { break }
                    if count < 0 {
                        if errno == EINTR { continue }
                        if errno == ECONNRESET { break }
                        return continuation.resume(returning: nil)
                    }
                    answer.append(contentsOf: chunk[..<count])
                }
                continuation.resume(returning: String(decoding: answer, as: UTF8.self))
            }
        }
    }

    /// Sends `request` on a new connection and returns the whole answer.
    package static func exchange(port: Int, _ request: String) async throws -> String {
        let client = try RawHTTP(port: port)
        client.send(request)
        guard let answer = await client.readToEnd() else { throw TestFailure("no answer in time") }
        return answer
    }
}
