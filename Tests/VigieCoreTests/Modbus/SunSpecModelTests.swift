import Testing
@testable import VigieCore

/// The SunSpec model tables (generated from SunSpec's model files) and how a chain lays them out.
struct SunSpecModelTests {
    @Test func theGeneratedTablesHaveTheLengthsSunSpecPublishes() {
        let lengths = SunSpecModelDefinition.known.mapValues(\.fixedLength)
        #expect(lengths[1] == 66)
        #expect(lengths[103] == 50)
        #expect(lengths[113] == 60)
        #expect(lengths[160] == 8)
        #expect(SunSpecModelDefinition.known[160]?.blockLength == 20)
        #expect(lengths[203] == 105)
        #expect(Set(SunSpecModelDefinition.known.keys) == [1, 101, 102, 103, 111, 112, 113, 120, 160, 201, 202, 203, 204,
                                                            211, 212, 213, 214, 802])
    }

    @Test func aChainGivesSunSpecNamesAddressesUnitsAndFactors() {
        let chain = SunSpecChain(base: 40000, models: [
            .init(id: 1, address: 40002, length: 66), .init(id: 103, address: 40070, length: 50),
            .init(id: 160, address: 40122, length: 48),
        ], complete: true)
        let points = Dictionary(uniqueKeysWithValues: chain.points().map { ($0.name, $0) })
        #expect(points["W"]?.address == 40084)
        #expect(points["W"]?.scaleFrom == "W_SF")
        #expect(points["W"]?.unit == "W")
        #expect(points["W_SF"]?.address == 40085)
        #expect(points["TmpCab"]?.unit == "Cel")
        #expect(points["St"]?.labels[4] == "MPPT")
        #expect(points["Mn"]?.type == .string(registers: 16))
        // Model 160's own factors clash with model 103's: they take the model id, and its blocks follow.
        #expect(points["m160_DCW_SF"]?.address == 40126)
        #expect(points["module1_DCW"]?.address == 40143)
        #expect(points["module1_DCW"]?.scaleFrom == "m160_DCW_SF")
        #expect(points["module2_DCW"]?.address == 40163)
        #expect(points["module3_DCW"] == nil)
        #expect(points["Pad"] == nil)
        let sensors = chain.points().map { SensorID(device: "d", point: $0.name) }
        #expect(Set(sensors).count == sensors.count)
    }

    @Test func aBitfieldWithNamedBitsBecomesOneBitsPointPerNamedBit() {
        let chain = SunSpecChain(base: 40000, models: [
            .init(id: 103, address: 40070, length: 50), .init(id: 160, address: 40122, length: 48),
        ], complete: true)
        let points = Dictionary(uniqueKeysWithValues: chain.points().map { ($0.name, $0) })
        // Model 103's Evt1 (offset 38, 32 bits): one point per SunSpec symbol, the register read once.
        #expect(points["Evt1"] == nil)
        #expect(points["Evt1_GROUND_FAULT"]?.type == .bits(BitField(registers: 2, bit: 0)))
        #expect(points["Evt1_OVER_TEMP"]?.type == .bits(BitField(registers: 2, bit: 7)))
        #expect(points["Evt1_HW_TEST_FAILURE"]?.address == 40110)
        #expect(points["Evt1_GROUND_FAULT"]?.notAvailable == 0xFFFF_FFFF)
        #expect(points.keys.filter { $0.hasPrefix("Evt1_") }.count == 16)
        // A bitfield SunSpec names no bit of (Evt2, the vendor words) stays one number.
        #expect(points["Evt2"]?.type == .uint32)
        #expect(points["EvtVnd1"]?.type == .uint32)
        // The enum status stays one labelled point.
        #expect(points["St"]?.type == .uint16)
        // Model 160: reserved bits are left out; each module's own event word is split too.
        #expect(points["Evt_RESERVED_2"] == nil)
        #expect(points["Evt_ARC_DETECTION"]?.type == .bits(BitField(registers: 2, bit: 15)))
        #expect(points["module2_DCEvt_GROUND_FAULT"]?.address == 40122 + 2 + 8 + 20 + 18)
        #expect(points.keys.filter { $0.hasPrefix("module1_DCEvt_") }.count == 13)
    }

    @Test func aShorterCommonModelKeepsThePointsWithinItsLength() {
        let fronius = SunSpecChain(base: 40000, models: [.init(id: 1, address: 40002, length: 65)]).points()
        #expect(fronius.last?.name == "DA")
        #expect(fronius.last?.address == 40068)
    }
}
