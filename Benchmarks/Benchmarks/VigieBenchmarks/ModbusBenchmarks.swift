import Benchmark
import VigieCore

/// Register decoding (every value type) and request planning over real device profiles.
enum ModbusBenchmarks {
    static func register() {
        registerDecoding()
        registerProfileReply()
        registerPlanning()
    }

    /// One point of each type, CDAB word order (the common order of meters), scaled by 0.1.
    static func registerDecoding() {
        let cases: [(ValueType, [UInt16])] = [
            (.bool, [1]),
            (.int16, [0xFF38]),
            (.uint16, [2_301]),
            (.int32, [0x5678, 0x1234]),
            (.uint32, [0x5678, 0x1234]),
            (.int64, [0x7788, 0x5566, 0x3344, 0x1122]),
            (.uint64, [0x7788, 0x5566, 0x3344, 0x1122]),
            (.float32, [0x6666, 0x4366]),
            (.float64, [0x0000, 0x0000, 0xCCCD, 0x406C]),
            (.string(registers: 8), Array("SDM630-MODBUS-V2".utf8).chunked16()),
        ]
        for (type, words) in cases {
            let point = PointDefinition(name: "p", table: .holding, address: 0, type: type, order: .cdab, scale: 0.1)
            Benchmark("Modbus decode \(type)", configuration: StageConfiguration.micro()) { benchmark in
                for _ in benchmark.scaledIterations {
                    blackHole(RegisterDecoder.reading(words, point: point))
                }
            }
        }
    }

    /// Every point of an Eastron SDM630 from its planned reads' replies: one device poll.
    static func registerProfileReply() {
        let profile = loadProfile("eastron-sdm630")
        let reads = RequestPlanner(maxRegisters: profile.maxRegistersPerRequest).plan(profile.points)
        let replies = reads.map { read in (0..<read.request.count).map { UInt16(truncatingIfNeeded: $0 &* 2_654_435_761) } }
        Benchmark("Modbus decode poll eastron-sdm630 (\(profile.points.count) points)",
                  configuration: StageConfiguration.micro(scaling: .one)) { benchmark in
            for _ in benchmark.scaledIterations {
                for (read, reply) in zip(reads, replies) {
                    for point in read.points {
                        guard let words = read.words(of: point, in: reply) else { continue }
                        blackHole(RegisterDecoder.reading(words, point: point))
                    }
                }
            }
        }
    }

    /// Coalescing a profile's points into reads (done once per device at start-up and on reload).
    static func registerPlanning() {
        for id in ["eastron-sdm630", "sunspec-inverter-float"] {
            let profile = loadProfile(id)
            let planner = RequestPlanner(maxRegisters: profile.maxRegistersPerRequest)
            Benchmark("Modbus plan \(id) (\(profile.points.count) points)",
                      configuration: StageConfiguration.micro(scaling: .one)) { benchmark in
                for _ in benchmark.scaledIterations {
                    blackHole(planner.plan(profile.points))
                }
            }
        }
    }

    static func loadProfile(_ id: String) -> DeviceProfile {
        do {
            return try ProfileLoader.load(id: id, searchDirectories: [BenchmarkFixtures.repositoryRoot + "/devices"])
        } catch {
            fatalError("device profile \(id) could not be loaded: \(error)")
        }
    }
}

extension Array where Element == UInt8 {
    /// Big-endian 16-bit words of the bytes (two characters per register).
    func chunked16() -> [UInt16] {
        stride(from: 0, to: count, by: 2).map { index in
            UInt16(self[index]) << 8 | UInt16(index + 1 < count ? self[index + 1] : 0)
        }
    }
}
