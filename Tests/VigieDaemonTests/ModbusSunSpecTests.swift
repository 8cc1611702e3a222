import Foundation
import Logging
import Synchronization
import Testing
import VigieCore
import VigieTestKit
import VigieDaemon
import VigieModbus

/// The technician commands and the Modbus source against a SunSpec device no one here wrote
/// (pymodbus, Tests/Peers/sunspec_peer.py): a common model of length 66, an integer inverter
/// 103 whose W_SF flips between polls, a model 160 with two modules, the end marker; a status
/// word's bits and an enum; and two broken chains.
@Suite(.serialized) struct ModbusSunSpecTests {
    func vigie(_ arguments: [String], in directory: TemporaryDirectory) throws -> (status: Int32, output: String) {
        try runToEnd(GatewayProcessTests.vigie, arguments, in: directory, name: "vigie")
    }

    /// The value column of `point` in a poll table.
    func value(of point: String, in table: String) -> String? {
        for line in table.split(separator: "\n") {
            let columns: [String] = line.split(separator: " ").map(String.init)
            if columns.count > 1, columns[0] == point { return columns[1] }
        }
        return nil
    }

    @Test func scanListsTheModelsAtTheirAddresses() throws {
        let directory = TemporaryDirectory()
        let peer = try SunSpecPeer(in: directory)
        defer { peer.stop() }
        let scan = try vigie(["modbus", "scan", "--sunspec", "--tcp", "127.0.0.1:\(peer.port)", "--units", "1"], in: directory)
        #expect(scan.status == 0, "\(scan.output)")
        #expect(scan.output.contains("SunSpec marker at 40000, 3 models, end marker at 40172"), "\(scan.output)")
        let rows = scan.output.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(rows.contains(["1", "common", "40002", "66", "6"]), "\(scan.output)")
        #expect(rows.contains(["103", "inverter_three_phase", "40070", "50", "58"]), "\(scan.output)")
        #expect(rows.contains(["160", "mppt", "40122", "48", "63"]), "\(scan.output)")
    }

    @Test func pollGivesScaledValuesAndAFlippedFactorKeepsTheValue() throws {
        let directory = TemporaryDirectory()
        let peer = try SunSpecPeer(in: directory)
        defer { peer.stop() }
        let arguments = ["modbus", "poll", "--sunspec", "--tcp", "127.0.0.1:\(peer.port)", "--unit", "1"]
        let first = try vigie(arguments, in: directory)
        let second = try vigie(arguments, in: directory)
        #expect(first.status == 0, "\(first.output)")
        for poll in [first.output, second.output] {
            #expect(value(of: "W", in: poll) == "1234", "\(poll)")
            #expect(value(of: "A", in: poll) == "12.34")
            #expect(value(of: "PhVphA", in: poll) == "230.5")
            #expect(value(of: "PhVphB", in: poll) == "-") // 0xFFFF: not implemented
            #expect(value(of: "Hz", in: poll) == "50")
            #expect(value(of: "WH", in: poll) == "1234567")
            #expect(value(of: "module1_DCW", in: poll) == "1946")
            #expect(value(of: "module2_DCW", in: poll) == "1800")
            #expect(value(of: "module2_DCV", in: poll) == "380.2")
            #expect(poll.contains("St ") && poll.contains("4 MPPT"))
        }
        // The device rescaled between the two polls: other raw words, the same watts.
        let raw = { (poll: String) in poll.split(separator: "\n").first { $0.hasPrefix("W ") }.map(String.init) ?? "" }
        #expect(Set([raw(first.output), raw(second.output)]).count == 2, "\(raw(first.output)) / \(raw(second.output))")
    }

