import VigieCore
import VigieStore

extension OutboxEntry {
    /// The stored message read back (`UpstreamMessage(kind:storageText:)`: the versioned text
    /// forms documented in `AggregatePack+Storage`, `AnomalyEventMessage+Storage` and
    /// `GatewayHealth+Storage`), or why this row can never be sent, in words.
    package var decoded: Result<UpstreamMessage, UndeliverableRow> {
        switch message {
        case .failure(let unreadable):
            return .failure(UndeliverableRow(reason: "outbox message \(seq): \(unreadable)"))
        case .success(let stored):
            do {
                return .success(try UpstreamMessage(kind: stored.kind, storageText: String(decoding: stored.storageText, as: UTF8.self)))
            } catch {
                return .failure(UndeliverableRow(reason: "outbox message \(seq) cannot be read back: \(error)"))
            }
        }
    }
}

/// Why a stored outbox row cannot be sent: a kind this version does not know, or a stored text it cannot parse.
package struct UndeliverableRow: Error, Sendable {
    package var reason: String
}
