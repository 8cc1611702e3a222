import ArgumentParser
import FoundationEssentials
import Glibc
import Logging
import VigieCore
import VigieDaemon
import VigieDemo

/// `vigie demo`: a simulated public building through the real pipeline.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a simulated building through the real gateway: no hardware, no external service.",
        discussion: """
        A Modbus simulator serves a main energy meter (Eastron SDM630), a canteen sub-meter \
        (SDM120), a heat meter (Itron CF Echo II, over RTU through a socat pty pair when socat \
        is installed) and a CO2/temperature sensor on loopback. When mosquitto is installed, a \
        private broker gets Zigbee2MQTT room sensors and a second private broker stands for the \
        data hub (every aggregate, anomaly and raw reading goes upstream to it). The gateway is \
        the real one (store, detection, aggregation, sinks, status page), run from the \
        configuration written to DATA_DIR/demo.yaml.

        The simulated school day starts at 08:00 whatever the hour (the morning ramp comes first). \
        Every simulated hour plays the same incidents: minute 20-30 the hall's CO2/temperature sensor is stuck, \
        minute 26 a spike on the sub-meter (out of its range), minute 30-40 the hub is down (the backlog builds, \
        then drains), minute 32-38 the heat meter does not answer, minute 42-54 the main \
        meter's load shifts up by 60 %. Before the gateway starts, the demo stores 360 polls of the \
        building's past, so the detectors start warm (as after a restart) and see each incident as an anomaly.

        --speed X runs simulated time X times faster: the values follow simulated time, and the \
        poll interval (one simulated minute, at least 250 ms), the aggregate window (15 \
        simulated minutes, at least 1 s) and its grace are divided by X. Timestamps, timeouts \
        and the detector's warm-up (15 readings) are not scaled. At the default 60, a simulated \
        hour takes a real minute.

        On a terminal the screen is redrawn once a second; otherwise one plain line per event. \
        Ctrl-C (or --duration) stops it cleanly; the data stays for `vigie export` until the next \
        demo in the same folder, which replaces it (a folder holding a gateway's own data is refused).

        Examples:
          vigie demo
          vigie demo --duration 2m --speed 120
          vigie demo --data-dir /tmp/demo && vigie export --data-dir /tmp/demo --format csv | head
        """
    )

    @Option(help: "Where the demo keeps its database, configuration and logs (a previous demo's are replaced).")
    var dataDir: String = "./demo-data"

    @Option(help: "Stop after this long (real time), e.g. 60s, 5m. Default: until Ctrl-C.")
    var duration: String?

    @Option(help: "Simulated seconds per real second (1 to 3600).")
    var speed: Double = 60

    @Option(help: "Folder of device profiles. Default: ./devices, the source tree's, /usr/share/vigie/devices.")
    var profilesDir: String?

    @Option(help: "Lowest level the daemon logs to stderr: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "warning"

    func validate() throws {
        guard speed >= 1, speed <= 3600 else { throw ValidationError("--speed: give a number from 1 to 3600, not \(speed)") }
        if let duration, Duration(parsing: duration) == nil {
            throw ValidationError("--duration: \"\(duration)\" is not a duration; write e.g. 90s, 5m, 1h")
        }
    }

    func run() async throws {
        let level: Logger.Level
        do {
            level = try VigieLogging.parseLevel(logLevel)
        } catch {
            throw ValidationError("--log-level: \(error)")
        }
        let environment = ProcessInfo.processInfo.environment
        _ = VigieLogging.bootstrap(level: level, environment: environment)
        let registry = VigieMetrics.bootstrap()
        guard let profiles = profilesDir ?? Self.findProfiles() else {
            StandardError.print("vigie demo: no device profiles found (eastron-sdm630.yaml); run it from the source "
                                + "folder, install the package, or give --profiles-dir")
            throw ExitCode(1)
        }
        let live = isatty(1) == 1
        let data = URL(fileURLWithPath: dataDir).standardizedFileURL.path
        let runner = DemoRunner(options: .init(dataDirectory: data, duration: duration.flatMap { Duration(parsing: $0) },
                                               speed: speed, profilesDirectory: URL(fileURLWithPath: profiles).standardizedFileURL.path,
                                               live: live),
                                logger: Logger(label: "vigie"))
        let summary: DemoRunner.Summary
        do {
            summary = try await runner.run(metrics: registry) { text in
                Self.write(live ? text : text + "\n")
            }
        } catch {
            StandardError.print("vigie demo: \(error)")
            throw ExitCode(2)
        }
        Self.write("""
            demo stopped: \(summary.devices) devices, \(summary.sensors) sensors, \(summary.anomalies) anomaly events, \
            upstream backlog \(summary.backlog).
            \(summary.incidents)
            The data stays in \(data): vigie export --data-dir \(data) --format csv
            Run the same gateway again with: vigie run --config \(summary.configurationPath)

            """)
    }

    /// ./devices, then the source tree the binary was built in, then the installed profiles.
    static func findProfiles() -> String? {
        var candidates = ["devices"]
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(folder.appendingPathComponent("devices").path)
            folder = folder.deletingLastPathComponent()
        }
        candidates.append("/usr/share/vigie/devices")
        return candidates.first { FileManager.default.fileExists(atPath: "\($0)/eastron-sdm630.yaml") }
    }

    private static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in _ = Glibc.write(1, bytes.baseAddress, bytes.count) }
    }
}
