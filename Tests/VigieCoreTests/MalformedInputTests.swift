import Testing
@testable import VigieCore

/// Random and mutated inputs: every parser answers with a value or an `UpstreamError`, never a crash.
@Test func storedFormsAndTemplatesSurviveGarbage() {
    var random = SplitMix64(seed: 0xBAD)
    let seeds = [UpstreamMessage.aggregate(UpstreamExamples.pack), .anomaly(UpstreamExamples.anomalyClose),
                 .health(UpstreamExamples.health), .readings(UpstreamExamples.readings)]
    let alphabet = Array("vigie-aggregate anomaly health readings 1\n %0123456789abcdef{}/-.:e+#point window device")
    var rejected = 0
    for round in 0..<1_000 {
        let seed = seeds[round % seeds.count]
        var bytes = Array(seed.storageText.utf8)
        for _ in 0..<Int.random(in: 1...4, using: &random) where !bytes.isEmpty {
            let index = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<3, using: &random) {
            case 0: bytes[index] = UInt8.random(in: 0...255, using: &random)
            case 1: bytes.remove(at: index)
            default: bytes.insert(UInt8(ascii: "\n"), at: index)
            }
        }
        do {
            _ = try UpstreamMessage(kind: seed.kind, storageText: String(decoding: bytes, as: UTF8.self))
        } catch is UpstreamError {
            rejected += 1
        } catch {
            Issue.record("unexpected error \(error)")
        }
        let template = String((0..<Int.random(in: 0...20, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
        do {
            let parsed = try TopicTemplate(parsing: template)
            #expect(!parsed.render(gateway: "g", kind: "status").contains("#"))
        } catch is UpstreamError {
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
    #expect(rejected > 100, "mutations are noticed")
}

@Test func oddDeliverySettingsDoNotTrap() {
    let now = ManualInstant(offset: .zero)
    var slow = TokenBucket(rate: 1, burst: .max, now: now)
    let took = slow.tryTake(.max, now: now)
    let wait = slow.waitTime(for: .max, now: now)
    #expect(took)
    #expect(wait > .seconds(86_400 * 365 * 100))
    var backoff = Backoff(configuration: .init(initial: .seconds(-5), maximum: .seconds(1), multiplier: .nan, jitter: .infinity))
    var random = SplitMix64(seed: 1)
    #expect(backoff.next(using: &random) == .zero)
}
