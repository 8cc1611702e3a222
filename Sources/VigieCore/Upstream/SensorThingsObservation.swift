/// What vigie sends to an OGC SensorThings API 1.1 server: Datastream names, the deep insert
/// of the gateway's Thing and Datastreams, and Observations (docs/upstream.md, "SensorThings").
///
/// Each Datastream is one point and one statistic (`<gateway>/<device>/<point>/<statistic>`),
/// or one point's anomaly events (`<gateway>/<device>/<point>/anomaly`); names are unique per
/// server, so a Datastream is found again by name when its id was lost.
public struct SensorThingsStream: Hashable, Sendable {
    public var sensor: SensorID
    /// The statistic that is each Observation's result, nil for the anomaly Datastream.
    public var statistic: Statistic?
    public var unit: String?

    public init(sensor: SensorID, statistic: Statistic?, unit: String?) {
        self.sensor = sensor
        self.statistic = statistic
        self.unit = unit
    }

    /// The Datastream's name at the server, also the key of its id in the store.
    public func name(gateway: String) -> String {
        "\(gateway)/\(sensor.device)/\(sensor.point)/\(statistic?.rawValue ?? "anomaly")"
    }

    /// `POST /Datastreams` (or one element of the Thing's `Datastreams`) with its Sensor and
    /// ObservedProperty inline; `thingID` nil when it is part of the Thing's deep insert.
    public func json(gateway: String, thingID: SensorThingsID?, into writer: inout JSONWriter) {
        let pointName = "\(sensor.device)/\(sensor.point)"
        writer.beginObject()
        writer.field("name", name(gateway: gateway))
        if let statistic {
            writer.field("description", "The \(statistic.rawValue) of \(pointName) over each aggregate window of gateway \(gateway)")
            writer.field("observationType", "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement")
        } else {
            writer.field("description", "Anomaly events of \(pointName) on gateway \(gateway); the result is the score in [0, 1]")
            writer.field("observationType", "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement")
        }
        writer.key("unitOfMeasurement")
        writer.beginObject()
        let symbol = statistic == nil || statistic == .count ? "" : (unit ?? "")
        writer.field("name", symbol.isEmpty ? (statistic == nil ? "anomaly score" : "count") : symbol)
        writer.field("symbol", symbol)
        writer.field("definition", symbol.isEmpty ? "" : "https://www.iana.org/assignments/senml/senml.xhtml#senml-units")
        writer.endObject()
        if let thingID {
            writer.key("Thing")
            thingID.json(into: &writer)
        }
        writer.key("Sensor")
        writer.beginObject()
        writer.field("name", "\(gateway)/\(sensor.device)")
        writer.field("description", "Device \(sensor.device) read by vigie gateway \(gateway)")
        writer.field("encodingType", "text/html")
        writer.field("metadata", "urn:vigie:\(gateway):\(sensor.device)")
        writer.endObject()
        writer.key("ObservedProperty")
        writer.beginObject()
        writer.field("name", statistic == nil ? "\(sensor.point) anomaly score" : sensor.point)
        writer.field("definition", "urn:vigie:point:\(sensor.point)")
        writer.field("description", statistic == nil ? "How anomalous \(sensor.point) is, in [0, 1]" : "Point \(sensor.point)")
        writer.endObject()
        writer.endObject()
    }

    /// `POST /Things`: the gateway with a Location of unknown position (an empty GeoJSON
    /// geometry collection: servers derive each Observation's FeatureOfInterest from it) and `streams`.
    public static func thingJSON(gateway: String, streams: [SensorThingsStream]) -> String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("name", gateway)
        writer.field("description", "vigie gateway \(gateway)")
        writer.key("Locations")
        writer.beginArray()
        writer.beginObject()
        writer.field("name", gateway)
        writer.field("description", "Where gateway \(gateway) is (position not configured)")
        writer.field("encodingType", "application/geo+json")
        writer.key("location")
        writer.beginObject()
        writer.field("type", "GeometryCollection")
        writer.key("geometries")
        writer.beginArray()
        writer.endArray()
        writer.endObject()
        writer.endObject()
        writer.endArray()
        writer.key("Datastreams")
        writer.beginArray()
        for stream in streams { stream.json(gateway: gateway, thingID: nil, into: &writer) }
        writer.endArray()
        writer.endObject()
        return writer.output
    }
}

/// An entity id at a SensorThings server: a string (`'01a2...'` in paths) or a number (FROST).
public struct SensorThingsID: Hashable, Sendable {
    /// How it is written in a path, and how it is stored: `'01a2-...'` or `42`.
    public var literal: String

    public init(literal: String) { self.literal = literal }

    /// From an `@iot.id` member; nil when it is neither a string nor an integer.
    public init?(_ value: JSONValue) {
        switch value {
        case .string(let text): literal = "'" + text.replacingAll("'", with: "''") + "'"
        case .number(let number) where number == number.rounded() && abs(number) < 9e15: literal = String(Int64(number))
        default: return nil
        }
    }

    /// `{"@iot.id": ...}`.
    public func json(into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("@iot.id")
        if literal.hasPrefix("'"), literal.hasSuffix("'"), literal.count >= 2 {
            writer.string(String(literal.dropFirst().dropLast()).replacingAll("''", with: "'"))
        } else if let number = Int64(literal) {
            writer.integer(number)
        } else {
            writer.string(literal)
        }
        writer.endObject()
    }
}

