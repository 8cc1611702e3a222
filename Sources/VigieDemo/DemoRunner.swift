import FoundationEssentials
import Logging
import Prometheus
import VigieCore
import VigieMQTT
import VigieStore
import VigieDaemon

/// `vigie demo`: a simulated public building run through the real `Gateway`.
///
/// Starts the peers (`DemoPeers`), writes `<data dir>/demo.yaml` and loads it like `vigie run`,
/// runs the gateway, and meanwhile drives the scenario (`DemoScenario`: the heat meter's
/// silence, the hub's outage), publishes the Zigbee2MQTT room sensors, and shows the state once
/// a second (`DemoLiveView` on a terminal, `DemoEventLog` lines otherwise). Ends after
/// `duration`, or on SIGINT/SIGTERM, with the gateway's graceful shutdown; every child
/// process is stopped; the data stays in the data folder.
public struct DemoRunner: Sendable {
    /// How to run the demo.
    public struct Options: Sendable {
        public var dataDirectory: String
        /// Nil: until Ctrl-C.
        public var duration: Duration?
        /// Simulated seconds per real second.
        public var speed: Double
        /// The folder holding the device profiles (eastron-sdm630.yaml...).
        public var profilesDirectory: String
        /// Redraw a live view (a terminal) rather than print plain lines.
        public var live: Bool

        public init(dataDirectory: String, duration: Duration?, speed: Double, profilesDirectory: String, live: Bool) {
            self.dataDirectory = dataDirectory
            self.duration = duration
            self.speed = speed
            self.profilesDirectory = profilesDirectory
            self.live = live
        }
    }

    /// What the demo did, for its last lines and for tests.
    public struct Summary: Sendable {
        public var devices: Int
        public var sensors: Int
        public var anomalies: Int
        public var backlog: Int
        public var configurationPath: String
        /// The anomaly events against the incidents injected (`DemoScorecard`).
        public var incidents: DemoScorecard.Summary
    }

    public var options: Options
    public var logger: Logger

    public init(options: Options, logger: Logger) {
        self.options = options
        self.logger = logger
    }

    /// Removes the store a previous demo left in `directory` (its `demo.yaml` says it was one),
    /// so that every demo plays the same day from a clean start: kept, its readings (incidents
    /// included) warmed the detectors up, and the incidents it left open were resumed (a new
    /// run's first incident on that device became an update of the old one). Refuses a store
    /// the demo did not write (a gateway's data directory given by mistake). Returns whether
    /// there was one to remove.
    static func clearPreviousDemo(in directory: String) throws -> Bool {
        let database = StoreConfiguration.databasePath(in: directory)
        let files = FileManager.default
        guard files.fileExists(atPath: database) else { return false }
        guard files.fileExists(atPath: "\(directory)/demo.yaml") else {
            throw VigieDaemonError(.demo, "\(directory) holds a gateway's data (vigie.db) that no demo wrote; "
                + "give the demo a folder of its own with --data-dir")
        }
        for suffix in ["", "-wal", "-shm", ".clean"] where files.fileExists(atPath: database + suffix) {
            do {
                try files.removeItem(atPath: database + suffix)
            } catch {
                throw VigieDaemonError(.demo, "cannot remove the previous demo's \(database + suffix)", cause: error)
            }
        }
        return true
    }

    /// Runs the demo; `output` gets each line (or screen) to print.
    public func run(metrics registry: PrometheusCollectorRegistry,
                    output: @escaping @Sendable (String) -> Void) async throws -> Summary {
        let directory = options.dataDirectory
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw VigieDaemonError(.demo, "cannot create the data folder \(directory)", cause: error)
        }
        let replaced = try Self.clearPreviousDemo(in: directory)
        let peers = try DemoPeers(dataDirectory: directory, environmentPath: ProcessInfo.processInfo.environment["PATH"])
        defer { peers.stop() }
        let configuration = DemoConfiguration(
            dataDirectory: directory, profilesDirectory: options.profilesDirectory, speed: options.speed,
            modbusPort: peers.modbusPort, rtuPath: peers.rtuPath, localBrokerPort: peers.local?.port,
            hubBrokerPort: peers.hub?.port, httpPort: LoopbackPort.free())
        let path = "\(directory)/demo.yaml"
        do {
            try configuration.yaml.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw VigieDaemonError(.demo, "cannot write \(path)", cause: error)
        }
        let loaded: LoadedConfiguration
        do {
            loaded = try ConfigurationLoader.load(path: path)
        } catch {
            throw VigieDaemonError(.demo, "the demo configuration is invalid: "
                + error.diagnostics.map(\.description).joined(separator: "; "))
        }
        let building = DemoBuilding(scenario: DemoScenario(pollSeconds: Double(configuration.pollMilliseconds) / 1000 * options.speed),
                                    speed: options.speed, startEpochSeconds: Date().timeIntervalSince1970,
                                    startSecondsOfDay: DemoBuilding.schoolDayStart)
        var devices: [String: [PointDefinition]] = [:]
        for bus in loaded.configuration.modbus.buses {
            for device in bus.devices { devices[device.name] = loaded.points(of: device) }
        }
        try peers.startSimulators(building: building, devices: devices)
        let history = DemoHistory.readings(building: building, devices: devices,
                                           pollMilliseconds: configuration.pollMilliseconds,
                                           now: WallClock.nowMilliseconds())
        do {
            try await DemoHistory.write(history, configuration: loaded.configuration, logger: logger)
        } catch {
            throw VigieDaemonError(.demo, "cannot store the simulated history in \(directory)", cause: error)
        }
        let historyNote = "history: \(history.count) readings of the \(DemoHistory.polls) polls before the start stored; "
            + "the detectors warm up from them as after a restart"
        let gateway = try await Gateway(loaded: loaded, environment: [:], logger: logger)
        let scorecard = DemoScorecardBox(DemoScorecard(scenario: building.scenario))
        let driver = DemoDriver(peers: peers, building: building, gateway: gateway, options: options,
                                httpPort: configuration.httpPort, configurationPath: path,
                                publishEvery: .milliseconds(configuration.pollMilliseconds), scorecard: scorecard,
                                startNotes: (replaced ? ["the previous demo's data in \(directory) was replaced"] : []) + [historyNote],
                                logger: logger, output: output)
        var stopWhen: (@Sendable () async -> Void)?
        if let duration = options.duration {
            stopWhen = {
                try? await Task.sleep(for: duration)
                scorecard.markStopped(at: WallClock.nowMilliseconds())
            }
        }
        let stop = stopWhen
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await gateway.run(metrics: registry, stopWhen: stop) }
            group.addTask { await driver.run() }
            try await group.next()
            group.cancelAll()
        }
        let snapshot = await gateway.snapshot()
        let events = await gateway.events(limit: 10_000)
        scorecard.record(events, simulatedSeconds: building.simulatedSeconds(atEpochMilliseconds:))
        let simulatedEnd = building.simulatedSeconds(
            atEpochMilliseconds: scorecard.stopTime(or: WallClock.nowMilliseconds()))
        let rooms = Set(snapshot.sensors.map { String($0.id.split(separator: "/").first ?? "") })
            .intersection(DemoBuilding.rooms)
        return Summary(devices: snapshot.buses.reduce(0) { $0 + $1.devices.count } + rooms.count,
                       sensors: snapshot.sensors.count, anomalies: events.count,
                       backlog: snapshot.sinks.reduce(0) { $0 + $1.backlog }, configurationPath: path,
                       incidents: scorecard.summary(simulatedEnd: simulatedEnd))
    }
}
