import Logging
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Keeps systemd informed while the daemon runs: sends `WATCHDOG=1` every `interval` but only
/// while `progress()` says the pipeline moves, refreshes `STATUS=`, and sends `STOPPING=1` when
/// graceful shutdown begins.
///
/// With `WatchdogSec=10s`, systemd sets `WATCHDOG_USEC=10000000`; pings go every 5 s. If the
/// writer wedges, `progress()` turns false, pings stop, and systemd kills and restarts the
/// service 10 s after the last ping (at most 15 s after the writer's last sign of life + staleness).
///
/// Put it LAST in the `ServiceGroup`: services shut down in reverse order, so it is told first and
/// `STOPPING=1` goes out before the pipeline drains (systemd then stops expecting pings).
public struct WatchdogService: Service {
    private let notifier: SystemdNotifier
    private let interval: Duration?
    private let progress: @Sendable () async -> Bool
    private let status: (@Sendable () async -> String)?
    private let logger: Logger

    /// - Parameters:
    ///   - interval: time between checks; nil (no watchdog configured) only refreshes status and sends `STOPPING=1`.
    ///   - progress: true while the pipeline moves (e.g. `ProgressHeartbeat.isFresh`).
    ///   - status: the one-line `STATUS=` summary, sent when it changes.
    public init(notifier: SystemdNotifier, interval: Duration?,
                progress: @escaping @Sendable () async -> Bool,
                status: (@Sendable () async -> String)? = nil, logger: Logger) {
        self.notifier = notifier
        self.interval = interval
        self.progress = progress
        self.status = status
        self.logger = logger
    }

    /// Half of `$WATCHDOG_USEC`, as systemd recommends; nil when unset, zero, invalid, or meant for
    /// another process (`$WATCHDOG_PID` names a different pid).
    public static func interval(environment: [String: String], pid: Int32 = getpid()) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0 else { return nil }
        if let owner = environment["WATCHDOG_PID"], Int32(owner) != pid { return nil }
        return .microseconds(Int64(clamping: usec / 2))
    }

    /// The state carried from one check to the next.
    public struct TickState: Sendable, Equatable {
        /// Whether the last check saw progress (a stall is logged once, as is the recovery).
        public var progressing = true
        /// The last `STATUS=` sent, to send it again only when it changes.
        public var lastStatus: String?
        public init() {}
    }

    /// One check: pings if the pipeline progresses, sends the status if it changed. Returns true when it pinged.
    @discardableResult
    public func tick(_ state: inout TickState) async -> Bool {
        let moving = await progress()
        var fields: [String] = []
        if moving && interval != nil { fields.append("WATCHDOG=1") }
        if let status {
            let line = await status()
            if line != state.lastStatus {
                fields.append("STATUS=" + line)
                state.lastStatus = line
            }
        }
        if moving != state.progressing {
            if moving {
                logger.notice("Pipeline progresses again, watchdog pings resume")
            } else {
                logger.error("Pipeline stalled, watchdog pings withheld so systemd restarts the daemon")
            }
            state.progressing = moving
        }
        do {
            try notifier.send(fields)
        } catch {
            logger.warning("Could not notify systemd", metadata: ["error": "\(error)"])
        }
        return fields.contains("WATCHDOG=1")
    }

    /// Checks every `interval` until graceful shutdown or cancellation, then sends `STOPPING=1`.
    public func run() async throws {
        if let interval {
            logger.info("Watchdog enabled", metadata: ["watchdog.interval": "\(interval)"])
            await cancelWhenGracefulShutdown {
                var state = TickState()
                while !Task.isCancelled {
                    await tick(&state)
                    do { try await Task.sleep(for: interval) } catch { return }
                }
            }
        } else {
            try? await gracefulShutdown()
        }
        do {
            try notifier.stopping()
        } catch {
            logger.warning("Could not notify systemd", metadata: ["error": "\(error)"])
        }
    }
}
