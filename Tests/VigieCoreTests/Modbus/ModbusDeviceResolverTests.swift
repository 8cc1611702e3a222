import Testing
import VigieCore

struct ModbusDeviceResolverTests {
    let profile = DeviceProfile(id: "meter", manufacturer: "M", model: "X", source: "manual", maxRegistersPerRequest: 40, points: [
        PointDefinition(name: "power", table: .input, address: 12, type: .float32, unit: "W"),
        PointDefinition(name: "energy", table: .input, address: 72, type: .float32, unit: "kWh", poll: .seconds(60)),
    ])

    @Test func expandsAFleetWithTheUnitInTheName() throws {
        let bus = ModbusBusConfiguration(name: "rs485-1", transport: .rtu(SerialLine(port: "/dev/ttyUSB0")), devices: [
            ModbusDeviceConfiguration(name: "compteur-{unit}", units: Array(1...3), profile: "meter"),
        ])
        let devices = try ModbusDeviceResolver(profiles: ["meter": profile]).devices(of: bus)
        #expect(devices.map(\.name) == ["compteur-1", "compteur-2", "compteur-3"])
        #expect(devices.map(\.unit) == [1, 2, 3])
        #expect(devices[0].maxRegistersPerRequest == 40)
        #expect(devices[2].sensor(devices[2].points[0]).description == "compteur-3/power")
    }

    @Test func inlinePointsAddToAndReplaceProfilePoints() throws {
        let entry = ModbusDeviceConfiguration(name: "tableau", units: [1], profile: "meter", points: [
            PointDefinition(name: "power", table: .input, address: 12, type: .float32, scale: 0.001, unit: "kW"),
            PointDefinition(name: "door", table: .discrete, address: 0, type: .bool),
        ])
        let device = try ModbusDeviceResolver(profiles: ["meter": profile]).device(entry, unit: 1, bus: "b")
        #expect(device.points.map(\.name) == ["power", "energy", "door"])
        #expect(device.points[0].unit == "kW")
    }

    @Test func groupsPointsByPollInterval() throws {
        let entry = ModbusDeviceConfiguration(name: "m", units: [1], profile: "meter", poll: .seconds(10))
        let device = try ModbusDeviceResolver(profiles: ["meter": profile]).device(entry, unit: 1, bus: "b")
        #expect(device.pollGroups.map(\.interval) == [.seconds(10), .seconds(60)])
        #expect(device.pollGroups.map { $0.points.map(\.name) } == [["power"], ["energy"]])
    }

    @Test func unknownProfileAndDuplicateNamesAreClearErrors() {
        let resolver = ModbusDeviceResolver(profiles: [:])
        let unknown = ModbusBusConfiguration(name: "b", transport: .tcp(Endpoint(host: "h", port: 502)),
                                             devices: [ModbusDeviceConfiguration(name: "m", units: [1], profile: "nope")])
        #expect(throws: DeviceResolutionError.self) { try resolver.devices(of: unknown) }
        do { _ = try resolver.devices(of: unknown) } catch { #expect(error.code == .unknownProfile); #expect(error.message.contains("nope")) }
        let duplicate = ModbusBusConfiguration(name: "b", transport: .tcp(Endpoint(host: "h", port: 502)), devices: [
            ModbusDeviceConfiguration(name: "same", units: [1, 2], points: [PointDefinition(name: "p", table: .holding, address: 0)]),
        ])
        do { _ = try resolver.devices(of: duplicate); Issue.record("expected an error") } catch { #expect(error.code == .duplicateDevice) }
    }
}
