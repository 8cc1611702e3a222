/// Relative paths in a configuration are relative to the file's own folder, not to the working directory.
enum PathResolution {
    /// The folder of a file path: `config` for `config/vigie.yaml`, `.` for `vigie.yaml`, `/` for `/vigie.yaml`.
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    /// `path` itself when absolute, else `base/path` (without a leading `./`).
    static func resolve(_ path: String, against base: String) -> String {
        if path.hasPrefix("/") || base.isEmpty || base == "." { return path }
        return base.hasSuffix("/") ? base + path : base + "/" + path
    }
}
