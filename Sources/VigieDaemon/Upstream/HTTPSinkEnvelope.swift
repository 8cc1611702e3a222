import VigieCore

/// The body of one POST: a JSON array with one object per outbox message.
///
/// ```json
/// [{"seq":41,"kind":"aggregate","topic":"vigie/mairie-01/meter","payload":[{"bn":"urn:dev:...","bt":1700000000}]},
///  {"seq":42,"kind":"status","topic":"vigie/mairie-01/status","payload":{"state":"online"}}]
/// ```
/// `payload` is the message's encoded JSON (SenML pack or plain JSON) inserted as is; `seq` is
/// the outbox sequence number, increasing, so the hub can drop a batch it receives twice.
enum HTTPSinkEnvelope {
    static let contentType = "application/json"

    static func body(for messages: [PendingMessage]) -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(messages.reduce(2) { $0 + $1.payload.count + $1.topic.utf8.count + 64 })
        body.append(UInt8(ascii: "["))
        for (index, message) in messages.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(contentsOf: "{\"seq\":\(message.seq),\"kind\":\"\(message.kind)\",\"topic\":".utf8)
            appendJSONString(message.topic, to: &body)
            body.append(contentsOf: ",\"payload\":".utf8)
            body.append(contentsOf: message.payload.isEmpty ? Array("null".utf8) : message.payload)
            body.append(UInt8(ascii: "}"))
        }
        body.append(UInt8(ascii: "]"))
        return body
    }

    private static func appendJSONString(_ text: String, to body: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        body.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): body.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): body.append(contentsOf: "\\\\".utf8)
            case 0..<0x20:
                body.append(contentsOf: "\\u00".utf8)
                body.append(hex[Int(byte >> 4)])
                body.append(hex[Int(byte & 0xF)])
            default: body.append(byte)
            }
        }
        body.append(UInt8(ascii: "\""))
    }
}
