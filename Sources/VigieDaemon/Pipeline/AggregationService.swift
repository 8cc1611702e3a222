import Logging
import Metrics
import ServiceLifecycle
import VigieCore
import VigieStore

/// Closes aggregate windows from committed readings into the outbox, exactly once.
///
/// For each configured window length it keeps a watermark in the store (`aggregate:15m`): the
/// end of the last window written. When a window has closed (its end plus `grace` has passed),
/// it reads that window's committed readings, computes one pack per device, and appends one
/// message per sink together with the new watermark in a single transaction. A crash before the
/// commit recomputes the same windows from the same readings; after it, the next ones. Windows
/// that closed while the daemon was down are computed on start, oldest first.
///
/// Windows are aligned to the wall clock, so `clock` gives both the wall time they close by and
/// the sleep between checks; its `run` ends when that sleep ends early (cancellation, graceful
/// shutdown, or a fast-forward clock reaching its end).
public final class AggregationService: Service {
    private let configuration: AggregateConfiguration
    /// Names of the sinks that want aggregates; one outbox message per sink per pack.
    private let sinks: @Sendable () -> [SinkName]
    private let outbox: Outbox
    private let windowReader: WindowReader
    private let unit: @Sendable (SensorID) -> String?
    private let labels: @Sendable (SensorID) -> [Int: String]
    private let outboxChanged: @Sendable () -> Void
    /// Commits the readings still queued: called before a closed window is read (`StoreWriter.commitQueued`).
    private let commitQueued: @Sendable () async -> Void
    private let clock: GatewayClock
    private let logger: Logger
    private let windowsClosed = Counter(label: "vigie_aggregate_windows_total")
    private let packsWritten = Counter(label: "vigie_aggregate_packs_total")

    /// Upper bound on a sleep between checks, so a wall-clock jump is noticed within it.
    static let maximumSleep: Duration = .seconds(1)

    public init(configuration: AggregateConfiguration, sinks: @escaping @Sendable () -> [SinkName], outbox: Outbox,
                windowReader: WindowReader, unit: @escaping @Sendable (SensorID) -> String?,
                labels: @escaping @Sendable (SensorID) -> [Int: String] = { _ in [:] },
                outboxChanged: @escaping @Sendable () -> Void = {},
                commitQueued: @escaping @Sendable () async -> Void = {},
                clock: GatewayClock = .system, logger: Logger) {
        self.configuration = configuration
        self.sinks = sinks
        self.outbox = outbox
        self.windowReader = windowReader
        self.unit = unit
        self.labels = labels
        self.outboxChanged = outboxChanged
        self.commitQueued = commitQueued
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        guard !configuration.windows.isEmpty else { return }
        // The last failure logged per window: a full disk fails every retry (each second), logged once.
        var failing: [Duration: String] = [:]
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            var nextDeadline = Int64.max
            for window in configuration.windows {
                do {
                    let deadline = try await closeWindows(of: window)
                    nextDeadline = min(nextDeadline, deadline ?? .max)
                    if failing.removeValue(forKey: window) != nil {
                        logger.notice("aggregation recovered", metadata: ["aggregate.window": "\(window.configText)"])
                    }
                } catch {
                    let text = "\(error)"
                    logger.log(level: failing[window] == text ? .debug : .error, "aggregation failed", metadata: [
                        "aggregate.window": "\(window.configText)", "error": "\(text)",
                    ])
                    failing[window] = text
                    nextDeadline = min(nextDeadline, clock.wallMilliseconds() + 1_000)
                }
            }
            let wait = min(Self.maximumSleep, .milliseconds(max(10, nextDeadline &- clock.wallMilliseconds())))
            do {
                try await cancelWhenGracefulShutdown { try await self.clock.sleep(for: wait) }
            } catch {
                return
            }
        }
    }

    /// Writes every closed window of length `window`; returns when the next one closes.
    func closeWindows(of window: Duration) async throws -> Int64? {
        let watermarkName = "aggregate:\(window.configText)"
        var watermark = try await outbox.watermark(watermarkName)
        let sinks = sinks()
        while true {
            let windows = AggregationPlanner.windowsToClose(
                watermark: watermark, now: clock.wallMilliseconds(), window: window, grace: configuration.grace, limit: 100)
            guard let last = windows.last else { break }
            // Polled readings may wait up to buffer.commit_interval for their commit: not past a window's close.
            await commitQueued()
            var messages: [OutboxMessage] = []
            for range in windows {
                let readings = try await windowReader.readings(from: range.start, before: range.end)
                let packs = AggregatePack.packs(window: range, readings: readings,
                                                statistics: configuration.stats, unit: unit, labels: labels)
                let created = clock.wallMilliseconds()
                for pack in packs {
                    let stored = Array(UpstreamMessage.aggregate(pack).storageText.utf8)
                    for sink in sinks {
                        messages.append(OutboxMessage(sink: sink, kind: .aggregate, device: pack.device,
                                                      storageText: stored, createdMilliseconds: created))
                    }
                }
            }
            if try await outbox.appendAggregates(messages, advancing: watermarkName, to: last.end) {
                windowsClosed.increment(by: windows.count)
                packsWritten.increment(by: messages.count)
                if !messages.isEmpty { outboxChanged() }
            }
            watermark = last.end
        }
        return AggregationPlanner.nextDeadline(watermark: watermark, now: clock.wallMilliseconds(), window: window, grace: configuration.grace)
    }
}
