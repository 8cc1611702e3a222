#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few file operations the store needs, over libc (no Foundation).
enum FileSystem {
    /// Creates `path` and its missing parents.
    static func createDirectory(_ path: String) throws(StoreError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw StoreError(.fileSystem, "Could not create the data directory (errno \(errno)); check its permissions.",
                                 path: current)
            }
        }
    }

    /// The size of the file at `path`, 0 when it does not exist.
    static func size(_ path: String) -> Int64 {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : 0
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// Moves `from` to `to`; nothing to do when `from` is missing.
    static func move(_ from: String, to: String) throws(StoreError) {
        guard exists(from) else { return }
        guard rename(from, to) == 0 else {
            throw StoreError(.fileSystem, "Could not move a damaged database aside (errno \(errno)); move it by hand.", path: from)
        }
    }
}

extension FileSystem {
    /// Deletes `path`; nothing to do when it is missing.
    static func remove(_ path: String) throws(StoreError) {
        guard unlink(path) == 0 || errno == ENOENT else {
            throw StoreError(.fileSystem, "Could not delete a file (errno \(errno)); check the data directory's permissions.",
                             path: path)
        }
    }

    /// Creates an empty file at `path` (best effort).
    static func touch(_ path: String) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if descriptor >= 0 { close(descriptor) }
    }
}
