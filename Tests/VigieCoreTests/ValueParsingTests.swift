import Testing
@testable import VigieCore

@Test func durationsParseEveryUnit() {
    #expect(Duration(parsing: "500ms") == .milliseconds(500))
    #expect(Duration(parsing: "10s") == .seconds(10))
    #expect(Duration(parsing: "15m") == .seconds(900))
    #expect(Duration(parsing: "2h") == .seconds(7200))
    #expect(Duration(parsing: "7d") == .seconds(7 * 86_400))
    #expect(Duration(parsing: "1h30m") == .seconds(5400))
}

@Test func badDurationsAreRejected() {
    for text in ["", "soon", "10", "s", "10x", "-5s", "1.5s", "99999999999999999999d"] {
        #expect(Duration(parsing: text) == nil, "\(text)")
    }
}

@Test func sizesParseWithBinaryUnits() {
    #expect(ByteSize(parsing: "64KB")?.bytes == 65_536)
    #expect(ByteSize(parsing: "512MB")?.bytes == 512 << 20)
    #expect(ByteSize(parsing: "4096")?.bytes == 4096)
    #expect(ByteSize(parsing: "lots") == nil)
    #expect(ByteSize(parsing: "-1MB") == nil)
}

@Test func addressesParseHostPortAndBracketedIPv6() {
    #expect(Endpoint(parsing: "192.168.10.20:502") == Endpoint(host: "192.168.10.20", port: 502))
    #expect(Endpoint(parsing: "[::1]:1883") == Endpoint(host: "::1", port: 1883))
    #expect(Endpoint(parsing: "hub.example", defaultPort: 8883)?.port == 8883)
    #expect(Endpoint(parsing: "host:70000") == nil)
    #expect(Endpoint(parsing: "::1:1883") == nil)
    #expect(Endpoint(parsing: "[::1]:1883")?.description == "[::1]:1883")
}

@Test func qualityCodesRoundTrip() {
    for quality in [Quality.good, .uncertain] + Quality.BadReason.allCases.map(Quality.bad) {
        #expect(Quality(code: quality.code) == quality)
    }
}
