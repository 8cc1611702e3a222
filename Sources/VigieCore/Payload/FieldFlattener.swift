/// Flattens a JSON object into named numbers: `{"ENERGY":{"Power":5}}` gives `energy_power = 5`.
///
/// Numbers as they are, booleans as 1/0, numeric strings (`"13.25"`) only when accepted (LoRaWAN
/// codecs emit them), array elements suffixed with their index; text and null are counted as ignored.
struct FieldFlattener {
    let acceptsNumericStrings: Bool
    let maxPoints: Int
    private(set) var fields: [(name: String, value: Double)] = []
    private(set) var ignored = 0

    init(acceptsNumericStrings: Bool, maxPoints: Int) {
        self.acceptsNumericStrings = acceptsNumericStrings
        self.maxPoints = maxPoints
    }

    mutating func flatten(_ value: JSONValue, prefix: String = "", skipping: [String] = []) throws(PayloadRejection) {
        switch value {
        case .object(let members):
            for member in members where !(prefix.isEmpty && skipping.contains(member.key)) {
                try flatten(member.value, prefix: Self.join(prefix, SensorID.lowercase(member.key)))
            }
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                try flatten(element, prefix: Self.join(prefix, String(index)))
            }
        default:
            guard let number = Self.number(value, acceptsNumericStrings: acceptsNumericStrings) else {
                ignored += 1
                return
            }
            guard fields.count < maxPoints else {
                throw PayloadRejection(.oversized, "more than \(maxPoints) numeric fields in one message")
            }
            fields.append((prefix.isEmpty ? "value" : prefix, number))
        }
    }

    static func join(_ prefix: String, _ key: String) -> String {
        prefix.isEmpty ? key : prefix + "_" + key
    }

    /// A JSON number, a boolean as 1/0, or (when accepted) a string holding exactly one finite JSON number.
    static func number(_ value: JSONValue, acceptsNumericStrings: Bool) -> Double? {
        switch value {
        case .number(let number): return number
        case .bool(let flag): return flag ? 1 : 0
        case .string(let text) where acceptsNumericStrings && !text.isEmpty && text.utf8.count <= 64:
            let trimmed = text.trimmingSpaces()
            guard case .success(.number(let number)) = JSONParser(maxDepth: 1).parse(Array(trimmed.utf8)) else {
                return nil
            }
            return number
        default: return nil
        }
    }
}
