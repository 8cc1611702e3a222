import Testing
import VigieCore
@testable import VigieMQTT

private func message(_ topic: String, _ payload: String, retained: Bool) -> MQTTMessage {
    MQTTMessage(topic: topic, payload: Array(payload.utf8), qos: 1, retain: retained)
}

@Test func underNewARetainedDeliveryIsTakenOnlyWhenItIsNotTheTopicsLastPayloadAndIsDated() {
    var filter = DeliveryFilter()
    // After a start: the topic's retained message, of unknown age, is taken for its dated readings only.
    #expect(filter.admit(message("t/1", "a", retained: true), policy: .new) == .decode(.dated))
    // A reconnection sends it again: a copy.
    #expect(filter.admit(message("t/1", "a", retained: true), policy: .new) == .skipRetained)
    // A live message is taken; the same payload again is taken only if undated (then it is a new reading).
    #expect(filter.admit(message("t/1", "b", retained: false), policy: .new) == .decode(.any))
    #expect(filter.admit(message("t/1", "b", retained: false), policy: .new) == .decode(.undated))
    // The device published "b" retained: the next reconnection's copy of it is not news...
    #expect(filter.admit(message("t/1", "b", retained: true), policy: .new) == .skipRetained)
    // ...but a retained payload the gateway never received (published while it was away) may be.
    #expect(filter.admit(message("t/1", "c", retained: true), policy: .new) == .decode(.dated))
    // Topics are told apart.
    #expect(filter.admit(message("t/2", "c", retained: true), policy: .new) == .decode(.dated))
}

@Test func skipDropsEveryRetainedDeliveryAndKeepTakesThemButForDatedCopies() {
    var filter = DeliveryFilter()
    #expect(filter.admit(message("t/1", "a", retained: true), policy: .skip) == .skipRetained)
    #expect(filter.admit(message("t/1", "a", retained: false), policy: .skip) == .decode(.any))
    #expect(filter.admit(message("t/1", "a", retained: false), policy: .skip) == .decode(.undated))
    #expect(filter.admit(message("t/2", "a", retained: true), policy: .keep) == .decode(.any))
    #expect(filter.admit(message("t/2", "a", retained: true), policy: .keep) == .decode(.undated))
}

@Test func beyondTheTopicLimitANewTopicsCopiesAreNotRecognisedAndRememberedTopicsStillAre() {
    var filter = DeliveryFilter(topicLimit: 2)
    for topic in ["t/1", "t/2", "t/3"] {
        #expect(filter.admit(message(topic, "a", retained: true), policy: .new) == .decode(.dated))
    }
    #expect(filter.admit(message("t/3", "a", retained: true), policy: .new) == .decode(.dated), "t/3 was not remembered")
    #expect(filter.admit(message("t/1", "a", retained: true), policy: .new) == .skipRetained)
    #expect(filter.admit(message("t/2", "b", retained: false), policy: .new) == .decode(.any))
    #expect(filter.admit(message("t/2", "b", retained: true), policy: .new) == .skipRetained)
}

@Test func moreLiveCopiesInARowThanTheLimitAreTakenSoThatAHungDeviceIsReportedStuck() {
    var filter = DeliveryFilter()
    #expect(filter.admit(message("t/1", "a", retained: false), policy: .new) == .decode(.any))
    for copy in 1...DeliveryFilter.copyLimit {
        #expect(filter.admit(message("t/1", "a", retained: false), policy: .new) == .decode(.undated), "copy \(copy)")
    }
    #expect(filter.admit(message("t/1", "a", retained: false), policy: .new) == .decode(.any))
    #expect(filter.admit(message("t/1", "a", retained: false), policy: .new) == .decode(.any))
    // A retained copy stays a copy however many live ones came before it.
    #expect(filter.admit(message("t/1", "a", retained: true), policy: .new) == .skipRetained)
    // A new payload starts the count again.
    #expect(filter.admit(message("t/1", "b", retained: false), policy: .new) == .decode(.any))
    #expect(filter.admit(message("t/1", "b", retained: false), policy: .new) == .decode(.undated))
}

@Test func aRetainedDeliverysReadingsNoNewerThanTheStoresNewestAreDropped() {
    let flow = SensorID(device: "p1", point: "flow")
    let temperature = SensorID(device: "p1", point: "temperature")
    let filter = DeliveryFilter(storedNewest: [flow: 1_000])
    var readings = [Reading(sensor: flow, time: 900, value: 1)]  // an earlier message's, kept
    readings += [Reading(sensor: flow, time: 1_000, value: 2), Reading(sensor: flow, time: 1_001, value: 3),
                 Reading(sensor: temperature, time: 10, value: 4)]
    #expect(filter.dropStored(&readings, from: 1))
    #expect(readings.map(\.value) == [1, 3, 4], "the stored one dropped; newer, or of a sensor never stored, kept")
    #expect(!filter.dropStored(&readings, from: 1))
    #expect(!DeliveryFilter().dropStored(&readings, from: 0))
    #expect(readings.count == 3)
}
