import Yams

/// Turns a file's text into a YAML node tree, reporting located errors instead of throwing.
enum YAMLDocument {
    /// The root node; nil for an empty document or when the text is not YAML (then logged).
    static func parse(_ text: String, log: DiagnosticLog) -> Node? {
        guard text.utf8.count <= ConfigurationFile.maximumSize else {
            log.error("the file is larger than \(ByteSize(bytes: Int64(ConfigurationFile.maximumSize))): "
                      + "not a configuration file", line: 1, column: 1)
            return nil
        }
        if let (line, column) = NestingScanner.firstTooDeep(in: text) {
            log.error("nested deeper than \(NestingScanner.limit) levels: not a configuration file",
                      line: line, column: column)
            return nil
        }
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            report(error, text: text, log: log)
        } catch {
            log.error("invalid YAML: \(error)", line: 1, column: 1)
        }
        return nil
    }

    private static func report(_ error: YamlError, text: String, log: DiagnosticLog) {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            var message = "invalid YAML: \(problem)"
            if let context {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            log.error(message, line: mark.line, column: mark.column)
        case .reader(let problem, let offset, _, _):
            let (line, column) = position(ofUTF8Offset: offset ?? 0, in: text)
            log.error("invalid YAML: \(problem)", line: line, column: column)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
            log.error("duplicate key \(names) in one mapping: keep only one", line: context.mark.line,
                      column: context.mark.column)
        default:
            log.error("invalid YAML: \(error)", line: 1, column: 1)
        }
    }

    /// Line and column (both from 1, columns in Unicode scalars) of a UTF-8 byte offset.
    static func position(ofUTF8Offset offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        var consumed = 0
        for scalar in text.unicodeScalars {
            if consumed >= offset { break }
            consumed += UTF8.width(scalar)
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}
