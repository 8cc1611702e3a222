import Testing
@testable import VigieCore

@Test func storedPacksReadBackIdentically() throws {
    var pack = samplePack()
    pack.points.append(.init(name: "odd name %/é", unit: nil, statistics: .empty))
    pack.points.append(.init(name: "", unit: "", statistics: AggregateStatistics(
        count: 1, bad: 0, min: 0.1, max: 0.1, mean: 0.1, sumOfSquaredDeviations: 0, last: 0.1, lastTime: -5,
        p50: 1e-300, p95: -2.5e300)))
    pack = AggregatePack(device: "salle des fêtes", window: pack.window, points: pack.points)
    let text = pack.storageText
    #expect(try AggregatePack(storageText: text) == pack)
}

@Test(arguments: [
    ("", 1), ("vigie-aggregate 2\n", 1), ("vigie-aggregate 1\ndevice d", 2),
    ("vigie-aggregate 1\ndevice d\nwindow 5 1", 3), ("vigie-aggregate 1\ndevice d\nwindow 0 1\npoint x", 4),
    ("vigie-aggregate 1\ndevice d\nwindow 0 1\npoint x V 1 0 nan 1 1 0 1 0  ", 4),
    ("vigie-aggregate 1\ndevice %zz\nwindow 0 1", 2), ("vigie-aggregate 1\ndevice d\nwindow 0 1\nbogus", 4),
])
func damagedStoredPacksAreLocatedErrors(text: String, line: Int) {
    #expect {
        _ = try AggregatePack(storageText: text)
    } throws: { error in
        (error as? UpstreamError)?.code == .badStoredPayload
            && (error as? UpstreamError)?.location == "stored payload line \(line)"
    }
}

private func quarterPack(device: String, start: Int64, value: Double) -> AggregatePack {
    let window = WindowRange(start: start, end: start + 900_000)
    let sensor = SensorID(device: device, point: "power")
    let readings = (0..<3).map { Reading(sensor: sensor, time: start + Int64($0) * 1_000, value: value + Double($0)) }
    return AggregatePack.packs(window: window, statistics: WindowAggregator.compute(window: window, readings: readings)) { _ in "W" }[0]
}

@Test func compactionMergesQuartersIntoHoursKeepingTheLowestSequence() throws {
    let hour: Int64 = 3_600_000 * 470_000
    var messages: [CompactionPlanner.Message] = []
    var sequence: Int64 = 100
    for quarter in 0..<8 { // two hours of two devices, interleaved as the outbox holds them
        for device in ["a", "b"] {
            messages.append(.init(sequence: sequence, pack: quarterPack(device: device, start: hour + Int64(quarter) * 900_000,
                                                                         value: Double(quarter))))
            sequence += 1
        }
    }
    let merges = CompactionPlanner.plan(messages, into: .seconds(3_600))
    #expect(merges.map(\.keep) == [100, 101, 108, 109])
    #expect(merges[0].remove == [102, 104, 106])
    let first = merges[0].pack
    #expect(first.device == "a" && first.window == WindowRange(start: hour, end: hour + 3_600_000))
    let stats = first.points[0].statistics
    #expect(stats.count == 12 && stats.min == 0 && stats.max == 5 && stats.last == 5)
    #expect(stats.mean == 2.5)
    let removed = Set(merges.flatMap(\.remove)), kept = Set(merges.map(\.keep))
    #expect(removed.isDisjoint(with: kept) && removed.count + kept.count == messages.count)

    // And hours into a day.
    let hours = merges.map { CompactionPlanner.Message(sequence: $0.keep, pack: $0.pack) }
    let days = CompactionPlanner.plan(hours, into: .seconds(86_400))
    #expect(days.count == 2 && days[0].pack.points[0].statistics.count == 24)
}

@Test func compactionLeavesSingletonsAndCoarserPacksAlone() {
    let lone = CompactionPlanner.Message(sequence: 1, pack: quarterPack(device: "a", start: 0, value: 1))
    let daily = CompactionPlanner.Message(sequence: 2, pack: AggregatePack(device: "a", window: WindowRange(start: 0, end: 86_400_000), points: []))
    #expect(CompactionPlanner.plan([lone, daily], into: .seconds(3_600)).isEmpty)
}

/// forward.sh's hub parser, in Swift: series keyed by bn + n plus non-standard fields (except
/// seq/id ones), time = bt + t, bn/bt carried forward within a pack.
@Test func consecutiveWindowsFormContiguousSeriesForTheHub() throws {
    let standard: Set<String> = ["bn", "bt", "bu", "bv", "bs", "bver", "n", "u", "v", "vs", "vb", "vd", "s", "t", "ut"]
    var series: [String: [Double]] = [:]
    let encoder = SenMLPackEncoder(statistics: [.count, .min, .max, .mean, .last])
    for index in 0..<6 {
        let start = 1_700_000_000_000 + Int64(index) * 2_000
        let window = WindowRange(start: start, end: start + 2_000)
        var readings: [Reading] = []
        for point in ["voltage", "current", "co2"] {
            for step in 0..<10 {
                let quality: Quality = (index == 3 && point == "co2" && step < 4) ? .bad(.timeout) : .good
                readings.append(Reading(sensor: SensorID(device: "meter", point: point), time: start + Int64(step) * 200,
                                        value: Double(index * 10 + step), quality: quality))
            }
        }
        let packs = AggregatePack.packs(window: window, statistics: WindowAggregator.compute(window: window, readings: readings)) { _ in "V" }
        for pack in packs {
            let records = try #require(try parseJSON(encoder.encode(pack, gateway: "bars-fwd", sequence: Int64(index))) as? [[String: Any]])
            var bn = "", bt = 0.0
            for record in records {
                bn = record["bn"] as? String ?? bn
                bt = record["bt"] as? Double ?? bt
                guard let _ = record["v"] else { continue }
                let extra = record.keys.filter { !standard.contains($0) && !$0.lowercased().contains("seq") && !$0.lowercased().contains("id") }.sorted()
                let key = bn + (record["n"] as? String ?? "") + extra.joined(separator: ",")
                series[key, default: []].append(bt + (record["t"] as? Double ?? 0))
            }
        }
    }
    #expect(series.count == 1 + 3 * 6)
    for (key, times) in series {
        #expect(times.count == 6, "\(key)")
        #expect(zip(times, times.dropFirst()).allSatisfy { $1 - $0 == 2 }, "\(key)")
    }
}
