import Glibc
import VigieCore

/// The listening socket of the gateway's HTTP server: bound at creation, accepting until stopped.
package final class HTTPListener: Sendable {
    /// The port bound (the one chosen by the system when the endpoint's port is 0).
    package let port: Int
    private let socket: HTTPSocket

    /// Binds and listens on `address` (IPv6 addresses take IPv6 only: `::` does not also take IPv4).
    /// - Throws: `.http` with the system's reason (e.g. address in use).
    package init(_ address: HTTPSocketAddress) throws(VigieDaemonError) {
        let descriptor = Glibc.socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else {
            throw VigieDaemonError(.http, "Could not open a socket: \(HTTPSocket.lastError).")
        }
        let socket = HTTPSocket(descriptor: descriptor)
        var yes: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        if address.family == AF_INET6 {
            setsockopt(descriptor, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &yes, socklen_t(MemoryLayout<Int32>.size))
        }
        guard address.withSockaddr({ bind(descriptor, $0, $1) }) == 0, listen(descriptor, 64) == 0 else {
            throw VigieDaemonError(.http, HTTPSocket.lastError)
        }
        guard let port = HTTPSocketAddress.boundPort(of: descriptor) else {
            throw VigieDaemonError(.http, "Could not read the bound port: \(HTTPSocket.lastError).")
        }
        self.socket = socket
        self.port = port
    }

    /// Blocks until a client connects (its socket) or `stop` fires (nil). Call from a dedicated thread.
    package func accept(stop: HTTPStopSignal) -> HTTPSocket? {
        while true {
            switch socket.waitReadable(until: .now + .seconds(86_400), stop: stop) {
            case .stopped: return nil
            case .timedOut: continue
            case .readable: break
            }
            let client = Glibc.accept(socket.descriptor, nil, nil)
            if client >= 0 {
                _ = fcntl(client, F_SETFD, FD_CLOEXEC)
                return HTTPSocket(descriptor: client)
            }
            // EAGAIN (the client left), ECONNABORTED, EINTR, EMFILE: wait for the next one.
            if errno == EMFILE || errno == ENFILE {
                var entry = pollfd(fd: stop.descriptor, events: Int16(POLLIN), revents: 0)
                _ = poll(&entry, 1, 100)
            }
        }
    }
}
