#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a configuration or profile file into text, refusing what cannot be a configuration.
enum ConfigurationFile {
    /// Configurations are a few KB; a larger file is a mistake (a log, a database) and is refused.
    static let maximumSize = 4 << 20

    /// The file's text, or a message saying why it cannot be read.
    static func text(at path: String) -> Result<String, ReadFailure> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(ReadFailure(errno: errno)) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return .failure(ReadFailure(errno: errno)) }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            return .failure(ReadFailure(message: "cannot read this path: it is a folder, not a file"))
        }
        guard status.st_size <= maximumSize else { return .failure(tooLarge()) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(ReadFailure(errno: errno))
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            guard bytes.count <= maximumSize else { return .failure(tooLarge()) }
        }
        return decodeUTF8(bytes)
    }

    /// The text, or the line and column of the first byte that is not UTF-8 (binary files end here).
    static func decodeUTF8(_ bytes: [UInt8]) -> Result<String, ReadFailure> {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var line = 1
        var column = 1
        var text = ""
        text.reserveCapacity(bytes.count)
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                text.unicodeScalars.append(scalar)
                if scalar == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .emptyInput:
                return .success(text)
            case .error:
                return .failure(ReadFailure(message: "the file is not UTF-8 text (a binary file?)", line: line,
                                            column: column))
            }
        }
    }

    private static func tooLarge() -> ReadFailure {
        ReadFailure(message: "the file is larger than \(ByteSize(bytes: Int64(maximumSize))): not a configuration file")
    }

    /// Why a file could not be read, as a sentence.
    struct ReadFailure: Error {
        var message: String
        var line = 1
        var column = 1

        init(message: String, line: Int = 1, column: Int = 1) {
            self.message = message
            self.line = line
            self.column = column
        }

        init(errno code: Int32) {
            let reason = String(cString: strerror(code))
            switch code {
            case ENOENT: message = "cannot read the file: it does not exist (check the path)"
            case EACCES: message = "cannot read the file: permission denied (check its owner and mode)"
            default: message = "cannot read the file: \(reason)"
            }
        }
    }
}
