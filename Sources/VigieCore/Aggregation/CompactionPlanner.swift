/// Plans how old aggregate messages of the outbox are merged into coarser windows when the
/// outbox nears its disk budget (15m → 1h → 1d), before anything has to be dropped.
///
/// Give it only messages no sink has been handed yet (past every sink's send cursor): the hub
/// never saw their sequence numbers. Each merge keeps the group's lowest sequence number for
/// the merged message and removes the others, so messages stay in order and the hub, which
/// drops duplicates by sequence number, sees one message per merged group. Counts, bad counts,
/// min, max, mean, stddev and last merge exactly; p50/p95 become count-weighted means of the
/// parts (see `AggregateStatistics`). The merged pack spans from its first part's start to its
/// last part's end, so a hub can tell a compacted window by its length.
public enum CompactionPlanner {
    /// A stored aggregate message.
    public struct Message: Hashable, Sendable {
        public var sequence: Int64
        public var pack: AggregatePack

        public init(sequence: Int64, pack: AggregatePack) {
            self.sequence = sequence
            self.pack = pack
        }
    }

    /// Replace message `keep` by `pack`, delete `remove`.
    public struct Merge: Hashable, Sendable {
        public var keep: Int64
        public var remove: [Int64]
        public var pack: AggregatePack
    }

    /// Merges, per device, the messages shorter than `window` that fall inside the same aligned
    /// `window`; groups of one message are left alone. Merges come out in sequence order.
    public static func plan(_ messages: [Message], into window: Duration) -> [Merge] {
        let length = window.milliseconds
        guard length > 0 else { return [] }
        struct Key: Hashable { var device: String; var start: Int64 }
        var groups: [Key: [Message]] = [:]
        for message in messages where message.pack.window.milliseconds < length {
            guard let target = WindowRange.aligned(containing: message.pack.window.start, windowMilliseconds: length),
                  message.pack.window.end <= target.end else { continue }
            groups[Key(device: message.pack.device, start: target.start), default: []].append(message)
        }
        var merges: [Merge] = []
        for group in groups.values where group.count > 1 {
            let ordered = group.sorted { $0.sequence < $1.sequence }
            let byTime = group.sorted { $0.pack.window < $1.pack.window }
            var pack = byTime[0].pack
            for message in byTime.dropFirst() { pack = pack.merged(with: message.pack) }
            merges.append(Merge(keep: ordered[0].sequence, remove: ordered.dropFirst().map(\.sequence), pack: pack))
        }
        return merges.sorted { $0.keep < $1.keep }
    }
}
