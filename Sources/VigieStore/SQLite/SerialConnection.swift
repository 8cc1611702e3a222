import Dispatch

/// A connection used only from its own serial dispatch queue, with an async API.
///
/// `@unchecked Sendable`: the connection is touched only inside `queue.async` blocks, which the
/// serial queue runs one at a time.
final class SerialConnection: @unchecked Sendable {
    private let connection: SQLiteConnection
    private let queue: DispatchQueue

    init(_ connection: SQLiteConnection, label: String) {
        self.connection = connection
        self.queue = DispatchQueue(label: label)
    }

    /// Runs `body` on the queue, off the cooperative pool.
    func run<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body(self.connection) })
            }
        }
    }
}
