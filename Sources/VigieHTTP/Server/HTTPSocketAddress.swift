import Glibc
import VigieCore

/// An IPv4 or IPv6 socket address for the HTTP listener and `StatusClient`, from an `Endpoint`
/// whose host is an IP address (`localhost` is taken as `127.0.0.1`).
package struct HTTPSocketAddress: Sendable {
    /// `AF_INET` or `AF_INET6`.
    package let family: Int32
    private let storage: sockaddr_storage
    /// The length of the address in `storage`.
    package let length: socklen_t

    /// - Throws: `.httpConfiguration` for a port out of range or a host that is not an IP address.
    package init(_ endpoint: Endpoint) throws(VigieDaemonError) {
        guard (0...65535).contains(endpoint.port) else {
            throw VigieDaemonError(.httpConfiguration, "gateway.http port \(endpoint.port) is out of range.")
        }
        let port = UInt16(endpoint.port).bigEndian
        let host = endpoint.host == "localhost" ? "127.0.0.1" : endpoint.host
        var storage = sockaddr_storage()
        var parsed: Int32 = 0
        if host.contains(":") {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port
            parsed = inet_pton(AF_INET6, host, &address.sin6_addr)
            length = Self.copy(address, into: &storage)
            family = AF_INET6
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port
            parsed = inet_pton(AF_INET, host, &address.sin_addr)
            length = Self.copy(address, into: &storage)
            family = AF_INET
        }
        guard parsed == 1 else {
            throw VigieDaemonError(.httpConfiguration, "gateway.http host '\(endpoint.host)' must be an IP address (e.g. 127.0.0.1 or ::1).")
        }
        self.storage = storage
    }

    /// Calls `body` with the address as a `sockaddr` pointer and its length (for bind and connect).
    package func withSockaddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        withUnsafeBytes(of: storage) { raw in
            body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
    }

    /// Copies a `sockaddr_in` or `sockaddr_in6` into `storage`; returns its length.
    private static func copy<Address>(_ address: Address, into storage: inout sockaddr_storage) -> socklen_t {
        withUnsafeBytes(of: address) { source in
            withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: source) }
        }
        return socklen_t(MemoryLayout<Address>.size)
    }

    /// The port a bound socket `fd` listens on (after binding port 0), or nil if unknown.
    package static func boundPort(of fd: Int32) -> Int? {
        var bound = sockaddr_storage()
        var size = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutableBytes(of: &bound) { raw in
            getsockname(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), &size)
        }
        guard result == 0 else { return nil }
        switch Int32(bound.ss_family) {
        case AF_INET: return withUnsafeBytes(of: bound) { Int(UInt16(bigEndian: $0.load(as: sockaddr_in.self).sin_port)) }
        case AF_INET6: return withUnsafeBytes(of: bound) { Int(UInt16(bigEndian: $0.load(as: sockaddr_in6.self).sin6_port)) }
        default: return nil
        }
    }
}
