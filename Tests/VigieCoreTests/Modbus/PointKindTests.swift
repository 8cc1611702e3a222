import Testing
@testable import VigieCore

/// `type: bits`, `enum:`, `scale_from:` and `not_available:`: decoding, encoding for writes,
/// planning, and the configuration errors, each at its line and column.
struct PointKindTests {
    private let bus = """
    modbus:
      buses:
        - name: line
          tcp: 127.0.0.1:1502
          devices:
            - name: m
              unit: 1
              points:

    """

    @Test func bitFieldsComeOutOfOneRegisterAndWriteBackByReadModifyWrite() {
        let alarm = BitField(bit: 5)
        let mode = BitField(bit: 2, width: 2)
        let status: [UInt16] = [0b10_0101]
        #expect(RegisterDecoder.decode(status, type: .bits(alarm), order: .abcd) == .number(1))
        #expect(RegisterDecoder.decode(status, type: .bits(mode), order: .abcd) == .number(1))
        #expect(RegisterDecoder.decode(status, type: .bits(BitField(bit: 1)), order: .abcd) == .number(0))
        let high = BitField(registers: 2, bit: 20)
        #expect(RegisterDecoder.decode([0x0010, 0x0000], type: .bits(high), order: .abcd) == .number(1))
        #expect(RegisterDecoder.decode([0x0000, 0x0010], type: .bits(high), order: .cdab) == .number(1))
        #expect(RegisterDecoder.decode([0x0000, 0x0010], type: .bits(high), order: .abcd) == .number(0))
        // A write of one flag keeps every other bit of the register.
        #expect(RegisterEncoder.words(settingField: BitField(bit: 1), to: 1, in: status, order: .abcd) == [0b10_0111])
        #expect(RegisterEncoder.words(settingField: mode, to: 2, in: status, order: .abcd) == [0b10_1001])
        #expect(RegisterEncoder.words(settingField: high, to: 0, in: [0x0010, 0x0001], order: .abcd) == [0x0000, 0x0001])
    }

    @Test func enumLabelsResolveBothWays() {
        let state = PointDefinition(name: "state", table: .holding, address: 0, labels: [1: "off", 4: "running"])
        #expect(state.label(of: 4) == "running")
        #expect(state.label(of: 3) == nil)
        #expect(state.label(of: .nan) == nil)
        #expect(state.rawValue(ofLabel: "off") == 1)
        #expect(state.rawValue(ofLabel: "on") == nil)
    }

    @Test func aScaleFactorIsAPowerOfTenAndNotAvailableReadsBad() {
        let power = PointDefinition(name: "w", table: .holding, address: 0, type: .int16, scaleFrom: "w_sf", notAvailable: 0x8000)
        #expect(RegisterDecoder.reading([12340], point: power, factor: -1).value == 1234)
        #expect(RegisterDecoder.reading([1234], point: power, factor: 0).value == 1234)
        #expect(RegisterDecoder.reading([2315], point: power, factor: -1).value == 231.5)
        #expect(RegisterDecoder.reading([12], point: power, factor: 2).value == 1200)
        #expect(RegisterDecoder.reading([0x8000], point: power, factor: 0).quality == .bad(.notANumber))
    }

    @Test func aFactorIsPolledWithTheValuesItScalesAndReadFirst() {
        let device = ModbusDevice(name: "inv", unit: 1, points: [
            PointDefinition(name: "w", table: .holding, address: 10, type: .int16, scaleFrom: "w_sf"),
            PointDefinition(name: "w_sf", table: .holding, address: 200, type: .int16, poll: .seconds(60)),
            PointDefinition(name: "hz", table: .holding, address: 11),
        ], poll: .seconds(10))
        let fast = device.pollGroups.first { $0.interval == .seconds(10) }
        #expect(fast?.points.map(\.name) == ["w", "hz", "w_sf"])
        let plan = RequestPlanner(maxGap: 10).plan(fast?.points ?? [])
        #expect(plan.map(\.request.description) == ["holding 200", "holding 10..11"])
        // A factor is metadata: its own poll makes no group of it, and it is no measured point.
        #expect(device.pollGroups.map(\.interval) == [.seconds(10)])
        #expect(device.scaleFactorNames == ["w_sf"])
        #expect(device.measuredPoints.map(\.name) == ["w", "hz"])
    }

