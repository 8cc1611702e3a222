/// Timestamps as they appear in CSV files: `2014-04-01 00:00:00` (NAB, taken as UTC),
/// RFC 3339 (`2014-04-01T00:00:00.250Z`, `...+02:00`), or epoch seconds or milliseconds.
public enum TimestampText {
    /// Milliseconds since the Unix epoch, or nil when the text is none of the accepted forms.
    ///
    /// A bare integer is seconds below 100 000 000 000 (year 5138 in seconds), milliseconds above.
    public static func milliseconds(_ text: Substring) -> Int64? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        if let epoch = epoch(bytes) { return epoch }
        return calendar(bytes)
    }

    private static func epoch(_ bytes: [UInt8]) -> Int64? {
        var digits = bytes[...]
        var negative = false
        if digits.first == UInt8(ascii: "-") { negative = true; digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.count <= 15, digits.allSatisfy(isDigit) else { return nil }
        let number = digits.reduce(Int64(0)) { $0 * 10 + Int64($1 - 48) }
        let ms = number < 100_000_000_000 ? number * 1000 : number
        return negative ? -ms : ms
    }

    private static func calendar(_ b: [UInt8]) -> Int64? {
        // YYYY-MM-DD[ T]HH:MM:SS[.fff][Z|±HH:MM]
        guard b.count >= 19, b[4] == 45, b[7] == 45, b[13] == 58, b[16] == 58,
              b[10] == 32 || b[10] == 84 || b[10] == 116,
              let year = number(b, 0, 4), let month = number(b, 5, 2), let day = number(b, 8, 2),
              let hour = number(b, 11, 2), let minute = number(b, 14, 2), let second = number(b, 17, 2),
              (1...12).contains(month), (1...Int64(Timestamp.daysInMonth(year: Int(year), month: Int(month)))).contains(day),
              hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var millis: Int64 = 0
        if index < b.count, b[index] == 46 {
            index += 1
            var scale: Int64 = 100
            let start = index
            while index < b.count, isDigit(b[index]) {
                millis += Int64(b[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offset: Int64 = 0
        if index < b.count {
            if b[index] == 90 || b[index] == 122, index + 1 == b.count {
                index += 1
            } else if b[index] == 43 || b[index] == 45, b.count == index + 6, b[index + 3] == 58,
                      let oh = number(b, index + 1, 2), let om = number(b, index + 4, 2) {
                offset = (oh * 60 + om) * 60_000 * (b[index] == 43 ? 1 : -1)
                index += 6
            } else {
                return nil
            }
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis - offset
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

    private static func number(_ b: [UInt8], _ start: Int, _ length: Int) -> Int64? {
        var value: Int64 = 0
        for i in start..<(start + length) {
            guard isDigit(b[i]) else { return nil }
            value = value * 10 + Int64(b[i] - 48)
        }
        return value
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
