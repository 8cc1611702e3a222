import Foundation
import VigieCore

/// Peers this project did not write (pymodbus servers in `Tests/Peers/`, the hub sinks' SensorThings
/// server and Smart Data Models database), run from the Python virtual environment
/// `scripts/peers/install.sh` makes in `.build/peers/venv` with the pinned
/// `scripts/peers/requirements.txt` (made on first use; needs python3-venv and PyPI once).
package enum PythonPeers {
    package static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The environment's interpreter, the environment made first if needed (its log in `directory`).
    package static func python(in directory: TemporaryDirectory) throws -> String {
        let python = packageRoot + "/.build/peers/venv/bin/python"
        try runTool(packageRoot + "/scripts/peers/install.sh", [], in: directory)
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw TestFailure("scripts/peers/install.sh made no \(python)")
        }
        return python
    }

    /// A peer script of `Tests/Peers/`.
    package static func script(_ name: String) -> String {
        packageRoot + "/Tests/Peers/" + name
    }
}

/// Runs a tool to its end (`runToEnd`); returns its output, throws with it when the tool fails.
@discardableResult
package func runTool(_ executable: String, _ arguments: [String], in directory: TemporaryDirectory) throws -> String {
    let result = try runToEnd(executable, arguments, in: directory, name: URL(fileURLWithPath: executable).lastPathComponent)
    guard result.status == 0 else {
        throw TestFailure("\(executable) \(arguments.joined(separator: " ")) failed (status \(result.status)): \(result.output.suffix(2_000))")
    }
    return result.output
}

/// Runs a program to its end (at most 60 s): its exit status and its output (stdout and stderr).
package func runToEnd(_ executable: String, _ arguments: [String], in directory: TemporaryDirectory,
              name: String = "command") throws -> (status: Int32, output: String) {
    let log = directory.path("\(name)-\(UUID().uuidString).log")
    let pid = try spawnWithCleanSignals(executable, arguments, log: log)
    var status: Int32 = 0
    var exited = false
    for _ in 0..<6000 where !exited {
        if waitpid(pid, &status, WNOHANG) == pid { exited = true } else { usleep(10_000) }
    }
    if !exited {
        kill(pid, SIGKILL)
        waitpid(pid, &status, 0)
    }
    let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    return (exited && status & 0x7f == 0 ? (status >> 8) & 0xff : -1, output)
}
