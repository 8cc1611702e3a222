import Dispatch

/// The one bridge from blocking work (SQLite, libmodbus, libcurl, sockets) to async code: a serial
/// dispatch queue, off the cooperative pool, whose result the calling task awaits.
///
/// A serial queue gets a thread of its own when it needs one, where the global concurrent queues
/// would wait for a free one (two on a two-core gateway). Work runs one item at a time, in order,
/// so a resource touched only inside `run` needs no lock. Waits on a condition rather than on a
/// queue (a free slot, an acknowledgement, a signal) keep their own continuation and say why.
public struct BlockingQueue: Sendable {
    private let queue: DispatchQueue

    /// `label` names the queue's thread in a debugger or `top -H` (`vigie.modbus.<bus>`).
    public init(label: String) {
        queue = DispatchQueue(label: label)
    }

    /// Runs `body` on the queue and hands its value back, or rethrows its error.
    public func run<Value: Sendable, Failure: Error>(
        _ body: @escaping @Sendable () throws(Failure) -> Value
    ) async throws(Failure) -> Value {
        let result: Result<Value, Failure> = await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: Result { () throws(Failure) -> Value in try body() }) }
        }
        return try result.get()
    }
}
