extension Duration {
    /// Parses `500ms`, `10s`, `15m`, `2h`, `7d` (also `1h30m`); nil when the text is not a duration.
    public init?(parsing text: String) {
        let text = text.trimmingSpaces()
        guard !text.isEmpty else { return nil }
        var total: Int64 = 0
        var digits = ""
        var unit = ""
        var sawPart = false
        func flush() -> Bool {
            guard let value = Int64(digits) else { return false }
            let millisPerUnit: Int64
            switch unit {
            case "ms": millisPerUnit = 1
            case "s": millisPerUnit = 1_000
            case "m": millisPerUnit = 60_000
            case "h": millisPerUnit = 3_600_000
            case "d": millisPerUnit = 86_400_000
            case "w": millisPerUnit = 604_800_000
            default: return false
            }
            let (part, overflow) = value.multipliedReportingOverflow(by: millisPerUnit)
            guard !overflow, part < Int64.max / 4 - total else { return false }
            total += part
            digits = ""
            unit = ""
            sawPart = true
            return true
        }
        for character in text {
            if character.isASCII, character.isNumber {
                if !unit.isEmpty { guard flush() else { return nil } }
                digits.append(character)
            } else if character.isASCII, character.isLetter {
                guard !digits.isEmpty else { return nil }
                unit.append(character)
            } else {
                return nil
            }
        }
        guard !digits.isEmpty, !unit.isEmpty, flush(), sawPart else { return nil }
        self = .milliseconds(total)
    }

    /// Whole milliseconds, rounded down.
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000 + attoseconds / 1_000_000_000_000_000
    }

    /// The shortest form `parsing` reads back: `500ms`, `10s`, `15m`, `1h`, `7d`.
    public var configText: String {
        let millis = milliseconds
        for (suffix, factor) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1_000)]
        where millis != 0 && millis % factor == 0 {
            return "\(millis / factor)\(suffix)"
        }
        return "\(millis)ms"
    }
}
