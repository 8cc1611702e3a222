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

/// High sensitivity scores statistical evidence with its own gain (`gain_high`); low and medium
/// share `gain`. A seasonal series with a level shift and a spike is scored at high with the
/// shipped gains and with `gain_high` raised to `gain`: every statistical score below the cap
/// scales by the ratio of the two gains, and nothing else changes.
@Test func highSensitivityScalesItsStatisticalScoresByItsOwnGain() {
    var series = AnomalyTestSeries.seasonal(count: 2_000)
    for i in 1_400..<2_000 { series[i].value += 4 }
    series[1_700].value += 30
    let shipped = AnomalyTuning()
    var raised = shipped
    raised.highSensitivityGain = shipped.statisticalGain
    func scores(_ sensitivity: Sensitivity, _ tuning: AnomalyTuning) -> [AnomalyScore] {
        var settings = AnomalyDetectorSettings(sensitivity: sensitivity)
        settings.tuning = tuning
        return AnomalyTestSeries.scores(series, settings: settings)
    }
    let high = scores(.high, shipped), highRaised = scores(.high, raised)
    let ratio = shipped.highSensitivityGain / shipped.statisticalGain
    let statistical = highRaised.indices.filter {
        highRaised[$0].score > 0 && highRaised[$0].score < 1 && highRaised[$0].reasons.isDisjoint(with: Verdict.quality)
    }
    #expect(!statistical.isEmpty)
    for i in statistical {
        #expect(abs(high[i].score - highRaised[i].score * ratio) < 1e-12, "reading \(i)")
    }
    for i in highRaised.indices where highRaised[i].score == 0 {
        #expect(high[i].score == 0, "reading \(i)")
    }
    #expect(scores(.medium, shipped).map(AnomalyTestSeries.fingerprint) == scores(.medium, raised).map(AnomalyTestSeries.fingerprint))
}

@Test func eachSensitivityHasTheGainItWasCrossValidatedWith() {
    let tuning = AnomalyTuning()
    #expect(tuning.gain(at: .low) == tuning.statisticalGain)
    #expect(tuning.gain(at: .medium) == tuning.statisticalGain)
    #expect(tuning.gain(at: .high) == tuning.highSensitivityGain)
    #expect(tuning.highSensitivityGain < tuning.statisticalGain)
}
