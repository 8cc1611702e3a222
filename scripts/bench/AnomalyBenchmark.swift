import Glibc

/// Replays every NAB series (values and times in memory) through `SeasonalBaselineDetector`
/// several times and prints the state size and the best time per reading.
/// Built by scripts/bench-anomaly.sh together with the VigieCore sources (release, -wmo).
@main
enum AnomalyBenchmark {
    static func main() {
        let paths = Array(CommandLine.arguments.dropFirst())
        var series: [[(Int64, Double)]] = []
        for path in paths {
            guard let file = fopen(path, "r") else { continue }
            defer { fclose(file) }
            var rows: [(Int64, Double)] = []
            var line: UnsafeMutablePointer<CChar>?
            var capacity = 0
            var index: Int64 = 0
            while getline(&line, &capacity, file) > 0 {
                guard let line else { break }
                guard let comma = strrchr(line, 44) else { continue }
                let value = strtod(comma + 1, nil)
                if index > 0 { rows.append((index * 300_000, value)) }
                index += 1
            }
            free(line)
            series.append(rows)
        }
        let total = series.reduce(0) { $0 + $1.count }
        var best = Double.infinity
        var checksum = 0.0
        for _ in 0..<5 {
            var start = timespec()
            clock_gettime(CLOCK_MONOTONIC, &start)
            for rows in series {
                var detector = SeasonalBaselineDetector()
                for (time, value) in rows { checksum += detector.process(time: time, value: value).score }
            }
            var end = timespec()
            clock_gettime(CLOCK_MONOTONIC, &end)
            let seconds = Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
            best = min(best, seconds)
        }
        print("files=\(series.count) readings=\(total) checksum=\(checksum)")
        print("state_bytes=\(MemoryLayout<SeasonalBaselineDetector>.size) stride=\(MemoryLayout<SeasonalBaselineDetector>.stride)")
        print("ns_per_reading=\(Int((best / Double(max(total, 1)) * 1e9).rounded()))")
    }
}
