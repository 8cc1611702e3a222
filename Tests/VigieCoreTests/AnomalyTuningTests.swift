import Testing
@testable import VigieCore

@Test func everyTunedConstantCanBeSetByItsNameForCrossValidation() {
    var tuning = AnomalyTuning()
    for (name, value) in tuning.values {
        #expect(tuning.set(name, value + 1), "\(name)")
    }
    #expect(tuning.values.map(\.value) == AnomalyTuning().values.map { $0.value + 1 })
}

@Test func theRangeResetFractionIsTunedAndMustBePositive() {
    var tuning = AnomalyTuning()
    #expect(tuning.rangeReset == 0.3)
    #expect(tuning.set("reset", 0.25))
    #expect(tuning.rangeReset == 0.25)
    #expect(!tuning.set("reset", 0))
    #expect(!tuning.set("reset", .nan))
    #expect(!tuning.set("resets", 0.2))
    #expect(tuning.rangeReset == 0.25)
}
