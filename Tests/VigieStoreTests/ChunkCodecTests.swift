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

    @Test func decimalValuesTakeAboutThreeBytesAndComeBackBitExact() throws {
        // A register scaled by 0.1 drifting by a few steps, then values at other scales and signs.
        var level = 2_034
        var points: [Point] = []
        for index in 0..<1_000 {
            let steps: [Int] = [-3, -1, 0, 1, 2, 3]
            level += steps[index % 6]
            points.append(Point(time: 1_764_000_000_000 + Int64(index) * 1_000, value: Double(level) / 10, quality: 0))
        }
        #expect(ChunkCodec.encode(points).count <= 1 + 3 * 1_000 + 8)
        // The same register as a Modbus decoder computes it, raw × 0.1 (3 × 0.1 is 0.30000000000000004).
        let multiplied = points.map { Point(time: $0.time, value: ($0.value * 10).rounded() * 0.1, quality: 0) }
        #expect(multiplied.contains { $0.value != ($0.value * 10).rounded() / 10 })
        #expect(ChunkCodec.encode(multiplied).count <= 1 + 3 * 1_000 + 8)
        let values: [Double] = [21.37, -0.0, 0, -0.5, 1e-6, 123_456.789, 0.1 + 0.2, 1e300, -7, 9_007_199_254_740_991]
        var mixed: [Point] = []
        for (offset, value) in values.enumerated() { mixed.append(Point(time: Int64(offset), value: value, quality: 0)) }
        for series in [points, multiplied, mixed] {
            let decoded = try ChunkCodec.decode(ChunkCodec.encode(series), firstTime: series[0].time)
            #expect(decoded.map { $0.value.bitPattern } == series.map { $0.value.bitPattern })
            #expect(decoded.map { $0.time } == series.map { $0.time })
        }
    }

    @Test func aVersionOneChunkStillDecodes() throws {
        // 1.5 at t=1000 then again at t=2000, as vigie wrote it before the decimal form.
        let bytes: [UInt8] = [1, 0x02, 0x00, 0x3f, 0xf8, 0x00, 0xd0, 0x0f]
        #expect(try ChunkCodec.decode(bytes, firstTime: 1_000)
            == [Point(time: 1_000, value: 1.5, quality: 0), Point(time: 2_000, value: 1.5, quality: 0)])
    }
}

@Suite struct BatchCodecTests {
    typealias Point = ChunkCodec.Point

    @Test func aBatchOfManySensorsRoundTripsGroupByGroup() throws {
        var groups: [BatchCodec.Group] = []
        for sensor in 1...50 {
            var points: [Point] = []
            for index in 0..<3 {
                let time: Int64 = 1_764_000_000_000 + Int64(sensor * 7 + index * 1_000)
                points.append(Point(time: time, value: Double(sensor) / 10 + Double(index), quality: UInt8(index)))
            }
            groups.append(BatchCodec.Group(sensor: Int64(sensor * 37), points: points))
        }
        groups.append(BatchCodec.Group(sensor: 1, points: [Point(time: -9, value: .nan, quality: 9)]))
        let bytes = BatchCodec.encode(groups)
        let decoded = try BatchCodec.decode(bytes)
        #expect(decoded.count == groups.count)
        // Groups come back by increasing sensor id (ids are delta-encoded).
        for (a, b) in zip(decoded, groups.sorted { $0.sensor < $1.sensor }) {
            #expect(a.sensor == b.sensor)
            #expect(a.points.map { $0.time } == b.points.map { $0.time })
            #expect(a.points.map { $0.quality } == b.points.map { $0.quality })
            #expect(a.points.map { $0.value.bitPattern } == b.points.map { $0.value.bitPattern })
        }
        // Two readings per sensor, 0.1-scaled values: a handful of bytes each.
        #expect(bytes.count < 150 * 6)
    }

    @Test func aDamagedBatchIsAnErrorNotACrash() {
        let bytes = BatchCodec.encode([BatchCodec.Group(sensor: 3, points: [Point(time: 5, value: 2.5, quality: 0),
                                                                             Point(time: 6, value: 2.5, quality: 0)])])
        for length in 2..<bytes.count {
            #expect(throws: StoreError.self) { _ = try BatchCodec.decode(Array(bytes.prefix(length))) }
        }
        // A huge count is refused before anything is reserved.
        #expect(throws: StoreError.self) { _ = try BatchCodec.decode([1, 3, 0, 0xff, 0xff, 0xff, 0xff, 0x0f, 0, 0]) }
        #expect(throws: StoreError.self) { _ = try BatchCodec.decode([7, 0]) }
    }
}
