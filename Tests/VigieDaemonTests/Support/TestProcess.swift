import Foundation

/// A child process a test starts and must stop: stopped on `stop()` or when released.
///
/// Spawned with posix_spawn and an empty signal mask: the test runner blocks SIGTERM and
/// friends in its threads, and a child inheriting that mask would ignore `stop()`.
final class TestProcess: @unchecked Sendable {
    let pid: pid_t
    let output: URL
    private var exited = false

    /// `environment` adds (or replaces) variables of this process's environment for the child.
    init(_ executable: String, _ arguments: [String], outputIn directory: URL, name: String,
         environment: [String: String] = [:]) throws {
        output = directory.appendingPathComponent("\(name).log")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, output.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGUSR1, SIGUSR2] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var variables = ProcessInfo.processInfo.environment
        variables.merge(environment) { _, new in new }
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw TestFailure("cannot start \(executable): \(String(cString: strerror(rc)))") }
        pid = child
    }

    var isRunning: Bool {
        guard !exited else { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { exited = true }
        return !exited
    }

    var log: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

    /// SIGTERM, then SIGKILL if still alive after 5 s; waits for the exit.
    func stop() {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        for _ in 0..<500 where isRunning { usleep(10_000) }
        if isRunning { kill9() }
    }

    /// SIGTERM, then waits (at most `seconds`) for the exit; returns the exit status, or nil when
    /// the process did not exit by itself in time (it is then killed) or died of a signal.
    func terminate(within seconds: Double) -> Int32? {
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
    func kill9() {
        guard isRunning else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        exited = true
    }

    deinit { stop() }
}

/// A temporary directory removed when released.
final class TemporaryDirectory: @unchecked Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-test-\(UUID().uuidString)")
        // World-writable: mosquitto started as root drops to its own user, and must still write its files here.
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o777])
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// A TCP port on 127.0.0.1 free at the time of the call.
func freeLoopbackPort() -> Int {
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
func waitForPort(_ port: Int) -> Bool {
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

/// Polls `condition` until true or about `seconds` passed; for waiting on peers, not for timing.
func eventually(_ seconds: Double = 10, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}

extension TestProcess {
    /// Sends `signal` (SIGSTOP freezes a peer with its connections open).
    func send(_ signal: Int32) { kill(pid, signal) }
}
