/// Turns a file's text into a YAML node tree, reporting located errors instead of throwing.
///
/// The guards run before libyaml sees the text: the size cap, then the nesting cap. Parsing is
/// libyaml's event parser (`YAMLEventReader`) composed into `YAMLNode`s by `YAMLComposer`.
enum YAMLDocument {
    /// The root node; nil for an empty document or when the text is not YAML (then logged).
    static func parse(_ text: String, log: DiagnosticLog) -> YAMLNode? {
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
        return YAMLComposer(log: log).compose(text)
    }
}
