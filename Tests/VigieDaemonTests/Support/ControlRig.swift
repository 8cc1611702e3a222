import Foundation
import Testing
import VigieTestKit

/// A gateway with control enabled between real peers: a pymodbus device that logs the writes it
/// takes (`Tests/Peers/modbus_write_peer.py`), a mosquitto hub broker with a subscriber on
/// everything, and the built `vigie run`.
final class ControlRig: @unchecked Sendable {
    let directory: TemporaryDirectory
    let peer: TestProcess
    let peerPort: Int
    let broker: Mosquitto
    let hub: Subscriber
    let httpPort = freeLoopbackPort()
    var daemon: TestProcess?
    var runs = 0

    /// `drainRate`: the sink's; `maxAge`: control's; `extraPoints`: more inline points of device `mixed`.
    init(drainRate: Int = 10_000, maxAge: String = "5m") throws {
        directory = TemporaryDirectory()
        peerPort = freeLoopbackPort()
        peer = try TestProcess(try PythonPeers.python(in: directory), [PythonPeers.script("modbus_write_peer.py"), "\(peerPort)"],
                               outputIn: directory.url, name: "modbus-peer")
        guard waitForPort(peerPort) else { throw TestFailure("the pymodbus peer did not start: \(peer.log)") }
        broker = try Mosquitto(directory: directory)
        hub = try Subscriber(port: broker.port, topic: "hub/#", directory: directory, name: "hub")
        try """
            gateway: { id: gw, data_dir: \(dataDirectory), http: "127.0.0.1:\(httpPort)" }
            modbus:
              buses:
                - name: peer
                  tcp: 127.0.0.1:\(peerPort)
                  timeout: 1s
                  devices:
                    - name: mixed
                      unit: 1
                      poll: 1s
                      points:
                        - { name: u16, table: holding, address: 0, type: uint16 }
                        - { name: consigne, table: holding, address: 30, type: uint16, scale: 0.1, unit: Cel, write: { min: 150, max: 250 } }
                        - { name: override, table: holding, address: 40, type: bits, bit: 3, write: {} }
                        - { name: mode, table: holding, address: 41, enum: { 0: off, 1: eco, 2: comfort }, write: {} }
            aggregate: { window: 1s, grace: 0s }
            upstream:
              - mqtt: { name: hub, broker: "127.0.0.1:\(broker.port)", topic: "hub/{gateway}/{kind}/{device}", drain_rate: \(drainRate) }
            control: { enabled: true, commands: "hub/{gateway}/_cmd", replies: "hub/{gateway}/_cmd/reply", max_age: \(maxAge) }
            """.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    var dataDirectory: String { directory.path("data") }
    var configPath: String { directory.path("vigie.yaml") }

    /// Starts `vigie run` and waits until it is connected to the hub (its command subscription then in place).
    func start() async throws {
        runs += 1
        let process = try TestProcess(GatewayProcessTests.vigie, ["run", "--config", configPath], outputIn: directory.url,
                                      name: "vigie-\(runs)")
        daemon = process
        guard await eventually(20, { process.log.contains("Connected to the hub.") }) else {
            throw TestFailure("vigie did not connect to the hub: \(process.log.suffix(2_000))")
        }
        try await Task.sleep(for: .milliseconds(300)) // the SUBSCRIBE follows the CONNACK
    }

    /// Publishes one command, QoS 1.
    func send(_ command: String) throws {
        try runTool("/usr/bin/mosquitto_pub", ["-h", "127.0.0.1", "-p", "\(broker.port)", "-q", "1", "-t", "hub/gw/_cmd", "-m", command],
                    in: directory)
    }

    /// The replies received so far, in order.
    var replies: [[String: Any]] {
        hub.lines.compactMap { line in
            guard line.hasPrefix("hub/gw/_cmd/reply ") else { return nil }
            let payload = line.dropFirst("hub/gw/_cmd/reply ".count)
            return (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any]
        }
    }

    func replies(to id: String) -> [[String: Any]] { replies.filter { $0["id"] as? String == id } }

    /// Waits for the `count`-th reply to `id`.
    func reply(to id: String, number count: Int = 1, within seconds: Double = 15) async -> [String: Any]? {
        _ = await eventually(seconds) { replies(to: id).count >= count }
        let found = replies(to: id)
        return found.count >= count ? found[count - 1] : nil
    }

    /// Write requests the device took, as its log lines (`write FUNCTION ADDRESS VALUES`).
    var deviceWrites: [String] { peer.log.split(separator: "\n").filter { $0.hasPrefix("write ") }.map(String.init) }

    /// Holding register `address` read by an independent client (mbpoll, from Debian).
    func register(_ address: Int) throws -> Int? {
        let output = try runTool("/usr/bin/mbpoll", ["-m", "tcp", "-a", "1", "-t", "4", "-r", "\(address + 1)", "-c", "1", "-1",
                                                     "-p", "\(peerPort)", "127.0.0.1"], in: directory)
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("[\(address + 1)]:") }) else { return nil }
        return Int(line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "")
    }

    /// Milliseconds since the epoch.
    static var now: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    func stop() {
        daemon?.stop()
        hub.stop()
        broker.stop()
        peer.stop()
    }

    deinit { stop() }
}
