import Metrics
import Logging
import ServiceLifecycle
import Synchronization
import VigieCore

/// The single writer of readings: drains the bounded queue in batches into one transaction each.
///
/// A batch commits when it holds `batchSize` readings or its first reading has waited
/// `batchInterval` (defaults 10,000 and 500 ms), or, when few readings that may wait are queued
/// (Modbus polls at a small site), `commitInterval` (2 s): `CommitCadence`. A crash loses at most
/// the readings not committed yet, never one already committed. SQLite runs on the writer's own dispatch queue, never on the
/// cooperative pool. Between batches, at most once per `maintenanceInterval`, it deletes expired
/// readings in small steps, enforces the size budget and truncates the WAL; about every
/// `foldInterval` it folds the write-ahead of small batches into per-sensor chunks. On graceful shutdown
/// (or cancellation) it commits everything queued, then closes the database.
public final class StoreWriter: Service, ReadingSink {
    private let configuration: StoreConfiguration
    private let logger: Logger
    private let queue: WriterQueue
    private let handOff: Mutex<StoreDatabaseBox?>
    private let observers = Mutex<[any CommitObserver]>([])
    private let forwarding = Mutex<ReadingsForwarding?>(nil)
    private let counts = Mutex(StoreStatistics())
    private let metrics: StoreMetrics
    private let now: @Sendable () -> Int64
    private let maintenanceInterval: Duration
    private let thread = BlockingQueue(label: "vigie.store.writer")

    init(database: StoreDatabaseBox, logger: Logger, metrics: any MetricsFactory, now: @escaping @Sendable () -> Int64,
         maintenanceInterval: Duration = .seconds(1)) {
        self.metrics = StoreMetrics(factory: metrics)
        self.configuration = database.database.configuration
        self.logger = logger
        self.queue = WriterQueue(capacity: configuration.queueCapacity)
        self.handOff = Mutex(database)
        self.now = now
        self.maintenanceInterval = maintenanceInterval
    }

    /// Adds an observer told about every later commit.
    public func addObserver(_ observer: any CommitObserver) {
        observers.withLock { $0.append(observer) }
    }

    /// Appends each later batch's readings to the outbox for the sinks that send raw readings,
    /// in the batch's transaction (`ReadingsForwarding`).
    public func forwardReadings(_ forwarding: ReadingsForwarding) {
        self.forwarding.withLock { $0 = forwarding }
    }

    /// Counts since start.
    public var statistics: StoreStatistics { counts.withLock { $0 } }

    /// Readings waiting for the writer.
    public var queueDepth: Int { queue.depth }

    /// Queues readings that must commit within the batch interval; suspends while the queue is full.
    public func submit(_ readings: [Reading]) async {
        await submit(readings, deadline: .batchInterval)
    }

    /// Queues readings for a batch that commits by `deadline`; suspends while the queue is full.
    public func submit(_ readings: [Reading], deadline: CommitDeadline) async {
        guard await queue.submit(readings, deadline: deadline) else {
            counts.withLock { $0.readingsDropped += readings.count }
            metrics.droppedClosed.increment(by: readings.count)
            logger.error("Readings were submitted after the store writer stopped; they are not stored.",
                         metadata: ["store.readings": "\(readings.count)"])
            return
        }
    }

    /// Commits everything queued now, without waiting for the commit cadence; returns once it is
    /// committed (the aggregation's way to see every reading taken before a window closed).
    public func commitQueued() async {
        await queue.flush()
    }

    /// Runs the writer until graceful shutdown or cancellation, then commits what is queued and closes.
    public func run() async throws {
        guard let box = handOff.withLock({ value -> StoreDatabaseBox? in
            defer { value = nil }
            return value
        }) else {
            throw StoreError(.closed, "This store writer already ran; open the store again to write.")
        }
        await withTaskCancellationOrGracefulShutdownHandler {
            await thread.run { self.loop(box.database) }
        } onCancelOrGracefulShutdown: {
            self.queue.close()
        }
    }

    private func loop(_ database: StoreDatabase) {
        let cadence = CommitCadence(configuration)
        let maintenanceNanoseconds = UInt64(max(0, maintenanceInterval.milliseconds)) * 1_000_000
        let foldNanoseconds = UInt64(max(0, configuration.foldInterval.milliseconds)) * 1_000_000
        var lastMaintenance = ConditionLock.now()
        var isFull = false
        while true {
            let take = queue.take(maxCount: cadence.batchSize, interval: cadence.batchInterval,
                                  commitInterval: cadence.commitInterval, idle: max(maintenanceNanoseconds, 1_000_000))
            metrics.queueDepth.record(queue.depth)
            if !take.readings.isEmpty {
                commit(take.readings, to: database, isFull: &isFull)
                for waiter in queue.batchDone() { waiter.resume() }
            }
            for waiter in take.flushed { waiter.resume() }
            if take.isFinished { break }
            if ConditionLock.now() &- lastMaintenance >= maintenanceNanoseconds {
                fold(database, interval: foldNanoseconds)
                maintain(database)
                lastMaintenance = ConditionLock.now()
            }
        }
        maintain(database)
        database.closeCleanly()
        logger.info("The store writer committed everything queued and closed the database.")
    }

