import Logging
import Synchronization
import VigieCore
import VigieStore
#if canImport(Glibc)
import Glibc
#endif

/// Measures the store: readings committed per second through the writer (synchronous=FULL),
/// bytes written to disk per reading (/proc/self/io `write_bytes`), database bytes per reading.
///
/// Usage: vigie-store-bench [READINGS] [SENSORS] [DIR] [PER_COMMIT]
/// (defaults 2000000, 100, /tmp/vigie-store-bench). With PER_COMMIT, it waits for each commit of
/// that many readings before submitting more: the low-rate case, where the cost is per commit.
@main
struct StoreBench {
    static func main() async throws {
        let arguments = CommandLine.arguments
        let total = arguments.count > 1 ? Int(arguments[1]) ?? 2_000_000 : 2_000_000
        let sensorCount = arguments.count > 2 ? Int(arguments[2]) ?? 100 : 100
        let directory = arguments.count > 3 ? arguments[3] : "/tmp/vigie-store-bench"
        let perCommit = arguments.count > 4 ? Int(arguments[4]) : nil
        _ = system("rm -rf '\(directory)'")
        let configuration = StoreConfiguration(dataDirectory: directory, maxSize: ByteSize(bytes: 4 << 30))
        let store = try await ReadingStore.open(configuration, logger: Logger(label: "vigie.store.bench"))
        let counter = CommitCounter()
        store.writer.addObserver(counter)
        let sensors = (0..<sensorCount).map { SensorID(device: "bench-\($0 / 10)", point: "point-\($0 % 10)") }

        let writtenBefore = writeBytes()
        let start = monotonicSeconds()
        let cpuBefore = cpuSeconds()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.writer.run() }
            // Realistic series: per sensor a 1 s poll, a slow random walk rounded to 0.1.
            var levels = (0..<sensorCount).map { Double(200 + $0) }
            var generator = SystemRandomNumberGenerator()
            var produced = 0
            // Times end about now, so that retention (7 days) deletes nothing during the run.
            let firstTime = WallClock.nowMilliseconds() - Int64(total / max(1, sensorCount)) * 1_000
            var tick: Int64 = 0
            while produced < total {
                var readings: [Reading] = []
                readings.reserveCapacity(sensorCount)
                for index in 0..<sensorCount where produced + readings.count < total {
                    levels[index] += Double(Int.random(in: -3...3, using: &generator)) / 10
                    let value = (levels[index] * 10).rounded() / 10
                    readings.append(Reading(sensor: sensors[index], time: firstTime + tick * 1_000, value: value))
                }
                produced += readings.count
                tick += 1
                await store.writer.submit(readings)
                if let perCommit, produced % perCommit == 0 || produced == total {
                    while counter.count.load(ordering: .relaxed) < produced { try await Task.sleep(for: .milliseconds(1)) }
                }
            }
            group.cancelAll()
            try await group.waitForAll()
        }
        let elapsed = monotonicSeconds() - start
        let cpu = cpuSeconds() - cpuBefore
        let written = writeBytes() - writtenBefore
        let committed = counter.count.load(ordering: .relaxed)
        let dbBytes = fileSize(configuration.databasePath) + fileSize(configuration.databasePath + "-wal")
        let commits = store.writer.statistics.commits
        print("readings committed: \(committed) of \(total) in \(commits) commits, \(sensorCount) sensors, synchronous=FULL")
        print("wall: \(format(elapsed)) s, CPU: \(format(cpu)) s")
        print("readings/s (wall): \(Int(Double(committed) / elapsed))")
        print("readings/s per CPU second: \(Int(Double(committed) / cpu))")
        print("bytes written to disk per reading: \(format(Double(written) / Double(max(1, committed))))")
        print("bytes written to disk per commit: \(format(Double(written) / Double(max(1, commits))))")
        print("database bytes per stored reading: \(format(Double(dbBytes) / Double(max(1, committed))))")
    }

    static func format(_ value: Double) -> String {
        let scaled = (value * 100).rounded() / 100
        return "\(scaled)"
    }

    static func writeBytes() -> Int64 {
        guard let file = fopen("/proc/self/io", "r") else { return 0 }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, 256, file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix("write_bytes:") {
                return Int64(text.dropFirst("write_bytes:".count).filter { $0.isNumber }) ?? 0
            }
        }
        return 0
    }

    static func monotonicSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static func fileSize(_ path: String) -> Int64 {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : 0
    }
}

/// Counts committed readings.
private final class CommitCounter: CommitObserver {
    let count = Atomic<Int>(0)
    func didCommit(_ readings: [Reading]) {
        count.add(readings.count, ordering: .relaxed)
    }
}
