import Foundation
import VigieDaemon
import VigieTestKit

/// The pymodbus SunSpec device of `Tests/Peers/sunspec_peer.py` on a free loopback port: a
/// Modbus server no one in this project wrote. The venv with pymodbus (pinned in
/// scripts/peers/requirements.txt) is made by scripts/peers/install.sh when missing.
final class SunSpecPeer: @unchecked Sendable {
    let port: Int
    private let process: TestProcess

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    init(in directory: TemporaryDirectory) throws {
        let root = Self.packageRoot
        let python = root.appendingPathComponent(".build/peers/venv/bin/python").path
        let install = try runToEnd(root.appendingPathComponent("scripts/peers/install.sh").path, [], in: directory, name: "peers-install")
        guard install.status == 0, FileManager.default.isExecutableFile(atPath: python) else {
            throw TestFailure("scripts/peers/install.sh failed (status \(install.status)): \(install.output)")
        }
        port = freeLoopbackPort()
        process = try TestProcess(python, [root.appendingPathComponent("Tests/Peers/sunspec_peer.py").path, "\(port)"],
                                  outputIn: directory.url, name: "sunspec-peer-\(port)")
        guard waitForPort(port) else { throw TestFailure("the pymodbus peer did not listen: \(process.log)") }
    }

    func stop() { process.stop() }
    deinit { process.stop() }
}

/// Runs a program to its end (at most 60 s): its exit status and its output (stdout and stderr).
func runToEnd(_ executable: String, _ arguments: [String], in directory: TemporaryDirectory,
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
