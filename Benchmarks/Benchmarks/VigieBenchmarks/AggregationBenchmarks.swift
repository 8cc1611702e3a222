import Benchmark
import VigieCore

/// The `aggregate` stage: a 15-minute window of 100 sensors polled every 10 s (9,000 readings).
enum AggregationBenchmarks {
    static let window = WindowRange(start: 1_700_000_100_000, end: 1_700_001_000_000)

    /// 100 sensors (10 devices × 10 points), 90 readings each, in time order.
    static let readings: [Reading] = {
        let sensors = (0..<100).map { SensorID(device: "meter-\($0 / 10)", point: "point-\($0 % 10)") }
        var result: [Reading] = []
        result.reserveCapacity(9_000)
        for step in 0..<90 {
            for (index, sensor) in sensors.enumerated() {
                let value = Double(200 + index) + Double((step * 7 + index) % 13) / 10
                result.append(Reading(sensor: sensor, time: window.start + Int64(step) * 10_000, value: value))
            }
        }
        return result
    }()

    static func register() {
        Benchmark("Aggregate AggregateStatistics.add per reading", configuration: StageConfiguration.micro()) { benchmark in
            var statistics = AggregateStatistics.empty
            var time: Int64 = 0
            for _ in benchmark.scaledIterations {
                time += 1_000
                statistics.add(value: Double(time & 1_023) / 10, time: time, quality: .good)
            }
            blackHole(statistics)
        }
        for (label, statistics) in [("count,min,max,mean,last", [Statistic.count, .min, .max, .mean, .last]),
                                    ("all incl. p50,p95", Statistic.allCases)] {
            Benchmark("Aggregate WindowAggregator 15m window, 100 sensors x 90 readings (\(label))",
                      configuration: StageConfiguration.macro()) { benchmark in
                for _ in benchmark.scaledIterations {
                    var aggregator = WindowAggregator(window: window, statistics: statistics)
                    aggregator.add(contentsOf: readings)
                    blackHole(aggregator.statistics)
                }
            }
        }
        let parts = (0..<4).map { quarter in
            WindowAggregator.compute(window: window, readings: readings.filter { ($0.time - window.start) / 225_000 == quarter })
        }
        Benchmark("Aggregate AggregateStatistics.merged (compaction) per sensor", configuration: StageConfiguration.micro()) { benchmark in
            let sensor = SensorID(device: "meter-0", point: "point-0")
            let left = parts[0][sensor] ?? .empty
            let right = parts[1][sensor] ?? .empty
            for _ in benchmark.scaledIterations {
                blackHole(left.merged(with: right))
            }
        }
    }
}
