/// SenML (RFC 8428) JSON packs.
extension SubscriptionDecoder {
    /// Times below 2^28 s are relative to now (RFC 8428 §4.5.3).
    static let senmlRelativeTimeLimit = 268_435_456.0

    /// Resolves `bn`/`bt`/`bu`/`bv`/`bs` (each applies to its record and the following ones),
    /// relative times, `v` and `s` values; `vs`/`vb`/`vd` records are counted as ignored.
    /// A field ending in `_` must be understood (§4.4): the pack is rejected.
    /// Device: the base name without its trailing separator (or a full `n` with `:` or `/` when there is no base
    /// name); field: the record's `n`, else its unit, else `value`.
    func senmlPoints(_ root: JSONValue, receivedAt: Int64, ignored: inout Int) throws(PayloadRejection) -> [PayloadPoint] {
        guard case .array(let records) = root else {
            throw PayloadRejection(.parseError, "a SenML pack is a JSON array of records")
        }
        var baseDevice: String?, baseTime = 0.0, baseUnit: String?, baseValue = 0.0, baseSum = 0.0
        var points: [PayloadPoint] = []
        for (index, record) in records.enumerated() {
            guard case .object(let members) = record else {
                throw PayloadRejection(.parseError, "SenML record \(index) is not an object")
            }
            let fields = SenMLRecord(members)
            if let unknown = fields.mustUnderstand {
                throw PayloadRejection(.parseError, "SenML record \(index) has must-understand field \"\(unknown)\"")
            }
            func text(_ value: JSONValue?, _ key: String) throws(PayloadRejection) -> String? {
                guard let value else { return nil }
                guard case .string(let text) = value else {
                    throw PayloadRejection(.parseError, "SenML record \(index): \"\(key)\" is not a string")
                }
                return text
            }
            func number(_ value: JSONValue?, _ key: String) throws(PayloadRejection) -> Double? {
                guard let value else { return nil }
                guard case .number(let number) = value else {
                    throw PayloadRejection(.nonNumeric, "SenML record \(index): \"\(key)\" is not a number")
                }
                return number
            }
            if let name = try text(fields.bn, "bn") { baseDevice = Self.senmlDevice(baseName: name) }
            if let time = try number(fields.bt, "bt") { baseTime = time }
            if let unit = try text(fields.bu, "bu") { baseUnit = unit }
            if let value = try number(fields.bv, "bv") { baseValue = value }
            if let sum = try number(fields.bs, "bs") { baseSum = sum }
            let name = try text(fields.n, "n") ?? ""
            let unit = try text(fields.u, "u") ?? baseUnit
            let relative = try number(fields.t, "t") ?? 0
            let value: Double
            if let v = try number(fields.v, "v") {
                value = baseValue + v
            } else if let s = try number(fields.s, "s") {
                value = baseSum + s
            } else {
                ignored += 1 // vs, vb, vd, or a record setting only base fields
                continue
            }
            guard value.isFinite else { throw PayloadRejection(.nonNumeric, "SenML record \(index): value out of range") }
            let seconds = baseTime + relative
            let isRelative = abs(seconds) < Self.senmlRelativeTimeLimit
            let time = isRelative
                ? Timestamp.milliseconds(seconds: seconds).map { receivedAt &+ $0 }
                : Timestamp.milliseconds(seconds: seconds)
            guard let time, time >= 0 else {
                throw PayloadRejection(.parseError, "SenML record \(index): time out of range")
            }
            let (device, field) = Self.senmlNames(baseDevice: baseDevice, name: name, unit: unit)
            guard !field.isEmpty else {
                throw PayloadRejection(.missingField, "SenML record \(index) has no name (n or bn)")
            }
            points.append(PayloadPoint(device: device, field: field, value: value, time: time, unit: unit,
                                       isRelativeToArrival: isRelative))
        }
        return points
    }

    /// The device a base name names: without its trailing separators (`:` `/` `.` `-` `_`); nil
    /// for no base name. Byte-wise (the separators are ASCII): it runs for every record.
    static func senmlDevice(baseName: String) -> String? {
        guard !baseName.isEmpty else { return nil }
        let bytes = baseName.utf8
        var end = bytes.endIndex
        while end > bytes.startIndex {
            let previous = bytes.index(before: end)
            switch bytes[previous] {
            case UInt8(ascii: ":"), UInt8(ascii: "/"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_"):
                end = previous
            default:
                return String(baseName[..<end])
            }
        }
        return ""
    }

    /// Device and field of a record, from its base name's device (`senmlDevice`), name and unit.
    static func senmlNames(baseDevice: String?, name: String, unit: String?) -> (device: String?, field: String) {
        var device = baseDevice
        var field = name
        if device == nil, name.utf8.contains(where: { $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "/") }) {
            // A full name without a base name (`urn:dev:ow:10e2073a01080063`) names the device.
            device = name
            field = ""
        }
        if field.isEmpty { field = device == nil ? "" : (unit ?? "value") }
        return (device.flatMap { $0.isEmpty ? nil : $0 }, field)
    }
}
