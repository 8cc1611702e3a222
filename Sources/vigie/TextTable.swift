/// Rows printed in aligned columns (plain text, fine for a terminal and for a pipe).
struct TextTable {
    var header: [String]
    var rows: [[String]] = []

    func render() -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

/// A number printed without a useless `.0` and without exponent noise for meter values.
func formatValue(_ value: Double) -> String {
    guard value.isFinite else { return value.isNaN ? "-" : "\(value)" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return "\(value)"
}

/// Words as `0x1234` separated by spaces.
func formatWords(_ words: [UInt16]) -> String {
    words.map { word in
        let hex = String(word, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: 4 - hex.count) + hex
    }.joined(separator: " ")
}
