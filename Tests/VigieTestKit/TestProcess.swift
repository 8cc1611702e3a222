import Foundation
import VigieCore

/// A child process a test starts and must stop: stopped on `stop()` (SIGKILL after 5 s) or when
/// released; its output goes to `<name>.log` in the test's folder.
///
/// Spawned by `spawnWithCleanSignals` (the test runner blocks SIGTERM in its threads).
package final class TestProcess: ChildProcess, @unchecked Sendable {
    package let output: URL

    /// `environment` adds (or replaces) variables of this process's environment for the child.
    package init(_ executable: String, _ arguments: [String], outputIn directory: URL, name: String,
                 environment: [String: String] = [:]) throws {
        output = directory.appendingPathComponent("\(name).log")
        let pid: pid_t
        do {
            pid = try spawnWithCleanSignals(executable, arguments, log: output.path, environment: environment)
        } catch {
            throw TestFailure(error.message)
        }
        super.init(pid: pid, stopGrace: .seconds(5))
    }

    package var log: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }
}

/// A TCP port on 127.0.0.1 free at the time of the call.
package func freeLoopbackPort() -> Int { LoopbackPort.free() }

/// True once something accepts TCP connections on 127.0.0.1:`port` (waits up to ~5 s).
package func waitForPort(_ port: Int) -> Bool { LoopbackPort.waitUntilListening(port) }
