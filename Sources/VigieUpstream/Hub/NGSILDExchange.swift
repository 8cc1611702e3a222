import Logging
import Synchronization
import VigieCore
import VigieHTTP

/// Delivers windows, anomaly events and the gateway's health to an NGSI-LD context broker as
/// Smart Data Model entities (docs/upstream.md, "NGSI-LD").
///
/// - `current`: one `POST /ngsi-ld/v1/entityOperations/upsert?options=update` per round, the
///   latest instance of each entity; a 207 answer holds only the messages of the refused entities.
/// - `temporal`: one `POST /ngsi-ld/v1/temporal/entities` per entity and round, every window an
///   instance. Exactly once: before sending to an entity for the first time since start or since
///   a failed round, the broker is asked which instances (by `observedAt`) of the entity's first
///   attribute it holds in the span about to be sent, and those are skipped.
final class NGSILDExchange: HubExchange {
    private let configuration: NGSILDSinkConfiguration
    private let mapper: NGSILDMapper
    private let connection: HubConnection
    private let logger: Logger
    /// Entities whose instances the broker was asked about since the last failure.
    private let verified = Mutex(Set<String>())

    init(configuration: NGSILDSinkConfiguration, mapper: NGSILDMapper, connection: HubConnection, logger: Logger) {
        self.configuration = configuration
        self.mapper = mapper
        self.connection = connection
        self.logger = logger
    }

    /// What every request carries: the context as a `Link` (never fetched), the tenant, the token.
    static func headers(_ configuration: NGSILDSinkConfiguration, token: String?) -> [String] {
        var headers = ["Link: <\(configuration.context)>; rel=\"http://www.w3.org/ns/json-ld#context\"; type=\"application/ld+json\"",
                       "Accept: application/json"]
        if let tenant = configuration.tenant { headers.append("NGSILD-Tenant: \(tenant)") }
        if let token { headers.append("Authorization: Bearer \(token)") }
        return headers
    }

    func deliver(_ messages: [HubMessage]) async -> HubRound {
        let perMessage = messages.map { (seq: $0.seq, entities: mapper.entities(of: $0.message)) }
        var round = HubRound()
        do throws(HubFailure) {
            switch configuration.mode {
            case .current: try await upsert(perMessage, into: &round)
            case .temporal: try await appendInstances(perMessage, into: &round)
            }
        } catch {
            verified.withLock { $0.removeAll() }
            round.failure = error
        }
        return round
    }

    // MARK: Current mode

    private func upsert(_ perMessage: [(seq: Int64, entities: [NGSILDEntity])], into round: inout HubRound) async throws(HubFailure) {
        var latest: [String: NGSILDEntity] = [:]
        var order: [String] = []
        for entity in perMessage.flatMap(\.entities) {
            if latest[entity.id] == nil { order.append(entity.id) }
            if let known = latest[entity.id], known.observedAt > entity.observedAt { continue }
            latest[entity.id] = entity
        }
        guard !order.isEmpty else {
            round.done += perMessage.map(\.seq)
            return
        }
        var writer = JSONWriter()
        writer.beginArray()
        for id in order { if let entity = latest[id] { NGSILDEntity.json([entity], into: &writer) } }
        writer.endArray()
        let result = await connection.post(configuration.url + "/ngsi-ld/v1/entityOperations/upsert?options=update",
                                           json: writer.output)
        switch HubAnswer(result) {
        case .failure(let failure): throw failure
        case .refused(let answer):
            for (seq, _) in perMessage { round.refused[seq] = answer }
        case .success:
            guard case .success(let response) = result, response.status == 207,
                  case .success(let body) = JSONParser().parse(Array(response.bodyPrefix.utf8)),
                  case .array(let errors)? = body["errors"] else {
                round.done += perMessage.map(\.seq)
                return
            }
            var refusedIDs: [String: String] = [:]
            for error in errors {
                guard let id = error["entityId"]?.stringValue else { continue }
                refusedIDs[id] = "HTTP 207 for \(id): " + (error["error"]?["title"]?.stringValue ?? error["error"]?["detail"]?.stringValue ?? "refused")
            }
            for (seq, entities) in perMessage {
                if let answer = entities.lazy.compactMap({ refusedIDs[$0.id] }).first { round.refused[seq] = answer } else { round.done.append(seq) }
            }
        }
    }

