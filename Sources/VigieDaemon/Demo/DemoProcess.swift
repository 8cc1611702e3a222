import Glibc

/// A helper program the demo starts (mosquitto, socat), its output appended to a log file;
/// stopped by `stop()` or when released.
///
/// Spawned with an empty signal mask and default handlers: the service group blocks or
/// ignores SIGTERM and SIGINT in this process, and a child inheriting that would ignore `stop()`.
final class DemoProcess: @unchecked Sendable {
    // Unchecked: `exited` is touched only by the owner's task (start, stop, isRunning).
    let pid: pid_t
    let executable: String
    private var exited = false

    /// Starts `executable` with `arguments`; throws when it cannot be spawned.
    init(_ executable: String, _ arguments: [String], log: String) throws(VigieDaemonError) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, &attributes, argv, environ)
        guard rc == 0 else {
            throw VigieDaemonError(.demo, "cannot start \(executable): \(String(cString: strerror(rc)))")
        }
        pid = child
        self.executable = executable
    }

    /// Whether the process has not exited yet (reaps it when it has).
    var isRunning: Bool {
        guard !exited else { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { exited = true }
        return !exited
    }

    /// SIGTERM, then SIGKILL if still alive after 3 s; waits for the exit.
    func stop() {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        for _ in 0..<300 where isRunning { usleep(10_000) }
        guard isRunning else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        exited = true
    }

    deinit { stop() }

    /// The full path of `name` found in PATH (and the sbin folders, where mosquitto lives), or nil.
    static func find(_ name: String, path: String?) -> String? {
        let folders = (path ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
            + ["/usr/sbin", "/sbin", "/usr/local/sbin"]
        return folders.map { "\($0)/\(name)" }.first { access($0, X_OK) == 0 }
    }
}
