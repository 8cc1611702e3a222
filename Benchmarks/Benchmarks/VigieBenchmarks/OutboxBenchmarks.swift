import Benchmark
import VigieCore

/// The `outbox` stage: encoding one device's aggregate pack (10 points, 15m window) for upstream,
/// and the whole send-time path of a sink (what `PublicationRenderer` in VigieDaemon does): read
/// the stored pack back, render the topic, encode the payload.
enum OutboxBenchmarks {
    static func register() {
        let window = AggregationBenchmarks.window
        let statistics = WindowAggregator.compute(window: window, readings: AggregationBenchmarks.readings)
        guard let pack = AggregatePack.packs(window: window, statistics: statistics, unit: { _ in "W" }).first else {
            fatalError("the aggregation sample gave no pack")
        }
        let stored = pack.storageText
        let template: TopicTemplate
        do {
            template = try TopicTemplate(parsing: "territoire/{gateway}/{device}")
        } catch {
            fatalError("topic template is invalid: \(error)")
        }
        let senml = SenMLPackEncoder()
        let json = PlainJSONPackEncoder()
        Benchmark("Outbox encode SenML pack (\(pack.points.count) points)", configuration: StageConfiguration.micro(scaling: .one)) { benchmark in
            for index in benchmark.scaledIterations {
                blackHole(senml.encode(pack, gateway: "mairie-annexe-01", sequence: Int64(index)))
            }
        }
        Benchmark("Outbox encode plain JSON pack (\(pack.points.count) points)", configuration: StageConfiguration.micro(scaling: .one)) { benchmark in
            for index in benchmark.scaledIterations {
                blackHole(json.encode(pack, gateway: "mairie-annexe-01", sequence: Int64(index)))
            }
        }
        Benchmark("Outbox store form of a pack (AggregatePack.storageText)", configuration: StageConfiguration.micro(scaling: .one)) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(pack.storageText)
            }
        }
        for format in UpstreamFormat.allCases {
            Benchmark("Outbox render stored pack to \(format) (PublicationRenderer path)",
                      configuration: StageConfiguration.micro(scaling: .one)) { benchmark in
                for index in benchmark.scaledIterations {
                    guard let message = try? UpstreamMessage(kind: .aggregate, storageText: stored) else {
                        benchmark.error("the stored pack could not be read back")
                        return
                    }
                    blackHole(message.publications(template: template, format: format, statistics: [.count, .min, .max, .mean, .last],
                                                   gateway: "mairie-annexe-01", sequence: Int64(index)))
                }
            }
        }
    }
}
