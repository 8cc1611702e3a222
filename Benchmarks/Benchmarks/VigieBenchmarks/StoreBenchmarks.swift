import Benchmark
#if canImport(Glibc)
import Glibc
#endif
import Logging
import Synchronization
import VigieCore
import VigieStore

/// The `store` stage: the real `StoreWriter` committing batches of readings into a SQLite file
/// in a temporary directory (WAL, `synchronous=FULL`: one fsync per commit). One sample is one
/// batch submitted and waited for until committed; figures are per commit.
enum StoreBenchmarks {
    static func register() {
        for batch in [1, 100, 1_000, 10_000] {
            Benchmark("Store commit \(batch) readings per batch (synchronous=FULL)",
                      configuration: StageConfiguration.macro(metrics: [.writeBytesPhysical])) { benchmark, bench in
                for _ in benchmark.scaledIterations {
                    await bench.commitNextBatch()
                }
            } setup: {
                try await OpenStore(batch: batch)
            } teardown: {
                await OpenStore.current.withLock { $0.take() }?.close()
            }
        }
    }

    /// A store opened in a fresh temporary directory with its writer running.
    final class OpenStore: Sendable {
        /// The store of the running benchmark, so that teardown can close it.
        static let current = Mutex<OpenStore?>(nil)

        let directory: String
        let store: ReadingStore
        let writer: Task<Void, any Error>
        let waiter = CommitWaiter()
        let producer: Mutex<ReadingProducer>

        init(batch: Int) async throws {
            var template = Array("/tmp/vigie-bench-store-XXXXXX".utf8CString)
            guard let made = mkdtemp(&template) else { fatalError("mkdtemp failed for the store benchmark") }
            directory = String(cString: made)
            let configuration = StoreConfiguration(dataDirectory: directory, maxSize: ByteSize(bytes: 1 << 30),
                                                   batchSize: batch, batchInterval: .seconds(1), queueCapacity: max(batch, 10_000))
            store = try await ReadingStore.open(configuration, logger: Logger(label: "vigie.bench.store"))
            store.writer.addObserver(waiter)
            let writer = store.writer
            self.writer = Task { try await writer.run() }
            producer = Mutex(ReadingProducer(batch: batch, start: WallClock.nowMilliseconds() - 86_400_000))
            Self.current.withLock { $0 = self }
        }

        /// Submits one batch and returns once the writer committed it.
        func commitNextBatch() async {
            let (readings, total) = producer.withLock { $0.next() }
            await store.writer.submit(readings)
            await waiter.wait(untilCommitted: total)
        }

        func close() async {
            writer.cancel()
            _ = try? await writer.value
            _ = system("rm -rf '\(directory)'")
        }
    }

    /// 100 sensors polled every second, a slow random walk rounded to 0.1 (as vigie-store-bench).
    struct ReadingProducer: Sendable {
        let batch: Int
        let sensors = (0..<100).map { SensorID(device: "bench-\($0 / 10)", point: "point-\($0 % 10)") }
        var levels = (0..<100).map { Double(200 + $0) }
        var time: Int64
        var index = 0
        var produced = 0
        var random: UInt64 = 0x2545_F491_4F6C_DD1D

        init(batch: Int, start: Int64) {
            self.batch = batch
            self.time = start
        }

        mutating func next() -> ([Reading], Int) {
            var readings: [Reading] = []
            readings.reserveCapacity(batch)
            for _ in 0..<batch {
                random ^= random << 13
                random ^= random >> 7
                random ^= random << 17
                levels[index] += Double(Int(random % 7) - 3) / 10
                readings.append(Reading(sensor: sensors[index], time: time, value: (levels[index] * 10).rounded() / 10))
                index += 1
                if index == sensors.count {
                    index = 0
                    time += 1_000
                }
            }
            produced += batch
            return (readings, produced)
        }
    }

    /// Resumes the benchmark when the writer has committed a given number of readings.
    final class CommitWaiter: CommitObserver {
        private struct State {
            var committed = 0
            var target = Int.max
            var waiter: CheckedContinuation<Void, Never>?
        }

        private let state = Mutex(State())

        func didCommit(_ readings: [Reading]) {
            let ready = state.withLock { state -> CheckedContinuation<Void, Never>? in
                state.committed += readings.count
                guard state.committed >= state.target, let waiter = state.waiter else { return nil }
                state.waiter = nil
                return waiter
            }
            ready?.resume()
        }

        func wait(untilCommitted target: Int) async {
            await withCheckedContinuation { continuation in
                let done = state.withLock { state -> Bool in
                    if state.committed >= target { return true }
                    state.target = target
                    state.waiter = continuation
                    return false
                }
                if done { continuation.resume() }
            }
        }
    }
}
