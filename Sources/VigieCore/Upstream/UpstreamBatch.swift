/// The body of one HTTP POST carrying several upstream payloads.
///
/// SenML: the packs' records concatenated into one SenML array (`application/senml+json`);
/// every pack starts with its own `bn` and `bt`, so each record still resolves to its own
/// device and window. JSON: an array of the payload objects (`application/json`). Anomaly and
/// health payloads are JSON objects in both formats, so a batch holding any of them is always
/// sent as a JSON array.
public struct UpstreamBatch: Sendable {
    public var body: String
    public var contentType: String

    /// Joins `payloads` (as the encoders wrote them) into one body.
    public init(payloads: [String], format: UpstreamFormat) {
        let allSenML = format == .senml && payloads.allSatisfy { $0.hasPrefix("[") && $0.hasSuffix("]") }
        if allSenML {
            let inner = payloads.map { String($0.dropFirst().dropLast()) }.filter { !$0.isEmpty }
            body = "[" + inner.joined(separator: ",") + "]"
            contentType = "application/senml+json"
        } else {
            body = "[" + payloads.joined(separator: ",") + "]"
            contentType = "application/json"
        }
    }
}
