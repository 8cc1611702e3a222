import Foundation

/// A fresh temporary directory for one test, removed with everything in it when released.
package final class TemporaryDirectory: Sendable {
    package let url: URL

    package init() {
        var template = Array("/tmp/vigie-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!).map { String(cString: $0) } }
        guard let path = made else { preconditionFailure("mkdtemp failed: errno \(errno)") }
        // World-writable: mosquitto started as root drops to its own user, and must still write its files here.
        chmod(path, 0o777)
        url = URL(fileURLWithPath: path, isDirectory: true)
    }

    /// The directory itself.
    package var path: String { url.path }

    /// A file or folder named `name` in the directory.
    package func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// The names of what the directory holds now.
    package var files: [String] { (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] }

    deinit { try? FileManager.default.removeItem(at: url) }
}
