import Foundation
import Testing
import VigieTestKit
import VigieCore
import VigieDaemon
import VigieStore
import VigieTestKit

/// Commands from the hub against real peers: a pymodbus device, mosquitto, mbpoll as an
/// independent reader, and the built `vigie run` (docs/control.md).
@Suite(.serialized) struct CommandChannelTests {
    @Test func aSetpointIsWrittenReadBackAndARepeatedIdIsNotWrittenAgain() async throws {
        let rig = try ControlRig()
        defer { rig.stop() }
        try await rig.start()
        let now = ControlRig.now
        try rig.send(#"{"id":"c-1","device":"mixed","point":"consigne","value":222.2,"time":\#(now)}"#)
        let done = try #require(await rig.reply(to: "c-1"), "no reply: \(rig.daemon?.log.suffix(2_000) ?? "")")
        #expect(done["status"] as? String == "done", "\(done)")
        #expect(abs((done["read_back"] as? Double ?? 0) - 222.2) < 0.051)
        #expect(done["old_value"] as? Double == 231.5)
        #expect(try rig.register(30) == 2222, "the device holds the raw value, as another client reads it")

        try rig.send(#"{"id":"c-1","device":"mixed","point":"consigne","value":190,"time":\#(now)}"#)
        let again = try #require(await rig.reply(to: "c-1", number: 2))
        #expect(again["status"] as? String == "done" && again["read_back"] as? Double == done["read_back"] as? Double,
                "the first outcome, repeated")
        #expect(rig.deviceWrites == ["write 6 30 [2222]"], "written once: \(rig.deviceWrites)")
        #expect(try rig.register(30) == 2222)
    }

    @Test func aBitIsSetByReadModifyWriteAndAnEnumByItsLabel() async throws {
        let rig = try ControlRig()
        defer { rig.stop() }
        try await rig.start()
        let now = ControlRig.now
        try rig.send(#"{"id":"b-1","device":"mixed","point":"override","value":true,"time":\#(now)}"#)
        let bit = await rig.reply(to: "b-1")
        #expect(bit?["status"] as? String == "done" && bit?["read_back"] as? Double == 1, "\(bit ?? [:])")
        #expect(try rig.register(40) == 0x2D, "bit 3 set, bits 0, 2 and 5 kept")
        try rig.send(#"{"id":"e-1","device":"mixed","point":"mode","value":"comfort","time":\#(now)}"#)
        let mode = await rig.reply(to: "e-1")
        #expect(mode?["status"] as? String == "done" && mode?["read_back"] as? Double == 2, "\(mode ?? [:])")
        try rig.send(#"{"id":"e-2","device":"mixed","point":"mode","value":"turbo","time":\#(now)}"#)
        #expect(await rig.reply(to: "e-2")?["reason"] as? String == "out_of_range")
        #expect(rig.deviceWrites == ["write 6 40 [45]", "write 6 41 [2]"], "\(rig.deviceWrites)")
        #expect(try rig.register(41) == 2)
    }

    @Test func refusedCommandsWriteNothingAndAreAudited() async throws {
        let rig = try ControlRig()
        defer { rig.stop() }
        try await rig.start()
        let now = ControlRig.now
        let cases: [(id: String, command: String, reason: String)] = [
            ("c-range", #"{"id":"c-range","device":"mixed","point":"consigne","value":300,"time":\#(now)}"#, "out_of_range"),
            ("c-ro", #"{"id":"c-ro","device":"mixed","point":"u16","value":7,"time":\#(now)}"#, "not_writable"),
            ("c-unknown", #"{"id":"c-unknown","device":"mixed","point":"nope","value":7,"time":\#(now)}"#, "unknown_point"),
            ("c-old", #"{"id":"c-old","device":"mixed","point":"consigne","value":180,"time":\#(now - 600_000)}"#, "stale"),
            ("c-kind", #"{"id":"c-kind","device":"mixed","point":"consigne","value":true,"time":\#(now)}"#, "bad_request"),
        ]
        for item in cases { try rig.send(item.command) }
        try rig.send("not json at all")
        for item in cases {
            let reply = await rig.reply(to: item.id)
            #expect(reply?["status"] as? String == "refused" && reply?["reason"] as? String == item.reason, "\(item.id): \(reply ?? [:])")
        }
        #expect(await eventually { rig.replies.contains { $0["id"] is NSNull && $0["reason"] as? String == "bad_request" } })
        let register = try rig.register(30)
        #expect(rig.deviceWrites.isEmpty && register == 2315, "nothing written: \(rig.deviceWrites)")

        let client = try StatusClient(url: "127.0.0.1:\(rig.httpPort)")
        let metrics = String(decoding: try await client.get("/metrics").body, as: UTF8.self)
        #expect(metrics.contains(#"vigie_control_commands_total{status="refused"} 6"#), "\(metrics.suffix(1_000))")
        let page = String(decoding: try await client.get("/").body, as: UTF8.self)
        #expect(page.contains("Commands from the hub") && page.contains("c-kind") && page.contains("refused bad_request"),
                "the status page lists the last commands")
        rig.daemon?.stop()
        let audit = try runTool(GatewayProcessTests.vigie, ["export", "--data-dir", rig.dataDirectory, "--commands", "--format", "jsonl"],
                                 in: rig.directory)
        let lines = audit.split(separator: "\n")
        #expect(lines.count == 6, "\(audit)")
        #expect(lines.allSatisfy { $0.contains(#""origin":"mqtt:hub hub/gw/_cmd""#) && $0.contains(#""status":"refused""#) })
    }

    @Test func aCommandQueuedAtTheBrokerWhileTheGatewayWasStoppedIsRefusedAsStale() async throws {
        let rig = try ControlRig(maxAge: "2s")
        defer { rig.stop() }
        try await rig.start() // the persistent session and its subscription now exist at the broker
        rig.daemon?.stop()
        try rig.send(#"{"id":"c-queued","device":"mixed","point":"consigne","value":200,"time":\#(ControlRig.now)}"#)
        try await Task.sleep(for: .seconds(3))
        try await rig.start()
        let reply = await rig.reply(to: "c-queued")
        #expect(reply?["status"] as? String == "refused" && reply?["reason"] as? String == "stale", "\(reply ?? [:])")
        let register = try rig.register(30)
        #expect(rig.deviceWrites.isEmpty && register == 2315)
    }
}
