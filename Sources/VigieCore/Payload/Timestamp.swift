/// Times found in payloads, turned into milliseconds since the Unix epoch (UTC).
public enum Timestamp {
    /// Latest instant accepted (year 2500); anything beyond is a payload error, not a time.
    static let maxMilliseconds: Int64 = 16_725_225_600_000

    /// An epoch number: below 1e11 it is seconds (1e11 s is the year 5138), else milliseconds.
    public static func milliseconds(epoch value: Double) -> Int64? {
        guard value.isFinite, value >= 0 else { return nil }
        let millis = value < 1e11 ? value * 1000 : value
        guard millis <= Double(maxMilliseconds) else { return nil }
        return Int64(millis.rounded())
    }

    /// Seconds (SenML times), possibly fractional and negative, to milliseconds; nil when out of range.
    public static func milliseconds(seconds value: Double) -> Int64? {
        guard value.isFinite, abs(value * 1000) <= Double(maxMilliseconds) else { return nil }
        return Int64((value * 1000).rounded())
    }
}
