#if canImport(Glibc)
import VigieCore
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Speaks systemd's `sd_notify` protocol without linking libsystemd: one datagram per
/// notification, `KEY=value` lines, sent to the unix socket named by `$NOTIFY_SOCKET`
/// (a path, or an abstract socket when it starts with `@`).
///
/// Without `$NOTIFY_SOCKET` (not started by systemd, or not `Type=notify`), every call is a no-op,
/// so the daemon calls it unconditionally. A socket is opened per notification, as libsystemd does:
/// notifications are rare (the watchdog pings every few seconds), so nothing is held open.
public struct SystemdNotifier: Sendable {
    /// Where notifications go; nil when the daemon is not supervised by systemd.
    public let socketPath: String?

    /// A notifier for the socket named by `$NOTIFY_SOCKET` in `environment`.
    public init(environment: [String: String]) {
        let path = environment["NOTIFY_SOCKET"] ?? ""
        self.socketPath = path.isEmpty ? nil : path
    }

    /// A notifier for an explicit socket path (`@name` for an abstract socket).
    public init(socketPath: String?) {
        self.socketPath = socketPath
    }

    /// True when notifications go somewhere.
    public var isEnabled: Bool { socketPath != nil }

    /// `READY=1`: start-up finished; sources, store and sinks are running.
    public func ready(status: String? = nil) throws(VigieDaemonError) {
        try send(["READY=1"] + Self.statusField(status))
    }

    /// `STATUS=`: a one-line summary shown by `systemctl status`.
    public func status(_ text: String) throws(VigieDaemonError) {
        try send(Self.statusField(text))
    }

    /// `RELOADING=1` with `MONOTONIC_USEC` (required by systemd 253+ for `Type=notify-reload`); send `ready()` after.
    public func reloading() throws(VigieDaemonError) {
        try send(["RELOADING=1", "MONOTONIC_USEC=\(Self.monotonicMicroseconds())"])
    }

    /// `STOPPING=1`: graceful shutdown has begun; systemd stops expecting watchdog pings.
    public func stopping() throws(VigieDaemonError) {
        try send(["STOPPING=1"])
    }

    /// `WATCHDOG=1`: the pipeline is alive; systemd kills and restarts the service when these stop.
    public func watchdog() throws(VigieDaemonError) {
        try send(["WATCHDOG=1"])
    }

    /// Sends one datagram made of `fields`, one `KEY=value` per line.
    public func send(_ fields: [String]) throws(VigieDaemonError) {
        guard let socketPath, !fields.isEmpty else { return }
        let message = fields.joined(separator: "\n")
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 } // abstract namespace
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else {
            throw VigieDaemonError(.notify, "NOTIFY_SOCKET is longer than \(capacity - 1) bytes: \(socketPath)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count + (pathBytes.first == 0 ? 0 : 1))
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            throw VigieDaemonError(.notify, "Could not open a socket to notify systemd (errno \(errno)).")
        }
        defer { close(fd) }
        let sent = message.withCString { text in
            withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                    sendto(fd, text, strlen(text), Int32(MSG_NOSIGNAL), socketAddress, length)
                }
            }
        }
        guard sent >= 0 else {
            let code = errno
            throw VigieDaemonError(.notify, "Could not notify systemd at \(socketPath): \(String(cString: strerror(code))).")
        }
    }

    private static func statusField(_ status: String?) -> [String] {
        guard let status else { return [] }
        // One line only: a newline would start a new, unintended field.
        let line = status.map { $0.isNewline ? " " : $0 }
        return ["STATUS=" + String(line)]
    }

    private static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) &* 1_000_000 &+ UInt64(now.tv_nsec / 1000)
    }
}
