import Testing
@testable import VigieCore

@Test func backoffDelaysStayWithinTheirCappedBounds() {
    var random = SplitMix64(seed: 7)
    var backoff = Backoff()
    let ceilings: [Int64] = [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]
    for _ in 0..<200 {
        backoff.reset()
        for ceiling in ceilings + Array(repeating: 60_000, count: 100) {
            let delay = backoff.next(using: &random).milliseconds
            #expect(delay <= ceiling)
            #expect(Double(delay) > Double(ceiling) * 0.8)
        }
    }
    #expect(backoff.attempt == ceilings.count + 100)
}

@Test func backoffIsDeterministicForASeedAndJittered() {
    var a = SplitMix64(seed: 1), b = SplitMix64(seed: 1)
    var first = Backoff(), second = Backoff()
    let runA = (0..<8).map { _ in first.next(using: &a) }
    let runB = (0..<8).map { _ in second.next(using: &b) }
    #expect(runA == runB)
    var many = Set<Int64>()
    var random = SplitMix64(seed: 2)
    for _ in 0..<50 {
        var backoff = Backoff()
        many.insert(backoff.next(using: &random).milliseconds)
    }
    #expect(many.count > 10, "jitter spreads the first retry")
}

@Test func backoffHandlesHugeAttemptCountsAndZeroJitter() {
    var backoff = Backoff(configuration: .init(initial: .milliseconds(100), maximum: .seconds(5), multiplier: 3, jitter: 0))
    var random = SplitMix64(seed: 3)
    #expect(backoff.next(using: &random) == .milliseconds(100))
    #expect(backoff.next(using: &random) == .milliseconds(300))
    #expect(backoff.ceiling(attempt: 10_000_000) == .seconds(5))
}

@Test func tokenBucketAllowsABurstThenTheRate() {
    var now = ManualInstant(offset: .zero)
    var bucket = TokenBucket(rate: 1_000, burst: 100, now: now)
    var sent = 0
    while bucket.tryTake(now: now) { sent += 1 }
    #expect(sent == 100)
    #expect(bucket.waitTime(for: 1, now: now) == .milliseconds(1))
    now = now.advanced(by: .milliseconds(250))
    sent = 0
    while bucket.tryTake(now: now) { sent += 1 }
    #expect(sent == 100, "refill is capped at the burst")
    now = now.advanced(by: .milliseconds(10))
    sent = 0
    while bucket.tryTake(now: now) { sent += 1 }
    #expect(sent == 10)
    #expect(bucket.waitTime(for: 5, now: now) == .milliseconds(5))
}

@Test func tokenBucketOverOneSecondSendsRateMessages() {
    var now = ManualInstant(offset: .zero)
    var bucket = TokenBucket(rate: 5_000, burst: 1, now: now)
    var sent = 0
    for _ in 0..<100_000 {
        if bucket.tryTake(now: now) { sent += 1 } else { now = now.advanced(by: bucket.waitTime(now: now)) }
        if now.offset >= .seconds(1) { break }
    }
    #expect((4_999...5_001).contains(sent))
}

@Test func aZeroRateMeansNoLimit() {
    let now = ManualInstant(offset: .zero)
    var bucket = TokenBucket(rate: 0, burst: 1, now: now)
    #expect((0..<10_000).allSatisfy { _ in bucket.tryTake(now: now) })
    #expect(bucket.waitTime(for: 50, now: now) == .zero)
}
