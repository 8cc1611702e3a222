/// Field encoding shared by the stored (outbox) forms of upstream messages.
enum StorageField {
    /// Percent-encodes every byte outside `A-Z a-z 0-9 - . _ / :`, so a field holds no space,
    /// newline or empty text ambiguity.
    static func escape(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            if isSafe(byte) {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                result += "%" + hexDigit(byte >> 4) + hexDigit(byte & 0x0F)
            }
        }
        return result.isEmpty ? "%" : result // "%" alone stands for the empty text
    }

    static func unescape(_ field: String, line: Int) throws -> String {
        if field == "%" { return "" }
        var bytes: [UInt8] = []
        var iterator = field.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    throw failure("bad percent escape in \"\(field)\"", line: line)
                }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        return value.description
    }

    static func double(_ field: String, line: Int) throws -> Double? {
        guard !field.isEmpty else { return nil }
        guard let value = Double(field), value.isFinite else {
            throw failure("bad number \"\(field)\"", line: line)
        }
        return value
    }

    /// The non-empty lines after a stored text's header, each with its 1-based number, and the
    /// text's line count (where a missing field is reported); throws when the first line is not
    /// `header` (`what` names the form: "a stored aggregate pack").
    static func body(of text: String, header: String, what: String) throws -> (lines: [(text: Substring, number: Int)], count: Int) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first.map(String.init) == header else {
            throw failure("not \(what) (expected \"\(header)\")", line: 1)
        }
        let body = lines.enumerated().dropFirst().filter { !$0.element.isEmpty }.map { (text: $0.element, number: $0.offset + 1) }
        return (body, lines.count)
    }

    static func failure(_ message: String, line: Int) -> UpstreamError {
        UpstreamError(code: .badStoredPayload, message: message + "; the outbox entry is damaged: drop it",
                      location: "stored payload line \(line)")
    }

    private static func isSafe(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "_"), UInt8(ascii: "/"), UInt8(ascii: ":"):
            true
        default:
            false
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> String {
        String(Unicode.Scalar(nibble < 10 ? nibble + 48 : nibble + 55))
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - 48
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - 55
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - 87
        default: nil
        }
    }
}
