import Testing
@testable import VigieCore

private func message(_ point: String, _ phase: AnomalyEventMessage.Phase, start: Int64, context: [String] = []) -> AnomalyEventMessage {
    AnomalyEventMessage(sensor: SensorID(device: "compteur", point: point), phase: phase, start: start, time: start,
                        score: 0.9, peakScore: 0.9, reasons: ["spike"], context: context)
}

@Test func updatesOfOneEventInOneBatchBecomeTheLastOne() {
    let batch = [
        message("p", .open, start: 1),
        message("p", .update, start: 1, context: ["compteur/i1"]),
        message("p", .update, start: 1, context: ["compteur/i1", "compteur/i2"]),
        message("q", .update, start: 0, context: ["compteur/u"]),
        message("p", .update, start: 1, context: ["compteur/i1", "compteur/i2", "compteur/i3"]),
    ]
    let kept = batch.coalescingUpdates()
    #expect(kept == [batch[0], batch[3], batch[4]])
}

@Test func anUpdateFollowedByItsCloseIsDroppedButNotAnotherEventsUpdate() {
    let batch = [
        message("p", .update, start: 1),
        message("p", .close, start: 1),
        message("p", .open, start: 5),
        message("p", .update, start: 5, context: ["compteur/i1"]),
    ]
    #expect(batch.coalescingUpdates() == [batch[1], batch[2], batch[3]])
    #expect([AnomalyEventMessage]().coalescingUpdates().isEmpty)
}
