import Glibc

/// A value behind a pthread mutex.
///
/// Used instead of `Synchronization.Mutex`, whose Linux futex implementation ThreadSanitizer
/// cannot see: with `Mutex`, `swift test --sanitize=thread` reported races between the network
/// thread's callbacks and tasks that were in fact serialised. A pthread mutex keeps the
/// sanitizer's verdict meaningful. `@unchecked Sendable`: every access to `value` holds `mutex`.
final class Locked<Value>: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var value: Value

    init(_ value: Value) {
        self.value = value
        pthread_mutex_init(&mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(&mutex)
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body(&value)
    }
}
