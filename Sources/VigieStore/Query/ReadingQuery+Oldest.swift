extension ReadingQuery {
    /// The time of the oldest reading kept of the sensors matching `glob`, nil when there is none.
    ///
    /// From the chunks' `first_ms` (exact: a chunk starts at its first reading); a sensor whose
    /// readings are all still in the write-ahead is found there.
    public func oldestTime(matching glob: String) throws -> Int64? {
        let select = try connection.statement("""
            SELECT min(chunks.first_ms) FROM chunks JOIN sensors ON sensors.id = chunks.sensor WHERE sensors.name GLOB ?
            """)
        defer { select.reset() }
        select.bind(glob.lowercased(), at: 1)
        if try select.step(), !select.isNull(at: 0) { return select.int64(at: 0) }
        var oldest: Int64?
        try readings(matching: glob) { reading in
            if oldest == nil { oldest = reading.time }
        }
        return oldest
    }
}
