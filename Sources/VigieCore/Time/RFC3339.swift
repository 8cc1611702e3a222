/// RFC 3339 times, read and written in one place for the whole gateway (payload times, CSV files,
/// `vigie export --from/--to`, hub answers, upstream payloads, file names), without Foundation.
///
/// Always read: `2026-11-28T23:49:44Z`, `T`, `t` or a space between date and time, a fraction of
/// any length (truncated to milliseconds), `Z`, `z` or `±HH:MM`. Two forms only where the caller
/// says so (`Forms`): a bare date and a time without offset. Written: UTC with milliseconds.
public enum RFC3339 {
    /// Forms beyond a full time with offset, accepted only where the caller asks for them.
    public struct Forms: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// `2026-11-28`: midnight UTC (`vigie export --from/--to`).
        public static let dateOnly = Forms(rawValue: 1)
        /// `2014-04-01 00:00:00` without offset, taken as UTC (CSV files such as NAB's). Payload
        /// times never take it: a device's local time without offset cannot be placed.
        public static let noOffsetAsUTC = Forms(rawValue: 2)
    }

    /// Milliseconds since the Unix epoch of `text`; throws where the text stops being such a time.
    public static func milliseconds(_ text: some StringProtocol, accepting forms: Forms = []) throws(RFC3339Error) -> Int64 {
        var scanner = Scanner(bytes: Array(text.utf8))
        let year = try scanner.number(4, "a 4-digit year")
        try scanner.expect("-", "'-' after the year")
        let month = try scanner.number(2, "a 2-digit month")
        guard (1...12).contains(month) else { throw scanner.error(back: 2, "month \(month) is not 01 to 12") }
        try scanner.expect("-", "'-' after the month")
        let day = try scanner.number(2, "a 2-digit day")
        guard (1...daysInMonth(year: year, month: month)).contains(day) else {
            throw scanner.error(back: 2, "day \(day) is not in month \(month) of \(year)")
        }
        let dateMillis = Int64(daysFromCivil(year: year, month: month, day: day)) * 86_400_000
        if scanner.atEnd, forms.contains(.dateOnly) { return dateMillis }
        try scanner.expect("Tt ", "'T' and a time after the date")
        let hour = try scanner.number(2, "a 2-digit hour")
        try scanner.expect(":", "':' after the hour")
        let minute = try scanner.number(2, "2-digit minutes")
        try scanner.expect(":", "':' after the minutes")
        let second = try scanner.number(2, "2-digit seconds")
        guard hour < 24, minute < 60, second <= 60 else { throw scanner.error(back: 8, "no such time of day") }
        var millis = 0
        if scanner.skip(".") {
            var scale = 100
            guard scanner.isDigit else { throw scanner.error(back: 0, "expected a digit after '.'") }
            while scanner.isDigit {
                millis += (try scanner.number(1, "a digit")) * scale
                scale /= 10
            }
        }
        var offsetMinutes = 0
        if scanner.skip("Zz") {
        } else if scanner.atEnd, forms.contains(.noOffsetAsUTC) {
        } else {
            let sign = scanner.skip("-") ? -1 : 1
            if sign == 1 { try scanner.expect("+", "'Z' or an offset like +02:00") }
            let hours = try scanner.number(2, "2-digit offset hours")
            try scanner.expect(":", "':' in the offset")
            let minutes = try scanner.number(2, "2-digit offset minutes")
            guard hours < 24, minutes < 60 else { throw scanner.error(back: 5, "no such offset") }
            offsetMinutes = sign * (hours * 60 + minutes)
        }
        guard scanner.atEnd else { throw scanner.error(back: 0, "nothing after the time") }
        let seconds = ((hour * 60 + minute) * 60 + second) - offsetMinutes * 60
        return dateMillis + Int64(seconds) * 1000 + Int64(millis)
    }

    /// `2024-03-01T11:00:00.250Z`: milliseconds since the epoch in UTC.
    public static func format(milliseconds: Int64) -> String {
        let millis = Int(((milliseconds % 1000) + 1000) % 1000)
        let seconds = Int((milliseconds - Int64(millis)) / 1000)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // H. Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(millis, 3))Z"
    }

    /// A compact form for file names: `20261128T234944Z`.
    public static func compact(milliseconds: Int64) -> String {
        format(milliseconds: milliseconds).filter { $0 != "-" && $0 != ":" }.split(separator: ".")[0] + "Z"
    }

    /// The number of days in `month` (1...12) of `year`: 2024-02-30 is no date.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's days_from_civil).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Reads the text byte by byte, and says where it stops making sense.
    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        var atEnd: Bool { index == bytes.count }
        var isDigit: Bool { !atEnd && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) }

        mutating func number(_ width: Int, _ expected: String) throws(RFC3339Error) -> Int {
            var value = 0
            let start = index
            for _ in 0..<width {
                guard isDigit else { throw error(back: index - start, "expected \(expected)") }
                value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                index += 1
            }
            return value
        }

        mutating func skip(_ characters: String) -> Bool {
            guard !atEnd, characters.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }

        mutating func expect(_ characters: String, _ expected: String) throws(RFC3339Error) {
            guard skip(characters) else { throw error(back: 0, "expected \(expected)") }
        }

        /// An error at the byte `back` bytes before the current one (column 1 is the first byte).
        func error(back: Int, _ problem: String) -> RFC3339Error {
            RFC3339Error(column: index - back + 1, problem: atEnd && back == 0 ? problem + " (the text ends)" : problem)
        }
    }
}

/// Why a text is not an RFC 3339 time, and where (`column` counts bytes from 1).
public struct RFC3339Error: Error, Equatable, Sendable, CustomStringConvertible {
    public var column: Int
    public var problem: String

    public var description: String { "\(problem) at column \(column)" }
}
