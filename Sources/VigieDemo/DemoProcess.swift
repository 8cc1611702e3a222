import VigieCore
import VigieDaemon
import Glibc

/// A helper program the demo starts (mosquitto, socat), its output appended to a log file;
/// stopped by `stop()` or when released.
///
/// Spawned by `spawnWithCleanSignals`, so that `stop()`'s SIGTERM reaches it.
package final class DemoProcess: @unchecked Sendable {
    // Unchecked: `exited` is touched only by the owner's task (start, stop, isRunning).
    package let pid: pid_t
    package let executable: String
    private var exited = false

    /// Starts `executable` with `arguments`; throws when it cannot be spawned.
    package init(_ executable: String, _ arguments: [String], log: String) throws(VigieDaemonError) {
        do {
            pid = try spawnWithCleanSignals(executable, arguments, log: log)
        } catch {
            throw VigieDaemonError(.demo, error.message)
        }
        self.executable = executable
    }

    /// Whether the process has not exited yet (reaps it when it has).
    package var isRunning: Bool {
        guard !exited else { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { exited = true }
        return !exited
    }

    /// SIGTERM, then SIGKILL if still alive after 3 s; waits for the exit.
    package func stop() {
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
    package static func find(_ name: String, path: String?) -> String? {
        let folders = (path ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
            + ["/usr/sbin", "/sbin", "/usr/local/sbin"]
        return folders.map { "\($0)/\(name)" }.first { access($0, X_OK) == 0 }
    }
}
