/// Reads and validates a configuration file and the device profiles it names.
///
/// Every error is collected, located and returned at once; nothing here traps on bad input.
/// Relative paths in the file (`profiles_dir`, `data_dir`, key and password files) are taken
/// from the configuration file's folder. Files the daemon opens later (TLS keys, password and
/// token files) are not required to exist at check time.
public enum ConfigurationLoader {
    /// Loads the file at `path`; a missing or unreadable file is a located error too (`FILE:1:1`).
    public static func load(path: String) throws(ConfigurationErrors) -> LoadedConfiguration {
        switch ConfigurationFile.text(at: path) {
        case .failure(let failure):
            throw ConfigurationErrors(diagnostics: [.init(file: path, line: failure.line, column: failure.column,
                                                          message: failure.message)])
        case .success(let text):
            return try load(yaml: text, path: path)
        }
    }

    /// Loads configuration text; `path` names it in errors and anchors relative paths.
    public static func load(yaml: String, path: String) throws(ConfigurationErrors) -> LoadedConfiguration {
        let log = DiagnosticLog(file: path)
        let root = YAMLDocument.parse(yaml, log: log)
        guard log.diagnostics.isEmpty else { throw ConfigurationErrors(diagnostics: log.diagnostics) }
        let reader = ConfigurationReader(log: log, base: PathResolution.folder(of: path))
        let configuration = reader.configuration(root)
        var diagnostics = log.diagnostics
        var profiles: [String: DeviceProfile] = [:]
        var failed: Set<String> = []
        for (id, node) in reader.profileReferences where profiles[id] == nil && !failed.contains(id) {
            if let problem = ProfileLoader.problem(withID: id) {
                diagnostics.append(located(problem, at: node, file: path))
                failed.insert(id)
                continue
            }
            guard let file = ProfileLoader.locate(id: id, in: configuration.profilesDirectories) else {
                let message = ProfileLoader.notFound(id: id, searched: configuration.profilesDirectories)
                diagnostics.append(located(message, at: node, file: path))
                failed.insert(id)
                continue
            }
            do {
                profiles[id] = try ProfileLoader.load(path: file)
            } catch {
                diagnostics.append(contentsOf: error.diagnostics)
                failed.insert(id)
            }
        }
        guard diagnostics.isEmpty else {
            let own = diagnostics.filter { $0.file == path }.sorted(by: fileOrder)
            throw ConfigurationErrors(diagnostics: own + diagnostics.filter { $0.file != path })
        }
        return LoadedConfiguration(configuration: configuration, profiles: profiles, path: path)
    }

    static func located(_ message: String, at node: YAMLNode, file: String) -> ConfigurationDiagnostic {
        ConfigurationDiagnostic(file: file, line: node.mark.line, column: node.mark.column, message: message)
    }

    /// Diagnostics of one file in reading order.
    static func fileOrder(_ a: ConfigurationDiagnostic, _ b: ConfigurationDiagnostic) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}
