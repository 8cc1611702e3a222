import VigieCore

/// A connection used only from its own serial queue, with an async API.
///
/// `@unchecked Sendable`: the connection is touched only inside `queue.run` blocks, which the
/// serial queue runs one at a time.
final class SerialConnection: @unchecked Sendable {
    private let connection: SQLiteConnection
    private let queue: BlockingQueue

    init(_ connection: SQLiteConnection, label: String) {
        self.connection = connection
        self.queue = BlockingQueue(label: label)
    }

    /// Runs `body` on the queue, off the cooperative pool.
    func run<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await queue.run { try body(self.connection) }
    }
}
