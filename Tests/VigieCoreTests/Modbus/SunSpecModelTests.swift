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

    @Test func aShorterCommonModelKeepsThePointsWithinItsLength() {
        let fronius = SunSpecChain(base: 40000, models: [.init(id: 1, address: 40002, length: 65)]).points()
        #expect(fronius.last?.name == "DA")
        #expect(fronius.last?.address == 40068)
    }
}
