import Foundation
import Testing
@testable import VigieCore

// The malformed-input corpus (issue 10, item 5): every payload format, configuration and profile
// mutations, and `vigie detect` CSV lines. Each input is either decoded into sane readings or
// rejected with a reason (and a byte offset for parse errors, a FILE:LINE:COLUMN for files).
// Each test prints "malformed inputs: N (WHAT)"; scripts/fuzz/malformed.sh adds them up.

private func counted(_ n: Int, _ what: String) { print("malformed inputs: \(n) (\(what))") }

@Test(arguments: PayloadFormat.allCases)
func malformedPayloadsAreRejectedWithAReasonOrDecodedSanely(format: PayloadFormat) throws {
    let decoder = try SubscriptionDecoder(SubscriptionConfiguration(
        topic: "t/+/#", format: format, sensor: format == .value ? "{1}/v" : nil,
        fields: format == .json ? [FieldMapping(path: "temperature"), FieldMapping(path: "data.power", name: "power")] : [],
        timeField: format == .json ? "ts" : nil))
    var categories: [String: Int] = [:]
    for entry in MalformedPayloadCorpus.entries(for: format) {
        categories[entry.category, default: 0] += 1
        switch decoder.decode(topic: "t/dev/x", payload: entry.bytes, receivedAt: 1_700_000_000_000) {
        case .success(let message):
            #expect(message.readings.allSatisfy { $0.reading.value.isFinite }, "\(format) \(entry.category): \(message)")
            #expect(!["10MB", "deep-nesting", "invalid-utf8"].contains(entry.category) || message.readings.isEmpty,
                    "\(format) \(entry.category) gave readings")
        case .failure(let rejection):
            #expect(!rejection.message.isEmpty)
            // A syntax error gives its byte offset; a wrong shape says what was expected instead.
            if let offset = rejection.offset {
                #expect(offset >= 0 && offset <= entry.bytes.count, "\(format): \(rejection)")
            }
            if entry.category == "10MB" { #expect(rejection.code == .oversized, "\(format): \(rejection)") }
        }
    }
    #expect(Set(categories.keys) == ["truncated", "wrong-type", "deep-nesting", "huge-number", "nan-infinity",
                                     "invalid-utf8", "10MB", "binary-garbage"])
    counted(categories.values.reduce(0, +), "payloads \(format)")
}

/// 1 MB by default (seconds in a debug build); 10 MB when VIGIE_MALFORMED_FULL=1 (scripts/fuzz/malformed.sh).
@Test func largePayloadsUnderARaisedLimitAreParsedOrRejectedWithoutTrapping() throws {
    let megabytes = ProcessInfo.processInfo.environment["VIGIE_MALFORMED_FULL"] == "1" ? 10 : 1
    let decoder = try SubscriptionDecoder(SubscriptionConfiguration(topic: "t/+", format: .zigbee2mqtt),
                                          maxPayloadSize: 16 << 20)
    var fields = "{"
    var index = 0
    while fields.utf8.count < megabytes << 20 {
        fields += "\"f\(index)\":\(index),"
        index += 1
    }
    let bytes = Array((fields + "\"last\":0}").utf8)
    #expect(bytes.count > megabytes << 20)
    guard case .failure(let many) = decoder.decode(topic: "t/x", payload: bytes, receivedAt: 0) else {
        Issue.record("\(index) fields should exceed the points limit"); return
    }
    #expect(many.code == .oversized)
    let deep = [UInt8](repeating: UInt8(ascii: "["), count: megabytes << 20)
    guard case .failure(let tooDeep) = decoder.decode(topic: "t/x", payload: deep, receivedAt: 0) else {
        Issue.record("\(megabytes) MB of brackets should be too deep"); return
    }
    #expect(tooDeep.code == .tooDeep)
    counted(2, "\(megabytes) MB payloads under a raised limit")
}

