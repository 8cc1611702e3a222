import Foundation
import Testing
import VigieCore
import VigieDaemon
import VigieTestKit

/// A `sunspec: true` device in the running daemon, against the pymodbus SunSpec device
/// (Tests/Peers/sunspec_peer.py) and a mosquitto hub: the points its models gave carry their
/// units and labels to the hub, to /api/sensors and to `vigie status` like configured points;
/// named event bits are sensors of their own; scale factors are not sensors. A device whose chain
/// breaks after its inverter model is reported with the address and still polled.
@Suite(.serialized) struct SunSpecPublicationTests {
    @Test func discoveredPointsReachTheHubAndTheStatusWithTheirUnitsAndLabels() async throws {
        let directory = TemporaryDirectory()
        let peer = try SunSpecPeer(in: directory)
        defer { peer.stop() }
        let broker = try Mosquitto(directory: directory)
        let hub = try Subscriber(port: broker.port, topic: "hub/#", directory: directory, name: "hub")
        defer { hub.stop() }
        let httpPort = freeLoopbackPort()
        let configPath = directory.path("vigie.yaml")
        try """
            gateway: { id: gw, data_dir: \(directory.path("data")), http: "127.0.0.1:\(httpPort)" }
            modbus:
              buses:
                - name: lan
                  tcp: 127.0.0.1:\(peer.port)
                  timeout: 500ms
                  devices:
                    - { name: onduleur, unit: 1, sunspec: true, poll: 500ms }
                    - { name: casse, unit: 3, sunspec: true, poll: 500ms }
            aggregate: { window: 1s, grace: 0s }
            upstream:
              - mqtt: { name: hub, broker: "127.0.0.1:\(broker.port)", topic: "hub/{gateway}/{kind}/{device}" }
            """.write(toFile: configPath, atomically: true, encoding: .utf8)
        let daemon = try TestProcess(GatewayProcessTests.vigie, ["run", "--config", configPath], outputIn: directory.url,
                                     name: "vigie")
        defer { daemon.stop() }

        // A published SenML pack: the discovered W with its unit, St with its label, the event bits.
        let pack = { hub.lines.first { $0.hasPrefix("hub/gw/aggregate/onduleur ") && $0.contains("\"w:mean\"") } }
        #expect(await eventually(30) { pack() != nil }, "a pack of the discovered points: \(daemon.log.suffix(2_000))")
        let senml = pack() ?? ""
        #expect(senml.contains(#"{"n":"w:mean","u":"W","v":1234}"#), "\(senml)")
        #expect(senml.contains(#""n":"hz:mean","u":"Hz""#), "\(senml)")
        #expect(senml.contains(#"{"n":"st:label","vs":"MPPT"}"#), "\(senml)")
        #expect(senml.contains(#"{"n":"evt1_ground_fault:last","v":1}"#), "\(senml)")
        #expect(senml.contains(#"{"n":"evt1_dc_over_volt:last","v":0}"#), "\(senml)")
        #expect(!senml.contains("_sf:"), "scale factors are metadata, not sent: \(senml)")

        // /api/sensors and `vigie status` list them with their units and labels.
        let client = try StatusClient(url: "127.0.0.1:\(httpPort)")
        let sensors = try await client.get("/api/sensors")
        let listed = try JSONDecoder().decode([SensorStatus].self, from: Data(sensors.body))
        let byID = Dictionary(uniqueKeysWithValues: listed.map { ($0.id, $0) })
        #expect(byID["onduleur/w"]?.unit == "W" && byID["onduleur/w"]?.value == 1234, "\(listed)")
        #expect(byID["onduleur/module2_dcv"]?.unit == "V")
        #expect(byID["onduleur/st"]?.label == "MPPT")
        #expect(byID["onduleur/evt1_over_temp"]?.value == 1)
        #expect(!byID.keys.contains { $0.hasSuffix("_sf") }, "\(byID.keys.sorted())")
        // Unit 3: an unknown model, then model 103, then no readable header.
        #expect(byID["casse/w"]?.unit == "W" && byID["casse/w"]?.value == 1234, "\(listed)")
        #expect(daemon.log.contains("model header at 40128: illegal data address"), "\(daemon.log.suffix(3_000))")
        #expect(daemon.log.contains("model 64999 at 40070 (length 4) is not one vigie knows"))
        let status = try runToEnd(GatewayProcessTests.vigie, ["status", "--url", "http://127.0.0.1:\(httpPort)"],
                                  in: directory, name: "status")
        let line = status.output.split(separator: "\n").first { $0.contains("onduleur/w ") }.map(String.init) ?? ""
        #expect(line.contains("1234") && line.contains(" W"), "\(status.output)")

        #expect(daemon.terminate(within: 35) == 0)
    }
}
