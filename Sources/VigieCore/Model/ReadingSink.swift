/// Where sources hand their readings: in the daemon, the store's bounded writer queue.
///
/// `submit` suspends while the queue is full (backpressure): a source is slowed down, never
/// silently dropped. It returns once the readings are queued, not once they are committed.
public protocol ReadingSink: Sendable {
    /// Queues readings that must commit within `buffer.batch_interval` (`CommitDeadline.batchInterval`).
    func submit(_ readings: [Reading]) async
    /// Queues readings that must commit by `deadline`.
    func submit(_ readings: [Reading], deadline: CommitDeadline) async
}

extension ReadingSink {
    /// A sink that commits everything promptly (test doubles, tools) treats every deadline alike.
    public func submit(_ readings: [Reading], deadline: CommitDeadline) async {
        await submit(readings)
    }
}
