import VigieCore

/// The bounded queue between the sources and the writer thread.
///
/// Full policy: **block** — a `submit` that does not fit suspends until the writer has taken
/// enough readings; waiting submissions are admitted in arrival order. A submission larger than the
/// whole capacity is admitted alone when the queue is empty.
final class WriterQueue: @unchecked Sendable {
    // All mutable state below is only touched with `lock` held.
    private let lock = ConditionLock()
    private let capacity: Int
    private var buffer: [Reading] = []
    private var firstArrival: UInt64 = 0
    private var waiting: [(readings: [Reading], continuation: CheckedContinuation<Bool, Never>)] = []
    private var closed = false
    /// The writer's batch size, from its last `take`: a submission wakes it only when the queue
    /// was empty (a batch deadline starts) or holds a full batch, not on every submission.
    private var wakeCount = 1
    private var finished = false

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Readings queued and waiting to be queued.
    var depth: Int { lock.withLock { buffer.count + waiting.reduce(0) { $0 + $1.readings.count } } }

    /// Queues `readings`, suspending while full; false when the writer has already finished (not queued).
    func submit(_ readings: [Reading]) async -> Bool {
        if readings.isEmpty { return true }
        if let accepted = lock.withLock({ admit(readings) }) { return accepted }
        return await withCheckedContinuation { continuation in
            let immediate: Bool? = lock.withLock {
                if let accepted = admit(readings) { return accepted }
                waiting.append((readings, continuation))
                return nil
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
    }

    /// With the lock held: queues when it fits (true), refuses when finished (false), nil to wait.
    private func admit(_ readings: [Reading]) -> Bool? {
        if finished { return false }
        guard waiting.isEmpty, buffer.isEmpty || buffer.count + readings.count <= capacity else { return nil }
        let wasEmpty = buffer.isEmpty
        if wasEmpty { firstArrival = ConditionLock.now() }
        buffer.append(contentsOf: readings)
        if wasEmpty || buffer.count >= wakeCount { lock.signal() }
        return true
    }

    /// No more waiting for a full batch: the writer drains everything and stops.
    func close() {
        lock.withLock {
            closed = true
            lock.signal()
        }
    }

    /// What the writer thread gets from one wait.
    struct Take {
        var readings: [Reading]
        /// Closed and drained: the writer must stop.
        var isFinished: Bool
    }

    /// Blocks until a batch is due (`maxCount` readings, or the first has waited `interval` ns, or
    /// closed), or `idle` ns passed with nothing queued (an empty take, time for maintenance).
    func take(maxCount: Int, interval: UInt64, idle: UInt64) -> Take {
        var resumed: [CheckedContinuation<Bool, Never>] = []
        let take: Take = lock.withLock {
            wakeCount = max(1, maxCount)
            let idleDeadline = ConditionLock.now() + idle
            while true {
                if buffer.isEmpty {
                    if closed && waiting.isEmpty {
                        finished = true
                        return Take(readings: [], isFinished: true)
                    }
                    if closed { break }
                    if ConditionLock.now() >= idleDeadline { return Take(readings: [], isFinished: false) }
                    lock.wait(untilNanoseconds: idleDeadline)
                    continue
                }
                let deadline = firstArrival + interval
                if buffer.count >= maxCount || closed || ConditionLock.now() >= deadline { break }
                lock.wait(untilNanoseconds: deadline)
            }
            let count = min(maxCount, buffer.count)
            let batch = Array(buffer.prefix(count))
            buffer.removeFirst(count)
            // Readings left behind keep their arrival time: they are due first.
            if buffer.isEmpty { firstArrival = ConditionLock.now() }
            while let next = waiting.first, buffer.isEmpty || buffer.count + next.readings.count <= capacity {
                buffer.append(contentsOf: next.readings)
                resumed.append(next.continuation)
                waiting.removeFirst()
            }
            return Take(readings: batch, isFinished: false)
        }
        for continuation in resumed { continuation.resume(returning: true) }
        return take
    }
}
