import Glibc
import VigieCore
import ServiceLifecycle
import Synchronization

/// A small HTTP/1.1 server over Glibc sockets: one request per connection (`Connection: close`),
/// no request bodies, a read deadline and a cap on concurrent connections.
///
/// Blocking socket calls run on serial dispatch queues (one for accepting, one per connection), never
/// on the cooperative pool: serial queues get a thread of their own when needed, where the global
/// concurrent queues would wait for a free one (two on a two-core gateway). The accept loop sleeps in
/// `poll` until a client or the stop signal arrives (no periodic wake-up).
package final class HTTPServer: Sendable {
    /// Bounds on what a client may hold.
    package struct Limits: Sendable {
        /// How long a client has to send its request head; then it gets 408 and is closed.
        package var readTimeout: Duration = .seconds(10)
        /// Connections served at once; beyond, a client gets 503 and is closed at once.
        package var maximumConnections = 32

        package init(readTimeout: Duration = .seconds(10), maximumConnections: Int = 32) {
            self.readTimeout = readTimeout
            self.maximumConnections = maximumConnections
        }
    }

    private let address: HTTPSocketAddress
    private let limits: Limits
    private let respond: @Sendable (HTTPRequestHead) async -> HTTPResponse
    private let active = Atomic<Int>(0)
    private let port = Mutex<PortState>(.waiting([]))
    private let acceptQueue = BlockingQueue(label: "vigie.http.accept")

    private enum PortState {
        case waiting([CheckedContinuation<Int?, Never>])
        case known(Int?)
    }

    package init(address: HTTPSocketAddress, limits: Limits = Limits(),
         respond: @escaping @Sendable (HTTPRequestHead) async -> HTTPResponse) {
        self.address = address
        self.limits = limits
        self.respond = respond
    }

    /// Binds, calls `onListening` with the bound port, then serves until the task is cancelled or the
    /// service group shuts down gracefully; returns once every connection is closed.
    /// - Throws: `.http` if the address cannot be bound (the message is the system's reason).
    package func run(onListening: (Int) -> Void = { _ in }) async throws(VigieDaemonError) {
        let listener: HTTPListener, stop: HTTPStopSignal
        do {
            listener = try HTTPListener(address)
            stop = try HTTPStopSignal()
        } catch {
            announce(port: nil)
            throw error
        }
        announce(port: listener.port)
        onListening(listener.port)
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await serve(listener, stop)
            } onGracefulShutdown: {
                stop.fire()
            }
        } onCancel: {
            stop.fire()
        }
    }

    /// The bound port once `run()` bound it (nil if binding failed).
    package func listeningPort() async -> Int? {
        // A wait on a condition (resumed by whoever meets it), not on a queue: no `BlockingQueue`.
        await withCheckedContinuation { continuation in
            let known: Int?? = port.withLock { state in
                switch state {
                case .known(let port): return .some(port)
                case .waiting(let waiters):
                    state = .waiting(waiters + [continuation])
                    return .none
                }
            }
            if let known { continuation.resume(returning: known) }
        }
    }

    private func announce(port bound: Int?) {
        let waiters = port.withLock { state in
            defer { state = .known(bound) }
            if case .waiting(let waiters) = state { return waiters }
            return []
        }
        for waiter in waiters { waiter.resume(returning: bound) }
    }

    private func serve(_ listener: HTTPListener, _ stop: HTTPStopSignal) async {
        let limits = limits
        await withDiscardingTaskGroup { group in
            while let client = await acceptQueue.run({ listener.accept(stop: stop) }) {
                guard active.add(1, ordering: .relaxed).newValue <= limits.maximumConnections else {
                    active.subtract(1, ordering: .relaxed)
                    client.setTimeouts(.milliseconds(100))
                    client.discardPending()
                    _ = client.writeAll(HTTPResponse.text(503, "Too many connections: try again shortly.\n").serialized())
                    continue
                }
                group.addTask {
                    await self.serve(client, stop)
                    self.active.subtract(1, ordering: .relaxed)
                }
            }
        }
    }

    /// Reads one request on `client`, answers it and closes the connection.
    private func serve(_ client: HTTPSocket, _ stop: HTTPStopSignal) async {
        let limits = limits
        let connectionQueue = BlockingQueue(label: "vigie.http.connection")
        let outcome = await connectionQueue.run {
            HTTPHeadReader.read(client, timeout: limits.readTimeout, stop: stop)
        }
        let bytes: [UInt8]
        switch outcome {
        case .closed:
            return
        case .refused(let response):
            bytes = response.serialized()
        case .head(let head) where head.hasBody:
            bytes = HTTPResponse.text(413, "This server takes no request body.\n").serialized()
        case .head(let head):
            bytes = await respond(head).serialized(includeBody: head.method != "HEAD")
        }
        await connectionQueue.run {
            client.setTimeouts(limits.readTimeout)
            if client.writeAll(bytes) { client.finish(stop: stop) }
        }
    }
}
