import VigieCore
import VigieStore

/// The store's outbox as one sink sees it: binds the sink's name.
///
/// The store has no dead-letter table: a parked (refused) batch is deleted here, and the sink
/// counts it (`vigie_upstream_messages_parked_total`, `SinkStatus.parked`).
public struct StoreSinkOutbox: SinkOutbox {
    public let sink: String
    private let outbox: Outbox
    private let renderer: PublicationRenderer?

    /// Without a renderer, stored rows are sent as they are (their topic and payload are final).
    public init(sink: String, outbox: Outbox, renderer: PublicationRenderer? = nil) {
        self.sink = sink
        self.outbox = outbox
        self.renderer = renderer
    }

    /// Stored messages rendered for this sink (one per publication; see `PublicationRenderer`).
    public func pending(after seq: Int64, limit: Int) async throws -> [PendingMessage] {
        try await outbox.pending(sink: sink, after: seq, limit: limit).flatMap { entry in
            guard let renderer else {
                return [PendingMessage(seq: entry.seq, kind: entry.message.kind, topic: entry.message.topic,
                                       payload: entry.message.payload, createdMillis: entry.message.createdMilliseconds)]
            }
            return renderer.render(seq: entry.seq, kind: entry.message.kind, stored: entry.message.payload,
                                   createdMillis: entry.message.createdMilliseconds)
        }
    }

    public func acknowledge(_ seqs: [Int64]) async throws {
        try await outbox.acknowledge(sink: sink, seqs: seqs)
    }

    public func park(_ seqs: [Int64]) async throws {
        try await outbox.acknowledge(sink: sink, seqs: seqs)
    }

    public func backlog() async throws -> SinkBacklog {
        let all = try await outbox.backlog()
        guard let mine = all.first(where: { $0.sink == sink }) else { return SinkBacklog(count: 0, oldestMillis: nil) }
        return SinkBacklog(count: mine.depth, oldestMillis: mine.oldestCreatedMilliseconds)
    }
}
