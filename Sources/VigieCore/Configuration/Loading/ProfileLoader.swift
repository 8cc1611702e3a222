#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Loads device profiles: `devices/<id>.yaml`, one Modbus register map per device model.
public enum ProfileLoader {
    static let keys = ["id", "manufacturer", "model", "source", "max_registers_per_request", "points", "ngsi_ld"]

    /// The profile `<id>.yaml` from the first of `searchDirectories` that has it.
    public static func load(id: String, searchDirectories: [String]) throws(ConfigurationErrors) -> DeviceProfile {
        let fallbackFile = (searchDirectories.first ?? ".") + "/\(id).yaml"
        if let problem = problem(withID: id) {
            throw ConfigurationErrors(diagnostics: [.init(file: fallbackFile, line: 1, column: 1, message: problem)])
        }
        guard let path = locate(id: id, in: searchDirectories) else {
            throw ConfigurationErrors(diagnostics: [.init(file: fallbackFile, line: 1, column: 1,
                                                          message: notFound(id: id, searched: searchDirectories))])
        }
        return try load(path: path)
    }

    /// The profile in one file; its `id:` must match the file name.
    public static func load(path: String) throws(ConfigurationErrors) -> DeviceProfile {
        let log = DiagnosticLog(file: path)
        switch ConfigurationFile.text(at: path) {
        case .failure(let failure):
            log.error(failure.message, line: failure.line, column: failure.column)
        case .success(let text):
            let root = YAMLDocument.parse(text, log: log)
            if log.diagnostics.isEmpty {
                if let profile = profile(root, path: path, log: log), log.diagnostics.isEmpty { return profile }
            }
        }
        throw ConfigurationErrors(diagnostics: log.diagnostics.sorted(by: ConfigurationLoader.fileOrder))
    }

    static func profile(_ root: YAMLNode?, path: String, log: DiagnosticLog) -> DeviceProfile? {
        guard let root else {
            log.error("the profile is empty: it needs id, manufacturer, model, source and points", line: 1, column: 1)
            return nil
        }
        guard let map = MappingReader(root, section: "the profile", keys: keys, log: log) else { return nil }
        let values = map.values
        let id = map.required("id").flatMap { values.name($0, key: "id") }
        let expected = fileID(of: path)
        if let id, id != expected, let node = map["id"] {
            log.error("profile id \"\(id)\" differs from its file name: rename the file \(id).yaml or write "
                      + "id: \(expected)", at: node)
        }
        let manufacturer = map.required("manufacturer").flatMap { values.text($0, key: "manufacturer") }
        let model = map.required("model").flatMap { values.text($0, key: "model") }
        let source = map.required("source", hint: " (the document the register map comes from)")
            .flatMap { values.text($0, key: "source") }
        let maxRegisters = map.int("max_registers_per_request", range: 1...125)
        let owner = id.map { "profile \"\($0)\"" } ?? "the profile"
        let pointNodes = map.required("points").flatMap { _ in map.list("points") }
        if let pointNodes, pointNodes.isEmpty, let node = map["points"] {
            log.error("\(owner) has no points", at: node)
        }
        let points = pointNodes.map { PointReader(log: log).points($0, owner: owner) }
        let ngsiLD = map["ngsi_ld"].map {
            NGSILDModelReader(log: log).model($0, owner: owner, points: points?.map(\.name))
        }
        guard let id, let manufacturer, let model, let source, let points, ngsiLD != .some(nil) else { return nil }
        return DeviceProfile(id: id, manufacturer: manufacturer, model: model, source: source,
                             maxRegistersPerRequest: maxRegisters, points: points, ngsiLD: ngsiLD ?? nil)
    }

    /// `eastron-sdm630` for `devices/eastron-sdm630.yaml`.
    public static func fileID(of path: String) -> String {
        var name = path.split(separator: "/").last.map(String.init) ?? path
        for suffix in [".yaml", ".yml"] where name.hasSuffix(suffix) {
            name = String(name.dropLast(suffix.count))
        }
        return name
    }

    /// The first `<dir>/<id>.yaml` (or `.yml`) that exists.
    static func locate(id: String, in directories: [String]) -> String? {
        for directory in directories {
            for suffix in [".yaml", ".yml"] {
                let candidate = (directory.hasSuffix("/") ? directory : directory + "/") + id + suffix
                if access(candidate, F_OK) == 0 { return candidate }
            }
        }
        return nil
    }

    /// Why an id cannot name a profile file, or nil: ids are file names, never paths.
    public static func problem(withID id: String) -> String? {
        let allowed = id.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" || $0 == "."
        }
        guard id.isEmpty || !allowed || id.hasPrefix(".") else { return nil }
        return "profile id \"\(id)\" may only hold lowercase letters, digits, _, - and . (it names a file)"
    }

    static func notFound(id: String, searched directories: [String]) -> String {
        "profile \"\(id)\" not found: no \(id).yaml in " + directories.joined(separator: ", ")
            + " (set profiles_dir, or check the id)"
    }
}
