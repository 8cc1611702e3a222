import Logging
import Synchronization
import VigieCore
import VigieHTTP

/// Delivers windows and anomaly events to an OGC SensorThings API 1.1 server
/// (docs/upstream.md, "SensorThings").
///
/// Entities: the gateway's Thing and one Datastream per point and statistic (and per point for
/// anomalies) are found by name or created (the Thing by deep insert with its Datastreams, a later
/// Datastream with its Sensor and ObservedProperty inline); their ids are kept in the store. An id
/// the server no longer knows (404) is forgotten and the entity found or created again.
///
/// Exactly once: servers do not drop duplicate Observations, so before sending to a Datastream
/// for the first time since start or since a failed round, the exchange asks which of the
/// Observations about to be sent the server already holds (by `resultTime`, which is the window's
/// end: unique per Datastream) and skips them.
final class SensorThingsExchange: HubExchange {
    private let configuration: SensorThingsSinkConfiguration
    private let gateway: String
    private let statistics: [Statistic]
    private let connection: HubConnection
    private let identifiers: any HubIdentifierStore
    private let logger: Logger
    private let state = Mutex(State())

    static let thingKey = "thing"
    /// Observations asked for per page: servers cap `$top` (django-ogc-sensorthings at 100).
    static let pageSize = 100

    private struct State {
        var ids: [String: SensorThingsID]?
        /// Datastreams whose Observations the server was asked about since the last failure.
        var verified: Set<SensorThingsID> = []
        /// Whether the server offers `CreateObservations`; nil until its landing page was read.
        var dataArray: Bool?
        /// After a `CreateObservations` with refused elements: send one by one to find the culprit.
        var singlesNext = false
    }

    init(configuration: SensorThingsSinkConfiguration, gateway: String, statistics: [Statistic],
         connection: HubConnection, identifiers: any HubIdentifierStore, logger: Logger) {
        self.configuration = configuration
        self.gateway = gateway
        self.statistics = statistics
        self.connection = connection
        self.identifiers = identifiers
        self.logger = logger
    }

    func deliver(_ messages: [HubMessage]) async -> HubRound {
        var round = HubRound()
        do throws(HubFailure) {
            try await prepare()
            var perMessage: [(seq: Int64, observations: [SensorThingsObservation])] = []
            for item in messages {
                switch item.message {
                case .aggregate(let pack):
                    perMessage.append((item.seq, SensorThingsObservation.observations(of: pack, result: configuration.result,
                                                                                      statistics: statistics)))
                case .anomaly(let event):
                    perMessage.append((item.seq, [SensorThingsObservation.observation(of: event)]))
                case .health, .readings:
                    // SensorThings has no place for the gateway's health; readings are never queued
                    // for a hub (the configuration refuses `send: readings`).
                    round.done.append(item.seq)
                }
            }
            let streams = Array(Set(perMessage.flatMap { $0.observations.map(\.stream) }))
            let ids = try await resolve(streams.sorted { $0.name(gateway: gateway) < $1.name(gateway: gateway) })
            var toSend: [(seq: Int64, observations: [(SensorThingsObservation, SensorThingsID)])] = []
            var held: [SensorThingsID: Set<Int64>] = [:]
            for (stream, id) in ids where !state.withLock({ $0.verified.contains(id) }) {
                let times = perMessage.flatMap { $0.observations }.filter { $0.stream == stream }.map(\.resultTime)
                held[id] = try await heldResultTimes(datastream: id, key: stream.name(gateway: gateway),
                                                     from: times.min() ?? 0, to: times.max() ?? 0, count: times.count)
            }
            var skipped = 0
            for (seq, observations) in perMessage {
                var remaining: [(SensorThingsObservation, SensorThingsID)] = []
                for observation in observations {
                    guard let id = ids[observation.stream] else { continue }
                    if held[id]?.contains(observation.resultTime) == true { skipped += 1 } else { remaining.append((observation, id)) }
                }
                toSend.append((seq, remaining))
            }
            if skipped > 0 {
                logger.info("Observations already held by the server were not sent again.", metadata: ["skipped": "\(skipped)"])
            }
            try await send(toSend, into: &round)
        } catch {
            state.withLock { $0.verified.removeAll() }
            round.failure = error
        }
        return round
    }

    // MARK: Sending

