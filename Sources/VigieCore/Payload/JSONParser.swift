/// A small, strict JSON parser (RFC 8259) with a bounded nesting depth.
///
/// Written here rather than taken from Foundation's `JSONSerialization`: VigieCore stays free of
/// Foundation (about 60 MB less in a static binary), the parser is total on any byte sequence
/// (every failure is a `PayloadRejection` with a byte offset, never a trap), and it enforces
/// what a gateway needs: a depth limit, validated UTF-8, finite numbers only.
/// Not accepted: comments, trailing commas, `NaN`/`Infinity`, leading `+` or zeros, control
/// characters in strings, lone surrogates, anything after the value but whitespace.
public struct JSONParser: Sendable {
    /// Deepest nesting of arrays and objects accepted.
    public var maxDepth: Int

    public init(maxDepth: Int = 32) {
        self.maxDepth = maxDepth
    }

    /// Parses one complete JSON document.
    public func parse(_ bytes: some Collection<UInt8>) -> Result<JSONValue, PayloadRejection> {
        let buffer = Array(bytes)
        var cursor = Cursor(bytes: buffer, maxDepth: maxDepth)
        do throws(PayloadRejection) {
            cursor.skipWhitespace()
            let value = try cursor.parseValue(depth: 0)
            cursor.skipWhitespace()
            guard cursor.index == buffer.count else {
                throw cursor.failure("unexpected content after the JSON value")
            }
            return .success(value)
        } catch {
            return .failure(error)
        }
    }
}

private struct Cursor {
    let bytes: [UInt8]
    let maxDepth: Int
    var index = 0

    init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    func failure(_ message: String, _ code: PayloadRejection.Code = .parseError) -> PayloadRejection {
        PayloadRejection(code, message, offset: index)
    }

    var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    mutating func expect(_ literal: StaticString, _ value: JSONValue) throws(PayloadRejection) -> JSONValue {
        let text = literal.withUTF8Buffer { Array($0) }
        guard index + text.count <= bytes.count, Array(bytes[index..<index + text.count]) == text else {
            throw failure("invalid literal")
        }
        index += text.count
        return value
    }

