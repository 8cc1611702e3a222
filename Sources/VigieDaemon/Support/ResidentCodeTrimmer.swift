import Glibc

/// Gives back the resident code pages that start-up touched and the running daemon no longer runs
/// (argument parsing, YAML, configuration checks, profile loading, libraries' initialisation).
///
/// A static Swift binary is resident far beyond the code a running daemon uses: every page touched
/// once stays mapped, with up to 64 KB around it (the kernel's fault-around), and so do the shared
/// libraries' (OpenSSL, initialised by libmosquitto even for a plain-TCP broker). `madvise(MADV_DONTNEED)`
/// on read-only, private, file-backed mappings drops those page-table entries; what runs afterwards
/// faults its pages back from the page cache (minor faults, nothing read from disk while cached) and
/// the rest stays out of the resident set. Only mappings without one private (copied, relocated)
/// page are touched, so only pristine file pages are dropped, as the kernel itself drops them under
/// memory pressure: nothing is lost, only unmapped (docs/performance.md, "Memory").
public enum ResidentCodeTrimmer {
    /// Drops the clean code and read-only data pages of the executable and its libraries; returns
    /// the bytes of the mappings advised.
    @discardableResult
    public static func trim() -> Int {
        guard let smaps = readFile("/proc/self/smaps") else { return 0 }
        var advised = 0
        for mapping in FileMapping.parse(smaps) where mapping.isTrimmable {
            let length = mapping.end - mapping.start
            if madvise(UnsafeMutableRawPointer(bitPattern: mapping.start), length, MADV_DONTNEED) == 0 {
                advised += length
            }
        }
        return advised
    }

    private static func readFile(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes += chunk[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// One mapping of /proc/self/smaps, with what decides whether it may be trimmed.
struct FileMapping: Equatable {
    var start: Int
    var end: Int
    var permissions: String
    var path: String
    /// Private pages (copied on write, relocated): dropping them would lose their content.
    var anonymousKilobytes = 0
    var privateDirtyKilobytes = 0

    /// A private mapping of a file, readable, not writable, without one private page.
    var isTrimmable: Bool {
        path.hasPrefix("/") && !path.hasPrefix("/dev/") && permissions.hasPrefix("r") && !permissions.contains("w")
            && permissions.hasSuffix("p") && anonymousKilobytes == 0 && privateDirtyKilobytes == 0
    }

    /// The mappings of an smaps text; a field line adds to the mapping above it.
    static func parse(_ text: String) -> [FileMapping] {
        var mappings: [FileMapping] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let first = fields.first else { continue }
            if first.hasSuffix(":") {
                guard fields.count >= 2, let value = Int(fields[1]), !mappings.isEmpty else { continue }
                if first == "Anonymous:" { mappings[mappings.count - 1].anonymousKilobytes = value }
                if first == "Private_Dirty:" { mappings[mappings.count - 1].privateDirtyKilobytes = value }
                continue
            }
            let range = first.split(separator: "-")
            guard range.count == 2, fields.count >= 5, let start = Int(range[0], radix: 16),
                  let end = Int(range[1], radix: 16) else { continue }
            let path = fields.count >= 6 ? fields[5...].joined(separator: " ") : ""
            mappings.append(FileMapping(start: start, end: end, permissions: String(fields[1]), path: path))
        }
        return mappings
    }
}
