import Testing
@testable import VigieCore

/// A bucket's visit count saturates at UInt16.max: a busy sensor (70,000 readings in one hour,
/// as an MQTT load test sends) keeps learning instead of trapping on an overflow.
@Test func aBucketKeepsLearningPastSixtyFiveThousandVisits() throws {
    var profile = SeasonalProfile()
    for index in 0..<70_000 {
        profile.learn(Double(index % 10), bucket: 3, alpha: 0.001)
    }
    let expectation = try #require(profile.expectation(bucket: 3))
    #expect(expectation.mean > 3 && expectation.mean < 6)
}