    private func commit(_ readings: [Reading], to database: StoreDatabase, isFull: inout Bool) {
        let start = ConditionLock.now()
        let forwarding = forwarding.withLock { $0 }
        let forwarded = forwarding?.messages(for: readings, created: now()) ?? []
        do {
            do {
                try database.insert(readings, appending: forwarded)
            } catch let error as StoreError where error.code == .full {
                // Make room from the oldest readings, then try once more.
                let evicted = try database.evictForSpace()
                record(evicted: evicted)
                try database.insert(readings, appending: forwarded)
            }
            metrics.commitDuration.recordNanoseconds(Int64(ConditionLock.now() &- start))
            metrics.commits.increment()
            metrics.readingsCommitted.increment(by: readings.count)
            counts.withLock {
                $0.commits += 1
                $0.readingsCommitted += readings.count
            }
            if isFull {
                isFull = false
                logger.notice("The store can write again after a full disk.")
            }
            for observer in observers.withLock({ $0 }) { observer.didCommit(readings) }
            if !forwarded.isEmpty { forwarding?.outboxChanged() }
        } catch let error as StoreError where error.code == .full {
            metrics.droppedFull.increment(by: readings.count)
            counts.withLock { $0.readingsDropped += readings.count }
            if !isFull {
                isFull = true
                logger.error("The disk is full: readings are counted as dropped until space returns.",
                             metadata: ["store.readings": "\(readings.count)", "error": "\(error)"])
            }
        } catch {
            metrics.commitErrors.increment()
            metrics.droppedError.increment(by: readings.count)
            counts.withLock {
                $0.errors += 1
                $0.readingsDropped += readings.count
            }
            logger.error("A batch of readings could not be committed.",
                         metadata: ["store.readings": "\(readings.count)", "error": "\(error)"])
        }
    }

    /// Folds the write-ahead into chunks when it is due; a failure is retried at the next maintenance.
    private func fold(_ database: StoreDatabase, interval: UInt64) {
        guard database.isFoldDue(interval: interval) else { return }
        do {
            let moved = try database.foldWriteAhead()
            metrics.readingsFolded.increment(by: moved)
        } catch {
            metrics.maintenanceErrors.increment()
            counts.withLock { $0.errors += 1 }
            logger.error("Recent readings could not be folded into chunks; it is retried later.", metadata: ["error": "\(error)"])
        }
    }

    private func maintain(_ database: StoreDatabase) {
        do {
            let cutoff = now() &- configuration.keepReadings.milliseconds
            var expired = 0
            for _ in 0..<4 {
                let step = try database.deleteExpired(before: cutoff)
                expired += step
                if step == 0 { break }
            }
            if expired > 0 {
                metrics.expired.increment(by: expired)
                counts.withLock { $0.readingsExpired += expired }
            }
            let eviction = try database.enforceBudget()
            record(evicted: eviction.evictedReadings)
            if eviction.droppedMessages > 0 {
                metrics.messagesDropped.increment(by: eviction.droppedMessages)
                counts.withLock { $0.messagesDropped += eviction.droppedMessages }
                logger.warning("The size budget is full of outbox messages: the oldest were dropped.",
                               metadata: ["store.messages": "\(eviction.droppedMessages)"])
            }
            if eviction.compactedMessages > 0 {
                metrics.messagesCompacted.increment(by: eviction.compactedMessages)
                counts.withLock { $0.messagesCompacted += eviction.compactedMessages }
                logger.notice("The size budget is tight: old aggregates were merged into coarser windows.",
                              metadata: ["store.messages": "\(eviction.compactedMessages)"])
            }
            try database.manageCheckpoint()
        } catch {
            metrics.maintenanceErrors.increment()
            counts.withLock { $0.errors += 1 }
            logger.error("Store maintenance failed; it is retried later.", metadata: ["error": "\(error)"])
        }
    }

    private func record(evicted: Int) {
        guard evicted > 0 else { return }
        metrics.evicted.increment(by: evicted)
        counts.withLock { $0.readingsEvicted += evicted }
        logger.warning("The size budget was hit: the oldest readings were deleted.", metadata: ["store.readings": "\(evicted)"])
    }
}

/// Carries the write database to the writer thread.
///
/// `@unchecked Sendable`: handed over exactly once (taken out of a `Mutex` by `run`), then used
/// only on the writer's dispatch queue.
final class StoreDatabaseBox: @unchecked Sendable {
    let database: StoreDatabase
    init(_ database: StoreDatabase) { self.database = database }
}
