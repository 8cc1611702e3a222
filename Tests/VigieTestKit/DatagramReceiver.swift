import Glibc

/// A real unix datagram socket standing in for systemd's notification socket.
package final class DatagramReceiver {
    package let path: String
    private let fd: Int32

    package init() throws {
        var template = Array("/tmp/vigie-notify-XXXXXX".utf8CString)
        guard let dir = mkdtemp(&template) else { throw TestFailure("mkdtemp failed") }
        path = String(cString: dir) + "/notify.sock"
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else { throw TestFailure("bind failed: \(errno)") }
    }

    deinit {
        close(fd)
        unlink(path)
        rmdir(String(path.dropLast("/notify.sock".count)))
    }

    /// Every datagram waiting now (sending to a unix datagram socket queues synchronously).
    package func drain() -> [String] {
        var messages: [String] = []
        while let message = receive(timeoutMilliseconds: 0) { messages.append(message) }
        return messages
    }

    /// The next datagram, waiting at most the given time.
    package func receive(timeoutMilliseconds: Int32) -> String? {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, timeoutMilliseconds) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        guard count >= 0 else { return nil }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }
}
