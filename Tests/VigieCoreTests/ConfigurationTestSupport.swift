import Foundation
import Testing
@testable import VigieCore

/// Paths of the package and of this target's fixtures, found from this file's own path.
enum TestPaths {
    static let testsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let fixtures = testsFolder.appendingPathComponent("Fixtures").path
    static let packageRoot = testsFolder.deletingLastPathComponent().deletingLastPathComponent().path
}

/// The diagnostics of loading `yaml` (named `test.yaml`); empty when it loads.
func diagnostics(of yaml: String, path: String = "test.yaml") -> [ConfigurationDiagnostic] {
    do {
        _ = try ConfigurationLoader.load(yaml: yaml, path: path)
        return []
    } catch {
        return error.diagnostics
    }
}

/// Expects exactly one diagnostic, at `line`:`column`, whose message contains `text`.
func expectSingleError(_ yaml: String, line: Int, column: Int, _ text: String,
                       sourceLocation: SourceLocation = #_sourceLocation) {
    let found = diagnostics(of: yaml)
    #expect(found.count == 1, "\(found)", sourceLocation: sourceLocation)
    guard let first = found.first else { return }
    #expect(first.file == "test.yaml", sourceLocation: sourceLocation)
    #expect(first.line == line && first.column == column, "\(first)", sourceLocation: sourceLocation)
    #expect(first.message.contains(text), "\(first)", sourceLocation: sourceLocation)
}

/// Loads text that must be valid.
func loaded(_ yaml: String, path: String = "test.yaml") throws -> LoadedConfiguration {
    try ConfigurationLoader.load(yaml: yaml, path: path)
}
