import Foundation
import VigieCore

/// A child process a test starts and must stop: stopped on `stop()` or when released.
///
/// Spawned by `spawnWithCleanSignals` (the test runner blocks SIGTERM in its threads).
package final class TestProcess: @unchecked Sendable {
    package let pid: pid_t
    package let output: URL
    private var exited = false

    /// `environment` adds (or replaces) variables of this process's environment for the child.
    package init(_ executable: String, _ arguments: [String], outputIn directory: URL, name: String,
                 environment: [String: String] = [:]) throws {
        output = directory.appendingPathComponent("\(name).log")
        do {
            pid = try spawnWithCleanSignals(executable, arguments, log: output.path, environment: environment)
        } catch {
            throw TestFailure(error.message)
        }
    }

    package var isRunning: Bool {
        guard !exited else { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { exited = true }
        return !exited
    }

    package var log: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

    /// SIGTERM, then SIGKILL if still alive after 5 s; waits for the exit.
    package func stop() {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        for _ in 0..<500 where isRunning { usleep(10_000) }
        if isRunning { kill9() }
    }

    /// SIGTERM, then waits (at most `seconds`) for the exit; returns the exit status, or nil when
    /// the process did not exit by itself in time (it is then killed) or died of a signal.
    package func terminate(within seconds: Double) -> Int32? {
        guard !exited else { return nil }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<Int(seconds * 100) {
            if waitpid(pid, &status, WNOHANG) == pid {
                exited = true
                let signalled = (status & 0x7f) != 0
                return signalled ? nil : (status >> 8) & 0xff
            }
            usleep(10_000)
        }
        kill9()
        return nil
    }

    /// SIGKILL: a peer that dies without a goodbye.
    package func kill9() {
        guard isRunning else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        exited = true
    }

    deinit { stop() }
}

/// A TCP port on 127.0.0.1 free at the time of the call.
package func freeLoopbackPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// True once something accepts TCP connections on 127.0.0.1:`port` (waits up to ~5 s).
package func waitForPort(_ port: Int) -> Bool {
    for _ in 0..<500 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        close(fd)
        if result == 0 { return true }
        usleep(10_000)
    }
    return false
}

extension TestProcess {
    /// Sends `signal` (SIGSTOP freezes a peer with its connections open).
    package func send(_ signal: Int32) { kill(pid, signal) }
}
