import Glibc
import Logging
import Synchronization
import Testing
import VigieCore
@testable import VigieDaemon

@Suite struct VigieLogHandlerTests {
    final class Lines: Sendable {
        let stored = Mutex<[String]>([])
        var output: LogOutput { LogOutput { line in self.stored.withLock { $0.append(line) } } }
        var all: [String] { stored.withLock { $0 } }
    }

    func logger(_ style: VigieLogHandler.Style, _ lines: Lines, level: Logger.Level = .info) -> Logger {
        Logger(label: "modbus") { label in
            VigieLogHandler(label: label, style: style, levelControl: LogLevelControl(level), output: lines.output)
        }
    }

    @Test func journalLinesCarryThePriorityPrefix() {
        let lines = Lines()
        let log = logger(.journal, lines)
        log.error("Device stopped answering", metadata: ["device": "meter", "modbus.unit": "1"])
        log.info("Device answers again", metadata: ["device": "meter"])
        #expect(lines.all == ["<3>modbus: Device stopped answering device=meter modbus.unit=1\n",
                              "<6>modbus: Device answers again device=meter\n"])
    }

    @Test func plainLinesHaveTimestampLevelAndLabel() throws {
        let lines = Lines()
        logger(.plain, lines).warning("Queue is full", metadata: ["queue.depth": "100000"])
        let line = try #require(lines.all.first)
        let fields = line.split(separator: " ")
        #expect(fields.count == 7)
        #expect(fields[0].count == 24 && fields[0].hasSuffix("Z") && fields[0].contains("T"))
        #expect(fields[1...].joined(separator: " ") == "warning modbus: Queue is full queue.depth=100000\n")
        #expect(LogTimestamp.format(seconds: 1_772_352_000, milliseconds: 7) == "2026-03-01T08:00:00.007Z")
    }

    @Test func secretsNeverReachTheOutput() {
        let lines = Lines()
        logger(.journal, lines).info("Connecting", metadata: [
            "mqtt.password": "hunter2", "http.token": "abc123", "tls.key": "PRIVATE", "authorization": "Bearer x",
            "upstream.token_file": "/etc/vigie/hub-token",
            "nested": ["api_key": "K", "host": "hub"],
        ])
        let line = lines.all.joined()
        for secret in ["hunter2", "abc123", "PRIVATE", "Bearer x", "K,"] { #expect(!line.contains(secret)) }
        #expect(line.contains("mqtt.password=<redacted>"))
        #expect(line.contains("upstream.token_file=/etc/vigie/hub-token"))
        #expect(line.contains("nested={api_key:<redacted>,host:hub}"))
    }

    @Test func oneLinePerEventEvenWithNewlines() {
        let lines = Lines()
        logger(.plain, lines).error("Bad payload\nsecond line", metadata: ["payload": "a b\nc"])
        #expect(lines.all.count == 1)
        #expect(lines.all[0].filter { $0 == "\n" }.count == 1)
        #expect(lines.all[0].hasSuffix("Bad payload\\nsecond line payload=\"a b\\nc\"\n"))
    }

    @Test func theSharedLevelFiltersAndCanChange() {
        let lines = Lines()
        let control = LogLevelControl(.warning)
        let log = Logger(label: "x") { VigieLogHandler(label: $0, style: .journal, levelControl: control, output: lines.output) }
        log.info("hidden")
        control.level = .debug
        log.debug("shown")
        #expect(lines.all == ["<7>x: shown\n"])
    }

    @Test func logLevelNamesParseOrFailClearly() throws {
        #expect(try VigieLogging.parseLevel("WARN") == .warning)
        #expect(try VigieLogging.parseLevel("debug") == .debug)
        let error = #expect(throws: VigieDaemonError.self) { try VigieLogging.parseLevel("loud") }
        #expect(error?.message.contains("trace, debug, info") == true)
    }

    @Test func journalIsDetectedFromJournalStream() throws {
        var pipeEnds: [Int32] = [0, 0]
        #expect(pipe(&pipeEnds) == 0)
        defer { close(pipeEnds[0]); close(pipeEnds[1]) }
        var info = stat()
        #expect(fstat(pipeEnds[1], &info) == 0)
        let matching = ["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino)"]
        #expect(VigieLogging.stderrIsJournal(environment: matching, descriptor: pipeEnds[1]))
        #expect(!VigieLogging.stderrIsJournal(environment: ["JOURNAL_STREAM": "1:2"], descriptor: pipeEnds[1]))
        #expect(!VigieLogging.stderrIsJournal(environment: [:], descriptor: pipeEnds[1]))
    }
}
