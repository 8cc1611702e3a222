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
