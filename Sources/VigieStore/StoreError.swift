/// Every failure of the store: a code to match on, a message that says what to do, and where it happened.
///
/// SQLite failures carry the SQL text and the SQLite result code, never the bound values.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure; a struct so that codes can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// SQLite returned an error.
        public static let sqlite = Code(name: "sqlite")
        /// The disk (or the page limit) is full: the write was not done.
        public static let full = Code(name: "full")
        /// The database file is damaged or is not a database.
        public static let corrupt = Code(name: "corrupt")
        /// The database was written by a newer vigie.
        public static let newerSchema = Code(name: "newer-schema")
        /// A file-system operation (create the folder, move a file aside) failed.
        public static let fileSystem = Code(name: "file-system")
        /// A stored chunk of readings could not be decoded.
        public static let badChunk = Code(name: "bad-chunk")
        /// The writer was stopped; the readings were not queued.
        public static let closed = Code(name: "closed")
        public var description: String { name }
    }

    /// What kind of failure.
    public var code: Code
    /// What happened and what to do about it.
    public var message: String
    /// The statement that failed, when SQLite failed.
    public var sql: String?
    /// The SQLite (extended) result code, when SQLite failed.
    public var resultCode: Int32?
    /// The path of the file concerned, when there is one.
    public var path: String?

    /// An error with its code, message and, when known, SQL, SQLite code and file.
    public init(_ code: Code, _ message: String, sql: String? = nil, resultCode: Int32? = nil, path: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
        self.resultCode = resultCode
        self.path = path
    }

    public var description: String {
        var text = message
        if let path { text += " (file: \(path))" }
        if let resultCode { text += " [sqlite code \(resultCode)]" }
        if let sql { text += " in: \(sql)" }
        return text
    }
}
