import VigieCore

/// Told about every committed batch, on the writer thread, right after the commit.
///
/// Must be fast and must not block (the detector scores, the status page keeps the latest):
/// the next batch waits for it.
public protocol CommitObserver: Sendable {
    func didCommit(_ readings: [Reading])
}
