import Testing
@testable import VigieCore

// `write:` on points and the `control:` section: what loads, and every mistake at its line and column.

private func device(_ point: String) -> String {
    """
    modbus:
      buses:
        - name: line
          tcp: 127.0.0.1:1502
          devices:
            - name: chaufferie
              unit: 1
              points:
                - \(point)

    """
}

@Test func aWritableRegisterKeepsItsLimits() throws {
    let loaded = try loaded(device("{ name: consigne, table: holding, address: 200, type: int16, scale: 0.1, write: { min: 15, max: 23, step: 0.5 } }"))
    let point = try #require(loaded.configuration.modbus.buses.first?.devices.first?.points.first)
    #expect(point.write == PointWriteLimits(min: 15, max: 23, step: 0.5))
}

@Test func aPointWithoutWriteIsReadOnly() throws {
    let loaded = try loaded(device("{ name: retour, table: holding, address: 201 }"))
    #expect(loaded.configuration.modbus.buses.first?.devices.first?.points.first?.write == nil)
}

@Test func aCoilIsWritableWithAnEmptyWrite() throws {
    let loaded = try loaded(device("{ name: pompe, table: coils, address: 3, write: {} }"))
    #expect(loaded.configuration.modbus.buses.first?.devices.first?.points.first?.write == PointWriteLimits())
}

@Test func writeMistakesAreLocated() {
    expectSingleError(device("{ name: t, table: input, address: 0, write: { min: 0, max: 1 } }"), line: 9, column: 59,
                      "which Modbus cannot write")
    expectSingleError(device("{ name: t, table: holding, address: 0, write: { min: 0 } }"), line: 9, column: 61,
                      "missing required key \"max\"")
    expectSingleError(device("{ name: t, table: holding, address: 0, write: { min: 5, max: 1 } }"), line: 9, column: 68,
                      "\"min\" (5.0) is above \"max\" (1.0)")
    expectSingleError(device("{ name: t, table: holding, address: 0, write: { min: 0, max: 70000 } }"), line: 9, column: 76,
                      "\"max\" of \"write\" of point \"t\" of device \"chaufferie\" cannot be written as uint16")
    expectSingleError(device("{ name: t, table: holding, address: 0, write: { min: 0, max: 9, step: 0 } }"), line: 9, column: 85,
                      "\"step\" must be above 0")
    expectSingleError(device("{ name: t, table: coils, address: 0, write: { max: 1 } }"), line: 9, column: 66,
                      "a coil is written with true or false")
    expectSingleError(device("{ name: t, table: holding, address: 0, write: { min: 0, max: 9, stp: 1 } }"), line: 9, column: 79,
                      "unknown key \"stp\"")
}

private let hub = """
upstream:
  - mqtt: { name: hub, broker: 127.0.0.1:1883 }

"""

@Test func controlIsOffByDefaultAndReadWhenGiven() throws {
    #expect(try loaded(hub).configuration.control == ControlConfiguration())
    let control = try loaded(hub + "control:\n  enabled: true\n  commands: \"t/{gateway}/cmd\"\n  replies: \"t/{gateway}/re\"\n  max_age: 1m\n")
        .configuration.control
    #expect(control == ControlConfiguration(enabled: true, commands: "t/{gateway}/cmd", replies: "t/{gateway}/re", maxAge: .seconds(60)))
    #expect(control.carrier(in: try loaded(hub).configuration.upstream)?.name == "hub")
}

@Test func controlMistakesAreLocated() {
    expectSingleError("control:\n  enabled: true\n", line: 2, column: 12, "no upstream mqtt sink to receive commands on")
    expectSingleError(hub + "control:\n  enabled: true\n  sink: other\n", line: 5, column: 9, "\"sink\" names other")
    expectSingleError(hub + "control:\n  commands: \"t/{device}/cmd\"\n", line: 4, column: 13, "may only use {gateway}")
    expectSingleError(hub + "control:\n  replies: \"t/#\"\n", line: 4, column: 12, "is not a valid topic")
}
