import VigieCore
import VigieDaemon
import Glibc

/// A helper program the demo starts (mosquitto, socat), its output appended to a log file;
/// stopped (SIGKILL after 3 s) by `stop()` or when released.
package final class DemoProcess: ChildProcess, @unchecked Sendable {
    package let executable: String

    /// Starts `executable` with `arguments`; throws when it cannot be spawned.
    package init(_ executable: String, _ arguments: [String], log: String) throws(VigieDaemonError) {
        let pid: pid_t
        do {
            pid = try spawnWithCleanSignals(executable, arguments, log: log)
        } catch {
            throw VigieDaemonError(.demo, error.message)
        }
        self.executable = executable
        super.init(pid: pid, stopGrace: .seconds(3))
    }

    /// The full path of `name` found in PATH (and the sbin folders, where mosquitto lives), or nil.
    package static func find(_ name: String, path: String?) -> String? {
        let folders = (path ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
            + ["/usr/sbin", "/sbin", "/usr/local/sbin"]
        return folders.map { "\($0)/\(name)" }.first { access($0, X_OK) == 0 }
    }
}
