/// Timestamps as they appear in CSV files: `2014-04-01 00:00:00` (NAB, taken as UTC),
/// RFC 3339 (`2014-04-01T00:00:00.250Z`, `...+02:00`), or epoch seconds or milliseconds.
public enum TimestampText {
    /// Milliseconds since the Unix epoch; throws, with the column, when the text is none of the
    /// accepted forms.
    ///
    /// A bare integer is seconds below 100 000 000 000 (year 5138 in seconds), milliseconds above.
    public static func milliseconds(_ text: Substring) throws(RFC3339Error) -> Int64 {
        if let epoch = epoch(Array(text.utf8)) { return epoch }
        return try RFC3339.milliseconds(text, accepting: .noOffsetAsUTC)
    }

    private static func epoch(_ bytes: [UInt8]) -> Int64? {
        var digits = bytes[...]
        var negative = false
        if digits.first == UInt8(ascii: "-") { negative = true; digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.count <= 15,
              digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        let number = digits.reduce(Int64(0)) { $0 * 10 + Int64($1 - UInt8(ascii: "0")) }
        let ms = number < 100_000_000_000 ? number * 1000 : number
        return negative ? -ms : ms
    }
}
