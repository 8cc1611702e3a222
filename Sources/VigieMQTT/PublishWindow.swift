
/// Bounds the publishes libmosquitto holds un-acknowledged, and matches PUBACKs to waiters.
///
/// libmosquitto queues publishes without limit; this window admits at most `capacity` at a time.
/// A slot is taken before `mosquitto_publish` and given back only by `on_publish` (PUBACK for
/// QoS 1, sent for QoS 0): a cancelled waiter does not free the slot of a message still queued.
/// An acknowledgement can arrive before its waiter registers (the network thread is fast):
/// it is remembered in `early`.
final class PublishWindow: Sendable {
    private struct State {
        var inFlight = 0
        var slotWaiters: [(id: UInt64, continuation: CheckedContinuation<Result<Void, MQTTError>, Never>)] = []
        var ackWaiters: [Int32: CheckedContinuation<Result<Void, MQTTError>, Never>] = [:]
        var early: Set<Int32> = []
        /// Waiters cancelled before their PUBACK: that PUBACK must not be kept as `early` (mids are reused).
        var abandoned: Set<Int32> = []
        var nextWaiterID: UInt64 = 0
        var closed: MQTTError?
    }

    let capacity: Int
    private let state = Locked(State())

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Suspends until fewer than `capacity` publishes are un-acknowledged.
    func acquire() async throws(MQTTError) {
        let waiterID = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        let result = await withTaskCancellationHandler {
            // A wait on a condition (resumed by whoever meets it), not on a queue: no `BlockingQueue`.
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, MQTTError>, Never>) in
                let immediate: Result<Void, MQTTError>? = state.withLock { state in
                    if let closed = state.closed { return .failure(closed) }
                    if Task.isCancelled { return .failure(MQTTError(.cancelled, "publish cancelled")) }
                    if state.inFlight < capacity {
                        state.inFlight += 1
                        return .success(())
                    }
                    state.slotWaiters.append((waiterID, continuation))
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Result<Void, MQTTError>, Never>? in
                guard let index = state.slotWaiters.firstIndex(where: { $0.id == waiterID }) else { return nil }
                return state.slotWaiters.remove(at: index).continuation
            }
            waiter?.resume(returning: .failure(MQTTError(.cancelled, "publish cancelled")))
        }
        try result.get()
    }

    /// Publishes holding a slot, and callers waiting for one.
    var occupancy: (inFlight: Int, waiting: Int) { state.withLock { ($0.inFlight, $0.slotWaiters.count) } }

    /// Gives a slot back when `mosquitto_publish` refused the message.
    func release() {
        let waiter = state.withLock { state in
            if state.slotWaiters.isEmpty {
                state.inFlight -= 1
                return nil as CheckedContinuation<Result<Void, MQTTError>, Never>?
            }
            return state.slotWaiters.removeFirst().continuation
        }
        waiter?.resume(returning: .success(()))
    }

    /// Suspends until `on_publish` reported message `mid`.
    func waitForAcknowledgement(of mid: Int32) async throws(MQTTError) {
        let result = await withTaskCancellationHandler {
            // A wait on a condition (resumed by whoever meets it), not on a queue: no `BlockingQueue`.
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, MQTTError>, Never>) in
                let immediate: Result<Void, MQTTError>? = state.withLock { state in
                    if state.early.remove(mid) != nil { return .success(()) }
                    if let closed = state.closed { return .failure(closed) }
                    state.ackWaiters[mid] = continuation
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                let waiter = state.ackWaiters.removeValue(forKey: mid)
                if waiter != nil { state.abandoned.insert(mid) }
                return waiter
            }
            waiter?.resume(returning: .failure(MQTTError(.cancelled, "cancelled while waiting for PUBACK")))
        }
        try result.get()
    }

    /// Called from `on_publish` on the network thread: frees the slot and wakes the waiter.
    func acknowledge(_ mid: Int32) {
        let (ackWaiter, slotWaiter) = state.withLock { state in
            let ackWaiter = state.ackWaiters.removeValue(forKey: mid)
            if ackWaiter == nil, state.abandoned.remove(mid) == nil { state.early.insert(mid) }
            if state.slotWaiters.isEmpty {
                state.inFlight = max(0, state.inFlight - 1)
                return (ackWaiter, nil as CheckedContinuation<Result<Void, MQTTError>, Never>?)
            }
            return (ackWaiter, state.slotWaiters.removeFirst().continuation)
        }
        ackWaiter?.resume(returning: .success(()))
        slotWaiter?.resume(returning: .success(()))
    }

    /// Fails every waiter and every later call: the client stopped.
    func close(_ error: MQTTError) {
        let waiters = state.withLock { state in
            state.closed = error
            let waiters = state.slotWaiters.map(\.continuation) + Array(state.ackWaiters.values)
            state.slotWaiters = []
            state.ackWaiters = [:]
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: .failure(error)) }
    }
}
