import Foundation
import Testing
import VigieCore
import VigieTestKit

/// `vigie mqtt listen`, the built binary against a real broker: what a technician sees, line by
/// line as messages come (its output piped to a file, as to `grep`), retained deliveries marked
/// with what the daemon does with them.
@Suite(.serialized) struct MQTTListenTests {
    @Test func listenPrintsEachMessageAsItComesAndMarksRetainedDeliveries() async throws {
        let broker = try Mosquitto()
        let directory = broker.directory
        let config = directory.path("vigie.yaml")
        try """
            gateway: { id: t, data_dir: \(directory.path("data")) }
            mqtt:
              broker: 127.0.0.1:\(broker.port)
              subscriptions:
                - { topic: "zigbee2mqtt/+", format: zigbee2mqtt }
                - { topic: "pompes/+", format: json, sensor: "{1}/{field}", fields: [flow], time_field: ts }
                - { topic: "garde/+", format: value, retained: keep }
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let aMinuteAgo = WallClock.nowMilliseconds() - 60_000
        try broker.publish(["-r", "-q", "1", "-t", "zigbee2mqtt/cave", "-m", #"{"humidity":80}"#])
        try broker.publish(["-r", "-q", "1", "-t", "pompes/p1", "-m", #"{"ts":\#(aMinuteAgo),"flow":31.5}"#])
        try broker.publish(["-r", "-q", "1", "-t", "garde/g1", "-m", "19"])
        let listener = try TestProcess(GatewayProcessTests.vigie, ["mqtt", "listen", "--config", config],
                                       outputIn: directory.url, name: "listen")
        defer { listener.stop() }
        #expect(await eventually { listener.log.contains("garde/g1") && listener.log.contains("pompes/p1") && listener.log.contains("zigbee2mqtt/cave") },
                "\(listener.log)")
        try broker.publish(topic: "zigbee2mqtt/cave", payload: Array(#"{"humidity":79}"#.utf8))
        #expect(await eventually { listener.log.contains("cave/humidity = 79.0") }, "a live message shows while listen runs")
        let lines = listener.log.split(separator: "\n").map(String.init)
        let time = RFC3339.format(milliseconds: aMinuteAgo)
        #expect(lines.contains { $0.hasPrefix("zigbee2mqtt/cave  cave/humidity = 80.0  (") && $0.hasSuffix(")  [retained, undated: not stored, its age is unknown]") },
                "\(lines)")
        #expect(lines.contains("pompes/p1  p1/flow = 31.5  (\(time))  [retained: stored unless already received]"), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("garde/g1  g1/g1 = 19.0  (") && $0.hasSuffix(")  [retained: stored]") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("zigbee2mqtt/cave  cave/humidity = 79.0  (") && $0.hasSuffix(")") && !$0.contains("retained") },
                "\(lines)")
    }
}
