import Foundation
import Testing
import VigieCore
import VigieDaemon
import VigieModbus
import VigieStore
@testable import VigieUpstream
import VigieTestKit

/// The built `vigie run` as systemd runs it: a real process, a notification socket, a Modbus
/// simulator for a device that dies and recovers, the HTTP status server, SIGTERM.
@Suite(.serialized) struct GatewayProcessTests {
    /// The `vigie` executable, built beside the test bundle.
    static var vigie: String {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("vigie").path
    }

    static func configuration(data: String, httpPort: Int, modbusPort: Int) -> String {
        """
        gateway: { id: e2e, data_dir: \(data), http: "127.0.0.1:\(httpPort)" }
        modbus:
          buses:
            - name: sim
              tcp: 127.0.0.1:\(modbusPort)
              timeout: 300ms
              devices:
                - name: meter
                  unit: 1
                  poll: 200ms
                  points:
                    - { name: voltage, table: holding, address: 0, type: float32, unit: V }
        """
    }

    @Test func theDaemonIsReadyFollowsItsDeviceAndStopsCleanly() async throws {
        let directory = TemporaryDirectory()
        let voltage = PointDefinition(name: "voltage", table: .holding, address: 0, type: .float32)
        let simulator = try ModbusSimulator.tcp(units: [SimulatedUnit(id: 1, points: [SimulatedPoint(voltage, constant: 230.5)])])
        defer { simulator.stop() }
        let httpPort = freeLoopbackPort()
        let configPath = directory.path("vigie.yaml")
        try Self.configuration(data: directory.path("data"), httpPort: httpPort, modbusPort: simulator.port)
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        let notifications = try DatagramReceiver()
        var received: [String] = []
        let daemon = try TestProcess(Self.vigie, ["run", "--config", configPath], outputIn: directory.url, name: "vigie",
                                     environment: ["NOTIFY_SOCKET": notifications.path, "WATCHDOG_USEC": "1000000"])
        defer { daemon.stop() }
        let client = try StatusClient(url: "127.0.0.1:\(httpPort)")
        func health() async -> String? {
            guard let answer = try? await client.get("/health") else { return nil }
            return String(decoding: answer.body, as: UTF8.self)
        }

        #expect(await eventually(15) {
            received += notifications.drain()
            return received.contains { $0.contains("READY=1") }
        }, "READY=1 was sent: \(daemon.log)")
        #expect(await eventually(15) { await health()?.contains("\"status\":\"ok\"") == true })

        simulator.setFault(.noAnswer, unit: 1)
        // Its only device silent, the gateway has no working source: failing (503).
        #expect(await eventually(20) { await health()?.contains("\"status\":\"failing\"") == true },
                "a device that stops answering shows in /health")
        simulator.setFault(nil, unit: 1)
        #expect(await eventually(30) { await health()?.contains("\"status\":\"ok\"") == true },
                "and it recovers when the device answers again")

        let exitStatus = daemon.terminate(within: 35)
        #expect(exitStatus == 0, "SIGTERM drains and exits 0: \(daemon.log.suffix(2_000))")
        received += notifications.drain()
        #expect(received.filter { $0.contains("WATCHDOG=1") }.count >= 2)
        #expect(received.contains { $0.contains("STOPPING=1") })

        var stored: [Reading] = []
        try ReadingQuery(dataDirectory: directory.path("data")).readings(matching: "meter/*") { stored.append($0) }
        #expect(stored.contains { $0.quality == .good && $0.value == 230.5 })
        #expect(stored.contains { !$0.quality.isGood }, "the silent period is stored as bad readings")
    }

    @Test func aReloadWithAnInvalidFileKeepsTheRunningConfigurationAndAValidOneApplies() async throws {
        let directory = TemporaryDirectory()
        let points = [0, 2].map { PointDefinition(name: "v\($0)", table: .holding, address: $0, type: .float32) }
        let simulator = try ModbusSimulator.tcp(units: [SimulatedUnit(id: 1, points: points.map { SimulatedPoint($0, constant: 1.5) })])
        defer { simulator.stop() }
        let httpPort = freeLoopbackPort()
        let configPath = directory.path("vigie.yaml")
        let valid = Self.configuration(data: directory.path("data"), httpPort: httpPort, modbusPort: simulator.port)
        try valid.write(toFile: configPath, atomically: true, encoding: .utf8)
        let notifications = try DatagramReceiver()
        var received: [String] = []
        let daemon = try TestProcess(Self.vigie, ["run", "--config", configPath], outputIn: directory.url, name: "vigie",
                                     environment: ["NOTIFY_SOCKET": notifications.path])
        defer { daemon.stop() }
        #expect(await eventually(15) {
            received += notifications.drain()
            return received.contains { $0.contains("READY=1") }
        }, "READY=1 was sent: \(daemon.log)")

        try "gateway: [".write(toFile: configPath, atomically: true, encoding: .utf8)
        daemon.send(SIGHUP)
        #expect(await eventually(10) { daemon.log.contains("reload refused") }, "\(daemon.log)")
        #expect(daemon.isRunning, "an invalid file does not stop the gateway")

        let withSecondPoint = valid.replacingOccurrences(
            of: "- { name: voltage, table: holding, address: 0, type: float32, unit: V }",
            with: "- { name: voltage, table: holding, address: 0, type: float32, unit: V }\n"
                + "            - { name: current, table: holding, address: 2, type: float32, unit: A }")
        try withSecondPoint.write(toFile: configPath, atomically: true, encoding: .utf8)
        daemon.send(SIGHUP)
        #expect(await eventually(10) { daemon.log.contains("configuration reloaded") }, "\(daemon.log)")
        #expect(daemon.log.contains("modbus:sim"), "the changed bus is restarted")
        let data = directory.path("data")
        #expect(await eventually(10) {
            var points: Set<String> = []
            try? ReadingQuery(dataDirectory: data).readings(matching: "meter/current") { points.insert($0.sensor.point) }
            return points == ["current"]
        }, "the point added by the reload is polled")

        #expect(daemon.terminate(within: 35) == 0)
        received += notifications.drain()
        #expect(received.contains { $0.contains("RELOADING=1") })
        var stored: Set<String> = []
        try ReadingQuery(dataDirectory: directory.path("data")).readings(matching: "meter/*") { stored.insert($0.sensor.point) }
        #expect(stored == ["voltage", "current"], "readings before and after the reload")
    }

    /// The footprint rests on what the daemon maps: libcurl (and its ~25 libraries) only once an
    /// HTTP sink posts, and never the full Foundation with its ICU data (FoundationEssentials only).
    @Test func aDaemonWithoutHTTPSinkMapsNeitherLibcurlNorFullFoundation() async throws {
        let directory = TemporaryDirectory()
        let httpPort = freeLoopbackPort()
        let configPath = directory.path("vigie.yaml")
        try "gateway: { id: lean, data_dir: \(directory.path("data")), http: \"127.0.0.1:\(httpPort)\" }\n"
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        let daemon = try TestProcess(Self.vigie, ["run", "--config", configPath], outputIn: directory.url, name: "vigie")
        defer { daemon.stop() }
        let client = try StatusClient(url: "127.0.0.1:\(httpPort)")
        #expect(await eventually(15) { (try? await client.get("/health")) != nil }, "serving: \(daemon.log)")

        // Read to the end: /proc files have no size, and String(contentsOfFile:) stops at the first read.
        let mapsFile = try #require(FileHandle(forReadingAtPath: "/proc/\(daemon.pid)/maps"))
        defer { try? mapsFile.close() }
        let maps = String(decoding: mapsFile.readDataToEndOfFile(), as: UTF8.self)
        let libraries = Set(maps.split(separator: "\n").compactMap { $0.split(separator: " ").last }
            .filter { $0.hasPrefix("/") }.map { String($0.split(separator: "/").last ?? "") })
        #expect(libraries.contains { $0.hasPrefix("libsqlite3") }, "the listing is read: \(libraries.sorted())")
        #expect(!libraries.contains { $0.hasPrefix("libcurl") }, "\(libraries.sorted())")
        #expect(!libraries.contains { $0.hasPrefix("libFoundation.so") || $0.contains("FoundationInternationalization")
                    || $0.contains("FoundationICU") || $0.contains("FoundationNetworking") },
                "\(libraries.sorted())")
    }
}