    // MARK: Temporal mode

    private func appendInstances(_ perMessage: [(seq: Int64, entities: [NGSILDEntity])],
                                 into round: inout HubRound) async throws(HubFailure) {
        var order: [String] = []
        var instances: [String: [NGSILDEntity]] = [:]
        for entity in perMessage.flatMap(\.entities) {
            if instances[entity.id] == nil { order.append(entity.id) }
            instances[entity.id, default: []].append(entity)
        }
        var refusedIDs: [String: String] = [:]
        var stored: Set<String> = []
        for id in order {
            guard var pending = instances[id] else { continue }
            if !verified.withLock({ $0.contains(id) }) {
                let held = try await heldInstants(of: pending)
                pending.removeAll { held.contains($0.observedAt) }
                if let count = instances[id]?.count, count > pending.count {
                    logger.info("Instances already held by the broker were not sent again.",
                                metadata: ["entity": "\(id)", "skipped": "\(count - pending.count)"])
                }
            }
            guard !pending.isEmpty else {
                stored.insert(id)
                continue
            }
            var writer = JSONWriter()
            NGSILDEntity.json(pending, into: &writer)
            switch HubAnswer(await connection.post(configuration.url + "/ngsi-ld/v1/temporal/entities", json: writer.output)) {
            case .success:
                verified.withLock { _ = $0.insert(id) }
                stored.insert(id)
            case .refused(let answer): refusedIDs[id] = answer
            case .failure(let failure):
                // The messages whose entities all went before are stored: keep them.
                round.done += perMessage.filter { $0.entities.allSatisfy { stored.contains($0.id) } }.map(\.seq)
                throw failure
            }
        }
        for (seq, entities) in perMessage {
            if let answer = entities.lazy.compactMap({ refusedIDs[$0.id] }).first { round.refused[seq] = answer } else { round.done.append(seq) }
        }
    }

    /// The `observedAt` instants (ms) of the instances the broker holds of these entity instances'
    /// first Property, in the span they cover; none when the broker does not know the entity (404).
    private func heldInstants(of instances: [NGSILDEntity]) async throws(HubFailure) -> Set<Int64> {
        guard let first = instances.first,
              let witness = first.attributes.first(where: { if case .relationship = $0.value { false } else { true } })?.name
        else { return [] }
        let from = instances.map(\.observedAt).min() ?? first.observedAt
        let to = (instances.map(\.observedAt).max() ?? first.observedAt) + 1
        let url = configuration.url + "/ngsi-ld/v1/temporal/entities/" + HubConnection.percentEncoded(first.id)
            + "?attrs=\(witness)&timerel=between&timeAt=\(RFC3339.format(milliseconds: from))"
            + "&endTimeAt=\(RFC3339.format(milliseconds: to))"
        let result = await connection.get(url)
        if case .success(let response) = result, response.status == 404 { return [] }
        switch (HubAnswer(result), result) {
        case (.success, .success(let response)):
            guard case .success(let body) = JSONParser().parse(Array(response.bodyPrefix.utf8)) else {
                throw .server(status: response.status, answer: "the temporal entity \(first.id) is not JSON")
            }
            let values: [JSONValue]
            switch body[witness] {
            case .array(let items)?: values = items
            case let item?: values = [item]
            case nil: values = []
            }
            return Set(values.compactMap { $0["observedAt"]?.stringValue.flatMap { try? RFC3339.milliseconds($0) } })
        case (.refused(let answer), _): throw .server(status: 400, answer: "asking for \(first.id): \(answer)")
        case (.failure(let failure), _): throw failure
        case (.success, .failure(let error)): throw .transport(error.message)
        }
    }
}
