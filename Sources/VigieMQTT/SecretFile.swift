import Glibc

/// Reads a secret (password, token) from a file: the first line, without its line ending.
enum SecretFile {
    static func read(_ path: String) throws(MQTTError) -> String {
        guard let file = fopen(path, "r") else {
            throw MQTTError(.secretUnreadable, "cannot read the password file \(path); check it exists and vigie may read it",
                            cause: String(cString: strerror(errno)))
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        while bytes.count < 4096 {
            let character = fgetc(file)
            if character == EOF || character == 0x0A || character == 0x0D { break }
            bytes.append(UInt8(truncatingIfNeeded: character))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