    @Test func brokenChainsAreReportedAndTheModelsBeforeStillCount() throws {
        let directory = TemporaryDirectory()
        let peer = try SunSpecPeer(in: directory)
        defer { peer.stop() }
        let pastEnd = try vigie(["modbus", "scan", "--sunspec", "--tcp", "127.0.0.1:\(peer.port)", "--units", "2"], in: directory)
        #expect(pastEnd.status == 1)
        #expect(pastEnd.output.contains("model 103 at 40070 has length 65520, which runs past the last register 65535"),
                "\(pastEnd.output)")
        #expect(pastEnd.output.contains("40002"))
        let unknown = try vigie(["modbus", "scan", "--sunspec", "--tcp", "127.0.0.1:\(peer.port)", "--units", "3"], in: directory)
        #expect(unknown.output.contains("model 64999 at 40070 (length 4) is not one vigie knows: skipped"), "\(unknown.output)")
        #expect(unknown.output.contains("model header at 40128: illegal data address"), "\(unknown.output)")
        let poll = try vigie(["modbus", "poll", "--sunspec", "--tcp", "127.0.0.1:\(peer.port)", "--unit", "3"], in: directory)
        #expect(value(of: "W", in: poll.output) == "1234", "\(poll.output)")
        #expect(value(of: "Mn", in: poll.output) == "\"Vigie")
        let none = try vigie(["modbus", "scan", "--sunspec", "--tcp", "127.0.0.1:\(peer.port)", "--units", "9", "--timeout", "300ms"],
                             in: directory)
        #expect(none.status == 1)
        #expect(none.output.contains("unit 9: no SunSpec marker \"SunS\" (0x5375 0x6E53) at 40000, 50000 or 0"), "\(none.output)")
    }

    @Test func theCommandsTakeTheConfiguredBusUnitAndPoints() throws {
        let directory = TemporaryDirectory()
        let peer = try SunSpecPeer(in: directory)
        defer { peer.stop() }
        let config = directory.path("gw.yaml")
        try """
        gateway: { id: t, data_dir: \(directory.path("data")) }
        modbus:
          buses:
            - name: lan
              tcp: 127.0.0.1:\(peer.port)
              timeout: 400ms
              devices:
                - { name: "onduleur-{unit}", units: [1, 3], sunspec: true }
                - name: armoire
                  unit: 1
                  points:
                    - { name: running, table: holding, address: 100, type: bits, bit: 0 }
                    - { name: door_open, table: holding, address: 100, type: bits, bit: 1 }
                    - { name: overheat, table: holding, address: 100, type: bits, bit: 5, enum: { 1: too hot } }
                    - { name: mode, table: holding, address: 100, type: bits, bit: 2, width: 2, enum: { 0: off, 1: auto } }
                    - { name: state, table: holding, address: 101, enum: { 1: "off", 4: running } }
                    - { name: earth_fault, table: holding, address: 102, type: bits, length: 2, bit: 20 }
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let poll = try vigie(["modbus", "poll", "--config", config, "--device", "armoire"], in: directory)
        #expect(poll.status == 0, "\(poll.output)")
        #expect(value(of: "running", in: poll.output) == "1")
        #expect(value(of: "door_open", in: poll.output) == "0")
        #expect(poll.output.contains("1 auto") && poll.output.contains("4 running"), "\(poll.output)")
        #expect(poll.output.contains("bits set: running, overheat (too hot), earth_fault"), "\(poll.output)")
        let plan = try vigie(["modbus", "plan", "--config", config, "--device", "armoire"], in: directory)
        #expect(plan.output.contains("1 requests"), "\(plan.output)")
        let read = try vigie(["modbus", "read", "--config", config, "--device", "armoire", "--point", "state"], in: directory)
        #expect(read.status == 0 && read.output.contains("4 running"), "\(read.output)")
        // A fleet member by its expanded name, SunSpec found from the configuration.
        let fleet = try vigie(["modbus", "poll", "--config", config, "--device", "onduleur-3"], in: directory)
        #expect(value(of: "W", in: fleet.output) == "1234", "\(fleet.output)")
        let scan = try vigie(["modbus", "scan", "--sunspec", "--config", config, "--device", "onduleur-1"], in: directory)
        #expect(scan.status == 0 && scan.output.contains("unit 1: SunSpec marker at 40000"), "\(scan.output)")
        // Flags override the configuration: another unit (absent: a timeout), another port.
        let absent = try vigie(["modbus", "poll", "--config", config, "--device", "armoire", "--unit", "9", "--timeout", "300ms"],
                               in: directory)
        #expect(absent.status == 1 && absent.output.contains("on unit 9"), "\(absent.output)")
        let elsewhere = try vigie(["modbus", "poll", "--config", config, "--device", "armoire", "--tcp", "127.0.0.1:1"], in: directory)
        #expect(elsewhere.status == 1 && elsewhere.output.contains("connection refused"), "\(elsewhere.output)")
    }

    @Test func aWrittenProfilePollsLikeDiscovery() throws {
        let directory = TemporaryDirectory()
        let peer = try SunSpecPeer(in: directory)
        defer { peer.stop() }
        let file = directory.path("onduleur.yaml")
        let scan = try vigie(["modbus", "scan", "--sunspec", "--tcp", "127.0.0.1:\(peer.port)", "--write-profile", file],
                             in: directory)
        #expect(scan.output.contains("wrote \(file): profile onduleur, 127 points"), "\(scan.output)")
        let profile = try ProfileLoader.load(path: file)
        #expect(profile.manufacturer == "Vigie Test")
        #expect(profile.points.first { $0.name == "w" }?.scaleFrom == "w_sf")
        let poll = try vigie(["modbus", "poll", "--profile", file, "--tcp", "127.0.0.1:\(peer.port)"], in: directory)
        #expect(value(of: "w", in: poll.output) == "1234", "\(poll.output)")
        #expect(value(of: "module2_dcw", in: poll.output) == "1800")
        #expect(profile.points.first { $0.name == "evt1_over_temp" }?.type == .bits(BitField(registers: 2, bit: 7)))
        #expect(poll.output.contains("bits set: evt1_ground_fault, evt1_over_temp"), "\(poll.output)")
    }

    @Test func aSunSpecDeviceIsPolledByTheSourceWithContinuousValues() async throws {
        let directory = TemporaryDirectory()
        let peer = try SunSpecPeer(in: directory)
        defer { peer.stop() }
        let configuration = ModbusConfiguration(buses: [
            ModbusBusConfiguration(name: "lan", transport: .tcp(Endpoint(host: "127.0.0.1", port: peer.port)),
                                   timeout: .milliseconds(500), devices: [
                ModbusDeviceConfiguration(name: "onduleur", units: [1], sunspec: true, poll: .milliseconds(200)),
            ]),
        ])
        let sink = ReadingCollector()
        let found = Mutex<[ModbusDevice]>([])
        let source = try ModbusSource(configuration: configuration, profiles: [:], sink: sink, logger: Logger(label: "test"),
                                      discovered: { device in found.withLock { $0.append(device) } })
        let task = Task { try await source.run() }
        let power = SensorID(device: "onduleur", point: "W")
        let enough = await eventually(20) { sink.readings.filter { $0.sensor == power }.count >= 4 }
        task.cancel()
        _ = try? await task.value
        #expect(enough)
        let watts = sink.readings.filter { $0.sensor == power }
        #expect(watts.allSatisfy { $0.value == 1234 && $0.quality == .good }, "\(watts)")
        #expect(sink.readings.contains { $0.sensor == SensorID(device: "onduleur", point: "module2_DCW") && $0.value == 1800 })
        #expect(source.status().first?.state == .ok)
        // Told before the first reading: the device with its models' points.
        let device = try #require(found.withLock { $0.first })
        #expect(device.points.contains { $0.name == "W" && $0.unit == "W" })
        // Named event bits are readings of their own; scale factors are not readings at all.
        let latest = { (point: String) in sink.readings.last { $0.sensor == SensorID(device: "onduleur", point: point) }?.value }
        #expect(latest("Evt1_GROUND_FAULT") == 1 && latest("Evt1_OVER_TEMP") == 1 && latest("Evt1_DC_OVER_VOLT") == 0)
        #expect(latest("St") == 4)
        #expect(!sink.readings.contains { $0.sensor.point.hasSuffix("_sf") }, "factors are metadata")
    }
}

/// Readings handed to a sink, kept for the test.
final class ReadingCollector: ReadingSink, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Reading] = []

    func submit(_ readings: [Reading]) async {
        lock.withLock { stored += readings }
    }

    var readings: [Reading] { lock.withLock { stored } }
}
