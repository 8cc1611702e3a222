import Glibc

/// Lines to standard error, through file descriptor 2: C's `stderr` global is not
/// concurrency-safe in Swift 6, and `print` writes to standard output.
enum StandardError {
    static func print(_ message: String) {
        var line = message + "\n"
        line.withUTF8 { bytes in _ = Glibc.write(2, bytes.baseAddress, bytes.count) }
    }
}
