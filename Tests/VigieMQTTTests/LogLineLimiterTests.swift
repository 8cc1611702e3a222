import Testing
@testable import VigieMQTT

@Test func rejectionsAreLoggedOncePerMinuteWithTheCountSuppressed() {
    var limiter = LogLineLimiter<ContinuousClock>(interval: .seconds(60))
    let start = ContinuousClock.now
    #expect(limiter.admit(at: start) == 0)
    #expect(limiter.admit(at: start.advanced(by: .seconds(10))) == nil)
    #expect(limiter.admit(at: start.advanced(by: .seconds(59))) == nil)
    #expect(limiter.admit(at: start.advanced(by: .seconds(61))) == 2)
    #expect(limiter.admit(at: start.advanced(by: .seconds(62))) == nil)
}
