#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Numbers, sizes and durations as a person reads them, for the status page and `vigie status`.
public enum StatusFormat {
    /// `230.41`, `0.5`, `1250`: at most two decimals, no trailing zeros.
    public static func value(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded(), abs(rounded) < 1e15 { return String(Int64(rounded)) }
        return "\(rounded)"
    }

    /// `45 s`, `12 min`, `3 h 05 min`, `2 d 4 h`.
    public static func duration(milliseconds: Int64) -> String {
        let seconds = max(0, milliseconds / 1000)
        switch seconds {
        case ..<60: return "\(seconds) s"
        case ..<3600: return "\(seconds / 60) min"
        case ..<86_400: return "\(seconds / 3600) h \(pad(seconds % 3600 / 60)) min"
        default: return "\(seconds / 86_400) d \(seconds % 86_400 / 3600) h"
        }
    }

    /// `12.3 MB` (powers of 1024, as `ByteSize`).
    public static func bytes(_ bytes: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var size = Double(bytes)
        var index = 0
        while size >= 1024 && index < units.count - 1 {
            size /= 1024
            index += 1
        }
        return index == 0 ? "\(bytes) B" : "\((size * 10).rounded() / 10) \(units[index])"
    }

    /// `2026-03-01 08:00:00` (UTC) from milliseconds since the epoch.
    public static func timestamp(_ milliseconds: Int64) -> String {
        var time = Int(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&time, &parts)
        return "\(parts.tm_year + 1900)-\(pad(Int64(parts.tm_mon + 1)))-\(pad(Int64(parts.tm_mday))) "
            + "\(pad(Int64(parts.tm_hour))):\(pad(Int64(parts.tm_min))):\(pad(Int64(parts.tm_sec)))"
    }

    private static func pad(_ value: Int64) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
