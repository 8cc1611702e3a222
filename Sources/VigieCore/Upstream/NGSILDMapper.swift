/// Turns outbox messages into Smart Data Model entities (docs/upstream.md, "NGSI-LD").
///
/// A device with a model (`ngsi_ld:` in its profile or entry) becomes one entity of that type
/// per window, its mapped points as attributes (`phaseVoltage.L1` fills member `L1` of the
/// structured `phaseVoltage`); every other point becomes a `DeviceMeasurement` of its own
/// (`numValue`, `controlledProperty`). A scalar attribute's value is the window's mean (its last
/// value when it has no mean) and the other statistics are its sub-properties.
public struct NGSILDMapper: Sendable {
    /// Models that have a `refDevice` relationship (pysmartdatamodels 0.8.2.0); others get none.
    public static let modelsWithRefDevice: Set<String> = ["ACMeasurement", "IndoorEnvironmentObserved", "DeviceMeasurement"]

    public var gateway: String
    public var models: [String: NGSILDModel]
    public var statistics: [Statistic]

    public init(gateway: String, models: [String: NGSILDModel], statistics: [Statistic]) {
        self.gateway = gateway
        self.models = models
        self.statistics = statistics
    }

    /// The gateway's `Device` entity, which measurements name in `refDevice`.
    public var gatewayDeviceID: String { NGSILDEntity.id(type: "Device", [gateway]) }

    public func entities(of message: UpstreamMessage) -> [NGSILDEntity] {
        switch message {
        case .aggregate(let pack): entities(of: pack)
        case .anomaly(let event): [entity(of: event)]
        case .health(let health): [entity(of: health)]
        case .readings: [] // Never queued for this sink: the configuration refuses `send: readings` for a hub.
        }
    }

    func entities(of pack: AggregatePack) -> [NGSILDEntity] {
        let model = models[pack.device]
        var modelled: [NGSILDEntity.Attribute] = []
        var structured: [(name: String, member: NGSILDEntity.Member, unit: String?)] = []
        var measurements: [NGSILDEntity] = []
        for point in pack.points {
            guard let value = Self.value(point.statistics) else { continue }
            let unitCode = point.unit.flatMap(UNCEFACTUnits.code(for:))
            guard let attribute = model?.attributes[point.name] else {
                let id = NGSILDEntity.id(type: NGSILDModel.deviceMeasurement, [gateway, pack.device, point.name])
                measurements.append(NGSILDEntity(id: id, type: NGSILDModel.deviceMeasurement, attributes: [
                    .init(name: "numValue", value: .number(value), unitCode: unitCode, subProperties: subProperties(point.statistics)),
                    .init(name: "controlledProperty", value: .text(point.name)),
                    .init(name: "refDevice", value: .relationship(gatewayDeviceID)),
                ], observedAt: pack.window.end))
                continue
            }
            let parts = attribute.split(separator: ".")
            if parts.count == 2 {
                structured.append((String(parts[0]), NGSILDEntity.Member(name: String(parts[1]), value: value), unitCode))
            } else {
                modelled.append(.init(name: attribute, value: .number(value), unitCode: unitCode,
                                      subProperties: subProperties(point.statistics)))
            }
        }
        var names: [String] = []
        for item in structured where !names.contains(item.name) { names.append(item.name) }
        for name in names {
            let items = structured.filter { $0.name == name }
            modelled.append(.init(name: name, value: .members(items.map(\.member)), unitCode: items.first?.unit ?? nil))
        }
        guard let model, !modelled.isEmpty else { return measurements }
        if Self.modelsWithRefDevice.contains(model.type) {
            modelled.append(.init(name: "refDevice", value: .relationship(gatewayDeviceID)))
        }
        let entity = NGSILDEntity(id: NGSILDEntity.id(type: model.type, [gateway, pack.device]), type: model.type,
                                  attributes: modelled, observedAt: pack.window.end)
        return [entity] + measurements
    }

    func entity(of event: AnomalyEventMessage) -> NGSILDEntity {
        var breach = [NGSILDEntity.Member(name: "score", value: event.score),
                      NGSILDEntity.Member(name: "peakScore", value: event.peakScore)]
        if let low = event.expectedLow { breach.append(.init(name: "expectedLow", value: low)) }
        if let high = event.expectedHigh { breach.append(.init(name: "expectedHigh", value: high)) }
        var attributes: [NGSILDEntity.Attribute] = [
            .init(name: "anomalousProperty", value: .text(event.sensor.point)),
            .init(name: "dateDetected", value: .dateTime(event.start)),
            .init(name: "detectedBy", value: .text("vigie gateway \(gateway)")),
            .init(name: "thresholdBreach", value: .members(breach)),
            .init(name: "description", value: .text("\(event.phase.rawValue): \(event.reasons.joined(separator: ", "))")),
        ]
        if let value = event.value {
            attributes.append(.init(name: "measuredValue", value: .number(value),
                                    unitCode: event.unit.flatMap(UNCEFACTUnits.code(for:))))
        }
        let id = NGSILDEntity.id(type: "Anomaly", [gateway, event.sensor.device, event.sensor.point, String(event.start)])
        return NGSILDEntity(id: id, type: "Anomaly", attributes: attributes, observedAt: event.time)
    }

    func entity(of health: GatewayHealth) -> NGSILDEntity {
        let counters: [(String, Int64?)] = [("uptimeSeconds", health.uptimeSeconds), ("backlog", health.backlog),
                                            ("readingsIn", health.readingsIn), ("errors", health.errors),
                                            ("oldestPendingAgeSeconds", health.oldestPendingAgeSeconds)]
        let state = NGSILDEntity.Attribute(
            name: "deviceState", value: .text("running"),
            subProperties: counters.compactMap { name, value in value.map { .init(name: name, value: Double($0)) } })
        return NGSILDEntity(id: gatewayDeviceID, type: "Device", attributes: [
            state, .init(name: "dateLastValueReported", value: .dateTime(health.time)),
        ], observedAt: health.time)
    }

    /// What a scalar attribute's value is: the mean, or the last value when there is no mean.
    static func value(_ statistics: AggregateStatistics) -> Double? {
        statistics.value(of: .mean) ?? statistics.value(of: .last)
    }

    private func subProperties(_ stats: AggregateStatistics) -> [NGSILDEntity.SubProperty] {
        var result: [NGSILDEntity.SubProperty] = []
        for statistic in [Statistic.count] + statistics where statistic != .mean && !result.contains(where: { $0.name == statistic.rawValue }) {
            if let value = stats.value(of: statistic) { result.append(.init(name: statistic.rawValue, value: value)) }
        }
        return result
    }
}
