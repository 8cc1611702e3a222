import Logging
import VigieCore
import VigieStore
#if canImport(Glibc)
import Glibc
#endif

/// The store crash test's child: writes sequence-numbered readings of `probe/seq` to DATA_DIR
/// forever, printing `committed N` (every value below N is committed) after each commit, until killed.
/// With SENSORS, reading N goes to sensor `probe/seq-<N % SENSORS>` (small batches per sensor: the
/// write-ahead path), and FOLD_MS folds the write-ahead into chunks that often (checked every 10 ms).
/// With COMMIT_MS, readings are submitted as polled ones (`CommitDeadline.commitInterval`), 10 every
/// 5 ms, and the commit interval is COMMIT_MS: few readings per commit, as at a small site.
///
/// Usage: vigie-store-probe DATA_DIR [BATCH_SIZE] [SENSORS FOLD_MS [COMMIT_MS]]
@main
struct StoreProbe {
    static func main() async throws {
        let arguments = CommandLine.arguments
        guard arguments.count >= 2 else {
            print("usage: vigie-store-probe DATA_DIR [BATCH_SIZE] [SENSORS FOLD_MS [COMMIT_MS]]")
            exit(2)
        }
        let batchSize = arguments.count > 2 ? Int(arguments[2]) ?? 100 : 100
        let sensorCount = arguments.count > 3 ? max(1, Int(arguments[3]) ?? 1) : nil
        let foldMilliseconds = arguments.count > 4 ? Int64(arguments[4]) ?? 60_000 : 60_000
        let commitMilliseconds = arguments.count > 5 ? Int64(arguments[5]) : nil
        let configuration = StoreConfiguration(dataDirectory: arguments[1], batchSize: batchSize,
                                               batchInterval: .milliseconds(20),
                                               commitInterval: .milliseconds(commitMilliseconds ?? 20), queueCapacity: batchSize * 4,
                                               foldInterval: .milliseconds(foldMilliseconds), foldMinimumReadings: 0)
        let store = try await ReadingStore.open(configuration, logger: Logger(label: "vigie.store.probe"),
                                                maintenanceInterval: sensorCount == nil ? .seconds(1) : .milliseconds(10))
        store.writer.addObserver(Reporter())
        let sensors = sensorCount.map { count in (0..<count).map { SensorID(device: "probe", point: "seq-\($0)") } }
            ?? [SensorID(device: "probe", point: "seq")]
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.writer.run() }
            let start = WallClock.nowMilliseconds()
            var next: Int64 = 0
            while true {
                let readings = (next..<(next + 10)).map {
                    Reading(sensor: sensors[Int($0 % Int64(sensors.count))], time: start + $0, value: Double($0))
                }
                if commitMilliseconds != nil {
                    await store.writer.submit(readings, deadline: .commitInterval)
                    try? await Task.sleep(for: .milliseconds(5))
                } else {
                    await store.writer.submit(readings)
                }
                next += 10
            }
        }
    }
}

/// Prints the count committed so far; values are submitted in order, so it is the highest + 1.
private final class Reporter: CommitObserver {
    func didCommit(_ readings: [Reading]) {
        guard let last = readings.last else { return }
        // Unbuffered: the parent must see the line even if this process is killed right after.
        let line = Array("committed \(Int64(last.value) + 1)\n".utf8)
        _ = line.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }
}
