import Testing
@testable import VigieCore

@Test(arguments: [Duration.seconds(1), .seconds(60), .seconds(900), .seconds(3_600)])
func windowsAreAlignedOnTheEpoch(window: Duration) throws {
    let length = window.milliseconds
    for time: Int64 in [0, 1, 999, 1_700_000_123_456, length - 1, length, -1, -length - 1] {
        let range = try #require(WindowRange.aligned(containing: time, windowMilliseconds: length))
        #expect(range.start % length == 0)
        #expect(range.milliseconds == length)
        #expect(range.contains(time))
    }
}

@Test func aWindowClosesOnlyAfterItsGrace() {
    let fifteen = Duration.seconds(900), grace = Duration.seconds(30)
    let boundary = WindowRange.aligned(containing: 1_700_000_100_000, windowMilliseconds: 900_000)!.end
    let watermark = boundary - 900_000
    #expect(AggregationPlanner.windowsToClose(watermark: watermark, now: boundary + 29_999, window: fifteen, grace: grace).isEmpty)
    #expect(AggregationPlanner.windowsToClose(watermark: watermark, now: boundary + 30_000, window: fifteen, grace: grace)
        == [WindowRange(start: watermark, end: boundary)])
    #expect(AggregationPlanner.nextDeadline(watermark: watermark, now: boundary, window: fifteen, grace: grace) == boundary + 30_000)
}

@Test func aLongGapReturnsEveryMissedWindowExactlyOnce() {
    let window = Duration.seconds(60), grace = Duration.seconds(5)
    let start: Int64 = 1_700_000_040_000 // on a minute boundary
    #expect(start % 60_000 == 0)
    var watermark = start
    var seen: [WindowRange] = []
    // Three days down, caught up in bounded steps, some "now"s landing mid-window.
    var now = start + 3 * 86_400_000 + 12_345
    while true {
        let windows = AggregationPlanner.windowsToClose(watermark: watermark, now: now, window: window, grace: grace, limit: 500)
        if windows.isEmpty { break }
        seen += windows
        watermark = windows.last!.end
        now += 7
    }
    #expect(seen.count == 3 * 1_440)
    #expect(seen.first?.start == start)
    #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.end == $1.start && $1.milliseconds == 60_000 })
    #expect(seen.last!.end + 5_000 <= now)
}

@Test func aFreshStoreComputesOnlyTheLatestClosedWindow() {
    let windows = AggregationPlanner.windowsToClose(watermark: nil, now: 10_500, window: .seconds(2), grace: .seconds(1))
    #expect(windows == [WindowRange(start: 6_000, end: 8_000)])
}

@Test func anUnalignedWatermarkStartsAShortenedWindow() {
    let windows = AggregationPlanner.windowsToClose(watermark: 61_000, now: 200_000, window: .seconds(60), grace: .zero)
    #expect(windows == [WindowRange(start: 61_000, end: 120_000), WindowRange(start: 120_000, end: 180_000)])
}

@Test func nonsenseWindowLengthsPlanNothing() {
    #expect(AggregationPlanner.windowsToClose(watermark: 0, now: 10_000, window: .zero, grace: .zero).isEmpty)
    #expect(AggregationPlanner.windowsToClose(watermark: 0, now: .min, window: .seconds(1), grace: .seconds(1)).isEmpty)
    #expect(WindowRange.aligned(containing: .max, windowMilliseconds: 1_000) == nil)
}
