import Foundation
import Logging
import Testing
import VigieTestKit
import VigieCore
import VigieStore
import VigieTestKit

/// Replays of stored readings through the control sink, against mosquitto and the built `vigie run`.
@Suite(.serialized) struct CommandReplayTests {
    /// One reading a second of `mixed/consigne` over the hour before `end`, stored before the gateway starts.
    static func storeAnHour(in dataDirectory: String, before end: Int64) async throws -> [Int64] {
        let times = (0..<3_600).map { end - 3_600_000 + Int64($0) * 1_000 }
        let store = try await ReadingStore.open(StoreConfiguration(dataDirectory: dataDirectory), logger: Logger(label: "test"))
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.writer.run() }
            let sensor = SensorID(device: "mixed", point: "consigne")
            await store.writer.submit(times.map { Reading(sensor: sensor, time: $0, value: Double($0 / 1_000 % 100)) })
            _ = await eventually(20) { store.writer.statistics.readingsCommitted >= 3_600 }
            group.cancelAll()
        }
        return times
    }

    /// Times of the readings in replayed messages of `id`, in arrival order, and the topics' line numbers.
    static func replayed(_ lines: [String], id: String) -> (times: [Int64], lines: [Int]) {
        var times: [Int64] = []
        var indices: [Int] = []
        for (index, line) in lines.enumerated() where line.hasPrefix("hub/gw/readings/") && line.contains(#""vs":"\#(id)""#) {
            guard let space = line.firstIndex(of: " "),
                  let pack = try? JSONSerialization.jsonObject(with: Data(line[line.index(after: space)...].utf8)) as? [[String: Any]],
                  let base = pack.first?["bt"] as? Double else { continue }
            indices.append(index)
            for record in pack.dropFirst() {
                times.append(Int64(((base + (record["t"] as? Double ?? 0)) * 1000).rounded()))
            }
        }
        return (times, indices)
    }

    @Test func anHourOfReadingsArrivesCompleteInOrderAtTheDrainRateBesideLiveAggregates() async throws {
        let rig = try ControlRig(drainRate: 20)
        defer { rig.stop() }
        let end = ControlRig.now
        let stored = try await Self.storeAnHour(in: rig.dataDirectory, before: end)
        try await rig.start()
        let sent = ControlRig.now
        try rig.send(#"{"id":"r-hour","replay":{"device":"mixed","point":"consigne","from":\#(end - 7_200_000),"to":\#(end),"what":"readings"}}"#)
        let reply = try #require(await rig.reply(to: "r-hour", within: 30), "no reply: \(rig.daemon?.log.suffix(2_000) ?? "")")
        #expect(reply["status"] as? String == "done", "\(reply)")
        #expect(reply["count"] as? Int == 3_600 && reply["messages"] as? Int == 60, "a message per minute read: \(reply)")
        #expect(reply["data_from"] as? Int64 == stored.first, "the range starts an hour before the oldest reading kept")

        let lines = rig.hub.lines
        let replay = Self.replayed(lines, id: "r-hour")
        #expect(replay.times == stored, "complete and in order (\(replay.times.count) readings)")
        // 60 messages at 20 per second take at least 59 intervals of 50 ms.
        let took = (reply["time"] as? Int64 ?? 0) - sent
        #expect(took >= 59 * 50, "at most the drain rate: \(took) ms")
        if let first = replay.lines.first, let last = replay.lines.last {
            let live = lines[first...last].filter { $0.hasPrefix("hub/gw/aggregate/mixed ") }
            #expect(!live.isEmpty, "live aggregates kept flowing during the replay")
        }
    }

    @Test func aReplayKilledMidwayResumesAfterTheRestart() async throws {
        let rig = try ControlRig(drainRate: 10)
        defer { rig.stop() }
        let end = ControlRig.now
        let stored = try await Self.storeAnHour(in: rig.dataDirectory, before: end)
        try await rig.start()
        try rig.send(#"{"id":"r-kill","replay":{"device":"mixed","from":\#(end - 3_600_000),"to":\#(end),"what":"readings"}}"#)
        try rig.send(#"{"id":"r-second","replay":{"device":"mixed","from":\#(end - 3_600_000),"to":\#(end),"what":"readings"}}"#)
        let busy = await rig.reply(to: "r-second")
        #expect(busy?["status"] as? String == "refused" && busy?["reason"] as? String == "busy", "one replay at a time: \(busy ?? [:])")
        _ = await eventually(10) { Self.replayed(rig.hub.lines, id: "r-kill").lines.count >= 12 }
        rig.daemon?.kill9()
        let before = Self.replayed(rig.hub.lines, id: "r-kill").times
        #expect(!before.isEmpty && before.count < stored.count, "killed midway: \(before.count) readings out")
        try await rig.start()
        let reply = await rig.reply(to: "r-kill", within: 30)
        #expect(reply?["status"] as? String == "done", "\(reply ?? [:]) \(rig.daemon?.log.suffix(2_000) ?? "")")
        let after = Self.replayed(rig.hub.lines, id: "r-kill").times
        #expect(Set(after) == Set(stored), "every reading arrived, some twice at most: \(Set(after).count) of \(stored.count)")
        #expect(after.count - stored.count <= 60, "resumed after its last minute published, not from the start: \(after.count)")
    }

    @Test func aggregatesAreRecomputedFromTheStoreWindowByWindow() async throws {
        let rig = try ControlRig()
        defer { rig.stop() }
        let end = ControlRig.now / 1_000 * 1_000
        _ = try await Self.storeAnHour(in: rig.dataDirectory, before: end)
        try await rig.start()
        // Ten minutes of 1 s windows, each with the one reading of that second.
        try rig.send(#"{"id":"r-agg","replay":{"device":"mixed","from":\#(end - 600_000),"to":\#(end),"what":"aggregates"}}"#)
        let reply = await rig.reply(to: "r-agg", within: 30)
        #expect(reply?["status"] as? String == "done" && reply?["count"] as? Int == 600 && reply?["messages"] as? Int == 600,
                "\(reply ?? [:])")
        let packs = rig.hub.lines.filter { $0.hasPrefix("hub/gw/aggregate/mixed ") && $0.contains(#"[{"replay":"r-agg","bn":"gw:mixed:""#) }
        #expect(packs.count == 600)
        #expect(packs.allSatisfy { $0.contains(#""n":"consigne:count","v":1"#) && $0.contains(#""seq":0"#) }, "\(packs.first ?? "")")
    }
}
