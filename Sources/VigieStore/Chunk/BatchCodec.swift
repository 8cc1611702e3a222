/// Packs one committed batch of readings of many sensors into one byte string: a row of the
/// write-ahead table `batches`, later folded into per-sensor chunks.
///
/// Format version 1: one version byte, then one group per sensor (by increasing id):
/// - the sensor's integer id minus the previous group's (0 before the first), zigzag varint;
/// - its first time minus the previous group's first time (0 for the first group), zigzag varint;
/// - the number of readings, varint (at least 1);
/// - the readings, sorted by time, in `ChunkCodec`'s per-reading encoding from that first time,
///   the first one without its time (it is the group's).
///
/// A group costs 3 to 8 bytes and its first reading a full value (2 to 3 bytes for a 0.1-scaled
/// register, up to 9 for a noisy float): 400 sensors polled once take about 6 bytes a reading.
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
        var previousSensor: Int64 = 0
        for group in groups.sorted(by: { $0.sensor < $1.sensor }) {
            guard let first = group.points.first?.time else { continue }
            ChunkCodec.appendVarint(ChunkCodec.zigzag(group.sensor &- previousSensor), to: &out)
            ChunkCodec.appendVarint(ChunkCodec.zigzag(first &- previousFirst), to: &out)
            ChunkCodec.appendVarint(UInt64(group.points.count), to: &out)
            var encoder = ChunkCodec.Encoder(firstTime: first)
            for (offset, point) in group.points.enumerated() { encoder.append(point, to: &out, writesTime: offset > 0) }
            previousFirst = first
            previousSensor = group.sensor
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
        var previousSensor: Int64 = 0
        while index < bytes.count {
            let sensor = previousSensor &+ ChunkCodec.unzigzag(try ChunkCodec.readVarint(bytes, &index))
            let first = previousFirst &+ ChunkCodec.unzigzag(try ChunkCodec.readVarint(bytes, &index))
            let count = try ChunkCodec.readVarint(bytes, &index)
            // Each reading takes at least 1 byte: a damaged count cannot make us reserve memory.
            guard count >= 1, count <= UInt64(bytes.count - index) else { throw ChunkCodec.truncated() }
            var decoder = ChunkCodec.Decoder(firstTime: first)
            var points: [ChunkCodec.Point] = []
            points.reserveCapacity(Int(count))
            for offset in 0..<count { points.append(try decoder.next(bytes, &index, readsTime: offset > 0)) }
            groups.append(Group(sensor: sensor, points: points))
            previousFirst = first
            previousSensor = sensor
        }
        return groups
    }
}
