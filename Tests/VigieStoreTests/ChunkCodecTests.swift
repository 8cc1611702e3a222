import Testing
@testable import VigieStore

@Suite struct ChunkCodecTests {
    typealias Point = ChunkCodec.Point

    @Test func roundTripsEdgeValuesTimesAndQualities() throws {
        let points = [
            Point(time: -5_000, value: 0, quality: 0),
            Point(time: -5_000, value: -0.0, quality: 0),
            Point(time: 1_764_000_000_000, value: .nan, quality: 5),
            Point(time: 1_764_000_000_001, value: .infinity, quality: 5),
            Point(time: .max, value: -.greatestFiniteMagnitude, quality: 1),
            Point(time: .max, value: .leastNonzeroMagnitude, quality: 0),
            Point(time: 1_764_000_000_001, value: 230.5, quality: 201),
        ]
        let decoded = try ChunkCodec.decode(ChunkCodec.encode(points), firstTime: points[0].time)
        #expect(decoded.count == points.count)
        for (a, b) in zip(decoded, points) {
            #expect(a.time == b.time && a.quality == b.quality && a.value.bitPattern == b.value.bitPattern)
        }
    }

    @Test func steadyPollOfARepeatedValueTakesTwoBytesPerReading() {
        let points = (0..<1_000).map { Point(time: 1_764_000_000_000 + Int64($0) * 1_000, value: 21.5, quality: 0) }
        #expect(ChunkCodec.encode(points).count <= 1 + 2 * 1_000 + 8)
    }

    @Test func truncatedOrForeignBytesAreAnErrorNotACrash() {
        let bytes = ChunkCodec.encode([Point(time: 1, value: 3.25, quality: 0), Point(time: 2, value: 7.1, quality: 3)])
        // Cut inside the second reading: an error. Cut between readings: a shorter, valid chunk.
        let firstLength = ChunkCodec.encode([Point(time: 1, value: 3.25, quality: 0)]).count
        for length in (firstLength + 1)..<bytes.count {
            #expect(throws: StoreError.self) { _ = try ChunkCodec.decode(Array(bytes.prefix(length)), firstTime: 1) }
        }
        #expect((try? ChunkCodec.decode(Array(bytes.prefix(firstLength)), firstTime: 1))?.count == 1)
        #expect(throws: StoreError.self) { _ = try ChunkCodec.decode([9, 0, 0], firstTime: 0) }
        #expect(throws: StoreError.self) { _ = try ChunkCodec.decode([1, 0x7f, 0], firstTime: 0) }
    }
}
