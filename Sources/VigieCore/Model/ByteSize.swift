/// A size in bytes, written `64KB`, `512MB`, `2GB` (powers of 1024) or a plain number of bytes.
public struct ByteSize: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var bytes: Int64

    public init(bytes: Int64) { self.bytes = bytes }

    private static let units: [(suffix: String, factor: Int64)] = [
        ("TB", 1 << 40), ("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10), ("B", 1),
    ]

    /// Parses `512MB`, `64 KB`, `1.5GB`, `4096`; nil when the text is not a size.
    public init?(parsing text: String) {
        let trimmed = text.trimmingSpaces().uppercased()
        guard !trimmed.isEmpty else { return nil }
        for unit in Self.units where trimmed.hasSuffix(unit.suffix) {
            let number = String(trimmed.dropLast(unit.suffix.count)).trimmingSpaces()
            guard let value = Double(number), value.isFinite, value >= 0,
                  value * Double(unit.factor) < 9.0e18 else { return nil }
            self.bytes = Int64(value * Double(unit.factor))
            return
        }
        guard let value = Int64(trimmed), value >= 0 else { return nil }
        self.bytes = value
    }

    public var description: String {
        for unit in Self.units where bytes >= unit.factor && bytes % unit.factor == 0 {
            return "\(bytes / unit.factor)\(unit.suffix)"
        }
        return "\(bytes)B"
    }

    public static func < (lhs: ByteSize, rhs: ByteSize) -> Bool { lhs.bytes < rhs.bytes }
}

extension String {
    /// Leading and trailing spaces and tabs removed, without Foundation.
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }),
              let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
