import Testing
@testable import VigieMQTT
import VigieTestKit

@Test func aFullWindowHoldsPublishersUntilAnAcknowledgement() async throws {
    let window = PublishWindow(capacity: 2)
    try await window.acquire()
    try await window.acquire()
    let third = Task { try await window.acquire() }
    #expect(await eventually { window.occupancy.waiting == 1 })
    #expect(window.occupancy.inFlight == 2)
    window.acknowledge(7)
    try await third.value
    #expect(window.occupancy == (2, 0))
    // That acknowledgement came before anyone waited for message 7: remembered, not lost.
    try await window.waitForAcknowledgement(of: 7)
}

@Test func closingTheWindowFailsEveryWaiter() async {
    let window = PublishWindow(capacity: 1)
    try? await window.acquire()
    let waiting = Task { try await window.acquire() }
    #expect(await eventually { window.occupancy.waiting == 1 })
    window.close(MQTTError(.stopped, "stopped"))
    await #expect(throws: MQTTError.self) { try await waiting.value }
    await #expect(throws: MQTTError.self) { try await window.waitForAcknowledgement(of: 1) }
}
