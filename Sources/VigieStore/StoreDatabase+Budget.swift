/// Retention and the disk budget: small deletions between batches, never inside a reading commit.
extension StoreDatabase {
    /// What one maintenance step removed.
    struct Eviction: Equatable {
        /// Readings deleted because they were past `keep_readings`.
        var expiredReadings = 0
        /// Readings deleted because the budget was hit.
        var evictedReadings = 0
        /// Outbox messages deleted because the budget was hit with no readings left.
        var droppedMessages = 0
        /// Outbox messages merged into coarser windows (their data is in the merged message).
        var compactedMessages = 0
    }

    /// Chunks deleted per transaction: keeps each maintenance step short.
    static let deletionStep = 256
    /// Messages dropped to give a blocked compaction room to write.
    static let roomStep = 8

    /// Bytes of the database in use: pages minus free pages (the WAL is bounded by checkpoints).
    func usedBytes() throws -> Int64 {
        let pages = try connection.scalar("PRAGMA page_count") ?? 0
        let free = try connection.scalar("PRAGMA freelist_count") ?? 0
        let pageSize = try connection.scalar("PRAGMA page_size") ?? 4_096
        return (pages - free) * pageSize
    }

    /// The database and WAL file sizes on disk.
    func fileBytes() -> Int64 {
        let path = configuration.databasePath
        return FileSystem.size(path) + FileSystem.size(path + "-wal")
    }

    /// Deletes at most one step of chunks whose last reading is older than `cutoff`; returns readings deleted.
    func deleteExpired(before cutoff: Int64) throws -> Int {
        try deleteChunks(where: "last_ms < \(cutoff)")
    }

    /// Over 90% of the page budget, frees room down to 80%, cheapest loss first: while the outbox
    /// holds a quarter of the used space or more, its old aggregates are compacted (coarser
    /// windows, nothing lost but resolution); then the oldest readings are deleted; with no reading
    /// left, the outbox is compacted as far as it goes; only then are the oldest messages dropped.
    func enforceBudget() throws -> Eviction {
        var eviction = Eviction()
        let limit = configuration.maxDatabaseBytes
        guard try usedBytes() > limit * 9 / 10 else { return eviction }
        var compactable = true
        while true {
            let used = try usedBytes()
            guard used > limit * 8 / 10 else { break }
            if compactable, try outboxBytes() * 4 >= used {
                guard let merged = try compactStep(&eviction) else {
                    // At the page limit a merge found no page to grow into: a few of the oldest
                    // messages make room (counted), then merging resumes.
                    let messages = try dropOldestMessages(Self.roomStep)
                    if messages == 0 { break }
                    eviction.droppedMessages += messages
                    continue
                }
                compactable = merged
                if compactable { continue }
            }
            let readings = try deleteChunks(where: "1")
            if readings > 0 {
                eviction.evictedReadings += readings
                continue
            }
            if compactable {
                compactable = try compactStep(&eviction) ?? false
                if compactable { continue }
            }
            let messages = try dropOldestMessages(Self.deletionStep)
            if messages == 0 { break }
            eviction.droppedMessages += messages
        }
        return eviction
    }

    /// One compaction step, then a checkpoint if the step's rewrites grew the WAL past its
    /// allowance (steps follow each other within one maintenance); false when nothing merged,
    /// nil when the page limit left no room to write the merge (SQLITE_FULL, rolled back).
    private func compactStep(_ eviction: inout Eviction) throws -> Bool? {
        let merged: Int
        do {
            merged = try compactOutbox()
        } catch let error as StoreError where error.code == .full {
            return nil
        }
        eviction.compactedMessages += merged
        try manageCheckpoint()
        return merged > 0
    }

    /// Frees room after SQLITE_FULL: deletes the oldest tenth of the chunks (at least one step).
    func evictForSpace() throws -> Int {
        let chunks = try connection.scalar("SELECT count(*) FROM chunks") ?? 0
        var evicted = 0
        for _ in 0..<max(1, Int(chunks / 10) / Self.deletionStep) {
            let readings = try deleteChunks(where: "1")
            if readings == 0 { break }
            evicted += readings
        }
        return evicted
    }

    /// Truncates the WAL when it has grown past its allowance (a reader may have held it open).
    func manageCheckpoint() throws {
        if FileSystem.size(configuration.databasePath + "-wal") > configuration.walAllowance {
            try connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }

    /// Deletes the oldest `deletionStep` chunks matching `condition`; returns their reading count.
    private func deleteChunks(where condition: String) throws -> Int {
        try connection.transaction {
            let oldest = "SELECT id FROM chunks WHERE \(condition) ORDER BY first_ms LIMIT \(Self.deletionStep)"
            let count = try connection.scalar("SELECT coalesce(sum(count), 0) FROM chunks WHERE id IN (\(oldest))") ?? 0
            guard count > 0 else { return 0 }
            try connection.execute("DELETE FROM chunks WHERE id IN (\(oldest))")
            return Int(count)
        }
    }
}
