import Foundation
import Testing
import VigieCore
import VigieDaemon

/// What the catalog knows: configured points from the start, a SunSpec device's points each time
/// its models are found, never a scale factor.
struct SensorCatalogTests {
    static let yaml = """
        gateway: { id: t, data_dir: /tmp/unused }
        modbus:
          buses:
            - name: lan
              tcp: 127.0.0.1:1502
              devices:
                - { name: onduleur, unit: 1, sunspec: true, poll: 10s }
                - name: armoire
                  unit: 2
                  points:
                    - { name: w, table: holding, address: 1, type: int16, scale_from: w_sf, unit: W }
                    - { name: w_sf, table: holding, address: 2, type: int16 }
                    - { name: state, table: holding, address: 3, enum: { 1: "off", 4: running } }
        """

    func catalog() throws -> SensorCatalog {
        SensorCatalog(try ConfigurationLoader.load(yaml: Self.yaml, path: "/tmp/vigie.yaml"))
    }

    func discovered(_ points: [PointDefinition]) -> ModbusDevice {
        ModbusDevice(name: "Onduleur", unit: 1, sunspec: true, points: points, poll: .seconds(10))
    }

    @Test func configuredPointsAreKnownButNotTheirScaleFactors() throws {
        let catalog = try catalog()
        #expect(catalog.unit(of: SensorID(device: "armoire", point: "w")) == "W")
        #expect(catalog.labels(of: SensorID(device: "armoire", point: "state"))[4] == "running")
        #expect(catalog[SensorID(device: "armoire", point: "w_sf")] == nil)
        #expect(catalog.sensors == [SensorID(device: "armoire", point: "state"), SensorID(device: "armoire", point: "w")])
    }

    @Test func aDiscoveryTeachesTheDevicesPointsAndAnotherReplacesThem() throws {
        let catalog = try catalog()
        let power = SensorID(device: "onduleur", point: "W")
        #expect(catalog[power] == nil, "nothing known before the models are found")
        catalog.learn(discovered([
            PointDefinition(name: "W", table: .holding, address: 40084, type: .int16, unit: "W", scaleFrom: "W_SF"),
            PointDefinition(name: "W_SF", table: .holding, address: 40085, type: .int16),
            PointDefinition(name: "St", table: .holding, address: 40108, labels: [4: "MPPT"]),
        ]))
        #expect(catalog.unit(of: power) == "W")
        #expect(catalog[power]?.expectedInterval == 10_000)
        #expect(catalog.labels(of: SensorID(device: "onduleur", point: "st")) == [4: "MPPT"])
        #expect(catalog[SensorID(device: "onduleur", point: "w_sf")] == nil)

        // Found again after a reconnect (a firmware update moved or changed the models).
        catalog.learn(discovered([PointDefinition(name: "W", table: .holding, address: 40090, type: .float32, unit: "kW")]))
        #expect(catalog.unit(of: power) == "kW")
        #expect(catalog[SensorID(device: "onduleur", point: "st")] == nil)

        // A reload replaces the configured points and keeps what discovery found.
        catalog.configure(try ConfigurationLoader.load(yaml: Self.yaml.replacingOccurrences(of: "unit: W }", with: "unit: kW }"),
                                                       path: "/tmp/vigie.yaml"))
        #expect(catalog.unit(of: SensorID(device: "armoire", point: "w")) == "kW")
        #expect(catalog.unit(of: power) == "kW")
    }
}
