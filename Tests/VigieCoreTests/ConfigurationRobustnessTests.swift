import Foundation
import Testing
@testable import VigieCore

// Hostile inputs: each gives located errors (or, for an empty file, the defaults), never a trap.

private func errorsOfFile(_ bytes: [UInt8]) -> [ConfigurationDiagnostic]? {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-\(UUID().uuidString).yaml").path
    #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
    defer { try? FileManager.default.removeItem(atPath: path) }
    do {
        _ = try ConfigurationLoader.load(path: path)
        return nil
    } catch {
        return error.diagnostics
    }
}

@Test func anEmptyFileIsAValidConfigurationOfDefaults() throws {
    let configuration = try loaded("").configuration
    #expect(configuration.gateway == GatewayConfiguration())
    #expect(configuration.modbus.buses.isEmpty)
    #expect(configuration.mqtt == nil)
    #expect(try loaded("# only a comment\n").configuration.buffer == BufferConfiguration())
}

@Test func binaryGarbageIsRejectedAsNotText() {
    var generator = SystemRandomNumberGenerator()
    var bytes = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
    bytes[10] = 0xFF // never valid UTF-8
    let found = errorsOfFile(bytes)
    #expect(found?.count == 1)
    #expect(found?.first?.message.contains("not UTF-8 text") == true)
    let located = errorsOfFile(Array("gateway:\n  id: ".utf8) + [0xFF, 0x0A])
    #expect(located?.map(\.description).first?.hasSuffix(":2:7: the file is not UTF-8 text (a binary file?)") == true)
}

@Test func controlCharactersAreInvalidYAML() {
    let found = diagnostics(of: "gateway:\n  id: a\u{0}b\u{1}\n")
    #expect(found.count == 1)
    #expect(found.first?.message.hasPrefix("invalid YAML") == true, "\(found)")
}

@Test func aFileOverFourMegabytesIsRefused() {
    let bytes = Array("gateway:\n  id: x\njunk: ".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 10_000_000)
    let found = errorsOfFile(bytes)
    #expect(found?.map(\.message) == ["the file is larger than 4MB: not a configuration file"])
    #expect(diagnostics(of: String(decoding: bytes, as: UTF8.self)).first?.message.contains("larger than 4MB") == true)
}

@Test func twoThousandNestedKeysAreRefusedAtTheLimit() {
    let yaml = (0..<2000).map { String(repeating: "  ", count: $0) + "k\($0):" }.joined(separator: "\n")
    let found = diagnostics(of: yaml)
    #expect(found.count == 1)
    #expect(found.first?.line == NestingScanner.limit + 1, "\(found)")
    #expect(found.first?.message.contains("nested deeper than 64 levels") == true)
}

@Test func fiveThousandOpenBracketsAreRefused() {
    let found = diagnostics(of: String(repeating: "gateway: [", count: 5000))
    #expect(found.map { [$0.line, $0.column] } == [[1, 640]])
}

@Test func anAliasToItsOwnAncestorIsAnError() {
    let found = diagnostics(of: "gateway: &a\n  id: *a\n")
    #expect(found.map(\.description) == ["test.yaml:2:7: invalid YAML: found undefined alias"])
}

@Test func aliasesToEarlierNodesAreFollowedWithoutBlowingUp() throws {
    // An alias "bomb" is refused where its expansion passes 100,000 nodes (the 8th *a3 of line 5).
    var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    for level in 1..<12 { yaml += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n" }
    let found = diagnostics(of: yaml)
    #expect(found.map { [$0.line, $0.column] } == [[5, 45]])
    #expect(found.first?.message.contains("alias bomb") == true, "\(found)")
    // Aliases where the schema expects values work as in YAML.
    let configuration = try loaded("aggregate:\n  window: &w 5m\n  grace: *w\n").configuration
    #expect(configuration.aggregate.grace == .seconds(300))
}

@Test func scalarsAndListsAtTheTopAreErrors() {
    #expect(diagnostics(of: "just some words").map(\.message) == ["the configuration must be a mapping of keys, not \"just some words\""])
    #expect(diagnostics(of: "- a\n- b\n").map { [$0.line, $0.column] } == [[1, 1]])
    #expect(diagnostics(of: "---\na: 1\n---\nb: 2\n").first?.message.contains("invalid YAML") == true)
}

@Test func hugeNumbersAndOddValuesDoNotTrap() {
    let yaml = """
    modbus:
      buses:
        - name: b
          tcp: "[::1]:99999999999999999999"
          max_gap: 99999999999999999999999
          devices:
            - { name: "d-{unit}", units: "1-99999999999999999999", points: [] }
            - { name: e, unit: 1, points: [{ name: p, table: holding, address: -1, scale: .nan, type: string, length: 9999 }] }
    buffer: { max_size: 99999999TB, keep_readings: 99999999999999999d }
    """
    let found = diagnostics(of: yaml)
    #expect(found.count == 8, "\(found)")
}
