import Testing
@testable import VigieCore

@Test func templatesRenderEveryPlaceholder() throws {
    let template = try TopicTemplate(parsing: "territoire/{gateway}/{kind}/{device}/{point}")
    #expect(template.placeholders == [.gateway, .kind, .device, .point])
    #expect(template.usesPoint)
    #expect(template.render(gateway: "mairie-01", device: "meter", point: "voltage", kind: "aggregate")
        == "territoire/mairie-01/aggregate/meter/voltage")
}

@Test func gatewayMessagesRenderDeviceAsTheKind() throws {
    let template = try TopicTemplate(parsing: "bars/{gateway}/{device}")
    #expect(!template.usesPoint)
    #expect(template.render(gateway: "g", kind: "status") == "bars/g/_status")
}

@Test func substitutedWildcardsAreNeutralised() throws {
    let template = try TopicTemplate(parsing: "{gateway}/{device}")
    #expect(template.render(gateway: "g", device: "a+b#c", kind: "aggregate") == "g/a_b_c")
}

@Test(arguments: [
    ("", 1, "empty"), ("vigie/{gw}/x", 7, "unknown placeholder {gw}"), ("vigie/{device", 7, "not closed"),
    ("vigie/{dev/ice}", 7, "not closed"), ("vigie/device}", 13, "without a matching"),
    ("vigie/+/{device}", 7, "wildcard"), ("vigie/#", 7, "wildcard"),
])
func badTemplatesAreRejectedWithTheirColumn(text: String, column: Int, fragment: String) {
    #expect {
        _ = try TopicTemplate(parsing: text)
    } throws: { error in
        guard let error = error as? UpstreamError else { return false }
        return error.code == .badTopicTemplate && error.message.contains(fragment)
            && error.location == "topic \"\(text)\", column \(column)"
    }
}
