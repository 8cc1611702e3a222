import Foundation
import Testing
import VigieTestKit

/// `vigie detect` as a user runs it: a series with unreadable lines and failed readings in the
/// middle is scored to its end, line for line, with each bad line located on standard error.
@Suite(.serialized) struct DetectCommandTests {
    /// 400 readings every 5 minutes from 2014-04-01, header first.
    static func series() -> [String] {
        ["timestamp,value"] + (0..<400).map { i in "\(1_396_310_400 + i * 300),\(20 + Double(i % 13) / 4)" }
    }

    /// Runs `vigie detect` on `lines` written to `file`: its exit status, output lines and
    /// standard error, and the input's path.
    static func detect(_ lines: [String], file: String, in directory: TemporaryDirectory) throws
        -> (status: Int32, out: [String], messages: String, input: String) {
        let input = directory.path(file)
        try (lines.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: GatewayProcessTests.vigie)
        process.arguments = ["detect", "--input", input]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let scored = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let messages = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        let out = scored.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        return (process.terminationStatus, out, messages, input)
    }

    @Test func unreadableLinesAreReportedAndTheRestOfTheSeriesIsScored() throws {
        var lines = Self.series()
        lines[101] = "yesterday,1"
        lines[202] = "1396371000,twelve"
        lines[250] = "1396384800,1,2"
        lines[300] = "1396399500,NaN"
        lines.append("\(1_396_310_400 + 400 * 300),1e308")
        let (status, out, messages, input) = try Self.detect(lines, file: "series.csv", in: TemporaryDirectory())

        #expect(status == 1, "\(messages)")
        #expect(out.count == lines.count)
        for index in [101, 202, 250] {
            #expect(out[index] == lines[index] + ",,", "line \(index + 1)")
            #expect(messages.contains("\(input):\(index + 1): "), "line \(index + 1) in \(messages)")
        }
        #expect(out[300].hasPrefix("1396399500,NaN,0."))
        #expect(out[401].hasPrefix("\(1_396_310_400 + 400 * 300),1e308,") && out[401].hasSuffix(",1"), "\(out[401])")
        #expect(messages.contains("1 readings without a value") && messages.contains("3 unreadable lines not scored"), "\(messages)")
    }

    @Test func readingsOutOfTimeOrderOrRepeatedAreReported() throws {
        var lines = Self.series()
        lines[351] = "1396310400,21"
        lines[352] = "1396310700,21"
        lines += [lines[400], lines[400]] // the last message delivered three times
        let (status, out, messages, input) = try Self.detect(lines, file: "late.csv", in: TemporaryDirectory())

        // Readable data out of order is not an error: every line is scored, and the first late
        // one is located on standard error with the count of them all.
        #expect(status == 0, "\(messages)")
        #expect(out.count == lines.count && out[351].hasPrefix("1396310400,21,0."), "\(out[351])")
        #expect(messages.contains("\(input):352: the reading at 2014-04-01T00:00:00.000Z is earlier than its newest one "
                                  + "(2014-04-02T05:05:00.000Z)"), "\(messages)")
        #expect(messages.contains("\(input): 2 readings earlier than their sensor's newest one"), "\(messages)")
        // A repeat of the newest reading is echoed with score 0 and counted.
        #expect(out.suffix(2) == [lines[400] + ",0.000000,0", lines[400] + ",0.000000,0"], "\(out.suffix(3))")
        #expect(messages.contains("\(input): 2 readings repeating their sensor's newest one"), "\(messages)")
    }
}
