#if canImport(Glibc)
import Glibc
#endif

/// Files of the repository the benchmarks read: payload fixtures, device profiles, NAB series.
///
/// Paths are found from this source file's own path, so the benchmarks run from any directory
/// of a fresh clone.
enum BenchmarkFixtures {
    /// The repository root (three levels above `Benchmarks/Benchmarks/VigieBenchmarks/`).
    static let repositoryRoot: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(4)
        return parts.joined(separator: "/")
    }()

    /// A payload from `Tests/VigieCoreTests/Fixtures/payloads/`.
    static func payload(_ name: String) -> [UInt8] {
        bytes(atPath: repositoryRoot + "/Tests/VigieCoreTests/Fixtures/payloads/" + name)
    }

    /// The bytes of a file; stops the run with a message naming the file if it cannot be read.
    static func bytes(atPath path: String) -> [UInt8] {
        guard let file = fopen(path, "rb") else { fatalError("benchmark fixture \(path) could not be opened") }
        defer { fclose(file) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            result.append(contentsOf: buffer[0..<count])
        }
        return result
    }

    /// The CSV files of a directory, sorted by name (empty when it does not exist).
    static func csvFiles(in directory: String) -> [String] {
        entries(of: directory) { name, _ in name.hasSuffix(".csv") }
    }

    /// The directories of `directory` (not recursive), sorted.
    static func subdirectories(of directory: String) -> [String] {
        entries(of: directory) { name, type in type == UInt8(DT_DIR) && !name.hasPrefix(".") }
    }

    /// The paths of the entries of `directory` whose name and type (`d_type`) pass `keep`, sorted.
    private static func entries(of directory: String, where keep: (String, UInt8) -> Bool) -> [String] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var paths: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if keep(name, entry.pointee.d_type) { paths.append(directory + "/" + name) }
        }
        return paths.sorted()
    }
}
