import Synchronization

/// Wakes a sink when new messages were committed to its outbox, so an idle sink sleeps
/// instead of polling fast.
///
/// The writer calls `notify()` after each commit that added messages; the sink calls
/// `wait(upTo:)` when it found nothing to send. Notifications do not queue: several
/// `notify()` calls while the sink is busy wake it once. One waiter at a time (the sink's loop).
public final class OutboxSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    public init() {}

    /// Marks new messages; wakes the waiting sink, or the next `wait` returns at once.
    public func notify() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns when notified, after `timeout` on `clock`, or when the task is cancelled, whichever comes first.
    public func wait(upTo timeout: Duration, clock: GatewayClock = .system) async {
        if state.withLock({ state in
            defer { state.pending = false }
            return state.pending
        }) {
            return
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForNotification() }
            group.addTask { try? await clock.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForNotification() async {
        await withTaskCancellationHandler {
            // A wait on a condition (resumed by whoever meets it), not on a queue: no `BlockingQueue`.
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.pending || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
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
