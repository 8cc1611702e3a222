/// How long queued readings may wait before the batch holding them commits (docs/store.md).
///
/// A commit costs the storage at least one 4 KB block whatever it holds, so at low rates the store
/// lets readings that only vigie holds wait until a commit is worth its cost; readings a sender
/// already counts as delivered keep the short window.
public enum CommitDeadline: Sendable, Equatable {
    /// Within `buffer.batch_interval` (500 ms by default): MQTT readings, which libmosquitto
    /// acknowledged to the broker before vigie stored them.
    case batchInterval
    /// Within `buffer.batch_interval` once enough readings wait to fill a commit, else within
    /// `buffer.commit_interval`: polled (Modbus) readings, which nobody else holds.
    case commitInterval
}