    mutating func parseValue(depth: Int) throws(PayloadRejection) -> JSONValue {
        guard let byte = current else { throw failure("unexpected end of payload") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try expect("true", .bool(true))
        case UInt8(ascii: "f"): return try expect("false", .bool(false))
        case UInt8(ascii: "n"): return try expect("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw failure("unexpected character")
        }
    }

    mutating func parseObject(depth: Int) throws(PayloadRejection) -> JSONValue {
        guard depth <= maxDepth else { throw failure("nested deeper than \(maxDepth) levels", .tooDeep) }
        index += 1
        var members: [JSONMember] = []
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw failure("expected a member name") }
            let key = try parseString()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw failure("expected ':'") }
            index += 1
            skipWhitespace()
            members.append(JSONMember(key: key, value: try parseValue(depth: depth)))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return .object(members)
            default: throw failure("expected ',' or '}'")
            }
        }
    }

    mutating func parseArray(depth: Int) throws(PayloadRejection) -> JSONValue {
        guard depth <= maxDepth else { throw failure("nested deeper than \(maxDepth) levels", .tooDeep) }
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return .array(elements)
            default: throw failure("expected ',' or ']'")
            }
        }
    }

    mutating func parseString() throws(PayloadRejection) -> String {
        index += 1
        let start = index
        // Fast path: no escapes.
        var ascii = true
        while let byte = current, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
            guard byte >= 0x20 else { throw failure("control character in string") }
            if byte >= 0x80 { ascii = false }
            index += 1
        }
        guard let stop = current else { throw failure("unterminated string") }
        let scalars = bytes[start..<index]
        if stop == UInt8(ascii: "\""), ascii {
            // ASCII is valid UTF-8: no validation (whose generic path was a top cost of MQTT ingest).
            index += 1
            return String(decoding: scalars, as: UTF8.self)
        }
        if stop == UInt8(ascii: "\"") {
            index += 1
            guard let text = String(validating: scalars, as: UTF8.self) else {
                throw PayloadRejection(.parseError, "invalid UTF-8 in string", offset: start)
            }
            return text
        }
        var utf8 = Array(scalars)
        while true {
            guard let byte = current else { throw failure("unterminated string") }
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: utf8, as: UTF8.self) else {
                    throw PayloadRejection(.parseError, "invalid UTF-8 in string", offset: start)
                }
                return text
            case UInt8(ascii: "\\"):
                try appendEscape(to: &utf8)
            case 0..<0x20:
                index -= 1
                throw failure("control character in string")
            default:
                utf8.append(byte)
            }
        }
    }

    mutating func appendEscape(to utf8: inout [UInt8]) throws(PayloadRejection) {
        guard let byte = current else { throw failure("unterminated escape") }
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(byte)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            var code = try hex4()
            if (0xD800..<0xDC00).contains(code) {
                guard current == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                    throw failure("lone surrogate in \\u escape")
                }
                index += 2
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw failure("lone surrogate in \\u escape") }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(code) {
                throw failure("lone surrogate in \\u escape")
            }
            guard let scalar = Unicode.Scalar(code) else { throw failure("invalid \\u escape") }
            utf8.append(contentsOf: String(Character(scalar)).utf8)
        default:
            throw failure("invalid escape")
        }
    }

    mutating func hex4() throws(PayloadRejection) -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("truncated \\u escape") }
        var code: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("invalid hex digit in \\u escape")
            }
            code = code << 4 | UInt32(digit)
            index += 1
        }
        return code
    }

    mutating func parseNumber() throws(PayloadRejection) -> Double {
        let start = index
        if current == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        try digits()
        if bytes[integerStart] == UInt8(ascii: "0"), index - integerStart > 1 {
            throw PayloadRejection(.parseError, "leading zero in number", offset: integerStart)
        }
        var isInteger = true
        if current == UInt8(ascii: ".") {
            index += 1
            isInteger = false
            try digits()
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            isInteger = false
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            try digits()
        }
        let slice = bytes[start..<index]
        if isInteger, slice.count <= 15 {
            var value: Int64 = 0
            for byte in slice where byte != UInt8(ascii: "-") { value = value * 10 + Int64(byte - UInt8(ascii: "0")) }
            return Double(slice.first == UInt8(ascii: "-") ? -value : value)
        }
        if let value = Self.shortDecimal(slice) { return value }
        guard let value = Double(String(decoding: slice, as: UTF8.self)), value.isFinite else {
            throw PayloadRejection(.nonNumeric, "number out of range", offset: start)
        }
        return value
    }

    /// Powers of ten that a `Double` holds exactly.
    static let exactPowersOfTen: [Double] = (0...22).map { exponent in (0..<exponent).reduce(1.0) { value, _ in value * 10 } }

    /// A decimal without exponent and with at most 15 digits (`-12.75`), without `strtod`: its
    /// digits form an integer below 2^53 and 10^fraction is exact, so one division gives the
    /// correctly rounded value, as `strtod` would (Clinger's fast path). Nil otherwise.
    static func shortDecimal(_ slice: ArraySlice<UInt8>) -> Double? {
        var mantissa: Int64 = 0, digits = 0, fraction = 0, seenPoint = false, negative = false
        for byte in slice {
            switch byte {
            case UInt8(ascii: "-"): negative = true
            case UInt8(ascii: "."): seenPoint = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                mantissa = mantissa * 10 + Int64(byte - UInt8(ascii: "0"))
                digits += 1
                if seenPoint { fraction += 1 }
                if digits > 15 { return nil }
            default: return nil // an exponent
            }
        }
        let value = Double(mantissa) / exactPowersOfTen[fraction]
        return negative ? -value : value
    }

    mutating func digits() throws(PayloadRejection) {
        let start = index
        while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { index += 1 }
        guard index > start else { throw failure("expected a digit") }
    }
}
