import Foundation
import Testing
import VigieTestKit

/// `vigie detect` as a user runs it: a series with unreadable lines and failed readings in the
/// middle is scored to its end, line for line, with each bad line located on standard error.
@Suite(.serialized) struct DetectCommandTests {
    @Test func unreadableLinesAreReportedAndTheRestOfTheSeriesIsScored() throws {
        let directory = TemporaryDirectory()
        var lines = ["timestamp,value"]
        for i in 0..<400 { lines.append("\(1_396_310_400 + i * 300),\(20 + Double(i % 13) / 4)") }
        lines[101] = "yesterday,1"
        lines[202] = "1396371000,twelve"
        lines[250] = "1396384800,1,2"
        lines[300] = "1396399500,NaN"
        lines.append("\(1_396_310_400 + 400 * 300),1e308")
        let input = directory.path("series.csv")
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

        #expect(process.terminationReason == .exit && process.terminationStatus == 1, "\(messages)")
        let out = scored.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(out.count == lines.count)
        for index in [101, 202, 250] {
            #expect(out[index] == lines[index] + ",,", "line \(index + 1)")
            #expect(messages.contains("\(input):\(index + 1): "), "line \(index + 1) in \(messages)")
        }
        #expect(out[300].hasPrefix("1396399500,NaN,0."))
        #expect(out[401].hasPrefix("\(1_396_310_400 + 400 * 300),1e308,") && out[401].hasSuffix(",1"), "\(out[401])")
        #expect(messages.contains("1 readings without a value") && messages.contains("3 unreadable lines not scored"), "\(messages)")
    }
}
