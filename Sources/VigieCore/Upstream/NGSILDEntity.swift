/// One NGSI-LD entity (or one instance of it) as vigie sends it to a context broker
/// (docs/upstream.md, "NGSI-LD").
///
/// Ids are derived from names only, `urn:ngsi-ld:<Type>:<gateway>:<device>` (plus `:<point>`
/// for `DeviceMeasurement`, plus `:<point>:<start>` for an `Anomaly`), so sending the same window
/// again addresses the same entity. Every Property carries `observedAt` (RFC 3339 UTC).
public struct NGSILDEntity: Hashable, Sendable {
    public var id: String
    public var type: String
    public var attributes: [Attribute]
    /// When the entity's data was observed: the window's end, the event's time.
    public var observedAt: Int64

    public struct Attribute: Hashable, Sendable {
        public var name: String
        public var value: Value
        public var unitCode: String?
        /// Window statistics the model has no attribute for: `min`, `max`, `count`...
        public var subProperties: [SubProperty]

        public init(name: String, value: Value, unitCode: String? = nil, subProperties: [SubProperty] = []) {
            self.name = name
            self.value = value
            self.unitCode = unitCode
            self.subProperties = subProperties
        }
    }

    public struct SubProperty: Hashable, Sendable {
        public var name: String
        public var value: Double
    }

    public enum Value: Hashable, Sendable {
        case number(Double)
        case text(String)
        case dateTime(Int64)
        /// A structured value: `{"L1": 230.1, "L2": 229.8}`.
        case members([Member])
        case relationship(String)
    }

    public struct Member: Hashable, Sendable {
        public var name: String
        public var value: Double
    }

    public init(id: String, type: String, attributes: [Attribute], observedAt: Int64) {
        self.id = id
        self.type = type
        self.attributes = attributes
        self.observedAt = observedAt
    }

    /// `urn:ngsi-ld:<type>:<parts joined by :>`, each part made safe for a URN.
    public static func id(type: String, _ parts: [String]) -> String {
        "urn:ngsi-ld:\(type):" + parts.map(urnPart).joined(separator: ":")
    }

    /// Characters outside `A-Z a-z 0-9 - . _` become `_` (a URN's name part allows little more).
    static func urnPart(_ text: String) -> String {
        String(text.unicodeScalars.map { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", ".", "_": Character(scalar)
            default: "_"
            }
        })
    }

    /// The entity as JSON; with `instances`, each attribute is an array of instances, one per
    /// entity given (same id), as `POST /temporal/entities` takes them.
    public static func json(_ entities: [NGSILDEntity], into writer: inout JSONWriter) {
        guard let first = entities.first else { return }
        writer.beginObject()
        writer.field("id", first.id)
        writer.field("type", first.type)
        var names: [String] = []
        for entity in entities { for attribute in entity.attributes where !names.contains(attribute.name) { names.append(attribute.name) } }
        for name in names {
            let instances = entities.compactMap { entity in
                entity.attributes.first { $0.name == name }.map { (entity.observedAt, $0) }
            }
            writer.key(name)
            if entities.count > 1 { writer.beginArray() }
            for (observedAt, attribute) in instances { attribute.json(observedAt: observedAt, into: &writer) }
            if entities.count > 1 { writer.endArray() }
        }
        writer.endObject()
    }
}

extension NGSILDEntity.Attribute {
    func json(observedAt: Int64, into writer: inout JSONWriter) {
        writer.beginObject()
        switch value {
        case .relationship(let object):
            writer.field("type", "Relationship")
            writer.field("object", object)
        default:
            writer.field("type", "Property")
            writer.key("value")
            switch value {
            case .number(let number): writer.number(number)
            case .text(let text): writer.string(text)
            case .dateTime(let millis):
                writer.beginObject()
                writer.field("@type", "DateTime")
                writer.field("@value", RFC3339.format(milliseconds: millis))
                writer.endObject()
            case .members(let members):
                writer.beginObject()
                for member in members { writer.field(member.name, member.value) }
                writer.endObject()
            case .relationship: break
            }
            if let unitCode { writer.field("unitCode", unitCode) }
        }
        writer.field("observedAt", RFC3339.format(milliseconds: observedAt))
        for sub in subProperties {
            writer.key(sub.name)
            writer.beginObject()
            writer.field("type", "Property")
            writer.field("value", sub.value)
            writer.endObject()
        }
        writer.endObject()
    }
}
