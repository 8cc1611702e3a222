/// Packs one sensor's readings, in time order, into a compact byte string (Gorilla-style, byte-aligned).
///
/// Format: one version byte (1 or 2), then per reading:
/// - a header byte: bits 0-3 the number `n` of significant bytes of the value XOR the previous
///   value (0 when the value repeats), bits 4-6 the number of leading zero bytes of that XOR,
///   bit 7 set when the quality differs from the previous reading's (a quality byte follows);
/// - the delta-of-delta of the time in milliseconds, zigzag varint (1 byte for a steady poll);
/// - the optional quality byte, then the `n` significant XOR bytes, big-endian.
///
/// Version 2 adds a decimal form, header bits 0-3 = 15 and bits 4-6 a scale `k` (0 to 6): the
/// value is `(round(previous × 10^k) + d) / 10^k`, with `d` a zigzag varint after the optional
/// quality byte. The encoder uses it only when it reproduces the value's bits exactly and is
/// shorter: a register scaled by 0.1 moving by a few steps costs 3 bytes instead of 8 to 9.
/// Header bits 0-3 = 14 is the same with the value `(round(previous × 10^k) + d) × 10^-k`, the
/// double 10^-k (0.1, 0.01...): what `raw × 0.1` gives, which is often not the double nearest
/// to `raw / 10`.
///
/// The first reading's "previous" is time `firstTime` with delta 0, value bits 0 and quality good.
/// A steady sensor repeating its value costs 2 bytes per reading; a noisy float 4 to 8.
enum ChunkCodec {
    static let version: UInt8 = 2
    /// Header bits 0-3 marking the decimal forms (version 2): `n / 10^k`, and `n × 10^-k` (a
    /// Modbus register times a scale of 0.1 is the latter, which is not the nearest double to n / 10).
    static let decimalMarker: UInt8 = 0x0f
    static let scaledMarker: UInt8 = 0x0e
    /// The doubles nearest to 10^-k, as a scale written `0.1` in a configuration is.
    static let inversePowersOfTen: [Double] = [1, 0.1, 0.01, 0.001, 0.000_1, 0.000_01, 0.000_001, 0.000_000_1]
    /// Powers of ten of the decimal form's scales (exact doubles).
    static let powersOfTen: [Double] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000]

    /// One stored point of a chunk: the sensor is the chunk's.
    struct Point: Equatable {
        var time: Int64
        var value: Double
        var quality: UInt8
    }

    /// Encodes `points` (sorted by time) relative to `points[0].time`.
    static func encode(_ points: some Collection<Point>) -> [UInt8] {
        var out: [UInt8] = [version]
        out.reserveCapacity(1 + points.count * 4)
        var encoder = Encoder(firstTime: points.first?.time ?? 0)
        for point in points { encoder.append(point, to: &out) }
        return out
    }

    /// Decodes bytes written by `encode`; `firstTime` is the chunk's first time.
    static func decode(_ bytes: [UInt8], firstTime: Int64) throws(StoreError) -> [Point] {
        guard let first = bytes.first, first == 1 || first == version else {
            throw StoreError(.badChunk, "A stored chunk has an unknown format; this vigie is older than the data.")
        }
        var points: [Point] = []
        var index = 1
        var decoder = Decoder(firstTime: firstTime)
        while index < bytes.count {
            points.append(try decoder.next(bytes, &index))
        }
        return points
    }

    /// The running state of `encode`: appends one point after another (also used by `BatchCodec`).
    struct Encoder {
        private var previousTime: Int64
        private var previousDelta: Int64 = 0
        private var previousBits: UInt64 = 0
        private var previousQuality: UInt8 = 0

        init(firstTime: Int64) { previousTime = firstTime }

        /// Appends `point`; without `writesTime` its delta-of-delta is left out (it must be 0: the
        /// first point of a `BatchCodec` group, at the group's time).
        mutating func append(_ point: Point, to out: inout [UInt8], writesTime: Bool = true) {
            let delta = point.time &- previousTime
            let deltaOfDelta = delta &- previousDelta
            let xor = point.value.bitPattern ^ previousBits
            let leading = xor == 0 ? 0 : min(xor.leadingZeroBitCount / 8, 7)
            let trailing = xor == 0 ? 8 : xor.trailingZeroBitCount / 8
            let significant = xor == 0 ? 0 : 8 - leading - trailing
            let qualityChanged = point.quality != previousQuality
            let qualityBit: UInt8 = qualityChanged ? 0x80 : 0
            let decimal = significant > 1 ? ChunkCodec.decimal(point.value, after: previousBits) : nil
            if let decimal, ChunkCodec.varintLength(ChunkCodec.zigzag(decimal.difference)) < significant {
                out.append(decimal.marker | UInt8(decimal.scale) << 4 | qualityBit)
                if writesTime { ChunkCodec.appendVarint(ChunkCodec.zigzag(deltaOfDelta), to: &out) }
                if qualityChanged { out.append(point.quality) }
                ChunkCodec.appendVarint(ChunkCodec.zigzag(decimal.difference), to: &out)
            } else {
                out.append(UInt8(significant) | UInt8(leading) << 4 | qualityBit)
                if writesTime { ChunkCodec.appendVarint(ChunkCodec.zigzag(deltaOfDelta), to: &out) }
                if qualityChanged { out.append(point.quality) }
                if significant > 0 {
                    for index in leading..<(leading + significant) {
                        out.append(UInt8(truncatingIfNeeded: xor >> UInt64(8 * (7 - index))))
                    }
                }
            }
            previousTime = point.time
            previousDelta = delta
            previousBits = point.value.bitPattern
            previousQuality = point.quality
        }
    }

    /// The running state of `decode`: reads one point after another.
    struct Decoder {
        private var previousTime: Int64
        private var previousDelta: Int64 = 0
        private var previousBits: UInt64 = 0
        private var previousQuality: UInt8 = 0

        init(firstTime: Int64) { previousTime = firstTime }

        /// Reads one point; without `readsTime`, one written without its time (delta-of-delta 0).
        mutating func next(_ bytes: [UInt8], _ index: inout Int, readsTime: Bool = true) throws(StoreError) -> Point {
            guard index < bytes.count else { throw ChunkCodec.truncated() }
            let header = bytes[index]
            index += 1
            let significant = Int(header & 0x0f)
            let leading = Int((header >> 4) & 0x07)
            let isDecimal = header & 0x0f >= ChunkCodec.scaledMarker
            guard isDecimal || (significant <= 8 && leading + significant <= 8) else { throw ChunkCodec.truncated() }
            let deltaOfDelta = readsTime ? ChunkCodec.unzigzag(try ChunkCodec.readVarint(bytes, &index)) : 0
            var quality = previousQuality
            if header & 0x80 != 0 {
                guard index < bytes.count else { throw ChunkCodec.truncated() }
                quality = bytes[index]
                index += 1
            }
            let bits: UInt64
            if isDecimal {
                let difference = ChunkCodec.unzigzag(try ChunkCodec.readVarint(bytes, &index))
                guard let value = ChunkCodec.decimalValue(after: previousBits, marker: header & 0x0f, scale: leading,
                                                          difference: difference) else {
                    throw ChunkCodec.truncated()
                }
                bits = value.bitPattern
            } else {
                guard index + significant <= bytes.count else { throw ChunkCodec.truncated() }
                var xor: UInt64 = 0
                for position in leading..<(leading + significant) {
                    xor |= UInt64(bytes[index]) << UInt64(8 * (7 - position))
                    index += 1
                }
                bits = previousBits ^ xor
            }
            let delta = previousDelta &+ deltaOfDelta
            let time = previousTime &+ delta
            previousTime = time
            previousDelta = delta
            previousBits = bits
            previousQuality = quality
            return Point(time: time, value: Double(bitPattern: bits), quality: quality)
        }
    }

    /// Largest integer magnitude of the decimal form: every integer below it is an exact double.
    private static let decimalLimit: Double = 9_007_199_254_740_992

    /// The smallest scale at which `value` is exactly `(round(previous × 10^k) + difference) / 10^k`,
    /// or else `× 10^-k`, with the header marker of that form.
    static func decimal(_ value: Double, after previousBits: UInt64) -> (marker: UInt8, scale: Int, difference: Int64)? {
        guard value.isFinite else { return nil }
        let previous = Double(bitPattern: previousBits)
        for marker in [decimalMarker, scaledMarker] {
            for scale in 0...6 {
                let power = powersOfTen[scale]
                let scaled = (value * power).rounded()
                guard abs(scaled) < decimalLimit else { break }
                // As the decoder computes it (from an integer: -0.0 does not survive, and is not taken).
                guard decimalValue(Int64(scaled), marker: marker, scale: scale).bitPattern == value.bitPattern else { continue }
                guard let base = decimalBase(previous, power) else { return nil }
                return (marker, scale, Int64(scaled) - base)
            }
        }
        return nil
    }

    /// The value of a decimal-form reading; nil when damaged bytes give no exact double.
    static func decimalValue(after previousBits: UInt64, marker: UInt8, scale: Int, difference: Int64) -> Double? {
        guard scale < powersOfTen.count, let base = decimalBase(Double(bitPattern: previousBits), powersOfTen[scale]) else {
            return nil
        }
        let (scaled, overflow) = base.addingReportingOverflow(difference)
        guard !overflow, abs(Double(scaled)) < decimalLimit else { return nil }
        return decimalValue(scaled, marker: marker, scale: scale)
    }

    private static func decimalValue(_ scaled: Int64, marker: UInt8, scale: Int) -> Double {
        marker == decimalMarker ? Double(scaled) / powersOfTen[scale] : Double(scaled) * inversePowersOfTen[scale]
    }

    /// `round(previous × power)` as an integer, nil when not finite or too large to be exact.
    private static func decimalBase(_ previous: Double, _ power: Double) -> Int64? {
        let base = (previous * power).rounded()
        guard abs(base) < decimalLimit else { return nil }
        return Int64(base)
    }

    static func varintLength(_ value: UInt64) -> Int {
        value == 0 ? 1 : (64 - value.leadingZeroBitCount + 6) / 7
    }

    static func zigzag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }

    static func unzigzag(_ value: UInt64) -> Int64 { Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1) }

    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    static func readVarint(_ bytes: [UInt8], _ index: inout Int) throws(StoreError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard index < bytes.count, shift < 64 else { throw truncated() }
            let byte = bytes[index]
            index += 1
            value |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    static func truncated() -> StoreError {
        StoreError(.badChunk, "A stored chunk of readings is truncated or damaged; export what remains and report it.")
    }
}
