import VigieCore
import VigieModbus

/// The table `vigie modbus poll` and `read --point` print: point, value, unit, raw words, status.
///
/// An enum point shows its label beside the number (`4 MPPT`), a text point its text, and bit
/// fields that are set are listed again under the table: alarm and status bits are what a
/// technician looks for first.
enum ModbusResultTable {
    static func render(_ results: [PointResult]) -> String {
        var table = TextTable(header: ["point", "value", "unit", "raw", "status"])
        for result in results {
            table.rows.append([result.point.name, value(result), result.point.unit ?? "",
                               result.point.table.isBitTable ? result.raw.map(String.init).joined(separator: " ") : formatWords(result.raw),
                               status(result)])
        }
        var text = table.render()
        let flags = setFlags(results)
        if !flags.isEmpty {
            text += "\n\nbits set: " + flags.joined(separator: ", ")
        }
        return text
    }

    /// The value as a technician reads it.
    static func value(_ result: PointResult) -> String {
        if case .string = result.point.type, !result.raw.isEmpty,
           case .text(let text)? = RegisterDecoder.decode(result.raw, type: result.point.type, order: result.point.order) {
            return "\"\(text)\""
        }
        guard result.quality.isGood else { return "-" }
        if let label = result.point.label(of: result.value) { return "\(formatValue(result.value)) \(label)" }
        return formatValue(result.value)
    }

    static func status(_ result: PointResult) -> String {
        if let error = result.error { return "\(error.cause)" }
        if case .string = result.point.type, !result.raw.isEmpty { return "good" }
        return result.quality.description
    }

    /// One-bit `bits` points that read 1, by name (with their label when they have one).
    static func setFlags(_ results: [PointResult]) -> [String] {
        results.compactMap { result in
            guard case .bits(let field) = result.point.type, field.width == 1, result.quality.isGood,
                  result.value == 1 else { return nil }
            return result.point.label(of: 1).map { "\(result.point.name) (\($0))" } ?? result.point.name
        }
    }
}