    private func send(_ items: [(seq: Int64, observations: [(SensorThingsObservation, SensorThingsID)])],
                      into round: inout HubRound) async throws(HubFailure) {
        let total = items.reduce(0) { $0 + $1.observations.count }
        let batched = state.withLock { state in
            defer { state.singlesNext = false }
            return state.dataArray == true && !state.singlesNext
        }
        if batched, total > 1 {
            try await sendDataArray(items, into: &round)
            return
        }
        for (seq, observations) in items {
            var refused: String?
            for (observation, id) in observations where refused == nil {
                let result = await connection.post(configuration.url + "/Observations",
                                                   json: observation.json(datastreamID: id, form: configuration.phenomenonTime))
                switch HubAnswer(result) {
                case .success:
                    state.withLock { _ = $0.verified.insert(id) }
                case .refused(let answer):
                    if try await isLost(datastream: id, key: observation.stream.name(gateway: gateway)) {
                        throw .server(status: 404, answer: "Datastream \(id.literal) is gone; it will be created again")
                    }
                    refused = answer
                case .failure(let failure):
                    throw failure
                }
            }
            if let refused { round.refused[seq] = refused } else { round.done.append(seq) }
        }
    }

    /// One `CreateObservations` request; its answer has one entry per Observation, a URL or `error`.
    private func sendDataArray(_ items: [(seq: Int64, observations: [(SensorThingsObservation, SensorThingsID)])],
                               into round: inout HubRound) async throws(HubFailure) {
        var order: [SensorThingsID] = []
        var groups: [SensorThingsID: [SensorThingsObservation]] = [:]
        for (_, observations) in items {
            for (observation, id) in observations {
                if groups[id] == nil { order.append(id) }
                groups[id, default: []].append(observation)
            }
        }
        let body = SensorThingsObservation.dataArrayJSON(order.map { ($0, groups[$0] ?? []) }, form: configuration.phenomenonTime)
        let result = await connection.post(configuration.url + "/CreateObservations", json: body)
        let response: HTTPPoster.Response
        switch (HubAnswer(result), result) {
        case (.success, .success(let answer)): response = answer
        case (.refused, _):
            // Which one? Send them one by one next round: the culprit alone is held.
            state.withLock { $0.singlesNext = true }
            throw .server(status: 400, answer: "CreateObservations refused; sending one by one to find the culprit")
        case (.failure(let failure), _): throw failure
        case (.success, .failure(let error)): throw .transport(error.message)
        }
        guard case .success(.array(let entries)) = JSONParser().parse(Array(response.bodyPrefix.utf8)) else {
            throw .server(status: response.status, answer: "CreateObservations answer is not a JSON array")
        }
        let failed = entries.filter { $0.stringValue.map { !$0.hasPrefix("http") } ?? true }.count
        guard failed == 0 else {
            state.withLock { $0.singlesNext = true }
            throw .server(status: response.status, answer: "CreateObservations stored \(entries.count - failed) of \(entries.count)")
        }
        state.withLock { $0.verified.formUnion(order) }
        round.done += items.map(\.seq)
    }

    // MARK: What the server holds

    /// The `resultTime`s (ms) of the Observations the server holds in `from...to` for a Datastream.
    private func heldResultTimes(datastream id: SensorThingsID, key: String, from: Int64, to: Int64,
                                 count: Int) async throws(HubFailure) -> Set<Int64> {
        if try await isLost(datastream: id, key: key) {
            throw .server(status: 404, answer: "Datastream \(key) is gone from the server; it will be created again")
        }
        let filter = "resultTime ge \(RFC3339.format(milliseconds: from)) and resultTime le \(RFC3339.format(milliseconds: to))"
        var next: String? = configuration.url + "/Datastreams(\(HubConnection.percentEncoded(id.literal)))/Observations?$filter="
            + HubConnection.percentEncoded(filter) + "&$orderby=" + HubConnection.percentEncoded("resultTime asc,id asc")
            + "&$top=\(min(count, Self.pageSize))"
        var times: Set<Int64> = []
        // Pages until the server has no next one (bounded, as a server could loop); ordered, or a
        // server may page an unordered list inconsistently and an Observation be missed and sent twice.
        for _ in 0..<(count / Self.pageSize + 10) {
            guard let url = next else { break }
            let page = try await getJSON(url)
            guard case .array(let observations)? = page["value"] else {
                throw .server(status: 200, answer: "the Observations of Datastream \(id.literal) are not a list")
            }
            times.formUnion(observations.compactMap { $0["resultTime"]?.stringValue.flatMap { try? RFC3339.milliseconds($0) } })
            next = page["@iot.nextLink"]?.stringValue.map { $0.replacingAll(" ", with: "%20") }
        }
        return times
    }

    private func isLost(datastream id: SensorThingsID, key: String) async throws(HubFailure) -> Bool {
        let result = await connection.get(configuration.url + "/Datastreams(\(HubConnection.percentEncoded(id.literal)))")
        guard case .success(let response) = result, response.status == 404 else { return false }
        try await forget([key])
        return true
    }

    // MARK: Entities

