import Testing
import VigieCore
@testable import VigieStore
import VigieTestKit

@Suite struct CommandJournalTests {
    static func record(_ id: String?, at time: Int64 = testNow) -> CommandRecord {
        CommandRecord(id: id, receivedMillis: time, origin: "mqtt:hub hub/g/_cmd", action: "write", device: "chaufferie",
                      point: "consigne", value: "21.5", request: Array(#"{"id":"x"}"#.utf8))
    }

    @Test func anIdIsClaimedOnceAndItsFirstOutcomeSurvivesAReopen() async throws {
        let directory = TemporaryDirectory()
        let configuration = StoreConfiguration(dataDirectory: directory.path)
        try await withRunningStore(configuration) { store in
            let journal = try CommandJournal(store: store)
            guard case .new(let row) = try await journal.claim(Self.record("c-1")) else {
                Issue.record("a new id was seen before")
                return
            }
            var finished = Self.record("c-1")
            finished.row = row
            finished.status = .done
            finished.oldValue = 19
            finished.newValue = 21.5
            finished.reply = #"{"status":"done"}"#
            finished.finishedMillis = testNow + 900
            try await journal.finish(finished)
        }
        try await withRunningStore(configuration) { store in
            let journal = try CommandJournal(store: store)
            guard case .seen(let first) = try await journal.claim(Self.record("c-1")) else {
                Issue.record("a repeated id was claimed again after a reopen")
                return
            }
            #expect(first.status == .done && first.reply == #"{"status":"done"}"# && first.newValue == 21.5)
            #expect(try await journal.unfinished().isEmpty)
        }
    }

    @Test func messagesWithoutAnIdAreAllKeptAndExportedInOrder() async throws {
        let directory = TemporaryDirectory()
        let configuration = StoreConfiguration(dataDirectory: directory.path)
        try await withRunningStore(configuration) { store in
            let journal = try CommandJournal(store: store)
            var refused = Self.record(nil, at: testNow + 1)
            refused.status = .refused
            refused.reason = "bad_request"
            try await journal.record(refused)
            try await journal.record(refused)
            guard case .new(let row) = try await journal.claim(Self.record("r-1", at: testNow + 2)) else { return }
            try await journal.setProgress(row: row, to: 42)
            let unfinished = try await journal.unfinished()
            #expect(unfinished.map(\.id) == ["r-1"] && unfinished.first?.progress == 42)
            #expect(try await journal.recent(limit: 2).map(\.id) == ["r-1", nil])
        }
        let exported = try ReadingQuery(dataDirectory: directory.path).commands()
        #expect(exported.map(\.id) == [nil, nil, "r-1"])
        #expect(ExportFormat.csv.line(exported[0]).hasPrefix("2025-11-25T16:00:00.001Z,,mqtt:hub hub/g/_cmd,write,chaufferie,consigne,21.5,refused,bad_request"))
        #expect(ExportFormat.jsonl.line(exported[2]).contains(#""id":"r-1","origin":"mqtt:hub hub/g/_cmd""#))
        #expect(try ReadingQuery(dataDirectory: directory.path).commands(from: testNow + 2).count == 1)
    }
}
