/// Where sources hand their readings: in the daemon, the store's bounded writer queue.
///
/// `submit` suspends while the queue is full (backpressure): a source is slowed down, never
/// silently dropped. It returns once the readings are queued, not once they are committed.
public protocol ReadingSink: Sendable {
    func submit(_ readings: [Reading]) async
}
