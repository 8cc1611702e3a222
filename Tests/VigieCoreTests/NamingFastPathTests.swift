import Testing
@testable import VigieCore

/// The per-message shortcuts (topic matching without allocation, names kept as they are when
/// already plain) give exactly what the general code gives.
@Suite struct NamingFastPathTests {
    static let filters = ["a/+/c", "a/#", "#", "+", "+/+", "a/b", "a/+", "+/x", "a//c", "a/+/#", "/+", "a/b/"]
    static let topics = ["a/b/c", "a", "a/b", "a/b/c/d", "", "/", "a//c", "$SYS/x", "x", "b/x", "a/b/", "/a", "a/é/c",
                         "e\u{301}/x"]

    /// The former split-based matcher, as the reference.
    static func referenceCaptures(_ filter: String, _ topic: String) -> [String]? {
        let levels = filter.split(separator: "/", omittingEmptySubsequences: false)
        let topicLevels = topic.split(separator: "/", omittingEmptySubsequences: false)
        var captures: [String] = []
        for (position, level) in levels.enumerated() {
            if level == "#" {
                if position == 0, topic.hasPrefix("$") { return nil }
                captures.append(topicLevels.dropFirst(position).joined(separator: "/"))
                return captures
            }
            guard position < topicLevels.count else { return nil }
            if level == "+" {
                if position == 0, topic.hasPrefix("$") { return nil }
                captures.append(String(topicLevels[position]))
            } else if level != topicLevels[position] {
                return nil
            }
        }
        return levels.count == topicLevels.count ? captures : nil
    }

    @Test(arguments: filters)
    func matchingAndCapturesAgreeWithTheSplittingReference(filter: String) throws {
        let compiled = try #require(TopicFilter(filter))
        for topic in Self.topics {
            let expected = Self.referenceCaptures(filter, topic)
            #expect(compiled.captures(in: topic) == expected, "\(filter) vs \(topic)")
            #expect(compiled.matches(topic) == (expected != nil), "\(filter) vs \(topic)")
        }
    }

    @Test func theLastLevelsOfATopicAreFoundWithoutSplitting() {
        #expect(SubscriptionDecoder.lastLevels(of: "a/b/c") == (device: "b", last: "c"))
        #expect(SubscriptionDecoder.lastLevels(of: "a/b/") == (device: "b", last: ""))
        #expect(SubscriptionDecoder.lastLevels(of: "solo") == (device: "solo", last: "solo"))
        #expect(SubscriptionDecoder.lastLevels(of: "/x") == (device: "", last: "x"))
    }

    @Test func plainNamesAreKeptAndOthersSanitisedAsBefore() {
        #expect(SensorNameTemplate.sanitize("Salle-1_B.2:%") == "Salle-1_B.2:%")
        #expect(SensorNameTemplate.sanitize("a b/c") == "a_b_c")
        #expect(SensorNameTemplate.sanitize("température") == "température")
        #expect(SensorNameTemplate.sanitize("x\u{0}y") == "x_y")
    }

    @Test func sensorNamesAreLowercasedOnlyWhenNeeded() {
        #expect(SensorID(device: "salle-1", point: "co2").description == "salle-1/co2")
        #expect(SensorID(device: "Salle-1", point: "CO2").description == "salle-1/co2")
        #expect(SensorID(device: "ÉCOLE", point: "t").device == "école")
    }
}

@Test func senmlBaseNamesLoseOnlyTheirTrailingSeparators() {
    #expect(SubscriptionDecoder.senmlDevice(baseName: "dev/") == "dev")
    #expect(SubscriptionDecoder.senmlDevice(baseName: "urn:dev:ow:10e2073a01080063:") == "urn:dev:ow:10e2073a01080063")
    #expect(SubscriptionDecoder.senmlDevice(baseName: "salle-é_.-") == "salle-é")
    #expect(SubscriptionDecoder.senmlDevice(baseName: "a/b") == "a/b")
    #expect(SubscriptionDecoder.senmlDevice(baseName: "//") == "")
    #expect(SubscriptionDecoder.senmlDevice(baseName: "") == nil)
    // Only separators: no device, and a full record name does not take its place (as before).
    #expect(SubscriptionDecoder.senmlNames(baseDevice: "", name: "urn:x", unit: nil).device == nil)
    #expect(SubscriptionDecoder.senmlNames(baseDevice: nil, name: "urn:x", unit: "Cel") == (device: "urn:x", field: "Cel"))
}
