import FoundationEssentials
import VigieDaemon

/// The gateway configuration the demo runs (written to `<data dir>/demo.yaml`, so that it can
/// be read and run again with `vigie run --config`).
///
/// What `speed` scales: the poll interval (one simulated minute, at least 250 ms real), the
/// aggregate windows (one simulated minute like the poll, and 15 simulated minutes, at least 1 s real) and its grace (a tenth of the
/// window, at least 200 ms). Timeouts, backoff and the detector's warm-up count stay as they are.
public struct DemoConfiguration: Sendable, Equatable {
    public var dataDirectory: String
    public var profilesDirectory: String
    public var speed: Double
    /// The simulator's Modbus TCP port.
    public var modbusPort: Int
    /// The gateway's end of the socat pty pair, when socat is there.
    public var rtuPath: String?
    /// The local broker (room sensors), when mosquitto is there.
    public var localBrokerPort: Int?
    /// The hub's broker, when mosquitto is there.
    public var hubBrokerPort: Int?
    public var httpPort: Int
    /// Readings per sensor before the detector may raise anomalies.
    public var warmup = 15

    public init(dataDirectory: String, profilesDirectory: String, speed: Double, modbusPort: Int,
                rtuPath: String? = nil, localBrokerPort: Int? = nil, hubBrokerPort: Int? = nil, httpPort: Int) {
        self.dataDirectory = dataDirectory
        self.profilesDirectory = profilesDirectory
        self.speed = speed
        self.modbusPort = modbusPort
        self.rtuPath = rtuPath
        self.localBrokerPort = localBrokerPort
        self.hubBrokerPort = hubBrokerPort
        self.httpPort = httpPort
    }

    /// Real milliseconds between two polls: one simulated minute.
    public var pollMilliseconds: Int { max(250, Int(60_000 / speed)) }
    /// Real milliseconds of an aggregate window: 15 simulated minutes.
    public var windowMilliseconds: Int { max(1000, Int(900_000 / speed)) }
    /// Real milliseconds of the aggregation grace delay.
    public var graceMilliseconds: Int { max(200, windowMilliseconds / 10) }

    /// The YAML text of the configuration.
    public var yaml: String {
        let poll = "\(pollMilliseconds)ms"
        let heat = "        - { name: \(DemoBuilding.heatMeter), unit: 3, profile: itron-cf-echo-ii, poll: \(poll) }"
        var lines = [
            "# Written by `vigie demo`: the simulated building's gateway. Run it again (with the",
            "# simulator stopped, its devices will not answer) with: vigie run --config THIS_FILE",
            "gateway:",
            "  id: demo-ecole",
            "  data_dir: \(quoted(dataDirectory))",
            "  http: 127.0.0.1:\(httpPort)",
            "profiles_dir: \(quoted(profilesDirectory))",
            "modbus:",
            "  buses:",
            "    - name: tcp-simulateur",
            "      tcp: 127.0.0.1:\(modbusPort)",
            "      timeout: 300ms",
            "      devices:",
            "        - { name: \(DemoBuilding.mainMeter), unit: 1, profile: eastron-sdm630, poll: \(poll) }",
            "        - { name: \(DemoBuilding.subMeter), unit: 2, profile: eastron-sdm120, poll: \(poll) }",
            "        - name: \(DemoBuilding.airSensor)",
            "          unit: 4",
            "          profile: senseair-s8",
            "          poll: \(poll)",
            "          points:",
            "            - { name: temperature, table: input, address: 23, type: float32, unit: Cel }",
        ]
        if let rtuPath {
            lines += [
                "    - name: rs485-simulateur",
                "      rtu: { port: \(quoted(rtuPath)), baud: 19200 }",
                "      timeout: 300ms",
                "      devices:",
                heat,
            ]
        } else {
            lines.append(heat)
        }
        if let localBrokerPort {
            lines += [
                "mqtt:",
                "  broker: 127.0.0.1:\(localBrokerPort)",
                "  client_id: vigie-demo",
                "  subscriptions:",
                "    - { topic: \"zigbee2mqtt/+\", format: zigbee2mqtt }",
            ]
        }
        lines += [
            "aggregate:",
            "  window: [\(pollMilliseconds)ms, \(windowMilliseconds)ms]",
            "  grace: \(graceMilliseconds)ms",
            "anomaly:",
            "  sensitivity: medium",
            "  warmup: \(warmup)",
            "  overrides:",
            "    - { sensor: \"\(DemoBuilding.subMeter)/active_power\", min: 0, max: 8000 }",
        ]
        if let hubBrokerPort {
            lines += [
                "upstream:",
                "  - mqtt:",
                "      name: hub",
                "      broker: 127.0.0.1:\(hubBrokerPort)",
                "      topic: \"territoire/{gateway}/{device}\"",
                "      send: [aggregate, anomaly, status, readings]",
                "      keepalive: 5s",
            ]
        }
        lines += ["buffer:", "  max_size: 256MB", "  synchronous: normal"]
        return lines.joined(separator: "\n") + "\n"
    }

    private func quoted(_ text: String) -> String {
        var escaped = "\""
        for character in text {
            if character == "\\" || character == "\"" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped + "\""
    }
}
