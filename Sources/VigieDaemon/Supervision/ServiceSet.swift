import Logging
import ServiceLifecycle

/// Runs a set of child services that a reload can change while the others keep running.
///
/// Each child has a key (`ServiceKey`: `modbus:rs485-1`, `upstream`) and a fingerprint of its
/// configuration. `apply` compares the new set with the running one: a child whose key is gone
/// or whose fingerprint changed is cancelled, a new or changed one is started, an unchanged one
/// is left alone. Graceful shutdown of the group reaches every child (they inherit it); when all
/// children have returned, `run` returns. A child that throws ends the whole set with its error,
/// so the process exits non-zero and systemd restarts it.
public final class ServiceSet: Service, Sendable {
    /// One child service and what identifies its configuration.
    public struct Child: Sendable {
        public var key: ServiceKey
        public var fingerprint: String
        public var service: any Service

        public init(key: ServiceKey, fingerprint: String, service: any Service) {
            self.key = key
            self.fingerprint = fingerprint
            self.service = service
        }
    }

    /// What `apply` changed, for the reload log line and tests.
    public struct Change: Sendable, Equatable {
        public var started: [ServiceKey]
        public var stopped: [ServiceKey]
        public var kept: [ServiceKey]
    }

    /// What the run loop reacts to: a new set to apply, or a child that failed.
    private enum Event: Sendable {
        case apply([Child], answer: AsyncStream<Change>.Continuation?)
        case failed(key: ServiceKey, error: any Error)
    }

    private let events: AsyncStream<Event>
    private let eventSink: AsyncStream<Event>.Continuation
    private let logger: Logger

    public init(initial children: [Child], logger: Logger) {
        (events, eventSink) = AsyncStream.makeStream()
        self.logger = logger
        eventSink.yield(.apply(children, answer: nil))
    }

    /// Replaces the running set with `children`; returns what changed once it is applied.
    @discardableResult
    public func apply(_ children: [Child]) async -> Change {
        let (answers, answer) = AsyncStream<Change>.makeStream()
        eventSink.yield(.apply(children, answer: answer))
        for await change in answers { return change }
        return Change(started: [], stopped: [], kept: [])
    }

    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var running: [ServiceKey: (fingerprint: String, stop: AsyncStream<Void>.Continuation)] = [:]
            for await event in events.cancelOnGracefulShutdown() {
                switch event {
                case .failed(let key, let error):
                    logger.error("service failed", metadata: ["service": "\(key)", "error": "\(error)"])
                    throw error
                case .apply(let children, let answer):
                    let change = apply(children, to: &running, in: &group)
                    answer?.yield(change)
                    answer?.finish()
                }
            }
            // Graceful shutdown: the children see it too; wait for them to return.
            try await group.waitForAll()
        }
    }

    private func apply(
        _ children: [Child],
        to running: inout [ServiceKey: (fingerprint: String, stop: AsyncStream<Void>.Continuation)],
        in group: inout ThrowingTaskGroup<Void, any Error>
    ) -> Change {
        var change = Change(started: [], stopped: [], kept: [])
        let wanted = Dictionary(children.map { ($0.key, $0) }, uniquingKeysWith: { _, last in last })
        for (key, current) in running where wanted[key]?.fingerprint != current.fingerprint {
            current.stop.finish()
            running[key] = nil
            change.stopped.append(key)
        }
        for child in children {
            if running[child.key] != nil {
                change.kept.append(child.key)
                continue
            }
            let (stopSignal, stop) = AsyncStream<Void>.makeStream()
            running[child.key] = (child.fingerprint, stop)
            change.started.append(child.key)
            let eventSink = eventSink
            group.addTask {
                do {
                    try await Self.run(child.service, until: stopSignal)
                } catch is CancellationError {
                    // Stopped by a reload or by the set's own end.
                } catch {
                    eventSink.yield(.failed(key: child.key, error: error))
                }
            }
        }
        logger.debug("service set applied", metadata: [
            "services.started": .array(change.started.map { .string($0.description) }),
            "services.stopped": .array(change.stopped.map { .string($0.description) }),
        ])
        return change
    }

    /// Runs `service` until it returns, throws, or `stopSignal` finishes (then it is cancelled).
    private static func run(_ service: any Service, until stopSignal: AsyncStream<Void>) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await service.run()
                return true
            }
            group.addTask {
                for await _ in stopSignal {}
                return false
            }
            // First to finish: the service (then the stop wait is cancelled), or the stop signal
            // (then the service is cancelled and awaited; its cancellation error is expected).
            let serviceEnded = try await group.next() ?? true
            group.cancelAll()
            if !serviceEnded {
                _ = try? await group.next()
            }
        }
    }
}
