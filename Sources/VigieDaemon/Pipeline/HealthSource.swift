import Glibc
import VigieCore
import VigieStore

/// The numbers of the periodic health message and of the status page's store line.
struct HealthSource: Sendable {
    let store: ReadingStore
    let latest: LatestReadings
    let startedAt: Int64

    func current() async -> GatewayHealth {
        let now = WallClock.nowMilliseconds()
        let statistics = store.writer.statistics
        let backlog = (try? await store.outbox.backlog()) ?? []
        let oldest = backlog.compactMap(\.oldestCreatedMilliseconds).min()
        return GatewayHealth(
            time: now, uptimeSeconds: (now - startedAt) / 1_000,
            backlog: Int64(backlog.reduce(0) { $0 + $1.depth }),
            oldestPendingAgeSeconds: oldest.map { max(0, now - $0) / 1_000 },
            readingsIn: Int64(statistics.readingsCommitted), errors: Int64(statistics.errors),
            evictedReadings: Int64(statistics.readingsEvicted), droppedMessages: Int64(statistics.messagesDropped),
            compactedMessages: Int64(statistics.messagesCompacted))
    }

    /// Bytes of the database and its write-ahead log on disk.
    func databaseBytes() -> Int64 {
        let path = store.configuration.databasePath
        return [path, path + "-wal"].reduce(0) { total, file in
            var info = stat()
            return stat(file, &info) == 0 ? total + Int64(info.st_size) : total
        }
    }
}
