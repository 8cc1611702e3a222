import Foundation
import VigieDaemon

/// Peers this project did not write, run from a Python virtual environment with pinned packages.
///
/// The environment is created on first use under the system's temporary folder, named by its
/// requirements (a change of version makes a new one), and kept for later runs. Creating it needs
/// `python3 -m venv` (Debian: python3-venv) and PyPI, once.
enum PythonPeers {
    static let requirements = ["pymodbus==3.16.1"]

    /// The environment's interpreter, the environment created first if needed.
    static func python() throws -> String {
        let name = "vigie-test-python-" + requirements.joined(separator: "-").replacingOccurrences(of: "=", with: "")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(name).path
        let python = folder + "/bin/python"
        // Marked ready only once pip finished: an interrupted installation is made again.
        let ready = folder + "/vigie-ready"
        if FileManager.default.fileExists(atPath: ready) { return python }
        try? FileManager.default.removeItem(atPath: folder)
        try runTool("/usr/bin/python3", ["-m", "venv", folder])
        try runTool(python, ["-m", "pip", "install", "-q", "--disable-pip-version-check"] + requirements)
        _ = FileManager.default.createFile(atPath: ready, contents: Data())
        return python
    }

    /// A fixture script of this test target (`Fixtures/NAME`).
    static func script(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name).path
    }
}

/// Runs a tool to its end; returns its output (stdout and stderr), throws when it exits non-zero.
@discardableResult
func runTool(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> String {
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
