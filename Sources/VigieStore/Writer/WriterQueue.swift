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
    /// When the first reading that must commit promptly was queued; nil when none is queued.
    private var promptArrival: UInt64?
    private var waiting: [(readings: [Reading], prompt: Bool, continuation: CheckedContinuation<Bool, Never>)] = []
    private var closed = false
    /// The writer's cadence, from its last `take` (nil before): a submission wakes it only when the
    /// queue was empty (a batch deadline starts) or the deadline came nearer, not on every submission.
    private var cadence: CommitCadence?
    /// Callers of `flush`, told once everything queued before their call is taken.
    private var flushWaiters: [CheckedContinuation<Void, Never>] = []
    /// True from a `take` that returned readings until the writer calls `batchDone`: a `flush`
    /// must wait for that commit too, or an aggregate could miss readings being committed.
    private var batchInFlight = false
    private var finished = false

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Readings queued and waiting to be queued.
    var depth: Int { lock.withLock { buffer.count + waiting.reduce(0) { $0 + $1.readings.count } } }

    /// Queues `readings`, suspending while full; false when the writer has already finished (not queued).
    /// `deadline` says how long they may wait for their commit (`CommitCadence`).
    func submit(_ readings: [Reading], deadline: CommitDeadline = .batchInterval) async -> Bool {
        if readings.isEmpty { return true }
        let prompt = deadline == .batchInterval
        if let accepted = lock.withLock({ admit(readings, prompt: prompt) }) { return accepted }
        // A wait on a condition (resumed by whoever meets it), not on a queue: no `BlockingQueue`.
        return await withCheckedContinuation { continuation in
            let immediate: Bool? = lock.withLock {
                if let accepted = admit(readings, prompt: prompt) { return accepted }
                waiting.append((readings, prompt, continuation))
                return nil
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
    }

    /// With the lock held: queues when it fits (true), refuses when finished (false), nil to wait.
    private func admit(_ readings: [Reading], prompt: Bool) -> Bool? {
        if finished { return false }
        guard waiting.isEmpty, buffer.isEmpty || buffer.count + readings.count <= capacity else { return nil }
        let wasEmpty = buffer.isEmpty
        let before = buffer.count
        let firstPrompt = append(readings, prompt: prompt)
        if wasEmpty || cadence?.shortensDeadline(from: before, to: buffer.count, firstPrompt: firstPrompt) ?? true {
            lock.signal()
        }
        return true
    }

    /// With the lock held: queues `readings` and notes arrival times; true when it is the first prompt one.
    private func append(_ readings: [Reading], prompt: Bool) -> Bool {
        if buffer.isEmpty { firstArrival = ConditionLock.now() }
        buffer.append(contentsOf: readings)
        guard prompt, promptArrival == nil else { return false }
        promptArrival = ConditionLock.now()
        return true
    }

    /// Makes everything queued due at once; returns once the writer has committed it (or counted it
    /// as dropped). The aggregation calls it before reading a closed window, so that a reading
    /// queued before the window closed is in its aggregate however long the commit interval.
    func flush() async {
        // A wait on a condition (resumed by whoever meets it), not on a queue: no `BlockingQueue`.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let nothingQueued: Bool = lock.withLock {
                if finished || (buffer.isEmpty && waiting.isEmpty && !batchInFlight) { return true }
                flushWaiters.append(continuation)
                lock.signal()
                return false
            }
            if nothingQueued { continuation.resume() }
        }
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
        /// `flush` callers to resume now (the queue finished): nothing is left to commit.
        var flushed: [CheckedContinuation<Void, Never>] = []
    }

    /// The writer committed (or counted as dropped) the readings of its last `take`: returns the
    /// `flush` callers to resume, when nothing queued before their call is left.
    func batchDone() -> [CheckedContinuation<Void, Never>] {
        lock.withLock {
            batchInFlight = false
            guard buffer.isEmpty && waiting.isEmpty else { return [] }
            defer { flushWaiters = [] }
            return flushWaiters
        }
    }

    /// Blocks until a batch is due (closed, or by `CommitCadence`: `maxCount` readings, or the first
    /// has waited `interval` ns, or `commitInterval` ns when few readings that may wait are queued),
    /// or `idle` ns passed with nothing queued (an empty take, time for maintenance).
    func take(maxCount: Int, interval: UInt64, commitInterval: UInt64? = nil, idle: UInt64) -> Take {
        var resumed: [CheckedContinuation<Bool, Never>] = []
        let take: Take = lock.withLock {
            let cadence = CommitCadence(batchSize: maxCount, batchInterval: interval, commitInterval: commitInterval ?? interval)
            self.cadence = cadence
            let idleDeadline = ConditionLock.now() + idle
            while true {
                if buffer.isEmpty {
                    if closed && waiting.isEmpty {
                        finished = true
                        defer { flushWaiters = [] }
                        return Take(readings: [], isFinished: true, flushed: flushWaiters)
                    }
                    if closed { break }
                    if ConditionLock.now() >= idleDeadline { return Take(readings: [], isFinished: false) }
                    lock.wait(untilNanoseconds: idleDeadline)
                    continue
                }
                let deadline = cadence.due(count: buffer.count, firstArrival: firstArrival, promptArrival: promptArrival)
                if closed || !flushWaiters.isEmpty || ConditionLock.now() >= deadline { break }
                lock.wait(untilNanoseconds: deadline)
            }
            let count = min(maxCount, buffer.count)
            let batch = Array(buffer.prefix(count))
            buffer.removeFirst(count)
            // Readings left behind keep their arrival times: they are due first.
            if buffer.isEmpty { promptArrival = nil }
            while let next = waiting.first, buffer.isEmpty || buffer.count + next.readings.count <= capacity {
                _ = append(next.readings, prompt: next.prompt)
                resumed.append(next.continuation)
                waiting.removeFirst()
            }
            batchInFlight = true
            return Take(readings: batch, isFinished: false)
        }
        for continuation in resumed { continuation.resume(returning: true) }
        return take
    }
}
