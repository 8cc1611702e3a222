import ArgumentParser
import VigieCore
import VigieStore
#if canImport(Glibc)
import Glibc
#endif

/// `vigie export`: stored readings in time order, as CSV or JSON Lines on stdout.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print stored readings in time order (CSV or JSON Lines), or the hub's commands, or the anomaly events.",
        discussion: """
            Reads DATA_DIR/vigie.db read-only: safe while the daemon runs, or on a copy of the data directory.
            Times are RFC 3339 UTC with milliseconds; --from and --to (inclusive) also take epoch milliseconds.

            Examples:
              vigie export --data-dir /var/lib/vigie > readings.csv
              vigie export --data-dir /var/lib/vigie --sensor 'chaufferie/*' --from 2026-11-28T00:00:00Z --format jsonl
              vigie export --data-dir ./data --sensor '*/co2' --from 1764288000000 --to 1764374400000
              vigie export --data-dir /var/lib/vigie --config /etc/vigie/vigie.yaml --sensor 'chaufferie/*'
              vigie export --data-dir /var/lib/vigie --commands --format jsonl
              vigie export --data-dir /var/lib/vigie --events --sensor 'chaufferie/*'
            With --config, an enum point's label (its `enum:` in the configuration) is added to each
            of its readings: a `label` column in CSV, a "label" field in JSON Lines.
            With --events, each step of each anomaly event the daemon published (open, update,
            close; the newest 2,000 and each device's latest), selected by the step's time.
            """
    )

    @Option(name: .customLong("data-dir"), help: "The gateway's data directory (holding vigie.db).")
    var dataDirectory: String

    @Option(help: "Only sensors matching this glob (`*`, `?`), e.g. 'meter/*'.")
    var sensor: String?

    @Option(help: "Earliest time: RFC 3339 (2026-11-28T23:49:44Z) or epoch milliseconds.")
    var from: String?

    @Option(help: "Latest time: RFC 3339 or epoch milliseconds.")
    var to: String?

    @Option(help: "csv or jsonl.")
    var format: ExportFormat = .csv

    @Option(help: ArgumentHelp("The configuration whose enum points' labels are added to their readings.", valueName: "file"))
    var config: String?

    @Flag(help: "Print the commands received from the hub (the audit trail) instead of readings; --from/--to select by reception time.")
    var commands = false

    @Flag(help: "Print the anomaly events published (each open, update and close) instead of readings; --sensor and --from/--to select them.")
    var events = false

    func validate() throws {
        if commands, sensor != nil { throw ValidationError("--sensor selects readings; it does not apply to --commands") }
        if commands, events { throw ValidationError("--commands and --events each choose what to print; give one") }
        let range = try timeRange()
        if let from = range.from, let to = range.to, from > to {
            throw ValidationError("--from (\(self.from ?? "")) is after --to (\(self.to ?? "")).")
        }
    }

    func run() throws {
        let range = try timeRange()
        let labels = try enumLabels()
        let query = try ReadingQuery(dataDirectory: dataDirectory)
        let output = LineOutput()
        if commands {
            if format == .csv { output.write(ExportFormat.commandsHeader) }
            for command in try query.commands(from: range.from, to: range.to) { output.write(format.line(command)) }
            output.flush()
            return
        }
        if events {
            if format == .csv { output.write(ExportFormat.eventsHeader) }
            for event in try query.events(matching: sensor, from: range.from, to: range.to) { output.write(format.line(event)) }
            output.flush()
            return
        }
        if let header = format.header(withLabels: labels != nil) { output.write(header) }
        let showProgress = isatty(STDERR_FILENO) == 1
        var count = 0
        try query.readings(matching: sensor, from: range.from, to: range.to) { reading in
            if let labels {
                let label = Int(exactly: reading.value).flatMap { labels[reading.sensor]?[$0] }
                output.write(format.line(reading, label: label))
            } else {
                output.write(format.line(reading))
            }
            count += 1
            if showProgress, count % 100_000 == 0 {
                writeError("\rexported \(count) readings")
            }
        }
        output.flush()
        if showProgress { writeError("\rexported \(count) readings\n") }
    }

    /// The labels of every enum point of `--config`'s devices, by sensor; nil without `--config`.
    private func enumLabels() throws -> [SensorID: [Int: String]]? {
        guard let config else { return nil }
        let loaded: LoadedConfiguration
        do {
            loaded = try ConfigurationLoader.load(path: config)
        } catch {
            throw ValidationError(error.diagnostics.map(\.description).joined(separator: "\n"))
        }
        var labels: [SensorID: [Int: String]] = [:]
        let resolver = ModbusDeviceResolver(profiles: loaded.profiles)
        for bus in loaded.configuration.modbus.buses {
            for device in (try? resolver.devices(of: bus)) ?? [] {
                for point in device.points where !point.labels.isEmpty {
                    labels[device.sensor(point)] = point.labels
                }
            }
        }
        return labels
    }

    private func timeRange() throws -> (from: Int64?, to: Int64?) {
        (try from.map { try Self.parseTime($0, option: "--from") }, try to.map { try Self.parseTime($0, option: "--to") })
    }

    static func parseTime(_ text: String, option: String) throws -> Int64 {
        if let millis = Int64(text) { return millis }
        do throws(RFC3339Error) {
            return try RFC3339.milliseconds(text, accepting: .dateOnly)
        } catch {
            throw ValidationError("\(option) '\(text)': not a time (\(error)); use RFC 3339 (2026-11-28T23:49:44Z) or epoch milliseconds.")
        }
    }
}

extension ExportFormat: ExpressibleByArgument {}

/// Writes progress to stderr, unbuffered.
private func writeError(_ text: String) {
    _ = Array(text.utf8).withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}

/// Buffered lines to stdout: one `write` per 64 KB rather than per reading.
private final class LineOutput {
    private var buffer: [UInt8] = []

    init() { buffer.reserveCapacity(1 << 16) }

    func write(_ line: String) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        var offset = 0
        while offset < buffer.count {
            let written = buffer[offset...].withUnsafeBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if written <= 0 { break }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
