/// Collects the diagnostics of one file while it is read; not shared between tasks.
final class DiagnosticLog {
    let file: String
    private(set) var diagnostics: [ConfigurationDiagnostic] = []

    init(file: String) {
        self.file = file
    }

    func error(_ message: String, line: Int, column: Int) {
        diagnostics.append(ConfigurationDiagnostic(file: file, line: max(line, 1), column: max(column, 1),
                                                   message: message))
    }

    /// An error at a node, or at the top of the file when there is no node.
    func error(_ message: String, at node: YAMLNode?) {
        let mark = node?.mark
        error(message, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    func append(_ other: [ConfigurationDiagnostic]) {
        diagnostics.append(contentsOf: other)
    }
}
