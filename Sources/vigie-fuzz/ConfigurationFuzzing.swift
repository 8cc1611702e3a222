import Glibc
import VigieCore

/// The configuration and profile loaders, fed through a real file as `vigie check-config` is.
enum ConfigurationFuzzing {
    /// A private folder for the input file, made once per process under `TMPDIR` (else /tmp).
    static let folder: String = {
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(base)/vigie-fuzz-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { preconditionFailure("cannot make a temporary folder") }
        return String(cString: made)
    }()

    static func configuration(_ bytes: [UInt8]) {
        let path = folder + "/vigie.yaml"
        write(bytes, to: path)
        do {
            _ = try ConfigurationLoader.load(path: path)
        } catch {
            check(error)
        }
    }

    static func profile(_ bytes: [UInt8]) {
        let path = folder + "/fuzz-meter.yaml"
        write(bytes, to: path)
        do {
            let profile = try ProfileLoader.load(path: path)
            precondition(!profile.points.isEmpty, "a profile loaded without points")
        } catch {
            check(error)
        }
    }

    /// Every diagnostic is located (line and column from 1) and says something.
    static func check(_ errors: ConfigurationErrors) {
        precondition(!errors.diagnostics.isEmpty, "an error without diagnostics")
        for diagnostic in errors.diagnostics {
            precondition(diagnostic.line >= 1 && diagnostic.column >= 1, "an unlocated diagnostic: \(diagnostic)")
            precondition(!diagnostic.message.isEmpty, "a diagnostic without a message")
        }
    }

    private static func write(_ bytes: [UInt8], to path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(fd >= 0, "cannot write the fuzz input file")
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            precondition(written > 0, "cannot write the fuzz input file")
            offset += written
        }
    }
}
