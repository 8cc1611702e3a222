import Testing
@testable import VigieCore

@Test func everyTunedConstantCanBeSetByItsNameForCrossValidation() {
    var tuning = AnomalyTuning()
    for (name, value) in tuning.values {
        let accepted = tuning.set(name, value + 1)
        #expect(accepted, "\(name)")
    }
    #expect(tuning.values.map(\.value) == AnomalyTuning().values.map { $0.value + 1 })
}

@Test func theRangeResetFractionIsTunedAndMustBePositive() {
    var tuning = AnomalyTuning()
    #expect(tuning.rangeReset == 0.3)
    let quarter = tuning.set("reset", 0.25)
    let zero = tuning.set("reset", 0)
    let notANumber = tuning.set("reset", .nan)
    let unknown = tuning.set("resets", 0.2)
    #expect(quarter && !zero && !notANumber && !unknown)
    #expect(tuning.rangeReset == 0.25)
}
