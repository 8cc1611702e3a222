import Testing
@testable import VigieCore

private let consigne = PointDefinition(name: "consigne", table: .holding, address: 200, type: .int16, scale: 0.1, unit: "Cel",
                                       write: PointWriteLimits(min: 15, max: 23, step: 0.5))

@Test func aValueInRangeBecomesTheInverseOfScaleAndOffset() throws {
    let plan = try PlannedWrite.plan(.number(21.5), for: consigne).get()
    #expect(plan.action == .registers([215]))
    var offset = consigne
    offset.offset = -10
    offset.write = PointWriteLimits(min: -20, max: 20)
    #expect(try PlannedWrite.plan(.number(-12.5), for: offset).get().action == .registers([UInt16(bitPattern: -25)]))
}

@Test func wordOrderIsTheOneTheDecoderReads() throws {
    for order in ByteOrder.allCases {
        for type in [ValueType.float32, .int32, .uint32, .float64, .int64] {
            let point = PointDefinition(name: "p", table: .holding, address: 0, type: type, order: order, scale: 0.5,
                                        write: PointWriteLimits(min: -1000, max: 1000))
            guard case .registers(let words) = try PlannedWrite.plan(.number(123.5), for: point).get().action else {
                Issue.record("not registers")
                continue
            }
            #expect(RegisterDecoder.reading(words, point: point).value == 123.5, "\(type) \(order)")
        }
    }
}

@Test func refusalsSayWhyBeforeAnythingIsEncoded() {
    func reason(_ value: CommandValue, _ point: PointDefinition = consigne) -> CommandRefusal.Reason? {
        if case .failure(let refusal) = PlannedWrite.plan(value, for: point) { return refusal.reason }
        return nil
    }
    #expect(reason(.number(30)) == .outOfRange)
    #expect(reason(.number(14.5)) == .outOfRange)
    #expect(reason(.number(21.2)) == .outOfRange) // off the 0.5 step
    #expect(reason(.bool(true)) == .badRequest)
    #expect(reason(.label("eco")) == .badRequest)
    var readOnly = consigne
    readOnly.write = nil
    #expect(reason(.number(20), readOnly) == .notWritable)
    let coil = PointDefinition(name: "pompe", table: .coils, address: 3, type: .bool, write: PointWriteLimits())
    #expect(reason(.number(1), coil) == .badRequest)
    #expect((try? PlannedWrite.plan(.bool(true), for: coil).get())?.action == .coil(true))
    if case .failure(let refusal) = PlannedWrite.plan(.number(30), for: consigne) {
        #expect(refusal.detail == "30 is above the maximum 23 Cel")
    }
}

@Test func theTypeRangeIsCheckedAfterTheConfiguredOne() {
    let wide = PointDefinition(name: "p", table: .holding, address: 0, type: .uint16, write: PointWriteLimits(min: -10, max: 100_000))
    for value in [-1.0, 65_536] {
        guard case .failure(let refusal) = PlannedWrite.plan(.number(value), for: wide) else {
            Issue.record("\(value) was encoded")
            continue
        }
        #expect(refusal.reason == .outOfRange)
    }
    #expect((try? PlannedWrite.plan(.number(65_535), for: wide).get())?.action == .registers([65_535]))
}

@Test func aReadBackMatchesWithinOneRawStep() throws {
    let plan = try PlannedWrite.plan(.number(21.5), for: consigne).get()
    #expect(plan.matches(readBack: 21.5))
    #expect(plan.matches(readBack: 21.6))
    #expect(!plan.matches(readBack: 21.7))
    #expect(!plan.matches(readBack: .nan))
    let float = PointDefinition(name: "f", table: .holding, address: 0, type: .float32, write: PointWriteLimits(min: 0, max: 1000))
    let floatPlan = try PlannedWrite.plan(.number(222.2), for: float).get()
    #expect(floatPlan.matches(readBack: Double(Float(222.2))))
    #expect(!floatPlan.matches(readBack: 222.3))
}

@Test func bitsAndLabelsArePlannedWithinTheirField() throws {
    let field = BitField(bit: 3, width: 2)
    let bits = PointDefinition(name: "b", table: .holding, address: 0, type: .bits(field), labels: [0: "off", 3: "max"],
                               write: PointWriteLimits())
    #expect(try PlannedWrite.plan(.label("max"), for: bits).get().action == .bits(field, value: 3))
    #expect(try PlannedWrite.plan(.number(0), for: bits).get().expected == 0)
    guard case .failure(let unknown) = PlannedWrite.plan(.number(2), for: bits) else { Issue.record("2 has no label"); return }
    #expect(unknown.reason == .outOfRange && unknown.detail.contains("0 = off, 3 = max"))
    let flag = PointDefinition(name: "f", table: .holding, address: 0, type: .bits(BitField(bit: 15)), write: PointWriteLimits())
    #expect(try PlannedWrite.plan(.bool(true), for: flag).get().action == .bits(BitField(bit: 15), value: 1))
    guard case .failure(let wide) = PlannedWrite.plan(.number(2), for: flag) else { Issue.record("2 fits no bit"); return }
    #expect(wide.reason == .outOfRange)
    #expect(field.insert(3, into: 0b1_0000_0101) == 0b1_0001_1101, "the other bits stay")
}
