#if canImport(Glibc)
import Glibc
#endif

/// Reads a secret (password, bearer token) from a file: the first line, surrounding spaces removed.
///
/// Secrets live in files (mode 0600, owned by the service user) rather than in the config,
/// so the config can be shared and logged. The secret itself is never logged.
public enum CredentialFile {
    /// Secrets are short; a larger file is certainly the wrong one.
    static let sizeLimit = 4096

    /// The first line of the file, or a message saying what to fix.
    public static func read(_ path: String) -> Result<String, Failure> {
        guard let file = fopen(path, "r") else {
            let reason = String(cString: strerror(errno))
            return .failure(Failure(message: "cannot read the credential file \(path): \(reason); check the path and that the vigie user may read it"))
        }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: sizeLimit + 1)
        let count = fread(&buffer, 1, buffer.count, file)
        guard count <= sizeLimit else {
            return .failure(Failure(message: "the credential file \(path) is larger than \(sizeLimit) bytes; it should hold one line"))
        }
        let text = String(decoding: buffer[0..<count], as: UTF8.self)
        let firstLine = text.split(separator: "\n", omittingEmptySubsequences: false).first ?? ""
        let secret = firstLine.trimmingSpaces()
        guard !secret.isEmpty else {
            return .failure(Failure(message: "the credential file \(path) is empty; write the secret on its first line"))
        }
        return .success(secret)
    }

    /// Why a credential file could not be used.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
