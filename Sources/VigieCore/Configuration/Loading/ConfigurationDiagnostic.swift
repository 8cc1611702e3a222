/// One problem in a configuration or profile file, located at a line and column (both from 1).
///
/// Printed as `FILE:LINE:COLUMN: message`, the form editors and CI logs link to.
public struct ConfigurationDiagnostic: Sendable, Equatable, CustomStringConvertible {
    /// The file the problem is in: the configuration itself or a profile it names.
    public var file: String
    public var line: Int
    public var column: Int
    /// What is wrong and, where it helps, what to write instead.
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `FILE:LINE:COLUMN: message`
    public var description: String { "\(file):\(line):\(column): \(message)" }
}

/// Every problem found in a configuration and the profiles it names, in file order.
public struct ConfigurationErrors: Error, Sendable, CustomStringConvertible {
    /// Never empty when thrown.
    public var diagnostics: [ConfigurationDiagnostic]

    public init(diagnostics: [ConfigurationDiagnostic]) {
        self.diagnostics = diagnostics
    }

    /// One diagnostic per line.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
