import Logging
import VigieCore
import VigieMQTT

/// Publishes one sink's outbox oldest first with at most `window` messages awaiting their
/// acknowledgement, and removes each message from the outbox only once acknowledged.
///
/// Order: messages are handed to the connection one at a time in sequence order (each `send`
/// returns before the next starts; only the acknowledgements are awaited concurrently), on one
/// connection, so the hub gets them in order. During an outage libmosquitto keeps the queued
/// messages and sends them again on reconnection: the loop just waits for their PUBACKs. If a
/// send fails, `run` throws and the caller calls it again, which starts over from the oldest
/// message still in the outbox: what was in flight and not acknowledged is sent again. Duplicates are thus limited to the in-flight window, and
/// the hub tells them apart by their sequence number.
///
/// Acknowledged sequence numbers are removed in groups (every `ackBatch` acknowledgements, or
/// when nothing is in flight), one transaction each: at 10,000 msg/s that is ~40 deletes/s.
/// The price: after a crash up to `ackBatch` acknowledged messages are sent again too.
package struct DeliveryLoop: Sendable {
    package let outbox: any SinkOutbox
    package let signal: OutboxSignal
    package let window: Int
    package let drainRate: Int
    package let metrics: SinkMetrics
    package let idlePoll: Duration
    /// Messages read from the outbox at once.
    package var readBatch = 512
    package var ackBatch = 256
    /// Paces the drain (`drainRate`): its sleeps and the token bucket's refills.
    package var clock: GatewayClock = .system

    /// Runs until the task is cancelled, a send or acknowledgement throws (rethrown after removing
    /// what was acknowledged), or, once `finishing()` is true, the outbox is empty and every
    /// message in flight acknowledged (the flush on shutdown; the caller bounds its duration).
    /// - Parameters:
    ///   - send: queues the message on the connection (called in sequence order, from one task) and
    ///     returns a function that waits for the hub's acknowledgement, or `.refused` when this
    ///     message can never be published (bad topic, too large): it is then parked (removed and
    ///     counted) so one bad message cannot block the sink. Throws on any other failure, which
    ///     is taken as transient: nothing is removed.
    ///   - highestSent: the highest sequence number ever handed to `publish`, to count retries.
    ///   - progress: told how many messages were just sent, and how many just acknowledged and removed.
    package func run(send: @Sendable (PendingMessage) async throws -> SendOutcome,
             highestSent: inout Int64,
             finishing: @escaping @Sendable () -> Bool,
             progress: @Sendable (_ sent: Int, _ acknowledged: Int) -> Void,
             parked: @Sendable (PendingMessage, String) -> Void) async throws {
        var cursor: Int64 = 0
        var buffer: [PendingMessage] = []
        var next = 0
        var inflight = 0
        var acknowledged: [Int64] = []
        let clock = self.clock
        // A tenth of a second of burst: at 10,000 msg/s, 1,000 at once, then one per 100 µs.
        var bucket = TokenBucket(rate: drainRate, burst: max(1, drainRate / 10), now: clock.now)

        func removeAcknowledged() async throws {
            guard !acknowledged.isEmpty else { return }
            let seqs = acknowledged
            acknowledged.removeAll(keepingCapacity: true)
            try await outbox.acknowledge(seqs)
            metrics.acknowledged.increment(by: seqs.count)
            progress(0, seqs.count)
        }

        try await withThrowingTaskGroup(of: Int64.self) { group in
            do {
                while !Task.isCancelled {
                    if inflight >= max(1, window) {
                        if let seq = try await group.next() { acknowledged.append(seq) }
                        inflight -= 1
                        if acknowledged.count >= ackBatch { try await removeAcknowledged() }
                        continue
                    }
                    if next == buffer.count {
                        buffer = try await outbox.pending(after: cursor, limit: readBatch)
                        next = 0
                        if buffer.isEmpty {
                            if inflight > 0 {
                                if let seq = try await group.next() { acknowledged.append(seq) }
                                inflight -= 1
                            } else {
                                try await removeAcknowledged()
                                if finishing() { return }
                                await signal.wait(upTo: idlePoll, clock: clock)
                            }
                            continue
                        }
                    }
                    let message = buffer[next]
                    next += 1
                    cursor = message.seq
                    while !bucket.tryTake(now: clock.now) {
                        // A sleep costs more than a publish: wait for at least 5 ms worth of tokens.
                        try await clock.sleep(for: max(bucket.waitTime(now: clock.now), .milliseconds(5)))
                    }
                    metrics.sent.increment()
                    progress(1, 0)
                    if message.seq <= highestSent { metrics.retried.increment() }
                    highestSent = max(highestSent, message.seq)
                    switch try await send(message) {
                    case .queued(let acknowledgement):
                        inflight += 1
                        group.addTask {
                            try await acknowledgement()
                            return message.seq
                        }
                    case .refused(let reason):
                        try await outbox.park([message.seq])
                        metrics.parked.increment()
                        parked(message, reason)
                    }
                }
                try Task.checkCancellation()
            } catch {
                // Keep what the hub did acknowledge; the rest is sent again after reconnecting.
                try? await removeAcknowledged()
                throw error
            }
        }
    }
}

/// What became of a message handed to the connection.
package enum SendOutcome: Sendable {
    /// Queued; the function returns on the hub's acknowledgement.
    case queued(@Sendable () async throws -> Void)
    /// Refused for good by the client (the reason in words).
    case refused(String)
}
