import Foundation
import Testing
@testable import VigieDaemon

struct StatusClientTests {
    @Test func queryValuesArePercentEncodedByTheClient() {
        #expect(StatusClient.percentEncoded("a b/c&d=é~") == "a%20b%2Fc%26d%3D%C3%A9~")
    }

    /// `vigie status` may ask a daemon of an earlier version, whose subscriptions lack the
    /// counters added since: they read as 0, not as a decoding failure.
    @Test func aSubscriptionStatusWithoutTheLaterCountersDecodesWithZeros() throws {
        let earlier = #"{"topic":"z/+","format":"zigbee2mqtt","state":"ok","decodeFailures":2,"refusedBy":[]}"#
        let status = try JSONDecoder().decode(SubscriptionStatus.self, from: Data(earlier.utf8))
        #expect(status == SubscriptionStatus(topic: "z/+", format: "zigbee2mqtt", state: .ok, decodeFailures: 2))
        let current = SubscriptionStatus(topic: "z/+", format: "zigbee2mqtt", state: .degraded, lastMessage: 5, decodeFailures: 1,
                                         stampedAhead: 2, clockUnset: 3, retainedSkipped: 4, duplicates: 5, broker: "b:1883",
                                         refusedBy: ["c:1883"])
        #expect(try JSONDecoder().decode(SubscriptionStatus.self, from: JSONEncoder().encode(current)) == current)
    }
}
