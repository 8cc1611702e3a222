import Synchronization

/// A value shared between the daemon's tasks and the closures its stages call back, behind a lock.
///
/// `Mutex` cannot be captured by an escaping closure (it is not copyable); this class can.
final class LockedBox<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) {
        mutex = Mutex(value)
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try mutex.withLock { try body(&$0) }
    }

    var value: Value { mutex.withLock { $0 } }
}