/// One Observation: an aggregate window of one point, or one step of an anomaly event.
public struct SensorThingsObservation: Hashable, Sendable {
    public var stream: SensorThingsStream
    /// The span observed: the window, or the anomaly from its start to this step.
    public var start: Int64
    public var end: Int64
    /// When the result was known: the window's end, the step's time. Identifies the Observation
    /// within its Datastream (what the sink asks the server for after a reconnect).
    public var resultTime: Int64
    public var result: Double?
    /// The other statistics, or the event's details.
    public var parameters: [Parameter]

    /// One member of `parameters`.
    public struct Parameter: Hashable, Sendable {
        public var name: String
        public var value: Value

        public enum Value: Hashable, Sendable {
            case number(Double)
            case text(String)
            case texts([String])
        }

        public init(_ name: String, _ value: Value) {
            self.name = name
            self.value = value
        }
    }

    /// The Observations of one aggregate pack: one per point, `result` the chosen statistic,
    /// the others (among `statistics`, plus `count`) in `parameters`.
    public static func observations(of pack: AggregatePack, result: Statistic, statistics: [Statistic]) -> [Self] {
        pack.points.map { point in
            let stream = SensorThingsStream(sensor: SensorID(device: pack.device, point: point.name), statistic: result,
                                            unit: point.unit)
            var parameters: [Parameter] = []
            for statistic in [Statistic.count] + statistics where statistic != result
                && !parameters.contains(where: { $0.name == statistic.rawValue }) {
                if let value = point.statistics.value(of: statistic) { parameters.append(Parameter(statistic.rawValue, .number(value))) }
            }
            return Self(stream: stream, start: pack.window.start, end: pack.window.end, resultTime: pack.window.end,
                        result: point.statistics.value(of: result), parameters: parameters)
        }
    }

    /// The Observation of one anomaly event step: `result` is the score.
    public static func observation(of event: AnomalyEventMessage) -> Self {
        var parameters = [Parameter("phase", .text(event.phase.rawValue)), Parameter("peakScore", .number(event.peakScore)),
                          Parameter("reasons", .texts(event.reasons))]
        if let value = event.value { parameters.append(Parameter("value", .number(value))) }
        if let unit = event.unit { parameters.append(Parameter("unit", .text(unit))) }
        if let low = event.expectedLow { parameters.append(Parameter("expectedLow", .number(low))) }
        if let high = event.expectedHigh { parameters.append(Parameter("expectedHigh", .number(high))) }
        let end = event.end ?? event.time
        return Self(stream: SensorThingsStream(sensor: event.sensor, statistic: nil, unit: nil),
                    start: min(event.start, end), end: end, resultTime: event.time, result: event.score,
                    parameters: parameters)
    }

    /// `phenomenonTime`: `start/end`, or the start alone for servers that store instants.
    public func phenomenonTime(_ form: SensorThingsSinkConfiguration.PhenomenonTime) -> String {
        switch form {
        case .interval: "\(RFC3339.format(milliseconds: start))/\(RFC3339.format(milliseconds: end))"
        case .start: RFC3339.format(milliseconds: start)
        }
    }

    /// `POST /Observations`.
    public func json(datastreamID: SensorThingsID, form: SensorThingsSinkConfiguration.PhenomenonTime) -> String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("phenomenonTime", phenomenonTime(form))
        writer.field("resultTime", RFC3339.format(milliseconds: resultTime))
        writer.key("result")
        if let result { writer.number(result) } else { writer.null() }
        writer.key("parameters")
        writeParameters(form: form, into: &writer)
        writer.key("Datastream")
        datastreamID.json(into: &writer)
        writer.endObject()
        return writer.output
    }

    /// `POST /CreateObservations` (the data-array extension): one element per Datastream.
    public static func dataArrayJSON(_ groups: [(datastreamID: SensorThingsID, observations: [Self])],
                                     form: SensorThingsSinkConfiguration.PhenomenonTime) -> String {
        var writer = JSONWriter()
        writer.beginArray()
        for group in groups {
            writer.beginObject()
            writer.key("Datastream")
            group.datastreamID.json(into: &writer)
            writer.key("components")
            writer.beginArray()
            for component in ["phenomenonTime", "resultTime", "result", "parameters"] { writer.string(component) }
            writer.endArray()
            writer.key("dataArray")
            writer.beginArray()
            for observation in group.observations {
                writer.beginArray()
                writer.string(observation.phenomenonTime(form))
                writer.string(RFC3339.format(milliseconds: observation.resultTime))
                if let result = observation.result { writer.number(result) } else { writer.null() }
                observation.writeParameters(form: form, into: &writer)
                writer.endArray()
            }
            writer.endArray()
            writer.endObject()
        }
        writer.endArray()
        return writer.output
    }

    private func writeParameters(form: SensorThingsSinkConfiguration.PhenomenonTime, into writer: inout JSONWriter) {
        writer.beginObject()
        if form == .start { writer.field("phenomenonTimeEnd", RFC3339.format(milliseconds: end)) }
        for parameter in parameters {
            writer.key(parameter.name)
            switch parameter.value {
            case .number(let number): writer.number(number)
            case .text(let text): writer.string(text)
            case .texts(let texts):
                writer.beginArray()
                for text in texts { writer.string(text) }
                writer.endArray()
            }
        }
        writer.endObject()
    }
}
