import Dispatch
import Synchronization

/// The messages a client receives, as an `AsyncSequence` with bounded buffering.
///
/// Policy when full: **the network thread waits** (it holds at most `capacity` messages
/// here). Dropping is not an option: libmosquitto has already sent the PUBACK of a QoS 1
/// message when it hands it over. While the thread waits it reads nothing more, so the broker
/// keeps further messages queued for the session (up to its `max_queued_messages`) and sends no
/// keepalive; a consumer stalled for 1.5 × keepalive gets the connection dropped and resumed,
/// without loss for QoS 1. Messages are dropped only once nobody iterates (the consumer ended,
/// or the client stopped before anyone iterated). Iterate from one task only.
public struct MQTTMessages: AsyncSequence, Sendable {
    public typealias Element = MQTTMessage
    let inbox: MessageInbox

    public func makeAsyncIterator() -> Iterator {
        inbox.consumer.store(MessageInbox.iterating, ordering: .relaxed)
        return Iterator(base: inbox.stream.makeAsyncIterator(), slots: inbox.slots)
    }

    public struct Iterator: AsyncIteratorProtocol {
        var base: AsyncStream<MQTTMessage>.Iterator
        let slots: DispatchSemaphore

        public mutating func next() async -> MQTTMessage? {
            let message = await base.next()
            if message != nil { slots.signal() }
            return message
        }
    }
}

/// The bounded hand-over from the network thread to the consumer (see `MQTTMessages`).
final class MessageInbox: Sendable {
    static let idle = 0, iterating = 1, gone = 2

    let stream: AsyncStream<MQTTMessage>
    private let continuation: AsyncStream<MQTTMessage>.Continuation
    let slots: DispatchSemaphore
    let consumer = Atomic<Int>(MessageInbox.idle)
    /// Messages dropped because nobody was iterating.
    let dropped = Atomic<Int>(0)

    init(capacity: Int) {
        (stream, continuation) = AsyncStream.makeStream(of: MQTTMessage.self, bufferingPolicy: .unbounded)
        slots = DispatchSemaphore(value: max(1, capacity))
        continuation.onTermination = { [weak self] _ in self?.consumer.store(MessageInbox.gone, ordering: .relaxed) }
    }

    /// On the network thread: waits for room; false when the message had to be dropped.
    func push(_ message: MQTTMessage, stopping: () -> Bool) -> Bool {
        if consumer.load(ordering: .relaxed) == MessageInbox.gone {
            dropped.add(1, ordering: .relaxed)
            return false
        }
        while slots.wait(timeout: .now() + .milliseconds(100)) == .timedOut {
            let state = consumer.load(ordering: .relaxed)
            if state == MessageInbox.gone || (state == MessageInbox.idle && stopping()) {
                dropped.add(1, ordering: .relaxed)
                return false
            }
        }
        continuation.yield(message)
        return true
    }

    /// No more messages: the consumer sees the ones buffered, then the end.
    func finish() { continuation.finish() }
}
