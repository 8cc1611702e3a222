import Foundation
import VigieCore

/// Peers this project did not write (pymodbus servers in `Tests/Peers/`, the hub sinks' SensorThings
/// server and Smart Data Models database), run from the Python virtual environment
/// `scripts/peers/install.sh` makes in `.build/peers/venv` with the pinned
/// `scripts/peers/requirements.txt` (made on first use; needs python3-venv and PyPI once).
package enum PythonPeers {
    package static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The environment's interpreter, the environment made first if needed.
    package static func python() throws -> String {
        try runTool("/bin/bash", [packageRoot + "/scripts/peers/install.sh"])
        return packageRoot + "/.build/peers/venv/bin/python"
    }

    /// A peer script of `Tests/Peers/`.
    package static func script(_ name: String) -> String {
        packageRoot + "/Tests/Peers/" + name
    }
}

/// Runs a tool to its end; returns its output (stdout and stderr), throws when it exits non-zero.
@discardableResult
package func runTool(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> String {
    let log = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-tool-\(UUID().uuidString).log").path
    defer { try? FileManager.default.removeItem(atPath: log) }
    let pid: pid_t
    do {
        pid = try spawnWithCleanSignals(executable, arguments, log: log, environment: environment)
    } catch {
        throw TestFailure(error.message)
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    guard status == 0 else {
        throw TestFailure("\(executable) \(arguments.joined(separator: " ")) failed (status \(status)): \(output.suffix(2_000))")
    }
    return output
}
