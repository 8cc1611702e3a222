import Benchmark

/// The stage benchmarks of vigie, one group per pipeline stage (`make bench`; see
/// docs/performance.md, "Per-stage benchmarks").
let benchmarks: @Sendable () -> Void = {
    ModbusBenchmarks.register()
    PayloadBenchmarks.register()
    AnomalyBenchmarks.register()
    AnomalyBenchmarks.registerDevice()
    AggregationBenchmarks.register()
    StoreBenchmarks.register()
    OutboxBenchmarks.register()
}

/// The configurations the stages share.
enum StageConfiguration {
    /// Time, throughput and allocations: what every stage reports.
    static let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal]

    /// A fast operation repeated `scaling` times per sample: figures are per operation.
    static func micro(scaling: BenchmarkScalingFactor = .kilo, metrics extra: [BenchmarkMetric] = []) -> Benchmark.Configuration {
        Benchmark.Configuration(metrics: metrics + extra, timeUnits: .nanoseconds, warmupIterations: 3,
                                scalingFactor: scaling, maxDuration: .seconds(2), maxIterations: 10_000)
    }

    /// A slow operation (a commit, a whole window): one per sample.
    static func macro(metrics extra: [BenchmarkMetric] = []) -> Benchmark.Configuration {
        Benchmark.Configuration(metrics: metrics + extra, timeUnits: .microseconds, warmupIterations: 2,
                                scalingFactor: .one, maxDuration: .seconds(3), maxIterations: 2_000)
    }
}