@Test func everyMutationOfTheExampleConfigurationLoadsOrGivesLocatedErrors() throws {
    let path = TestPaths.packageRoot + "/config/example.yaml"
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
    var count = 0
    for (index, line) in lines.enumerated() where line.contains(": ") && !line.trimmingCharacters(in: .whitespaces).hasPrefix("#") {
        let key = line.prefix { $0 != ":" }
        for replacement in ["[1, 2]", "-1e400", "{a: b}", "\"\u{7}\"", "99999999999999999999999", "*nowhere", "\"\""] {
            var mutated = lines
            mutated[index] = key + ": " + Substring(replacement)
            count += 1
            checkLocated(mutated.joined(separator: "\n"), path: path, lineCount: lines.count)
        }
        var removed = lines
        removed.remove(at: index)
        count += 1
        checkLocated(removed.joined(separator: "\n"), path: path, lineCount: lines.count)
    }
    #expect(count > 200)
    counted(count, "configuration mutations")
}

@Test func everyMutationOfAProfileLoadsOrGivesLocatedErrors() throws {
    let source = try String(contentsOfFile: TestPaths.packageRoot + "/devices/eastron-sdm630.yaml", encoding: .utf8)
    let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-profiles-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("eastron-sdm630.yaml").path
    var count = 0
    for index in lines.indices where lines[index].contains(":") {
        let key = lines[index].prefix { $0 != ":" }
        for replacement in ["float128", "-5", "70000", "[", "~", "abcd: 1", "1e999"] {
            var mutated = lines
            mutated[index] = key + ": " + Substring(replacement)
            try mutated.joined(separator: "\n").write(toFile: path, atomically: false, encoding: .utf8)
            count += 1
            do {
                let profile = try ProfileLoader.load(path: path)
                #expect(!profile.points.isEmpty)
            } catch {
                #expect(!error.diagnostics.isEmpty)
                #expect(error.diagnostics.allSatisfy { $0.file == path && $0.line >= 1 && $0.line <= lines.count + 1 && $0.column >= 1 },
                        "\(error)")
            }
        }
    }
    #expect(count > 100)
    counted(count, "profile mutations")
}

@Test func malformedDetectCSVLinesAreLocatedErrors() {
    let bad = ["2024-01-01 00:00:00", "2024-01-01 00:00:00,1,2", "yesterday,1", "2024-01-01 00:00:00,abc",
               "2024-01-01 00:00:00,1.2.3", "2024-01-01 00:00:00,0x", "2024-02-30 00:00:00,1", "99999999999999999999,1",
               ",", ",,", "\u{0},\u{0}", "2024-01-01 00:00:00,\u{FFFD}", String(repeating: "9", count: 5000) + ",1",
               "-9223372036854775808,1", "2024-01-01T25:00:00Z,1", "\"2024-01-01\",\"1\""]
    for line in bad {
        var detection = SeriesCSVDetection(file: "bad.csv", settings: AnomalyDetectorSettings())
        #expect(throws: Never.self) { _ = try detection.process(line: "timestamp,value", number: 1) }
        do {
            let output = try detection.process(line: Substring(line), number: 2)
            Issue.record("\(line.prefix(40)) gave \(output ?? "nil")")
        } catch {
            #expect(error.line == 2 && error.file == "bad.csv", "\(error)")
            #expect(error.description.hasPrefix("bad.csv:2: "))
        }
    }
    for header in ["", "value,timestamp", "a,b,c,d", "\u{FEFF}"] {
        var detection = SeriesCSVDetection(file: "bad.csv", settings: AnomalyDetectorSettings())
        if let output = try? detection.process(line: Substring(header), number: 1) {
            #expect(header.allSatisfy { $0 == " " } && output.isEmpty, "header \(header) accepted")
        }
    }
    counted(bad.count + 4, "detect CSV lines")
}

private func checkLocated(_ yaml: String, path: String, lineCount: Int) {
    do {
        _ = try ConfigurationLoader.load(yaml: yaml, path: path)
    } catch {
        #expect(!error.diagnostics.isEmpty)
        for diagnostic in error.diagnostics where diagnostic.file == path {
            #expect(diagnostic.line >= 1 && diagnostic.line <= lineCount + 1 && diagnostic.column >= 1, "\(diagnostic)")
            #expect(!diagnostic.message.isEmpty)
        }
    }
}
