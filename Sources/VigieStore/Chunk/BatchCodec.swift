/// Packs one committed batch of readings of many sensors into one byte string: a row of the
/// write-ahead table `batches`, later folded into per-sensor chunks.
///
/// Format version 1: one version byte, then one group per sensor:
/// - the sensor's integer id, varint;
/// - its first time minus the previous group's first time (0 for the first group), zigzag varint;
/// - the number of readings, varint (at least 1);
/// - the readings, sorted by time, in `ChunkCodec`'s per-reading encoding from that first time.
///
/// A group costs 3 to 8 bytes and its first reading a full value (up to 9 bytes): a batch of
/// 2 readings per sensor takes about 9 bytes a reading, as much as a small chunk, in one row.
enum BatchCodec {
    static let version: UInt8 = 1

    /// One sensor's readings in a batch.
    struct Group: Equatable {
        var sensor: Int64
        var points: [ChunkCodec.Point]
    }

    /// Encodes `groups` (each non-empty, its points sorted by time).
    static func encode(_ groups: [Group]) -> [UInt8] {
        var out: [UInt8] = [version]
        out.reserveCapacity(1 + groups.reduce(0) { $0 + 4 + $1.points.count * 4 })
        var previousFirst: Int64 = 0
        for group in groups {
            guard let first = group.points.first?.time else { continue }
            ChunkCodec.appendVarint(UInt64(bitPattern: group.sensor), to: &out)
            ChunkCodec.appendVarint(ChunkCodec.zigzag(first &- previousFirst), to: &out)
            ChunkCodec.appendVarint(UInt64(group.points.count), to: &out)
            var encoder = ChunkCodec.Encoder(firstTime: first)
            for point in group.points { encoder.append(point, to: &out) }
            previousFirst = first
        }
        return out
    }

    /// Decodes bytes written by `encode`.
    static func decode(_ bytes: [UInt8]) throws(StoreError) -> [Group] {
        guard bytes.first == version else {
            throw StoreError(.badChunk, "A stored batch has an unknown format; this vigie is older than the data.")
        }
        var groups: [Group] = []
        var index = 1
        var previousFirst: Int64 = 0
        while index < bytes.count {
            let sensor = Int64(bitPattern: try ChunkCodec.readVarint(bytes, &index))
            let first = previousFirst &+ ChunkCodec.unzigzag(try ChunkCodec.readVarint(bytes, &index))
            let count = try ChunkCodec.readVarint(bytes, &index)
            // Each reading takes at least 2 bytes: a damaged count cannot make us reserve memory.
            guard count >= 1, count <= UInt64(bytes.count - index) / 2 else { throw ChunkCodec.truncated() }
            var decoder = ChunkCodec.Decoder(firstTime: first)
            var points: [ChunkCodec.Point] = []
            points.reserveCapacity(Int(count))
            for _ in 0..<count { points.append(try decoder.next(bytes, &index)) }
            groups.append(Group(sensor: sensor, points: points))
            previousFirst = first
        }
        return groups
    }
}
