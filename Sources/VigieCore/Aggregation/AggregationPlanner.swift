/// Decides which aggregation windows are closed and not yet computed.
///
/// The daemon keeps one watermark per configured window length: the end of the last window
/// whose aggregates went into the outbox. In one store transaction it reads the committed
/// readings of each window returned here, writes their packs to the outbox and advances the
/// watermark to the last window's `end`; a crash before the commit recomputes the same
/// windows, a crash after it computes the next ones: each window is sent exactly once.
///
/// A window `[start, end)` closes once `now - grace >= end`. Worked numbers, 15m windows and
/// 30s grace: the 10:00–10:15 window is computed at 10:15:30 or later; after a 3 h outage of
/// the daemon ending at 13:20, the first call returns the 12 windows 10:15 … 13:00–13:15.
public enum AggregationPlanner {
    /// The closed windows after `watermark`, oldest first, at most `limit` of them.
    ///
    /// - Parameters:
    ///   - watermark: End of the last computed window (ms). Nil on a fresh store: only the most
    ///     recently closed window is returned (seed the watermark with the start of the window
    ///     holding the oldest stored reading to aggregate older history instead). A watermark
    ///     that is not on a window boundary (the window length changed) starts a shortened
    ///     first window at the watermark, so no reading is counted twice or skipped.
    ///   - now: Current wall-clock time (ms since the epoch).
    ///   - window: Window length; zero or negative returns nothing (configuration validation
    ///     rejects those before).
    ///   - grace: How long late readings are waited for after a window ends.
    ///   - limit: Most windows returned at once; call again with the new watermark for more
    ///     (keeps a catch-up transaction after a long outage bounded).
    public static func windowsToClose(
        watermark: Int64?, now: Int64, window: Duration, grace: Duration, limit: Int = 1_000
    ) -> [WindowRange] {
        let length = window.milliseconds
        guard length > 0, limit > 0 else { return [] }
        let (cutoff, overflow) = now.subtractingReportingOverflow(Swift.max(0, grace.milliseconds))
        guard !overflow else { return [] }
        // The latest window end that is <= cutoff.
        let lastEnd = WindowRange.floorMultiple(of: length, atOrBelow: cutoff)
        guard let watermark else {
            let (start, overflow) = lastEnd.subtractingReportingOverflow(length)
            return overflow ? [] : [WindowRange(start: start, end: lastEnd)]
        }
        var windows: [WindowRange] = []
        var start = watermark
        while windows.count < limit, start < lastEnd {
            guard let aligned = WindowRange.aligned(containing: start, windowMilliseconds: length) else { break }
            windows.append(WindowRange(start: start, end: aligned.end))
            start = aligned.end
        }
        return windows
    }

    /// When the next window after `watermark` can be computed (ms since the epoch): its end plus
    /// the grace. With a nil watermark, the end of the window containing `now` plus the grace.
    public static func nextDeadline(watermark: Int64?, now: Int64, window: Duration, grace: Duration) -> Int64? {
        let length = window.milliseconds
        guard length > 0 else { return nil }
        guard let next = WindowRange.aligned(containing: watermark ?? now, windowMilliseconds: length) else { return nil }
        let (deadline, overflow) = next.end.addingReportingOverflow(Swift.max(0, grace.milliseconds))
        return overflow ? nil : deadline
    }
}
