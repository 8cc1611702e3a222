import VigieCore

/// Reads one device's planned reads once, in order, and decodes every point.
///
/// A coalesced read answered with "illegal data address" is replaced in the plan by one read
/// per point (the plan is `inout`, so the split is remembered for later polls) and retried at
/// once. A timeout or a connection failure ends the poll: the remaining points get the same
/// bad quality without being sent, so a dead device costs one timeout per poll, not one per read.
public enum DeviceReader {
    /// Performs `plan` against `unit`, waiting `interRequestDelay` on `clock` between two requests.
    public static func read(_ plan: inout [PlannedRead], unit: Int, connection: ModbusBusConnection,
                            interRequestDelay: Duration = .zero, clock: GatewayClock = .system) async -> [PointResult] {
        var results: [PointResult] = []
        var index = 0
        var abort: ModbusError?
        while index < plan.count {
            let read = plan[index]
            if let abort {
                results += read.points.map { PointResult.failed($0, abort) }
                index += 1
                continue
            }
            if index > 0, interRequestDelay > .zero {
                try? await clock.sleep(for: interRequestDelay)
            }
            let request = read.request
            switch await connection.read(request, unit: unit) {
            case .success(let words):
                results += decode(read, words: words)
            case .failure(let error):
                if error.kind == .exception, error.exceptionCode == 2, read.points.count > 1 {
                    plan.replaceSubrange(index...index, with: RequestPlanner.split(read))
                    continue
                }
                if error.kind == .exception || error.kind == .invalidRequest {
                    results += read.points.map { PointResult.failed($0, error) }
                } else {
                    abort = error
                    results += read.points.map { PointResult.failed($0, error) }
                }
            }
            index += 1
        }
        return ScaleFactorResolution.apply(to: results)
    }

    /// The points of one successful read.
    static func decode(_ read: PlannedRead, words: [UInt16]) -> [PointResult] {
        read.points.map { point in
            guard let slice = read.words(of: point, in: words) else {
                return PointResult(point: point, raw: [], value: .nan, quality: .bad(.decodeFailed))
            }
            let decoded = point.table.isBitTable ? RegisterDecoder.reading(bit: slice.first != 0, point: point)
                                                 : RegisterDecoder.reading(slice, point: point)
            return PointResult(point: point, raw: Array(slice), value: decoded.value, quality: decoded.quality)
        }
    }
}