    @Test func pointKindsLoadFromTheConfiguration() throws {
        let yaml = bus + """
                    - { name: sf, table: holding, address: 0, type: int16 }
                    - { name: w, table: holding, address: 1, type: int16, scale_from: sf, not_available: 0x8000 }
                    - { name: alarm, table: holding, address: 2, type: bits, bit: 15 }
                    - { name: fault, table: holding, address: 3, type: bits, bit: 20, width: 2, length: 2, order: CDAB }
                    - { name: state, table: holding, address: 5, enum: { 1: "off", 0x04: running } }

        """
        let points = try loaded(yaml).configuration.modbus.buses[0].devices[0].points
        #expect(points[1].scaleFrom == "sf")
        #expect(points[1].notAvailable == 0x8000)
        #expect(points[2].type == .bits(BitField(bit: 15)))
        #expect(points[3].type == .bits(BitField(registers: 2, bit: 20, width: 2)))
        #expect(points[3].width == 2)
        #expect(points[4].labels == [1: "off", 4: "running"])
    }

    @Test func aScaleFromNamingNoPointIsLocated() {
        expectSingleError(bus + "            - { name: w, table: holding, address: 1, type: int16, scale_from: w_sf }\n",
                          line: 9, column: 79, "\"scale_from\" of point \"w\" names \"w_sf\", which is no point of device \"m\"")
    }

    @Test func aScaleFromNamingAFloatIsLocated() {
        expectSingleError(bus + """
                    - { name: f, table: holding, address: 0, type: float32 }
                    - { name: w, table: holding, address: 2, type: int16, scale_from: f }

        """, line: 10, column: 79, "a float32 point: a scale-factor register is an int16 power of ten")
    }

    @Test func aBitOutsideItsRegisterIsLocated() {
        expectSingleError(bus + "            - { name: a, table: holding, address: 1, type: bits, bit: 16 }\n",
                          line: 9, column: 71, "bits 16...16 of point \"a\" of device \"m\" lie outside its 16-bit register (add length: 2")
        expectSingleError(bus + "            - { name: a, table: holding, address: 1, type: bits, bit: 30, width: 4, length: 2 }\n",
                          line: 9, column: 71, "lie outside its 32-bit register")
        expectSingleError(bus + "            - { name: a, table: holding, address: 1, type: uint16, bit: 3 }\n",
                          line: 9, column: 73, "\"bit\" applies to type bits only")
        expectSingleError(bus + "            - { name: a, table: holding, address: 1, type: bits }\n",
                          line: 9, column: 15, "missing required key \"bit\"")
    }

    @Test func anEnumOnAFloatIsLocated() {
        expectSingleError(bus + "            - { name: a, table: holding, address: 1, type: float32, enum: { 0: off } }\n",
                          line: 9, column: 75, "\"enum\" labels whole numbers: the float32 point \"a\" of device \"m\" cannot have one")
        expectSingleError(bus + "            - { name: a, table: holding, address: 1, enum: { on: 1 } }\n",
                          line: 9, column: 62, "an \"enum\" key must be a whole number")
    }

    @Test func aSunSpecDeviceNeedsNoPointsButNoProfileBeside() throws {
        let device = "    modbus:\n      buses:\n        - name: line\n          tcp: 127.0.0.1:1502\n          devices:\n"
        let configuration = try loaded(device + "            - { name: inv, unit: 1, sunspec: true }\n").configuration
        #expect(configuration.modbus.buses[0].devices[0].sunspec)
        let both = diagnostics(of: device + "            - { name: inv, unit: 1, sunspec: true, profile: eastron-sdm630 }\n")
        #expect(both.contains { $0.line == 6 && $0.column == 61 && $0.message.contains("has both \"sunspec: true\"") }, "\(both)")
    }
}
