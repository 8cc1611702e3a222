/// Turns a subscription's `sensor:` template into a `SensorID` for each decoded point.
///
/// `{1}`, `{2}`... are the topic levels the filter's wildcards matched, in order (for
/// `capteurs/+/temperature`, `{1}` of `capteurs/salle1/temperature` is `salle1`; a `#` match is the
/// rest of the topic), `{device}` the device the payload
/// or the topic names, `{field}` the point's flattened field name. Substituted values are
/// sanitised: anything but letters, digits, `_ - . : %` becomes `_` (so `Test device` gives
/// `test_device`, a `#` capture `a/b` gives `a_b`); `SensorID` lowercases the result.
struct SensorNameTemplate: Sendable {
    enum Part: Sendable, Equatable {
        case literal(String)
        case level(Int)
        case device
        case field
    }

    let parts: [Part]
    /// `parts` split where the sensor name splits into device and point: at the first `/` of a
    /// literal (substituted values never hold one, `sanitize` replaces it). `point` is nil when no
    /// literal holds a `/`. Rendering builds the two halves directly, without building the whole
    /// name and splitting it again (it runs for every reading).
    private let deviceParts: [Part]
    private let pointParts: [Part]?
    var mentionsField: Bool { parts.contains(.field) }
    /// The highest `{N}` used.
    var highestLevel: Int { parts.compactMap { if case .level(let level) = $0 { level } else { nil } }.max() ?? 0 }

    init(_ text: String) throws(PayloadRejection) {
        var parts: [Part] = []
        var literal = ""
        var iterator = Array(text).makeIterator()
        while let character = iterator.next() {
            guard character == "{" else { literal.append(character); continue }
            var name = ""
            var closed = false
            while let next = iterator.next() {
                if next == "}" { closed = true; break }
                name.append(next)
            }
            guard closed else { throw PayloadRejection(.badMapping, "sensor template \"\(text)\" has an unclosed '{'") }
            if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
            switch name {
            case "device": parts.append(.device)
            case "field": parts.append(.field)
            default:
                guard name.count <= 3, let level = Int(name), level >= 1 else {
                    throw PayloadRejection(.badMapping,
                                           "sensor template \"\(text)\": unknown {\(name)}; use {1}, {2}..., {device} or {field}")
                }
                parts.append(.level(level))
            }
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        self.init(parts: parts)
    }

    init(parts: [Part]) {
        self.parts = parts
        (deviceParts, pointParts) = Self.split(parts)
    }

    private static func split(_ parts: [Part]) -> (device: [Part], point: [Part]?) {
        for (position, part) in parts.enumerated() {
            guard case .literal(let literal) = part, let slash = literal.firstIndex(of: "/") else { continue }
            let before = String(literal[..<slash]), after = String(literal[literal.index(after: slash)...])
            let device = parts[..<position] + (before.isEmpty ? [] : [.literal(before)])
            let point = (after.isEmpty ? [] : [.literal(after)]) + parts[(position + 1)...]
            return (Array(device), Array(point))
        }
        return (parts, nil)
    }

    /// The sensor name, or a rejection when a topic level is missing or the result is not `device/point`.
    func render(captures: [String], device: String, field: String) throws(PayloadRejection) -> SensorID {
        let devicePart = try Self.render(deviceParts, captures: captures, device: device, field: field)
        guard let pointParts else {
            throw PayloadRejection(.badSensorName, "\"\(devicePart)\" is not a device/point sensor name")
        }
        let pointPart = try Self.render(pointParts, captures: captures, device: device, field: field)
        guard !devicePart.isEmpty, !pointPart.isEmpty else {
            throw PayloadRejection(.badSensorName, "\"\(devicePart)/\(pointPart)\" is not a device/point sensor name")
        }
        return SensorID(device: devicePart, point: pointPart)
    }

    private static func render(_ parts: [Part], captures: [String], device: String, field: String) throws(PayloadRejection) -> String {
        var text = ""
        for part in parts {
            switch part {
            case .literal(let literal): text += literal
            case .device: text += sanitize(device)
            case .field: text += sanitize(field)
            case .level(let level):
                guard level <= captures.count, !captures[level - 1].isEmpty else {
                    throw PayloadRejection(.badSensorName, "the topic has no wildcard level \(level) for the sensor template")
                }
                text += sanitize(captures[level - 1])
            }
        }
        return text
    }

    static func sanitize(_ text: String) -> String {
        // The usual case, plain ASCII names, is returned as is (no per-character work).
        if text.utf8.allSatisfy(isPlainNameByte) { return text }
        return String(text.map { character in
            character.isLetter || character.isNumber || "_-.:%".contains(character) ? character : "_"
        })
    }

    /// ASCII letters, digits and `_-.:%`: what `sanitize` keeps unchanged.
    static func isPlainNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "%"):
            true
        default:
            false
        }
    }
}
