import Foundation
import VigieCore
import VigieTestKit

/// The pymodbus SunSpec device of `Tests/Peers/sunspec_peer.py` on a free loopback port: a
/// Modbus server no one in this project wrote. The venv with pymodbus (pinned in
/// scripts/peers/requirements.txt) is made by scripts/peers/install.sh when missing.
final class SunSpecPeer: @unchecked Sendable {
    let port: Int
    private let process: TestProcess

    init(in directory: TemporaryDirectory) throws {
        port = freeLoopbackPort()
        process = try TestProcess(try PythonPeers.python(in: directory), [PythonPeers.script("sunspec_peer.py"), "\(port)"],
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
