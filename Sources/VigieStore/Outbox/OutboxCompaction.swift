import VigieCore

/// Merges old aggregate messages of the outbox into coarser windows (15m → 1h → 1d) when the
/// budget is tight, so that a long outage costs resolution before it costs data.
///
/// Only messages no sink was ever handed are touched (sequence number above the sink's
/// `handed.<sink>` watermark, see `Outbox.pending`): the hub never saw their sequence numbers.
/// A merge rewrites the group's lowest sequence number with the merged pack and deletes the
/// others (see `CompactionPlanner`), so per-device order holds and the hub sees one new message
/// per merged group, never a sequence number it already has.
extension StoreDatabase {
    /// Coarser windows, finest first: a step merges into the finest level that merges anything.
    static let compactionLevels: [Duration] = [.seconds(900), .seconds(3_600), .seconds(86_400)]

    /// Messages read and parsed at once, at most.
    static let compactionPage = 2_048

    /// Payload bytes read at once, at most: a step rewrites about that much, which must fit the WAL
    /// allowance, or the WAL would grow past the budget during one transaction.
    var compactionPageBytes: Int { Int(max(4_096, configuration.walAllowance / 4)) }

    /// Bytes the outbox takes in the database, approximately (payloads, topics, row overhead).
    func outboxBytes() throws -> Int64 {
        try connection.scalar("SELECT coalesce(sum(length(payload) + length(topic) + length(sink) + 24), 0) FROM outbox") ?? 0
    }

    /// Runs one compaction step: over each sink's oldest messages not yet handed out, page by
    /// page, the first page that merges at some level is merged (in one transaction). Returns the
    /// number of messages merged away, 0 when nothing can be merged any more.
    func compactOutbox() throws -> Int {
        let sinks = try sinksWithAggregates()
        for sink in sinks {
            var after = try OutboxTable.watermark(OutboxTable.handedMark(SinkName(sink)), on: connection) ?? 0
            while true {
                let (page, last) = try compactionCandidates(sink: sink, after: after)
                guard last > after else { break }
                for level in Self.compactionLevels {
                    let merges = CompactionPlanner.plan(page, into: level)
                    if !merges.isEmpty {
                        let removed = try apply(merges, sink: sink)
                        if removed > 0 { return removed }
                    }
                }
                after = last
            }
        }
        return 0
    }

    private func sinksWithAggregates() throws -> [String] {
        let select = try connection.statement("SELECT DISTINCT sink FROM outbox WHERE kind = ?")
        select.bind(OutboxKind.aggregate.rawValue, at: 1)
        defer { select.reset() }
        var sinks: [String] = []
        while try select.step() { sinks.append(select.string(at: 0) ?? "") }
        return sinks
    }

    /// Up to `compactionPage` aggregate messages (and about `compactionPageBytes`) of `sink` after
    /// `after`, parsed (unreadable ones skipped), and the last sequence number read (`after` when
    /// there was none).
    private func compactionCandidates(sink: String, after: Int64) throws -> ([CompactionPlanner.Message], Int64) {
        let select = try connection.statement(
            "SELECT seq, payload FROM outbox WHERE sink = ? AND seq > ? AND kind = ? ORDER BY seq LIMIT ?")
        select.bind(sink, at: 1)
        select.bind(after, at: 2)
        select.bind(OutboxKind.aggregate.rawValue, at: 3)
        select.bind(Int64(Self.compactionPage), at: 4)
        defer { select.reset() }
        var messages: [CompactionPlanner.Message] = []
        var last = after
        var bytes = 0
        while bytes < compactionPageBytes, try select.step() {
            last = select.int64(at: 0)
            let payload = select.blob(at: 1)
            bytes += payload.count
            if let pack = try? AggregatePack(storageText: String(decoding: payload, as: UTF8.self)) {
                messages.append(CompactionPlanner.Message(sequence: last, pack: pack))
            }
        }
        return (messages, last)
    }

    /// Applies `merges` in one transaction, skipping any whose messages were handed out meanwhile.
    private func apply(_ merges: [CompactionPlanner.Merge], sink: String) throws -> Int {
        try connection.transaction {
            let handed = try OutboxTable.watermark(OutboxTable.handedMark(SinkName(sink)), on: connection) ?? 0
            let update = try connection.statement("UPDATE outbox SET payload = ? WHERE sink = ? AND seq = ?")
            let delete = try connection.statement("DELETE FROM outbox WHERE sink = ? AND seq = ?")
            var removed = 0
            let exists = try connection.statement("SELECT count(*) FROM outbox WHERE sink = ? AND seq = ?")
            for merge in merges where merge.keep > handed {
                exists.reset()
                exists.bind(sink, at: 1)
                exists.bind(merge.keep, at: 2)
                let found = try exists.step() && exists.int64(at: 0) == 1
                exists.reset()  // an unfinished SELECT would keep its read snapshot open
                guard found else { continue }
                // Deletes first: near the page limit the merged payload reuses the room they free.
                for seq in merge.remove {
                    delete.reset()
                    delete.bind(sink, at: 1)
                    delete.bind(seq, at: 2)
                    try delete.step()
                    removed += connection.changes
                }
                update.reset()
                update.bind(Array(merge.pack.storageText.utf8), at: 1)
                update.bind(sink, at: 2)
                update.bind(merge.keep, at: 3)
                try update.step()
            }
            return removed
        }
    }
}
