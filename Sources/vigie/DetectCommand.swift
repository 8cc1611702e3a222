import ArgumentParser
import Glibc
import VigieCore

/// `vigie detect`: replays a CSV series through the anomaly detector (used for evaluation).
struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Score every reading of a CSV series with the anomaly detector.",
        discussion: """
            The input has a header line, then one reading per line: 'timestamp,value', or \
            'sensor,timestamp,value' for several sensors (one detector each). Timestamps may be \
            'YYYY-MM-DD HH:MM:SS' (taken as UTC), RFC 3339, or epoch seconds or milliseconds. \
            The output repeats each line as given, followed by two columns: 'anomaly_score', \
            the detector's score in [0, 1], and 'alarm', 1 on the line where the daemon, at \
            the given --sensitivity, would open an anomaly event on that reading (the same \
            device incident tracker), else 0. The header gains ',anomaly_score,alarm'. \
            Sensors are grouped into devices as in the daemon: a sensor named 'device/point' \
            belongs to 'device'; all the sensors of the input without a '/' in their name are \
            one device (e.g. a pump's eight sensors). A device has one incident at a time. \
            It also opens when a steady sensor's short-term mean shifts from its baseline, \
            for sensors read every 6 s or faster (the baseline's 600 readings span at most an \
            hour; reason unusual_behaviour; 'anomaly_score' stays the sensor's own score); a \
            sensor's statistical alarm opens it only when corroborated by such a shift, or, \
            for a sensor not steady or read less often, by the surprises of two other such \
            sensors, or of the other one on a device of two (data-quality findings, a device \
            of one sensor, and an extreme spike of a sensor read less often than every 6 s, \
            alone). \
            A reading earlier than its sensor's newest one (out of time order) is checked for \
            its range only and teaches the detector nothing, as in the daemon, and it is \
            reported on standard error; gaps are measured from the newest reading. A reading that repeats its sensor's newest one (the same \
            time and value: a message delivered twice) is not scored (score 0), as in the \
            daemon, and counted on standard error. \
            An empty, NaN or infinite value is a failed reading, as the daemon records one \
            (it counts towards the sensor's device errors). An unreadable line (a bad \
            timestamp, a wrong number of fields, a value that is not a number) is reported as \
            'FILE:LINE: message' and echoed with empty score columns, so that the output stays \
            line for line with the input; the run goes on and exits with status 1. A bad or \
            missing header stops it at once.

            Examples:
              vigie detect --input machine_temperature.csv
              vigie detect --input - --sensitivity high < series.csv > scores.csv
              vigie detect --input all.csv --output scores.csv
            """
    )

    @Option(name: .long, help: "The CSV file to read ('-' for standard input).")
    var input: String

    @Option(name: .long, help: "Where to write the scores (standard output when absent).")
    var output: String?

    @Option(name: .long, help: "low, medium or high: the event threshold, how readily data-quality checks fire and, at high, a lower gain on statistical evidence (as anomaly.sensitivity).")
    var sensitivity: Sensitivity = .medium

    @Option(name: .long, help: "Readings per sensor before any anomaly is scored.")
    var warmup: Int = AnomalyConfiguration().warmup

    /// For cross-validation only (scripts/anomaly_cv.py): other values of the tuned constants.
    @Option(name: .long, help: .hidden)
    var tune: String?

    func validate() throws {
        guard warmup >= 0 else { throw ValidationError("--warmup must be 0 or more") }
        _ = try tuning()
    }

    /// The shipped constants, with those `--tune name=value,...` names replaced.
    private func tuning() throws -> (AnomalyTuning, DeviceCorroboration) {
        var tuning = AnomalyTuning()
        var corroboration = DeviceCorroboration()
        for pair in (tune ?? "").split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let value = Double(parts[1]),
                  tuning.set(String(parts[0]), value) || corroboration.set(String(parts[0]), value) else {
                let names = (tuning.values + corroboration.values).map(\.name).joined(separator: ", ")
                throw ValidationError("--tune: '\(pair)' is not NAME=VALUE with NAME one of \(names) and VALUE a number ≥ 0")
            }
        }
        return (tuning, corroboration)
    }

    func run() throws {
        guard let source = input == "-" ? fdopen(0, "r") : fopen(input, "r") else {
            StandardError.print("\(input): cannot open: \(String(cString: strerror(errno)))")
            throw ExitCode.failure
        }
        defer { fclose(source) }
        guard let sink = output.map({ fopen($0, "w") }) ?? fdopen(1, "w") else {
            StandardError.print("\(output ?? "-"): cannot create: \(String(cString: strerror(errno)))")
            throw ExitCode.failure
        }
        defer { fclose(sink) }
        var settings = AnomalyDetectorSettings(sensitivity: sensitivity, warmup: warmup)
        let (tuning, corroboration) = try tuning()
        settings.tuning = tuning
        var detection = SeriesCSVDetection(file: input, settings: settings, corroboration: corroboration)
        var buffer: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(buffer) }
        var number = 0
        var skipped = 0
        while getline(&buffer, &capacity, source) >= 0, let buffer {
            number += 1
            let line = String(cString: buffer)
            do {
                if let out = try detection.process(line: line[...], number: number) {
                    fputs(out, sink)
                    fputs("\n", sink)
                }
            } catch {
                // Without a header nothing can be read. A bad line after it is reported and
                // echoed with empty score columns (the output stays line for line with the
                // input), and the rest of the series is still scored.
                guard detection.sawHeader else {
                    StandardError.print("\(error)")
                    throw ExitCode.failure
                }
                skipped += 1
                if skipped <= Self.linesReported {
                    StandardError.print("\(error)")
                } else if skipped == Self.linesReported + 1 {
                    StandardError.print("\(input): further unreadable lines are counted, not shown")
                }
                fputs(SeriesCSVDetection.unscored(line: line[...]), sink)
                fputs("\n", sink)
            }
        }
        if number == 0 {
            StandardError.print("\(input):1: empty input: expected a header line 'timestamp,value'")
            throw ExitCode.failure
        }
        if detection.failedReadings > 0 {
            StandardError.print("\(input): \(detection.failedReadings) readings without a value (empty, NaN or inf) scored as failed readings")
        }
        if let late = detection.firstLateReading {
            StandardError.print("\(late)")
            StandardError.print("\(input): \(detection.lateReadings) readings earlier than their sensor's newest one (out of time order), checked for their range only")
        }
        if let first = detection.firstStampedAhead {
            StandardError.print("\(first)")
            StandardError.print("\(input): \(detection.stampedAheadReadings) readings found stamped ahead of time (a device's clock glitch), their sensor's clock set back")
        }
        if detection.repeatedReadings > 0 {
            StandardError.print("\(input): \(detection.repeatedReadings) readings repeating their sensor's newest one (same time and value: delivered twice) not scored (score 0)")
        }
        if skipped > 0 {
            StandardError.print("\(input): \(skipped) unreadable lines not scored (empty score columns); the others were")
            throw ExitCode.failure
        }
    }

    /// Unreadable lines shown one by one before they are only counted.
    static let linesReported = 20
}

extension Sensitivity: ExpressibleByArgument {}
