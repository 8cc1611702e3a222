import VigieCore

/// RFC 3339 times in UTC with milliseconds (`2026-11-28T23:49:44.123Z`), without Foundation.
public enum RFC3339 {
    /// Formats epoch milliseconds as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    public static func format(milliseconds: Int64) -> String {
        Timestamp.rfc3339(milliseconds: milliseconds)
    }

    /// A compact form for file names: `20261128T234944Z`.
    public static func compact(milliseconds: Int64) -> String {
        format(milliseconds: milliseconds).filter { $0 != "-" && $0 != ":" }.split(separator: ".")[0] + "Z"
    }

    /// Parses `2026-11-28T23:49:44Z`, `...44.123Z`, `...+02:00`, lowercase `t`/`z`, or a date `2026-11-28`
    /// (midnight UTC); nil when the text is not such a time.
    public static func parse(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ width: Int) -> Int64? {
            guard index + width <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[index..<(index + width)] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            index += width
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
              (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day) else { return nil }
        let dateMs = Int64(Timestamp.daysFromCivil(year: Int(year), month: Int(month), day: Int(day))) * 86_400_000
        if index == bytes.count { return dateMs }
        guard expect("Tt "), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
              let second = number(2), hour < 24, minute < 60, second < 61 else { return nil }
        var millis: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                if digits < 3 { millis = millis * 10 + Int64(bytes[index] - 48) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 3) { millis *= 10 }
        }
        var offsetMs: Int64 = 0
        if expect("Zz") {
        } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign: Int64 = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let offsetHours = number(2), expect(":"), let offsetMinutes = number(2),
                  offsetHours < 24, offsetMinutes < 60 else { return nil }
            offsetMs = sign * (offsetHours * 3_600_000 + offsetMinutes * 60_000)
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        return dateMs + ((hour * 60 + minute) * 60 + second) * 1_000 + millis - offsetMs
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

}
