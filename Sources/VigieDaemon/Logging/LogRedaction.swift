import Logging

/// Keeps secrets out of logs and every event on one line.
///
/// A metadata key is secret when one of its parts (split on `.`, `_`, `-`) is a secret word:
/// `mqtt.password`, `upstream.token_file` is NOT secret (a path), but `http.token`, `tls.key`,
/// `hub-secret` and `authorization` are. Values of secret keys print as `<redacted>`, also inside
/// nested dictionaries.
public enum LogRedaction {
    /// Words that make a key secret.
    public static let secretWords: Set<String> = [
        "password", "passwd", "passphrase", "token", "secret", "key", "apikey", "credential", "credentials",
        "authorization", "bearer", "cookie",
    ]
    /// Words that make a key about a secret but not the secret itself (its path, its name).
    static let harmlessWords: Set<String> = ["file", "path", "dir", "directory", "name", "id"]

    /// True when the key's value must not be printed.
    public static func isSecret(_ key: String) -> Bool {
        let parts = key.lowercased().split(whereSeparator: { $0 == "." || $0 == "_" || $0 == "-" }).map(String.init)
        guard parts.contains(where: secretWords.contains) else { return false }
        return !(parts.last.map(harmlessWords.contains) ?? false)
    }

    /// The value as printed: redacted if the key is secret, quoted if it has spaces or quotes.
    static func render(key: String, value: Logger.MetadataValue) -> String {
        if isSecret(key) { return "<redacted>" }
        switch value {
        case .string(let text): return quoted(text)
        case .stringConvertible(let item): return quoted(item.description)
        case .array(let items):
            return "[" + items.map { render(key: "", value: $0) }.joined(separator: ",") + "]"
        case .dictionary(let entries):
            let inner = entries.keys.sorted().compactMap { name in
                entries[name].map { "\(name):\(render(key: name, value: $0))" }
            }
            return "{" + inner.joined(separator: ",") + "}"
        }
    }

    /// The text on one line: newlines become `\n`.
    static func singleLine(_ text: String) -> String {
        guard text.contains(where: \.isNewline) else { return text }
        return text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).joined(separator: "\\n")
    }

    private static func quoted(_ text: String) -> String {
        let flat = singleLine(text)
        guard flat.isEmpty || flat.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) else { return flat }
        return "\"" + flat.replacing("\"", with: "\\\"") + "\""
    }
}
