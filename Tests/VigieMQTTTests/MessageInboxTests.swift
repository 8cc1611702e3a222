import Dispatch
import Synchronization
import Testing
@testable import VigieMQTT

/// The hand-over from libmosquitto's thread to the source: batches of what is waiting, bounded,
/// nothing lost or reordered, an end after `finish`, and no hang on cancellation.
@Suite struct MessageInboxTests {
    private func message(_ index: Int) -> MQTTMessage {
        MQTTMessage(topic: "t/\(index)", payload: Array("\(index)".utf8), qos: 1)
    }

    /// Pushes messages `range` from a thread of their own, as libmosquitto's network thread does.
    private func pushOnThread(_ inbox: MessageInbox, _ range: Range<Int>, then finish: Bool = false) {
        DispatchQueue(label: "test.network").async { [self] in
            for index in range { _ = inbox.push(message(index), stopping: { false }) }
            if finish { inbox.finish() }
        }
    }

    @Test func aBatchHoldsEverythingWaitingUpToTheLimitInOrder() async {
        let inbox = MessageInbox(capacity: 100)
        var iterator = MQTTMessages(inbox: inbox).makeAsyncIterator()
        for index in 0..<5 { #expect(inbox.push(message(index), stopping: { false })) }
        let first = await iterator.nextBatch(maxCount: 3)
        #expect(first?.map(\.topic) == ["t/0", "t/1", "t/2"])
        let second = await iterator.nextBatch(maxCount: 3)
        #expect(second?.map(\.topic) == ["t/3", "t/4"])
        inbox.finish()
        #expect(await iterator.nextBatch(maxCount: 3) == nil)
    }

    @Test func aProducerFasterThanTheConsumerIsHeldAtCapacityAndLosesNothing() async {
        let inbox = MessageInbox(capacity: 8)
        var iterator = MQTTMessages(inbox: inbox).makeAsyncIterator()
        pushOnThread(inbox, 0..<2_000, then: true)
        var received: [String] = []
        while let batch = await iterator.nextBatch(maxCount: 64) {
            #expect(batch.count <= 8)
            received += batch.map(\.topic)
        }
        #expect(received == (0..<2_000).map { "t/\($0)" })
        #expect(inbox.dropped.load(ordering: .relaxed) == 0)
    }

    @Test func singleMessageIterationAndBatchesMixWithoutLoss() async {
        let inbox = MessageInbox(capacity: 16)
        var iterator = MQTTMessages(inbox: inbox).makeAsyncIterator()
        pushOnThread(inbox, 0..<300, then: true)
        var received: [String] = []
        while true {
            if received.count % 2 == 0 {
                guard let one = await iterator.next() else { break }
                received.append(one.topic)
            } else {
                guard let batch = await iterator.nextBatch(maxCount: 5) else { break }
                received += batch.map(\.topic)
            }
        }
        #expect(received == (0..<300).map { "t/\($0)" })
    }

    @Test func aWaitingConsumerEndsWhenCancelledAndLaterMessagesAreDropped() async {
        let inbox = MessageInbox(capacity: 4)
        let consumer = Task {
            var iterator = MQTTMessages(inbox: inbox).makeAsyncIterator()
            return await iterator.nextBatch(maxCount: 4)
        }
        consumer.cancel()
        #expect(await consumer.value == nil)
        #expect(!inbox.push(message(1), stopping: { false }))
        #expect(inbox.dropped.load(ordering: .relaxed) == 1)
    }

    @Test func burstsWokenOnlyAtTheirEndArriveWholeAndInOrder() async {
        let inbox = MessageInbox(capacity: 1_000)
        var iterator = MQTTMessages(inbox: inbox).makeAsyncIterator()
        // As the network thread does: a burst of pushes, then one wake-up.
        DispatchQueue(label: "test.network").async { [self] in
            for burst in 0..<50 {
                for index in burst * 10..<burst * 10 + 10 { _ = inbox.push(message(index), stopping: { false }) }
                inbox.wake()
            }
            inbox.finish()
        }
        var received: [String] = []
        while let batch = await iterator.nextBatch(maxCount: 64) { received += batch.map(\.topic) }
        #expect(received == (0..<500).map { "t/\($0)" })
    }
}
