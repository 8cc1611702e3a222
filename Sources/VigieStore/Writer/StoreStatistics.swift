/// Counts since the writer started, for the status page and the health message.
public struct StoreStatistics: Sendable, Equatable {
    /// Batches committed.
    public var commits = 0
    /// Readings in those batches.
    public var readingsCommitted = 0
    /// Readings that could not be written (disk full, SQLite error, submitted after shutdown).
    public var readingsDropped = 0
    /// Readings deleted because they were older than `keep_readings`.
    public var readingsExpired = 0
    /// Readings deleted early because the size budget was hit.
    public var readingsEvicted = 0
    /// Outbox messages deleted because the budget was hit with no readings left to delete.
    public var messagesDropped = 0
    /// Outbox aggregate messages merged into coarser windows because the budget was tight (their
    /// statistics live on in the merged message: resolution lost, not data).
    public var messagesCompacted = 0
    /// Failed commits and maintenance steps.
    public var errors = 0

    /// All zero.
    public init() {}
}
