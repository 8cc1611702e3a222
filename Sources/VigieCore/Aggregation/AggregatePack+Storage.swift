/// The compact text form of a pack kept in the outbox until a sink sends it.
///
/// The outbox stores statistics, not a finished payload: each sink encodes the pack in its own
/// format (SenML or JSON) with the message's sequence number when it sends it, and compaction
/// can read packs back and merge them. One line per field, space-separated, names
/// percent-encoded, absent values empty, doubles in Swift's shortest round-trip form:
///
///     vigie-aggregate 1
///     device meter
///     window 1700000000000 1700000002000
///     point voltage V 10 0 229.5 231 230.2 1.5 230.1 1700000001800 230.2 230.9
///
/// (point fields: name unit count bad min max mean m2 last last-time p50 p95).
extension AggregatePack {
    static let storageHeader = "vigie-aggregate 1"

    /// The form to store in the outbox.
    public var storageText: String {
        var lines = [Self.storageHeader, "device \(StorageField.escape(device))",
                     "window \(window.start) \(window.end)"]
        for point in points {
            let s = point.statistics
            let fields: [String] = [
                StorageField.escape(point.name), point.unit.map(StorageField.escape) ?? "",
                String(s.count), String(s.bad), StorageField.number(s.min), StorageField.number(s.max),
                StorageField.number(s.mean), StorageField.number(s.sumOfSquaredDeviations),
                StorageField.number(s.last), s.lastTime.map { String($0) } ?? "",
                StorageField.number(s.p50), StorageField.number(s.p95),
            ] + (point.label.map { [StorageField.escape($0)] } ?? [])
            lines.append("point " + fields.joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }

    /// Reads back `storageText`; throws `UpstreamError` (`badStoredPayload`, with the line) otherwise.
    public init(storageText: String) throws {
        let (lines, lineCount) = try StorageField.body(of: storageText, header: Self.storageHeader, what: "a stored aggregate pack")
        var device: String?
        var window: WindowRange?
        var points: [Point] = []
        for (line, number) in lines {
            let fields = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            switch fields[0] {
            case "device" where fields.count == 2:
                device = try StorageField.unescape(fields[1], line: number)
            case "window" where fields.count == 3:
                guard let start = Int64(fields[1]), let end = Int64(fields[2]), start < end else {
                    throw StorageField.failure("bad window bounds", line: number)
                }
                window = WindowRange(start: start, end: end)
            case "point" where fields.count == 13 || fields.count == 14:
                points.append(try Self.point(fields, line: number))
            default:
                throw StorageField.failure("unexpected line \"\(fields[0])\" with \(fields.count) fields", line: number)
            }
        }
        guard let device, let window else {
            throw StorageField.failure("a stored pack needs a device and a window line", line: lineCount)
        }
        self.init(device: device, window: window, points: points)
    }

    private static func point(_ f: [String], line: Int) throws -> Point {
        guard let count = Int(f[3]), let bad = Int(f[4]), count >= 0, bad >= 0,
              let m2 = try StorageField.double(f[8], line: line) else {
            throw StorageField.failure("bad point counts", line: line)
        }
        let lastTime: Int64?
        if f[10].isEmpty { lastTime = nil } else {
            guard let time = Int64(f[10]) else { throw StorageField.failure("bad last time", line: line) }
            lastTime = time
        }
        let statistics = AggregateStatistics(
            count: count, bad: bad, min: try StorageField.double(f[5], line: line),
            max: try StorageField.double(f[6], line: line), mean: try StorageField.double(f[7], line: line),
            sumOfSquaredDeviations: m2, last: try StorageField.double(f[9], line: line), lastTime: lastTime,
            p50: try StorageField.double(f[11], line: line), p95: try StorageField.double(f[12], line: line))
        let unit = f[2].isEmpty ? nil : try StorageField.unescape(f[2], line: line)
        let label = f.count > 13 ? try StorageField.unescape(f[13], line: line) : nil
        return Point(name: try StorageField.unescape(f[1], line: line), unit: unit, statistics: statistics, label: label)
    }
}
