import VigieCore
import VigieStore

/// The store's outbox as one sink sees it: binds the sink's name, and renders each stored row
/// for it (`PublicationRenderer`: topic and payload) or hands the rows over as they are stored
/// (`entries`, for the hub sinks).
///
/// The store has no dead-letter table: a parked (refused) batch is deleted here, and the sink
/// counts it (`vigie_upstream_messages_parked_total`, `SinkStatus.parked`).
public struct StoreSinkOutbox: SinkOutbox, HubOutbox {
    public let sink: SinkName
    private let outbox: Outbox
    private let renderer: PublicationRenderer?

    /// Without a renderer, `pending` hands a row over unrendered (its device as `topic`, its
    /// stored text as `payload`): the delivery tests queue final topics and payloads so. The hub
    /// sinks read `entries` instead and encode the decoded messages themselves.
    public init(sink: SinkName, outbox: Outbox, renderer: PublicationRenderer? = nil) {
        self.sink = sink
        self.outbox = outbox
        self.renderer = renderer
    }

    /// Stored messages rendered for this sink (one per publication; see `PublicationRenderer`).
    public func pending(after seq: Int64, limit: Int) async throws -> [PendingMessage] {
        try await entries(after: seq, limit: limit).flatMap { entry in
            renderer?.render(entry) ?? [Self.verbatim(entry)]
        }
    }

    /// Up to `limit` stored rows of this sink with a sequence number above `seq`, unrendered
    /// (`OutboxEntry.decoded` reads each back), oldest first.
    public func entries(after seq: Int64, limit: Int) async throws -> [OutboxEntry] {
        try await outbox.pending(sink: sink, after: seq, limit: limit)
    }

    private static func verbatim(_ entry: OutboxEntry) -> PendingMessage {
        switch entry.message {
        case .success(let message):
            PendingMessage(seq: entry.seq, kind: message.kind, topic: message.device, payload: message.storageText,
                           createdMillis: message.createdMilliseconds)
        case .failure(let unreadable):
            PendingMessage(seq: entry.seq, kind: nil, topic: "", payload: [], createdMillis: 0,
                           undeliverable: "outbox message \(entry.seq): \(unreadable)")
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
