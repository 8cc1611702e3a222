import VigieCore

/// One thing the fuzzer can exercise: a name (the `VIGIE_FUZZ_TARGET` value, also the corpus
/// folder under `scripts/fuzz/corpus/`) and a body that must return normally on any input.
///
/// A body checks the invariants the daemon relies on and traps (`preconditionFailure`) when one
/// breaks, so libFuzzer reports logic errors as crashes too, not only memory errors.
struct FuzzTarget: Sendable {
    let name: String
    let run: @Sendable ([UInt8]) -> Void

    /// Every target, in the order `make fuzz` runs them.
    static let all: [FuzzTarget] = PayloadFormat.allCases.map(payload) + [
        FuzzTarget(name: "config", run: ConfigurationFuzzing.configuration),
        FuzzTarget(name: "profile", run: ConfigurationFuzzing.profile),
        FuzzTarget(name: "register", run: RegisterFuzzing.decode),
        FuzzTarget(name: "series-csv", run: SeriesFuzzing.lines),
    ]

    static func named(_ name: String) -> FuzzTarget? {
        all.first { $0.name == name }
    }

    /// The subscription decoder of one payload format, on the topic `t/<device>/<field>`.
    static func payload(_ format: PayloadFormat) -> FuzzTarget {
        let subscription = SubscriptionConfiguration(
            topic: "t/+/#", format: format, sensor: format == .value ? "{1}/v" : nil,
            fields: format == .json ? [FieldMapping(path: "temperature"), FieldMapping(path: "data.power", name: "power"),
                                       FieldMapping(path: "values[1]", name: "second")] : [],
            timeField: format == .json ? "ts" : nil)
        let decoder: SubscriptionDecoder
        do {
            decoder = try SubscriptionDecoder(subscription)
        } catch {
            preconditionFailure("the fuzz subscription for \(format) is invalid: \(error)")
        }
        return FuzzTarget(name: "payload-\(format.rawValue)") { bytes in
            switch decoder.decode(topic: "t/dev/x", payload: bytes, receivedAt: 1_700_000_000_000) {
            case .success(let message):
                precondition(message.readings.count <= decoder.maxPoints, "more points than the limit")
                for decoded in message.readings where decoded.reading.quality == .good {
                    precondition(decoded.reading.value.isFinite, "a good reading with a non-finite value")
                }
            case .failure(let rejection):
                precondition(!rejection.message.isEmpty, "a rejection without a message")
            }
        }
    }
}