    /// Reads the remembered ids and whether the server offers `CreateObservations`, once.
    private func prepare() async throws(HubFailure) {
        if state.withLock({ $0.ids == nil }) {
            let stored: [String: String]
            do { stored = try await identifiers.load() } catch {
                throw .transport("the store's hub identifiers could not be read: \(error)")
            }
            state.withLock { $0.ids = stored.mapValues(SensorThingsID.init(literal:)) }
        }
        if state.withLock({ $0.dataArray == nil }) {
            // The landing page lists the conformance classes; a server without one offers no extension.
            let landing: JSONValue?
            do { landing = try await getJSON(configuration.url + "/") } catch {
                if case .server(400, _) = error { landing = nil } else { throw error }
            }
            var offers = false
            if case .array(let conformance)? = landing?["serverSettings"]?["conformance"] {
                offers = conformance.contains { $0.stringValue?.hasSuffix("/req/data-array") == true
                    || $0.stringValue?.hasSuffix("/req/data-array/data-array") == true }
            }
            state.withLock { $0.dataArray = offers }
            logger.info("SensorThings server read.", metadata: ["create_observations": "\(offers)"])
        }
    }

    /// The Datastream id of each stream, found by name or created.
    private func resolve(_ streams: [SensorThingsStream]) async throws(HubFailure) -> [SensorThingsStream: SensorThingsID] {
        var ids: [SensorThingsStream: SensorThingsID] = [:]
        var missing: [SensorThingsStream] = []
        for stream in streams {
            let key = stream.name(gateway: gateway)
            if let id = state.withLock({ $0.ids?[key] }) {
                ids[stream] = id
            } else if let id = try await find("Datastreams", named: key) {
                try await remember(key, id)
                ids[stream] = id
            } else {
                missing.append(stream)
            }
        }
        guard !missing.isEmpty else { return ids }
        var thing = state.withLock { $0.ids?[Self.thingKey] }
        if thing == nil, let found = try await find("Things", named: gateway) {
            try await remember(Self.thingKey, found)
            thing = found
        }
        if let thing {
            for stream in missing {
                var writer = JSONWriter()
                stream.json(gateway: gateway, thingID: thing, into: &writer)
                try await create(configuration.url + "/Datastreams", writer.output, what: stream.name(gateway: gateway))
            }
        } else {
            try await create(configuration.url + "/Things", SensorThingsStream.thingJSON(gateway: gateway, streams: missing),
                             what: "Thing \(gateway)")
            if let found = try await find("Things", named: gateway) { try await remember(Self.thingKey, found) }
        }
        for stream in missing {
            let key = stream.name(gateway: gateway)
            guard let id = try await find("Datastreams", named: key) else {
                throw .server(status: 201, answer: "Datastream \(key) was created but cannot be found by name")
            }
            try await remember(key, id)
            ids[stream] = id
        }
        return ids
    }

    private func create(_ url: String, _ json: String, what: String) async throws(HubFailure) {
        switch HubAnswer(await connection.post(url, json: json)) {
        case .success: logger.info("Created at the SensorThings server.", metadata: ["entity": "\(what)"])
        case .refused(let answer): throw .server(status: 400, answer: "creating \(what) was refused: \(answer)")
        case .failure(let failure): throw failure
        }
    }

    /// The id of the entity of `collection` named `name`, nil when there is none.
    private func find(_ collection: String, named name: String) async throws(HubFailure) -> SensorThingsID? {
        let filter = "name eq '" + name.replacingAll("'", with: "''") + "'"
        let value = try await getJSON(configuration.url + "/\(collection)?$filter=" + HubConnection.percentEncoded(filter)
                                          + "&$top=1")
        return value["value"]?[0]?["@iot.id"].flatMap(SensorThingsID.init)
    }

    private func getJSON(_ url: String) async throws(HubFailure) -> JSONValue {
        let result = await connection.get(url)
        switch (HubAnswer(result), result) {
        case (.success, .success(let response)):
            guard case .success(let value) = JSONParser().parse(Array(response.bodyPrefix.utf8)) else {
                throw .server(status: response.status, answer: "not JSON: \(response.bodyPrefix.prefix(120))")
            }
            return value
        case (.refused(let answer), _): throw .server(status: 400, answer: "GET \(url): \(answer)")
        case (.failure(let failure), _): throw failure
        case (.success, .failure(let error)): throw .transport(error.message)
        }
    }

    private func remember(_ key: String, _ id: SensorThingsID) async throws(HubFailure) {
        state.withLock { $0.ids?[key] = id }
        do { try await identifiers.remember(key: key, id: id.literal) } catch {
            throw .transport("the store could not keep the id of \(key): \(error)")
        }
    }

    private func forget(_ keys: [String]) async throws(HubFailure) {
        state.withLock { state in for key in keys { state.ids?[key] = nil } }
        do { try await identifiers.forget(keys: keys) } catch {
            throw .transport("the store could not forget the ids of \(keys): \(error)")
        }
    }
}
