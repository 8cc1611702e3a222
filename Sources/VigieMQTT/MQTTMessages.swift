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
///
/// `Iterator.nextBatch(maxCount:)` takes every message already waiting at once (at least one,
/// waiting for it), so a consumer under load handles messages in batches without waiting for
/// any batch to fill.
public struct MQTTMessages: AsyncSequence, Sendable {
    public typealias Element = MQTTMessage
    let inbox: MessageInbox

    public func makeAsyncIterator() -> Iterator {
        inbox.consumer.store(MessageInbox.iterating, ordering: .relaxed)
        return Iterator(inbox: inbox)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let inbox: MessageInbox
        var batch: [MQTTMessage] = []
        var position = 0

        public mutating func next() async -> MQTTMessage? {
            if position == batch.count {
                guard let more = await inbox.take(maxCount: 64) else { return nil }
                batch = more
                position = 0
            }
            defer { position += 1 }
            return batch[position]
        }

        /// The messages waiting now, oldest first, at most `maxCount` (waits for the first one);
        /// nil once the client stopped and everything buffered was taken, or on cancellation.
        public mutating func nextBatch(maxCount: Int) async -> [MQTTMessage]? {
            if position < batch.count {
                defer { batch = []; position = 0 }
                return Array(batch[position...])
            }
            return await inbox.take(maxCount: maxCount)
        }
    }
}

/// The bounded hand-over from the network thread to the consumer (see `MQTTMessages`).
///
/// Its state is shared with libmosquitto's network thread, so it sits behind `Locked` (see
/// ARCHITECTURE.md, "The concurrency rule"); the counters are atomics.
final class MessageInbox: Sendable {
    static let idle = 0, iterating = 1, gone = 2

    private struct State {
        var buffer: [MQTTMessage] = []
        var head = 0
        var finished = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Locked(State())
    let slots: DispatchSemaphore
    let consumer = Atomic<Int>(MessageInbox.idle)
    /// Messages dropped because nobody was iterating.
    let dropped = Atomic<Int>(0)

    init(capacity: Int) {
        slots = DispatchSemaphore(value: max(1, capacity))
    }

    /// On the network thread: buffers the message, waiting for room; false when it had to be dropped.
    ///
    /// A waiting consumer is not woken here but by `wake()`, which the network thread calls after
    /// each burst of packets it read: one task wake-up per burst instead of one per message (the
    /// futex and task switch cost more than decoding a one-value message). Running out of room
    /// wakes it too, so a burst larger than the capacity cannot stall.
    func push(_ message: MQTTMessage, stopping: () -> Bool) -> Bool {
        if consumer.load(ordering: .relaxed) == MessageInbox.gone {
            dropped.add(1, ordering: .relaxed)
            return false
        }
        if slots.wait(timeout: .now()) == .timedOut {
            wake()
            while slots.wait(timeout: .now() + .milliseconds(100)) == .timedOut {
                let state = consumer.load(ordering: .relaxed)
                if state == MessageInbox.gone || (state == MessageInbox.idle && stopping()) {
                    dropped.add(1, ordering: .relaxed)
                    return false
                }
            }
        }
        state.withLock { $0.buffer.append(message) }
        return true
    }

    /// Resumes the consumer if it waits and messages are buffered (after a burst of `push`).
    func wake() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.buffer.count > state.head else { return nil }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// No more messages: the consumer gets the ones buffered, then the end.
    func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// The consumer's side: up to `maxCount` buffered messages, waiting for one; nil at the end.
    func take(maxCount: Int) async -> [MQTTMessage]? {
        while true {
            enum Outcome { case messages([MQTTMessage]), end, wait }
            let outcome = state.withLock { state -> Outcome in
                let available = state.buffer.count - state.head
                if available > 0 {
                    let end = state.head + min(max(1, maxCount), available)
                    let taken = Array(state.buffer[state.head..<end])
                    if end == state.buffer.count {
                        state.buffer.removeAll(keepingCapacity: true)
                        state.head = 0
                    } else if end >= 1024 {
                        state.buffer.removeFirst(end)
                        state.head = 0
                    } else {
                        state.head = end
                    }
                    return .messages(taken)
                }
                return state.finished ? .end : .wait
            }
            switch outcome {
            case .messages(let taken):
                for _ in taken { slots.signal() }
                return taken
            case .end:
                consumer.store(MessageInbox.gone, ordering: .relaxed)
                return nil
            case .wait:
                if Task.isCancelled {
                    consumer.store(MessageInbox.gone, ordering: .relaxed)
                    return nil
                }
                await withTaskCancellationHandler {
                    // A wait on a condition (resumed by whoever meets it), not on a queue: no `BlockingQueue`.
                    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                        let ready = state.withLock { state -> Bool in
                            if state.buffer.count > state.head || state.finished || Task.isCancelled { return true }
                            state.waiter = continuation
                            return false
                        }
                        if ready { continuation.resume() }
                    }
                } onCancel: {
                    let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                        defer { state.waiter = nil }
                        return state.waiter
                    }
                    waiter?.resume()
                }
            }
        }
    }
}
