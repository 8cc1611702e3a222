/// A small streaming JSON writer, without Foundation.
///
/// Strings are escaped per RFC 8259 (quote, backslash and control characters; other text is
/// written as UTF-8). Numbers are finite only: a NaN or infinity is written as `null`, never
/// as a bare `NaN`. Doubles use the shortest text that reads back to the same value; whole
/// numbers below 2^53 are written without a fraction (`230`, not `230.0`).
/// For upstream payloads only: `/api` answers are `Codable` and use `JSONEncoder`, so that
/// `vigie status` decodes them from the same declaration (ARCHITECTURE.md, "One of each").
public struct JSONWriter: Sendable {
    /// The JSON written so far.
    public private(set) var output = ""
    /// One entry per open object or array: whether it already holds a member.
    private var hasMember: [Bool] = []
    private var afterKey = false

    public init() {}

    public mutating func beginObject() {
        prepareValue()
        output += "{"
        hasMember.append(false)
    }

    public mutating func endObject() {
        hasMember.removeLast()
        output += "}"
    }

    public mutating func beginArray() {
        prepareValue()
        output += "["
        hasMember.append(false)
    }

    public mutating func endArray() {
        hasMember.removeLast()
        output += "]"
    }

    /// An object member's name; the next call writes its value.
    public mutating func key(_ name: String) {
        separate()
        Self.appendString(name, to: &output)
        output += ":"
        afterKey = true
    }

    public mutating func string(_ value: String) {
        prepareValue()
        Self.appendString(value, to: &output)
    }

    /// A number; `null` when it is not finite.
    public mutating func number(_ value: Double) {
        prepareValue()
        output += Self.format(value) ?? "null"
    }

    public mutating func integer(_ value: Int64) {
        prepareValue()
        output += String(value)
    }

    public mutating func bool(_ value: Bool) {
        prepareValue()
        output += value ? "true" : "false"
    }

    public mutating func null() {
        prepareValue()
        output += "null"
    }

    /// `"name": "value"`.
    public mutating func field(_ name: String, _ value: String) {
        key(name)
        string(value)
    }

    /// `"name": number`; nothing at all when `value` is nil or not finite.
    public mutating func field(_ name: String, _ value: Double?) {
        guard let value, value.isFinite else { return }
        key(name)
        number(value)
    }

    /// `"name": integer`; nothing when nil.
    public mutating func field(_ name: String, _ value: Int64?) {
        guard let value else { return }
        key(name)
        integer(value)
    }

    /// The JSON text of a finite double, nil otherwise.
    public static func format(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        if value == value.rounded(.towardZero), value.magnitude < 9_007_199_254_740_992 {
            return String(Int64(value))
        }
        // Swift's description is the shortest round-trip form: `0.1`, `1e-05`, `1.5e+20`, all valid JSON.
        return value.description
    }

    /// Appends `text` as a quoted, escaped JSON string.
    public static func appendString(_ text: String, to output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "\u{00}"..."\u{1F}", "\u{7F}":
                let hex = "0123456789abcdef".unicodeScalars.map { $0 }
                output += "\\u00"
                output.unicodeScalars.append(hex[Int(scalar.value >> 4)])
                output.unicodeScalars.append(hex[Int(scalar.value & 0xF)])
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }

    private mutating func prepareValue() {
        if afterKey {
            afterKey = false
        } else {
            separate()
        }
    }

    private mutating func separate() {
        guard let last = hasMember.indices.last else { return }
        if hasMember[last] { output += "," }
        hasMember[last] = true
    }
}
