/// `value`, `json`, Zigbee2MQTT and Tasmota payloads.
extension SubscriptionDecoder {
    /// A number, `true`/`false` or `ON`/`OFF` (any case), surrounding whitespace and NUL bytes ignored.
    func valuePoint(_ payload: [UInt8], field: String) throws(PayloadRejection) -> PayloadPoint {
        let isPadding: (UInt8) -> Bool = { $0 == 0 || $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        guard let first = payload.firstIndex(where: { !isPadding($0) }),
              let last = payload.lastIndex(where: { !isPadding($0) }) else {
            throw PayloadRejection(.parseError, "empty payload")
        }
        let trimmed = Array(payload[first...last])
        // Only a payload starting with a letter can be a word (most are numbers: no string then).
        let isWord = (UInt8(ascii: "A")...UInt8(ascii: "z")).contains(trimmed[0])
        let word = isWord ? String(decoding: trimmed.prefix(8), as: UTF8.self).lowercased() : ""
        let value: Double
        switch word {
        case "true", "on": value = 1
        case "false", "off": value = 0
        default:
            guard case .success(.number(let number)) = parser.parse(trimmed) else {
                throw PayloadRejection(.nonNumeric, "payload is not a number, true/false or ON/OFF")
            }
            value = number
        }
        return PayloadPoint(device: nil, field: field, value: value, time: nil, unit: nil)
    }

    /// Configured fields by path (all numeric fields, flattened, when none are configured), dated by `time_field`.
    func jsonPoints(_ root: JSONValue, ignored: inout Int) throws(PayloadRejection) -> [PayloadPoint] {
        var time: Int64?
        if let timePath {
            guard let timeValue = timePath.value(in: root) else {
                throw PayloadRejection(.missingField, "time field \"\(timePath)\" is missing")
            }
            time = try Self.time(of: timeValue, field: timePath.description)
        }
        guard !fieldPaths.isEmpty else {
            var flattener = FieldFlattener(acceptsNumericStrings: true, maxPoints: maxPoints)
            try flattener.flatten(root, skipping: timePath.map { [$0.description] } ?? [])
            ignored += flattener.ignored
            return flattener.fields.map { PayloadPoint(device: nil, field: $0.name, value: $0.value, time: time) }
        }
        var points: [PayloadPoint] = []
        for (path, mapping) in fieldPaths {
            guard let found = path.value(in: root) else {
                throw PayloadRejection(.missingField, "field \"\(path)\" is missing")
            }
            guard let value = FieldFlattener.number(found, acceptsNumericStrings: true) else {
                throw PayloadRejection(.nonNumeric, "field \"\(path)\" is not a number")
            }
            points.append(PayloadPoint(device: nil, field: mapping.name, value: value, time: time, unit: mapping.unit))
        }
        return points
    }

    /// Zigbee2MQTT device state or Tasmota `SENSOR` telemetry: every numeric or boolean field, nested
    /// objects flattened with `_`; text ignored. Tasmota's `Time` is local time without an offset, so
    /// the arrival time is used instead.
    func deviceStatePoints(_ root: JSONValue, ignored: inout Int) throws(PayloadRejection) -> [PayloadPoint] {
        guard case .object = root else {
            throw PayloadRejection(.parseError, "expected a JSON object of device fields")
        }
        var flattener = FieldFlattener(acceptsNumericStrings: false, maxPoints: maxPoints)
        try flattener.flatten(root, skipping: subscription.format == .tasmota ? ["Time"] : [])
        ignored += flattener.ignored
        return flattener.fields.map { PayloadPoint(device: nil, field: $0.name, value: $0.value, time: nil) }
    }

    /// A time as an epoch number (s or ms), a numeric string, or RFC 3339 text.
    static func time(of value: JSONValue, field: String) throws(PayloadRejection) -> Int64 {
        var problem = ""
        switch value {
        case .number(let number):
            if let millis = Timestamp.milliseconds(epoch: number) { return millis }
        case .string(let text):
            if let number = FieldFlattener.number(value, acceptsNumericStrings: true) {
                if let millis = Timestamp.milliseconds(epoch: number) { return millis }
                break
            }
            do throws(RFC3339Error) {
                return try RFC3339.milliseconds(text)
            } catch {
                problem = " (\(error))"
            }
        default:
            break
        }
        throw PayloadRejection(.parseError, "time field \"\(field)\" is not an epoch time or an RFC 3339 time with offset" + problem)
    }
}
