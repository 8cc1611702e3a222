import VigieCore

/// Applies scale-factor registers (`scale_from:`, SunSpec's `sunssf`) to the results of one poll.
///
/// A value is combined only with the factor read in the same poll: the factor decides the
/// value's power of ten, so a device that changes `W_SF` from -1 to 0 while `W` goes from 12340
/// to 1234 reads 1234 both times. A factor that failed, is "not implemented" (0x8000) or lies
/// outside SunSpec's -10...10 makes the values it scales bad, never a guess.
enum ScaleFactorResolution {
    /// A factor as read: a power of ten, or why it cannot be used.
    enum Factor {
        case exponent(Int)
        case unusable(Quality.BadReason)
    }

    /// SunSpec's "not implemented" for a `sunssf`.
    static let notImplemented = -32768

    static func apply(to results: [PointResult]) -> [PointResult] {
        guard results.contains(where: { $0.point.scaleFrom != nil }) else { return results }
        var factors: [String: Factor] = [:]
        for result in results where factors[result.point.name] == nil {
            factors[result.point.name] = factor(of: result)
        }
        return results.map { result in
            guard let name = result.point.scaleFrom, result.quality.isGood else { return result }
            var scaled = result
            switch factors[name] ?? .unusable(.decodeFailed) {
            case .exponent(let exponent):
                let reading = RegisterDecoder.reading(result.raw, point: result.point, factor: exponent)
                scaled.value = reading.value
                scaled.quality = reading.quality
            case .unusable(let reason):
                scaled.value = .nan
                scaled.quality = .bad(reason)
            }
            return scaled
        }
    }

    /// The power of ten a factor point read, or why it cannot be used.
    static func factor(of result: PointResult) -> Factor {
        guard result.quality.isGood else {
            if case .bad(let reason) = result.quality { return .unusable(reason) }
            return .unusable(.decodeFailed)
        }
        guard let raw = result.raw.first else { return .unusable(.decodeFailed) }
        let exponent = Int(Int16(bitPattern: raw))
        if exponent == notImplemented { return .unusable(.notANumber) }
        guard RegisterDecoder.scaleFactorRange.contains(exponent) else { return .unusable(.outOfRange) }
        return .exponent(exponent)
    }
}
