import Testing
import VigieCore

struct PollTimingTests {
    @Test func alignsToTheNextMultipleOfTheInterval() {
        #expect(PollTiming.nextAligned(after: 1_000_003_000, interval: .seconds(10)) == 1_000_010_000)
        #expect(PollTiming.nextAligned(after: 1_000_010_000, interval: .seconds(10)) == 1_000_020_000)
        #expect(PollTiming.nextAligned(after: 59_999, interval: .seconds(60)) == 60_000)
    }

    @Test func backsOffExponentiallyUpToTheCap() {
        let timing = PollTiming(maxBackoff: .seconds(300))
        let delays = (1...8).map { timing.backoff(interval: .seconds(10), failures: $0) }
        #expect(delays == [10, 20, 40, 80, 160, 300, 300, 300].map { .seconds($0) })
        #expect(timing.backoff(interval: .seconds(10), failures: 10_000) == .seconds(300))
    }
}
