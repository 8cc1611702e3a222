import Foundation
import VigieTestKit

/// Peers this project did not write (pymodbus servers in `Tests/Peers/`), run from the Python
/// virtual environment `scripts/peers/install.sh` makes in `.build/peers/venv` with the pinned
/// `scripts/peers/requirements.txt` (made on first use; needs python3-venv and PyPI once).
enum PythonPeers {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// The environment's interpreter, the environment made first if needed (its log in `directory`).
    static func python(in directory: TemporaryDirectory) throws -> String {
        let python = packageRoot + "/.build/peers/venv/bin/python"
        try runTool(packageRoot + "/scripts/peers/install.sh", [], in: directory)
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw TestFailure("scripts/peers/install.sh made no \(python)")
        }
        return python
    }

    /// A peer script of `Tests/Peers/`.
    static func script(_ name: String) -> String {
        packageRoot + "/Tests/Peers/" + name
    }
}

/// Runs a tool to its end (`runToEnd`); returns its output, throws with it when the tool fails.
@discardableResult
func runTool(_ executable: String, _ arguments: [String], in directory: TemporaryDirectory) throws -> String {
    let result = try runToEnd(executable, arguments, in: directory, name: URL(fileURLWithPath: executable).lastPathComponent)
    guard result.status == 0 else {
        throw TestFailure("\(executable) \(arguments.joined(separator: " ")) failed (status \(result.status)): \(result.output.suffix(2_000))")
    }
    return result.output
}
