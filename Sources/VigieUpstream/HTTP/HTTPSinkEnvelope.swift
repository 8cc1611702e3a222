import VigieCore

/// The body of one POST (see docs/upstream.md, "HTTP").
///
/// - `format: senml` and only aggregate and readings packs in the batch: one SenML array holding
///   every pack's records one after the other (`application/senml+json`); each pack starts with
///   its own `bn`, `bt` and `seq`, so records still resolve to their device and time.
/// - Otherwise: a JSON array of the payloads, each inserted as is (`application/json`).
///
/// Payloads are what `PublicationRenderer` made of each stored message (SenML or JSON); the
/// sequence number travels inside them.
package struct HTTPSinkEnvelope {
    package let contentType: String
    package let body: [UInt8]

    package init(_ messages: [PendingMessage], format: UpstreamFormat) {
        let packs = messages.map { Self.arrayContent($0.payload) }
        if format == .senml, messages.allSatisfy({ $0.kind == .aggregate || $0.kind == .readings }),
           packs.allSatisfy({ $0 != nil }) {
            contentType = "application/senml+json"
            body = Self.array(packs.compactMap { $0 }.filter { !$0.isEmpty })
        } else {
            contentType = "application/json"
            body = Self.array(messages.map { $0.payload.isEmpty ? Array("null".utf8) : $0.payload })
        }
    }

    /// `[a,b,c]` from the elements' bytes.
    private static func array(_ elements: [ArraySlice<UInt8>]) -> [UInt8] {
        var body: [UInt8] = [UInt8(ascii: "[")]
        body.reserveCapacity(elements.reduce(2) { $0 + $1.count + 1 })
        for (index, element) in elements.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(contentsOf: element)
        }
        body.append(UInt8(ascii: "]"))
        return body
    }

    private static func array(_ elements: [[UInt8]]) -> [UInt8] {
        array(elements.map { $0[...] })
    }

    /// The bytes between the outer brackets of a JSON array payload (trimmed), nil if not an array.
    private static func arrayContent(_ payload: [UInt8]) -> ArraySlice<UInt8>? {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        guard let first = payload.firstIndex(where: { !isSpace($0) }), let last = payload.lastIndex(where: { !isSpace($0) }),
              first < last, payload[first] == UInt8(ascii: "["), payload[last] == UInt8(ascii: "]") else { return nil }
        let inner = payload[(first + 1)..<last]
        guard let start = inner.firstIndex(where: { !isSpace($0) }), let end = inner.lastIndex(where: { !isSpace($0) }) else {
            return inner[inner.startIndex..<inner.startIndex]
        }
        return inner[start...end]
    }
}
