/// The compact text form of a readings pack kept in the outbox until a sink sends it, in the
/// manner of `AggregatePack.storageText`: one line per field, space-separated, names
/// percent-encoded, an absent unit or a value that is not a number empty, quality as its stored code:
///
///     vigie-readings 1
///     device meter
///     reading voltage V 1700000000000 230.1 0
///
/// (reading fields: point unit time value quality).
extension ReadingsPack {
    static let storageHeader = "vigie-readings 1"

    /// The form to store in the outbox.
    public var storageText: String {
        var lines = [Self.storageHeader, "device \(StorageField.escape(device))"]
        for entry in entries {
            let fields = [StorageField.escape(entry.point), entry.unit.map(StorageField.escape) ?? "", String(entry.time),
                          StorageField.number(entry.value), String(entry.quality.code)]
            lines.append("reading " + fields.joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }

    /// Reads back `storageText`; throws `UpstreamError` (`badStoredPayload`, with the line) otherwise.
    public init(storageText: String) throws {
        let (lines, lineCount) = try StorageField.body(of: storageText, header: Self.storageHeader, what: "a stored readings pack")
        var device: String?
        var entries: [Entry] = []
        for (line, number) in lines {
            let fields = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            switch fields[0] {
            case "device" where fields.count == 2:
                device = try StorageField.unescape(fields[1], line: number)
            case "reading" where fields.count == 6:
                guard let time = Int64(fields[3]), let code = UInt8(fields[5]) else {
                    throw StorageField.failure("bad reading time or quality", line: number)
                }
                entries.append(Entry(point: try StorageField.unescape(fields[1], line: number),
                                     unit: fields[2].isEmpty ? nil : try StorageField.unescape(fields[2], line: number),
                                     time: time, value: try StorageField.double(fields[4], line: number) ?? .nan,
                                     quality: Quality(code: code)))
            default:
                throw StorageField.failure("unexpected line \"\(fields[0])\" with \(fields.count) fields", line: number)
            }
        }
        guard let device else { throw StorageField.failure("a stored readings pack needs a device line", line: lineCount) }
        self.init(device: device, entries: entries)
    }
}
